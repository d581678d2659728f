"""One run, summarised: the numbers every other report (console, leaderboard, compare, HTML) shows.

Counting rules, applied everywhere:
- A result is one attempt at one test (`LoadedRun.final_results()`); the warm-up request lives in
  `RunInfo.warmup`, not in the results, so it never reaches a statistic.
- passed / failed / errors count attempts. Errors are infrastructure and stay out of the pass rate:
  pass rate = passed / (passed + failed).
- The 95% interval is Wilson's, with n = the number of distinct tests graded and k = pass rate x n.
  Repeats of one test are not independent samples of the model's ability (the test set is the main
  source of variance), so N repeats narrow nothing that a 96-test benchmark cannot show. With one
  attempt per test this is the plain Wilson interval on passed / graded.
- pass^N is the share of graded tests that passed on every graded attempt; flaky tests passed on some
  attempts and failed on others.
- Timings come from requests whose result is pass or fail: an infrastructure error says nothing about
  the model's speed.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from pydantic import BaseModel, Field

from homesec_bench import stats
from homesec_bench.client.params import renamed
from homesec_bench.client.text import printable
from homesec_bench.models import EnergyUse, MemoryPeak, RunInfo, TestResult
from homesec_bench.reports import fmt
from homesec_bench.reports.redact import public_url
from homesec_bench.store import LoadedRun
from homesec_bench.suites.loader import SUITE_ORDER


class PassStats(BaseModel):
    """Pass/fail figures for a suite or for the whole run."""

    suite: str
    tests: int = Field(description="Distinct tests with at least one result.")
    graded_tests: int = Field(description="Distinct tests with at least one pass or fail.")
    passed: int = 0
    failed: int = 0
    errors: int = 0
    pass_rate: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    pass_hat_n: float | None = None
    flaky: list[str] = Field(default_factory=list)


class Distribution(BaseModel):
    """A per-request measure: its count, mean and nearest-rank percentiles."""

    n: int = 0
    avg: float | None = None
    min: float | None = None
    p25: float | None = None
    p50: float | None = None
    p75: float | None = None
    p95: float | None = None
    max: float | None = None

    @classmethod
    def of(cls, values: Iterable[float | None]) -> Distribution:
        items = [float(v) for v in values if v is not None]
        if not items:
            return cls()
        return cls(
            n=len(items),
            avg=stats.mean(items),
            min=min(items),
            p25=stats.percentile(items, 25),
            p50=stats.percentile(items, 50),
            p75=stats.percentile(items, 75),
            p95=stats.percentile(items, 95),
            max=max(items),
        )


class ErrorItem(BaseModel):
    test_id: str
    attempt: int
    kind: str
    message: str


class RunSummary(BaseModel):
    run_id: str
    path: str
    model: str
    base_url: str
    locality: str
    quantization: str | None = None
    vision_model: str | None = None
    benchmark_version: str
    benchmark_hash: str
    harness_version: str
    repeat: int = 1
    started_at: str = ""
    finished_at: str | None = None
    complete: bool = Field(
        description="The run reached its end (finished_at is set) and ran the whole benchmark (no --suite "
        "or --test selection)."
    )
    finished: bool = Field(default=False, description="The run reached its end (finished_at is set).")
    selection: str | None = Field(
        default=None,
        description="The --suite / --test selection, when the run ran only part of the benchmark.",
    )
    concurrency: int | None = None
    time_per_test_s: float | None = Field(
        default=None, description="Wall clock / attempts run, at the run's concurrency."
    )
    machine_text: str = ""
    context_size: int | None = None
    server_props_text: str = ""
    per_test: dict[str, tuple[int, int]] = Field(
        default_factory=dict,
        exclude=True,
        description="Test id -> (attempts passed, attempts graded); (0, 0) for a test with errors only.",
    )
    suites: list[PassStats]
    overall: PassStats
    total_time_s: float | None = Field(description="Wall clock of the run, resumed segments summed.")
    ttft: Distribution
    first_output: Distribution
    decode_tps: Distribution
    prompt_tokens: int | None = Field(
        default=0, description="Summed over requests that reported it; None when none did (unknown)."
    )
    output_tokens: int = 0
    requests_without_token_counts: int = 0
    requests_without_prompt_counts: int = 0
    output_token_sources: dict[str, int] = Field(default_factory=dict)
    memory: MemoryPeak | None = None
    memory_text: str = ""
    preset: str | None = None
    energy: EnergyUse | None = None
    energy_wh: float | None = Field(
        default=None, description="GPU + CPU package energy while the run's requests ran; None: not measured."
    )
    energy_text: str = ""
    server_defaults: dict[str, list[str]] = Field(
        default_factory=dict, description="Rejected parameter -> tests that ran with the server default."
    )
    errors_by_kind: dict[str, int] = Field(default_factory=dict)
    errors: list[ErrorItem] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)

    @property
    def label(self) -> str:
        return model_label(self.model, self.quantization)


def model_label(model: str, quantization: str | None) -> str:
    return f"{model} ({quantization})" if quantization else model


def summarize(run: LoadedRun) -> RunSummary:
    info = run.info
    results = sorted(run.final_results(), key=lambda r: (suite_rank(r.suite), r.test_id, r.attempt))
    by_suite: dict[str, list[TestResult]] = defaultdict(list)
    for result in results:
        by_suite[result.suite].append(result)
    suites = [pass_stats(name, by_suite[name]) for name in sorted(by_suite, key=suite_rank)]

    timed = [r.request for r in results if r.outcome != "error"]
    server_defaults: dict[str, list[str]] = defaultdict(list)
    renamed_in: dict[tuple[str, str], set[str]] = defaultdict(set)
    for result in results:
        kept = renamed(result.request.dropped_params)
        for param in result.request.dropped_params:
            if param in kept:
                renamed_in[(param, kept[param])].add(result.test_id)
            elif result.test_id not in server_defaults[param]:
                server_defaults[param].append(result.test_id)
    errors = [
        ErrorItem(
            test_id=r.test_id,
            attempt=r.attempt,
            kind=error_kind(r),
            message=printable(r.request.error or r.reason),
        )
        for r in results
        if r.outcome == "error"
    ]
    counted = [rq for rq in timed if rq.output_tokens is not None]
    # An unknown prompt count is unknown, never 0 (servers that send no usage).
    prompted = [rq.prompt_tokens for rq in timed if rq.prompt_tokens is not None]
    notes = list(info.notes) + list(run.warnings)
    offered = [r for r in results if r.outcome != "error" and r.request.request_body.get("tools")]
    if offered and not any(r.request.tool_calls for r in offered):
        notes.append(
            f"the endpoint returned no tool call in any of the {len(offered)} test(s) that offer tools: "
            "it may ignore `tools` (some servers do unless `tool_choice` is set), so these failures are "
            "likely an endpoint limitation rather than the model's"
        )
    for (param, new_name), tests in sorted(renamed_in.items()):
        notes.append(
            f"{param} was rejected and resent as {new_name} (another API's name for it) in "
            f"{len(tests)} test(s); the endpoint accepted that name"
        )
    if info.finished_at is None:
        notes.append("the run did not finish: figures cover the tests it completed")
    selection = run_selection(info)
    per_test: dict[str, tuple[int, int]] = {}
    for result in results:
        passed, graded = per_test.get(result.test_id, (0, 0))
        if result.outcome != "error":
            passed, graded = passed + (result.outcome == "pass"), graded + 1
        per_test[result.test_id] = (passed, graded)
    total_time = wall_clock(info, results)
    concurrency = info.parameters.get("concurrency")
    overall = pass_stats("overall", results)
    return RunSummary(
        run_id=info.run_id,
        path=str(run.path),
        # Server-supplied strings (run.json may come from any version, or be hand-written) lose
        # terminal control before any report prints or writes them.
        model=printable(info.endpoint.model),
        base_url=public_url(info.endpoint.base_url),
        locality=info.endpoint.locality,
        quantization=printable(info.endpoint.quantization) if info.endpoint.quantization else None,
        vision_model=printable(info.vision_endpoint.model) if info.vision_endpoint else None,
        benchmark_version=info.benchmark_version,
        benchmark_hash=info.benchmark_hash,
        harness_version=info.harness_version,
        repeat=info.repeat,
        started_at=info.started_at,
        finished_at=info.finished_at,
        complete=info.finished_at is not None and selection is None,
        finished=info.finished_at is not None,
        selection=selection,
        concurrency=concurrency if isinstance(concurrency, int) else None,
        time_per_test_s=total_time / len(results) if total_time is not None and results else None,
        machine_text=machine_text(info),
        context_size=_context_size(info),
        server_props_text=server_props_text(info),
        per_test=per_test,
        suites=suites,
        overall=overall,
        total_time_s=total_time,
        ttft=Distribution.of(rq.ttft_s for rq in timed),
        first_output=Distribution.of(rq.first_output_s for rq in timed),
        decode_tps=Distribution.of(rq.decode_tps for rq in timed),
        prompt_tokens=sum(prompted) if prompted else (None if timed else 0),
        requests_without_prompt_counts=len(timed) - len(prompted),
        output_tokens=sum(rq.output_tokens or 0 for rq in timed),
        requests_without_token_counts=len(timed) - len(counted),
        output_token_sources=dict(Counter(rq.output_tokens_source for rq in counted)),
        memory=info.memory,
        memory_text=memory_text(info),
        preset=info.endpoint.preset,
        energy=info.energy,
        energy_wh=energy_wh(info.energy),
        energy_text=energy_text(info, overall.passed),
        server_defaults=dict(server_defaults),
        errors_by_kind=dict(Counter(e.kind for e in errors).most_common()),
        errors=errors,
        notes=notes,
    )


def run_selection(info: RunInfo) -> str | None:
    """The --suite / --test selection a run was limited to, in words; None for the whole benchmark."""
    parts = []
    suites = info.parameters.get("suites")
    tests = info.parameters.get("test_ids")
    if suites:
        parts.append("suites " + ", ".join(printable(str(s)) for s in suites))
    if tests:
        parts.append(f"{len(tests)} selected test(s)")
    return "; ".join(parts) or None


def machine_text(info: RunInfo) -> str:
    """CPU, memory and GPU of the machine that ran the benchmark, as far as it was recorded."""
    machine = info.machine
    parts = []
    if machine.get("processor") or machine.get("machine"):
        parts.append(printable(str(machine.get("processor") or machine.get("machine"))))
    if machine.get("cpu_count"):
        parts.append(f"{machine['cpu_count']} CPUs")
    if isinstance(machine.get("memory_bytes"), int):
        parts.append(f"{fmt.gb(machine['memory_bytes'])} RAM")
    if machine.get("gpu"):
        parts.append("GPU " + printable(str(machine["gpu"])))
    if info.memory and info.memory.gpu_bytes:
        parts.append(f"GPU memory used {fmt.gb(info.memory.gpu_bytes)}")
    return ", ".join(parts) or "not recorded"


def _context_size(info: RunInfo) -> int | None:
    value = info.endpoint.server_props.get("context_size")
    return value if isinstance(value, int) else None


def server_props_text(info: RunInfo) -> str:
    """The server's reported properties, one `key=value` list (server text, made printable)."""
    props = info.endpoint.server_props
    items = [f"{printable(str(k))}={printable(str(v))[:80]}" for k, v in sorted(props.items())]
    return "; ".join(items) or "none reported"


