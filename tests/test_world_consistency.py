"""The household's world never contradicts itself inside a prompt.

Blind reviewers stumble over a prompt whose data disagree (an event later than the stated current time, a
weekday that does not fit its date): a careful answer can then be right two ways. These checks read every
rendered message, tool call and tool result of every test.
"""

from __future__ import annotations

import json
import re
from datetime import datetime

import pytest

from homesec_bench.models import TestCase
from homesec_bench.suites.loader import load_benchmark

BENCH = load_benchmark()
NOW = datetime.fromisoformat(BENCH.world["now"])
CLOCK_LINE = "Current local time: " + BENCH.world["now_human"].split(" (")[0]
ISO = re.compile(r"\b(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d(?::\d\d)?)(Z|[+-]\d\d:\d\d)?")
TODAY = re.compile(r"\btoday,? (?:at |from )?(\d{1,2})[:.](\d\d)\b", re.IGNORECASE)
WEEKDAY_DATE = re.compile(
    r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),? (\d{1,2}) "
    r"(January|February|March|April|May|June|July|August|September|October|November|December) (\d{4})"
)


def _conversation_text(test: TestCase) -> str:
    parts: list[str] = []
    for message in test.messages:
        content = message.content
        if isinstance(content, list):
            parts.extend(getattr(part, "text", "") for part in content)
        elif content:
            parts.append(content)
        parts.extend(json.dumps(call.arguments) for call in message.tool_calls or [])
    return "\n".join(parts)


def _instant(match: re.Match[str]) -> datetime:
    offset = (match.group(3) or NOW.strftime("%z")[:3] + ":" + NOW.strftime("%z")[3:]).replace("Z", "+00:00")
    return datetime.fromisoformat(f"{match.group(1)}T{match.group(2)}{offset}")


@pytest.mark.parametrize("test", BENCH.all_tests(), ids=lambda t: t.id)
def test_weekdays_fit_their_dates(test):
    for match in WEEKDAY_DATE.finditer(_conversation_text(test)):
        date = datetime.strptime(f"{match.group(2)} {match.group(3)} {match.group(4)}", "%d %B %Y")
        assert date.strftime("%A") == match.group(1), f"{match.group(0)!r} is a {date:%A}"


@pytest.mark.parametrize("test", BENCH.all_tests(), ids=lambda t: t.id)
def test_nothing_has_happened_after_the_stated_current_time(test):
    text = _conversation_text(test)
    if CLOCK_LINE not in text:
        return  # the test states its own moment (a single detection) rather than the world's clock
    later = [m.group(0) for m in ISO.finditer(text) if _instant(m) > NOW]
    later += [
        m.group(0)
        for m in TODAY.finditer(text)
        if (int(m.group(1)), int(m.group(2))) > (NOW.hour, NOW.minute)
    ]
    assert not later, f"times after the current time {NOW.isoformat()}: {later}"


def test_the_clock_check_sees_the_clock():
    with_clock = [t for t in BENCH.all_tests() if CLOCK_LINE in _conversation_text(t)]
    assert len(with_clock) >= 40


def test_what_an_event_never_holds_is_not_in_its_own_description():
    from homesec_bench.graders.facts import said_by_meaning

    events = [e for e in BENCH.world.get("events") or [] if e.get("never")]
    assert events, "world.yaml lists no event's `never` acts"
    for event in events:
        for phrase in event["never"]:
            assert isinstance(phrase, str) and phrase.strip(), event["id"]
            assert said_by_meaning(event["description"], phrase) is None, (event["id"], phrase)
        # the event log block the prompts show says the same of it
        line = next(line for line in BENCH.world["blocks"]["event_log"].splitlines() if event["id"] in line)
        assert event["description"] in line
