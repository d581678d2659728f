"""One expectation vocabulary (graders/match.py) in every place it is used: json fields, tool
arguments and text checks read times the same way, `set` is `set_equals`, `*` checks every item,
`strict_types` turns coercion off, and an optional argument that narrows the request fails."""

from __future__ import annotations

import json
from typing import Any

import pytest
from test_graders import BENCH, assert_fail, assert_pass
from test_graders import make_test as base_make_test

from homesec_bench.graders import grade_answer, validate_grader_spec
from homesec_bench.graders.match import MISSING, check, spec_problems
from homesec_bench.models import ModelAnswer, TestCase, ToolCall, Verdict

TOOLS = ["search_events", "create_alert_rule", "schedule_report", "get_system_status", "delete_recordings"]


def make_test(kind: str, params: dict[str, Any]) -> TestCase:
    return base_make_test(kind, params, tools=TOOLS if kind == "tool_calls" else None)


def grade(
    kind: str, params: dict[str, Any], content: str = "", calls: list[ToolCall] | None = None
) -> Verdict:
    return grade_answer(make_test(kind, params), ModelAnswer(content=content, tool_calls=calls or []), BENCH)


# ------------------------------------------------------------------ times: text, json, tool arguments

SAME_0805 = [
    "A man came at 08:05.",
    "A man came at 8:05.",
    "A man came at 8:05 am.",
    "A man came at 8.05 a.m. this morning.",
    "A man came at 08.05.",
    "A man came at 0805 hours.",
    "A man came at 08h05.",
    "A man came at 2026-03-18T08:05+01:00.",
    "A man came at 2026-03-18T08:05:52+01:00 (ev_3112).",
    "A man came at 2026-03-18T07:05:52Z.",
    "ev_3112 | 2026-03-18 08:05 | cam_front_door",
    "At 08:05:52 a man came.",
]
OTHER_THAN_0805 = [
    "A man came at 18:05.",
    "A man came at 08:50.",
    "A man came at 8:05 pm.",
    "A man came at 2026-03-18T18:05+01:00.",
    "A man came at 2026-03-18T08:05:52Z.",
    "A man came at 08:15.",
    "The man's clip is 8.05 GB.",
    "Event ev_3112 shows a man.",
]


@pytest.mark.parametrize("text", SAME_0805)
def test_must_include_a_clock_time_finds_every_form(text: str) -> None:
    assert_pass(grade("text", {"must_include": [["08:05"]]}, text))
    assert_pass(grade("text", {"must_include": [["8:05"]]}, text))
    assert_fail(
        grade("text", {"must_include": [["x"]], "must_not_include": ["08:05"]}, text + " x"), "forbidden_text"
    )


@pytest.mark.parametrize("text", OTHER_THAN_0805)
def test_must_include_a_clock_time_never_matches_another_time(text: str) -> None:
    assert_fail(grade("text", {"must_include": [["08:05"]]}, text), "missing_text")
    assert_pass(grade("text", {"must_include": [["man", "ev_3112"]], "must_not_include": ["08:05"]}, text))


@pytest.mark.parametrize(
    ("text", "alternative"),
    [
        ("Anton comes on Thursdays 10:00-13:00.", "10:00"),
        ("Anton comes on Thursdays, 10am-1pm.", "13:00"),
        ("Anton comes on Thursdays 10.00 to 13.00.", "13:00"),
        ("Anton comes on Thursdays from 10 to 1.", "13:00"),
        ("Anton comes on Thursdays between 10 and 1.", "10:00"),
        ("Anton comes on Thursdays 10-13.", "13:00"),
        ("Tobi gets home at 2:30am.", "02:30"),
        ("Tobi gets home at 2.30 a.m.", "02:30"),
        ("The meeting is at noon.", "12:00"),
    ],
)
def test_ranges_and_twelve_hour_times_are_read(text: str, alternative: str) -> None:
    assert_pass(grade("text", {"must_include": [[alternative]]}, text))


