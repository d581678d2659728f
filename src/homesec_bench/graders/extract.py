"""Get the answer out of a model's reply: drop reasoning, find the one JSON value.

Everything here takes arbitrary text (huge, deeply nested, garbage) and never raises.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from homesec_bench.models import ModelAnswer

# Past this size an answer is not a plausible JSON reply; scanning further only costs time.
MAX_SCAN_CHARS = 200_000
# How many opening brackets to try before deciding the text holds no JSON value.
MAX_CANDIDATES = 64

_THINK_TAGS = ("think", "thinking", "reasoning", "reflection", "analysis")
# Opening and closing reasoning tags, found in one linear pass (a lazy `<think>.*?</think>` regex is
# quadratic on an answer of thousands of unclosed tags).
_THINK_TAG = re.compile(r"<\s*(/?)\s*(?:" + "|".join(_THINK_TAGS) + r")\s*>", re.IGNORECASE)
# gpt-oss "harmony" output that reached the content: only the final channel is the answer.
_HARMONY_FINAL = re.compile(r"<\|channel\|>\s*final\s*<\|message\|>", re.IGNORECASE)
_HARMONY_END = re.compile(r"<\|(?:end|return|call)\|>")
_FENCE = re.compile(r"```[ \t]*([A-Za-z0-9_+-]*)[ \t]*\r?\n?(.*?)(?:```|\Z)", re.DOTALL)

_DECODER = json.JSONDecoder()


def strip_reasoning(text: str) -> str:
    """The text with `<think>`-style blocks removed; an unclosed block swallows the rest of the text,
    and a lone closing tag (the template opened the block in the prompt) drops everything before it."""
    if not isinstance(text, str):
        return ""
    final = list(_HARMONY_FINAL.finditer(text))
    if final:
        text = _HARMONY_END.split(text[final[-1].end() :], maxsplit=1)[0]
    kept: list[str] = []
    depth = 0
    position = 0
    for tag in _THINK_TAG.finditer(text):
        closing = bool(tag.group(1))
        if not closing:
            if depth == 0:
                kept.append(text[position : tag.start()])
            depth += 1
        elif depth > 0:
            depth -= 1
            if depth == 0:
                position = tag.end()
                kept.append(" ")
        else:
            kept = []
            position = tag.end()
    if depth == 0:
        kept.append(text[position:])
    return "".join(kept).strip()


def answer_text(answer: ModelAnswer) -> str:
    """The final answer text a grader judges: content without reasoning, trimmed."""
    return strip_reasoning(answer.content or "")


@dataclass(frozen=True)
class FoundJson:
    value: Any
    where: str  # "bare", "fenced" or "embedded"
    start: int
    end: int


def _loads(text: str) -> tuple[bool, Any]:
    try:
        return True, json.loads(text)
    except (ValueError, RecursionError, TypeError):
        return False, None


def _raw_decode(text: str, pos: int) -> tuple[bool, Any, int]:
    try:
        value, end = _DECODER.raw_decode(text, pos)
        return True, value, end
    except (ValueError, RecursionError, TypeError):
        return False, None, pos


def _embedded(text: str, offset: int, where: str) -> FoundJson | None:
    tried = 0
    pos = 0
    length = len(text)
    while pos < length and tried < MAX_CANDIDATES:
        brace = text.find("{", pos)
        bracket = text.find("[", pos)
        starts = [i for i in (brace, bracket) if i >= 0]
        if not starts:
            return None
        start = min(starts)
        tried += 1
        good, value, end = _raw_decode(text, start)
        if good and isinstance(value, dict | list):
            return FoundJson(value, where, offset + start, offset + end)
        pos = start + 1
    return None


def find_json(text: str) -> FoundJson | None:
    """The one JSON value in an answer: the whole text, a fenced block, or the first complete
    top-level object or array embedded in prose. `None` when there is none."""
    if not isinstance(text, str):
        return None
    text = text[:MAX_SCAN_CHARS]
    stripped = text.strip()
    if not stripped:
        return None
    good, value = _loads(stripped)
    if good:
        start = text.find(stripped[:1])
        return FoundJson(value, "bare", start, start + len(stripped))
    for match in _FENCE.finditer(text):
        body = match.group(2).strip()
        if not body:
            continue
        good, value = _loads(body)
        if good:
            return FoundJson(value, "fenced", match.start(2), match.end(2))
        found = _embedded(body, match.start(2), "fenced")
        if found is not None:
            return found
    return _embedded(text, 0, "embedded")


_FENCE_MARK = re.compile(r"```[\w-]*")


def prose_around(text: str, found: FoundJson) -> str:
    """The words an answer adds outside its JSON value (a code fence's own marks are not words)."""
    outside = text[: found.start] + " " + text[found.end :]
    return " ".join(_FENCE_MARK.sub(" ", outside).split())


def json_value(answer: ModelAnswer) -> FoundJson | None:
    return find_json(answer_text(answer))


# bool before int: a bool is an int to isinstance.
_JSON_TYPE_NAMES: tuple[tuple[type, str], ...] = (
    (type(None), "null"),
    (bool, "boolean"),
    (int, "integer"),
    (float, "number"),
    (str, "string"),
    (list, "array"),
    (dict, "object"),
)


def type_name(value: Any) -> str:
    """The JSON type name of a Python value, for reasons users read."""
    for kind, name in _JSON_TYPE_NAMES:
        if isinstance(value, kind):
            return name
    return type(value).__name__


def short(value: Any, limit: int = 60) -> str:
    """A short printable rendering of a value for a one-line reason."""
    try:
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    except (ValueError, RecursionError, TypeError):
        text = f"<{type_name(value)}>"
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return repr(text) if isinstance(value, str) else text
