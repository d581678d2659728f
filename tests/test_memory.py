"""MemorySampler and find_listening_pid against real processes and sockets."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from homesec_bench.server.memory import MemorySampler, find_listening_pid

MiB = 2**20
ALLOC_MB = 200

# Allocates ALLOC_MB of touched memory, says so, frees it, says so, then waits to be told to exit.
_ALLOCATOR = textwrap.dedent(
    f"""
    import sys
    print("base", flush=True)
    sys.stdin.readline()
    block = b"x" * ({ALLOC_MB} * 2**20)
    print("allocated", flush=True)
    sys.stdin.readline()
    del block
    print("freed", flush=True)
    sys.stdin.readline()
    """
)

# A parent that does nothing itself; its child holds the memory.
_PARENT = textwrap.dedent(
    f"""
    import subprocess, sys
    child = subprocess.Popen([sys.executable, "-c", {_ALLOCATOR!r}], stdin=sys.stdin, stdout=sys.stdout)
    print("child", child.pid, flush=True)
    child.wait()
    """
)


def _spawn(code: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1
    )


def _expect(proc: subprocess.Popen[str], word: str) -> str:
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.startswith(word), f"expected {word!r} from the helper process, got {line!r}"
    return line


def _tell(proc: subprocess.Popen[str]) -> None:
    assert proc.stdin is not None
    proc.stdin.write("\n")
    proc.stdin.flush()


def _run_allocation(proc: subprocess.Popen[str], sampler: MemorySampler) -> int:
    """Drive the allocator through allocate, hold, free; returns the RSS baseline before allocation."""
    sampler.start()
    time.sleep(0.3)
    baseline = sampler.peak().rss_bytes
    assert baseline is not None
    _tell(proc)
    _expect(proc, "allocated")
    time.sleep(0.6)
    _tell(proc)
    _expect(proc, "freed")
    time.sleep(0.4)
    return baseline


def test_peak_of_a_process_that_allocates_and_frees() -> None:
    proc = _spawn(_ALLOCATOR)
    try:
        _expect(proc, "base")
        sampler = MemorySampler(proc.pid, interval_s=0.05)
        baseline = _run_allocation(proc, sampler)
        peak = sampler.stop()
    finally:
        proc.kill()
        proc.wait()
    assert peak.pid == proc.pid
    assert peak.rss_bytes is not None
    grown = (peak.rss_bytes - baseline) / MiB
    # The block was freed before stop(): only a sampler that keeps the peak still sees it.
    assert ALLOC_MB * 0.9 <= grown <= ALLOC_MB * 1.25, f"peak grew by {grown:.0f} MiB, expected ~{ALLOC_MB}"
    assert sampler.samples >= 10


def test_children_count_towards_the_peak() -> None:
    parent = _spawn(_PARENT)
    try:
        child_pid = int(_expect(parent, "child").split()[1])
        _expect(parent, "base")
        sampler = MemorySampler(parent.pid, interval_s=0.05)
        _run_allocation(parent, sampler)
        peak = sampler.stop()
    finally:
        parent.kill()
        parent.wait()
        subprocess.run(["kill", "-9", str(child_pid)], check=False, capture_output=True)
    assert peak.rss_bytes is not None
    assert peak.rss_bytes >= ALLOC_MB * 0.9 * MiB, "the child's allocation must count in the parent's peak"


def test_a_pid_that_is_gone_gives_a_note_not_a_zero() -> None:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    peak = MemorySampler(proc.pid, interval_s=0.05).start().stop()
    assert peak.rss_bytes is None
    assert peak.gpu_bytes is None
    assert peak.note and str(proc.pid) in peak.note and "not found" in peak.note


def test_no_pid_gives_a_note() -> None:
    peak = MemorySampler(None).start().stop()
    assert peak.rss_bytes is None and peak.pid is None
    assert peak.note and "no local server process" in peak.note


def test_a_process_that_dies_mid_run_keeps_its_peak_and_says_so() -> None:
    proc = _spawn(_ALLOCATOR)
    _expect(proc, "base")
    sampler = MemorySampler(proc.pid, interval_s=0.05).start()
    time.sleep(0.3)
    proc.kill()
    proc.wait()
    time.sleep(0.3)
    peak = sampler.stop()
    assert peak.rss_bytes is not None and peak.rss_bytes > 0
    assert peak.note and "exited during sampling" in peak.note


@pytest.mark.skipif(
    Path("/proc/driver/nvidia/version").exists() or Path("/dev/nvidia0").exists(),
    reason="this machine has an NVIDIA driver; the no-GPU note does not apply",
)
def test_without_a_gpu_the_gpu_figure_is_absent_and_explained() -> None:
    with MemorySampler(os.getpid(), interval_s=0.05) as sampler:
        time.sleep(0.1)
    peak = sampler.peak()
    assert peak.rss_bytes is not None
    assert peak.gpu_bytes is None
    assert peak.note and "GPU" in peak.note


def test_find_listening_pid_finds_our_own_socket() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        assert find_listening_pid(port) == os.getpid()


def test_find_listening_pid_finds_another_process() -> None:
    code = textwrap.dedent(
        """
        import socket, sys
        s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
        print(s.getsockname()[1], flush=True)
        sys.stdin.readline()
        """
    )
    proc = _spawn(code)
    try:
        assert proc.stdout is not None
        port = int(proc.stdout.readline())
        assert find_listening_pid(port) == proc.pid
    finally:
        proc.kill()
        proc.wait()


def test_find_listening_pid_ignores_a_port_nobody_listens_on() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        # Bound but not listening: a client socket in the making, not a server.
        assert find_listening_pid(port) is None


def test_a_pid_source_is_followed_across_a_restart() -> None:
    first = _spawn(_ALLOCATOR)
    _expect(first, "base")
    current = {"pid": first.pid}
    sampler = MemorySampler(lambda: current["pid"], interval_s=0.05).start()
    second = None
    try:
        time.sleep(0.2)
        first.kill()
        first.wait()
        time.sleep(0.2)
        second = _spawn(_ALLOCATOR)
        _expect(second, "base")
        current["pid"] = second.pid
        time.sleep(0.2)
        _tell(second)
        _expect(second, "allocated")
        time.sleep(0.4)
        peak = sampler.stop()
    finally:
        for proc in (first, second):
            if proc is not None:
                proc.kill()
                proc.wait()
    assert peak.pid == second.pid
    assert peak.rss_bytes is not None and peak.rss_bytes >= ALLOC_MB * 0.9 * MiB
    assert peak.note and f"from pid {first.pid} to {second.pid}" in peak.note
