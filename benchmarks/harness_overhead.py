"""What the harness itself costs per request, where that time goes, and how a run scales with
--concurrency.

    .venv/bin/python benchmarks/harness_overhead.py [--rounds 3] [--concurrency 1 2 4 8 16]
        [--repeat 1] [--delay-first 0] [--no-vision] [--profile] [--out-root DIR]

The whole benchmark (every text test, and the vision suite when the benchmark has it, with the same
server as the vision endpoint) runs against the loopback fake server in a separate process with zero
delay, so everything this process spends is the harness's own cost.

Overhead, defined at concurrency 1 where requests do not overlap:

    wire       sum over results of the client-measured total_s (send to end of stream), plus the
               warm-up request's: the time a request spends with the server
    all-in     (run wall time - wire) / requests: every fixed cost (endpoint discovery, warm-up
               bookkeeping, run.json, reading the run back) spread over the requests
    per-test   (wall time of the test loop - wire) / requests: what each further test adds
    CPU        CPU seconds of this process / requests (the server runs elsewhere, so all of it is
               harness work, the client's own parsing inside total_s included)

Each stage is timed in wall and CPU seconds: request building, the client outside the wire, grading,
the transcript and result record, and the store split into serialising, writing and fsync. A second
pass with fsync switched off (in this benchmark only) shows what durability costs on this disk.
Medians over --rounds runs; the machine is assumed noisy.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import dataclasses
import io
import os
import pstats
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from _loopback import fake_server_process

from homesec_bench.client import ChatClient
from homesec_bench.client.openai_chat import OpenAIChatBackend
from homesec_bench.models import TestResult
from homesec_bench.runner import EndpointConfig, RunConfig, engine, run_benchmark
from homesec_bench.stats import percentile
from homesec_bench.store import LoadedRun, RunWriter, run_dir
from homesec_bench.suites import load_benchmark
from homesec_bench.suites.loader import Benchmark

TYPICAL_LOCAL_REQUEST_S = (2.0, 5.0)
TARGET_MS = 2.0
_CONCURRENCY = [1, 2, 4, 8, 16]


# ------------------------------------------------------------------------------------ stage timers


@dataclasses.dataclass
class Stage:
    wall: float = 0.0
    cpu: float = 0.0
    calls: int = 0


class Stages:
    """Wall and CPU time per stage. CPU is this thread's: the event loop's, where the stages run."""

    def __init__(self) -> None:
        self.stages: dict[str, Stage] = defaultdict(Stage)
        # Set while a result is being appended, so fsyncs of run.json are told apart.
        self.appending = threading.local()

    @contextlib.contextmanager
    def timed(self, name: str) -> Iterator[None]:
        wall, cpu = time.perf_counter(), time.thread_time()
        try:
            yield
        finally:
            stage = self.stages[name]
            stage.wall += time.perf_counter() - wall
            stage.cpu += time.thread_time() - cpu
            stage.calls += 1

    def wrap(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed_call(*args: Any, **kwargs: Any) -> Any:
            with self.timed(name):
                return fn(*args, **kwargs)

        return timed_call


class _StoreOs:
    """Stands in for `os` inside the store module: fsync timed, or skipped (this benchmark only)."""

    def __init__(self, stages: Stages | None, fsync: bool) -> None:
        self._stages = stages
        self._fsync = fsync

    def __getattr__(self, name: str) -> Any:
        return getattr(os, name)

    def fsync(self, fd: int) -> None:
        if not self._fsync:
            return
        if self._stages is None:
            os.fsync(fd)
            return
        appending = getattr(self._stages.appending, "active", False)
        with self._stages.timed("store: fsync" if appending else "store: run.json fsync"):
            os.fsync(fd)


@contextlib.contextmanager
def store_fsync(stages: Stages | None, *, fsync: bool) -> Iterator[None]:
    if stages is None and fsync:
        yield  # the store exactly as shipped
        return
    saved = run_dir.os
    run_dir.os = _StoreOs(stages, fsync)  # type: ignore[assignment]
    try:
        yield
    finally:
        run_dir.os = saved


@contextlib.contextmanager
def instrumented(stages: Stages) -> Iterator[None]:
    """Time the runner's stages by wrapping the names engine.py and the OpenAI backend call them by
    (this process only)."""
    import homesec_bench.graders as graders

    # engine.py imports grade_answer from the graders package when it grades its first answer (so
    # that start-up does not wait for the graders): wrap it there.
    owners = {"grade_answer": graders, "TestResult": engine}
    names = {"grade_answer": "grading", "TestResult": "transcript + record"}
    methods = {
        "build_request": "request building",
        "transcript": "transcript + record",
        "redact_images": "transcript + record",
    }
    missing = [n for n in names if not hasattr(owners[n], n)]
    missing += [m for m in methods if not hasattr(OpenAIChatBackend, m)]
    if missing:
        raise SystemExit(f"the runner no longer has {', '.join(missing)}; update this benchmark's timers")
    saved = {n: getattr(owners[n], n) for n in names}
    saved_methods = {m: getattr(OpenAIChatBackend, m) for m in methods}
    original_complete = ChatClient.complete
    original_append = RunWriter.append

    def append(self: RunWriter, result: TestResult) -> None:
        stages.appending.active = True
        try:
            with stages.timed("store: append (all)"):
                original_append(self, result)
        finally:
            stages.appending.active = False

    async def complete(self: ChatClient, body: dict[str, Any]) -> Any:
        wall, cpu = time.perf_counter(), time.thread_time()
        record = await original_complete(self, body)
        # Wall: what the client spends outside its own send-to-end clock (the rest is the wire).
        # CPU: all of the client's work, the SSE parsing inside the wire included. Other tasks that
        # ran meanwhile would be counted too, so both are only meaningful at concurrency 1.
        outside = stages.stages["client: outside the wire"]
        outside.wall += time.perf_counter() - wall - (record.total_s or 0.0)
        outside.calls += 1
        whole = stages.stages["client: whole request (CPU)"]
        whole.cpu += time.thread_time() - cpu
        whole.calls += 1
        return record

    try:
        for name, stage in names.items():
            setattr(owners[name], name, stages.wrap(stage, saved[name]))
        for name, stage in methods.items():
            setattr(OpenAIChatBackend, name, stages.wrap(stage, saved_methods[name]))
        ChatClient.complete = complete  # type: ignore[method-assign]
        RunWriter.append = append  # type: ignore[method-assign]
        yield
    finally:
        for name, fn in saved.items():
            setattr(owners[name], name, fn)
        for name, fn in saved_methods.items():
            setattr(OpenAIChatBackend, name, fn)
        ChatClient.complete = original_complete  # type: ignore[method-assign]
        RunWriter.append = original_append  # type: ignore[method-assign]


# ------------------------------------------------------------------------------------ one run


@dataclasses.dataclass
class RunMeasure:
    concurrency: int
    requests: int
    outcomes: dict[str, int]
    wall_s: float
    loop_s: float
    wire_s: float
    warmup_wire_s: float
    cpu_s: float
    ttfts: list[float]
    stages: dict[str, Stage]

    @property
    def all_in_ms(self) -> float:
        return 1000 * (self.wall_s - self.wire_s - self.warmup_wire_s) / self.requests

    @property
    def per_test_ms(self) -> float:
        return 1000 * (self.loop_s - self.wire_s) / self.requests

    @property
    def fixed_s(self) -> float:
        return self.wall_s - self.loop_s - self.warmup_wire_s

    @property
    def cpu_ms(self) -> float:
        return 1000 * self.cpu_s / self.requests


def fsync_probe(directory: Path, count: int = 200) -> tuple[float, float]:
    """Median and p95 seconds of append + fsync of a result-sized line: the disk's part, apart."""
    path = directory / "fsync-probe.jsonl"
    times = []
    with open(path, "a", encoding="utf-8") as handle:
        for _ in range(count):
            handle.write("x" * 4000 + "\n")
            handle.flush()
            start = time.perf_counter()
            os.fsync(handle.fileno())
            times.append(time.perf_counter() - start)
    path.unlink()
    return statistics.median(times), _p95(times)


