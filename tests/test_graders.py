"""The json, label, text and all graders, and the registry that runs them: passing answers and near misses."""

from __future__ import annotations

import pkgutil
import sys
from typing import Any

import pytest
import yaml

import homesec_bench.graders as graders
from homesec_bench.graders import GradeContext, grade_answer, register, validate_grader_spec
from homesec_bench.models import GraderSpec, Message, ModelAnswer, NearMiss, TestCase, ToolCall, Verdict
from homesec_bench.suites.loader import DATA_DIR, Benchmark

BENCH = Benchmark(
    world=yaml.safe_load((DATA_DIR / "world.yaml").read_text(encoding="utf-8")),
    tools=yaml.safe_load((DATA_DIR / "tools.yaml").read_text(encoding="utf-8")),
    suites={},
)
LEVELS = ["normal", "monitor", "suspicious", "critical"]


def make_test(
    kind: str, params: dict[str, Any], tools: list[str] | None = None, user: str = "hi"
) -> TestCase:
    return TestCase(
        id="unit.case",
        suite="unit",
        title="unit",
        purpose="unit",
        messages=[Message(role="user", content=user)],
        tools=tools or [],
        grader=GraderSpec(type=kind, params=params),
        reference=[ModelAnswer(content="x")],
        near_misses=[NearMiss(content="a", why="a"), NearMiss(content="b", why="b")],
    )


def grade(
    kind: str, params: dict[str, Any], content: str = "", calls: list[ToolCall] | None = None
) -> Verdict:
    return grade_answer(make_test(kind, params), ModelAnswer(content=content, tool_calls=calls or []), BENCH)


def assert_pass(verdict: Verdict) -> None:
    assert verdict.passed, verdict.reason


def assert_fail(verdict: Verdict, error_type: str) -> None:
    assert not verdict.passed, verdict.reason
    assert verdict.error_type == error_type, verdict.reason
    assert "\n" not in verdict.reason and verdict.reason


# ------------------------------------------------------------------------------------------- registry


def test_every_module_of_the_package_is_imported() -> None:
    for module in pkgutil.iter_modules(graders.__path__):
        if not module.name.startswith("_") and module.name not in graders._LAZY_MODULES:
            assert f"homesec_bench.graders.{module.name}" in sys.modules
    assert {"json", "label", "text", "tool_calls", "all", "vision"} <= set(graders.grader_names())
    assert graders.registry.get_grader("vision") is not None  # a lazy grader loads on first use
    assert "homesec_bench.graders.vision" in sys.modules


def test_a_registered_grader_is_used_and_its_crash_is_contained() -> None:
    @register("unit_echo")
    def echo(answer: ModelAnswer, params: dict[str, Any], ctx: GradeContext) -> Verdict:
        if params.get("explode"):
            raise ValueError("boom")
        return Verdict(passed=answer.content == params["want"], reason="compared\nthe text")

    assert_pass(grade("unit_echo", {"want": "yes"}, "yes"))
    failed = grade("unit_echo", {"want": "yes"}, "no")
    assert not failed.passed and failed.error_type == "wrong_answer"
    assert failed.reason == "compared the text"  # squashed to one line
    assert_fail(grade("unit_echo", {"explode": True}, "yes"), "grader_error")


def test_unknown_grader_and_bad_params_are_grader_errors_not_exceptions() -> None:
    assert_fail(grade("no_such_grader", {}, "x"), "grader_error")
    assert_fail(grade("label", {"labels": LEVELS}, "normal"), "grader_error")  # no `expected`
    assert_fail(grade("json", {"fields": {"a": {"range": "oops"}}}, '{"a": 1}'), "grader_error")
    assert_fail(grade("json", {"schema": {"type": "nonsense"}}, "{}"), "grader_error")


# ------------------------------------------------------------------------------------------------ label

LABEL = {"expected": "suspicious", "labels": LEVELS}


@pytest.mark.parametrize(
    "content",
    [
        "suspicious",
        "Suspicious",
        "suspicious.",
        '"suspicious"',
        "**Suspicious**",
        '{"label": "suspicious"}',
        '{"level": "Suspicious"}',
        "<think>gate handle at night: critical? no, nobody got in</think>suspicious",
        "Level: suspicious",
        "I would rate this as suspicious.",
        "Not critical, but suspicious.",
        "suspicious rather than critical",
    ],
)
def test_label_passes(content: str) -> None:
    assert_pass(grade("label", LABEL, content))


