"""Synthetic run directories, written through the real store, for report tests and the scale benchmark.

Nothing here talks to a model: outcomes and timings are drawn from a seeded generator so a report can
be exercised at any size (10 models x 5 repeats x 131 tests) in seconds, and reproduced exactly.
"""

from __future__ import annotations

import base64
import io
import random
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from homesec_bench.models import EndpointInfo, MemoryPeak, RequestRecord, RunInfo, TestResult
from homesec_bench.store import RunWriter
from homesec_bench.suites.loader import SUITE_ORDER

BASE_TIME = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
SYSTEM_PROMPT = (
    "You are the household's security assistant. Cameras: front_door, driveway, back_garden, garage. "
    "Residents: Maya, Tom and their dog Biscuit. Answer briefly, in JSON when asked. " * 8
)


def make_info(
    run_id: str,
    model: str,
    *,
    locality: str = "local",
    quantization: str | None = None,
    base_url: str = "http://127.0.0.1:8080/v1",
    repeat: int = 1,
    benchmark_hash: str = "bench-hash-1",
    benchmark_version: str = "1.0",
    test_hashes: dict[str, str] | None = None,
    duration_s: float | None = 300.0,
    memory: MemoryPeak | None = None,
) -> RunInfo:
    return RunInfo(
        run_id=run_id,
        harness_version="0.1.0",
        benchmark_version=benchmark_version,
        benchmark_hash=benchmark_hash,
        test_hashes=test_hashes or {},
        endpoint=EndpointInfo(base_url=base_url, model=model, locality=locality, quantization=quantization),  # type: ignore[arg-type]
        repeat=repeat,
        started_at=BASE_TIME.isoformat(),
        finished_at=(BASE_TIME + timedelta(seconds=duration_s)).isoformat()
        if duration_s is not None
        else None,
        memory=memory,
    )


def write_run(path: str | Path, info: RunInfo, results: Iterable[TestResult]) -> Path:
    path = Path(path)
    with RunWriter(path) as writer:
        writer.write_info(info)
        for result in results:
            writer.append(result)
    return path


def result(
    test_id: str,
    outcome: str,
    *,
    suite: str | None = None,
    attempt: int = 0,
    reason: str = "",
    content: str = "",
    ttft_s: float | None = 0.2,
    decode_tps: float | None = 30.0,
    messages: list[dict] | None = None,
    **request: object,
) -> TestResult:
    """One result with sensible defaults; `request` fields override the RequestRecord's."""
    fields: dict[str, object] = {
        "content": content,
        "ttft_s": ttft_s if outcome != "error" else None,
        "first_output_s": ttft_s if outcome != "error" else None,
        "decode_tps": decode_tps if outcome != "error" else None,
        "output_tokens": 40 if outcome != "error" else None,
        "output_tokens_source": "usage" if outcome != "error" else "none",
        "prompt_tokens": 300,
        "error": "connection refused" if outcome == "error" else None,
        "error_kind": "connection" if outcome == "error" else None,
    }
    record = RequestRecord.model_validate(fields | request)
    return TestResult(
        test_id=test_id,
        suite=suite or test_id.split(".", 1)[0],
        attempt=attempt,
        outcome=outcome,  # type: ignore[arg-type]
        reason=reason
        or {"pass": "matched the expected label", "fail": "wrong label", "error": "no answer"}[outcome],
        messages=messages
        or [
            {"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": f"Question for {test_id}"},
        ],
        request=record,
        test_hash=f"h-{test_id}",
    )


def make_test_ids(count: int = 131, suites: Sequence[str] = SUITE_ORDER) -> list[str]:
    """`count` test ids spread over the suites, in suite order."""
    per_suite = [count // len(suites) + (1 if i < count % len(suites) else 0) for i in range(len(suites))]
    return [f"{suite}.case_{n:02d}" for suite, k in zip(suites, per_suite, strict=True) for n in range(k)]


def tiny_png(seed: int) -> str:
    """A small real PNG as a data URI, different per seed, so images de-duplicate like fixtures do."""
    from PIL import Image

    rng = random.Random(seed)
    image = Image.new("RGB", (64, 48), (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    for _ in range(40):
        x, y = rng.randrange(64), rng.randrange(48)
        image.putpixel((x, y), (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


_WORDS = (  # noqa: SIM905 - a sentence reads better than 27 quoted words
    "the person camera door driveway night parcel courier resident unknown vehicle dog garden motion "
    "alert level monitor suspicious normal critical because seen before routine delivery window"
).split()


def _babble(rng: random.Random, chars: int) -> str:
    """Reasoning-like text that differs per result, so it cannot be de-duplicated away."""
    words: list[str] = []
    size = 0
    while size < chars:
        words.append(rng.choice(_WORDS))
        size += len(words[-1]) + 1
    return " ".join(words)


def synthetic_run(
    path: str | Path,
    model: str,
    *,
    skill: float,
    seed: int,
    repeat: int = 1,
    tests: Sequence[str] | None = None,
    locality: str = "local",
    quantization: str | None = None,
    ttft_s: float = 0.5,
    decode_tps: float = 30.0,
    reasoning_chars: int = 0,
) -> Path:
    """A plausible run: each test has its own difficulty, so some tests are flaky across attempts."""
    rng = random.Random(seed)
    ids = list(tests or make_test_ids())
    images = {i: tiny_png(i) for i in range(35)}
    results: list[TestResult] = []
    for n, test_id in enumerate(ids):
        difficulty = random.Random(f"{test_id}").random()
        p_pass = min(0.995, max(0.02, skill + 0.35 - difficulty * 0.5))
        messages: list[dict] = [{"role": "system", "content": SYSTEM_PROMPT}]
        if test_id.startswith("vision") or test_id.startswith("vlm"):
            messages.append(
                {
                    "role": "user",
                    "content": [
                        {"type": "text", "text": "What does this camera frame show?"},
                        {"type": "image_url", "image_url": {"url": images[n % 35]}},
                    ],
                }
            )
        else:
            messages.append(
                {"role": "user", "content": f"Scenario {n}: a person at the front door at 23:{n % 60:02d}."}
            )
        for attempt in range(repeat):
            roll = rng.random()
            outcome = "error" if roll < 0.005 else ("pass" if rng.random() < p_pass else "fail")
            level = rng.choice(["normal", "monitor", "suspicious", "critical"])
            verb = "matches" if outcome == "pass" else "differs from"
            results.append(
                result(
                    test_id,
                    outcome,
                    attempt=attempt,
                    reason=f"level {level} {verb} the expected one",
                    content=f'{{"level": "{level}", "reason": "seen at attempt {attempt} of test {n}"}}',
                    ttft_s=max(0.01, rng.gauss(ttft_s, ttft_s * 0.3)),
                    decode_tps=max(1.0, rng.gauss(decode_tps, decode_tps * 0.1)),
                    messages=messages,
                    reasoning=_babble(rng, reasoning_chars),
                )
            )
    info = make_info(
        path.name if isinstance(path, Path) else Path(path).name,
        model,
        locality=locality,
        quantization=quantization,
        repeat=repeat,
        test_hashes={t: f"h-{t}" for t in ids},
        duration_s=len(results) * ttft_s * 2,
        memory=MemoryPeak(gpu_bytes=int(8e9 + seed * 1e9)) if locality == "local" else None,
    )
    return write_run(path, info, results)
