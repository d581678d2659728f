"""Crash safety: `homesec-bench run` killed with SIGKILL at 24 moments spread over a run, resumed each
time with `--resume DIR`, ends with every test recorded exactly once and every verdict as in an
uninterrupted run.

The run is a real CLI subprocess against the loopback fake server, with a small per-token delay so
that it lasts a few seconds. Kill moments are tied to what the run is doing, so they stay spread over
it however loaded the machine is: during interpreter start-up (before run.json exists, which leaves
nothing to resume: the test starts again), as the warm-up or the n-th test request reaches the server
(mid-stream), and just after the n-th result line is written.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from homesec_bench.models import TestResult
from homesec_bench.runner import EndpointConfig, RunConfig, run_benchmark
from homesec_bench.store import load_run
from homesec_bench.suites import load_benchmark
from homesec_bench.testing import FakeOpenAIServer, reference_responder

SUITES = ["security_classification", "event_deduplication", "alert_routing", "knowledge_injection"]
CONCURRENCY = 2
# About 20 tokens per answer at 10 ms a token: a few seconds for the whole selection.
REPLY_DELAYS = {"first_token_delay_s": 0.03, "token_interval_s": 0.01}
WAIT_LIMIT_S = 90.0

# (trigger, amount, extra delay in seconds). spawn: seconds after the process starts; requests: the
# server has received this many chat requests from this process (1 = its warm-up); lines: this
# many result lines have been added since the process started.
SCHEDULE: list[tuple[str, float, float]] = [
    ("spawn", 0.05, 0.0),
    ("spawn", 0.5, 0.0),
    ("requests", 1, 0.0),
    ("lines", 1, 0.0),
    ("requests", 3, 0.02),
    ("lines", 1, 0.005),
    ("spawn", 1.0, 0.0),
    ("requests", 2, 0.05),
    ("lines", 2, 0.0),
    ("requests", 1, 0.1),
    ("lines", 1, 0.03),
    ("requests", 2, 0.0),
    ("lines", 1, 0.08),
    ("requests", 3, 0.06),
    ("spawn", 0.2, 0.0),
    ("lines", 2, 0.01),
    ("requests", 2, 0.0),
    ("lines", 1, 0.0),
    ("requests", 2, 0.03),
    ("lines", 1, 0.12),
    ("requests", 1, 0.02),
    ("lines", 2, 0.04),
    ("requests", 3, 0.0),
    ("lines", 1, 0.06),
]


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


def _wait_for(proc: subprocess.Popen[bytes], ready, what: str) -> bool:
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


def test_sigkill_at_24_moments_then_resume_loses_and_repeats_nothing(tmp_path: Path) -> None:
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

        for trigger, amount, delay in SCHEDULE:
            resuming = (out / "run.json").exists()
            if not resuming:
                tally.fresh_starts += 1
            args = ["--resume", str(out)] if resuming else fresh
            requests_before = server.request_count
            lines_before = len(_complete_lines(results_path))
            disconnects_before = server.disconnects
            spawned = time.monotonic()
            proc = _cli([*args, "--concurrency", str(CONCURRENCY)], log)
            if trigger == "spawn":
                alive = _wait_for(proc, lambda: time.monotonic() - spawned >= amount, f"{amount} s")
            elif trigger == "requests":
                alive = _wait_for(
                    proc, lambda: server.request_count - requests_before >= amount, f"request {amount}"
                )
            else:
                alive = _wait_for(
                    proc, lambda: len(_complete_lines(results_path)) - lines_before >= amount, f"line {amount}"
                )
            if alive and delay:
                time.sleep(delay)
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
    assert tally.kills >= 20, f"only {tally.kills} kills landed before the run finished"
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
