"""Lenient-on-form comparisons: labels, words, numbers, clock times and instants."""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import datetime
from functools import lru_cache
from typing import Any

from homesec_bench.graders.times import DEFAULT_OFFSET, find_times, read_clock, read_datetime, time_phrase
from homesec_bench.graders.times import parse_offset as parse_offset

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


@lru_cache(maxsize=4096)
def _phrase_clocks(phrase: str) -> tuple[tuple[int, int], ...] | None:
    clocks = time_phrase(phrase)
    return tuple(clocks) if clocks else None


def find_word(text: str, phrase: str, normalised: bool = False) -> int:
    """Position of the first word-boundary occurrence of `phrase` in `text`, or -1. A phrase that is
    a clock time ("08:05", "8:05 am", "10:00-13:00") is found as a time in any form
    (`2026-03-18T08:05+01:00`, `8.05 a.m.`), never inside another time (18:05, 08:50)."""
    haystack = text if normalised else norm_text(text)
    clocks = _phrase_clocks(phrase) if isinstance(phrase, str) else None
    if clocks is not None:
        mentions = find_times(haystack)
        positions = []
        for clock in clocks:
            found = [m.start for m in mentions if m.clock == clock]
            if not found:
                return -1
            positions.append(min(found))
        return min(positions)
    pattern = word_pattern(phrase)
    if pattern is None:
        return -1
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


def parse_clock(value: Any, offset: str | None = None) -> tuple[int, int] | None:
    """(hour, minute) from one clock time in any common form ("22:00", "22:00:00", "10 pm",
    "10:30 p.m.", "22h00", "2200", "noon", "midnight", "23:40+01:00") or the local time of an ISO
    datetime; None when it is not a clock time. See `homesec_bench.graders.times`."""
    return read_clock(value, offset)


def parse_datetime(value: Any, default_offset: str | None = None) -> datetime | None:
    """An aware datetime from ISO 8601 text (seconds optional); a missing offset means the world's."""
    return read_datetime(value, default_offset)


def world_offset(world: dict[str, Any] | None) -> str:
    tz = (world or {}).get("timezone")
    return tz if isinstance(tz, str) else DEFAULT_OFFSET


# Words that end in a period without ending a sentence: titles and "e.g."-style abbreviations never
# end one, "No." and "approx." not before a number, a.m./p.m./etc. only before a capitalised word
# ("at 8 a.m. The van left"); any period before a lower-case word is not a sentence end.
_NEVER_ENDS = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "st",
    "jr",
    "sr",
    "sra",
    "srta",
    "mme",
    "mlle",
    "vs",
    "cf",
    "incl",
    "excl",
    "fig",
    "vol",
    "dept",
    "tel",
    "ref",
    "ext",
    "resp",
    "bzw",
    "usw",
    "ggf",
    "eg",
    "ie",
    "zb",
    "dh",
}
_BEFORE_NUMBER = {"no", "nr", "nos", "approx", "appx", "ca", "est", "min", "max", "nº"}
_ENDS_BEFORE_CAPITAL = {"am", "pm", "etc"}
_TERMINATOR = re.compile(r"[.!?。？！…]+(?=[\s\"'”’)\]]|$)|\n[ \t]*\n")
_WORD_BEFORE = re.compile(r"([\w.]+)$")


def _is_sentence_end(text: str, match: re.Match[str]) -> bool:
    mark = match.group(0)
    if "\n" in mark:
        return True
    after = text[match.end() : match.end() + 16].lstrip(" \t\"'”’)]")
    following = after[:1]
    if following and following.islower():
        return False  # "at 2.30 a.m. on Tuesday", "e.g. the fox", "... and then"
    if not mark.startswith(".") or mark.startswith(".."):
        return True
    word_match = _WORD_BEFORE.search(text, max(0, match.start() - 40), match.start())
    word = word_match.group(1).casefold().strip(".") if word_match else ""
    bare = word.replace(".", "")
    if bare in _NEVER_ENDS:
        return False
    if bare in _BEFORE_NUMBER:
        return not following.isdigit()
    if bare in _ENDS_BEFORE_CAPITAL:
        return not following.isdigit()
    if "." in word and not bare.isdigit():
        return False  # another abbreviation written with inner periods ("z.B.", "u.s.")
    if len(word) == 1 and word.isalpha() and word_match and word_match.group(1).strip(".").isupper():
        return not following  # an initial: "J. Smith"
    if bare.isdigit():
        start = match.start()
        lead = text[max(0, start - 12) : start]
        if re.search(r"\n[ \t*-]*\d{1,3}$", lead) or (
            start <= 12 and re.fullmatch(r"\s*[*-]?\s*\d{1,3}", lead)
        ):
            return False  # a numbered list item: "1. Check the side gate"
        if following.isdigit():
            return False
    return True


def split_sentences(text: str) -> list[str]:
    """The sentences of `text`: split at ., !, ? (and CJK marks) before a space or the end, and at
    blank lines, but not after abbreviations (a.m., p.m., e.g., i.e., approx., Mr., No.), initials,
    list numbers, decimals or times such as 08.05, nor before a lower-case word."""
    if not isinstance(text, str):
        return []
    sentences = []
    position = 0
    for match in _TERMINATOR.finditer(text):
        if _is_sentence_end(text, match):
            sentences.append(text[position : match.end()])
            position = match.end()
    sentences.append(text[position:])
    return [s.strip() for s in sentences if re.search(r"\w", s)]
