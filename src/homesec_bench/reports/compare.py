"""Two runs side by side, test by test, with an exact McNemar test on the tests both graded.

Pairing: McNemar needs one paired pass/fail per test. With one attempt per test that is the outcome;
with several attempts a test counts as passed when it passed on a strict majority of its graded
attempts (so runs with different --repeat still pair one-to-one, and repeats are never treated as
independent tests, which would overstate significance). Tests with no graded attempt on either side
(errors only) are left out of the test and listed.

Runs of different benchmark versions or hashes are refused: a test that changed between versions is a
different question. `shared_only=True` compares only the tests whose definitions hash identically.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, Field
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from homesec_bench import stats
from homesec_bench.client.text import printable
from homesec_bench.models import TestResult
from homesec_bench.reports import fmt
from homesec_bench.reports.summary import RunSummary, suite_rank, summarize
from homesec_bench.store import LoadedRun

Change = Literal["same pass", "same fail", "fixed", "regressed", "error", "only in A", "only in B"]
ALPHA = 0.05


class CompareError(ValueError):
    """Two runs that cannot be compared as asked; the message says why and what to do."""


class TestSide(BaseModel):
    __test__ = False

    outcome: str = Field(description="pass / fail / error, or 'k/n passed' with repeats.")
    passed: int = 0
    graded: int = 0
    errors: int = 0
    reason: str = ""

    @property
    def paired_pass(self) -> bool | None:
        return None if self.graded == 0 else self.passed * 2 > self.graded


class TestComparison(BaseModel):
    test_id: str
    suite: str
    a: TestSide | None = None
    b: TestSide | None = None
    change: Change


class Comparison(BaseModel):
    label_a: str
    label_b: str
    run_a: str
    run_b: str
    shared_only: bool = False
    excluded_changed: list[str] = Field(
        default_factory=list, description="Tests left out because their definitions differ."
    )
    tests: list[TestComparison]
    paired: int = Field(description="Tests graded on both sides: the McNemar sample.")
    both_pass: int = 0
    both_fail: int = 0
    a_only_pass: int = Field(0, description="b: passed in A, failed in B.")
    b_only_pass: int = Field(0, description="c: failed in A, passed in B.")
    p_value: float = 1.0
    rate_a: float | None = None
    rate_b: float | None = None
    summary_a: RunSummary
    summary_b: RunSummary
    verdict: str = ""

    @property
    def b_worse(self) -> bool:
        """B lost more shared tests than it gained, and the paired test says it is not chance."""
        return self.a_only_pass > self.b_only_pass and self.p_value < ALPHA


def compare_runs(run_a: LoadedRun, run_b: LoadedRun, shared_only: bool = False) -> Comparison:
    info_a, info_b = run_a.info, run_b.info
    same_benchmark = (
        info_a.benchmark_version == info_b.benchmark_version
        and info_a.benchmark_hash == info_b.benchmark_hash
    )
    results_a = _by_test(run_a.final_results())
    results_b = _by_test(run_b.final_results())
    excluded: list[str] = []
    if not same_benchmark:
        if not shared_only:
            raise CompareError(
                f"the runs used different benchmarks (A: version {info_a.benchmark_version}, hash "
                f"{info_a.benchmark_hash[:12]}; B: version {info_b.benchmark_version}, hash "
                f"{info_b.benchmark_hash[:12]}); rerun both on one version, or pass --shared-only to "
                "compare only the tests whose definitions are identical"
            )
        keep = {
            test_id
            for test_id, digest in info_a.test_hashes.items()
            if digest and info_b.test_hashes.get(test_id) == digest
        }
        excluded = sorted((set(results_a) | set(results_b)) - keep)
        results_a = {k: v for k, v in results_a.items() if k in keep}
        results_b = {k: v for k, v in results_b.items() if k in keep}
        if not results_a or not results_b:
            raise CompareError(
                "the runs share no test with an identical definition (test hashes differ or are missing); "
                "rerun both on the same benchmark version"
            )

    rows: list[TestComparison] = []
    counts = {"both_pass": 0, "both_fail": 0, "a_only": 0, "b_only": 0}
    for test_id in sorted(set(results_a) | set(results_b), key=lambda t: _order(t, results_a, results_b)):
        side_a = _side(results_a.get(test_id))
        side_b = _side(results_b.get(test_id))
        suite = (results_a.get(test_id) or results_b[test_id])[0].suite
        change = _change(side_a, side_b)
        rows.append(TestComparison(test_id=test_id, suite=suite, a=side_a, b=side_b, change=change))
        key = {"same pass": "both_pass", "same fail": "both_fail", "regressed": "a_only", "fixed": "b_only"}
        if change in key:
            counts[key[change]] += 1

    summary_a, summary_b = summarize(run_a), summarize(run_b)
    label_a, label_b = summary_a.label, summary_b.label
    if label_a == label_b:
        label_a, label_b = f"{label_a} [{info_a.run_id}]", f"{label_b} [{info_b.run_id}]"
    b, c = counts["a_only"], counts["b_only"]
    paired = sum(counts.values())
    p_value = stats.mcnemar_exact(b, c)
    rate_a = (counts["both_pass"] + b) / paired if paired else None
    rate_b = (counts["both_pass"] + c) / paired if paired else None
    return Comparison(
        label_a=label_a,
        label_b=label_b,
        run_a=str(run_a.path),
        run_b=str(run_b.path),
        shared_only=shared_only and not same_benchmark,
        excluded_changed=excluded,
        tests=rows,
        paired=paired,
        both_pass=counts["both_pass"],
        both_fail=counts["both_fail"],
        a_only_pass=b,
        b_only_pass=c,
        p_value=p_value,
        rate_a=rate_a,
        rate_b=rate_b,
        summary_a=summary_a,
        summary_b=summary_b,
        verdict=_verdict(label_a, label_b, b, c, p_value, paired),
    )


def _by_test(results: Sequence[TestResult]) -> dict[str, list[TestResult]]:
    grouped: dict[str, list[TestResult]] = defaultdict(list)
    for result in results:
        grouped[result.test_id].append(result)
    for items in grouped.values():
        items.sort(key=lambda r: r.attempt)
    return dict(grouped)


def _order(test_id: str, *groups: dict[str, list[TestResult]]) -> tuple[tuple[int, str], str]:
    suite = next(g[test_id][0].suite for g in groups if test_id in g)
    return (suite_rank(suite), test_id)


def _side(results: list[TestResult] | None) -> TestSide | None:
    if not results:
        return None
    passed = sum(r.outcome == "pass" for r in results)
    failed = sum(r.outcome == "fail" for r in results)
    errors = sum(r.outcome == "error" for r in results)
    outcome: str
    if len(results) == 1:
        outcome = results[0].outcome
    else:
        outcome = f"{passed}/{passed + failed} passed" + (f", {errors} errors" if errors else "")
    # The reason most worth reading: the first failure, else the first error, else the first pass.
    pick = next(
        (r for kind in ("fail", "error", "pass") for r in results if r.outcome == kind),
        results[0],
    )
    reason = printable(pick.reason)
    return TestSide(outcome=outcome, passed=passed, graded=passed + failed, errors=errors, reason=reason)


def _change(a: TestSide | None, b: TestSide | None) -> Change:
    if a is None:
        return "only in B"
    if b is None:
        return "only in A"
    pa, pb = a.paired_pass, b.paired_pass
    if pa is None or pb is None:
        return "error"
    if pa and pb:
        return "same pass"
    if not pa and not pb:
        return "same fail"
    return "regressed" if pa else "fixed"


def _verdict(label_a: str, label_b: str, b: int, c: int, p: float, paired: int) -> str:
    if paired == 0:
        return "No test was graded on both sides, so the runs cannot be compared."
    lead = (
        f"On {paired} shared tests, {label_a} alone passed {b} and {label_b} alone passed {c}; "
        f"exact McNemar p = {p:.3g}."
    )
    if b == c:
        return lead + " Neither run is ahead."
    better = label_a if b > c else label_b
    if p < ALPHA:
        return lead + f" {better} is ahead, and the difference is unlikely to be chance (p < {ALPHA})."
    return lead + f" {better} is ahead, but the difference is within the noise (p ≥ {ALPHA}): not separable."


# --------------------------------------------------------------------------------------------- output


def print_comparison(comparison: Comparison, console: Console, changed_only: bool = False) -> None:
    a, b = comparison.summary_a, comparison.summary_b
    head = Table(title="Runs compared")
    head.add_column("")
    head.add_column("A")
    head.add_column("B")
    head.add_row("model", escape(comparison.label_a), escape(comparison.label_b))
    head.add_row("type", a.locality, b.locality)
    head.add_row("run", escape(a.run_id), escape(b.run_id))
    head.add_row(
        "pass rate (own tests)",
        f"{fmt.pct(a.overall.pass_rate)} ({fmt.ci(a.overall.ci_low, a.overall.ci_high)})",
        f"{fmt.pct(b.overall.pass_rate)} ({fmt.ci(b.overall.ci_low, b.overall.ci_high)})",
    )
    head.add_row("pass rate (shared tests)", fmt.pct(comparison.rate_a), fmt.pct(comparison.rate_b))
    head.add_row("errors", str(a.overall.errors), str(b.overall.errors))
    head.add_row("total time", fmt.duration(a.total_time_s), fmt.duration(b.total_time_s))
    head.add_row(
        "TTFT avg / p95",
        f"{fmt.ms(a.ttft.avg)} / {fmt.ms(a.ttft.p95)}",
        f"{fmt.ms(b.ttft.avg)} / {fmt.ms(b.ttft.p95)}",
    )
    head.add_row("decode", fmt.tps(a.decode_tps.avg), fmt.tps(b.decode_tps.avg))
    console.print(head)

    table = Table(title="Per test")
    for column in ("Test", "A", "B", "Change", "Reason (where it differs)"):
        table.add_column(column)
    style = {"fixed": "green", "regressed": "red", "error": "yellow"}
    shown = 0
    for row in comparison.tests:
        if changed_only and row.change in ("same pass", "same fail"):
            continue
        shown += 1
        reason = ""
        if row.change in ("fixed", "regressed", "error"):
            side = row.b if row.change == "regressed" else row.a
            reason = side.reason if side else ""
        change = escape(row.change)
        if row.change in style:
            change = f"[{style[row.change]}]{change}[/{style[row.change]}]"
        table.add_row(
            escape(row.test_id),
            escape(row.a.outcome if row.a else "—"),
            escape(row.b.outcome if row.b else "—"),
            change,
            escape(reason),
        )
    if shown:
        console.print(table)
    elif changed_only:
        console.print("No test changed outcome.")
    if comparison.excluded_changed:
        console.print(
            escape(
                f"Left out ({len(comparison.excluded_changed)} tests whose definitions differ between "
                f"the runs): {', '.join(comparison.excluded_changed)}"
            )
        )
    errors = [row.test_id for row in comparison.tests if row.change == "error"]
    if errors:
        console.print(escape(f"Not paired (errors only on one side): {', '.join(errors)}"))
    console.print(
        escape(
            f"Both passed {comparison.both_pass}, both failed {comparison.both_fail}, "
            f"only A passed {comparison.a_only_pass}, only B passed {comparison.b_only_pass}."
        )
    )
    console.print("[bold]" + escape(comparison.verdict) + "[/bold]")
