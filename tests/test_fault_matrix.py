"""The fault matrix: every fault the issue lists, injected into some tests of a real run.

For each fault: the run completes; the faulted tests end as `error` (never pass or fail) with a reason
naming the fault, after exactly the attempts that fault deserves (counted on the server); every other
test keeps the verdict it has in a clean run; and retry waits never land inside a TTFT.
"""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from homesec_bench.models import TestResult
from homesec_bench.runner import EndpointConfig, RunConfig, RunHooks, run_benchmark
from homesec_bench.store import LoadedRun
from homesec_bench.suites import load_benchmark
from homesec_bench.testing import FakeOpenAIServer, ReferenceResponder, reference_responder, with_faults

BENCH = load_benchmark()
# Multi-token answers (JSON, prose, a tool call), so mid-stream faults strike after real tokens.
SUITES = ["alert_routing", "privacy_compliance"]
SELECTED = [t.id for t in BENCH.select(SUITES)]
RETRIES = 2
IDLE_S = 1.0
TOTAL_S = 3.0
CAP_CHARS = 20_000


@dataclass(frozen=True)
class Fault:
    name: str  # the fake server's fault, or "refused" for a server that is down
    kind: str  # the error_type the affected tests must end with
    needle: str  # what the reason must say
    attempts: int  # requests each affected test deserves
    retry_after: float | None = None


MATRIX = [
    Fault("http_500", "http_5xx", "HTTP 500", RETRIES + 1),
    Fault("http_502", "http_5xx", "HTTP 502", RETRIES + 1),
    Fault("http_503", "http_5xx", "HTTP 503", RETRIES + 1),
    Fault("http_429", "rate_limited", "HTTP 429", RETRIES + 1),
    Fault("http_429", "rate_limited", "HTTP 429", RETRIES + 1, retry_after=0.5),
    Fault("refused", "connect", "cannot connect", RETRIES + 1),
    Fault("reset_mid_stream", "stream_cut", "closed the connection mid-stream", RETRIES + 1),
    Fault("stall", "timeout_idle", f"sent nothing for {IDLE_S:g} s", 1),
    Fault("no_done", "no_done", "without [DONE]", RETRIES + 1),
    Fault("invalid_json_chunk", "bad_chunk", "not JSON", 1),
    Fault("error_event", "stream_error", "error mid-stream", 1),
    Fault("huge", "output_cap", "output cap", 1),
    Fault("trickle", "timeout_total", f"total timeout of {TOTAL_S:g} s", 1),
]


def _fault_id(fault: Fault) -> str:
    return fault.name + ("-retry-after" if fault.retry_after else "")


def _config(base_url: str, out: Path, concurrency: int = 3) -> RunConfig:
    return RunConfig(
        endpoint=EndpointConfig(base_url=base_url),
        suites=SUITES,
        out_dir=out,
        concurrency=concurrency,
        idle_timeout_s=IDLE_S,
        total_timeout_s=TOTAL_S,
        max_retries=RETRIES,
        # Short backoff: every retry must fit inside TOTAL_S even when a busy machine slows each attempt.
        retry_backoff_s=0.05,
        max_output_chars=CAP_CHARS,
        sample_memory=False,
    )


def _outcomes(run: LoadedRun) -> dict[str, str]:
    return {r.test_id: r.outcome for r in run.final_results()}


@pytest.fixture(scope="module")
def reference() -> ReferenceResponder:
    # Half the answers are near misses, so a clean run has passes and fails for faults to disturb.
    return reference_responder(BENCH, accuracy=0.5, seed=11)


