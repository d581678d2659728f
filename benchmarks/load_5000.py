"""Load: thousands of requests at high concurrency against the loopback fake server, with this
process's memory sampled all along.

    .venv/bin/python benchmarks/load_5000.py [--requests 5000] [--concurrency 64] [--out DIR]

The run is made as the CLI makes it (`asyncio.run(run_benchmark(...))`), over a spread of text tests
with `repeat`, so request count = tests x repeat. A thread samples this process's RSS every
--sample-ms while the run goes on (with its grader process's: a concurrent run grades in a process
of its own, runner/grading.py), tagged with how many results were written by then. Reported:
the peak RSS during the test loop, the growth between the first and the last quarter of the results
(the peak of each quarter: a leak shows as growth, a flat line as ~0), and the peak while
`run_benchmark` reads the finished run back. Then results.jsonl is checked: one whole, parseable
line for every (test, attempt), none missing and none twice.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import json
import math
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import psutil
from _loopback import fake_server_process

from homesec_bench.models import TestCase, TestResult
from homesec_bench.runner import EndpointConfig, RunConfig, RunHooks, run_benchmark
from homesec_bench.store.run_dir import RESULTS_FILE
from homesec_bench.suites import load_benchmark
from homesec_bench.suites.loader import Benchmark

MAX_REPEAT = 100  # RunConfig's own limit
MIB = 1024 * 1024


def plan(tests: list[TestCase], requests: int) -> tuple[list[TestCase], int]:
    """Tests spread evenly over the benchmark and a repeat, with len(tests) * repeat >= requests,
    exact where a divisor allows (5000 = 50 tests x 100)."""
    if requests < 1 or not tests:
        raise ValueError("need at least one request and one test")
    smallest = math.ceil(requests / len(tests))
    if smallest > MAX_REPEAT:
        raise ValueError(f"{requests} requests need more than {MAX_REPEAT} repeats of {len(tests)} tests")
    repeat = next(
        (r for r in range(smallest, MAX_REPEAT + 1) if requests % r == 0 and requests // r <= len(tests)),
        smallest,
    )
    count = math.ceil(requests / repeat)
    chosen = [tests[(i * len(tests)) // count] for i in range(count)]
    return chosen, repeat


@dataclasses.dataclass
class Sample:
    at_s: float
    done: int
    rss: int


class RssSampler:
    """This process's RSS every `interval_s` (its grader process's added), with the number of results
    written at that moment."""

    def __init__(self, interval_s: float) -> None:
        self.interval_s = interval_s
        self.samples: list[Sample] = []
        self.done = 0
        self._process = psutil.Process()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="rss-sampler", daemon=True)
        self._start = time.perf_counter()

    def _sample(self) -> None:
        rss = self._process.memory_info().rss
        for child in self._process.children():
            # The fake server is a child too, but the server's memory is not the harness's.
            with contextlib.suppress(psutil.Error):
                if "homesec_bench.grader_process" in " ".join(child.cmdline()):
                    rss += child.memory_info().rss
        self.samples.append(Sample(time.perf_counter() - self._start, self.done, rss))

    def _loop(self) -> None:
        while not self._stop.wait(self.interval_s):
            self._sample()

    def __enter__(self) -> RssSampler:
        self._sample()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)
        self._sample()


@dataclasses.dataclass(repr=False)
class LoadReport:
    planned: int
    concurrency: int
    tests: int
    repeat: int
    wall_s: float
    loop_s: float
    lines: int
    torn_lines: int
    unique: int
    duplicates: int
    missing: int
    outcomes: dict[str, int]
    samples: list[Sample]
    loop_end_s: float

    def __repr__(self) -> str:
        return (
            f"LoadReport({self.planned} planned, {self.unique} landed, growth {self.growth / MIB:+.1f} MiB)"
        )

    @property
    def complete(self) -> bool:
        return self.unique == self.planned and not (self.duplicates or self.missing or self.torn_lines)

    def _loop_samples(self) -> list[Sample]:
        return [s for s in self.samples if s.at_s <= self.loop_end_s]

    def quarter_peak(self, quarter: int) -> int:
        """Peak RSS while results quarter*N/4 .. (quarter+1)*N/4 were being written."""
        low, high = quarter * self.planned / 4, (quarter + 1) * self.planned / 4
        inside = [s.rss for s in self._loop_samples() if low <= s.done < high]
        return max(inside, default=0)

    @property
    def growth(self) -> int:
        return self.quarter_peak(3) - self.quarter_peak(0)

    @property
    def loop_peak(self) -> int:
        return max((s.rss for s in self._loop_samples()), default=0)

    @property
    def overall_peak(self) -> int:
        return max((s.rss for s in self.samples), default=0)

    @property
    def start_rss(self) -> int:
        return self.samples[0].rss if self.samples else 0

    def summary(self) -> str:
        shown = ", ".join(f"{k} {v}" for k, v in sorted(self.outcomes.items()))
        return "\n".join(
            [
                f"{self.planned} requests ({self.tests} tests x repeat {self.repeat}) at concurrency "
                f"{self.concurrency}: {self.wall_s:.1f} s in all, test loop {self.loop_s:.1f} s "
                f"({self.planned / self.loop_s:.0f} requests/s)",
                f"results.jsonl: {self.lines} lines, {self.unique} distinct (test, attempt), "
                f"{self.missing} missing, {self.duplicates} twice, {self.torn_lines} unreadable; "
                f"outcomes: {shown}",
                f"RSS: {self.start_rss / MIB:.1f} MiB at the start, peak {self.loop_peak / MIB:.1f} MiB "
                f"during the test loop ({len(self._loop_samples())} samples)",
                "RSS by quarter of the results (peak of each): "
                + " / ".join(f"{self.quarter_peak(q) / MIB:.1f}" for q in range(4))
                + f" MiB; growth first -> last quarter {self.growth / MIB:+.1f} MiB",
                f"RSS peak {self.overall_peak / MIB:.1f} MiB including reading the finished run back "
                "(run_benchmark returns every result)",
            ]
        )


def check_results(path: Path, tests: list[TestCase], repeat: int) -> tuple[int, int, int, int, int, Counter]:
    """(lines, torn, distinct, twice, missing, outcomes) of a results.jsonl, read line by line."""
    wanted = {(t.id, a) for t in tests for a in range(repeat)}
    seen: Counter[tuple[str, int]] = Counter()
    outcomes: Counter[str] = Counter()
    lines = torn = 0
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            lines += 1
            try:
                result = TestResult.model_validate(json.loads(line))
            except ValueError:
                torn += 1
                continue
            seen[(result.test_id, result.attempt)] += 1
            outcomes[result.outcome] += 1
    distinct = len(set(seen) & wanted)
    twice = sum(n - 1 for n in seen.values() if n > 1)
    return lines, torn, distinct, twice, len(wanted - set(seen)), outcomes


def run_load(
    base_url: str,
    out_dir: Path,
    *,
    requests: int = 5000,
    concurrency: int = 64,
    sample_interval_s: float = 0.05,
    bench: Benchmark | None = None,
) -> LoadReport:
    bench = bench or load_benchmark()
    text = [t for t in bench.all_tests() if bench.suites[t.suite].modality == "text"]
    tests, repeat = plan(text, requests)
    config = RunConfig(
        endpoint=EndpointConfig(base_url=base_url),
        test_ids=[t.id for t in tests],
        repeat=repeat,
        concurrency=concurrency,
        out_dir=out_dir,
    )
    loop_start = loop_end = 0.0
    sampler = RssSampler(sample_interval_s)

    def on_plan(total: int, skipped: int) -> None:
        nonlocal loop_start
        loop_start = time.perf_counter()

    def on_result(result: TestResult) -> None:
        nonlocal loop_end
        sampler.done += 1
        loop_end = time.perf_counter()

    hooks = RunHooks(on_plan=on_plan, on_result=on_result)
    with sampler:
        start = time.perf_counter()
        asyncio.run(run_benchmark(config, bench=bench, hooks=hooks))
        wall = time.perf_counter() - start
    lines, torn, distinct, twice, missing, outcomes = check_results(out_dir / RESULTS_FILE, tests, repeat)
    return LoadReport(
        planned=len(tests) * repeat,
        concurrency=concurrency,
        tests=len(tests),
        repeat=repeat,
        wall_s=wall,
        loop_s=loop_end - loop_start,
        lines=lines,
        torn_lines=torn,
        unique=distinct,
        duplicates=twice,
        missing=missing,
        outcomes=dict(outcomes),
        samples=sampler.samples,
        loop_end_s=loop_end - sampler._start,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--sample-ms", type=float, default=50.0, help="RSS sampling interval")
    parser.add_argument("--out", type=Path, default=None, help="keep the run here (default: a temp dir)")
    args = parser.parse_args(argv)
    if args.requests < 1 or not 1 <= args.concurrency <= 256:
        parser.error("--requests must be at least 1 and --concurrency between 1 and 256")
    with fake_server_process() as base_url, tempfile.TemporaryDirectory() as tmp:
        out = args.out or Path(tmp) / "run"
        try:
            report = run_load(
                base_url,
                out,
                requests=args.requests,
                concurrency=args.concurrency,
                sample_interval_s=args.sample_ms / 1000,
            )
        except ValueError as exc:
            print(f"error: {exc}; choose another --requests", file=sys.stderr)
            return 2
        print(report.summary())
    if not report.complete:
        print("FAILED: results.jsonl does not hold every request exactly once", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