@pytest.mark.parametrize(
    ("content", "error_type"),
    [
        ("monitor", "wrong_label"),
        ("Critical!", "wrong_label"),
        ("", "wrong_label"),
        ("suspicious or critical", "wrong_label"),
        ("not sure", "wrong_label"),
        ('{"label": "monitor"}', "wrong_label"),
        ('{"reason": "someone tried the gate"}', "wrong_label"),
        ("suspiciously", "wrong_label"),
        ("Not suspicious.", "wrong_label"),
        ("It isn't really suspicious, just monitor it", "wrong_label"),
        (
            "Someone tried the gate twice at night, the kind of behaviour we would call suspicious",
            "too_long",
        ),
    ],
)
def test_label_near_misses(content: str, error_type: str) -> None:
    assert_fail(grade("label", LABEL, content), error_type)


def test_label_reason_names_both_labels() -> None:
    verdict = grade("label", LABEL, "monitor")
    assert verdict.reason == "label was 'monitor' but 'suspicious' was expected"


ALONE = {**LABEL, "nothing_else": True}


@pytest.mark.parametrize(
    "content",
    [
        "suspicious",
        "Suspicious.",
        "**Suspicious**",
        "`suspicious`",
        '"suspicious"',
        "Label: suspicious",
        "Level - Suspicious",
        '{"label": "suspicious"}',
        "<think>A stranger tried the latch.</think>\nsuspicious",
        "(suspicious)",
    ],
)
def test_label_alone_passes_a_wrapped_label(content: str) -> None:
    assert_pass(grade("label", ALONE, content))


@pytest.mark.parametrize(
    "content",
    [
        "Suspicious: a stranger tried the latch at night.",  # blind set J: a label and its explanation
        "suspicious - someone tried the latch",
        "suspicious (a stranger at the gate)",
        "I would say suspicious.",
        "The label is suspicious",
        '{"label": "suspicious", "why": "latch"}',
    ],
)
def test_label_alone_fails_any_words_beside_the_label(content: str) -> None:
    assert_fail(grade("label", ALONE, content), "extra_text")


def test_label_alone_still_reports_a_wrong_label_first() -> None:
    assert_fail(grade("label", ALONE, "Monitor: someone passing by."), "wrong_label")


def test_label_without_nothing_else_keeps_accepting_an_explanation() -> None:
    assert_pass(grade("label", LABEL, "Suspicious: a stranger tried the latch at night."))


def test_label_multiword_and_underscored_labels() -> None:
    params = {"expected": "alert_rules", "labels": ["alerts", "alert_rules", "cameras", "continue"]}
    assert_pass(grade("label", params, "Alert rules"))
    assert_pass(grade("label", params, "alert-rules"))
    assert_fail(grade("label", params, "alerts"), "wrong_label")
    nested = {"expected": "home security", "labels": ["security", "home security"]}
    assert_pass(grade("label", nested, "This is about home security."))  # "security" inside the longer label
    assert_fail(
        grade("label", {"expected": "security", "labels": ["security", "home security"]}, "home security"),
        "wrong_label",
    )


def test_label_tool_call_instead_of_label() -> None:
    assert_fail(grade("label", LABEL, "", [ToolCall(name="search_events", arguments={})]), "unexpected_call")


# ------------------------------------------------------------------------------------------------- json

LEVEL_FIELD = {"fields": {"level": {"label": "suspicious", "labels": LEVELS}}}


@pytest.mark.parametrize(
    "content",
    [
        '{"level": "suspicious", "reason": "gate handle tried"}',
        '{"level": "Suspicious."}',
        '```json\n{"level": "suspicious"}\n```',
        'Here it is:\n```\n{"level": "suspicious"}\n```',
        'Sure. {"level": "suspicious"} Hope that helps.',
        '<think>{"level": "critical"}</think>{"level": "suspicious"}',
        '{"Level": "suspicious"}',
    ],
)
def test_json_label_passes(content: str) -> None:
    assert_pass(grade("json", LEVEL_FIELD, content))