@pytest.fixture(scope="module")
def clean(reference: ReferenceResponder, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    with FakeOpenAIServer(reference) as server:
        run = asyncio.run(run_benchmark(_config(server.base_url, tmp_path_factory.mktemp("clean") / "run")))
    outcomes = _outcomes(run)
    assert sorted(outcomes) == sorted(SELECTED)
    assert set(outcomes.values()) == {"pass", "fail"}
    return outcomes


@pytest.fixture(scope="module")
def affected(clean: dict[str, str]) -> list[str]:
    """Two neighbours in run order, one that passes and one that fails when nothing goes wrong, and
    not the first test (so a server taken down for them was up for the one before)."""
    for first, second in itertools.pairwise(SELECTED[1:]):
        if clean[first] != clean[second]:
            return [first, second]
    raise AssertionError("no neighbouring pass/fail pair in the selection; change the seed")


def _test_of(reference: ReferenceResponder) -> Callable[[dict[str, Any]], str | None]:
    def test_of(body: dict[str, Any]) -> str | None:
        test = reference.test_for_body(body)
        return test.id if test else None

    return test_of


class _DownWhile(RunHooks):
    """Takes the server down just before the affected tests run and brings it back after them
    (concurrency 1, so run order is selection order)."""

    def __init__(self, server: FakeOpenAIServer, responder: Any, affected: list[str]) -> None:
        super().__init__()
        self.server = server
        self.responder = responder
        self.before = SELECTED[SELECTED.index(affected[0]) - 1]
        self.last = affected[-1]
        self.on_result = self._on_result

    def _on_result(self, result: TestResult) -> None:
        if result.test_id == self.before:
            self.server.stop()
        elif result.test_id == self.last:
            self.server = FakeOpenAIServer(self.responder, port=self.server.port).start()


@pytest.mark.parametrize("fault", MATRIX, ids=_fault_id)
async def test_fault(
    fault: Fault,
    reference: ReferenceResponder,
    clean: dict[str, str],
    affected: list[str],
    started_servers: list[FakeOpenAIServer],
    tmp_path: Path,
) -> None:
    test_of = _test_of(reference)
    hooks: RunHooks | None = None
    if fault.name == "refused":
        server = FakeOpenAIServer(reference).start()
        hooks = _DownWhile(server, reference, affected)
        config = _config(server.base_url, tmp_path / "run", concurrency=1)
    else:
        responder = with_faults(
            reference, fault.name, only=lambda body: test_of(body) in affected, retry_after=fault.retry_after
        )
        server = FakeOpenAIServer(responder).start()
        config = _config(server.base_url, tmp_path / "run")
    started_servers.append(server)
    try:
        run = await run_benchmark(config, hooks=hooks)
    finally:
        if isinstance(hooks, _DownWhile):
            started_servers.append(hooks.server)

    assert run.info.finished_at, "the run must complete"
    results = {r.test_id: r for r in run.final_results()}
    assert sorted(results) == sorted(SELECTED)
    assert len(run.results) == len(SELECTED), "each test is recorded once"

    requests = Counter(test_of(body) for body in server.requests)
    for test_id in affected:
        result = results[test_id]
        assert result.outcome == "error", f"{test_id}: a fault was scored as {result.outcome}"
        assert result.error_type == fault.kind, (test_id, result.reason)
        assert fault.needle in result.reason, result.reason
        assert "\n" not in result.reason
        assert result.request.attempts == fault.attempts, (test_id, result.reason)
        if fault.name != "refused":
            assert requests[test_id] == fault.attempts, "attempts counted on the server"
        # The per-request deadline holds: no fault keeps a test longer than the total timeout.
        assert (result.request.total_s or 0) <= TOTAL_S + 1.0
    if fault.retry_after:
        waits = [results[t].request.retry_wait_s for t in affected]
        assert waits == [pytest.approx(RETRIES * fault.retry_after, abs=0.01)] * len(affected)

    for test_id in SELECTED:
        if test_id in affected:
            continue
        result = results[test_id]
        assert result.outcome == clean[test_id], f"{test_id} changed verdict: {result.reason}"
        assert result.request.ttft_s is not None and result.request.ttft_s < 1.0


async def test_retry_after_wait_stays_out_of_ttft(
    reference: ReferenceResponder, clean: dict[str, str], affected: list[str], tmp_path: Path
) -> None:
    # Each affected test gets one 429 with Retry-After: 1, then its normal answer.
    test_of = _test_of(reference)
    responder = with_faults(
        reference, "http_429", times=1, only=lambda body: test_of(body) in affected, retry_after=1.0
    )
    with FakeOpenAIServer(responder) as server:
        run = await run_benchmark(_config(server.base_url, tmp_path / "run"))
    results = {r.test_id: r for r in run.final_results()}
    assert {t: r.outcome for t, r in results.items()} == clean, "one 429 must not change any verdict"
    for test_id in affected:
        record = results[test_id].request
        assert record.attempts == 2
        assert record.retry_wait_s == pytest.approx(1.0, abs=0.01)
        assert record.ttft_s is not None and record.ttft_s < 0.5, "the 1 s wait leaked into TTFT"
        assert record.total_s is not None and record.total_s < 0.9
