"""Does the harness cost more per request when a sweep runs four endpoints at once?

    .venv/bin/python benchmarks/sweep_overhead.py [--rounds 3] [--endpoints 4] [--suite NAME ...]

Four loopback fake servers, each in its own process with zero delay (so everything this process
spends is the harness's own), answer the text tests. Three ways of running them are compared, each at
concurrency 1 within a run, as harness_overhead.py defines overhead:

    plain run     one run, exactly as `homesec-bench run` makes it (its own event loop)
    sweep x1      a sweep of one endpoint
    sweep xN      a sweep of N endpoints at once (provider_concurrency N): N runs in N processes

Per request (ms): CPU = CPU seconds of the harness (this process, and each endpoint run's own process,
whose CPU the sweep records; the servers run elsewhere) / requests; all-in = (the run's wall time from
run.json - time on the wire) / requests, per run; per-test = the same over the test loop only (first
test's start to last test's end), without a run's fixed start and end; TTFT p50 / p95 as the clients
measured it (with --delay-first D, the excess over D is the harness's and the machine's). Medians over
--rounds. Where N runs and N servers outnumber the cores, wall figures include the wait for a core;
CPU per request does not.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

from _loopback import fake_server_process

from homesec_bench.runner import EndpointConfig, RunConfig, run_benchmark
from homesec_bench.stats import percentile
from homesec_bench.store import LoadedRun, load_run
from homesec_bench.suites import load_benchmark
from homesec_bench.suites.loader import Benchmark
from homesec_bench.sweep import SweepHooks, make_executor, open_sweep, run_sweep


def _seconds(start: str, end: str) -> float:
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()


def run_figures(run: LoadedRun) -> tuple[int, float, float, list[float]]:
    """(requests, all-in harness seconds, test-loop harness seconds, TTFTs) of one run directory.

    all-in: the run's wall time from run.json less the time on the wire (warm-up included);
    test loop: from the first test's start to the last test's end, less the tests' time on the wire."""
    results = run.final_results()
    info = run.info
    warm = info.warmup.total_s if info.warmup and info.warmup.total_s else 0.0
    wire = sum(r.request.total_s or 0.0 for r in results)
    all_in = _seconds(info.started_at, info.finished_at or "") - wire - warm
    loop = _seconds(min(r.started_at for r in results), max(r.finished_at for r in results)) - wire
    ttfts = [r.request.ttft_s for r in results if r.request.ttft_s is not None]
    return len(results), all_in, loop, ttfts


def plain_run(
    bench: Benchmark, url: str, out: Path, suites: list[str] | None
) -> tuple[float, list[LoadedRun]]:
    config = RunConfig(endpoint=EndpointConfig(base_url=url), out_dir=out, suites=suites)
    cpu = time.process_time()
    run = asyncio.run(run_benchmark(config, bench=bench))
    return time.process_time() - cpu, [run]


def sweep_runs(
    bench: Benchmark, urls: list[str], out: Path, suites: list[str] | None
) -> tuple[float, list[LoadedRun]]:
    entries = "".join(f"  - base_url: {url}\n" for url in urls)
    selection = f"suites: {suites}\n" if suites else ""
    spec = out.parent / f"{out.name}.yaml"
    spec.write_text(f"{selection}provider_concurrency: {len(urls)}\nendpoints:\n{entries}")
    lock, marks = threading.Lock(), {"running": 0, "cpu": 0.0, "cpu_end": 0.0}

    def started(run: object, resumed: bool) -> None:
        with lock:
            if marks["running"] == 0:
                marks["cpu"] = time.process_time()
            marks["running"] += 1

    def ended(run: object, status: str, reason: str | None) -> None:
        with lock:
            marks["cpu_end"] = time.process_time()

    sweep = open_sweep(spec, out=out, bench=bench)
    result = run_sweep(sweep, make_executor("local"), SweepHooks(on_run_start=started, on_run_end=ended))
    # Each endpoint run has a process of its own: its CPU is in the sweep state, the supervising here.
    children = sum(getattr(record, "cpu_s", None) or 0.0 for record in result.records)
    return marks["cpu_end"] - marks["cpu"] + children, [load_run(out / run.name) for run in sweep.runs]


def measure(label: str, rounds: list[tuple[float, list[LoadedRun]]]) -> str:
    cpu_ms, all_in_ms, loop_ms, ttfts = [], [], [], []
    for cpu, runs in rounds:
        figures = [run_figures(run) for run in runs]
        requests = sum(f[0] for f in figures)
        cpu_ms.append(1000 * cpu / requests)
        all_in_ms.append(statistics.median(1000 * f[1] / f[0] for f in figures))
        loop_ms.append(statistics.median(1000 * f[2] / f[0] for f in figures))
        ttfts.extend(t for f in figures for t in f[3])
    ttft, ttft_p95 = statistics.median(ttfts) * 1000, (percentile(ttfts, 95) or 0.0) * 1000
    return (
        f"  {label:<10} {requests:>8} {statistics.median(cpu_ms):>8.2f} {statistics.median(all_in_ms):>9.2f} "
        f"{statistics.median(loop_ms):>11.2f} {ttft:>9.2f} {ttft_p95:>9.2f}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--endpoints", type=int, default=4)
    parser.add_argument("--suite", action="append", help="limit to these suites (default: every text test)")
    parser.add_argument("--delay-first", type=float, default=0.0, help="the servers' seconds to first token")
    parser.add_argument("--token-interval", type=float, default=0.0, help="the servers' seconds per token")
    args = parser.parse_args()
    bench = load_benchmark()
    suites = args.suite or [name for name, suite in bench.suites.items() if suite.modality == "text"]
    delays = ["--delay-first", str(args.delay_first), "--token-interval", str(args.token_interval)]
    with contextlib.ExitStack() as stack:
        urls = [
            stack.enter_context(fake_server_process("--model", f"fake-{i}", *delays))
            for i in range(args.endpoints)
        ]
        root = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="sweep-overhead-")))
        results: dict[str, list[tuple[float, list[LoadedRun]]]] = {
            "plain run": [],
            "sweep x1": [],
            "sweep xN": [],
        }
        plain_run(bench, urls[0], root / "warm-up", suites)  # lazy imports and caches, not counted
        for i in range(args.rounds):
            results["plain run"].append(plain_run(bench, urls[0], root / f"plain-{i}", suites))
            results["sweep x1"].append(sweep_runs(bench, urls[:1], root / f"one-{i}", suites))
            results["sweep xN"].append(sweep_runs(bench, urls, root / f"all-{i}", suites))
    print(
        f"harness cost per request (ms), median of {args.rounds} round(s); N = {args.endpoints} endpoints "
        f"at once; {os.cpu_count()} CPU(s), load average {os.getloadavg()[0]:.1f}"
    )
    print(
        f"  {'':<10} {'requests':>8} {'CPU':>8} {'all-in':>9} {'per-test':>11} {'TTFT p50':>9} "
        f"{'TTFT p95':>9}"
    )
    for label, rounds in results.items():
        print(measure(label.replace("xN", f"x{args.endpoints}"), rounds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