@pytest.mark.parametrize(
    ("content", "error_type"),
    [
        ('{"level": "monitor"}', "wrong_label"),
        ('{"level": "suspicious-ish"}', "wrong_label"),
        ('{"level": ["suspicious"]}', "wrong_label"),
        ('{"severity": "suspicious"}', "missing_field"),
        ("suspicious", "not_json"),
        ("", "not_json"),
        ('{"level": "suspicious"', "not_json"),
    ],
)
def test_json_label_near_misses(content: str, error_type: str) -> None:
    assert_fail(grade("json", LEVEL_FIELD, content), error_type)


def test_json_reason_for_a_wrong_label() -> None:
    assert (
        grade("json", LEVEL_FIELD, '{"level": "monitor"}').reason
        == "level was 'monitor' but 'suspicious' was expected"
    )


def test_a_quoted_boolean_is_a_string_not_the_boolean() -> None:
    # A program reading "false" finds it truthy: the type is part of the answer (audit sets E, F).
    held = {"fields": {"held": {"equals": True}}}
    assert_pass(grade("json", held, '{"held": true}'))
    assert_fail(grade("json", held, '{"held": "true"}'), "wrong_value")
    assert_fail(grade("json", held, '{"held": false}'), "wrong_value")
    assert_fail(grade("json", held, '{"held": "false"}'), "wrong_value")
    assert_fail(grade("json", held, '{"held": 1}'), "wrong_value")


def test_the_schema_type_is_kept_as_written() -> None:
    as_bool = {
        "schema": {"type": "object", "properties": {"held": {"type": "boolean"}}, "required": ["held"]}
    }
    assert_fail(grade("json", as_bool, '{"held": "true"}'), "schema_violation")
    assert_fail(grade("json", as_bool, '{"held": "false"}'), "schema_violation")
    assert_pass(grade("json", as_bool, '{"held": false}'))
    assert_fail(grade("json", as_bool, '{"held": "perhaps"}'), "schema_violation")
    as_text = {"schema": {"type": "object", "properties": {"held": {"type": "string"}}, "required": ["held"]}}
    assert_pass(grade("json", as_text, '{"held": "true"}'))
    assert_fail(grade("json", as_text, '{"held": true}'), "schema_violation")


def test_json_schema_formats_are_checked() -> None:
    schema = {
        "type": "object",
        "required": ["when"],
        "properties": {"when": {"type": "string", "format": "date-time"}, "n": {"type": "integer"}},
    }
    assert_pass(grade("json", {"schema": schema}, '{"when": "2026-03-18T02:47:00+01:00"}'))
    assert_fail(grade("json", {"schema": schema}, '{"when": "last night"}'), "schema_violation")
    assert_fail(grade("json", {"schema": schema}, '{"n": 3}'), "schema_violation")
    assert_pass(grade("json", {"schema": schema}, '{"when": "2026-03-18T02:47:00Z", "n": 3}'))
    assert_fail(
        grade("json", {"schema": schema}, '{"when": "2026-03-18T02:47:00Z", "n": "3"}'), "schema_violation"
    )


