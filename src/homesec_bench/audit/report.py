"""The audit's text report: agreement per suite, then every disagreement and decision in one line each."""

from __future__ import annotations

import re

from homesec_bench.audit.agreement import AuditCase, AuditReport, SuiteAgreement

# Audit answers are our own data, but a reason quotes the answer: keep the terminal safe all the same.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def safe_line(text: str) -> str:
    return _CONTROL.sub("?", " ".join(text.split()))


def _row(row: SuiteAgreement) -> str:
    return (
        f"{row.suite:<26} {row.answers:>7} {row.agree:>6} {100 * row.rate:>8.1f}% "
        f"{row.false_passes:>11} {row.false_fails:>11}"
    )


def _case_line(case: AuditCase) -> str:
    verdict = "PASS" if case.passed else "FAIL"
    label = "right" if case.expected_pass else "wrong"
    settled = f" [{case.decision.decision}: {case.decision.why}]" if case.decision else ""
    return safe_line(f"{case.answer.key}: labelled {label}, graded {verdict} — {case.reason}{settled}")


def render_audit(report: AuditReport, *, show_disagreements: bool = False) -> str:
    header = ("suite", "answers", "agree", "agreement", "false pass", "false fail")
    lines = ["{:<26} {:>7} {:>6} {:>9} {:>11} {:>11}".format(*header)]
    lines += [_row(row) for row in report.per_suite()]
    lines.append(_row(report.total()))
    kinds = [c.decision.decision for c in report.cases if c.decision is not None]
    lines.append(
        f"settled by decisions.yaml: {kinds.count('label_wrong')} label wrong, "
        f"{kinds.count('grader_wrong')} grader wrong, {kinds.count('void')} void; "
        f"{kinds.count('grader_fixed')} graded wrongly before the grader was fixed"
    )
    for key in report.unknown_tests:
        lines.append(f"unknown test: {key}")
    for key in report.stale_decisions:
        lines.append(f"decision for an answer that does not exist: {key}")
    if show_disagreements:
        lines += [_case_line(c) for c in report.disagreements]
    elif report.disagreements:
        lines.append(f"{len(report.disagreements)} disagreements; --show lists them")
    return "\n".join(lines) + "\n"