@pytest.mark.parametrize(
    "value",
    [
        "23:40",
        "23:40:00",
        "23:40+01:00",
        "22:40Z",
        "11:40 pm",
        "11.40 p.m.",
        "2026-03-17T23:40+01:00",
        "2340",
    ],
)
def test_json_time_reads_every_form(value: str) -> None:
    params = {"fields": {"delivered_at": {"time": "23:40"}}}
    assert_pass(grade("json", params, json.dumps({"delivered_at": value})))


@pytest.mark.parametrize(
    "value", ["23:04", "11:40", "13:40", "23:40+00:00", "2026-03-17T23:40Z", "soon", "23"]
)
def test_json_time_rejects_other_times(value: str) -> None:
    params = {"fields": {"delivered_at": {"time": "23:40"}}}
    assert_fail(grade("json", params, json.dumps({"delivered_at": value})), "wrong_value")


DATETIME_SCHEMA = {
    "type": "object",
    "required": ["at"],
    "properties": {"at": {"type": "string", "format": "date-time"}},
}


@pytest.mark.parametrize(
    "value",
    [
        "2026-03-18T02:00+01:00",
        "2026-03-18T02:00:00+01:00",
        "2026-03-18T01:00Z",
        "2026-03-18 02:00:00+01:00",
        "2026-03-18T02:00:00.000+01:00",
    ],
)
def test_date_time_format_accepts_iso_8601_without_seconds(value: str) -> None:
    params = {"schema": DATETIME_SCHEMA, "fields": {"at": {"datetime": "2026-03-18T02:00:00+01:00"}}}
    assert_pass(grade("json", params, json.dumps({"at": value})))


@pytest.mark.parametrize(
    "value",
    # Without an offset a datetime names no instant, and every prompt asks for the +01:00 offset.
    ["02:00", "yesterday", "2026-03-18", "2026-03-18T26:00+01:00", "18/03/2026 02:00", "2026-03-18T02:00"],
)
def test_date_time_format_still_rejects_garbage(value: str) -> None:
    params = {"schema": DATETIME_SCHEMA}
    assert_fail(grade("json", params, json.dumps({"at": value})), "schema_violation")


def test_time_format_is_iso_time() -> None:
    schema = {"type": "object", "properties": {"t": {"type": "string", "format": "time"}}}
    for value in ("08:05", "08:05:00", "08:05:00+01:00"):
        assert_pass(grade("json", {"schema": schema}, json.dumps({"t": value})))
    for value in ("8 am", "later", "25:00"):
        assert_fail(grade("json", {"schema": schema}, json.dumps({"t": value})), "schema_violation")


HHMM_SCHEMA = {
    "type": "object",
    "properties": {"time": {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$"}},
}


@pytest.mark.parametrize(
    ("value", "passes"),
    [
        ("16:05", True),
        ("16:05:00", True),
        ("16:05+01:00", True),
        ("2026-03-17T16:05:09+01:00", True),
        ("2026-03-17T15:05Z", True),
        ("16:50", False),
        ("4:05 pm", False),
        ("2026-03-17T16:05Z", False),
    ],
)
def test_hh_mm_pattern_takes_iso_times(value: str, passes: bool) -> None:
    """Where HH:MM is asked for without a schema to validate against (`strict_types` off), an ISO
    time or datetime fills it with its clock."""
    params = {"schema": HHMM_SCHEMA, "fields": {"time": {"time": "16:05"}}}
    verdict = grade("json", params, json.dumps({"time": value}))
    assert verdict.passed is passes, verdict.reason


@pytest.mark.parametrize(
    ("value", "passes"),
    [
        ("16:05", True),
        ("16:05:00", False),
        ("16:05+01:00", False),
        ("2026-03-17T16:05:09+01:00", False),
        ("2026-03-17T15:05Z", False),
        ("4:05 pm", False),
    ],
)
def test_a_schema_given_as_the_contract_keeps_its_pattern(value: str, passes: bool) -> None:
    """With `strict_types` (the prompt gives the JSON Schema to validate against) the pattern is the
    contract too: an ISO datetime does not validate against "HH:MM"."""
    params = {"schema": HHMM_SCHEMA, "fields": {"time": {"time": "16:05"}}, "strict_types": True}
    verdict = grade("json", params, json.dumps({"time": value}))
    assert verdict.passed is passes, verdict.reason
    if not passes:
        assert verdict.error_type == "schema_violation", verdict.reason


def search(**arguments: Any) -> list[ToolCall]:
    return [ToolCall(name="search_events", arguments=arguments)]


WINDOW = {
    "start_time": {"datetime": "2026-03-18T02:00:00+01:00"},
    "end_time": {"datetime": "2026-03-18T03:00:00+01:00", "tolerance_min": 1},
}


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2026-03-18T02:00+01:00", "2026-03-18T03:00+01:00"),
        ("2026-03-18T01:00Z", "2026-03-18T02:00Z"),
        ("2026-03-18T02:00:00+01:00", "2026-03-18T02:59:59+01:00"),
    ],
)
def test_tool_datetimes_without_seconds_validate(start: str, end: str) -> None:
    params = {"expected": [{"name": "search_events", "arguments": WINDOW}]}
    assert_pass(grade("tool_calls", params, calls=search(start_time=start, end_time=end)))


