"""The table the CLI prints after a run."""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from homesec_bench.reports import fmt
from homesec_bench.reports.summary import PassStats, RunSummary

_MAX_ERRORS_LISTED = 20
_MAX_FAILED_LISTED = 60


def print_run_summary(summary: RunSummary, console: Console) -> None:
    repeat = summary.repeat
    # Compact on purpose: the longest suite name plus every column still fits an 80-column terminal.
    table = Table(
        title=escape(f"{summary.label} — {summary.locality} — run {summary.run_id}"),
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        show_edge=False,
        collapse_padding=True,
    )
    table.add_column("Suite", no_wrap=True)
    table.add_column("Tests", justify="right", no_wrap=True)
    table.add_column("Pass", justify="right", no_wrap=True)
    table.add_column("Fail", justify="right", no_wrap=True)
    table.add_column("Err", justify="right", no_wrap=True)
    table.add_column("Rate", justify="right", no_wrap=True)
    table.add_column("95% CI", justify="right", no_wrap=True)
    if repeat > 1:
        table.add_column(f"pass^{repeat}", justify="right", no_wrap=True, min_width=len(f"pass^{repeat}"))
    for suite in summary.suites:
        table.add_row(*_row(suite, repeat))
    table.add_section()
    table.add_row(*_row(summary.overall, repeat, bold=True))
    console.print(table)
    if repeat > 1:
        # Tests and attempts are different counts: say which column holds which.
        overall = summary.overall
        attempts = overall.passed + overall.failed + overall.errors
        console.print(
            escape(
                f"Tests counts tests; Pass, Fail, Err count attempts ({overall.tests} tests × {repeat} = "
                f"{attempts} attempts)"
            )
        )

    ttft, first, decode = summary.ttft, summary.first_output, summary.decode_tps
    lines = [
        f"Total time: {fmt.duration(summary.total_time_s)}",
        f"TTFT: avg {fmt.ms(ttft.avg)}, p95 {fmt.ms(ttft.p95)} (N={ttft.n})"
        f"; first output avg {fmt.ms(first.avg)} (N={first.n})",
        f"Decode: mean {fmt.tps(decode.avg)} (N={decode.n})",
        f"Tokens: {_prompt_count(summary)} in, {fmt.count(summary.output_tokens)} out" + _token_note(summary),
        f"Peak memory: {summary.memory_text}",
        f"Energy: {summary.energy_text}",
    ]
    for line in lines:
        console.print(escape(line))
    if summary.overall.flaky:
        console.print(escape(f"Flaky ({len(summary.overall.flaky)}): {_listed(summary.overall.flaky, 20)}"))
    for param, tests in summary.server_defaults.items():
        which = "every test" if len(tests) >= summary.overall.tests else _listed(tests)
        console.print(
            "[yellow]"
            + escape(
                f"Ran with the server default for {param} in {len(tests)} test(s) ({which}): the endpoint "
                "rejected the parameter, so this is an API limitation, not the model's."
            )
            + "[/yellow]"
        )
    if summary.errors:
        kinds = ", ".join(f"{kind} {n}" for kind, n in summary.errors_by_kind.items())
        console.print("[red]" + escape(f"Errors (not counted in the pass rate): {kinds}") + "[/red]")
        for item in summary.errors[:_MAX_ERRORS_LISTED]:
            attempt = f" #{item.attempt}" if repeat > 1 else ""
            console.print(escape(f"  {item.test_id}{attempt}: {item.kind}: {item.message}"))
        if len(summary.errors) > _MAX_ERRORS_LISTED:
            console.print(escape(f"  ... and {len(summary.errors) - _MAX_ERRORS_LISTED} more"))
    failed = failed_tests(summary)
    if failed:
        # Whole ids, one a line: each can be passed straight to `run --test` or found in the report.
        console.print("[red]" + escape(f"Failed tests ({len(failed)}):") + "[/red]")
        for test_id, (passed, graded) in failed[:_MAX_FAILED_LISTED]:
            tally = f" ({passed}/{graded} attempts passed)" if graded > 1 else ""
            console.print(escape(f"  {test_id}{tally}"), soft_wrap=True)
        if len(failed) > _MAX_FAILED_LISTED:
            console.print(escape(f"  ... and {len(failed) - _MAX_FAILED_LISTED} more (see the report)"))
    for note in summary.notes:
        console.print("[dim]" + escape(f"Note: {note}") + "[/dim]")


def failed_tests(summary: RunSummary) -> list[tuple[str, tuple[int, int]]]:
    """Tests that failed on at least one graded attempt, in suite order, with (passed, graded)."""
    return [(t, pg) for t, pg in summary.per_test.items() if pg[1] and pg[0] < pg[1]]


def _listed(items: list[str], limit: int = 8) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _row(stats: PassStats, repeat: int, bold: bool = False) -> list[str]:
    cells = [stats.suite, str(stats.tests)]
    cells += [
        str(stats.passed),
        str(stats.failed),
        str(stats.errors),
        fmt.pct(stats.pass_rate),
        fmt.ci(stats.ci_low, stats.ci_high),
    ]
    if repeat > 1:
        cells.append(fmt.pct(stats.pass_hat_n))
    cells = [escape(c) for c in cells]
    return [f"[bold]{c}[/bold]" for c in cells] if bold else cells


def _prompt_count(summary: RunSummary) -> str:
    if summary.prompt_tokens is None:
        return "unknown"
    unknown = summary.requests_without_prompt_counts
    return fmt.count(summary.prompt_tokens) + (f" (unknown for {unknown} request(s))" if unknown else "")


def _token_note(summary: RunSummary) -> str:
    missing = summary.requests_without_token_counts
    sources = ", ".join(f"{k} {v}" for k, v in sorted(summary.output_token_sources.items()))
    note = f" (counts from: {sources})" if sources else ""
    if missing:
        note += f"; {missing} request(s) had no token count"
    return note