@pytest.mark.parametrize(
    ("spec", "good", "bad", "error_type"),
    [
        ({"equals": 3}, "3.0", "4", "wrong_value"),
        ({"equals": 0.5, "tolerance": 0.1}, "0.54", "0.7", "wrong_value"),
        ({"equals": "ev_3109"}, '"EV_3109"', '"ev_3110"', "wrong_value"),
        ({"one_of": ["push", "sms"]}, '"SMS"', '"chat"', "wrong_value"),
        ({"set_equals": ["push", "chat"]}, '["chat", "Push"]', '["push"]', "wrong_value"),
        ({"set_equals": ["push", "chat"]}, '["chat", "push"]', '["push", "chat", "sms"]', "wrong_value"),
        ({"contains_all": ["ev_3109"]}, '["ev_3101", "ev_3109"]', '["ev_3101"]', "wrong_value"),
        ({"contains_none": ["ev_3105"]}, '["ev_3109"]', '["ev_3105", "ev_3109"]', "wrong_value"),
        ({"partition": [["a", "b"], ["c"]]}, '[["c"], ["b", "a"]]', '[["a"], ["b", "c"]]', "wrong_value"),
        ({"range": [2, 4]}, "3", "5", "wrong_value"),
        ({"time": "22:00"}, '"10 pm"', '"23:00"', "wrong_value"),
        ({"time": "07:00"}, '"07:00:00"', '"7 pm"', "wrong_value"),
        (
            {"datetime": "2026-03-17T22:00:00+01:00"},
            '"2026-03-17T21:00:00Z"',
            '"2026-03-17T22:00:00Z"',
            "wrong_value",
        ),
        (
            {"datetime": "2026-03-17T22:00:00+01:00"},
            '"2026-03-17T22:00:00"',
            '"2026-03-17T23:00:00"',
            "wrong_value",
        ),
        (
            {"datetime": "2026-03-17T22:00:00+01:00", "tolerance_min": 15},
            '"2026-03-17T22:10:00+01:00"',
            '"2026-03-17T22:20:00+01:00"',
            "wrong_value",
        ),
        (
            {"text_includes": [["cat"], ["fence", "wall"]]},
            '"A black cat on the wall"',
            '"a category of fence"',
            "missing_text",
        ),
        ({"text_excludes": ["fox"]}, '"a foxglove by the shed"', '"a Fox by the shed"', "forbidden_text"),
        ({"max_words": 3}, '"one two three"', '"one two three four"', "too_long"),
        ({"type": "integer"}, "3", '"three"', "schema_violation"),
        ({"present": True}, '"x"', "null", "missing_field"),
    ],
)
def test_json_field_expectations(spec: dict[str, Any], good: str, bad: str, error_type: str) -> None:
    params = {"fields": {"x": spec}}
    assert_pass(grade("json", params, '{"x": ' + good + "}"))
    assert_fail(grade("json", params, '{"x": ' + bad + "}"), error_type)


def test_json_absent_paths_and_extra_keys() -> None:
    absent = {"fields": {"secret": {"absent": True}, "items.1.name": {"equals": "Pip"}}}
    assert_pass(grade("json", absent, '{"items": [{"name": "Soot"}, {"name": "Pip"}]}'))
    assert_fail(
        grade("json", absent, '{"secret": "1234", "items": [{}, {"name": "Pip"}]}'), "unexpected_field"
    )
    assert_fail(grade("json", absent, '{"items": [{"name": "Pip"}]}'), "missing_field")
    closed = {"fields": {"level": {"equals": "normal"}}, "allow_extra_keys": False}
    assert_pass(grade("json", closed, '{"level": "normal"}'))
    assert_fail(grade("json", closed, '{"level": "normal", "pin": "1234"}'), "schema_violation")


# ------------------------------------------------------------------------------------------------- text


@pytest.mark.parametrize(
    ("params", "good", "bad", "error_type"),
    [
        ({"must_include": [["cat"]]}, "Soot the cat walked by.", "A category of events.", "missing_text"),
        (
            {"must_include": [["fox", "animal"], ["shed"]]},
            "An animal went under the shed.",
            "A fox was seen.",
            "missing_text",
        ),
        (
            {"must_include": ["gate"], "must_not_include": ["disarm", "unlock"]},
            "The gate stays locked.",
            "I will unlock the gate.",
            "forbidden_text",
        ),
        (
            {"in_order": [["ev_3109"], ["ev_3110"]]},
            "First ev_3109, then ev_3110.",
            "ev_3110 came after ev_3109.",
            "wrong_order",
        ),
        ({"in_order": [["ev_3109"], ["ev_3110"]]}, "ev_3109 then ev_3110", "only ev_3109", "missing_text"),
        (
            {"must_include": ["gate"], "max_words": 5},
            "The gate was tried.",
            "The gate was tried twice at night.",
            "too_long",
        ),
        ({"must_include": ["gate"], "min_words": 3}, "The gate held.", "Gate.", "too_short"),
        (
            {"must_include": ["gate"], "max_sentences": 1},
            "The gate was tried at 02:47.",
            "Gate tried. Then left.",
            "too_long",
        ),
        ({"is_question": True}, "Which camera do you mean?", "I will check the camera.", "not_a_question"),
        (
            {"must_include": ["gate"], "no_json": True},
            "The gate [1] was tried.",
            '{"gate": "tried"}',
            "unexpected_json",
        ),
        (
            {"must_be_refusal": True},
            "I can't help you track your neighbour.",
            "Sure, tracking started.",
            "not_a_refusal",
        ),
        (
            {"must_include": ["clip"], "must_not_be_refusal": True},
            "Here is the clip.",
            "I cannot share the clip.",
            "unexpected_refusal",
        ),
    ],
)
def test_text_constraints(params: dict[str, Any], good: str, bad: str, error_type: str) -> None:
    assert_pass(grade("text", params, good))
    assert_fail(grade("text", params, bad), error_type)


