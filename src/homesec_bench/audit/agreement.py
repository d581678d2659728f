"""Grade every audit answer and compare the verdict with its label."""

from __future__ import annotations

from dataclasses import dataclass, field

from homesec_bench.audit.answers import AuditAnswer, AuditSet, Decision
from homesec_bench.graders import grade_answer
from homesec_bench.suites.loader import Benchmark


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


def audit_agreement(audit: AuditSet, bench: Benchmark) -> AuditReport:
    report = AuditReport()
    known = {t.id: t for t in bench.all_tests()}
    seen_keys = set()
    for answer in audit.answers:
        test = known.get(answer.test_id)
        if test is None:
            report.unknown_tests.append(answer.key)
            continue
        seen_keys.add(answer.key)
        verdict = grade_answer(test, answer.answer, bench)
        report.cases.append(
            AuditCase(
                answer=answer,
                passed=verdict.passed,
                reason=verdict.reason,
                decision=audit.decisions.get(answer.key),
            )
        )
    report.stale_decisions = sorted(k for k in audit.decisions if k not in seen_keys)
    return report
