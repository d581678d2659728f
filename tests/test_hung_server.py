"""A server that stops answering: each request has a deadline, the run goes on, a server the tool
manages is restarted, and the run says what the fault cost.

The managed server here is a real process: the fake server's command line, killed and restarted on
the same port through a ServerControl, the way the runner looks after llama-server.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from homesec_bench.models import TestResult
from homesec_bench.reports.summary import summarize
from homesec_bench.runner import EndpointConfig, RunConfig, RunHooks, ServerControl, run_benchmark
from homesec_bench.runner.request import build_chat_request
from homesec_bench.suites import load_benchmark
from homesec_bench.testing import Reply, reference_responder, with_faults

BENCH = load_benchmark()
SUITES = ["topic_classification", "alert_routing"]
SELECTED = [t.id for t in BENCH.select(SUITES)]
IDLE_S = 0.5
TOTAL_S = 1.5
# With this seed the fake server's --fault-rate 0.25 picks the 2nd and 5th tests of SELECTED.
STALL_SEED = 10
STALLED = [SELECTED[1], SELECTED[4]]


def _config(base_url: str, out: Path, **kw: Any) -> RunConfig:
    return RunConfig(
        endpoint=EndpointConfig(base_url=base_url),
        suites=SUITES,
        out_dir=out,
        idle_timeout_s=IDLE_S,
        total_timeout_s=TOTAL_S,
        max_retries=2,
        **kw,
    )


class FakeServerProcess:
    """`python -m homesec_bench.testing` in its own process, restartable on one port."""

    def __init__(self, *args: str) -> None:
        self.args = list(args)
        self.port = 0
        self.process: subprocess.Popen[str] | None = None
        self.pids: list[int] = []

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> FakeServerProcess:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "homesec_bench.testing", "--port", str(self.port), *self.args],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
            text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline().strip()  # printed once it listens
        assert line.startswith("http://127.0.0.1:"), f"the fake server did not start: {line!r}"
        self.port = int(line.rsplit(":", 1)[1].split("/")[0])
        self.pids.append(self.process.pid)
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()  # SIGKILL: also ends a process that was stopped with SIGSTOP
            self.process.wait(timeout=10)

    def restart(self) -> None:
        self.stop()
        self.start()

    def is_alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def control(self) -> ServerControl:
        return ServerControl(pid=self.pid, is_alive=self.is_alive, restart=self.restart)


async def test_stalled_and_endless_answers_cost_one_test_each(make_fake_server, tmp_path: Path) -> None:
    # No ServerControl: nothing to restart, so the deadline alone must keep the run moving.
    reference = reference_responder(BENCH)

    def respond(body: dict[str, Any]) -> Reply:
        reply = reference(body)
        test = reference.test_for_request(body.get("messages") or [])
        if test is not None and test.id == SELECTED[1]:
            reply.fault = "stall"
        elif test is not None and test.id == SELECTED[4]:
            reply.fault = "trickle"  # the model keeps generating, a token every 0.2 s, forever
        return reply

    server = make_fake_server(respond)
    started = time.perf_counter()
    run = await run_benchmark(_config(server.base_url, tmp_path / "run"))
    elapsed = time.perf_counter() - started

    results = {r.test_id: r for r in run.final_results()}
    assert sorted(results) == sorted(SELECTED) and run.info.finished_at
    stalled, endless = results[SELECTED[1]], results[SELECTED[4]]
    assert (stalled.outcome, stalled.error_type) == ("error", "timeout_idle")
    assert IDLE_S * 0.9 <= stalled.request.total_s <= IDLE_S + 1.0
    assert (endless.outcome, endless.error_type) == ("error", "timeout_total")
    assert TOTAL_S * 0.9 <= endless.request.total_s <= TOTAL_S + 1.0
    assert all(r.outcome == "pass" for t, r in results.items() if t not in (SELECTED[1], SELECTED[4]))
    assert elapsed < IDLE_S + TOTAL_S + 10
    # The client hung up, so the server stopped producing: nothing is left running.
    deadline = time.monotonic() + 3
    while server.active_requests and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.active_requests == 0 and server.disconnects >= 2
    summary = summarize(run)
    assert summary.overall.errors == 2 and summary.overall.passed == len(SELECTED) - 2
    assert summary.errors_by_kind == {"timeout_idle": 1, "timeout_total": 1}


async def test_a_managed_server_is_restarted_after_each_stall(started_servers, tmp_path: Path) -> None:
    server = FakeServerProcess("--fault", "stall", "--fault-rate", "0.25", "--seed", str(STALL_SEED)).start()
    started_servers.append(server)
    run = await run_benchmark(_config(server.base_url, tmp_path / "run"), server=server.control())

    results = {r.test_id: r for r in run.final_results()}
    assert sorted(results) == sorted(SELECTED) and run.info.finished_at
    lost = sorted(t for t, r in results.items() if r.outcome == "error")
    assert lost == sorted(STALLED)
    assert all(results[t].error_type == "timeout_idle" for t in lost)
    # Every test after a stall ran on a fresh process, and passed.
    assert all(results[t].outcome == "pass" for t in SELECTED[5:])
    assert len(set(server.pids)) == 1 + len(STALLED), "one restart per stall, each a new process"
    assert f"managed server restarted {len(STALLED)} time(s)" in " ".join(run.info.notes)
    assert run.info.endpoint.managed
    assert summarize(run).overall.errors == len(STALLED)


class _Sabotage(RunHooks):
    """After the n-th result, do something to the server process."""

    def __init__(self, server: FakeServerProcess, actions: dict[int, signal.Signals]) -> None:
        super().__init__()
        self.server = server
        self.actions = actions
        self.count = 0
        self.notes: list[str] = []
        self.on_result = self._on_result
        self.on_note = self.notes.append

    def _on_result(self, result: TestResult) -> None:
        self.count += 1
        action = self.actions.get(self.count)
        if action is None:
            return
        pid = self.server.pid()
        assert pid is not None
        os.kill(pid, action)
        # kill() only queues the signal. The fake server answers from a second thread, which on a
        # busy machine could serve one more request before the whole process stops, so wait until
        # the signal has really taken effect before the runner sends the next request.
        if action == signal.SIGKILL:
            assert self.server.process is not None
            self.server.process.wait(timeout=10)
        else:
            _wait_until_stopped(pid)


def _wait_until_stopped(pid: int, timeout_s: float = 10.0) -> None:
    """Block until every thread of `pid` is in the stopped state ('T' in /proc)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        states = []
        for task in Path(f"/proc/{pid}/task").iterdir():
            try:
                stat = (task / "stat").read_text()
            except FileNotFoundError:
                continue
            states.append(stat.rsplit(")", 1)[1].split()[0])
        if states and all(state in ("T", "t") for state in states):
            return
        time.sleep(0.005)
    raise AssertionError(f"process {pid} did not stop within {timeout_s} s")


