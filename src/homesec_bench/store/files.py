"""Writing a whole text file safely, and turning records into JSON that any UTF-8 reader takes."""

from __future__ import annotations

import contextlib
import json
import os
import re
import stat
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from homesec_bench.client.text import storable_value

# A JSON escape that decodes to a UTF-16 surrogate (\\ud800-\\udfff); raw surrogates cannot be in
# text decoded from UTF-8.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89abcdefABCDEF]")


def write_text_atomic(path: Path, text: str, *, fsync: bool = True) -> None:
    """Write `text` to `path` so a reader sees the old file or the new one, never half of either.

    A temporary file beside the target is renamed over it, and removed if anything fails (a full
    disk leaves no `*.tmp` behind). A target that is not a regular file is written through, never
    replaced: a symlink's own target is written (atomically), a pipe or device such as /dev/stdout
    is written to directly. Raises OSError.
    """
    write_bytes_atomic(path, text.encode("utf-8", "replace"), fsync=fsync)


def write_bytes_atomic(path: Path, data: bytes, *, fsync: bool = True, mode: int | None = None) -> None:
    """`write_text_atomic` for bytes (images, a built binary); `mode`, when given, is set on the new
    file before it takes the target's place (0o755 for an executable)."""
    path = Path(path)
    with contextlib.suppress(OSError):
        if path.is_symlink():
            path = path.resolve()
        kind = os.stat(path).st_mode
        if not stat.S_ISREG(kind) and not stat.S_ISDIR(kind):
            with open(path, "wb") as handle:
                handle.write(data)
            return
    tmp = path.with_name(path.name + ".tmp")
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            if mode is not None:
                os.fchmod(handle.fileno(), mode)
            if fsync:
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def model_json(model: BaseModel, indent: int | None = None) -> str:
    """`model_dump_json`, falling back to a storable copy when a string cannot be encoded as UTF-8
    (text that reached a record some way other than through the client)."""
    try:
        return model.model_dump_json(indent=indent)
    except ValueError:  # PydanticSerializationError: a lone surrogate somewhere
        data, _ = storable_value(model.model_dump(mode="json"))
        return json.dumps(data, indent=indent, ensure_ascii=False, allow_nan=False, default=str)


def loads_storable(raw: bytes | str) -> Any:
    """JSON from disk with every string made storable: `\\ud800` escapes decode to U+FFFD.

    Only text holding a surrogate escape is walked, so reading a large run costs what json.loads does.
    """
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", errors="replace")
    data = json.loads(raw)
    return storable_value(data)[0] if _SURROGATE_ESCAPE.search(raw) else data