def measure_run(
    bench: Benchmark,
    base_url: str,
    out_dir: Path,
    *,
    concurrency: int,
    repeat: int,
    vision: bool,
    fsync: bool = True,
    timers: bool = False,
) -> RunMeasure:
    """One run as the CLI makes it. `timers` wraps the stages (which costs ~0.1 ms per request in
    clock reads, so the headline figures come from runs without them)."""
    endpoint = EndpointConfig(base_url=base_url)
    config = RunConfig(
        endpoint=endpoint,
        vision_endpoint=endpoint if vision else None,
        out_dir=out_dir,
        concurrency=concurrency,
        repeat=repeat,
    )
    stages = Stages()
    loop_s = 0.0
    timing = instrumented(stages) if timers else contextlib.nullcontext()
    original_run_jobs = engine._Runner.run_jobs

    async def run_jobs(self: Any, jobs: list[Any], endpoint: Any) -> None:
        nonlocal loop_s
        start = time.perf_counter()
        await original_run_jobs(self, jobs, endpoint)
        loop_s += time.perf_counter() - start

    engine._Runner.run_jobs = run_jobs  # type: ignore[method-assign]
    try:
        with timing, store_fsync(stages if timers else None, fsync=fsync):
            cpu, wall = time.process_time(), time.perf_counter()
            # One event loop per run, exactly as the CLI does it (its set-up and tear-down count).
            run: LoadedRun = asyncio.run(run_benchmark(config, bench=bench))
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    finally:
        engine._Runner.run_jobs = original_run_jobs  # type: ignore[method-assign]
    results = run.final_results()
    outcomes = {o: sum(r.outcome == o for r in results) for o in ("pass", "fail", "error")}
    warm = run.info.warmup.total_s if run.info.warmup and run.info.warmup.total_s else 0.0
    wire = sum(r.request.total_s or 0.0 for r in results)
    if timers:
        _split_store(stages, results)
    return RunMeasure(
        concurrency=concurrency,
        requests=len(results),
        outcomes=outcomes,
        wall_s=wall,
        loop_s=loop_s,
        wire_s=wire,
        warmup_wire_s=warm,
        cpu_s=cpu,
        ttfts=[r.request.ttft_s for r in results if r.request.ttft_s is not None],
        stages=dict(stages.stages),
    )