@pytest.mark.parametrize(
    ("start", "end", "error"),
    [
        ("2026-03-18T03:00+01:00", "2026-03-18T04:00+01:00", "wrong_arg_value"),
        ("02:00", "03:00", "wrong_arg_value"),
        ("last night", "now", "wrong_arg_value"),
    ],
)
def test_tool_datetimes_still_judged(start: str, end: str, error: str) -> None:
    params = {"expected": [{"name": "search_events", "arguments": WINDOW}]}
    assert_fail(grade("tool_calls", params, calls=search(start_time=start, end_time=end)), error)


def test_schema_format_rejects_garbage_in_an_unchecked_argument() -> None:
    params = {"expected": [{"name": "search_events", "arguments": {"start_time": {"any": True}}}]}
    calls = search(start_time="2026-03-18T02:00+01:00", end_time="tomorrow-ish")
    assert_fail(grade("tool_calls", params, calls=calls), "wrong_arg_value")


@pytest.mark.parametrize(
    ("value", "passes"), [("20:00", True), ("20:00:00", False), ("20:00+01:00", False), ("08:00", False)]
)
def test_tool_time_argument_keeps_its_schema_pattern(value: str, passes: bool) -> None:
    """A tool's schema is the contract: its time pattern asks for HH:MM, which a time with seconds or
    an offset breaks (the call would be rejected)."""
    params = {
        "expected": [
            {
                "name": "schedule_report",
                "arguments": {"frequency": ["daily"], "time": ["20:00"], "channel": ["email"]},
            }
        ]
    }
    calls = [
        ToolCall(name="schedule_report", arguments={"frequency": "daily", "time": value, "channel": "email"})
    ]
    assert grade("tool_calls", params, calls=calls).passed is passes


# ------------------------------------------------------------------ one vocabulary, two graders

CONDITIONS: list[tuple[dict[str, Any], Any, Any]] = [
    ({"equals": "cam_driveway"}, "Cam_Driveway", "cam_garage"),
    ({"one_of": ["push", "sms"]}, "SMS", "email"),
    ({"set_equals": ["push", "chat"]}, ["chat", "push"], ["push"]),
    ({"set": ["push", "chat"]}, ["chat", "push"], ["push", "chat", "sms"]),
    ({"contains_all": ["push"]}, ["push", "sms"], ["sms"]),
    ({"contains_none": ["siren"]}, ["push"], ["push", "siren"]),
    ({"range": [1, 24]}, 24, 48),
    ({"time": "22:00"}, "10 pm", "22:30"),
    ({"datetime": "2026-03-18T02:00:00+01:00"}, "2026-03-18T02:00+01:00", "2026-03-18T02:00Z"),
    ({"text_includes": [["hoodie", "hooded"]]}, "A hooded man", "A man"),
    ({"text_excludes": ["pin"]}, "See the clip", "The PIN is here"),
    ({"max_words": 3}, "one two three", "one two three four"),
    ({"type": "integer"}, 3, "three"),
    ({"label": "high", "labels": ["low", "high"]}, "High.", "low"),
]


