"""Server text made storable: the one rule for every string a server sends.

JSON lets a server send `\\ud800`, a lone UTF-16 surrogate, which Python decodes into a string that no
UTF-8 writer can encode (the results line, run.json, a report, the terminal). A real emoji sent as two
escaped UTF-16 halves in two stream chunks is two such halves until the chunks are joined. The client
therefore passes what it keeps through `storable` after joining: valid pairs become their character,
what is left unpaired becomes U+FFFD, and the count of replacements is recorded with the result.
"""

from __future__ import annotations

import re
from typing import Any

REPLACEMENT = "\ufffd"


def storable(text: str) -> tuple[str, int]:
    """`text` with surrogate pairs joined and lone surrogates replaced; and how many were replaced."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        pass
    else:
        return text, 0
    fixed = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return fixed, fixed.count(REPLACEMENT) - text.count(REPLACEMENT)


def storable_value(value: Any) -> tuple[Any, int]:
    """`storable` applied to every string (keys included) inside JSON-like data."""
    if isinstance(value, str):
        return storable(value)
    if isinstance(value, dict):
        total = 0
        out: dict[Any, Any] = {}
        for key, item in value.items():
            if isinstance(key, str):
                key, count = storable(key)
                total += count
            item, count = storable_value(item)
            total += count
            out[key] = item
        return out, total
    if isinstance(value, list | tuple):
        total = 0
        items = []
        for item in value:
            item, count = storable_value(item)
            total += count
            items.append(item)
        return items, total
    return value, 0


def storable_text(text: str) -> str:
    return storable(text)[0]


# Terminal control: CSI (`ESC [ ... final`), OSC (`ESC ] ... BEL|ST`) and other ESC sequences, then
# any C0/C1 control character left (tab and line feed excepted).
_ESCAPE_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]|\x9b[0-?]*[ -/]*[@-~]"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """`text` without terminal escape sequences or control characters: fit to print or to write into a
    text format, whatever a server put in it (clear-screen, window titles, fake lines)."""
    if text.isprintable():
        return text
    return _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", text))


def redact_secrets(text: str, secrets: list[str]) -> str:
    """Every occurrence of each secret (longest first) masked, whatever its shape."""
    for secret in sorted(secrets, key=len, reverse=True):
        if secret and len(secret) >= 4 and secret in text:
            text = text.replace(secret, "***")
    return text
