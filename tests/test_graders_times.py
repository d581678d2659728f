"""The one time reader (graders/times.py) and the sentence splitter: many forms each way."""

from __future__ import annotations

import pytest

from homesec_bench.graders.normalize import split_sentences
from homesec_bench.graders.text import sentence_count
from homesec_bench.graders.times import (
    clocks_in,
    find_times,
    is_iso_time,
    read_clock,
    read_datetime,
    time_phrase,
)


@pytest.mark.parametrize(
    ("value", "clock"),
    [
        ("08:05", (8, 5)),
        ("8:05", (8, 5)),
        ("08.05", (8, 5)),
        ("0805", (8, 5)),
        ("0805h", (8, 5)),
        ("08h05", (8, 5)),
        ("22h00", (22, 0)),
        ("22h", (22, 0)),
        ("8:05 am", (8, 5)),
        ("8:05AM", (8, 5)),
        ("8.05 a.m.", (8, 5)),
        ("2:30am", (2, 30)),
        ("2.30 a.m.", (2, 30)),
        ("11:40 pm", (23, 40)),
        ("10 pm", (22, 0)),
        ("12 am", (0, 0)),
        ("12 pm", (12, 0)),
        ("noon", (12, 0)),
        ("Midnight", (0, 0)),
        ("8 o'clock", (8, 0)),
        ("08:05:52", (8, 5)),
        ("T08:05", (8, 5)),
        ("23:40+01:00", (23, 40)),
        ("23:40+0100", (23, 40)),
        ("22:40Z", (23, 40)),
        ("08:05:00+01:00", (8, 5)),
        ("2026-03-18T08:05+01:00", (8, 5)),
        ("2026-03-18T08:05:00+01:00", (8, 5)),
        ("2026-03-18T07:05:00Z", (8, 5)),
        ("2026-03-18T07:05Z", (8, 5)),
        ("2026-03-18 08:05", (8, 5)),
        ("2026-03-18T08:05", (8, 5)),
        ("2026-03-18T08:05:52.123+01:00", (8, 5)),
        ("24:00", (0, 0)),
        ("25:00", None),
        ("13 pm", None),
        ("08:60", None),
        ("soon", None),
        ("", None),
        ("2026-03-18", None),
        ("9-12", None),
        ("08:05 and 09:00", None),
    ],
)
def test_read_clock(value: str, clock: tuple[int, int] | None) -> None:
    assert read_clock(value) == clock


@pytest.mark.parametrize(
    "value",
    [
        "2026-03-18T02:00+01:00",
        "2026-03-18T02:00:00+01:00",
        "2026-03-18T01:00:00Z",
        "2026-03-18T01:00Z",
        "2026-03-18T02:00",
        "2026-03-18 02:00",
        "2026-03-18T02:00:00.000+01:00",
        "2026-03-18T02:00+0100",
        "2026-03-18T01:00-00:00",
    ],
)
def test_read_datetime_same_instant(value: str) -> None:
    assert read_datetime(value) == read_datetime("2026-03-18T02:00:00+01:00")


@pytest.mark.parametrize(
    "value",
    ["2026-03-18", "yesterday", "02:00", "2026-13-18T02:00", "2026-03-18T25:00", "18/03/2026 02:00", 5],
)
def test_read_datetime_rejects(value: object) -> None:
    assert read_datetime(value) is None