def _split_store(stages: Stages, results: list[TestResult]) -> None:
    """Show the store's append as serialising, writing and fsync (serialising is re-measured on the
    same results afterwards, so the shipped append runs untouched)."""
    append = stages.stages.pop("store: append (all)", None)
    if append is None:
        return
    fsync = stages.stages.get("store: fsync", Stage())
    with stages.timed("store: serialise"):
        for result in results:
            result.model_dump_json()
    serialise = stages.stages["store: serialise"]
    stages.stages["store: write+flush"] = Stage(
        wall=max(0.0, append.wall - fsync.wall - serialise.wall),
        cpu=max(0.0, append.cpu - fsync.cpu - serialise.cpu),
        calls=append.calls,
    )


# ------------------------------------------------------------------------------------ report


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def _p95(values: list[float]) -> float:
    # The reports' nearest-rank percentile, so this benchmark's p95 means what theirs does.
    p95 = percentile(values, 95)
    return float("nan") if p95 is None else p95


def stage_table(runs: list[RunMeasure]) -> str:
    requests = runs[0].requests
    names = sorted(
        {n for r in runs for n in r.stages},
        key=lambda n: (
            -max(_median([_stage(r, n) for r in runs]), _median([_stage(r, n, cpu=True) for r in runs]))
        ),
    )
    lines = [f"  {'stage':<28} {'wall ms/req':>11} {'CPU ms/req':>10}"]
    for name in names:
        wall = _median([_stage(r, name) for r in runs]) * 1000 / requests
        cpu = _median([_stage(r, name, cpu=True) for r in runs]) * 1000 / requests
        lines.append(f"  {name:<28} {_ms(wall):>11} {_ms(cpu):>10}")
    return "\n".join(lines)


def _ms(value: float) -> str:
    return f"{value:.3f}" if value else "-"


def _stage(run: RunMeasure, name: str, *, cpu: bool = False) -> float:
    stage = run.stages.get(name)
    if stage is None:
        return 0.0
    return stage.cpu if cpu else stage.wall


