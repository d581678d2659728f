"""Spot a tool call written as text in `content` instead of sent as a real `tool_calls` entry."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from homesec_bench.graders.extract import MAX_SCAN_CHARS

_NAME_KEYS = ("name", "function", "tool", "tool_name", "function_name")
_ARG_KEYS = ("arguments", "parameters", "args", "params", "input")
_TAGGED = re.compile(
    r"<\s*(?:tool_call|function_call|\|tool_call\|)\s*>|\[TOOL_CALLS\]|<\|python_tag\|>", re.I
)
_DECODER = json.JSONDecoder()


def _call_name(value: Any, known: set[str]) -> str | None:
    """The tool name when `value` is shaped like a call {name, arguments}."""
    if isinstance(value, list):
        for item in value[:8]:
            name = _call_name(item, known)
            if name:
                return name
        return None
    if not isinstance(value, dict):
        return None
    inner = value.get("function")
    if isinstance(inner, dict):
        return _call_name(inner, known)
    if isinstance(value.get("tool_calls"), list):
        return _call_name(value["tool_calls"], known)
    name = next((value[k] for k in _NAME_KEYS if isinstance(value.get(k), str)), None)
    has_args = any(k in value for k in _ARG_KEYS)
    if isinstance(name, str) and (has_args or name in known):
        return name
    return None


def _json_values(text: str, limit: int = 32) -> Iterable[Any]:
    pos = 0
    for _ in range(limit):
        starts = [i for i in (text.find("{", pos), text.find("[", pos)) if i >= 0]
        if not starts:
            return
        start = min(starts)
        try:
            value, end = _DECODER.raw_decode(text, start)
        except (ValueError, RecursionError):
            pos = start + 1
            continue
        yield value
        pos = end


def call_in_text(text: str, tool_names: Iterable[str]) -> str | None:
    """The name of a tool the text calls as written text, or None.

    Counts: JSON shaped like a call (`{"name": ..., "arguments": ...}`), a known tool's name followed
    by "(", and the chat templates' call tags (`<tool_call>`, `[TOOL_CALLS]`).
    """
    if not isinstance(text, str) or not text:
        return None
    text = text[:MAX_SCAN_CHARS]
    known = {n for n in tool_names if isinstance(n, str) and n}
    for value in _json_values(text):
        name = _call_name(value, known)
        if name:
            return name
    if known:
        pattern = re.compile(
            r"(?<![\w.])(?:functions\.)?(" + "|".join(map(re.escape, sorted(known))) + r")\s*\("
        )
        match = pattern.search(text)
        if match:
            return match.group(1)
    tagged = _TAGGED.search(text)
    if tagged:
        return tagged.group(0)
    return None
