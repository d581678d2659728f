"""The whole text benchmark on the embedded default (SmolLM2-135M on a managed llama-server), timed.

    .venv/bin/python benchmarks/embedded_default.py [--suite NAME ...] [--out DIR] [--threads N]

Prints total time, TTFT average and p95, decode tokens/s from our clock next to llama-server's own
`timings` (and how far apart they are per request), prefill speed, prompt-cache reuse and the server's
peak memory. SmolLM2 is tiny: the verdicts show the pipeline working, they rank nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from homesec_bench.models import TestResult
from homesec_bench.runner import EndpointConfig, RunConfig, RunHooks, ServerControl, run_benchmark
from homesec_bench.server import (
    DEFAULT_MODEL_CAVEAT,
    ManagedLlamaServer,
    ServerSetupError,
    check_prompt_fidelity,
    default_model_path,
)
from homesec_bench.server.paths import available_cores
from homesec_bench.suites import load_benchmark


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]


def _mean(values: list[float]) -> float | None:
    return statistics.fmean(values) if values else None


def _fmt(value: float | None, unit: str = "", digits: int = 1) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}{unit}"


def summarise(results: list[TestResult]) -> dict[str, float | int | None]:
    requests = [r.request for r in results if r.outcome != "error"]
    ttft = [r.ttft_s for r in requests if r.ttft_s is not None]
    ours, theirs, gaps, prefill, cached, prompt = [], [], [], [], 0, 0
    for r in requests:
        timings = r.server_timings or {}
        server_tps = timings.get("predicted_per_second")
        if r.decode_tps and timings.get("predicted_n", 0) >= 8 and server_tps:
            # Short generations say little about decode speed on either clock.
            ours.append(r.decode_tps)
            theirs.append(float(server_tps))
            gaps.append(abs(r.decode_tps - server_tps) / server_tps)
        if timings.get("prompt_n", 0) >= 16 and timings.get("prompt_per_second"):
            prefill.append(float(timings["prompt_per_second"]))
        cached += int(timings.get("cache_n") or 0)
        prompt += int(timings.get("cache_n") or 0) + int(timings.get("prompt_n") or 0)
    outcomes = [r.outcome for r in results]
    return {
        "tests": len(results),
        "passed": outcomes.count("pass"),
        "failed": outcomes.count("fail"),
        "errors": outcomes.count("error"),
        "ttft_avg_s": _mean(ttft),
        "ttft_p95_s": _p95(ttft) if ttft else None,
        "ttft_n": len(ttft),
        "decode_ours_tps": _mean(ours),
        "decode_server_tps": _mean(theirs),
        "decode_gap_median": statistics.median(gaps) if gaps else None,
        "decode_gap_p95": _p95(gaps) if gaps else None,
        "decode_n": len(gaps),
        "prefill_server_tps": _mean(prefill),
        "prompt_cache_share": cached / prompt if prompt else None,
        "tokens_out": sum(r.output_tokens or 0 for r in requests),
        "tokens_in": sum(r.prompt_tokens or 0 for r in requests),
    }


async def _run(args: argparse.Namespace, out_dir: Path) -> int:
    server = ManagedLlamaServer(
        default_model_path(),
        ctx_size=args.ctx_size,
        threads=args.threads,
        parallel=args.concurrency,
        log=lambda line: print(line, file=sys.stderr),
    )
    t0 = time.perf_counter()
    async with server:
        started = time.perf_counter() - t0
        fidelity = check_prompt_fidelity(server.root_url)
        config = RunConfig(
            endpoint=EndpointConfig(base_url=server.base_url, model=server.model_name),
            suites=args.suite,
            out_dir=out_dir,
            concurrency=args.concurrency,
        )
        bench = load_benchmark()
        selected = [t for t in bench.select(args.suite) if bench.suites[t.suite].modality == "text"]
        done = 0

        def on_result(result: TestResult) -> None:
            nonlocal done
            done += 1
            line = f"  {done}/{len(selected)} tests done ({time.perf_counter() - t0:.0f} s)"
            if sys.stderr.isatty():
                print(f"\r{line}", end="", file=sys.stderr)  # one line that counts up
            else:
                print(f"{line}: {result.test_id} {result.outcome}", file=sys.stderr)  # a log reads per line

        control = ServerControl(pid=lambda: server.pid, is_alive=server.is_alive, restart=server.restart)
        t_run = time.perf_counter()
        run = await run_benchmark(config, hooks=RunHooks(on_result=on_result), server=control)
        run_s = time.perf_counter() - t_run
        if sys.stderr.isatty():
            print(file=sys.stderr)  # end the counting line
    total_s = time.perf_counter() - t0

    s = summarise(run.final_results())
    memory = run.info.memory
    if memory is None:
        peak = "not recorded by the runner"
    else:
        rss = f"{memory.rss_bytes / 2**20:.0f} MiB" if memory.rss_bytes is not None else "not read"
        gpu = f"{memory.gpu_bytes / 2**20:.0f} MiB" if memory.gpu_bytes is not None else "not read"
        peak = f"RSS {rss}, GPU {gpu}" + (f" ({memory.note})" if memory.note else "")
    gaps = (
        f"per-request gap median {_fmt(_pct(s['decode_gap_median']), '%')}, "
        f"p95 {_fmt(_pct(s['decode_gap_p95']), '%')}, n={s['decode_n']}"
    )
    rows = [
        ("run directory", str(run.path)),
        ("prompt fidelity", str(fidelity)),
        ("tests", f"{s['tests']} ({s['passed']} pass, {s['failed']} fail, {s['errors']} error)"),
        ("total time", f"{total_s:.1f} s (server start {started:.1f} s, run {run_s:.1f} s)"),
        (
            "TTFT avg / p95",
            f"{_fmt(s['ttft_avg_s'], ' s', 3)} / {_fmt(s['ttft_p95_s'], ' s', 3)} (n={s['ttft_n']})",
        ),
        (
            "decode tok/s ours/server",
            f"{_fmt(s['decode_ours_tps'])} / {_fmt(s['decode_server_tps'])} ({gaps})",
        ),
        ("prefill tok/s (server)", _fmt(s["prefill_server_tps"])),
        ("prompt tokens from cache", _fmt(_pct(s["prompt_cache_share"]), "%")),
        ("tokens in / out", f"{s['tokens_in']} / {s['tokens_out']}"),
        ("peak memory", peak),
    ]
    cores = available_cores()
    print(
        f"embedded default: {server.model_name} on llama-server, {server.threads} threads of {cores} cores, "
        f"ctx {args.ctx_size}"
    )
    print(f"  {DEFAULT_MODEL_CAVEAT}")
    for label, value in rows:
        print(f"  {label:<26}{value}")
    return 0


def _pct(value: float | int | None) -> float | None:
    return None if value is None else 100 * value


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--suite", action="append", help="only this suite (repeatable); default: all text")
    parser.add_argument("--out", type=Path, help="run directory (default: a temporary one)")
    parser.add_argument("--threads", type=int, help="llama-server threads (default: the idle cores)")
    parser.add_argument("--ctx-size", type=int, default=8192)
    parser.add_argument("--concurrency", type=int, default=1, help="requests in flight = server slots")
    args = parser.parse_args()
    try:
        if args.out:
            return asyncio.run(_run(args, args.out))
        with tempfile.TemporaryDirectory(prefix="homesec-embedded-") as tmp:
            return asyncio.run(_run(args, Path(tmp) / "run"))
    except ServerSetupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