def overhead_summary(label: str, runs: list[RunMeasure]) -> str:
    all_in = _median([r.all_in_ms for r in runs])
    per_test = _median([r.per_test_ms for r in runs])
    cpu = _median([r.cpu_ms for r in runs])
    wall = _median([r.wall_s for r in runs])
    wire = _median([r.wire_s + r.warmup_wire_s for r in runs])
    total_overhead = _median([r.wall_s - r.wire_s - r.warmup_wire_s for r in runs])
    fixed = _median([r.fixed_s for r in runs])
    lines = [
        f"{label}: {runs[0].requests} requests, median of {len(runs)} run(s)",
        f"  run wall {wall:.3f} s, on the wire {wire:.3f} s, harness total {total_overhead:.3f} s "
        f"(of which {fixed:.3f} s fixed per run: set-up, run.json, reading the run back)",
        f"  harness per request: all-in {all_in:.2f} ms, per further test {per_test:.2f} ms, "
        f"CPU {cpu:.2f} ms (target < {TARGET_MS:g} ms)",
    ]
    for typical in TYPICAL_LOCAL_REQUEST_S:
        lines.append(
            f"  against a {typical:g} s local-model request: all-in {100 * all_in / 1000 / typical:.3f} %, "
            f"per test {100 * per_test / 1000 / typical:.3f} %"
        )
    return "\n".join(lines)


def scaling_table(by_concurrency: dict[int, list[RunMeasure]]) -> str:
    base = _median([r.wall_s for r in by_concurrency[min(by_concurrency)]])
    lines = [
        f"  {'conc':>4} {'wall s':>7} {'req/s':>7} {'speed-up':>8} {'CPU ms/req':>10} "
        f"{'TTFT p50 ms':>11} {'TTFT p95 ms':>11} {'outcomes':>20}"
    ]
    for concurrency, runs in sorted(by_concurrency.items()):
        wall = _median([r.wall_s for r in runs])
        requests = runs[0].requests
        ttfts = [t for r in runs for t in r.ttfts]
        outcomes = runs[-1].outcomes
        shown = "/".join(str(outcomes[o]) for o in ("pass", "fail", "error"))
        lines.append(
            f"  {concurrency:>4} {wall:7.3f} {requests / wall:7.1f} {base / wall:7.2f}x "
            f"{_median([r.cpu_ms for r in runs]):10.2f} {1000 * _median(ttfts):11.2f} "
            f"{1000 * _p95(ttfts):11.2f} {shown:>20}"
        )
    lines.append("  (outcomes: pass/fail/error of the last run; TTFT as the client measured it)")
    return "\n".join(lines)


