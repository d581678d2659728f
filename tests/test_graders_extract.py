"""Reasoning removal, JSON extraction and normalisation: the ground every grader stands on."""

from __future__ import annotations

import time

import pytest

from homesec_bench.graders.extract import answer_text, find_json, strip_reasoning
from homesec_bench.graders.normalize import (
    contains_word,
    label_key,
    norm_label,
    parse_clock,
    parse_datetime,
    to_bool,
    to_number,
)
from homesec_bench.models import ModelAnswer


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("<think>the gate was tried twice</think>suspicious", "suspicious"),
        ("<THINK>\nmulti\nline\n</THINK>\n\n  normal  ", "normal"),
        ("<thinking>a</thinking>x<reasoning>b</reasoning>y", "x y"),
        ("I reasoned in a template that opened the block.</think>monitor", "monitor"),
        ("<think>cut off before it ended", ""),
        ("<|channel|>analysis<|message|>hmm<|end|><|channel|>final<|message|>critical<|return|>", "critical"),
        ("no reasoning at all", "no reasoning at all"),
    ],
)
def test_strip_reasoning(raw: str, expected: str) -> None:
    assert strip_reasoning(raw) == expected


def test_answer_text_ignores_the_reasoning_field() -> None:
    answer = ModelAnswer(content="<think>x</think> normal", reasoning="it is surely critical")
    assert answer_text(answer) == "normal"


@pytest.mark.parametrize(
    ("text", "value", "where"),
    [
        ('{"level": "normal"}', {"level": "normal"}, "bare"),
        ("  [1, 2]  ", [1, 2], "bare"),
        ('Here you go:\n```json\n{"a": 1}\n```\nAnything else?', {"a": 1}, "fenced"),
        ('```\n{"a": 2}\n```', {"a": 2}, "fenced"),
        ('```JSON\n{"a": 3}', {"a": 3}, "fenced"),  # an unclosed fence at the end of a cut-off answer
        ('The answer is {"level": "monitor"} as requested.', {"level": "monitor"}, "embedded"),
        ('Note {not json} then {"ok": true} and {"second": 1}', {"ok": True}, "embedded"),
        ('{"outer": {"inner": [1, {"x": "}"}]}} trailing', {"outer": {"inner": [1, {"x": "}"}]}}, "embedded"),
    ],
)
def test_find_json(text: str, value: object, where: str) -> None:
    found = find_json(text)
    assert found is not None
    assert found.value == value
    assert found.where == where


@pytest.mark.parametrize("text", ["", "   ", "normal", "{broken", "{'single': 'quotes'}", "[unclosed", "}{"])
def test_find_json_none(text: str) -> None:
    assert find_json(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "[" * 100_000,
        "{" * 100_000,
        '{"a":' * 50_000 + "1" + "}" * 50_000,
        "x" * 2_000_000,
        "[1," * 300_000,
        '{"n": ' + "9" * 10_000 + "}",
    ],
)
def test_find_json_survives_hostile_input_quickly(text: str) -> None:
    start = time.perf_counter()
    find_json(text)  # must return (anything), not raise
    assert time.perf_counter() - start < 2.0


@pytest.mark.parametrize(
    "variant",
    ["Suspicious", "suspicious.", '"suspicious"', "**suspicious**", " `Suspicious!` ", "SUSPICIOUS\n"],
)
def test_norm_label_variants(variant: str) -> None:
    assert norm_label(variant) == "suspicious"


def test_norm_label_keeps_substance() -> None:
    assert norm_label("not suspicious") != "suspicious"
    assert label_key("alert_rules") == label_key("Alert rules") == label_key("alert-rules")


@pytest.mark.parametrize(
    ("text", "word", "found"),
    [
        ("the category is cameras", "cat", False),
        ("a black cat on the fence", "cat", True),
        ("Cat.", "cat", True),
        ("Pip's collar", "pip", True),
        ("cam_backyard", "backyard", False),
        ("the  side\ngate", "side gate", True),
        ("sidegate", "side gate", False),
        ("ev_3109 and ev_31090", "ev_3109", True),
        ("ev_31090", "ev_3109", False),
    ],
)
def test_word_boundaries(text: str, word: str, found: bool) -> None:
    assert contains_word(text, word) is found


@pytest.mark.parametrize(
    ("text", "clock"),
    [
        ("22:00", (22, 0)),
        ("22:00:00", (22, 0)),
        ("10 pm", (22, 0)),
        ("10PM", (22, 0)),
        ("10:30 p.m.", (22, 30)),
        ("12 am", (0, 0)),
        ("12 pm", (12, 0)),
        ("7:05", (7, 5)),
        ("22h00", (22, 0)),
        ("2200", (22, 0)),
        ("midnight", (0, 0)),
        ("2026-03-18T22:00:00+01:00", (22, 0)),
        ("25:00", None),
        ("13 pm", None),
        ("soon", None),
    ],
)
def test_parse_clock(text: str, clock: tuple[int, int] | None) -> None:
    assert parse_clock(text) == clock


def test_parse_datetime_defaults_to_the_worlds_offset() -> None:
    naive = parse_datetime("2026-03-17T22:00:00")
    assert naive is not None
    assert naive == parse_datetime("2026-03-17T21:00:00Z")
    assert naive == parse_datetime("2026-03-17T22:00+01:00")
    assert parse_datetime("2026-03-17T22:00:00", "+00:00") == parse_datetime("2026-03-17T22:00:00Z")
    assert parse_datetime("yesterday") is None


def test_numbers_and_booleans() -> None:
    assert to_number("3") == 3.0
    assert to_number(" 1,200.5 ") == 1200.5
    assert to_number(True) is None
    assert to_number("three") is None
    assert to_number("nan") is None
    assert to_bool("True") is True
    assert to_bool('"false"') is False
    assert to_bool("maybe") is None