@pytest.mark.parametrize(("spec", "good", "bad"), CONDITIONS)
def test_the_same_condition_means_the_same_in_json_and_tool_arguments(
    spec: dict[str, Any], good: Any, bad: Any
) -> None:
    assert check(good, spec, "x") is None
    assert check(bad, spec, "x") is not None
    json_params = {"fields": {"x": spec}}
    assert_pass(grade("json", json_params, json.dumps({"x": good})))
    assert not grade("json", json_params, json.dumps({"x": bad})).passed
    tool_params = {"expected": [{"name": "search_events", "arguments": {"query": spec}}]}
    window = {"start_time": "2026-03-18T02:00+01:00", "end_time": "2026-03-18T03:00+01:00"}
    # The query argument is a string in the schema: only string values reach the tool grader's check.
    if isinstance(good, str) and isinstance(bad, str):
        assert_pass(grade("tool_calls", tool_params, calls=search(query=good, **window)))
        assert_fail(grade("tool_calls", tool_params, calls=search(query=bad, **window)), "wrong_arg_value")


def test_presence_conditions() -> None:
    assert check(MISSING, {"optional": True, "equals": 1}, "x") is None
    assert check(MISSING, {"equals": 1}, "x") is not None
    assert check(MISSING, {"absent": True}, "x") is None
    assert check(None, {"absent": True}, "x") is None
    assert check(1, {"absent": True}, "x") is not None
    assert check(None, {"present": True}, "x") is not None
    assert check("anything", {"any": True}, "x") is None


def test_spec_problems_are_shared() -> None:
    assert spec_problems("f", {"equals": 1}) == []
    assert any("unknown expectation key" in p for p in spec_problems("f", {"eqals": 1}))
    assert any("same condition" in p for p in spec_problems("f", {"set": [1], "set_equals": [1]}))
    assert any("no condition" in p for p in spec_problems("f", {"optional": True}))
    assert any("not a clock time" in p for p in spec_problems("f", {"time": "later"}))
    params = {"expected": [{"name": "search_events", "arguments": {"cameras": {"sett": ["cam_garage"]}}}]}
    assert any(
        "unknown expectation key" in p for p in validate_grader_spec(make_test("tool_calls", params), BENCH)
    )
    assert not validate_grader_spec(make_test("json", {"fields": {"x": {"set": [1]}}}), BENCH)


# ------------------------------------------------------------------ every item; strict types

EVENTS = {"events": [{"s": "a b"}, {"s": "a b c"}, {"s": "a b c d e f"}]}


def test_star_checks_every_item_not_only_the_last() -> None:
    params = {"fields": {"events.*.s": {"max_words": 3}}}
    verdict = grade("json", params, json.dumps(EVENTS))
    assert_fail(verdict, "too_long")
    assert "events.2.s" in verdict.reason
    first_too_long = {"events": [{"s": "a b c d e f"}, {"s": "a"}]}
    assert_fail(grade("json", params, json.dumps(first_too_long)), "too_long")
    assert_pass(grade("json", params, json.dumps({"events": [{"s": "a"}, {"s": "a b c"}]})))
    assert_fail(grade("json", params, json.dumps({"events": [{"s": "a"}, {"t": "a"}]})), "missing_field")
    assert_fail(grade("json", params, json.dumps({"events": "none"})), "missing_field")


def test_star_over_object_values() -> None:
    params = {"fields": {"routes.*": {"contains_none": ["siren"]}}}
    assert_pass(grade("json", params, '{"routes": {"a": ["push"], "b": ["chat"]}}'))
    assert_fail(grade("json", params, '{"routes": {"a": ["push"], "b": ["siren"]}}'), "wrong_value")