def pass_stats(suite: str, results: Sequence[TestResult]) -> PassStats:
    attempts: dict[str, list[bool]] = defaultdict(list)
    seen: set[str] = set()
    passed = failed = errors = 0
    for result in results:
        seen.add(result.test_id)
        if result.outcome == "error":
            errors += 1
            continue
        attempts[result.test_id].append(result.outcome == "pass")
        if result.outcome == "pass":
            passed += 1
        else:
            failed += 1
    graded = passed + failed
    rate = passed / graded if graded else None
    n_tests = len(attempts)
    low, high = stats.wilson_interval((rate or 0.0) * n_tests, n_tests) if n_tests else (None, None)
    return PassStats(
        suite=suite,
        tests=len(seen),
        graded_tests=n_tests,
        passed=passed,
        failed=failed,
        errors=errors,
        pass_rate=rate,
        ci_low=low,
        ci_high=high,
        pass_hat_n=stats.pass_hat_n(attempts),
        flaky=sorted(t for t, outcomes in attempts.items() if any(outcomes) and not all(outcomes)),
    )


def error_kind(result: TestResult) -> str:
    return result.request.error_kind or result.error_type or "error"


def wall_clock(info: RunInfo, results: Sequence[TestResult]) -> float | None:
    """Seconds the run was actually running: a resumed run's idle gap between segments is left out.

    A segment starts at `started_at` or a `resumed_at` time and ends at the last result finished before
    the next segment starts (or at `finished_at` for the last segment, when the run finished).
    """
    starts = [t for t in (_parse_time(s) for s in [info.started_at, *info.resumed_at]) if t is not None]
    if not starts:
        return None
    starts.sort()
    ends = sorted(t for t in (_parse_time(r.finished_at) for r in results) if t is not None)
    finished = _parse_time(info.finished_at)
    total = 0.0
    for i, start in enumerate(starts):
        next_start = starts[i + 1] if i + 1 < len(starts) else None
        if next_start is None and finished is not None:
            end = finished
        else:
            inside = [t for t in ends if t >= start and (next_start is None or t <= next_start)]
            end = inside[-1] if inside else start
        total += max(0.0, (end - start).total_seconds())
    return total


