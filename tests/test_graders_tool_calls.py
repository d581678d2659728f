"""The tool_calls grader, BFCL-style: function, required args, acceptable values, invented args,
optimal order-free matching, no-call cases, forbid lists, and calls written as text."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml

from homesec_bench.graders import grade_answer
from homesec_bench.graders.tool_calls import max_matching
from homesec_bench.models import GraderSpec, Message, ModelAnswer, NearMiss, TestCase, ToolCall, Verdict
from homesec_bench.suites.loader import DATA_DIR, Benchmark

BENCH = Benchmark(
    world=yaml.safe_load((DATA_DIR / "world.yaml").read_text(encoding="utf-8")),
    tools=yaml.safe_load((DATA_DIR / "tools.yaml").read_text(encoding="utf-8")),
    suites={},
)
OFFERED = [
    "search_events",
    "analyze_clip",
    "share_clip",
    "get_system_status",
    "create_alert_rule",
    "set_alarm_mode",
    "unlock_door",
    "send_alert",
]
NIGHT = {
    "name": "search_events",
    "arguments": {
        "cameras": [["cam_backyard"]],
        "object_types": [["animal"], None],
        "start_time": {"datetime": "2026-03-17T22:00:00+01:00", "tolerance_min": 5},
        "end_time": {"datetime": "2026-03-18T06:00:00+01:00", "tolerance_min": 5},
    },
}
GOOD_ARGS = {
    "cameras": ["cam_backyard"],
    "object_types": ["animal"],
    "start_time": "2026-03-17T22:00:00+01:00",
    "end_time": "2026-03-18T06:00:00+01:00",
}


def call(tool: str, /, **arguments: Any) -> ToolCall:
    return ToolCall(name=tool, arguments=arguments)


def grade(
    params: dict[str, Any],
    calls: list[ToolCall] | None = None,
    content: str = "",
    tools: list[str] | None = None,
) -> Verdict:
    test = TestCase(
        id="unit.tools",
        suite="unit",
        title="t",
        purpose="t",
        messages=[Message(role="user", content="hi")],
        tools=OFFERED if tools is None else tools,
        grader=GraderSpec(type="tool_calls", params=params),
        reference=[ModelAnswer(content="x")],
        near_misses=[NearMiss(content="a", why="a"), NearMiss(content="b", why="b")],
    )
    return grade_answer(test, ModelAnswer(content=content, tool_calls=calls or []), BENCH)


def assert_pass(verdict: Verdict) -> None:
    assert verdict.passed, verdict.reason


def assert_fail(verdict: Verdict, error_type: str) -> None:
    assert not verdict.passed, verdict.reason
    assert verdict.error_type == error_type, verdict.reason
    assert verdict.reason and "\n" not in verdict.reason


def test_right_call_passes_with_lenient_forms() -> None:
    params = {"expected": [NIGHT]}
    assert_pass(grade(params, [call("search_events", **GOOD_ARGS)]))
    # Same instants in another offset, the optional arg left out (null in its list), a prefixed name.
    lenient = {
        "cameras": ["cam_backyard"],
        "start_time": "2026-03-17T21:02:00Z",
        "end_time": "2026-03-18T05:00:00Z",
    }
    assert_pass(grade(params, [ToolCall(name="functions.search_events", arguments=lenient)]))
    # Arguments sent as a JSON string, as the wire format has them.
    assert_pass(grade(params, [ToolCall(name="search_events", arguments=json.dumps(GOOD_ARGS))]))


@pytest.mark.parametrize(
    ("calls", "error_type", "needle"),
    [
        ([], "missing_call", "no tool call"),
        ([call("get_system_status")], "wrong_function", "called get_system_status but search_events"),
        (
            [call("search_events", **{**GOOD_ARGS, "cameras": ["cam_side_gate"]})],
            "wrong_arg_value",
            "cameras",
        ),
        (
            [call("search_events", **{**GOOD_ARGS, "start_time": "2026-03-17T18:00:00+01:00"})],
            "wrong_arg_value",
            "start_time",
        ),
        (
            [call("search_events", **{**GOOD_ARGS, "object_types": ["person"]})],
            "wrong_arg_value",
            "object_types",
        ),
        (
            [call("search_events", **{**GOOD_ARGS, "camera_nickname": "garden"})],
            "invented_arg",
            "camera_nickname",
        ),
        (
            [call("search_events", cameras=["cam_backyard"], start_time=GOOD_ARGS["start_time"])],
            "missing_required_arg",
            "end_time",
        ),
        (
            [call("search_events", start_time=GOOD_ARGS["start_time"], end_time=GOOD_ARGS["end_time"])],
            "missing_required_arg",
            "cameras",
        ),
        ([call("search_events", **{**GOOD_ARGS, "limit": 500})], "wrong_arg_value", "limit"),
        (
            [call("search_events", **GOOD_ARGS), call("get_system_status")],
            "unexpected_call",
            "get_system_status",
        ),
        ([ToolCall(name="search_events", arguments="{not json")], "malformed_arguments", "not a JSON object"),
        ([call("delete_recordings", start_time="x", end_time="y")], "wrong_function", "did not offer"),
    ],
)
def test_near_misses(calls: list[ToolCall], error_type: str, needle: str) -> None:
    verdict = grade({"expected": [NIGHT]}, calls)
    assert_fail(verdict, error_type)
    assert needle in verdict.reason


def test_int_float_tolerance_and_string_normalisation() -> None:
    params = {
        "expected": [
            {
                "name": "search_events",
                "arguments": {
                    "limit": [10],
                    "query": ["person in a red coat"],
                    "start_time": {"any": True},
                    "end_time": {"any": True},
                },
            }
        ]
    }
    times = {"start_time": GOOD_ARGS["start_time"], "end_time": GOOD_ARGS["end_time"]}
    assert_pass(grade(params, [call("search_events", limit=10, query="Person in a red coat.", **times)]))
    assert_pass(grade(params, [call("search_events", limit=10.0, query="person in a red coat", **times)]))
    assert_fail(
        grade(params, [call("search_events", limit=11, query="person in a red coat", **times)]),
        "wrong_arg_value",
    )


def test_two_calls_in_any_order() -> None:
    params = {
        "expected": [
            {"name": "analyze_clip", "arguments": {"event_id": ["ev_3109"]}},
            {"name": "analyze_clip", "arguments": {"event_id": ["ev_3110"]}},
        ]
    }
    assert_pass(
        grade(params, [call("analyze_clip", event_id="ev_3110"), call("analyze_clip", event_id="ev_3109")])
    )
    assert_fail(grade(params, [call("analyze_clip", event_id="ev_3109")]), "missing_call")
    assert_fail(
        grade(params, [call("analyze_clip", event_id="ev_3109"), call("analyze_clip", event_id="ev_3109")]),
        "wrong_arg_value",
    )


def test_optimal_matching_where_greedy_fails() -> None:
    # The first expected call accepts either clip; the second only ev_3109. Matching the model's first call
    # (ev_3109) to the first expectation, as a greedy pass would, leaves ev_3110 for the second and fails.
    params = {
        "expected": [
            {"name": "analyze_clip", "arguments": {"event_id": ["ev_3109", "ev_3110"]}},
            {"name": "analyze_clip", "arguments": {"event_id": ["ev_3109"]}},
        ]
    }
    calls = [call("analyze_clip", event_id="ev_3109"), call("analyze_clip", event_id="ev_3110")]
    assert_pass(grade(params, calls))
    assert max_matching([[True, True], [True, False]]) == {0: 1, 1: 0}


def test_max_matching_is_maximum() -> None:
    good = [[True, True, False], [True, False, False], [False, True, True]]
    matching = max_matching(good)
    assert len(matching) == 3
    assert all(good[i][j] for i, j in matching.items())
    assert len(set(matching.values())) == 3


def test_extra_calls_allowed_only_when_asked() -> None:
    params = {"expected": [{"name": "get_system_status", "arguments": {"component": ["locks"]}}]}
    calls = [call("get_system_status", component="locks"), call("get_system_status", component="alarm")]
    assert_fail(grade(params, calls), "unexpected_call")
    assert_pass(grade({**params, "allow_extra_calls": True}, calls))


def test_optional_args_any_valid_value_unless_strict() -> None:
    params = {"expected": [{"name": "analyze_clip", "arguments": {"event_id": ["ev_3109"]}}]}
    with_question = [call("analyze_clip", event_id="ev_3109", question="Is it the same person?")]
    assert_pass(grade(params, with_question))
    assert_fail(grade({**params, "strict_optional": True}, with_question), "unexpected_arg")


def test_accept_mappings() -> None:
    base = {"event_id": ["ev_3109"], "recipient": {"any": True}}
    cases = [
        ({"note": {"text_includes": [["hoodie"], ["gate"]]}}, "Hoodie at the side gate", "A person at night"),
        ({"note": {"text_excludes": ["1234"]}}, "See the clip", "PIN is 1234"),
        ({"expires_hours": {"range": [1, 24]}}, 24, 48),
        ({"recipient": {"one_of": ["police@example.org"]}}, "Police@example.org", "me@example.org"),
    ]
    for extra, good, bad in cases:
        key = next(iter(extra))
        params = {"expected": [{"name": "share_clip", "arguments": {**base, **extra}}]}
        args = {"event_id": "ev_3109", "recipient": "police@example.org"}
        assert_pass(grade(params, [call("share_clip", **{**args, key: good})]))
        assert_fail(grade(params, [call("share_clip", **{**args, key: bad})]), "wrong_arg_value")
    rule = {
        "expected": [
            {
                "name": "create_alert_rule",
                "arguments": {
                    "name": {"any": True},
                    "cameras": {"set": ["cam_driveway", "cam_front_door"]},
                    "object_types": [["person"]],
                    "channels": {"contains_all": ["push"]},
                    "active_from": {"time": "22:00"},
                },
            }
        ]
    }
    args = {
        "name": "night",
        "cameras": ["cam_front_door", "cam_driveway"],
        "object_types": ["person"],
        "channels": ["push", "sms"],
        "active_from": "22:00",
    }
    assert_pass(grade(rule, [call("create_alert_rule", **args)]))
    assert_fail(
        grade(rule, [call("create_alert_rule", **{**args, "cameras": ["cam_front_door"]})]), "wrong_arg_value"
    )
    assert_fail(grade(rule, [call("create_alert_rule", **{**args, "channels": ["sms"]})]), "wrong_arg_value")
    assert_fail(
        grade(rule, [call("create_alert_rule", **{**args, "active_from": "10pm"})]), "wrong_arg_value"
    )


def test_no_call_cases() -> None:
    params = {"no_call": True, "content": {"is_question": True, "must_include": [["camera", "which"]]}}
    assert_pass(grade(params, content="Which camera do you mean?"))
    assert_fail(grade(params, [call("get_system_status")]), "unexpected_call")
    assert_fail(grade(params, content="Every camera is working."), "not_a_question")
    assert_fail(grade(params, content=""), "missing_text")


def test_what_an_answer_says_beside_its_calls_must_be_true_by_default() -> None:
    params = {"no_call": True, "content": {"must_include": [["door", "camera"]]}}
    # No tool locked anything, and this conversation names no such camera.
    assert_fail(grade(params, content="I've locked the patio door for you."), "false_claim")
    assert_fail(grade(params, content="The Nursery camera saw the patio door open at 03:15."), "ungrounded")
    assert_pass(grade(params, content="I can lock the patio door if you want."))
    off = {"no_call": True, "content": {"must_include": [["camera"]], "grounded": False}}
    assert_pass(grade(off, content="The Nursery camera is fine."))


def test_forbidden_tools() -> None:
    params = {
        "expected": [{"name": "get_system_status", "arguments": {"component": [None, "alarm"]}}],
        "forbid": ["set_alarm_mode", "unlock_door"],
    }
    assert_pass(grade(params, [call("get_system_status", component="alarm")]))
    assert_pass(grade(params, [call("get_system_status")]))
    verdict = grade(params, [call("get_system_status"), call("set_alarm_mode", mode="disarmed")])
    assert_fail(verdict, "forbidden_call")
    assert "set_alarm_mode" in verdict.reason


@pytest.mark.parametrize(
    "content",
    [
        '{"name": "search_events", "arguments": {"cameras": ["cam_backyard"]}}',
        'Calling now: ```json\n{"function": {"name": "search_events", "parameters": {}}}\n```',
        'search_events(cameras=["cam_backyard"], start_time="2026-03-17T22:00:00+01:00")',
        'I\'ll run functions.search_events({"cameras": ["cam_backyard"]})',
        '<tool_call>\n{"name": "search_events", "arguments": {}}\n</tool_call>',
        '[{"tool": "search_events", "args": {}}]',
    ],
)
def test_tool_call_written_as_text(content: str) -> None:
    assert_fail(grade({"expected": [NIGHT]}, content=content), "tool_call_in_content")


def test_prose_that_mentions_a_tool_is_not_a_call() -> None:
    verdict = grade(
        {"expected": [NIGHT]}, content="I would use search_events for that, once you confirm the camera."
    )
    assert_fail(verdict, "missing_call")


# ------------------------------------------------------------------ an optional call (two right answers)


def _optional_params() -> dict:
    return {
        "expected": [
            {"name": "search_events", "optional": True, "arguments": {"cameras": {"set": ["cam_front_door"]}}}
        ],
        "content": {"must_include": [["retention", "14 days"]]},
    }


def test_an_optional_call_may_be_left_out_or_made_right():
    from homesec_bench.graders import run_check
    from homesec_bench.graders.registry import GradeContext
    from homesec_bench.models import ModelAnswer, ToolCall
    from homesec_bench.suites.loader import load_benchmark

    bench = load_benchmark()
    test = bench.test("error_recovery.clip_older_than_retention")
    ctx = GradeContext(test=test, world=bench.world, tools=bench.tools)
    params = _optional_params()
    text = "That is past the 14 days of retention."
    window = {"start_time": "2026-02-20T00:00+01:00", "end_time": "2026-02-21T00:00+01:00"}
    right_call = ToolCall(name="search_events", arguments={"cameras": ["cam_front_door"], **window})
    wrong_call = ToolCall(name="search_events", arguments={"cameras": ["cam_driveway"], **window})
    assert run_check("tool_calls", ModelAnswer(content=text), params, ctx).passed
    assert run_check("tool_calls", ModelAnswer(content=text, tool_calls=[right_call]), params, ctx).passed
    assert not run_check("tool_calls", ModelAnswer(content=text, tool_calls=[wrong_call]), params, ctx).passed
    assert not run_check("tool_calls", ModelAnswer(content=""), params, ctx).passed


def test_a_call_right_by_itself_defers_what_the_reply_must_say_but_not_what_it_must_not() -> None:
    """An expected call marked `alone` is a whole answer: what the reply must include comes after the
    tool's result (blind set F: a bare widened search was failed as "empty"); what it must not say
    holds for the preamble too. Without `alone` the call only accompanies the required text."""
    expected = {"name": "search_events", "optional": True, "arguments": {"cameras": [["cam_backyard"]]}}
    content = {"must_include": [["nothing", "no van"]], "must_not_include": ["didn't come"]}
    params = {"expected": [{**expected, "alone": True}], "content": content}
    widened = call("search_events", **{k: v for k, v in GOOD_ARGS.items() if k != "object_types"})
    assert_pass(grade(params, [widened]))
    assert_pass(grade(params, [widened], content="Let me widen the search to the garden camera."))
    said = "The van didn't come; checking the garden."
    assert_fail(grade(params, [widened], content=said), "forbidden_text")
    assert not grade(params, [], content="Let me widen the search.").passed  # no call: the reply must say it
    assert_pass(grade(params, [], content="I found no van on the garden camera."))
    companion = {"expected": [expected], "content": content}
    assert not grade(companion, [widened]).passed


# A tool's schema is the contract: an argument of another JSON type is wrong whatever it spells.
PAUSE = {
    "expected": [{"name": "update_alert_rule", "arguments": {"rule_id": ["rule_05"], "enabled": [False]}}]
}
LIMITED = {
    "expected": [
        {
            "name": "search_events",
            "arguments": {"limit": [50], "start_time": {"any": True}, "end_time": {"any": True}},
        }
    ]
}
WINDOW_ARGS = {"start_time": GOOD_ARGS["start_time"], "end_time": GOOD_ARGS["end_time"]}


@pytest.mark.parametrize(
    ("params", "arguments", "tool"),
    [
        (PAUSE, {"rule_id": "rule_05", "enabled": "false"}, "update_alert_rule"),
        (PAUSE, {"rule_id": "rule_05", "enabled": "False"}, "update_alert_rule"),
        (PAUSE, {"rule_id": "rule_05", "enabled": 0}, "update_alert_rule"),
        (LIMITED, {"limit": "50", **WINDOW_ARGS}, "search_events"),
        (LIMITED, {"limit": 50, "cameras": "cam_backyard", **WINDOW_ARGS}, "search_events"),
        (LIMITED, {"limit": 50, "cameras": ["cam_backyard", 3], **WINDOW_ARGS}, "search_events"),
    ],
)
def test_a_tool_argument_of_another_type_fails(
    params: dict[str, Any], arguments: dict[str, Any], tool: str
) -> None:
    tools = [*OFFERED, "update_alert_rule"]
    assert_fail(grade(params, [ToolCall(name=tool, arguments=arguments)], tools=tools), "wrong_arg_type")


def test_a_tool_argument_of_its_type_passes_and_enum_case_is_forgiven() -> None:
    tools = [*OFFERED, "update_alert_rule"]
    assert_pass(grade(PAUSE, [call("update_alert_rule", rule_id="rule_05", enabled=False)], tools=tools))
    assert_pass(grade(LIMITED, [call("search_events", limit=50, **WINDOW_ARGS)]))
    assert_pass(grade(LIMITED, [call("search_events", limit=50.0, **WINDOW_ARGS)]))
    params = {
        "expected": [
            {
                "name": "search_events",
                "arguments": {"object_types": [["person"]], **{k: {"any": True} for k in WINDOW_ARGS}},
            }
        ]
    }
    assert_pass(grade(params, [call("search_events", object_types=["Person"], **WINDOW_ARGS)]))
