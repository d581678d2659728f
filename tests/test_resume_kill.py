"""Crash safety: `homesec-bench run` killed with SIGKILL at 22 moments spread over a run, resumed each
time with `--resume DIR`, ends with every test recorded exactly once and every verdict as in an
uninterrupted run.

The run is a real CLI subprocess against the loopback fake server, with a small per-token delay so
that it lasts a few seconds. Kill moments are tied to what the run is doing, so they stay spread over
it however loaded the machine is: during interpreter start-up (before run.json exists, which leaves
nothing to resume: the test starts again), then at positions spread from the first result to 80% of
the run, each either as result n is written (plus a small delay) or as the next request reaches the
server (mid-stream).
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from homesec_bench.models import TestResult
from homesec_bench.runner import EndpointConfig, RunConfig, run_benchmark
from homesec_bench.store import load_run
from homesec_bench.suites import load_benchmark
from homesec_bench.testing import FakeOpenAIServer, reference_responder

SUITES = ["security_classification", "event_deduplication", "alert_routing"]
CONCURRENCY = 2
# About 20 tokens per answer at 8 ms a token: a few seconds for the whole selection.
REPLY_DELAYS = {"first_token_delay_s": 0.03, "token_interval_s": 0.008}
WAIT_LIMIT_S = 90.0
EARLY_KILLS_S = [0.05, 0.4]  # seconds after spawn: interpreter start-up, before run.json exists
IN_RUN_KILLS = 20


@dataclass(frozen=True)
class Moment:
    """When to kill. spawn: `seconds` after the process starts. Otherwise once the process's warm-up
    has reached the server and results.jsonl holds `position` results; then, for `requests` > 0,
    when that many more requests have reached the server (mid-stream); then `delay` seconds more."""

    position: int = 0
    requests: int = 0
    delay: float = 0.0
    seconds: float | None = None


# The in-run kills cycle through these ways of picking the moment at each position.
STYLES = [(0, 0.0), (1, 0.0), (0, 0.02), (1, 0.03), (2, 0.0)]


def kill_plan(tests: int) -> list[Moment]:
    # Positions spread evenly from the start to 80% of the run, whatever the machine's speed.
    plan = [Moment(seconds=s) for s in EARLY_KILLS_S]
    for i in range(IN_RUN_KILLS):
        requests, delay = STYLES[i % len(STYLES)]
        position = round(i * 0.8 * tests / (IN_RUN_KILLS - 1))
        plan.append(Moment(position=position, requests=requests, delay=delay))
    return plan


@dataclass
class Tally:
    kills: int = 0
    fresh_starts: int = 0
    before_run_json: int = 0
    mid_stream: int = 0
    torn_tails: int = 0
    progress_at_kill: list[int] = field(default_factory=list)


def _cli(args: list[str], log: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if k != "OPENAI_API_KEY"}
    env["COLUMNS"] = "120"
    with open(log, "ab") as handle:
        return subprocess.Popen(
            [sys.executable, "-m", "homesec_bench", "run", *args],
            stdout=handle,
            stderr=handle,
            stdin=subprocess.DEVNULL,
            env=env,
        )


def _complete_lines(path: Path) -> list[bytes]:
    if not path.exists():
        return []
    return path.read_bytes().split(b"\n")[:-1]


def _check_results_file(path: Path, tally: Tally) -> int:
    """Every complete line is a valid result, no test twice; only an unterminated tail may be torn.
    Returns the number of complete lines."""
    if not path.exists():
        return 0
    data = path.read_bytes()
    *lines, tail = data.split(b"\n")
    ids = [TestResult.model_validate_json(line).test_id for line in lines]
    duplicates = [test_id for test_id, n in Counter(ids).items() if n > 1]
    assert not duplicates, f"recorded twice: {duplicates}"
    if tail:
        tally.torn_tails += 1
    return len(lines)


def _wait_for(proc: subprocess.Popen[bytes], ready: Callable[[], bool], what: str) -> bool:
    """Poll until `ready()` or the process exits; False if it exited first."""
    deadline = time.monotonic() + WAIT_LIMIT_S
    while not ready():
        if proc.poll() is not None:
            return False
        if time.monotonic() > deadline:
            proc.kill()
            proc.wait()
            raise AssertionError(f"the run never got to {what}")
        time.sleep(0.003)
    return True


def _reach(proc: subprocess.Popen[bytes], moment: Moment, server: FakeOpenAIServer, results: Path) -> bool:
    """Wait for `moment` in the life of `proc`; False if the process ended first."""
    spawned = time.monotonic()
    if moment.seconds is not None:
        return _wait_for(proc, lambda: time.monotonic() - spawned >= moment.seconds, "its start")
    before = server.request_count
    alive = _wait_for(
        proc,
        lambda: server.request_count > before and len(_complete_lines(results)) >= moment.position,
        f"result {moment.position}",
    )
    if alive and moment.requests:
        seen = server.request_count
        alive = _wait_for(proc, lambda: server.request_count >= seen + moment.requests, "a request")
    if alive and moment.delay:
        time.sleep(moment.delay)
    return alive


def test_sigkill_at_22_moments_then_resume_loses_and_repeats_nothing(tmp_path: Path) -> None:
    bench = load_benchmark()
    selected = [t.id for t in bench.select(SUITES)]
    responder = reference_responder(bench, accuracy=0.7, seed=9, reply_defaults=REPLY_DELAYS)
    out = tmp_path / "run"
    results_path = out / "results.jsonl"
    log = tmp_path / "cli.log"
    fresh = ["--base-url", "", *[a for s in SUITES for a in ("--suite", s)], "--out", str(out)]
    tally = Tally()
    started = time.monotonic()

    with FakeOpenAIServer(responder, record_requests=False) as server:
        fresh[1] = server.base_url
        reference = asyncio.run(
            run_benchmark(
                RunConfig(
                    endpoint=EndpointConfig(base_url=server.base_url),
                    suites=SUITES,
                    out_dir=tmp_path / "reference",
                    concurrency=CONCURRENCY,
                    sample_memory=False,
                )
            )
        )
        expected = {r.test_id: (r.outcome, r.reason) for r in reference.final_results()}
        assert sorted(expected) == sorted(selected)
        assert {o for o, _ in expected.values()} == {"pass", "fail"}
        reference_s = time.monotonic() - started

        for moment in kill_plan(len(selected)):
            resuming = (out / "run.json").exists()
            tally.fresh_starts += not resuming
            args = ["--resume", str(out)] if resuming else fresh
            disconnects_before = server.disconnects
            proc = _cli([*args, "--concurrency", str(CONCURRENCY)], log)
            _reach(proc, moment, server, results_path)
            if proc.poll() is not None:
                break  # the run finished before this moment: every later moment is past the end
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            tally.kills += 1
            # Give the server a moment to notice the dead peer before reading its counters.
            time.sleep(0.05)
            tally.mid_stream += server.disconnects > disconnects_before
            tally.before_run_json += not (out / "run.json").exists()
            tally.progress_at_kill.append(_check_results_file(results_path, tally))

        proc = _cli(["--resume", str(out), "--concurrency", str(CONCURRENCY)], log)
        try:
            returncode = proc.wait(timeout=180)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()

    elapsed = time.monotonic() - started
    print(
        f"\nkills={tally.kills} fresh_starts={tally.fresh_starts} before_run_json={tally.before_run_json} "
        f"mid_stream={tally.mid_stream} torn_tails={tally.torn_tails} "
        f"progress_at_kill={tally.progress_at_kill} tests={len(selected)} "
        f"reference_run={reference_s:.1f}s total={elapsed:.1f}s"
    )
    assert returncode == 0, log.read_text(errors="replace")[-3000:]
    assert tally.kills == len(EARLY_KILLS_S) + IN_RUN_KILLS, f"only {tally.kills} kills landed before the end"
    # The moments really are spread: before run.json, mid-stream, and from the start to late in the run.
    assert tally.before_run_json >= 1 and tally.fresh_starts >= 2
    assert tally.mid_stream >= 3, tally
    assert min(tally.progress_at_kill) == 0
    assert max(tally.progress_at_kill) >= len(selected) * 0.6, tally.progress_at_kill
    assert len(set(tally.progress_at_kill)) >= 10, tally.progress_at_kill

    run = load_run(out)
    assert run.dropped_lines == 0, run.warnings
    recorded = Counter(r.test_id for r in run.results)
    assert sorted(recorded) == sorted(selected), "a test was lost"
    assert set(recorded.values()) == {1}, "a test was recorded twice"
    assert {r.test_id: (r.outcome, r.reason) for r in run.final_results()} == expected
    assert run.info.finished_at and run.info.resumed_at
    assert run.info.selected_tests == reference.info.selected_tests


def test_a_last_line_without_its_newline_is_run_again_not_lost(tmp_path: Path) -> None:
    # A kill between writing a result and its newline leaves a line that parses but that RunWriter
    # cuts before appending: resume must treat it as torn and run that test again.
    bench = load_benchmark()
    responder = reference_responder(bench, accuracy=0.5, seed=1)
    out = tmp_path / "run"
    with FakeOpenAIServer(responder) as server:
        config = RunConfig(
            endpoint=EndpointConfig(base_url=server.base_url),
            suites=["topic_classification"],
            out_dir=out,
            sample_memory=False,
        )
        first = asyncio.run(run_benchmark(config))
        expected = {r.test_id: r.outcome for r in first.final_results()}
        data = (out / "results.jsonl").read_bytes()
        (out / "results.jsonl").write_bytes(data.rstrip(b"\n"))
        last = TestResult.model_validate_json(data.rstrip(b"\n").rsplit(b"\n", 1)[-1]).test_id
        before = len(server.requests)
        resumed = asyncio.run(
            run_benchmark(RunConfig(endpoint=EndpointConfig(base_url=server.base_url), resume_dir=out))
        )
        rerun = [r["messages"] for r in server.requests[before:]]
    assert len(rerun) == 2  # the warm-up and the torn test
    recorded = Counter(r.test_id for r in resumed.results)
    assert sorted(recorded) == sorted(expected) and set(recorded.values()) == {1}
    assert {r.test_id: r.outcome for r in resumed.final_results()} == expected
    assert resumed.results[-1].test_id == last
