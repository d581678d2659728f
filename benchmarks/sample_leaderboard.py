"""Produce the README's sample leaderboard: four runs against the loopback test server.

The "models" are the fake server answering each test with its reference answer or a near miss, with
scripted speeds. The numbers show what the tool prints; they say nothing about any real model.

    python benchmarks/sample_leaderboard.py [--out runs/sample] [--html report.html]
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import tempfile
from pathlib import Path

from homesec_bench.reports.cost import Price, PriceBook, load_prices
from homesec_bench.reports.html import write_report
from homesec_bench.reports.leaderboard import build_leaderboard, render
from homesec_bench.reports.summary import summarize
from homesec_bench.runner import EndpointConfig, RunConfig, run_benchmark
from homesec_bench.store import load_run
from homesec_bench.suites import load_benchmark
from homesec_bench.testing import FakeOpenAIServer, reference_responder

# name, locality, quantization, accuracy, first-token delay, token interval, rejects temperature
FAKE_MODELS = [
    ("fake-cloud-large", "cloud", None, 0.97, 0.060, 0.004, False),
    ("fake-local-9b", "local", "Q4_K_M", 0.93, 0.080, 0.010, False),
    ("fake-local-9b", "local", "IQ2_M", 0.88, 0.070, 0.008, False),
    ("fake-cloud-mini", "cloud", None, 0.90, 0.040, 0.002, True),
]


# Invented prices for the invented cloud models, so the sample shows the cost column.
SAMPLE_PRICES = [
    Price(provider="*", model="fake-cloud-large", input=2.0, output=8.0, source="sample", as_of="2026-11"),
    Price(provider="*", model="fake-cloud-mini", input=0.15, output=0.6, source="sample", as_of="2026-11"),
]


async def make_runs(out: Path) -> list[Path]:
    bench = load_benchmark()
    paths = []
    for i, (name, locality, quant, accuracy, first, interval, rejects) in enumerate(FAKE_MODELS):
        responder = reference_responder(
            bench,
            accuracy=accuracy,
            seed=i,
            reply_defaults={"first_token_delay_s": first, "token_interval_s": interval},
        )

        def respond(body, responder=responder, rejects=rejects):
            reply = responder(body)
            if rejects:
                reply.fault = "reject_param:temperature"
            return reply

        props = {"quantization": quant} if quant else None
        with FakeOpenAIServer(respond, models=(name,), props=props) as server:
            run_dir = out / f"{i}-{name}-{quant or 'api'}"
            shutil.rmtree(run_dir, ignore_errors=True)  # a fresh sample each time
            config = RunConfig(
                endpoint=EndpointConfig(base_url=server.base_url, locality=locality),
                out_dir=run_dir,
                concurrency=4,
            )
            await run_benchmark(config, bench=bench)
            paths.append(run_dir)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=None, help="where to keep the run directories")
    parser.add_argument("--html", type=Path, default=None, help="also write the HTML report here")
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="homesec-sample-"))
    paths = asyncio.run(make_runs(out))
    runs = [load_run(p) for p in paths]
    prices = PriceBook(prices=SAMPLE_PRICES + load_prices().prices)
    board = build_leaderboard([summarize(r) for r in runs], prices)
    print(render(board, "md"))
    if args.html:
        title = "homesec-bench sample (test server, not real models)"
        write_report(runs, args.html, title=title, prices=prices)
        print(f"\nHTML report: {args.html}")
    print(f"\nrun directories: {out}")


if __name__ == "__main__":
    main()
