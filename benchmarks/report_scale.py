"""How the HTML report scales: generation time, file size and, with chromium, time to open and filter.

    .venv/bin/python benchmarks/report_scale.py                      # 10 models x 5 repeats x 131 tests
    .venv/bin/python benchmarks/report_scale.py --models 3 --repeat 1 --no-browser
    .venv/bin/python benchmarks/report_scale.py --repeat 1 --budget   # issue 13: 10 runs x 131 tests

With --budget it exits 1 unless the first build in this process (template compiled, the cold case a
`report` command meets) takes under 2 s and the file is under 2 MB.

Runs are synthetic (seeded outcomes, timings and reasoning text; real PNG images for the vision tests),
written through the real run store, so this measures the report code and nothing else.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from homesec_bench.reports.html import build_report
from homesec_bench.reports.leaderboard import build_leaderboard, load_runs, to_markdown
from homesec_bench.reports.summary import summarize
from homesec_bench.testing.browser import find_chromium, open_page
from homesec_bench.testing.synthetic import make_test_ids, synthetic_run


def make_runs(root: Path, models: int, repeat: int, tests: int, reasoning_chars: int) -> float:
    started = time.perf_counter()
    ids = make_test_ids(tests)
    for i in range(models):
        synthetic_run(
            root / f"model-{i:02d}",
            f"model-{i:02d}",
            skill=0.55 + 0.04 * i,
            seed=i,
            repeat=repeat,
            tests=ids,
            locality="cloud" if i % 3 == 0 else "local",
            ttft_s=0.2 + 0.1 * i,
            decode_tps=20.0 + 15 * i,
            reasoning_chars=reasoning_chars,
        )
    return time.perf_counter() - started


async def browse(path: Path, workdir: Path) -> dict[str, float]:
    chromium = find_chromium()
    if chromium is None:
        return {}
    started = time.perf_counter()
    async with open_page(chromium, path.resolve().as_uri(), workdir) as page:
        if not await page.wait_ready(timeout=120):
            raise SystemExit("the report's script did not start in the browser")
        opened = time.perf_counter() - started
        filters = await page.eval(
            "(() => { const t = {};"
            " for (const v of ['failed', 'flaky', 'errors', 'all']) {"
            "   const s = performance.now(); document.querySelector('input[value=' + v + ']').click();"
            "   t[v] = performance.now() - s; }"
            " return t; })()"
        )
        search = await page.eval(
            "(() => { const s = document.getElementById('search'); const t = performance.now();"
            " s.value = 'suspicious'; s.dispatchEvent(new Event('input'));"
            " return new Promise(r => setTimeout(() => r(performance.now() - t - 150), 150)); })()"
        )
        heap = await page.eval("performance.memory ? performance.memory.usedJSHeapSize : null")
    return {
        "open_s": opened,
        **{f"filter_{k}_ms": v for k, v in filters.items()},
        "search_ms": max(0.0, search),
        "js_heap_mb": (heap or 0) / 1e6,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--tests", type=int, default=131)
    parser.add_argument("--reasoning-chars", type=int, default=600, help="reasoning text per answer")
    parser.add_argument("--rounds", type=int, default=3, help="report builds to time (median shown)")
    parser.add_argument("--no-browser", action="store_true", help="skip the chromium measurements")
    parser.add_argument("--keep", type=Path, help="write the report here instead of a temporary folder")
    parser.add_argument("--budget", action="store_true", help="fail unless cold build < 2 s and file < 2 MB")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="homesec-report-scale-") as tmp:
        root = Path(tmp)
        made = make_runs(root / "runs", args.models, args.repeat, args.tests, args.reasoning_chars)
        started = time.perf_counter()
        runs = load_runs([root / "runs"])
        loaded = time.perf_counter() - started
        results = sum(len(run.final_results()) for run in runs)

        started = time.perf_counter()
        to_markdown(build_leaderboard([summarize(run) for run in runs]))
        board_s = time.perf_counter() - started

        builds = []
        html = ""
        for _ in range(max(1, args.rounds)):
            started = time.perf_counter()
            html = build_report(runs)
            builds.append(time.perf_counter() - started)
        out = args.keep or root / "report.html"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(html, encoding="utf-8")
        raw = sum((run.path / "results.jsonl").stat().st_size for run in runs)

        print(f"runs: {args.models} models x {args.repeat} repeats x {args.tests} tests = {results} results")
        print(f"synthetic runs written in {made:.1f}s; results.jsonl total {raw / 1e6:.1f} MB")
        print(f"load all runs: {loaded:.2f}s; leaderboard: {board_s:.2f}s")
        median = statistics.median(builds)
        print(f"report build: first (cold) {builds[0]:.2f}s; median {median:.2f}s over {len(builds)}")
        size_mb = out.stat().st_size / 1e6
        print(f"report size: {size_mb:.2f} MB ({out})")
        if not args.no_browser:
            measured = asyncio.run(browse(out, root))
            if not measured:
                print("browser: chromium not found, skipped (apt-get install -y chromium)")
            for key, value in measured.items():
                print(f"browser {key}: {value:.2f}")
        if args.budget:
            ok = builds[0] < 2.0 and size_mb < 2.0
            print(f"budget (cold build < 2 s, file < 2 MB): {'met' if ok else 'MISSED'}")
            return 0 if ok else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
