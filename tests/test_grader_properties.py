"""Hostile input for extraction and every grader: arbitrary text, JSON-ish, huge and deeply nested
answers, and broken params. Always a Verdict with a one-line reason; never an exception.

The largest hostile inputs (megabytes, 100k-deep nesting) are fixed cases in test_graders_extract.py;
here sizes stay moderate so the search explores many shapes within the time budget."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from homesec_bench.graders import grade_answer, grader_names, validate_grader_spec
from homesec_bench.graders.extract import find_json, strip_reasoning
from homesec_bench.graders.language import detect_language
from homesec_bench.graders.normalize import norm_label, parse_clock, parse_datetime
from homesec_bench.graders.refusal import is_refusal
from homesec_bench.graders.textcalls import call_in_text
from homesec_bench.models import GraderSpec, Message, ModelAnswer, NearMiss, TestCase, ToolCall, Verdict
from homesec_bench.suites.loader import DATA_DIR, Benchmark

BENCH = Benchmark(
    world=yaml.safe_load((DATA_DIR / "world.yaml").read_text(encoding="utf-8")),
    tools=yaml.safe_load((DATA_DIR / "tools.yaml").read_text(encoding="utf-8")),
    suites={},
)
FIXTURE = yaml.safe_load(
    (Path(__file__).parent / "graders_fixture" / "grader_fixture.yaml").read_text("utf-8")
)
SPECS: list[tuple[dict[str, Any], list[str]]] = [
    (t["grader"], t.get("tools", [])) for t in FIXTURE["tests"]
] + [
    (
        {
            "type": "json",
            "params": {
                "schema": {
                    "type": "object",
                    "properties": {"a": {"type": "boolean"}, "t": {"type": "string", "format": "date-time"}},
                    "required": ["a"],
                },
                "fields": {
                    "a": {"equals": True},
                    "items.0.x": {"partition": [["a"], ["b"]]},
                    "t": {"datetime": "2026-03-18T02:47:00+01:00", "tolerance_min": 5},
                    "n": {"range": [0, 3]},
                    "w": {"time": "22:00"},
                },
            },
        },
        [],
    ),
    (
        {
            "type": "tool_calls",
            "params": {
                "expected": [
                    {
                        "name": "create_alert_rule",
                        "arguments": {
                            "cameras": {"set": ["cam_driveway"]},
                            "channels": {"contains_all": ["push"]},
                            "name": {"any": True},
                            "object_types": [["person"]],
                            "active_from": {"time": "22:00"},
                        },
                    }
                ],
                "allow_extra_calls": True,
            },
        },
        ["create_alert_rule", "search_events"],
    ),
]
TOOL_NAMES = list(BENCH.tools)

any_char = st.characters(exclude_categories=())  # lone surrogates included: invalid UTF-8 as text
json_leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(["true", "suspicious", "22:00", "2026-03-18T02:47:00Z", "ev_3109"]),
)
jsonish = st.recursive(
    json_leaf,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=8), inner, max_size=5),
    max_leaves=25,
)


def _dump(value: Any) -> str:
    try:
        return json.dumps(value)
    except (ValueError, TypeError):
        return str(value)


def _deep(n: int, kind: int) -> str:
    return ["[" * n + "]" * n, '{"a":' * n + "1" + "}" * n, "[" * n, "<think>" * n, "{" * n + '"'][kind]


contents = st.one_of(
    st.text(alphabet=any_char, max_size=400),
    jsonish.map(_dump),
    st.tuples(st.text(max_size=40), jsonish.map(_dump), st.text(max_size=40)).map(
        lambda t: f"{t[0]}\n```json\n{t[1]}\n```\n{t[2]}"
    ),
    st.tuples(st.text(max_size=40), jsonish.map(_dump)).map(lambda t: f"<think>{t[0]}</think>{t[1]}"),
    st.tuples(st.integers(1, 5_000), st.integers(0, 4)).map(lambda t: _deep(*t)),
    st.integers(10_000, 100_000).map(lambda n: "suspicious " * (n // 11)),
    st.sampled_from(TOOL_NAMES).map(lambda n: f"{n}(" + "(" * 500),
)
tool_calls = st.lists(
    st.builds(
        ToolCall,
        name=st.one_of(st.sampled_from(TOOL_NAMES), st.text(max_size=20)),
        arguments=st.one_of(
            st.dictionaries(
                st.sampled_from(["event_id", "cameras", "start_time", "end_time", "limit", "x", "mode"]),
                jsonish,
                max_size=5,
            ),
            st.text(alphabet=any_char, max_size=50),
        ),
    ),
    max_size=4,
)
answers = st.builds(ModelAnswer, content=contents, reasoning=st.text(max_size=50), tool_calls=tool_calls)


def make_test(grader: dict[str, Any], tools: list[str]) -> TestCase:
    return TestCase(
        id="prop.case",
        suite="prop",
        title="p",
        purpose="p",
        messages=[Message(role="user", content="hi")],
        tools=tools,
        grader=GraderSpec(type=grader["type"], params=grader.get("params") or {}),
        reference=[ModelAnswer(content="x")],
        near_misses=[NearMiss(content="a", why="a"), NearMiss(content="b", why="b")],
    )


TESTS = [make_test(g, tools) for g, tools in SPECS]
PROPERTY_SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))


def check_verdict(verdict: Verdict) -> None:
    assert isinstance(verdict, Verdict)
    assert verdict.reason.strip() and "\n" not in verdict.reason and len(verdict.reason) <= 300
    assert verdict.passed or verdict.error_type


@PROPERTY_SETTINGS
@given(answers)
def test_every_grader_always_returns_a_one_line_verdict(answer: ModelAnswer) -> None:
    for test in TESTS:
        check_verdict(grade_answer(test, answer, BENCH))


@PROPERTY_SETTINGS
@given(contents)
def test_extraction_and_parsing_never_raise(text: str) -> None:
    stripped = strip_reasoning(text)
    assert isinstance(stripped, str)
    found = find_json(text)
    assert found is None or isinstance(found.value, dict | list | str | int | float | bool | type(None))
    norm_label(text)
    parse_clock(text)
    parse_datetime(text)
    call_in_text(text, TOOL_NAMES)
    detect_language(text[:5000])
    is_refusal(text[:5000])


broken_params = st.dictionaries(
    st.sampled_from(
        [
            "expected",
            "labels",
            "fields",
            "schema",
            "checks",
            "must_include",
            "in_order",
            "no_call",
            "forbid",
            "content",
            "language",
            "max_words",
            "allow_extra_keys",
            "x",
        ]
    ),
    st.one_of(
        jsonish,
        st.lists(
            st.dictionaries(st.sampled_from(["name", "arguments", "type", "params"]), jsonish, max_size=3),
            max_size=3,
        ),
    ),
    max_size=5,
)


@PROPERTY_SETTINGS
@given(st.sampled_from([*grader_names(), "nonexistent"]), broken_params, answers)
def test_broken_params_are_grader_errors_or_verdicts_never_exceptions(
    kind: str, params: dict[str, Any], answer: ModelAnswer
) -> None:
    test = make_test({"type": kind, "params": params}, ["search_events", "set_alarm_mode"])
    check_verdict(grade_answer(test, answer, BENCH))
    problems = validate_grader_spec(test, BENCH)
    assert isinstance(problems, list) and all(isinstance(p, str) for p in problems)
