"""Turn a dead llama-server's exit code and log into one line a user can act on."""

from __future__ import annotations

import re
import signal
from pathlib import Path

import psutil

_UNREADABLE_MODEL = re.compile(
    r"invalid magic characters|failed to read magic|failed to open GGUF file|gguf_init_from_file.*failed"
    r"|failed to read (?:tensor info|key-value pairs|header)|tensor .* data is not within the file bounds"
    r"|unknown model architecture|wrong number of tensors",
    re.IGNORECASE,
)
_NO_MEMORY = re.compile(
    r"failed to allocate|unable to allocate|cannot allocate memory|std::bad_alloc|out of memory"
    r"|failed to (?:mmap|create context)|not enough memory|ErrorOutOfDeviceMemory",
    re.IGNORECASE,
)
_BIND = re.compile(r"couldn't bind|address already in use", re.IGNORECASE)
_BAD_ARGS = re.compile(r"error: (?:invalid argument|unknown argument|invalid value).*", re.IGNORECASE)


def log_tail(path: Path, max_bytes: int = 65536) -> str:
    try:
        with path.open("rb") as handle:
            size = path.stat().st_size
            handle.seek(max(0, size - max_bytes))
            return handle.read().decode("utf-8", errors="replace")
    except OSError:
        return ""


def last_meaningful_line(text: str) -> str:
    for line in reversed(text.splitlines()):
        line = line.strip()
        if line and not line.startswith(("print_info", "load_tensors", "llama_model_loader")):
            return line[:240]
    return "no output"


def explain_exit(
    returncode: int | None, log_path: Path, model_path: Path, ctx_size: int, *, running: bool = False
) -> tuple[str, str]:
    """(kind, message): kind is one of port_taken, bad_model, no_memory, bad_args, bad_cpu, exited.

    `running` says the server had been ready, so the wording speaks of a death mid-run, not at start.
    """
    text = log_tail(log_path)
    where = f"log: {log_path}"
    if _BIND.search(text):
        return "port_taken", f"llama-server could not listen on its port (already in use); {where}"
    if _UNREADABLE_MODEL.search(text):
        line = _UNREADABLE_MODEL.search(text)
        assert line is not None
        return "bad_model", (
            f"llama-server could not read the model {model_path} ({line.group(0)}): the file is damaged, "
            f"truncated or not a model llama.cpp knows; re-download it or pick another GGUF; {where}"
        )
    oom_killed = returncode == -signal.SIGKILL
    if _NO_MEMORY.search(text) or oom_killed:
        free = psutil.virtual_memory().available / 2**30
        how = "was killed (SIGKILL, most likely by the out-of-memory killer)"
        if not oom_killed:
            how = "ran out of memory"
        return "no_memory", (
            f"llama-server {how} {'while serving' if running else 'loading'} {model_path.name} "
            f"with a {ctx_size}-token context "
            f"({free:.1f} GiB free now); use a smaller --ctx-size or a smaller model, or free memory; {where}"
        )
    if returncode == -signal.SIGILL or "invalid opcode" in text.lower():
        return "bad_cpu", (
            "llama-server hit an illegal instruction: it was built for another CPU; rebuild it with "
            f"-DGGML_NATIVE=OFF (delete the cached binary to rebuild); {where}"
        )
    bad_args = _BAD_ARGS.search(text)
    if bad_args:
        return "bad_args", f"llama-server rejected its options ({bad_args.group(0).strip()}); {where}"
    when = "during the run" if running else "before it was ready"
    return "exited", (
        f"llama-server exited with code {returncode} {when} "
        f"(last line: {last_meaningful_line(text)}); {where}"
    )
