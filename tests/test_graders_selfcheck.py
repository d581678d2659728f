"""The self-checks catch flawed test data, and the degenerate answers are what they claim to be."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from homesec_bench.graders.degenerate import REFUSAL, degenerate_answers
from homesec_bench.graders.schema import first_violation
from homesec_bench.graders.selfcheck import balance_problems, test_problems
from homesec_bench.suites.loader import DATA_DIR, Benchmark, load_benchmark

FIXTURE_DIR = Path(__file__).parent / "graders_fixture"


def _load(tmp: Path, name: str) -> Benchmark:
    for data in ("world.yaml", "tools.yaml"):
        shutil.copy(DATA_DIR / data, tmp / data)
    shutil.copy(FIXTURE_DIR / name, tmp / name)
    return load_benchmark(tmp)


@pytest.fixture(scope="module")
def flawed(tmp_path_factory: pytest.TempPathFactory) -> Benchmark:
    return _load(tmp_path_factory.mktemp("flawed"), "flawed_fixture.yaml")


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> Benchmark:
    return _load(tmp_path_factory.mktemp("good"), "grader_fixture.yaml")


@pytest.mark.parametrize(
    ("test_id", "needle"),
    [
        ("flawed.reference_fails", "reference 0 fails"),
        ("flawed.near_miss_passes", "near miss 0"),
        ("flawed.echo_passes", "degenerate answer 'echo' passes"),
        ("flawed.answer_in_question", "only label the prompt names"),
        ("flawed.bad_spec", "unknown expectation key"),
        ("flawed.degenerate_ok_wrong", "'refusal' is in degenerate_ok but fails"),
        ("flawed.degenerate_ok_wrong", "degenerate_ok names 'silence'"),
    ],
)
def test_each_flaw_is_reported(flawed: Benchmark, test_id: str, needle: str) -> None:
    problems = test_problems(flawed.test(test_id), flawed)
    assert any(needle in p and test_id in p for p in problems), problems


def test_balance_catches_one_answer_passing_too_many(flawed: Benchmark) -> None:
    # '{"level": "normal"}' passes the three tests expecting "normal"; the limit is 6 // 3 = 2.
    problems = balance_problems(flawed.suites["flawed"], flawed)
    assert any("reference of flawed.bad_spec passes 3 tests" in p for p in problems), problems


def test_the_good_fixture_has_no_problems(good: Benchmark) -> None:
    for test in good.all_tests():
        assert test_problems(test, good) == []
    assert balance_problems(good.suites["grader_fixture"], good) == []


def test_degenerate_answers_are_what_they_claim(good: Benchmark) -> None:
    test = good.test("grader_fixture.tool_search_nickname")
    answers = degenerate_answers(test, good)
    assert set(answers) == {
        "empty",
        "refusal",
        "echo",
        "echo_conversation",
        "keyword_salad",
        "json_all_keys",
        "call_every_tool",
    }
    assert answers["empty"].content == "" and not answers["empty"].tool_calls
    assert answers["refusal"].content == REFUSAL
    assert answers["echo"].content == test.messages[-1].content
    pasted = answers["echo_conversation"].content
    assert all(
        m.content in pasted for m in test.messages if m.role != "system" and isinstance(m.content, str)
    )
    salad = answers["keyword_salad"].content
    for word in [
        "critical",
        "siren",
        "cam_nursery",
        "the garden cam",
        "Side Gate",
        "unlock_door",
        "different",
        "Soot",
        "Maja Lindqvist",
    ]:
        assert word in salad
    calls = answers["call_every_tool"].tool_calls
    assert [c.name for c in calls] == test.tools
    for c in calls:  # plausible: every call is valid for its tool's schema
        assert first_violation(c.arguments, good.tools[c.name]["parameters"]) is None


def test_json_all_keys_fills_every_named_field(good: Benchmark) -> None:
    answers = degenerate_answers(good.test("grader_fixture.all_rule"), good)
    value = json.loads(answers["json_all_keys"].content)
    assert set(value) == {"channels", "held"}
    assert {"push", "chat", "sms", "cam_driveway"} <= set(value["channels"])
    assert value["held"] is None
    label_test = degenerate_answers(good.test("grader_fixture.json_courier"), good)
    obj = json.loads(label_test["json_all_keys"].content)
    assert all(level in obj["level"] for level in ["normal", "monitor", "suspicious", "critical"])
    assert "call_every_tool" not in label_test  # the test offers no tools


def test_json_all_keys_builds_nested_paths() -> None:
    from homesec_bench.graders.degenerate import _set_path

    root: dict = {}
    _set_path(root, "alerts.1.channels", ["push"])
    _set_path(root, "alerts.1.level", "x")
    _set_path(root, "summary.text", "y")
    assert root == {"alerts": [None, {"channels": ["push"], "level": "x"}], "summary": {"text": "y"}}
