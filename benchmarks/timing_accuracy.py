"""How closely the client's TTFT and decode tokens/s match a server whose timing is scripted.

    .venv/bin/python benchmarks/timing_accuracy.py [--repeat 5]

The loopback fake server waits a known time before the first token and between tokens; the client
measures both. The error printed is (measured - scripted) / scripted, per setting, as the median over
the repeats (the worst one beside it). Loopback adds well under a millisecond, so what remains is the
client's clock and the event loops' scheduling.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics

from homesec_bench.client import ChatClient
from homesec_bench.testing import FakeOpenAIServer, Reply, fixed

# (first-token delay s, pause between tokens s, tokens)
SETTINGS = [
    (0.05, 0.005, 100),
    (0.10, 0.010, 60),
    (0.30, 0.020, 40),
    (0.50, 0.050, 20),
    (1.00, 0.020, 50),
]
BODY = {"model": "fake-model", "messages": [{"role": "user", "content": "Describe the driveway."}]}


def _percent(measured: float, truth: float) -> float:
    return 100.0 * (measured - truth) / truth


async def measure(ttft: float, interval: float, tokens: int, repeat: int) -> tuple[list[float], list[float]]:
    content = " ".join(f"t{i}" for i in range(tokens))
    reply = Reply(content=content, first_token_delay_s=ttft, token_interval_s=interval)
    ttft_errors: list[float] = []
    tps_errors: list[float] = []
    with FakeOpenAIServer(fixed(reply)) as server:
        async with ChatClient(server.base_url) as client:
            await client.complete(BODY)  # warm the connection, as the runner's warm-up does
            for _ in range(repeat):
                record = await client.complete(BODY)
                if record.error or record.ttft_s is None or record.decode_tps is None:
                    raise SystemExit(f"request failed: {record.error}")
                ttft_errors.append(_percent(record.ttft_s, ttft))
                tps_errors.append(_percent(record.decode_tps, 1.0 / interval))
    return ttft_errors, tps_errors


def _worst(errors: list[float]) -> float:
    return max(errors, key=abs)


async def main(repeat: int) -> None:
    header = f"{'TTFT s':>7} {'tok/s':>6} {'N':>4} | {'TTFT err %':>10} {'worst':>7}"
    print(f"{header} | {'tok/s err %':>11} {'worst':>7}")
    for ttft, interval, tokens in SETTINGS:
        ttft_errors, tps_errors = await measure(ttft, interval, tokens, repeat)
        print(
            f"{ttft:7.2f} {1 / interval:6.0f} {tokens:4d} | "
            f"{statistics.median(ttft_errors):+10.2f} {_worst(ttft_errors):+7.2f} | "
            f"{statistics.median(tps_errors):+11.2f} {_worst(tps_errors):+7.2f}"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="requests per setting")
    asyncio.run(main(parser.parse_args().repeat))
