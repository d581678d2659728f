"""Grade every audit answer and compare the verdict with its label."""

from __future__ import annotations

import multiprocessing
import pickle
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from homesec_bench.audit.answers import AuditAnswer, AuditSet, Decision
from homesec_bench.graders import grade_answer
from homesec_bench.models import ModelAnswer
from homesec_bench.suites.loader import Benchmark

# Below this many answers a worker process costs more (start-up, loading the benchmark) than it saves.
_MIN_PARALLEL = 400


@dataclass(frozen=True)
class AuditCase:
    answer: AuditAnswer
    passed: bool
    reason: str
    decision: Decision | None

    @property
    def expected_pass(self) -> bool:
        """The settled label: a `label_wrong` decision flips what the writer said."""
        right = self.answer.label == "right"
        if self.decision is not None and self.decision.decision == "label_wrong":
            right = not right
        return right

    @property
    def void(self) -> bool:
        return self.decision is not None and self.decision.decision == "void"

    @property
    def agrees(self) -> bool:
        return self.passed == self.expected_pass


@dataclass
class SuiteAgreement:
    suite: str
    answers: int = 0
    agree: int = 0
    false_passes: int = 0
    false_fails: int = 0

    @property
    def rate(self) -> float:
        return self.agree / self.answers if self.answers else 1.0


@dataclass
class AuditReport:
    cases: list[AuditCase] = field(default_factory=list)
    unknown_tests: list[str] = field(default_factory=list)
    stale_decisions: list[str] = field(default_factory=list)

    @property
    def counted(self) -> list[AuditCase]:
        return [c for c in self.cases if not c.void]

    @property
    def disagreements(self) -> list[AuditCase]:
        return [c for c in self.counted if not c.agrees]

    def per_suite(self) -> list[SuiteAgreement]:
        table: dict[str, SuiteAgreement] = {}
        for case in self.counted:
            suite = case.answer.test_id.split(".", 1)[0]
            row = table.setdefault(suite, SuiteAgreement(suite))
            row.answers += 1
            row.agree += case.agrees
            row.false_passes += case.passed and not case.expected_pass
            row.false_fails += (not case.passed) and case.expected_pass
        return [table[k] for k in sorted(table)]

    def total(self) -> SuiteAgreement:
        total = SuiteAgreement("total")
        for row in self.per_suite():
            total.answers += row.answers
            total.agree += row.agree
            total.false_passes += row.false_passes
            total.false_fails += row.false_fails
        return total


def audit_agreement(audit: AuditSet, bench: Benchmark, workers: int = 1) -> AuditReport:
    """Every answer graded and set against its label. `workers` > 1 grades in that many processes (the
    verdicts are the same: grading is a pure function of test, answer and benchmark)."""
    report = AuditReport()
    known = {t.id: t for t in bench.all_tests()}
    graded = [a for a in audit.answers if a.test_id in known]
    report.unknown_tests = [a.key for a in audit.answers if a.test_id not in known]
    jobs = [(a.test_id, a.answer) for a in graded]
    for answer, (passed, reason) in zip(graded, _grade(jobs, bench, workers), strict=True):
        report.cases.append(
            AuditCase(answer=answer, passed=passed, reason=reason, decision=audit.decisions.get(answer.key))
        )
    seen_keys = {a.key for a in graded}
    report.stale_decisions = sorted(k for k in audit.decisions if k not in seen_keys)
    return report


def _grade(jobs: list[tuple[str, ModelAnswer]], bench: Benchmark, workers: int) -> list[tuple[bool, str]]:
    if workers <= 1 or len(jobs) < _MIN_PARALLEL:
        return _grade_chunk(bench, jobs)
    # Each worker takes whole tests, so each reads a conversation once (its readings are cached).
    order = sorted(range(len(jobs)), key=lambda i: jobs[i][0])
    size = -(-len(jobs) // workers)
    chunks = [[jobs[i] for i in order[n : n + size]] for n in range(0, len(jobs), size)]
    # Spawned, not forked: a fork copies whatever threads and locks the caller holds (a test runner's, a
    # sweep's), and the benchmark travels pickled once per worker.
    context = multiprocessing.get_context("spawn")
    frozen = pickle.dumps(bench)
    with ProcessPoolExecutor(max_workers=len(chunks), mp_context=context) as pool:
        parts = pool.map(_grade_pickled, [frozen] * len(chunks), chunks)
        verdicts = [verdict for part in parts for verdict in part]
    out: list[tuple[bool, str]] = [(False, "")] * len(jobs)
    for i, verdict in zip(order, verdicts, strict=True):
        out[i] = verdict
    return out


def _grade_pickled(frozen: bytes, jobs: list[tuple[str, ModelAnswer]]) -> list[tuple[bool, str]]:
    return _grade_chunk(pickle.loads(frozen), jobs)


def _grade_chunk(bench: Benchmark, jobs: list[tuple[str, ModelAnswer]]) -> list[tuple[bool, str]]:
    known = {t.id: t for t in bench.all_tests()}
    out = []
    for test_id, answer in jobs:
        verdict = grade_answer(known[test_id], answer, bench)
        out.append((verdict.passed, verdict.reason))
    return out
