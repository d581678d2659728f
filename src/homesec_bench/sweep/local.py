"""The local executor: remote endpoints in parallel, managed llama-servers one at a time.

Each run is an ordinary run (or resumption) through `runner.launch`, written into its folder under the
sweep folder:

* an endpoint run runs in a process of its own (sweep/child.py), so runs at once share no interpreter
  and each one's harness costs per request what `homesec-bench run` costs; at most
  `provider_concurrency` of them per provider at once, each supervised by a thread here;
* a GGUF run runs on the calling (main) thread, one after the other, so no two managed servers share
  the machine's cores or memory, and each server is started from the main thread (on Linux the
  kernel then stops it even if the sweep is killed outright).

Ctrl-C or SIGTERM: the managed run in progress stops its server (launch always does), every endpoint
run in flight is interrupted (SIGINT: it stores what it finished and exits), and runs not started stay
pending; every finished test is already stored.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from homesec_bench.runner import RunHooks, launch
from homesec_bench.suites.loader import Benchmark
from homesec_bench.sweep.child import Children, relay, start_child
from homesec_bench.sweep.plan import PlannedRun
from homesec_bench.sweep.spec import SweepSpec
from homesec_bench.sweep.state import SweepState, config_for, inspect_run_dir, one_line_reason

_POLL_S = 0.05


@dataclass
class SweepHooks:
    """What a user interface hears; called from whichever thread runs the run (keep them quick)."""

    on_run_start: Callable[[PlannedRun, bool], None] = lambda run, resumed: None
    on_plan: Callable[[PlannedRun, int, int], None] = lambda run, total, skipped: None
    on_run_end: Callable[[PlannedRun, str, str | None], None] = lambda run, status, reason: None
    on_result: Callable[[PlannedRun, str], None] = lambda run, outcome: None  # pass, fail or error
    on_note: Callable[[PlannedRun, str], None] = lambda run, text: None
    on_log: Callable[[str], None] = lambda line: None


@dataclass
class SweepContext:
    folder: Path
    spec: SweepSpec
    state: SweepState
    bench: Benchmark
    hooks: SweepHooks = field(default_factory=SweepHooks)
    signal_name: list[str] = field(default_factory=list)  # set to ["SIGTERM"] when that ended it


def run_hooks(run: PlannedRun, hooks: SweepHooks) -> RunHooks:
    return RunHooks(
        on_plan=lambda total, skipped: hooks.on_plan(run, total, skipped),
        on_result=lambda result: hooks.on_result(run, result.outcome),
        on_note=lambda text: hooks.on_note(run, text),
    )


def run_here(run: PlannedRun, ctx: SweepContext) -> None:
    """Run (or resume) a GGUF run on this thread and record how it ended in the sweep state.

    A failure is recorded with its reason and not raised; an interruption is recorded and raised."""
    run_dir = ctx.folder / run.name
    config = config_for(run, run_dir)
    ctx.state.mark(run.name, "running")
    ctx.hooks.on_run_start(run, config.resume_dir is not None)
    try:
        launch(
            config, server=run.server, bench=ctx.bench, hooks=run_hooks(run, ctx.hooks), log=ctx.hooks.on_log
        )
    except KeyboardInterrupt:
        _end(run, ctx, "interrupted", None)
        raise
    except Exception as exc:
        _end(run, ctx, "failed", one_line_reason(exc))
        return
    finished = inspect_run_dir(run_dir) == "finished"
    _end(run, ctx, "finished" if finished else "failed", None if finished else "the run ended unfinished")


def run_in_child(run: PlannedRun, ctx: SweepContext, children: Children) -> None:
    """Run (or resume) an endpoint run in a child process; relay its progress; record its end."""
    if children.requested.is_set():
        return
    ctx.state.mark(run.name, "running")
    try:
        proc, conn = start_child(run, ctx.folder / run.name)
    except Exception as exc:  # no fork server, no pipes: this run cannot start, the others may
        _end(run, ctx, "failed", f"cannot start the run's process ({one_line_reason(exc)})")
        return
    children.track(proc)
    try:
        end = relay(proc, conn, children, lambda message: _relay_message(run, ctx.hooks, message))
    finally:
        children.untrack(proc)
    if end is None:
        status = "interrupted" if children.requested.is_set() else "failed"
        reason = None if status == "interrupted" else f"its process ended with exit code {proc.exitcode}"
        _end(run, ctx, status, reason)
    else:
        _end(run, ctx, end[1], end[2], cpu_s=end[3])


def _relay_message(run: PlannedRun, hooks: SweepHooks, message: tuple[Any, ...]) -> None:
    kind, *args = message
    if kind == "start":
        hooks.on_run_start(run, args[0])
    elif kind == "plan":
        hooks.on_plan(run, args[0], args[1])
    elif kind == "result":
        hooks.on_result(run, args[0])
    elif kind == "note":
        hooks.on_note(run, args[0])


def _end(
    run: PlannedRun, ctx: SweepContext, status: Any, reason: str | None, cpu_s: float | None = None
) -> None:
    ctx.state.mark(run.name, status, reason, cpu_s=cpu_s)
    ctx.hooks.on_run_end(run, status, reason)


class RemotePool:
    """Endpoint runs in child processes, at most the provider's limit of them at once per provider."""

    def __init__(self, ctx: SweepContext) -> None:
        self.ctx = ctx
        self.children = Children()
        self._pools: dict[str, ThreadPoolExecutor] = {}
        self._futures: list[Future[None]] = []

    def start(self, runs: list[PlannedRun]) -> None:
        for run in runs:
            pool = self._pools.get(run.provider)
            if pool is None:
                limit = self.ctx.spec.provider_limit(run.provider)
                pool = ThreadPoolExecutor(max_workers=limit, thread_name_prefix=f"sweep-{run.provider}")
                self._pools[run.provider] = pool
            self._futures.append(pool.submit(self._run, run))

    def _run(self, run: PlannedRun) -> None:
        run_in_child(run, self.ctx, self.children)

    def wait(self) -> None:
        """Until every run ended; in short waits, so Ctrl-C reaches the main thread at once."""
        pending = set(self._futures)
        while pending:
            _, pending = wait(pending, timeout=_POLL_S)
        for future in self._futures:
            future.result()  # a bug on a worker thread is not swallowed
        self._shutdown()

    def stop(self) -> None:
        """Interrupt what runs, start nothing more, and wait until every run has stored what it had."""
        self.children.interrupt_all()
        self._shutdown()

    def _shutdown(self) -> None:
        for pool in self._pools.values():
            pool.shutdown(wait=True, cancel_futures=True)


class LocalExecutor:
    name = "local"

    def execute(self, runs: list[PlannedRun], ctx: SweepContext) -> None:
        pool = RemotePool(ctx)
        try:
            pool.start([run for run in runs if not run.managed])
            for run in runs:
                if run.managed:
                    run_here(run, ctx)
            pool.wait()
        except BaseException:
            pool.stop()
            raise


@contextlib.contextmanager
def sigterm_as_interrupt(ctx: SweepContext) -> Iterator[None]:
    """While the sweep runs on the main thread, SIGTERM ends it the way Ctrl-C does."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def _on_sigterm(signum: int, frame: object) -> None:
        ctx.signal_name[:] = ["SIGTERM"]
        # As if Ctrl-C were pressed: a managed run's event loop on this thread cancels itself cleanly.
        if callable(signal.getsignal(signal.SIGINT)):
            signal.raise_signal(signal.SIGINT)
        else:
            raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
