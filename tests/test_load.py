"""Load: 5,000 requests at concurrency 64 against the loopback server complete, every one lands in
results.jsonl exactly once, and the harness's memory stays flat while they run.

The run itself is benchmarks/load_5000.py's (the same code prints the numbers in docs/performance.md);
it takes ~20-25 s on 2 shared cores, so CI runs the full 5,000.
"""

from __future__ import annotations

import importlib
import json
import threading
from pathlib import Path
from types import ModuleType

import pytest

from homesec_bench.models import RequestRecord, TestResult
from homesec_bench.store import RunWriter
from homesec_bench.store.run_dir import RESULTS_FILE
from homesec_bench.suites import load_benchmark

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
MIB = 1024 * 1024
REQUESTS = 5000
CONCURRENCY = 64
# Observed growth is under 1 MiB; keeping every result alive adds ~30 MiB by the last quarter.
MAX_GROWTH = 16 * MIB
MAX_LOOP_RSS_ABOVE_START = 96 * MIB


@pytest.fixture
def load(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    # The benchmark scripts import their sibling helper by name, as they do when run directly.
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    return importlib.import_module("load_5000")


@pytest.mark.timeout(240)
def test_5000_requests_at_concurrency_64_all_land_and_memory_stays_flat(load, tmp_path):
    with load.fake_server_process() as base_url:
        report = load.run_load(base_url, tmp_path / "run", requests=REQUESTS, concurrency=CONCURRENCY)
    print(report.summary())

    assert report.planned == REQUESTS
    assert report.complete, report.summary()
    assert report.lines == REQUESTS
    assert report.outcomes == {"pass": REQUESTS}, "a loaded run must not turn answers into errors"
    assert report.growth < MAX_GROWTH, report.summary()
    assert report.loop_peak - report.start_rss < MAX_LOOP_RSS_ABOVE_START, report.summary()
    # Every quarter was sampled, so the growth figure compares real measurements.
    assert all(report.quarter_peak(q) > 0 for q in range(4))


def test_plan_spreads_over_suites_and_hits_the_count(load):
    bench = load_benchmark()
    text = [t for t in bench.all_tests() if bench.suites[t.suite].modality == "text"]
    tests, repeat = load.plan(text, 5000)
    assert (len(tests), repeat) == (50, 100)
    assert len({t.suite for t in tests}) >= 10
    assert len({t.id for t in tests}) == len(tests)
    tests, repeat = load.plan(text, 97)
    assert len(tests) * repeat >= 97
    with pytest.raises(ValueError, match="repeats"):
        load.plan(text[:3], 5000)


def _result(test_id: str, attempt: int) -> TestResult:
    return TestResult(
        test_id=test_id, suite="s", attempt=attempt, outcome="pass", reason="ok", request=RequestRecord()
    )


def test_the_completeness_check_sees_missing_twice_and_torn_lines(load, tmp_path):
    bench = load_benchmark()
    tests = bench.all_tests()[:3]
    path = tmp_path / RESULTS_FILE
    lines = [
        _result(tests[0].id, 0).model_dump_json(),
        _result(tests[0].id, 0).model_dump_json(),  # twice
        _result(tests[1].id, 0).model_dump_json()[:40],  # torn by a crash
    ]  # tests[2] and tests[1] never landed whole
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    total, torn, distinct, twice, missing, outcomes = load.check_results(path, tests, 1)
    assert (total, torn, distinct, twice, missing) == (3, 1, 1, 1, 2)
    assert outcomes == {"pass": 2}


def test_concurrent_appends_each_return_only_once_their_line_is_on_disk(tmp_path, monkeypatch):
    """The store's group commit under many threads: an append returns only after an fsync that
    began with its line already flushed has finished; no line is lost, doubled or interleaved."""
    from homesec_bench.store import run_dir

    real_fsync = run_dir.os.fsync
    covered: list[int] = []  # file size at the start of each fsync, recorded once it has finished

    def recording_fsync(fd: int) -> None:
        size = run_dir.os.fstat(fd).st_size
        real_fsync(fd)
        covered.append(size)

    monkeypatch.setattr(run_dir.os, "fsync", recording_fsync)
    threads, per_thread = 16, 30
    path = tmp_path / RESULTS_FILE
    barrier = threading.Barrier(threads)
    problems: list[str] = []
    with RunWriter(tmp_path) as writer:

        def append_many(worker: int) -> None:
            try:
                barrier.wait(10)
                for n in range(per_thread):
                    writer.append(_result(f"t{worker}", n))
                    data = path.read_bytes()
                    marker = f'"test_id":"t{worker}","suite":"s","attempt":{n},'.encode()
                    end = data.index(b"\n", data.index(marker)) + 1
                    if max(covered, default=0) < end:
                        problems.append(f"t{worker}/{n} returned before an fsync covered it")
            except BaseException as exc:  # a thread's exception is otherwise lost
                problems.append(repr(exc))

        pool = [threading.Thread(target=append_many, args=(w,)) for w in range(threads)]
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join(60)
    assert not problems, problems[:3]
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == threads * per_thread
    keys = {(d["test_id"], d["attempt"]) for d in map(json.loads, lines)}
    assert keys == {(f"t{w}", n) for w in range(threads) for n in range(per_thread)}
    print(f"{len(covered)} fsyncs for {len(lines)} appends")
    assert 1 <= len(covered) <= len(lines)


def test_a_run_read_without_transcripts_summarises_the_same(tmp_path):
    from homesec_bench.reports.summary import summarize
    from homesec_bench.store import load_run
    from homesec_bench.testing.synthetic import make_info, result, write_run

    results = [
        result(
            "tool_use.a",
            "pass",
            request_body={
                "messages": [{"role": "user", "content": "x" * 500}],
                "tools": [{"type": "function"}],
                "seed": 1,
            },
        ),
        result("tool_use.b", "fail"),
        result("tool_use.c", "error"),
    ]
    path = write_run(tmp_path / "run", make_info("r", "m"), results)
    full, lean = load_run(path), load_run(path, transcripts=False)
    assert all(r.messages == [] for r in lean.results) and all(r.messages for r in full.results)
    assert lean.results[0].request.request_body == {"tools": [{"type": "function"}]}
    assert summarize(lean).model_dump(exclude={"path"}) == summarize(full).model_dump(exclude={"path"})
