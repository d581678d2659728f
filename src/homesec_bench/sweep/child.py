"""An endpoint run in a process of its own, so runs swept at once never share an interpreter.

Threads would share one interpreter lock: while one run grades an answer (the graders take
milliseconds of CPU), another run's stream would wait, and its TTFT would grow. A process per run keeps
each run's harness exactly as `homesec-bench run` has it. Children come from a fork server with the
harness already imported, so starting one costs about 0.1 s.

The child runs `runner.launch` and sends what happens (start, plan, each outcome, notes, the end with
its CPU seconds) through a pipe; the parent thread that supervises it passes that to the sweep's hooks
and records the end in the sweep state. SIGINT to the child cancels its run cleanly (every finished
test is already stored); `Children.interrupt_all` sends it to every live child.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
import threading
import time
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from homesec_bench.sweep.plan import PlannedRun
from homesec_bench.sweep.state import config_for, inspect_run_dir

# Imported once into the fork server, so each child starts with them loaded.
_PRELOAD = [
    "homesec_bench.sweep.state",
    "homesec_bench.runner.launch",
    "homesec_bench.runner.engine",
    "homesec_bench.graders",
    "homesec_bench.client.openai_chat",
    "homesec_bench.client.anthropic",
    "homesec_bench.server.memory",
    "homesec_bench.server.fidelity",
    "homesec_bench.sweep.warm",  # last: loads the benchmark and fills the graders' caches
]
_POLL_S = 0.2
_GRACE_S = 60.0  # after SIGINT, how long a child may take to store its last results and exit

_context: Any = None  # a fork server (or spawn) context; typeshed's BaseContext lacks Process
_context_lock = threading.Lock()


def _mp_context() -> Any:
    global _context
    with _context_lock:
        if _context is None:
            method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
            _context = multiprocessing.get_context(method)
            if method == "forkserver":
                _context.set_forkserver_preload(_PRELOAD)  # type: ignore[attr-defined]
        return _context


class Children:
    """The live child runs, so that an interruption can reach every one of them."""

    def __init__(self) -> None:
        self.requested = threading.Event()
        self._lock = threading.Lock()
        self._live: dict[int, BaseProcess] = {}

    def track(self, proc: BaseProcess) -> None:
        with self._lock:
            self._live[id(proc)] = proc
            if self.requested.is_set():
                _interrupt(proc)

    def untrack(self, proc: BaseProcess) -> None:
        with self._lock:
            self._live.pop(id(proc), None)

    def interrupt_all(self) -> None:
        with self._lock:
            self.requested.set()
            for proc in self._live.values():
                _interrupt(proc)


def _interrupt(proc: BaseProcess) -> None:
    if proc.pid is not None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(proc.pid, signal.SIGINT)


# ------------------------------------------------------------------------------------- in the child


def _die_with_parent() -> None:
    """On Linux, SIGINT (a clean stop) when the parent (the fork server) ends, as it does with the sweep."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL(None).prctl(1, int(signal.SIGINT), 0, 0, 0)  # PR_SET_PDEATHSIG


def _harness_cpu_s() -> float:
    """This process's CPU seconds and its finished children's: a concurrent run's grader process is
    harness work too (runner/grading.py)."""
    try:
        import resource
    except ImportError:  # not a POSIX system: no child accounting
        return time.process_time()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def child_main(run: PlannedRun, run_dir: Path, conn: Connection) -> None:
    """The child's whole life: one run (or resumption) through runner.launch, reported through `conn`."""
    status, reason = "interrupted", None
    try:
        _die_with_parent()
        from homesec_bench.runner import RunHooks, launch
        from homesec_bench.sweep.state import one_line_reason

        config = config_for(run, run_dir)
        conn.send(("start", config.resume_dir is not None))
        hooks = RunHooks(
            on_plan=lambda total, skipped: conn.send(("plan", total, skipped)),
            on_result=lambda result: conn.send(("result", result.outcome)),
            on_note=lambda text: conn.send(("note", text)),
        )
        try:
            launch(config, hooks=hooks)
            finished = inspect_run_dir(run_dir) == "finished"
            status, reason = ("finished", None) if finished else ("failed", "the run ended unfinished")
        except Exception as exc:
            status, reason = "failed", one_line_reason(exc)
    except KeyboardInterrupt:
        status, reason = "interrupted", None
    finally:
        with contextlib.suppress(Exception):
            conn.send(("end", status, reason, _harness_cpu_s()))
            conn.close()


# ------------------------------------------------------------------------------------- in the parent


def start_child(run: PlannedRun, run_dir: Path) -> tuple[BaseProcess, Connection]:
    context = _mp_context()
    receive, send = context.Pipe(duplex=False)
    proc = context.Process(target=child_main, args=(run, run_dir, send), name=f"sweep-{run.name}")
    proc.start()
    send.close()
    return proc, receive


def relay(proc: BaseProcess, conn: Connection, children: Children, on_message: Any) -> tuple[Any, ...] | None:
    """Pass the child's messages to `on_message` until it ends; the `end` message, or None when the
    child died without one. After an interruption a child that does not end in time is killed."""
    end = None
    deadline: float | None = None
    try:
        while True:
            if children.requested.is_set() and deadline is None:
                deadline = time.monotonic() + _GRACE_S
            if deadline is not None and time.monotonic() > deadline:
                proc.kill()
                break
            if not conn.poll(_POLL_S):
                if not proc.is_alive() and not conn.poll(0):
                    break
                continue
            try:
                message = conn.recv()
            except EOFError:
                break
            if message[0] == "end":
                end = message
            else:
                on_message(message)
    finally:
        proc.join()
        conn.close()
    return end