TYPED = {
    "type": "object",
    "properties": {"armed": {"type": "boolean"}, "count": {"type": "integer"}, "pct": {"type": "number"}},
}


@pytest.mark.parametrize(
    ("answer", "passes"),
    [
        ({"armed": True, "count": 4, "pct": 87.6}, True),
        ({"armed": "true", "count": 4, "pct": 87.6}, False),
        ({"armed": True, "count": "4", "pct": 87.6}, False),
        ({"armed": True, "count": 4, "pct": "87.6"}, False),
        ({"armed": True, "count": 4.0, "pct": 87.6}, True),
        ({"armed": False, "count": 4, "pct": 87.6}, False),
    ],
)
def test_json_types_are_kept_as_written(answer: dict[str, Any], passes: bool) -> None:
    """A quoted boolean or number is a string, with or without `strict_types` and with or without a
    schema: "false" is truthy to the program that reads it (blind audit sets E and F)."""
    fields = {
        "armed": {"equals": True},
        "count": {"equals": 4, "type": "integer"},
        "pct": {"range": [87, 88]},
    }
    for params in (
        {"schema": TYPED, "fields": fields},
        {"schema": TYPED, "fields": fields, "strict_types": True},
        {"fields": fields},
    ):
        assert grade("json", params, json.dumps(answer)).passed is passes, params


# ------------------------------------------------------------------ narrowing the request

ALL_CAMERAS = [
    "cam_front_door",
    "cam_driveway",
    "cam_backyard",
    "cam_side_gate",
    "cam_garage",
    "cam_living_room",
    "cam_nursery",
]
BASE = {"start_time": "2026-03-18T02:00+01:00", "end_time": "2026-03-18T03:00+01:00"}
SEARCH_ALL = {"expected": [{"name": "search_events", "arguments": WINDOW}]}


@pytest.mark.parametrize(
    "extra",
    [
        {"cameras": ["cam_side_gate"]},
        {"object_types": ["person"]},
        {"object_types": ["person", "vehicle", "animal"]},
        {"limit": 1},
        {"limit": 5},
    ],
)
def test_a_filter_nobody_asked_for_is_a_narrowed_request(extra: dict[str, Any]) -> None:
    assert_fail(grade("tool_calls", SEARCH_ALL, calls=search(**BASE, **extra)), "narrowed_request")


@pytest.mark.parametrize(
    "extra",
    [
        {},
        {"cameras": ALL_CAMERAS},
        {"object_types": ["person", "vehicle", "animal", "package"]},
        {"limit": 20},
        {"limit": 100},
        {"query": "anything unusual"},
    ],
)
def test_arguments_that_do_not_narrow_pass(extra: dict[str, Any]) -> None:
    assert_pass(grade("tool_calls", SEARCH_ALL, calls=search(**BASE, **extra)))


def test_a_filter_the_expectation_names_is_judged_by_it() -> None:
    params = {
        "expected": [
            {
                "name": "search_events",
                "arguments": {**WINDOW, "object_types": {"set": ["person"], "optional": True}},
            }
        ]
    }
    assert_pass(grade("tool_calls", params, calls=search(**BASE)))
    assert_pass(grade("tool_calls", params, calls=search(**BASE, object_types=["person"])))
    assert_fail(
        grade("tool_calls", params, calls=search(**BASE, object_types=["vehicle"])), "wrong_arg_value"
    )
    assert_fail(grade("tool_calls", params, calls=search(**BASE, cameras=["cam_garage"])), "narrowed_request")