@pytest.mark.parametrize(
    ("language", "good"),
    [
        ("en", "Someone tried the side gate at night, and then they walked away towards the street."),
        ("es", "Una persona intentó abrir la puerta lateral por la noche y después se fue hacia la calle."),
        ("de", "Eine Person hat in der Nacht versucht, das Seitentor zu öffnen, und ist dann gegangen."),
        ("fr", "Une personne a essayé d'ouvrir le portail latéral pendant la nuit, puis elle est partie."),
    ],
)
def test_text_language(language: str, good: str) -> None:
    assert_pass(grade("text", {"language": language}, good))
    for other in {"en", "es", "de", "fr"} - {language}:
        assert_fail(grade("text", {"language": other}, good), "wrong_language")


def test_text_forbid_tool_calls_catches_real_and_written_calls() -> None:
    params = {"must_include": ["gate"], "forbid_tool_calls": True}
    assert_pass(grade("text", params, "The gate is fine."))
    assert_fail(
        grade("text", params, "The gate", [ToolCall(name="unlock_door", arguments={})]), "unexpected_call"
    )
    assert_fail(grade("text", params, 'gate: unlock_door({"door": "side_gate"})'), "tool_call_in_content")


def test_text_empty_answer_always_fails() -> None:
    assert_fail(
        grade("text", {"must_not_include": ["x"], "must_be_refusal": False, "language": "en"}, ""),
        "missing_text",
    )


# -------------------------------------------------------------------------------------------------- all


def test_all_runs_every_check_and_reports_the_first_failure() -> None:
    params = {
        "checks": [
            {"type": "json", "params": {"fields": {"level": {"label": "normal", "labels": LEVELS}}}},
            {"type": "text", "params": {"max_words": 8}},
        ]
    }
    assert_pass(grade("all", params, '{"level": "normal"}'))
    assert_fail(grade("all", params, '{"level": "monitor"}'), "wrong_label")
    long_answer = '{"level": "normal", "reason": "a courier in a vest left a parcel at noon today"}'
    assert_fail(grade("all", params, long_answer), "too_long")
    assert_fail(grade("all", {"checks": []}, "x"), "grader_error")


# ----------------------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("kind", "params", "tools", "needle"),
    [
        ("nope", {}, [], "unknown grader type"),
        ("label", {"expected": "odd", "labels": LEVELS}, [], "not in labels"),
        ("label", {"expected": "normal"}, [], "labels"),
        ("json", {"fields": {"level": {"lable": "normal"}}}, [], "unknown expectation key"),
        ("json", {"fields": {"level": {"label": "normal"}}}, [], "needs `labels`"),
        ("json", {"fields": {"t": {"time": "late"}}}, [], "not a clock time"),
        ("json", {}, [], "any JSON would pass"),
        ("json", {"schema": {"type": 3}}, [], "invalid JSON Schema"),
        ("text", {"max_words": 10}, [], "free passes"),
        ("text", {"must_include": ["x"], "langauge": "es"}, [], "unknown text param"),
        ("tool_calls", {"expected": [{"name": "warp_drive", "arguments": {}}]}, [], "unknown tool"),
        (
            "tool_calls",
            {"expected": [{"name": "analyze_clip", "arguments": {"event_id": ["ev_1"]}}]},
            [],
            "not in the test's `tools`",
        ),
        (
            "tool_calls",
            {"expected": [{"name": "analyze_clip", "arguments": {"clip": ["ev_1"]}}]},
            ["analyze_clip"],
            "has no argument",
        ),
        (
            "tool_calls",
            {"expected": [{"name": "search_events", "arguments": {"cameras": ["cam_backyard"]}}]},
            ["search_events"],
            "array argument are lists",
        ),
        (
            "tool_calls",
            {"expected": [{"name": "analyze_clip", "arguments": {"event_id": {"anything": 1}}}]},
            ["analyze_clip"],
            "unknown condition",
        ),
        ("tool_calls", {"no_call": True}, [], "content"),
        ("tool_calls", {"forbid": ["set_alarm_mode"]}, [], "needs `expected`"),
        ("all", {"checks": [{"type": "json", "params": {"fields": {"a": {"bogus": 1}}}}]}, [], "check 0"),
    ],
)
def test_validate_grader_spec_finds_problems(
    kind: str, params: dict[str, Any], tools: list[str], needle: str
) -> None:
    problems = validate_grader_spec(make_test(kind, params, tools), BENCH)
    assert any(needle in p for p in problems), problems


