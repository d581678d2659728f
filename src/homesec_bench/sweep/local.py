"""The local executor: remote endpoints in parallel, managed llama-servers one at a time.

Each run is an ordinary run (or resumption) written into its folder under the sweep folder:

* an endpoint run runs on a worker thread with its own event loop, exactly as `homesec-bench run`
  would run it (the same runner, client and store, so the harness's cost per request is the same),
  at most `provider_concurrency` of them per provider at once;
* a GGUF run goes through `runner.launch` on the calling (main) thread, one after the other, so no two
  managed servers share the machine's cores or memory, and each server is started from the main
  thread (on Linux the kernel then stops it even if the sweep is killed outright).

Ctrl-C or SIGTERM: the managed run in progress stops its server (launch always does), every endpoint
run in flight is cancelled, and runs not started stay pending; every finished test is already stored.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from homesec_bench.models import TestResult
from homesec_bench.runner import RunHooks, complete_config, launch, run_benchmark
from homesec_bench.runner.config import RunConfig
from homesec_bench.store import LoadedRun
from homesec_bench.suites.loader import Benchmark
from homesec_bench.sweep.plan import PlannedRun
from homesec_bench.sweep.spec import SweepSpec
from homesec_bench.sweep.state import SweepState, config_for, inspect_run_dir

_POLL_S = 0.2


@dataclass
class SweepHooks:
    """What a user interface hears; called from whichever thread runs the run (keep them quick)."""

    on_run_start: Callable[[PlannedRun, bool], None] = lambda run, resumed: None
    on_plan: Callable[[PlannedRun, int, int], None] = lambda run, total, skipped: None
    on_run_end: Callable[[PlannedRun, str, str | None], None] = lambda run, status, reason: None
    on_result: Callable[[PlannedRun, TestResult], None] = lambda run, result: None
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


def one_line_reason(exc: BaseException) -> str:
    """A failed run's reason: the error's own one-line message, or its type for an unexpected one."""
    from homesec_bench.client.text import printable

    text = " ".join(printable(str(exc)).split())
    known = _known_errors()
    if isinstance(exc, known):
        return text or type(exc).__name__
    detail = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    return f"internal error ({detail})"


def _known_errors() -> tuple[type[BaseException], ...]:
    from homesec_bench.client import EndpointError
    from homesec_bench.runner import RunSetupError
    from homesec_bench.server import ServerSetupError
    from homesec_bench.store import StoreError
    from homesec_bench.suites import SuiteError

    return (EndpointError, RunSetupError, ServerSetupError, StoreError, SuiteError, OSError)


def run_hooks(run: PlannedRun, hooks: SweepHooks) -> RunHooks:
    return RunHooks(
        on_plan=lambda total, skipped: hooks.on_plan(run, total, skipped),
        on_result=lambda result: hooks.on_result(run, result),
        on_note=lambda text: hooks.on_note(run, text),
    )


class Cancellation:
    """Cancels the endpoint runs in flight on other threads (each has its own event loop)."""

    def __init__(self) -> None:
        self.requested = threading.Event()
        self._lock = threading.Lock()
        self._tasks: dict[int, tuple[asyncio.AbstractEventLoop, asyncio.Task[Any]]] = {}

    def register(self) -> None:
        """Called in the run's main task: cancel it now if cancelling began, else on cancel_all()."""
        task = asyncio.current_task()
        assert task is not None
        with self._lock:
            if self.requested.is_set():
                task.cancel()
            self._tasks[id(task)] = (asyncio.get_running_loop(), task)

    def unregister(self) -> None:
        with self._lock:
            self._tasks.pop(id(asyncio.current_task()), None)

    def cancel_all(self) -> None:
        with self._lock:
            self.requested.set()
            for loop, task in self._tasks.values():
                with contextlib.suppress(RuntimeError):  # its loop has just closed
                    loop.call_soon_threadsafe(task.cancel)


async def _endpoint_run(
    config: RunConfig, bench: Benchmark, hooks: RunHooks, cancel: Cancellation
) -> LoadedRun:
    """What `launch` does for an endpoint that is already running, cancellable from another thread."""
    cancel.register()
    try:
        return await run_benchmark(complete_config(config), bench=bench, hooks=hooks)
    finally:
        cancel.unregister()


def run_here(run: PlannedRun, ctx: SweepContext, cancel: Cancellation | None = None) -> None:
    """Run (or resume) one planned run in this process and record how it ended in the sweep state.

    A failure is recorded with its reason and not raised; an interruption is recorded and raised
    (KeyboardInterrupt on the main thread, CancelledError on an endpoint run's thread)."""
    run_dir = ctx.folder / run.name
    config = config_for(run, run_dir)
    ctx.state.mark(run.name, "running")
    ctx.hooks.on_run_start(run, config.resume_dir is not None)
    hooks = run_hooks(run, ctx.hooks)
    try:
        if run.managed:
            launch(config, server=run.server, bench=ctx.bench, hooks=hooks, log=ctx.hooks.on_log)
        else:
            asyncio.run(_endpoint_run(config, ctx.bench, hooks, cancel or Cancellation()))
    except (KeyboardInterrupt, asyncio.CancelledError):
        _end(run, ctx, "interrupted", None)
        raise
    except Exception as exc:
        _end(run, ctx, "failed", one_line_reason(exc))
        return
    finished = inspect_run_dir(run_dir) == "finished"
    _end(run, ctx, "finished" if finished else "failed", None if finished else "the run ended unfinished")


def _end(run: PlannedRun, ctx: SweepContext, status: Any, reason: str | None) -> None:
    ctx.state.mark(run.name, status, reason)
    ctx.hooks.on_run_end(run, status, reason)


class RemotePool:
    """Endpoint runs on worker threads, at most the provider's limit of them at once per provider."""

    def __init__(self, ctx: SweepContext) -> None:
        self.ctx = ctx
        self.cancel = Cancellation()
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
        if self.cancel.requested.is_set():
            return
        with contextlib.suppress(asyncio.CancelledError):
            run_here(run, self.ctx, self.cancel)

    def wait(self) -> None:
        """Until every run ended; in short waits, so Ctrl-C reaches the main thread at once."""
        pending = set(self._futures)
        while pending:
            _, pending = wait(pending, timeout=_POLL_S)
        for future in self._futures:
            future.result()  # a bug on a worker thread is not swallowed
        self._shutdown()

    def stop(self) -> None:
        """Cancel what runs, start nothing more, and wait until every run has stored what it had."""
        self.cancel.cancel_all()
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
        # As if Ctrl-C were pressed: a run's event loop on this thread then cancels itself cleanly.
        if callable(signal.getsignal(signal.SIGINT)):
            signal.raise_signal(signal.SIGINT)
        else:
            raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
