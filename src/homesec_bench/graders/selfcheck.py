"""Checks a test's own data against its grader: the "no free passes" rules of the benchmark.

Used by the test suite (one parametrized case per test id) and usable by anyone writing a suite:
`test_problems(test, bench)` and `balance_problems(suite, bench)` return readable problems, empty when fine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from homesec_bench.graders import grade_answer, validate_grader_spec
from homesec_bench.graders.degenerate import DEGENERATE_NAMES, degenerate_answers, prompt_text
from homesec_bench.graders.label import labels_named
from homesec_bench.graders.normalize import label_key
from homesec_bench.models import Suite, TestCase

if TYPE_CHECKING:
    from homesec_bench.suites.loader import Benchmark


def reference_problems(test: TestCase, bench: Benchmark) -> list[str]:
    problems = []
    for n, answer in enumerate(test.reference):
        verdict = grade_answer(test, answer, bench)
        if not verdict.passed:
            problems.append(f"{test.id}: reference {n} fails: {verdict.reason} [{verdict.error_type}]")
    return problems


def near_miss_problems(test: TestCase, bench: Benchmark) -> list[str]:
    problems = []
    for n, miss in enumerate(test.near_misses):
        answer = miss.model_copy()
        verdict = grade_answer(test, answer, bench)
        if verdict.passed:
            problems.append(f"{test.id}: near miss {n} ({miss.why}) passes: {verdict.reason}")
        elif verdict.error_type == "grader_error":
            problems.append(f"{test.id}: near miss {n} breaks the grader: {verdict.reason}")
    return problems


def degenerate_problems(test: TestCase, bench: Benchmark) -> list[str]:
    problems = [
        f"{test.id}: degenerate_ok names {name!r}; known: {', '.join(DEGENERATE_NAMES)}"
        for name in test.degenerate_ok
        if name not in DEGENERATE_NAMES
    ]
    for name, answer in degenerate_answers(test, bench).items():
        verdict = grade_answer(test, answer, bench)
        if verdict.passed and name not in test.degenerate_ok:
            problems.append(f"{test.id}: the degenerate answer {name!r} passes ({verdict.reason})")
        if not verdict.passed and name in test.degenerate_ok:
            problems.append(f"{test.id}: {name!r} is in degenerate_ok but fails ({verdict.reason})")
        if verdict.error_type == "grader_error":
            problems.append(f"{test.id}: the degenerate answer {name!r} breaks the grader: {verdict.reason}")
    return problems


def label_expectations(params: Any, depth: int = 0) -> list[tuple[str, list[str]]]:
    """(expected label, closed set) for every label grader and json `label` field in grader params."""
    found: list[tuple[str, list[str]]] = []
    if depth > 20:
        return found
    if isinstance(params, dict):
        labels = params.get("labels")
        if isinstance(labels, list):
            want = params.get("label", params.get("expected"))
            if isinstance(want, str):
                found.append((want, [str(x) for x in labels]))
        for value in params.values():
            found += label_expectations(value, depth + 1)
    elif isinstance(params, list):
        for item in params:
            found += label_expectations(item, depth + 1)
    return found


def answer_in_question_problems(test: TestCase, bench: Benchmark) -> list[str]:
    """The expected label must not be the only label the conversation (system prompt aside) names."""
    text = prompt_text(test, ("user", "assistant", "tool"))
    problems = []
    for want, labels in label_expectations(test.grader.params):
        named = labels_named(text, labels)
        if len(named) == 1 and label_key(named[0]) == label_key(want):
            problems.append(
                f"{test.id}: the expected label {want!r} is the only label the prompt names; "
                "copying the prompt would pass"
            )
    return problems


def test_problems(test: TestCase, bench: Benchmark) -> list[str]:
    """Every problem with one test: spec, references, near misses, degenerate answers, answer in question."""
    spec = validate_grader_spec(test, bench)
    if spec:
        return spec
    return (
        reference_problems(test, bench)
        + near_miss_problems(test, bench)
        + degenerate_problems(test, bench)
        + answer_in_question_problems(test, bench)
    )


test_problems.__test__ = False  # type: ignore[attr-defined]  # a library function, not a pytest test


def balance_limit(n: int) -> int:
    return max(1, n // 3)


def balance_problems(suite: Suite, bench: Benchmark) -> list[str]:
    """Each test's first reference, given as the answer to every test of the suite, passes at most
    max(1, n // 3) of them: always giving the same answer passes at most a third."""
    limit = balance_limit(len(suite.tests))
    problems = []
    for source in suite.tests:
        answer = source.reference[0]
        passed = [t.id for t in suite.tests if grade_answer(t, answer, bench).passed]
        if len(passed) > limit:
            problems.append(
                f"{suite.name}: the reference of {source.id} passes {len(passed)} tests "
                f"(at most {limit} allowed): {', '.join(passed)}"
            )
    return problems