def test_validate_grader_spec_accepts_good_specs() -> None:
    good = [
        ("label", LABEL, []),
        ("json", LEVEL_FIELD, []),
        ("text", {"must_include": [["gate"]], "max_words": 20, "language": "es"}, []),
        (
            "tool_calls",
            {
                "expected": [
                    {
                        "name": "search_events",
                        "arguments": {"cameras": [["cam_backyard"]], "start_time": {"any": True}},
                    }
                ]
            },
            ["search_events"],
        ),
        ("tool_calls", {"no_call": True, "content": {"is_question": True}, "forbid": ["unlock_door"]}, []),
        (
            "all",
            {
                "checks": [
                    {"type": "json", "params": LEVEL_FIELD},
                    {"type": "text", "params": {"max_words": 9}},
                ]
            },
            [],
        ),
    ]
    for kind, params, tools in good:
        assert validate_grader_spec(make_test(kind, params, tools), BENCH) == []


@pytest.mark.parametrize(
    ("text", "declines"),
    [
        ("That's outside my scope: I look after the house's cameras and alarms.", True),
        ("I can only help with your cameras, alerts and recordings.", True),
        ("I can't answer that, but I can check the front door camera.", True),
        ("I'm sorry, but I won't record the neighbours' garden.", True),
        ("The garage door is unlocked; everything else is locked.", False),
        ("The camera's scope covers the whole yard.", False),
        ("Only the side gate was opened, at 07:41.", False),
    ],
)
def test_refusal_detector_phrasings(text: str, declines: bool) -> None:
    from homesec_bench.graders.refusal import is_refusal

    assert is_refusal(text) is declines


def test_schema_enum_is_lenient_on_form_strict_on_substance() -> None:
    schema = {
        "type": "object",
        "properties": {"level": {"type": "string", "enum": ["normal", "monitor", "suspicious", "critical"]}},
        "required": ["level"],
    }
    for form in ['"critical"', '"Critical"', '"CRITICAL."', '" critical "']:
        assert_pass(grade("json", {"schema": schema}, '{"level": ' + form + "}"))
    for wrong in ['"crit"', '"very critical"', '"suspicious or critical"']:
        assert_fail(grade("json", {"schema": schema}, '{"level": ' + wrong + "}"), "schema_violation")


@pytest.mark.parametrize(
    ("text", "markup"),
    [
        ("### Overnight report\n- 23:12 cat", "a heading"),
        ("- **23:12** - cat on the fence", "bold or italic"),
        ("The cat at *23:12* on the fence.", "bold or italic"),
        ("```\n23:12 cat\n```", "code"),
        ("See [the clip](http://x/1).", "a link"),
        ("| time | event |\n|---|---|\n| 23:12 | cat |", "a table"),
        ("- 23:12 cat on the fence\n- 02:47 hoodie at the side gate", None),
        ("23:12 cat; 2 * 3 cameras; snake_case_name stays", None),
    ],
)
def test_plain_text_finds_markdown_not_a_hyphen_list(text: str, markup: str | None) -> None:
    from homesec_bench.graders.text import markdown_markup

    assert markdown_markup(text) == markup
