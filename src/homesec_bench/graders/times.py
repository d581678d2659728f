"""The one reader of clock times and instants, used wherever a grader checks a time.

A time can be written many ways that all mean the same moment: `08:05`, `8:05`, `08.05`, `0805h`,
`08h05`, `8:05 am`, `8.05 a.m.`, `2026-03-18T08:05+01:00`, `2026-03-18T07:05:00Z`, `08:05+01:00`.
`read_clock` reads one whole value (a JSON field, a tool argument) into `(hour, minute)` in the
world's timezone; `find_times` finds every time mention in free text, ranges included (`9:00am-12:00pm`,
`09.00 to 12.00`, `between 9 and 12`, `9-5 on weekdays`), so a word check for "08:05" finds the ISO
datetime and never 18:05 or 08:50. `read_datetime` reads an ISO 8601 instant, seconds optional.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import Any

DEFAULT_OFFSET = "+01:00"  # the world's; used when a model writes a time without an offset

Clock = tuple[int, int]

_OFFSET = re.compile(r"([+-])(\d{2}):?(\d{2})?")


def offset_minutes(text: str | None) -> int:
    """Minutes east of UTC for "+01:00", "-0500", "+01" or "Z"; the world's offset when unreadable."""
    text = (text or DEFAULT_OFFSET).strip()
    if text.casefold() in ("z", "utc", "gmt"):
        return 0
    match = _OFFSET.fullmatch(text) or _OFFSET.fullmatch(DEFAULT_OFFSET)
    assert match is not None
    sign = -1 if match.group(1) == "-" else 1
    return sign * (int(match.group(2)) * 60 + int(match.group(3) or 0))


def parse_offset(text: str | None) -> timezone:
    """A fixed offset from "+01:00" (the world's timezone); UTC+01:00 when unreadable."""
    return timezone(timedelta(minutes=offset_minutes(text)))


# An ISO 8601 date and time: `2026-03-18T08:05`, seconds and fractions optional, `T` or a space,
# an offset (`+01:00`, `+0100`, `+01`, `Z`) optional.
_ISO_DATETIME = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})[Tt ](?P<h>\d{2}):?(?P<m>\d{2})(?::?(?P<s>\d{2})(?P<frac>[.,]\d+)?)?"
    r"\s?(?P<off>[Zz]|[+-]\d{2}(?::?\d{2})?)?"
)


def read_datetime(value: Any, default_offset: str | None = None) -> datetime | None:
    """An aware datetime from ISO 8601 text with a clock time (seconds optional); a missing offset
    means the world's (+01:00 by default). A bare date or anything else is None."""
    if not isinstance(value, str):
        return None
    text = value.strip().strip("\"'` ")
    if len(text) > 40:
        return None
    match = _ISO_DATETIME.fullmatch(text)
    if match is None:
        return None
    return _instant(match, default_offset)


def _instant(match: re.Match[str], default_offset: str | None) -> datetime | None:
    try:
        year, month, day = (int(p) for p in match.group("date").split("-"))
        second = int(match.group("s") or 0)
        micro = round(float("0." + match.group("frac")[1:]) * 1e6) if match.group("frac") else 0
        off = match.group("off")
        tz = parse_offset(off) if off else parse_offset(default_offset)
        return datetime(
            year,
            month,
            day,
            int(match.group("h")),
            int(match.group("m")),
            min(second, 59),
            min(micro, 999_999),
            tzinfo=tz,
        )
    except (ValueError, OverflowError):
        return None


def local_clock(instant: datetime, offset: str | None = None) -> Clock:
    """The wall-clock (hour, minute) of an instant in the world's timezone."""
    local = instant.astimezone(parse_offset(offset))
    return (local.hour, local.minute)