async def test_a_managed_server_that_hangs_or_dies_is_restarted(started_servers, tmp_path: Path) -> None:
    server = FakeServerProcess().start()
    started_servers.append(server)
    # The process freezes after the 2nd result (SIGSTOP: it accepts connections and never answers),
    # and after the 6th it dies outright (SIGKILL: connection refused).
    hooks = _Sabotage(server, {2: signal.SIGSTOP, 6: signal.SIGKILL})
    # A short backoff, so that all three connect attempts fit in TOTAL_S even on a busy machine
    # (with the default 0.5 s the two waits alone can take 1.5 s and the last retry is skipped).
    config = _config(server.base_url, tmp_path / "run", retry_backoff_s=0.05)
    run = await run_benchmark(config, hooks=hooks, server=server.control())

    results = list(run.results)
    assert [r.test_id for r in results] == SELECTED and run.info.finished_at
    outcomes = [r.outcome for r in results]
    assert outcomes == ["pass", "pass", "error", "pass", "pass", "pass", "error", "pass", "pass"], [
        (r.test_id, r.reason) for r in results
    ]
    hung, dead = results[2], results[6]
    assert hung.error_type == "timeout_idle", hung.reason
    assert dead.error_type == "connect" and dead.request.attempts == 3, dead.reason
    assert len(set(server.pids)) == 3
    assert "managed server restarted 2 time(s)" in " ".join(run.info.notes)
    assert any("restarting the managed server after timeout_idle" in n for n in hooks.notes)
    assert any("restarting the managed server after connect" in n for n in hooks.notes)
    summary = summarize(run)
    assert summary.overall.errors == 2 and summary.errors_by_kind == {"timeout_idle": 1, "connect": 1}


def test_fake_server_stall_choice_matches_the_constants() -> None:
    # Guards STALLED: if the fault choice ever changes, the managed-server test must be re-pinned.
    reference = reference_responder(BENCH)
    responder = with_faults(reference, "stall", rate=0.25, seed=STALL_SEED)
    stalled = [t.id for t in BENCH.select(SUITES) if _faulted(responder, t)]
    assert stalled == STALLED


def _faulted(responder: Any, test: Any) -> bool:
    body = build_chat_request(test, BENCH, model="fake-model", attempt=0, resolve_image=lambda f: "")
    return responder(body).fault == "stall"