@pytest.mark.parametrize(
    ("text", "clocks"),
    [
        ("at 2026-03-18T08:05+01:00 a man", {(8, 5)}),
        ("at 2026-03-18T08:05:52+01:00 a man", {(8, 5)}),
        ("ev_3112 | 2026-03-18 08:05 | cam_front_door", {(8, 5)}),
        ("this morning at 8:05 am", {(8, 5)}),
        ("this morning at 8.05 a.m.", {(8, 5)}),
        ("at 8.05 this morning", {(8, 5)}),
        ("um 8:05 Uhr", {(8, 5)}),
        ("à 14h20 hier", {(14, 20)}),
        ("à 14 h 20 hier", {(14, 20)}),
        ("home at 2:30am", {(2, 30)}),
        ("home at 2.30 a.m. on Wednesday", {(2, 30)}),
        ("at 0805 hours", {(8, 5)}),
        ("at 0805", {(8, 5)}),
        ("at 22h00", {(22, 0)}),
        ("delivered at 23:40+01:00", {(23, 40)}),
        ("at noon and at midnight", {(12, 0), (0, 0)}),
        ("Thursdays 9:00am-12:00pm", {(9, 0), (12, 0)}),
        ("Thursdays 09.00 to 12.00", {(9, 0), (12, 0)}),
        ("on Thursdays 9-12", {(9, 0), (12, 0)}),
        ("cleaner comes between 9 and 12", {(9, 0), (12, 0)}),
        ("from 10 to 1", {(10, 0), (13, 0)}),
        ("open 9-5 on weekdays", {(9, 0), (17, 0)}),
        ("quiet hours 22-7", {(22, 0), (7, 0)}),
        ("from 9-11pm", {(21, 0), (23, 0)}),
        ("from 11-2pm", {(11, 0), (14, 0)}),
        ("9am-12pm", {(9, 0), (12, 0)}),
        ("10:00-13:00", {(10, 0), (13, 0)}),
        ("at 8 o'clock in the evening", {(20, 0)}),
        ("at 8:05 in the evening", {(20, 5)}),
        ("at 2:47 at night", {(2, 47)}),
        ("last seen 2026-03-18T03:12:40Z", {(4, 12)}),
        ("quiet hours run from 22:00+01:00 until 07:00+01:00", {(22, 0), (7, 0)}),
        ("from 22:00+01:00 to 07:00+01:00", {(22, 0), (7, 0)}),
        ("yesterday between 6 and 10 in the evening", {(18, 0), (22, 0)}),
        ("from 10 to 2 at night", {(22, 0), (2, 0)}),
        ("since Monday at 6 in the morning", {(6, 0)}),
        ("call me at 10 tonight", {(22, 0)}),
    ],
)
def test_find_times(text: str, clocks: set[tuple[int, int]]) -> None:
    assert clocks_in(text) == clocks


@pytest.mark.parametrize(
    "text",
    [
        "the storage is 87.64% full",
        "438.2 GB of 500",
        "it cost 3.50 euros",
        "in March 2026 there were 12 events",
        "events ev_3109 and ev_3110",
        "plate KD21 XRB",
        "between 2 and 3 people",
        "it took 3-4 minutes",
        "on 18.03.2026",
        "cameras 1-4",
        "I am here",
    ],
)
def test_find_times_ignores_numbers_that_are_not_times(text: str) -> None:
    assert find_times(text) == []


@pytest.mark.parametrize(
    ("phrase", "clocks"),
    [
        ("08:05", [(8, 5)]),
        ("8:05", [(8, 5)]),
        ("8.05", [(8, 5)]),
        ("8 am", [(8, 0)]),
        ("02h47", [(2, 47)]),
        ("10:00-13:00", [(10, 0), (13, 0)]),
        ("8", None),
        ("1234", None),
        ("2200", None),
        ("this morning", None),
        ("2 y 47", None),
        ("Thursday 10:00", None),
        ("gas meter", None),
    ],
)
def test_time_phrase(phrase: str, clocks: list[tuple[int, int]] | None) -> None:
    assert time_phrase(phrase) == clocks


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("08:05", True),
        ("08:05:00", True),
        ("08:05:00+01:00", True),
        ("08:05Z", True),
        ("8:05", False),
        ("8 am", False),
    ],
)
def test_is_iso_time(value: str, iso: bool) -> None:
    assert is_iso_time(value) is iso


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("Tobi gets home at 2.30 a.m. on Wednesday.", 1),
        ("Tobi gets home at 2:30 a.m. on Wednesday and Thursday mornings.", 1),
        ("The van came at 8 p.m. and left at 9 p.m.", 1),
        ("At 8 a.m. The van left.", 2),
        ("Animals, e.g. the fox, are fine.", 1),
        ("Animals, i.e. the fox and the cat, are fine.", 1),
        ("It lasted approx. 20 minutes.", 1),
        ("Mr. Varga came through the side gate.", 1),
        ("Unit No. 14 is fine.", 1),
        ("The storage is 87.6 percent full.", 1),
        ("A man came at 08.05 to read the meter.", 1),
        ("A man came at 08.05. He read the meter.", 2),
        ("No. Nothing happened overnight.", 2),
        ("Someone tried the gate. Then they left! Did you see?", 3),
        ("J. Smith called.", 1),
        ("1. Check the gate\n2. Call Tobi.", 1),
        ("First part.\n\nSecond part", 2),
        ("It was 4. Then 5.", 2),
        ("...", 0),
    ],
)
def test_sentence_count(text: str, count: int) -> None:
    assert sentence_count(text) == count
    assert len(split_sentences(text)) == count