_MERIDIEM = r"(?P<ampm>[ap])\.?\s?m\b\.?"
# One whole value that is a clock time: "22:00", "22:00:00", "10 pm", "10:30 p.m.", "22h00", "2200",
# "T08:05", "23:40+01:00", "8 o'clock", "8 Uhr".
_WHOLE_CLOCK = re.compile(
    r"t?(?P<h>\d{1,2})(?:\s?(?P<sep>[:.h])\s?(?P<m>\d{2})(?::(?P<s>\d{2})(?:[.,]\d+)?)?)?"
    r"\s*(?:" + _MERIDIEM + r")?\s*(?:h|hrs|uhr|o'?\s?clock)?"
    r"\s?(?P<off>z|utc|\+\d{2}(?::?\d{2})?|(?<=:\d\d:\d\d)-\d{2}:\d{2})?"
)
_WHOLE_COMPACT = re.compile(r"t?(?P<h>[01]\d|2[0-3])(?P<m>[0-5]\d)(?:\s?(?:h|hrs|hours))?")
_WORD_CLOCKS = {"noon": (12, 0), "midday": (12, 0), "midnight": (0, 0), "mittag": (12, 0)}


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _apply_meridiem(hour: int, ampm: str | None) -> int | None:
    if not ampm:
        return hour
    if not 1 <= hour <= 12:
        return None
    return hour % 12 + (12 if ampm == "p" else 0)


