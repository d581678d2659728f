"""`leaderboard`, `compare` and `report`: read run directories, write comparisons. Thin wrappers."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from homesec_bench.cli.app import app
from homesec_bench.cli.exit_codes import ExitCode, fail, fail_for
from homesec_bench.reports.compare import ALPHA, compare_runs, print_comparison
from homesec_bench.reports.cost import PriceBook, load_prices
from homesec_bench.reports.html import write_report
from homesec_bench.reports.leaderboard import build_leaderboard, load_runs, render
from homesec_bench.reports.redact import Redactor
from homesec_bench.reports.summary import summarize
from homesec_bench.store import LoadedRun, load_run
from homesec_bench.store.files import write_text_atomic


class BoardFormat(StrEnum):
    md = "md"
    json = "json"
    csv = "csv"


PricesOpt = Annotated[
    Path | None,
    typer.Option(
        "--prices",
        help="A price file (USD per million tokens; format as the shipped reports/prices.yaml) laid over "
        "the shipped prices, for the cost column.",
    ),
]


def _prices(path: Path | None) -> PriceBook:
    try:
        return load_prices(path)
    except Exception as exc:
        fail_for(exc)


RunsArg = Annotated[
    list[Path],
    typer.Argument(help="Run directories, or folders holding run directories.", show_default=False),
]


def _warn_dropped(runs) -> None:
    for run in runs:
        for warning in run.warnings:
            typer.echo(f"warning: {warning}", err=True)


def _load_all(runs: list[Path], *, transcripts: bool = True) -> list[LoadedRun]:
    """Every run under the given paths, or one error line; warns about anything it dropped."""
    try:
        loaded = load_runs(runs, transcripts=transcripts)
    except Exception as exc:
        fail_for(exc)
    _warn_dropped(loaded)
    return loaded


def _cannot_write(out: Path, exc: OSError) -> NoReturn:
    fail(ExitCode.OUTPUT, f"cannot write {out} ({exc.strerror or exc}); choose a writable path with --out")


def _write(text: str, out: Path | None) -> None:
    if out is None:
        sys.stdout.write(text)
        return
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(out, text, fsync=False)
    except OSError as exc:
        _cannot_write(out, exc)
    typer.echo(f"wrote {out}", err=True)


@app.command("leaderboard")
def leaderboard_command(
    runs: RunsArg,
    format: Annotated[BoardFormat, typer.Option("--format", "-f", help="md, json or csv.")] = BoardFormat.md,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write to this file instead of stdout.")
    ] = None,
    prices: PricesOpt = None,
) -> None:
    """Rank runs by pass rate, with 95% intervals, ties ranked equal, and a performance table."""
    book = _prices(prices)
    loaded = _load_all(runs, transcripts=False)
    board = build_leaderboard([summarize(run) for run in loaded], book)
    _write(render(board, format.value, Redactor()), out)


@app.command("compare")
def compare_command(
    run_a: Annotated[Path, typer.Argument(help="The first run directory (A).", show_default=False)],
    run_b: Annotated[Path, typer.Argument(help="The second run directory (B).", show_default=False)],
    shared_only: Annotated[
        bool,
        typer.Option(
            "--shared-only", help="Compare only tests whose definitions are identical in both runs."
        ),
    ] = False,
    changed_only: Annotated[
        bool, typer.Option("--changed-only", help="List only tests whose outcome differs.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the comparison as JSON.")] = False,
    fail_if_worse: Annotated[
        bool,
        typer.Option(
            "--fail-if-worse",
            help="CI gate: exit 12 when B (the new run) is worse than A on the paired test at p < 0.05.",
        ),
    ] = False,
) -> None:
    """Two runs side by side, per test, with an exact McNemar test on the tests both graded.

    For CI pass the baseline as A and the new run as B with --fail-if-worse.
    """
    try:
        a, b = load_run(run_a), load_run(run_b)
        comparison = compare_runs(a, b, shared_only=shared_only)
    except Exception as exc:
        fail_for(exc)
    _warn_dropped([a, b])
    if as_json:
        sys.stdout.write(Redactor().clean(comparison.model_dump_json(indent=2)) + "\n")
    else:
        # Piped output would otherwise wrap at 80 columns and cut test ids.
        console = Console(highlight=False, width=None if sys.stdout.isatty() else 160)
        with console.capture() as captured:
            print_comparison(comparison, console, changed_only=changed_only)
        sys.stdout.write(Redactor().clean(captured.get()))
    if fail_if_worse and comparison.b_worse:
        sys.stdout.flush()
        fail(
            ExitCode.WORSE,
            f"{comparison.label_b} is worse than {comparison.label_a}: on {comparison.paired} shared tests "
            f"it lost {comparison.a_only_pass} and gained {comparison.b_only_pass} "
            f"(exact McNemar p = {comparison.p_value:.3g} < {ALPHA})",
        )


@app.command("report")
def report_command(
    runs: RunsArg,
    out: Annotated[Path, typer.Option("--out", "-o", help="The HTML file to write.", show_default=False)],
    title: Annotated[str, typer.Option("--title", help="The report's title.")] = "homesec-bench report",
    prices: PricesOpt = None,
) -> None:
    """One self-contained HTML report: leaderboard, charts, and every transcript with filters."""
    book = _prices(prices)
    loaded = _load_all(runs)
    try:
        path = write_report(loaded, out, title=title, prices=book)
    except OSError as exc:
        _cannot_write(out, exc)
    typer.echo(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB, {len(loaded)} run(s))", err=True)
