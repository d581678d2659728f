"""Lenient-on-form comparisons: labels, words, numbers, clock times and instants."""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import Any

DEFAULT_OFFSET = "+01:00"  # the world's; used when a model writes a time without an offset

_EDGE = " \t\r\n\"'`“”‘’«»*_.,;:!?()[]{}<>"
_SPACES = re.compile(r"\s+")
_WORDS = re.compile(r"\S+")


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def norm_text(text: Any) -> str:
    """Case-folded, Unicode-normalised text with runs of whitespace collapsed."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    return _SPACES.sub(" ", nfkc(text).casefold()).strip()


def norm_label(value: Any) -> str:
    """A label or short string compared on substance: case, edge quotes/punctuation and spacing ignored."""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = norm_text(value)
    previous = None
    while previous != text:
        previous = text
        text = text.strip(_EDGE)
    return text


def label_key(value: Any) -> str:
    """A label with `_` and `-` read as spaces, so "alert_rules" and "alert rules" are one label."""
    return _SPACES.sub(" ", norm_label(value).replace("_", " ").replace("-", " ")).strip()


@lru_cache(maxsize=4096)
def word_pattern(phrase: str) -> re.Pattern[str] | None:
    """A regex finding `phrase` on word boundaries ("cat" never matches "category")."""
    words = norm_text(phrase).split()
    if not words:
        return None
    body = r"\s+".join(re.escape(w) for w in words)
    return re.compile(r"(?<!\w)" + body + r"(?!\w)")


def find_word(text: str, phrase: str, normalised: bool = False) -> int:
    """Position of the first word-boundary occurrence of `phrase` in `text`, or -1."""
    pattern = word_pattern(phrase)
    if pattern is None:
        return -1
    haystack = text if normalised else norm_text(text)
    match = pattern.search(haystack)
    return match.start() if match else -1


def contains_word(text: str, phrase: str) -> bool:
    return find_word(text, phrase) >= 0


def word_count(text: str) -> int:
    return len(_WORDS.findall(text or ""))


def to_number(value: Any) -> float | None:
    """A number from a JSON number or a numeric string; booleans are not numbers."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        text = value.strip().replace(",", "")
        if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", text):
            return None
        number = float(text)
    else:
        return None
    return number if math.isfinite(number) else None


def numbers_close(a: float, b: float, tolerance: float = 1e-6) -> bool:
    return abs(a - b) <= tolerance * max(1.0, abs(a), abs(b))


_TRUE = {"true", "yes"}
_FALSE = {"false", "no"}


def to_bool(value: Any) -> bool | None:
    """A boolean from `true` or the strings "true"/"false" (and yes/no); anything else is None."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        key = norm_label(value)
        if key in _TRUE:
            return True
        if key in _FALSE:
            return False
    return None


_CLOCK = re.compile(
    r"^(?P<h>\d{1,2})(?:[:.h](?P<m>\d{2})(?::(?P<s>\d{2}))?)?\s*(?P<ampm>a\.?\s*m\.?|p\.?\s*m\.?)?\s*(?:h|hrs|uhr)?$"
)
_CLOCK_COMPACT = re.compile(r"^(?P<h>[01]\d|2[0-3])(?P<m>[0-5]\d)$")


def parse_clock(value: Any) -> tuple[int, int] | None:
    """(hour, minute) from "22:00", "22:00:00", "10 pm", "10:30 p.m.", "22h00", "2200", "noon",
    "midnight", or the local time of an ISO datetime; None when it is not a clock time."""
    if not isinstance(value, str):
        return None
    text = norm_text(value).strip(" .")
    if text in ("noon", "midday"):
        return (12, 0)
    if text == "midnight":
        return (0, 0)
    match = _CLOCK.match(text) or _CLOCK_COMPACT.match(text)
    if match:
        hour = int(match.group("h"))
        minute = int(match.group("m") or 0)
        ampm = (match.groupdict().get("ampm") or "").replace(".", "").replace(" ", "")
        if ampm:
            if not 1 <= hour <= 12:
                return None
            hour = hour % 12 + (12 if ampm == "pm" else 0)
        if hour == 24 and minute == 0:
            hour = 0
        if 0 <= hour <= 23 and 0 <= minute <= 59:
            return (hour, minute)
        return None
    instant = parse_datetime(value)
    if instant is not None:
        return (instant.hour, instant.minute)
    return None


def parse_offset(text: str | None) -> timezone:
    """A fixed offset from "+01:00" (the world's timezone); UTC+01:00 when unreadable."""
    match = re.fullmatch(r"([+-])(\d{2}):?(\d{2})", (text or DEFAULT_OFFSET).strip())
    if not match:
        match = re.fullmatch(r"([+-])(\d{2}):?(\d{2})", DEFAULT_OFFSET)
        assert match is not None
    sign = -1 if match.group(1) == "-" else 1
    return timezone(sign * timedelta(hours=int(match.group(2)), minutes=int(match.group(3))))


def parse_datetime(value: Any, default_offset: str | None = None) -> datetime | None:
    """An aware datetime from ISO 8601 text; a missing offset means the world's (+01:00 by default)."""
    if not isinstance(value, str):
        return None
    text = value.strip().strip("\"'` ")
    if len(text) < 10 or len(text) > 40:
        return None
    if text[-1:] in ("z", "Z"):
        text = text[:-1] + "+00:00"
    try:
        instant = datetime.fromisoformat(text)
    except ValueError:
        return None
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=parse_offset(default_offset))
    return instant


def world_offset(world: dict[str, Any] | None) -> str:
    tz = (world or {}).get("timezone")
    return tz if isinstance(tz, str) else DEFAULT_OFFSET