def _shift(clock: Clock, from_offset: int, to_offset: int) -> Clock:
    total = (clock[0] * 60 + clock[1] - from_offset + to_offset) % (24 * 60)
    return (total // 60, total % 60)


def _valid(hour: int | None, minute: int) -> Clock | None:
    if hour is None:
        return None
    if hour == 24 and minute == 0:
        hour = 0
    if 0 <= hour <= 23 and 0 <= minute <= 59:
        return (hour, minute)
    return None


def read_clock(value: Any, offset: str | None = None) -> Clock | None:
    """(hour, minute) in the world's timezone from one value that is a clock time in any common
    form, or the clock part of an ISO datetime; None when the value is not one clock time."""
    if not isinstance(value, str):
        return None
    text = _fold(value).strip(" .,;!?\"'`*()")
    if not text or len(text) > 40:
        return None
    if text in _WORD_CLOCKS:
        return _WORD_CLOCKS[text]
    match = _WHOLE_CLOCK.fullmatch(text)
    if match:
        hour = _apply_meridiem(int(match.group("h")), match.group("ampm"))
        clock = _valid(hour, int(match.group("m") or 0))
        if clock is not None and match.group("off"):
            clock = _shift(clock, offset_minutes(match.group("off")), offset_minutes(offset))
        return clock
    match = _WHOLE_COMPACT.fullmatch(text)
    if match:
        return (int(match.group("h")), int(match.group("m")))
    instant = read_datetime(value, offset)
    if instant is not None:
        return local_clock(instant, offset)
    mentions = find_times(value, offset)
    if len(mentions) == 1 and mentions[0].start == 0 and mentions[0].end >= len(value.rstrip(" .")):
        return mentions[0].clock
    return None


def is_iso_time(value: Any) -> bool:
    """Whether `value` is an ISO 8601 time of day (`08:05`, `08:05:00`, `08:05:00.5+01:00`, `08:05Z`)."""
    return isinstance(value, str) and bool(_ISO_TIME.fullmatch(value.strip()))


_ISO_TIME = re.compile(r"(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:[.,]\d+)?)?(?:[Zz]|[+-]\d{2}:?\d{2})?")


@dataclass(frozen=True)
class TimeMention:
    """One clock time found in text: where it is, the clock it names (world timezone), and the
    instant when it was written as a full date and time."""

    start: int
    end: int
    clock: Clock
    instant: datetime | None = None


# Free-text forms, tried at each position in this order (the first that matches wins).
_ISO_IN_TEXT = re.compile(
    r"(?<![\w.:/-])(?P<date>\d{4}-\d{2}-\d{2})[Tt ](?P<h>\d{2}):(?P<m>\d{2})"
    r"(?::(?P<s>\d{2})(?P<frac>[.,]\d+)?)?(?P<off>[Zz]|\+\d{2}(?::?\d{2})?|(?<=:\d\d:\d\d)-\d{2}:?\d{2})?(?![\w:])"
)
_CLOCK_IN_TEXT = re.compile(
    r"(?<![\w.:,/\-–£$€+])(?P<h>\d{1,2})\s?(?P<sep>[:.]|h\s?)(?P<m>[0-5]\d)(?::(?P<s>[0-5]\d))?"
    r"(?!\d|[.,:]\d|\s?%)"
    r"(?:\s?(?:" + _MERIDIEM + r"))?"
    r"(?:(?P<off>[Zz]|\+\d{2}:?\d{2})(?![\w]))?"
)
_AMPM_IN_TEXT = re.compile(r"(?<![\w.:,/\-–£$€+])(?P<h>\d{1,2})\s?" + _MERIDIEM)
_OCLOCK_IN_TEXT = re.compile(
    r"(?<![\w.:,/\-–£$€+])(?P<h>\d{1,2})\s?(?:o'?\s?clock|uhr)(?:\s(?P<m>[0-5]?\d)\b)?"
)
_COMPACT_IN_TEXT = re.compile(
    r"(?<![\w.:,/\-–£$€+])(?P<h>[01]\d|2[0-3])(?P<m>[0-5]\d)(?P<unit>\s?(?:h|hrs|hours)\b)?"
)
# Words just before "8.05" that make it a time, not a price or a decimal.
_DOTTED_CONTEXT = re.compile(r"\b(?:um|a las|las|à|at|from|until|till|by|around|about|ca)\s$")
_WORDS_IN_TEXT = re.compile(r"\b(?P<word>noon|midday|midnight)\b")
# Words before a bare four-digit number that make it a clock time ("at 0805"), not a year.
_COMPACT_CONTEXT = re.compile(r"(?:\b(?:at|from|until|till|til|by|to|between|and|since|before|after)\s)$")
# A range of times: "9-12", "9 to 12", "between 9 and 12", "9:00am-12:00pm", "09.00 to 12.00".
_ENDPOINT = r"(?P<{n}h>\d{{1,2}})(?:[:.](?P<{n}m>[0-5]\d))?(?:\s?(?P<{n}ampm>[ap])\.?\s?m\b\.?)?"
_RANGE_IN_TEXT = re.compile(
    r"(?<![\w.:,/\-–£$€+])(?P<between>between\s)?"
    + _ENDPOINT.format(n="a")
    + r"\s?(?P<sep>-|–|—|to|until|till|and)\s?"
    + _ENDPOINT.format(n="b")
    + r"(?P<unit>\s?(?:h|hrs|uhr|o'?\s?clock)\b)?(?![\w:]|[.,]\d|\s?%)"
)
# Words that, shortly before a range of bare hours, say that it is a range of times.
_RANGE_CONTEXT = re.compile(
    r"\b(?:from|between|at|hours?|open|opening|times?|window|schedule[ds]?|shifts?|slot|daily|"
    r"mornings?|evenings?|afternoons?|nights?|mon|tue|wed|thu|fri|sat|sun|"
    r"(?:mon|tues|wednes|thurs|fri|satur|sun)days?|weekdays?|weekends?)\b[^.;!?\n]{0,12}$"
)
# Words after a bare range that say it counts things, not hours.
_RANGE_NOT_TIME = re.compile(
    r"\s*(?:minutes?|mins?|seconds?|secs?|hours?|days?|weeks?|months?|years?|times|events?|people|"
    r"persons?|cameras?|metres?|meters?|m\b|km|kg|%|percent|euros?|pounds?|dollars?|gb|mb)"
)
_PM_AFTER = re.compile(r"\s*(?:in the (?:evening|afternoon)|this (?:evening|afternoon)|tonight|at night)\b")
# A bare hour that a phrase makes a time: "at 6 in the morning", "10 at night", "7 this evening".
_HOUR_PHRASE_IN_TEXT = re.compile(
    r"(?<![\w.:,/\-–£$€+])(?P<h>\d{1,2})(?=\s(?:in the (?:morning|evening|afternoon)|"
    r"this (?:morning|evening|afternoon)|tonight|at night)\b)"
)


def _ampm(match: re.Match[str], group: str = "ampm") -> str | None:
    value = match.groupdict().get(group)
    return value or None


def _context_pm(text: str, end: int, hour: int) -> int:
    """An hour written without am/pm but followed by "in the evening", "tonight", "at night"."""
    after = _PM_AFTER.match(text, end)
    if after and 1 <= hour <= 11:
        if "night" in after.group(0) and hour < 6:
            return hour  # "2:47 at night" is 02:47
        return hour + 12
    return hour


@lru_cache(maxsize=2048)
def _find_times_cached(text: str, offset: str) -> tuple[TimeMention, ...]:
    folded = unicodedata.normalize("NFKC", text).casefold()
    found: list[TimeMention] = []
    taken = bytearray(len(folded) + 1)

    def free(start: int, end: int) -> bool:
        return not any(taken[start:end])

    def add(start: int, end: int, clock: Clock | None, instant: datetime | None = None) -> None:
        if clock is not None and free(start, end):
            found.append(TimeMention(start, end, clock, instant))
            taken[start:end] = b"\x01" * (end - start)

    world = offset_minutes(offset)
    for match in _ISO_IN_TEXT.finditer(folded):
        instant = _instant(match, offset)
        if instant is not None:
            add(match.start(), match.end(), local_clock(instant, offset), instant)

    for match in _RANGE_IN_TEXT.finditer(folded):
        _add_range(folded, match, add, free)

    for match in _CLOCK_IN_TEXT.finditer(folded):
        # "8.05" with no am/pm reads as a time only in a time context ("at 8.05"); "3.50" is a price.
        before = folded[max(0, match.start() - 12) : match.start()]
        if (
            match.group("sep") == "."
            and not (match.group("ampm") or len(match.group("h")) == 2)
            and not _COMPACT_CONTEXT.search(before)
            and not _DOTTED_CONTEXT.search(before)
        ):
            continue
        hour = _apply_meridiem(int(match.group("h")), _ampm(match))
        if hour is not None and not _ampm(match):
            hour = _context_pm(folded, match.end(), hour)
        clock = _valid(hour, int(match.group("m")))
        if clock is not None and match.group("off"):
            clock = _shift(clock, offset_minutes(match.group("off")), world)
        add(match.start(), match.end(), clock)

    for match in _AMPM_IN_TEXT.finditer(folded):
        add(match.start(), match.end(), _valid(_apply_meridiem(int(match.group("h")), _ampm(match)), 0))

    for match in _OCLOCK_IN_TEXT.finditer(folded):
        hour = _context_pm(folded, match.end(), int(match.group("h")))
        add(match.start(), match.end(), _valid(hour, int(match.group("m") or 0)))

    for match in _COMPACT_IN_TEXT.finditer(folded):
        before = folded[max(0, match.start() - 12) : match.start()]
        if match.group("unit") or _COMPACT_CONTEXT.search(before):
            if re.match(r"[\d:/-]|[.,]\d", folded[match.end() : match.end() + 2]):
                continue
            add(match.start(), match.end(), (int(match.group("h")), int(match.group("m"))))

    for match in _WORDS_IN_TEXT.finditer(folded):
        add(match.start(), match.end(), _WORD_CLOCKS[match.group("word")])

    for match in _HOUR_PHRASE_IN_TEXT.finditer(folded):
        add(match.start(), match.end(), _valid(_context_pm(folded, match.end(), int(match.group("h"))), 0))

    return tuple(sorted(found, key=lambda m: m.start))


def _add_range(text: str, match: re.Match[str], add: Any, free: Any) -> None:
    """Both ends of a range of times, with am/pm carried from one end to the other ("9-11pm")."""
    a_h, b_h = int(match.group("ah")), int(match.group("bh"))
    a_m, b_m = match.group("am"), match.group("bm")
    a_ampm, b_ampm = match.group("aampm"), match.group("bampm")
    sep = match.group("sep")
    bare = not (a_m or b_m or a_ampm or b_ampm or match.group("unit"))
    if sep == "and" and not match.group("between"):
        return
    if bare:
        before = text[max(0, match.start() - 40) : match.start()]
        if not (match.group("between") or _RANGE_CONTEXT.search(before)):
            return
        if _RANGE_NOT_TIME.match(text, match.end()):
            return
    elif (not (a_m or a_ampm) or not (b_m or b_ampm)) and _RANGE_NOT_TIME.match(text, match.end()):
        return  # one end is a bare number ("9-12:00", "9-11pm"): fine, but not a count ("3-4 minutes")
    if a_ampm is None and b_ampm is not None:
        # "9-11pm" is 21-23; "11-2pm" is 11am-2pm: the start takes the other half when it would
        # otherwise follow the end.
        a_ampm = b_ampm if a_h % 12 <= b_h % 12 else ("a" if b_ampm == "p" else "p")
    elif b_ampm is None and a_ampm is not None:
        b_ampm = a_ampm if b_h % 12 >= a_h % 12 else ("a" if a_ampm == "p" else "p")
    a_hour = _apply_meridiem(a_h, a_ampm)
    b_hour = _apply_meridiem(b_h, b_ampm)
    no_ampm = a_ampm is None and b_ampm is None
    phrased = False
    if no_ampm and a_hour is not None and b_hour is not None and _PM_AFTER.match(text, match.end()):
        # "between 6 and 10 in the evening", "from 10 to 2 at night": the phrase after the range
        # applies to both ends.
        a_hour, b_hour = _context_pm(text, match.end(), a_hour), _context_pm(text, match.end(), b_hour)
        phrased = True
    if (
        no_ampm
        and not phrased
        and a_hour is not None
        and b_hour is not None
        and 1 <= a_hour <= 12
        and 1 <= b_hour < a_hour
    ):
        b_hour += 12  # "9-5" is 09:00-17:00; "22-7" wraps past midnight as written
    a_clock = _valid(a_hour, int(a_m or 0))
    b_clock = _valid(b_hour, int(b_m or 0))
    if a_clock is None or b_clock is None:
        return
    a_start = match.start("ah")
    a_end = max(match.end(g) for g in ("ah", "am", "aampm") if match.group(g))
    b_end = match.end()
    if free(a_start, a_end) and free(match.start("bh"), b_end):
        add(a_start, a_end, a_clock)
        add(match.start("bh"), b_end, b_clock)


def find_times(text: Any, offset: str | None = None) -> list[TimeMention]:
    """Every clock time mentioned in `text`, in order, each read into the world's timezone."""
    if not isinstance(text, str) or not text:
        return []
    return list(_find_times_cached(text[:20_000], offset or DEFAULT_OFFSET))


def clocks_in(text: Any, offset: str | None = None) -> set[Clock]:
    return {m.clock for m in find_times(text, offset)}


def time_phrase(phrase: str, offset: str | None = None) -> list[Clock] | None:
    """The clock times a check phrase names when it is nothing but times ("08:05", "8:05 am",
    "10:00-13:00"); None when it is (or holds) anything else, so it is matched as words."""
    if not isinstance(phrase, str):
        return None
    mentions = find_times(phrase, offset)
    if not mentions:
        # "8.05" alone is a time in a check phrase; a bare number ("8", "1234") is a count or a PIN.
        clock = read_clock(phrase, offset) if re.fullmatch(r"\s*\d{1,2}[.:h]\d{2}\s*", phrase) else None
        return [clock] if clock is not None else None
    rest = phrase
    for mention in reversed(mentions):
        rest = rest[: mention.start] + " " + rest[mention.end :]
    if re.sub(r"(?:\s|-|–|—|\bto\b|\band\b|\bbetween\b|\bfrom\b|\buntil\b)+", "", rest.casefold()):
        return None
    return [m.clock for m in mentions]