def profile_report(profile: cProfile.Profile, top: int = 15) -> str:
    """Own time by area of the code, then the hottest functions."""
    stats = pstats.Stats(profile)
    areas: dict[str, float] = defaultdict(float)
    total = 0.0
    for (filename, _line, name), (_cc, _nc, own, _cum, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        total += own
        areas[_area(filename, name)] += own
    lines = ["  own time by area (profiled, so slower than real; shares are what count):"]
    for area, own in sorted(areas.items(), key=lambda kv: -kv[1]):
        lines.append(f"    {area:<28} {100 * own / total:5.1f} %")
    buffer = io.StringIO()
    pstats.Stats(profile, stream=buffer).sort_stats("tottime").print_stats(top)
    body = buffer.getvalue()
    start = body.find("   ncalls")
    lines.append(body[start:].rstrip() if start >= 0 else body.rstrip())
    return "\n".join(lines)


def _area(filename: str, name: str) -> str:
    if name in {"<built-in method posix.fsync>"}:
        return "fsync"
    if name.startswith("<method 'poll'") or "selectors" in filename:
        return "waiting for the server (poll)"
    for key, area in (
        ("homesec_bench/client", "client (SSE, accumulate)"),
        ("homesec_bench/graders", "graders"),
        ("homesec_bench/vision", "vision (images, grading)"),
        ("homesec_bench/store", "store"),
        ("homesec_bench/runner", "runner"),
        ("jsonschema", "jsonschema"),
        ("referencing", "jsonschema"),
        ("pydantic", "pydantic"),
        ("aiohttp", "aiohttp"),
        ("asyncio", "asyncio"),
        ("json/", "json"),
        ("PIL", "images (Pillow)"),
        ("psutil", "psutil (server pid, memory)"),
        ("/re/", "regular expressions"),
    ):
        if key in filename:
            return area
    if "socket" in name or "send" in name or "recv" in name:
        return "sockets"
    if filename == "~":
        return "builtins (isinstance, str, dict...)"
    return "other (stdlib, threads)"


# ------------------------------------------------------------------------------------ main


def main(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    bench = load_benchmark()
    load_s = time.perf_counter() - started
    # The suites are loaded once, so every run of this invocation sends the same tests.
    vision = not args.no_vision and any(s.modality == "vision" for s in bench.suites.values())
    print(f"benchmark loaded in {load_s:.2f} s (once per process, not counted below)")
    print(
        "vision suite: "
        + ("included, same fake server as the vision endpoint" if vision else "not present, text only")
    )
    print(
        f"machine: {os.cpu_count()} CPU(s), Python {sys.version.split()[0]}, load average "
        f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}\n"
    )

    out_root = args.out_root
    if out_root is not None:
        # A folder the user names but has not made yet is made, as `run --out` does.
        out_root.mkdir(parents=True, exist_ok=True)
    with (
        fake_server_process("--delay-first", str(args.delay_first)) as base_url,
        tempfile.TemporaryDirectory(dir=out_root) as tmp,
    ):
        root = Path(tmp)
        counter = iter(range(1_000_000))

        def one(concurrency: int, *, fsync: bool = True, timers: bool = False) -> RunMeasure:
            return measure_run(
                bench,
                base_url,
                root / f"run-{next(counter)}",
                concurrency=concurrency,
                repeat=args.repeat,
                vision=vision,
                fsync=fsync,
                timers=timers,
            )

        one(1)  # first run pays imports and caches; not counted
        probes = [fsync_probe(root)]
        by_concurrency: dict[int, list[RunMeasure]] = defaultdict(list)
        no_fsync: list[RunMeasure] = []
        timed: list[RunMeasure] = []
        for _ in range(args.rounds):
            # Interleaved, so that a burst of load from elsewhere hits every setting alike.
            for concurrency in args.concurrency:
                by_concurrency[concurrency].append(one(concurrency))
            if 1 in args.concurrency:
                no_fsync.append(one(1, fsync=False))
                timed.append(one(1, timers=True))
        probes.append(fsync_probe(root))
        print(
            "disk, append + fsync of a 4 kB line, before / after the runs: "
            + " / ".join(f"median {1000 * m:.2f} ms, p95 {1000 * p:.2f} ms" for m, p in probes)
            + "\n"
        )

        if 1 in by_concurrency:
            serial = by_concurrency[1]
            print(overhead_summary("concurrency 1, fsync per result (as shipped)", serial))
            print("  where it goes (separate runs with stage timers):")
            print(stage_table(timed))
            print()
            print(overhead_summary("concurrency 1, fsync off (this benchmark only)", no_fsync))
            fsync_ms = _median([r.all_in_ms for r in serial]) - _median([r.all_in_ms for r in no_fsync])
            print(f"  => fsync per result: {fsync_ms:.2f} ms here (difference of two noisy medians)\n")
        print(f"scaling with --concurrency (delay before first token: {args.delay_first:g} s):")
        print(scaling_table(by_concurrency))

        if args.profile:
            profile = cProfile.Profile()
            profile.enable()
            one(1)
            profile.disable()
            print("\nprofile of one run at concurrency 1:")
            print(profile_report(profile))
    return 0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
    parser.add_argument("--rounds", type=int, default=3, help="runs per setting (the median is shown)")
    parser.add_argument("--concurrency", type=int, nargs="+", default=_CONCURRENCY)
    parser.add_argument("--repeat", type=int, default=1, help="attempts per test (more requests per run)")
    parser.add_argument("--delay-first", type=float, default=0.0, help="server delay before the first token")
    parser.add_argument("--no-vision", action="store_true", help="text tests only")
    parser.add_argument("--profile", action="store_true", help="cProfile one run at concurrency 1")
    parser.add_argument(
        "--out-root",
        type=Path,
        default=None,
        help="where the run directories go (fsync cost is the disk's: measure on the one you use)",
    )
    args = parser.parse_args(argv)
    if args.rounds < 1 or args.repeat < 1 or any(c < 1 for c in args.concurrency):
        parser.error("--rounds, --repeat and every --concurrency must be at least 1")
    return args


if __name__ == "__main__":
    sys.exit(main(parse_args()))
