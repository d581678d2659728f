"""A whole sweep: read the file, plan the runs, run what is not finished, write the shared outputs.

    sweep = open_sweep(Path("sweep.yaml"), out=Path("sweeps/q"))     # or open_sweep(None, resume=...)
    result = run_sweep(sweep, make_executor("local"))               # raises SweepInterrupted on Ctrl-C

Resuming is running the same sweep folder again: finished runs are kept, partial ones resumed, the
rest started; no finished test is run again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol

from homesec_bench.reports.cost import PriceBook, PriceError, load_prices
from homesec_bench.suites import load_benchmark
from homesec_bench.suites.loader import Benchmark
from homesec_bench.sweep.local import LocalExecutor, SweepContext, SweepHooks, sigterm_as_interrupt
from homesec_bench.sweep.outputs import Outputs, write_outputs
from homesec_bench.sweep.plan import PlannedRun, plan_sweep, slug
from homesec_bench.sweep.spec import LoadedSpec, SweepSpecError, load_spec
from homesec_bench.sweep.state import (
    SPEC_COPY,
    DirState,
    RunRecord,
    SweepState,
    inspect_run_dir,
    read_saved_spec,
)

SWEEPS_ROOT = Path("sweeps")


class Executor(Protocol):
    name: str

    def execute(self, runs: list[PlannedRun], ctx: SweepContext) -> None: ...


class SweepInterrupted(Exception):
    """Ctrl-C or SIGTERM ended the sweep; every finished test is stored. The message says how to go on."""

    def __init__(self, folder: Path, finished: int, total: int, signal_name: str | None) -> None:
        by = f" by {signal_name}" if signal_name else ""
        super().__init__(
            f"interrupted{by}: {finished} of {total} runs finished, every finished test is kept; "
            f"resume with `homesec-bench sweep --resume {folder}`"
        )
        self.folder = folder


@dataclass
class Sweep:
    loaded: LoadedSpec
    runs: list[PlannedRun]
    folder: Path
    bench: Benchmark
    prices: PriceBook | None = None

    @property
    def title(self) -> str:
        return f"homesec-bench sweep {self.loaded.spec.name or self.loaded.path.stem}"


@dataclass
class SweepResult:
    folder: Path
    records: list[RunRecord]
    outputs: Outputs = field(default_factory=Outputs)

    @property
    def failed(self) -> list[RunRecord]:
        return [r for r in self.records if r.status == "failed"]


def default_folder(loaded: LoadedSpec) -> Path:
    stem = slug(loaded.spec.name or loaded.path.stem, 40)
    return SWEEPS_ROOT / f"{datetime.now().strftime('%Y%m%d-%H%M%S')}-{stem}"


def open_sweep(
    file: Path | None,
    *,
    out: Path | None = None,
    resume: Path | None = None,
    bench: Benchmark | None = None,
    prices: Path | None = None,
) -> Sweep:
    """The sweep as planned. `resume` alone re-reads the sweep file saved in that folder; with `file`
    it is the same as `out`. `prices` (a price file) wins over the file's `prices:`. Raises
    SweepSpecError, PriceError, StoreError, SuiteError."""
    if file is not None:
        loaded = load_spec(file)
    elif resume is not None:
        original, text = read_saved_spec(resume)
        loaded = load_spec(resume / SPEC_COPY, text, base=original.parent)
    else:
        raise SweepSpecError("name a sweep file, or a sweep folder to resume with --resume DIR")
    bench = bench or load_benchmark()
    _check_selection(loaded, bench)
    folder = resume or out or default_folder(loaded)
    runs = plan_sweep(loaded)
    book = load_prices(prices) if prices is not None else _prices(loaded)
    return Sweep(loaded=loaded, runs=runs, folder=folder, bench=bench, prices=book)


def _prices(loaded: LoadedSpec) -> PriceBook | None:
    """The shipped prices with the sweep's own price file laid over them (checked before any run)."""
    if loaded.spec.prices is None:
        return None
    path = Path(loaded.spec.prices).expanduser()
    try:
        return load_prices(path if path.is_absolute() else loaded.base_dir / path)
    except PriceError as exc:
        raise loaded.error(("prices",), str(exc)) from None


def _check_selection(loaded: LoadedSpec, bench: Benchmark) -> None:
    """Unknown suites or test ids fail here, at their line, before any run starts."""
    spec = loaded.spec
    known_tests = {t.id for t in bench.all_tests()}
    for key, names, known in (("suites", spec.suites, set(bench.suites)), ("tests", spec.tests, known_tests)):
        for index, name in enumerate(names or []):
            if name not in known:
                raise loaded.error(
                    (key, index), f"unknown {key[:-1]} {name!r}; run `homesec-bench list` to see them"
                )
    if not bench.select(spec.suites, spec.tests):
        raise loaded.error(("tests",), "the suites and tests chosen have no test in common")


def plan_status(sweep: Sweep) -> list[tuple[PlannedRun, DirState]]:
    """For --dry-run: each planned run and what its folder holds (new, partial or finished)."""
    return [(run, inspect_run_dir(sweep.folder / run.name)) for run in sweep.runs]


def make_executor(name: str, ray_address: str | None = None) -> Executor:
    """`local`, or `ray` (raises RaySetupError at once when ray is not installed)."""
    if name == "local":
        return LocalExecutor()
    if name == "ray":
        from homesec_bench.sweep.ray_executor import RayExecutor, import_ray

        import_ray()
        return RayExecutor(ray_address)
    raise ValueError(f"unknown executor {name!r}; choose local or ray")


def run_sweep(sweep: Sweep, executor: Executor, hooks: SweepHooks | None = None) -> SweepResult:
    """Run every run that is not finished, then write the leaderboards and the report.

    A run that fails is recorded with its reason and the others go on. Raises SweepInterrupted on
    Ctrl-C or SIGTERM (after every managed server is stopped), StoreError when the folder cannot be
    written."""
    state = SweepState.open(sweep.folder, sweep.loaded.path, sweep.loaded.text)
    state.plan(sweep.runs)
    todo = []
    for run in sweep.runs:
        if inspect_run_dir(sweep.folder / run.name) == "finished":
            state.mark(run.name, "kept")
        else:
            todo.append(run)
    ctx = SweepContext(sweep.folder, sweep.loaded.spec, state, sweep.bench, hooks or SweepHooks())
    try:
        with sigterm_as_interrupt(ctx):
            executor.execute(todo, ctx)
    except KeyboardInterrupt:
        done = sum(1 for r in state.records() if r.status in ("finished", "kept"))
        signal_name = ctx.signal_name[0] if ctx.signal_name else None
        raise SweepInterrupted(sweep.folder, done, len(sweep.runs), signal_name) from None
    outputs = write_outputs(sweep.folder, [run.name for run in sweep.runs], sweep.title, sweep.prices)
    return SweepResult(sweep.folder, state.records(), outputs)