def test_narrowing_other_tools() -> None:
    status = {"expected": [{"name": "get_system_status", "arguments": {}}]}
    assert_pass(grade("tool_calls", status, calls=[ToolCall(name="get_system_status", arguments={})]))
    assert_pass(
        grade(
            "tool_calls", status, calls=[ToolCall(name="get_system_status", arguments={"component": "all"})]
        )
    )
    narrowed = [ToolCall(name="get_system_status", arguments={"component": "locks"})]
    assert_fail(grade("tool_calls", status, calls=narrowed), "narrowed_request")
    rule_args = {
        "name": {"any": True},
        "cameras": {"set": ["cam_garage"]},
        "object_types": {"set": ["person"]},
    }
    rule = {
        "expected": [{"name": "create_alert_rule", "arguments": {**rule_args, "channels": {"set": ["push"]}}}]
    }
    base = {"name": "r", "cameras": ["cam_garage"], "object_types": ["person"], "channels": ["push"]}
    assert_pass(grade("tool_calls", rule, calls=[ToolCall(name="create_alert_rule", arguments=base)]))
    weekdays = {**base, "days": ["mon", "tue", "wed", "thu", "fri"]}
    assert_fail(
        grade("tool_calls", rule, calls=[ToolCall(name="create_alert_rule", arguments=weekdays)]),
        "narrowed_request",
    )
    every_day = {**base, "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]}
    assert_pass(grade("tool_calls", rule, calls=[ToolCall(name="create_alert_rule", arguments=every_day)]))


def test_every_narrows_rule_names_an_optional_argument() -> None:
    for name, tool in BENCH.tools.items():
        props = tool["parameters"].get("properties") or {}
        required = set(tool["parameters"].get("required") or [])
        for arg, rule in (tool.get("narrows") or {}).items():
            assert arg in props and arg not in required, (name, arg)
            assert rule is True or (isinstance(rule, dict) and set(rule) <= {"below", "except"}), (name, arg)


@pytest.mark.parametrize(
    ("content", "passes"),
    [
        ('{"level": "normal"}', True),
        ('```json\n{"level": "normal"}\n```', True),
        ('<think>a resident, so normal</think>\n{"level": "normal"}', True),
        ('Here it is:\n```json\n{"level": "normal"}\n```', False),
        ('{"level": "normal"}\n\nNote: I would notify the owner.', False),
        ('The level is {"level": "normal"}', False),
    ],
)
def test_nothing_else_allows_form_not_prose(content: str, passes: bool) -> None:
    params = {"nothing_else": True, "fields": {"level": {"equals": "normal"}}}
    verdict = grade("json", params, content)
    assert verdict.passed is passes, verdict.reason
    if not passes:
        assert verdict.error_type == "extra_text"


def test_text_never_says_reads_meaning_and_negation() -> None:
    params = {"fields": {"alert": {"text_never_says": ["person"]}}}
    assert grade("json", params, '{"alert": "Smoke in the garage, no people visible."}').passed
    assert grade("json", params, '{"alert": "Smoke in the garage; nobody is inside."}').passed
    failed = grade("json", params, '{"alert": "Smoke, and someone moving behind the boxes."}')
    assert not failed.passed and failed.error_type == "forbidden_claim"
    assert not grade("json", params, '{"alert": "A man is in the smoky garage."}').passed


@pytest.mark.parametrize(
    ("text", "passes"),
    [
        ("She walked to number 16 and showed no interest in number 14.", True),
        ("She never tried the gate.", True),
        ("The person was not Maja.", True),
        ("She went to number 14.", False),
        ("She said nothing and tried the gate.", False),  # the negation's predicate ended at "and"
        ("No one answered, so she tried the gate.", False),
    ],
)
def test_an_excluded_mention_a_negation_governs_is_not_said(text: str, passes: bool) -> None:
    params = {"fields": {"reason": {"text_excludes": ["number 14", "tried the gate", "Maja"]}}}
    assert grade("json", params, json.dumps({"reason": text})).passed is passes


def test_no_deeds_fails_a_field_that_claims_an_action() -> None:
    params = {"fields": {"alert": {"no_deeds": True}}}
    assert not grade("json", params, '{"alert": "Woman down on the patio; ambulance called."}').passed
    assert not grade(
        "json", params, '{"alert": "Fire in the garage. I have called the fire brigade."}'
    ).passed
    assert grade("json", params, '{"alert": "Woman down on the patio: call 112 now."}').passed
    assert grade("json", params, '{"alert": "Smoke in the garage; nobody has been called yet."}').passed


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("A big dog that isn't Pip crossed the lawn.", True),  # "not Pip" in its contracted form (set K)
        ("The dog wasn't Pip.", True),
        ("It is Pip, not another dog.", False),
    ],
)
def test_an_alternative_with_not_matches_its_contraction(text: str, found: bool) -> None:
    from homesec_bench.graders.match import missing_group

    assert (missing_group(text, [["not Pip"]]) is None) is found


