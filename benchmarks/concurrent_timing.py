"""How much a concurrent run's own work (grading, records) inflates the TTFT it measures.

    .venv/bin/python benchmarks/concurrent_timing.py [--concurrency 1 4 8] [--rounds 3] [--ttft 0.2]
        [--src DIR]

Every text test runs against the loopback fake server in a process of its own, which waits exactly
--ttft seconds before each first token. Each run is a fresh process, as a `homesec-bench run` is (the
graders' first import falls inside it). The table shows, per concurrency, how far the measured TTFTs
lie above the scripted one (median, 90th percentile and worst, in milliseconds, over all results of
--rounds runs), once as shipped and once with the graders replaced by a constant verdict (in the run's
process only), so the difference is what grading costs the streams in flight.

--src DIR runs the package found in DIR (a `src` folder, e.g. of an older checkout made with
`git archive <rev> src | tar -x -C /tmp/old`) instead of the installed one, for a before and after.

At concurrency 1 nothing else is in flight, so the excess is the client's and loopback's own. Above it,
whatever the run does on the event loop, or on a thread that holds the interpreter lock, while another
stream waits for its first token lands in that stream's TTFT. A machine busy with other work adds its
own; compare rows measured together.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from _loopback import fake_server_process

from homesec_bench.models import Verdict
from homesec_bench.runner import EndpointConfig, RunConfig, run_sync
from homesec_bench.suites import load_benchmark

TOKEN_INTERVAL_S = 0.002


@contextlib.contextmanager
def graders_off() -> Iterator[None]:
    """Every answer gets a constant verdict, in this process (no grader process is started)."""
    import homesec_bench.graders as graders
    from homesec_bench.runner import engine

    saved = graders.grade_answer
    saved_grader = getattr(engine, "answer_grader", None)  # absent in versions that graded in place

    def constant(*args: Any, **kwargs: Any) -> Verdict:
        return Verdict(passed=True, reason="not graded (benchmark)")

    graders.grade_answer = constant
    if saved_grader is not None:
        # The serial run's grader, which grades in place with the (constant) grade_answer.
        engine.answer_grader = lambda bench, concurrency: saved_grader(bench, 1)  # type: ignore[attr-defined]
    try:
        yield
    finally:
        graders.grade_answer = saved
        if saved_grader is not None:
            engine.answer_grader = saved_grader  # type: ignore[attr-defined]


def one_run(url: str, concurrency: int, out: Path, grading: bool) -> None:
    """In the run's own process: run every text test and write the measured TTFTs as JSON to stdout."""
    suites = [name for name in load_benchmark().suites if name != "vision"]
    config = RunConfig(
        endpoint=EndpointConfig(base_url=url, model="fake-model"),
        out_dir=out,
        suites=suites,
        concurrency=concurrency,
    )
    with graders_off() if not grading else contextlib.nullcontext():
        run = run_sync(config)
    print(json.dumps([r.request.ttft_s for r in run.final_results() if r.request.ttft_s is not None]))


def excess_ms(url: str, concurrency: int, ttft: float, grading: bool, src: Path | None) -> list[float]:
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = str(src)
    with tempfile.TemporaryDirectory() as out:
        command = [sys.executable, __file__, "--one-run", url, str(concurrency), str(Path(out) / "run")]
        done = subprocess.run(
            [*command, *([] if grading else ["--no-grading"])], env=env, capture_output=True, text=True
        )
    if done.returncode != 0:
        raise SystemExit(f"the run failed ({done.returncode}): {done.stderr[-800:]}")
    measured = json.loads(done.stdout.strip().splitlines()[-1])
    if not measured:
        raise SystemExit("no result has a TTFT; run the fake server by hand to see why")
    return [(t - ttft) * 1000.0 for t in measured]


def _row(label: str, errors: list[float]) -> str:
    errors = sorted(errors)
    p90 = errors[min(len(errors) - 1, int(0.9 * len(errors)))]
    return f"{label:32} {statistics.median(errors):7.1f} {p90:7.1f} {errors[-1]:7.1f}   n={len(errors)}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4, 8])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--ttft", type=float, default=0.2, help="the server's scripted TTFT, seconds")
    parser.add_argument("--src", type=Path, default=None, help="measure the package in this src folder")
    parser.add_argument("--one-run", nargs=3, metavar=("URL", "CONCURRENCY", "OUT"), help=argparse.SUPPRESS)
    parser.add_argument("--no-grading", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one_run:
        url, concurrency, out = args.one_run
        one_run(url, int(concurrency), Path(out), grading=not args.no_grading)
        return 0
    print(f"TTFT above the scripted {args.ttft:g} s, in ms, over {args.rounds} runs of every text test")
    print(f"{'':32} {'median':>7} {'p90':>7} {'worst':>7}")
    server_args = ("--delay-first", str(args.ttft), "--token-interval", str(TOKEN_INTERVAL_S))
    with fake_server_process(*server_args) as url:
        for concurrency in args.concurrency:
            for grading in (True, False):
                errors: list[float] = []
                for _ in range(args.rounds):
                    errors += excess_ms(url, concurrency, args.ttft, grading, args.src)
                label = f"concurrency {concurrency}" + ("" if grading else ", no grading")
                print(_row(label, errors), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
