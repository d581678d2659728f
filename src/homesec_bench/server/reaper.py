"""Make sure no server we started outlives us: process groups, atexit, SIGTERM and parent death.

A managed server runs in its own session (its own process group), so stopping it stops anything it
spawned too. Every live one is tracked here and killed at interpreter exit. Two gaps remain in plain
Python and are closed here: SIGTERM kills the interpreter without running atexit (we turn it into
SystemExit while a server is live), and SIGKILL of the parent cannot be caught at all (on Linux the
child asks the kernel for SIGKILL when its parent dies).
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable

_live: dict[int, subprocess.Popen[bytes]] = {}
_lock = threading.Lock()
_sigterm_installed = False


def track(proc: subprocess.Popen[bytes]) -> None:
    with _lock:
        _live[proc.pid] = proc
    install_sigterm_handler()


def untrack(proc: subprocess.Popen[bytes]) -> None:
    with _lock:
        _live.pop(proc.pid, None)


def live_pids() -> list[int]:
    with _lock:
        return [pid for pid, proc in _live.items() if proc.poll() is None]


def stop_group(proc: subprocess.Popen[bytes], grace_s: float = 10.0) -> None:
    """SIGTERM the process group, wait, then SIGKILL it. Idempotent."""
    # Signal the group only while its leader is unreaped: after that its id could belong to someone else.
    if proc.poll() is None:
        _signal_group(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            _signal_group(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
    untrack(proc)


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


def _stop_all() -> None:
    with _lock:
        procs = list(_live.values())
    for proc in procs:
        with contextlib.suppress(Exception):
            stop_group(proc, grace_s=5.0)


atexit.register(_stop_all)


def install_sigterm_handler() -> None:
    """Make SIGTERM raise SystemExit (so cleanup runs), if called on the main thread and none is set."""
    global _sigterm_installed
    if _sigterm_installed or threading.current_thread() is not threading.main_thread():
        return
    # Only where nobody chose a handler already: a host application's own policy wins.
    if signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        return

    def _on_sigterm(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, _on_sigterm)
    _sigterm_installed = True


def child_preexec() -> Callable[[], None] | None:
    """A preexec_fn that makes the child die with its parent (Linux), or None where that cannot be safe.

    PR_SET_PDEATHSIG fires when the *thread* that forked exits, so it is only used from the main thread:
    a server started from a worker thread would otherwise be killed when that thread ends.
    """
    if not sys.platform.startswith("linux") or threading.current_thread() is not threading.main_thread():
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None
    prctl = libc.prctl
    parent = os.getpid()

    def _preexec() -> None:
        pr_set_pdeathsig = 1
        prctl(pr_set_pdeathsig, int(signal.SIGKILL), 0, 0, 0)
        # The parent may have died between fork and prctl; then nobody would ever send the signal.
        if os.getppid() != parent:
            os._exit(1)

    return _preexec