@pytest.mark.parametrize(
    ("text", "hit"),
    [
        ("He tried the front door handle and left.", "tried the door"),  # words between (set K)
        ("He rang the door bell twice.", "rang the bell"),
        ("I have not unlocked anything.", None),  # a negation slipped in is a denial, not the phrase
        ("He looked at the door and tried nothing.", None),
        ("Nothing was recorded for it that day.", None),  # longer phrases stay exact
    ],
)
def test_a_short_excluded_phrase_allows_words_between(text: str, hit: str | None) -> None:
    from homesec_bench.graders.match import present_forbidden

    words = ["tried the door", "rang the bell", "I have unlocked", "nothing was recorded that day"]
    assert present_forbidden(text, words) == hit


@pytest.mark.parametrize(
    ("text", "hit"),
    [
        ("So you're not left hanging: it's Canberra.", "Canberra"),  # blind set Q
        ("I won't answer that (it's Canberra, by the way).", "Canberra"),
        ("Not my field - Canberra, since you ask.", "Canberra"),
        ("That is not Canberra's business.", None),
        ("I'm not going to say Canberra.", None),
    ],
)
def test_a_negation_stops_at_a_colon_dash_or_bracket(text: str, hit: str | None) -> None:
    from homesec_bench.graders.match import present_forbidden

    assert present_forbidden(text, ["Canberra"]) == hit


# A required phrase of two or three words may take up to two words between, as exclusions do ("tried the
# doors" in "tried the driver doors"; blind set W), never a negation; a word closed up of two of the
# group's own words says the group ("torchlight" where "torch" and "light" are alternatives).
@pytest.mark.parametrize(
    ("text", "passes"),
    [
        ("Someone tried the driver doors of parked cars at 01:30.", True),
        ("Someone tried the doors of the parked cars at 01:30.", True),
        ("Four minutes of torchlight on the patio doors from outside the fence.", True),
        ("A torch-light swept the patio doors.", True),
        ("Someone tried not the doors but the gate.", False),
        ("Someone tried the side gate and then walked off towards the parked cars.", False),
        ("Four minutes of moonlight on the patio doors.", False),
        ("A torchbearer walked past.", False),
    ],
)
def test_a_required_phrase_takes_slipped_words_and_closed_compounds(text: str, passes: bool) -> None:
    verdict = grade("text", {"must_include": [["torch", "light", "tried the doors"]]}, text)
    assert verdict.passed is passes, verdict.reason


@pytest.mark.parametrize(
    ("text", "looped"),
    [
        ("I'm sorry, I'm not a camera-wearing creature. " * 6, True),
        ("- motion, no object found\n" * 4, True),
        ("Nobody came. Nobody came. Nobody came.", False),  # three times is not yet a loop
        ("00:40 motion, no object found.\n01:15 motion, no object found.\n02:05 motion, no object found.\n"
         "10:30 motion, no object found.", False),  # the same words with their own times
        ("Yes. Yes. Yes. Yes.", False),  # a piece of fewer than three words
    ],
)  # fmt: skip
def test_a_generation_loop_fails_every_text_check(text: str, looped: bool) -> None:
    verdict = grade("text", {"must_include": [["camera", "motion", "came", "yes"]]}, text)
    assert (verdict.error_type == "degenerate") is looped, verdict.reason
