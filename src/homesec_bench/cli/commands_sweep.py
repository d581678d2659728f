"""`homesec-bench sweep`: many runs from one YAML file. Parses flags and prints; homesec_bench.sweep works."""

from __future__ import annotations

import sys
import threading
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from homesec_bench.cli.app import app
from homesec_bench.cli.exit_codes import ExitCode, exit_code_for, fail, fail_for
from homesec_bench.client.text import printable
from homesec_bench.reports import fmt
from homesec_bench.sweep import (
    PlannedRun,
    Sweep,
    SweepHooks,
    SweepResult,
    make_executor,
    open_sweep,
    plan_status,
    run_sweep,
)

err_console = Console(stderr=True, highlight=False)


def _console() -> Console:
    # Piped output would otherwise wrap the tables at 80 columns and cut run names.
    return Console(highlight=False, width=None if sys.stdout.isatty() else 200)


class ExecutorName(StrEnum):
    local = "local"
    ray = "ray"


@app.command("sweep")
def sweep_command(
    file: Annotated[
        Path | None,
        typer.Argument(help="The sweep file (YAML); leave it out with --resume DIR.", show_default=False),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="The sweep folder (default: sweeps/<time>-<name>); run again to resume."),
    ] = None,
    resume: Annotated[
        Path | None,
        typer.Option("--resume", help="Continue the sweep in this folder (its saved sweep file)."),
    ] = None,
    executor: Annotated[
        ExecutorName,
        typer.Option("--executor", help="local: this machine; ray: GGUF runs as tasks on a Ray cluster."),
    ] = ExecutorName.local,
    ray_address: Annotated[
        str | None,
        typer.Option(
            "--ray-address", help="Ray cluster: auto, HEAD:6379 or ray://HEAD:10001; default: a local one."
        ),
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the planned runs; run nothing.")] = False,
    prices: Annotated[
        Path | None,
        typer.Option(
            "--prices", help="A price file laid over the shipped prices (wins over the file's prices:)."
        ),
    ] = None,
) -> None:
    """Run a matrix of runs (endpoints, GGUF files, repeats) from one YAML file and report them together."""
    if file is None and resume is None:
        fail(ExitCode.USAGE, "name a sweep file (homesec-bench sweep FILE.yaml) or --resume DIR")
    if out is not None and resume is not None and out.resolve() != resume.resolve():
        fail(ExitCode.USAGE, "--out and --resume name different folders; pass one")
    if ray_address is not None and executor is not ExecutorName.ray:
        fail(ExitCode.USAGE, "--ray-address needs --executor ray")
    sweep = _open(file, out, resume, prices)
    if dry_run:
        _print_plan(sweep)
        return
    result = _run(sweep, executor.value, ray_address)
    _print_result(result)
    if result.failed:
        names = ", ".join(r.name for r in result.failed)
        fail(
            ExitCode.RUNS_FAILED,
            f"{len(result.failed)} of {len(result.records)} runs failed ({names}); fix what each reason "
            f"says, then `homesec-bench sweep --resume {result.folder}`",
        )


def _open(file: Path | None, out: Path | None, resume: Path | None, prices: Path | None) -> Sweep:
    try:
        return open_sweep(file, out=out, resume=resume, prices=prices)
    except Exception as exc:
        fail_for(exc)


def _run(sweep: Sweep, executor_name: str, ray_address: str | None) -> SweepResult:
    try:
        executor = make_executor(executor_name, ray_address)
        err_console.print(f"sweep: {len(sweep.runs)} run(s) in {sweep.folder}", markup=False, soft_wrap=True)
        return run_sweep(sweep, executor, _ProgressLines().hooks())
    except Exception as exc:
        if exit_code_for(exc) is not None:
            fail_for(exc)
        if isinstance(exc, OSError):
            why = exc.strerror or exc
            fail(ExitCode.OUTPUT, f"cannot write the sweep's outputs in {sweep.folder} ({why})")
        # A bug: still one line, and the folder can be resumed.
        fail(
            ExitCode.INTERNAL,
            f"internal error in homesec-bench ({type(exc).__name__}: {exc}); please report it; finished "
            f"runs are kept: `homesec-bench sweep --resume {sweep.folder}`",
        )


class _ProgressLines:
    """One line when a run starts and ends, and at each quarter of its tests; threads share it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._done: dict[str, int] = {}
        self._total: dict[str, int] = {}

    def hooks(self) -> SweepHooks:
        return SweepHooks(
            on_run_start=self._start,
            on_plan=self._plan,
            on_result=self._result,
            on_note=lambda run, text: self._say(f"{run.name}: note: {text}"),
            on_log=lambda line: self._say(f"  {line}"),
            on_run_end=self._end,
        )

    def _say(self, text: str) -> None:
        # Never wrapped: a log keeps one line per event, whatever its width.
        err_console.print(printable(text), markup=False, soft_wrap=True)

    def _start(self, run: PlannedRun, resumed: bool) -> None:
        self._say(f"{run.name}: {'resuming' if resumed else 'starting'} ({run.label})")

    def _plan(self, run: PlannedRun, total: int, skipped: int) -> None:
        with self._lock:
            self._total[run.name], self._done[run.name] = total, 0
        if skipped:
            self._say(f"{run.name}: {skipped} test(s) already done, {total} to run")

    def _result(self, run: PlannedRun, outcome: str) -> None:
        with self._lock:
            done = self._done[run.name] = self._done.get(run.name, 0) + 1
            total = self._total.get(run.name, 0)
        quarter = max(1, total // 4)
        if total and (done % quarter == 0 or done == total):
            self._say(f"{run.name}: {done}/{total} tests")

    def _end(self, run: PlannedRun, status: str, reason: str | None) -> None:
        self._say(f"{run.name}: {status}" + (f": {reason}" if reason else ""))


def _print_plan(sweep: Sweep) -> None:
    table = Table(title=f"planned runs in {sweep.folder}", title_justify="left")
    for column in ("run", "kind", "provider", "what", "folder", "resources"):
        table.add_column(column)
    for run, state in plan_status(sweep):
        resources = ", ".join(f"{k}={v:g}" for k, v in run.resources.items())
        table.add_row(*(escape(x) for x in (run.name, run.kind, run.provider, run.label, state, resources)))
    console = _console()
    console.print(table)
    spec = sweep.loaded.spec
    selection = ", ".join([*(spec.suites or []), *(spec.tests or [])]) or "the whole benchmark"
    console.print(f"{len(sweep.runs)} run(s); each runs {selection}, repeat {spec.repeat}", markup=False)


def _print_result(result: SweepResult) -> None:
    table = Table(title=f"sweep {result.folder}", title_justify="left")
    for column in ("run", "status", "passed", "failed", "errors", "pass rate", "note"):
        table.add_column(column)
    for record in result.records:
        summary = result.outputs.summaries.get(record.name)
        figures = ["", "", "", ""]
        if summary is not None:
            o = summary.overall
            figures = [str(o.passed), str(o.failed), str(o.errors), fmt.pct(o.pass_rate)]
        table.add_row(*(escape(x) for x in (record.name, record.status, *figures, record.reason or "")))
    console = _console()
    console.print(table)
    for record in result.failed:
        console.print(f"failed: {record.name}: {record.reason}", markup=False)
    for path in result.outputs.files:
        console.print(f"wrote {path}", markup=False)
