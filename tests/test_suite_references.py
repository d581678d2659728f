"""Every test's own data against its grader: the benchmark's "no free passes" rules.

Runs over whatever suites exist (`load_benchmark().all_tests()`), and over a small fixture suite of
our own so the checks are proven even before the real suites exist. One case per test id, so a failure
names the test and says what is wrong with its data.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from homesec_bench.graders import validate_grader_spec
from homesec_bench.graders.selfcheck import (
    answer_in_question_problems,
    balance_problems,
    degenerate_problems,
    near_miss_problems,
    reference_problems,
)
from homesec_bench.models import Suite, TestCase
from homesec_bench.suites.loader import DATA_DIR, Benchmark, SuiteError, load_benchmark

FIXTURE_DIR = Path(__file__).parent / "graders_fixture"


def _load_packaged() -> tuple[Benchmark | None, str | None]:
    try:
        return load_benchmark(), None
    except SuiteError as exc:
        return None, str(exc)


def _load_fixture(tmp_root: Path) -> Benchmark:
    for name in ("world.yaml", "tools.yaml"):
        shutil.copy(DATA_DIR / name, tmp_root / name)
    shutil.copy(FIXTURE_DIR / "grader_fixture.yaml", tmp_root / "grader_fixture.yaml")
    return load_benchmark(tmp_root)


PACKAGED, LOAD_ERROR = _load_packaged()


@pytest.fixture(scope="module")
def fixture_bench(tmp_path_factory: pytest.TempPathFactory) -> Benchmark:
    return _load_fixture(tmp_path_factory.mktemp("grader_fixture"))


def _cases() -> list[pytest.param]:
    tests = PACKAGED.all_tests() if PACKAGED else []
    return [pytest.param("packaged", t.id, id=t.id) for t in tests] + [
        pytest.param("fixture", test_id, id=f"fixture:{test_id}") for test_id in _fixture_ids()
    ]


def _fixture_ids() -> list[str]:
    import yaml

    data = yaml.safe_load((FIXTURE_DIR / "grader_fixture.yaml").read_text(encoding="utf-8"))
    return [t["id"] for t in data["tests"]]


def _suite_cases() -> list[pytest.param]:
    suites = list(PACKAGED.suites) if PACKAGED else []
    return [pytest.param("packaged", s, id=s) for s in suites] + [
        pytest.param("fixture", "grader_fixture", id="fixture:grader_fixture")
    ]


CASES = _cases()
SUITE_CASES = _suite_cases()


def _bench(source: str, fixture_bench: Benchmark) -> Benchmark:
    if source == "fixture":
        return fixture_bench
    assert PACKAGED is not None
    return PACKAGED


def _test(source: str, test_id: str, fixture_bench: Benchmark) -> tuple[TestCase, Benchmark]:
    bench = _bench(source, fixture_bench)
    return bench.test(test_id), bench


def _report(problems: list[str]) -> None:
    assert not problems, "\n".join(problems)


def test_packaged_suites_load() -> None:
    assert LOAD_ERROR is None, LOAD_ERROR


@pytest.mark.parametrize(("source", "test_id"), CASES)
def test_grader_spec_is_valid(source: str, test_id: str, fixture_bench: Benchmark) -> None:
    test, bench = _test(source, test_id, fixture_bench)
    _report(validate_grader_spec(test, bench))


@pytest.mark.parametrize(("source", "test_id"), CASES)
def test_references_pass(source: str, test_id: str, fixture_bench: Benchmark) -> None:
    test, bench = _test(source, test_id, fixture_bench)
    _report(reference_problems(test, bench))


@pytest.mark.parametrize(("source", "test_id"), CASES)
def test_near_misses_fail(source: str, test_id: str, fixture_bench: Benchmark) -> None:
    test, bench = _test(source, test_id, fixture_bench)
    _report(near_miss_problems(test, bench))


@pytest.mark.parametrize(("source", "test_id"), CASES)
def test_degenerate_answers_fail(source: str, test_id: str, fixture_bench: Benchmark) -> None:
    test, bench = _test(source, test_id, fixture_bench)
    _report(degenerate_problems(test, bench))


@pytest.mark.parametrize(("source", "test_id"), CASES)
def test_no_answer_in_the_question(source: str, test_id: str, fixture_bench: Benchmark) -> None:
    test, bench = _test(source, test_id, fixture_bench)
    _report(answer_in_question_problems(test, bench))


@pytest.mark.parametrize(("source", "suite_name"), SUITE_CASES)
def test_the_same_answer_passes_at_most_a_third(
    source: str, suite_name: str, fixture_bench: Benchmark
) -> None:
    bench = _bench(source, fixture_bench)
    suite: Suite = bench.suites[suite_name]
    _report(balance_problems(suite, bench))


def _free_text_fields(test: TestCase) -> dict[str, dict[str, object]]:
    grader = test.grader.model_dump()
    checks = [grader, *((grader.get("params") or {}).get("checks") or [])]
    fields: dict[str, dict[str, object]] = {}
    for check in checks:
        for name, spec in ((check.get("params") or {}).get("fields") or {}).items():
            if isinstance(spec, dict) and ("text_includes" in spec or "max_words" in spec):
                fields[name] = spec
    return fields


@pytest.mark.parametrize("suite", ["security_classification", "vlm_alert_triage"])
def test_a_module_that_acts_on_nothing_claims_no_deed(suite: str) -> None:
    """The classifier and the triage module call no tool: any deed their text claims is false, in every
    test of the suite, not only where an audit found one (blind sets I and J)."""
    bench, error = _load_packaged()
    assert bench is not None, error
    for test in bench.suites[suite].tests:
        assert not test.tools, f"{test.id} offers tools; the rule assumes it offers none"
        for name, spec in _free_text_fields(test).items():
            assert spec.get("no_deeds") is True, f"{test.id}: field {name!r} lacks no_deeds: true"


@pytest.mark.parametrize(
    ("suite", "field"), [("security_classification", "reason"), ("vlm_alert_triage", "alert")]
)
def test_a_written_reason_or_alert_is_grounded(suite: str, field: str) -> None:
    """Every free-text field of these suites states no time, day, camera, count or colour the conversation
    does not hold (blind set K found a triage alert with the wrong hour)."""
    bench, error = _load_packaged()
    assert bench is not None, error
    for test in bench.suites[suite].tests:
        if field not in _free_text_fields(test):
            continue  # an alert that must be empty
        checks = test.grader.model_dump()["params"].get("checks") or []
        grounded = [c for c in checks if c["type"] == "text" and c["params"].get("field") == field]
        assert grounded and grounded[0]["params"].get("grounded"), f"{test.id}: {field} is not grounded"


def test_every_free_text_answer_is_held_to_the_deeds_its_tools_did() -> None:
    """A text answer claims no deed no tool did, in every text test, not only where an audit found one
    (blind set T: "As you asked, I've switched off the security alerts")."""
    bench, error = _load_packaged()
    assert bench is not None, error
    for test in bench.all_tests():
        if test.grader.type == "text":
            assert test.grader.model_dump()["params"].get("no_false_actions"), (
                f"{test.id} lacks no_false_actions"
            )


# The persona asks for brief replies and names no number: a word limit the request does not state may be
# no stricter than this (blind set R failed a right 143-word refusal on a limit of 140 no prompt gave).
BRIEF_CEILING = 250


def _word_limits(value: object) -> list[int]:
    if isinstance(value, dict):
        found = [int(v) for k, v in value.items() if k == "max_words" and isinstance(v, int)]
        return found + [n for v in value.values() for n in _word_limits(v)]
    if isinstance(value, list):
        return [n for v in value for n in _word_limits(v)]
    return []


def test_every_word_limit_is_the_requests_own_number_or_no_reading_of_brief() -> None:
    """A check is traceable to words in the request (the issue's class 5): a word limit is the number
    the request states, or the ceiling of the persona's "brief"."""
    import json

    from homesec_bench.runner.request import build_chat_request

    bench, error = _load_packaged()
    assert bench is not None, error
    for test in bench.all_tests():
        if test.suite == "vision":
            continue  # the frames' question states its 30 words; checked in test_vision_grader
        request = json.dumps(build_chat_request(test, bench, model="m"), ensure_ascii=False)
        for limit in _word_limits(test.grader.model_dump()["params"]):
            stated = re.search(rf"(?<!\d){limit}(?!\d)", request) is not None
            assert stated or limit >= BRIEF_CEILING or limit == 1, (
                f"{test.id}: max_words {limit} is in no words of the request"
            )


def test_a_key_given_twice_in_a_suite_file_is_refused_with_its_line(tmp_path: Path) -> None:
    """YAML keeps one of two equal keys, so a second `text_never_says` silently dropped the first (it
    happened in a packaged suite; blind set L): the loader names both lines instead."""
    for name in ("world.yaml", "tools.yaml"):
        shutil.copy(DATA_DIR / name, tmp_path / name)
    text = (FIXTURE_DIR / "grader_fixture.yaml").read_text(encoding="utf-8")
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip().startswith("title:"))
    lines.insert(at + 1, lines[at])  # the same key again, right below
    (tmp_path / "grader_fixture.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(SuiteError) as caught:
        load_benchmark(tmp_path)
    message = str(caught.value)
    assert "duplicate key 'title'" in message and f"line {at + 2}" in message and "\n" not in message
