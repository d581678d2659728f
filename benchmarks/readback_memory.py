"""Memory of reading a finished run back: `load_run` + `summarize` on a large results.jsonl, measured in
a fresh process so that nothing else is counted.

    .venv/bin/python benchmarks/readback_memory.py [--run RUN_DIR] [--requests 5000]

Without --run, a run of --requests results is made first against the loopback fake server
(benchmarks/load_5000.py's run, which also prints the run's own peak RSS). Then a child process imports
the store and the summary, notes its RSS, reads the run back and summarises it, and reports its peak
RSS (ru_maxrss) and the time taken. Compare the peak with the run's own (load_5000: "peak ... during
the test loop").
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

MIB = 1024 * 1024

_CHILD = """
import json, resource, sys, time
import psutil
from homesec_bench.reports.summary import summarize
from homesec_bench.store import load_run
before = psutil.Process().memory_info().rss
start = time.perf_counter()
run = load_run(sys.argv[1], transcripts=sys.argv[2] == "full")
summary = summarize(run)
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"results": len(run.results), "tests": summary.overall.tests, "rss_before": before,
                  "peak": peak, "seconds": seconds}))
"""


def measure(run_dir: Path, mode: str) -> dict[str, float]:
    """Peak RSS of a fresh process that reads `run_dir` back and summarises it: `full` keeps every
    transcript (what the HTML report needs), `summary` reads without them (leaderboard, resume)."""
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(run_dir), mode], capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
    parser.add_argument("--run", type=Path, default=None, help="an existing run directory to read back")
    parser.add_argument("--requests", type=int, default=5000, help="results in the run made without --run")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        run_dir = args.run
        if run_dir is None:
            from _loopback import fake_server_process
            from load_5000 import run_load

            run_dir = Path(tmp) / "run"
            with fake_server_process() as base_url:
                report = run_load(base_url, run_dir, requests=args.requests)
            print(report.summary())
        size = (run_dir / "results.jsonl").stat().st_size
        for mode in ("full", "summary"):
            figures = measure(run_dir, mode)
            print(
                f"{mode:>7}: read back {figures['results']} results ({size / MIB:.1f} MiB of results.jsonl) "
                f"and summarised {figures['tests']} in {figures['seconds']:.2f} s: RSS "
                f"{figures['rss_before'] / MIB:.1f} MiB after imports, peak {figures['peak'] / MIB:.1f} MiB "
                f"(+{(figures['peak'] - figures['rss_before']) / MIB:.1f} MiB)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