def memory_text(info: RunInfo) -> str:
    memory = info.memory
    if memory is not None and (memory.gpu_bytes or memory.rss_bytes):
        parts = []
        if memory.gpu_bytes:
            parts.append(f"GPU {fmt.gb(memory.gpu_bytes)}")
        if memory.rss_bytes:
            parts.append(f"RSS {fmt.gb(memory.rss_bytes)}")
        return ", ".join(parts)
    if memory is not None and memory.note:
        return f"not known: {memory.note}"
    if info.endpoint.locality == "cloud":
        return "not known: cloud endpoint"
    return "not known: not measured"


def energy_wh(energy: EnergyUse | None) -> float | None:
    """The measured parts added; None when nothing was measured."""
    if energy is None or (energy.gpu_wh is None and energy.cpu_wh is None):
        return None
    return (energy.gpu_wh or 0.0) + (energy.cpu_wh or 0.0)


def energy_text(info: RunInfo, passed: int) -> str:
    energy = info.energy
    total = energy_wh(energy)
    if energy is None or total is None:
        if energy is not None and energy.notes:
            reasons = [n.removeprefix("not measured: ") for n in energy.notes]
            return f"not measured ({'; '.join(reasons)})"
        if info.endpoint.locality == "cloud":
            return "not measured (cloud endpoint)"
        return "not measured (the run recorded no energy)"
    parts = [
        f"{label} {wh:.2f} Wh"
        for label, wh in (("GPU", energy.gpu_wh), ("CPU", energy.cpu_wh))
        if wh is not None
    ]
    text = f"{total:.2f} Wh ({', '.join(parts)})"
    if passed:
        text += f", {total / passed:.3f} Wh per passed test"
    missing = [n for n in energy.notes if n != "GPU: no NVIDIA GPU"]
    if missing:
        text += f" (not measured: {'; '.join(missing)})"
    return text


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    # Naive and aware times cannot be compared; the runner writes UTC, so read naive ones as UTC.
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def suite_rank(name: str) -> tuple[int, str]:
    return (SUITE_ORDER.index(name), name) if name in SUITE_ORDER else (len(SUITE_ORDER), name)
