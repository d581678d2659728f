"""The runner: owns time and failure. It schedules tests, warms the server up, calls the client,
hands answers to the graders, and gives every result to the store the moment it exists.

A model's wrong answer is `fail`; anything the model could not be blamed for (refused connection,
timeout, 5xx after retries, a cut stream) is `error`, reported apart and left out of the pass rate.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import ipaddress
import os
import platform
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psutil

from homesec_bench import __version__
from homesec_bench.client import ChatClient, EndpointUnauthorized
from homesec_bench.client.backend import Backend, get_backend
from homesec_bench.client.server_info import quantization_from_path
from homesec_bench.client.urls import api_root
from homesec_bench.models import (
    EndpointInfo,
    EnergyUse,
    MemoryPeak,
    Outcome,
    RequestRecord,
    RunInfo,
    TestCase,
    TestResult,
    build_deferred_models,
)
from homesec_bench.reports.redact import public_url
from homesec_bench.runner.config import EndpointConfig, RunConfig
from homesec_bench.runner.grading import Grader, answer_grader
from homesec_bench.runner.presets import get_preset
from homesec_bench.store import LoadedRun, RunWriter, StoreError, load_run
from homesec_bench.suites.loader import Benchmark, load_benchmark, test_hash, with_vision

# Errors after which a server the tool manages itself is restarted before the next test.
_STALL_KINDS = {"timeout_idle", "timeout_total", "output_cap"}
_DEAD_KINDS = {"connect", "timeout_connect", "stream_cut"}


class RunSetupError(RuntimeError):
    """The run cannot start or resume as asked; the message says what to change."""


class ResumeRefused(RunSetupError):
    """The run directory holds a run of another benchmark, endpoint or model."""


@dataclass
class ServerControl:
    """How the runner can look after a server it manages itself (the embedded default, --gguf)."""

    pid: Callable[[], int | None]
    is_alive: Callable[[], bool]
    # May be a coroutine function: a server is best restarted from the event loop's own thread, so
    # the kernel still ends it if this process dies.
    restart: Callable[[], Any]


@dataclass
class RunHooks:
    """Callbacks for a user interface; all optional, all called from the event loop thread."""

    on_start: Callable[[Path], None] = lambda run_dir: None
    on_plan: Callable[[int, int], None] = lambda total, skipped: None
    on_result: Callable[[TestResult], None] = lambda result: None
    on_note: Callable[[str], None] = lambda text: None


@dataclass
class _Job:
    test: TestCase
    attempt: int


@dataclass
class _Endpoint:
    config: EndpointConfig
    info: EndpointInfo
    client: ChatClient
    extra_body: dict[str, Any] = field(default_factory=dict)
    backend: Backend = field(default_factory=lambda: get_backend(None))


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def is_local_address(base_url: str) -> bool:
    host = urlsplit(base_url).hostname or ""
    if host in {"localhost"} or host.endswith(".local") or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_private or address.is_link_local


def _cpu_model() -> str | None:
    """The CPU's model name (Linux /proc/cpuinfo; platform.processor() is often empty there)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip() or None
    except OSError:
        pass
    return platform.processor() or None


def _gpu_names() -> str | None:
    """The NVIDIA GPUs NVML reports, e.g. "NVIDIA H200"; None where there is no NVML or no GPU."""
    try:
        import pynvml  # from nvidia-ml-py, an optional dependency
    except ImportError:
        return None
    try:
        pynvml.nvmlInit()
        names = []
        for index in range(pynvml.nvmlDeviceGetCount()):
            name = pynvml.nvmlDeviceGetName(pynvml.nvmlDeviceGetHandleByIndex(index))
            names.append(name.decode() if isinstance(name, bytes) else str(name))
        return ", ".join(names) or None
    except Exception:  # NVML errors are many and varied; no GPU name is then recorded
        return None


def machine_info() -> dict[str, Any]:
    return {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "processor": _cpu_model(),
        "gpu": _gpu_names(),
        "cpu_count": os.cpu_count(),
        "memory_bytes": psutil.virtual_memory().total,
        "python": platform.python_version(),
    }


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-")[:60] or "model"


def _bench_for(config: RunConfig, bench: Benchmark | None) -> Benchmark:
    bench = bench or load_benchmark()
    if config.fixtures_dir is None:
        return bench
    # The user's own frames replace the packaged vision suite, built and hashed by the loader.
    return with_vision(bench, config.fixtures_dir)


def _api_key(endpoint: EndpointConfig) -> str | None:
    """The key from its variable, without the line end a key file often leaves (`\r\n`)."""
    key = (os.environ.get(endpoint.key_env) or "").strip()
    if any(ord(c) < 32 or ord(c) == 127 or ord(c) > 255 for c in key):
        raise EndpointUnauthorized(
            f"the API key in {endpoint.key_env} holds control or non-Latin-1 characters, which no "
            "HTTP header can carry; set the key itself, without quotes or line breaks"
        )
    return key or None


def _merged_extra_body(endpoint: EndpointConfig) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    if endpoint.preset:
        extra.update(get_preset(endpoint.preset).extra_body)
    extra.update(endpoint.extra_body)
    return extra


def _flags(vision: bool) -> tuple[str, str]:
    return ("--vlm-base-url", "--vlm-model") if vision else ("--base-url", "--model")


def _listed(names: list[str], limit: int = 10) -> str:
    """A few names for a one-line message; an endpoint may list 100,000 models."""
    shown = ", ".join(names[:limit])
    return shown if len(names) <= limit else f"{shown} and {len(names) - limit:,} more"


def _base_url(endpoint: EndpointConfig) -> str:
    if endpoint.base_url is None:
        raise RunSetupError(
            "no base URL: run_benchmark measures a running server; "
            "runner.launch starts the embedded default when base_url is None"
        )
    return endpoint.base_url


def _make_client(endpoint: EndpointConfig, config: RunConfig, *, vision: bool = False) -> ChatClient:
    return get_backend(endpoint.api).make_client(
        _base_url(endpoint),
        _api_key(endpoint),
        connect_timeout_s=config.connect_timeout_s,
        idle_timeout_s=config.idle_timeout_s,
        total_timeout_s=config.total_timeout_s,
        max_output_chars=config.max_output_chars,
        max_retries=config.max_retries,
        backoff_base_s=config.retry_backoff_s,
        max_connections=max(8, config.concurrency * 2),
        url_flag=_flags(vision)[0],
        key_env=endpoint.key_env,
    )


async def _resolve_endpoint(
    endpoint: EndpointConfig, client: ChatClient, *, vision: bool = False
) -> EndpointInfo:
    """Pick and check the model, and read what the server says about itself (quantization)."""
    from homesec_bench.client import EndpointNotFound

    model_flag = _flags(vision)[1]
    shown = public_url(_base_url(endpoint))
    models: list[str] = []
    try:
        models = await client.list_models()
    except EndpointNotFound:
        if endpoint.model is None:
            raise RunSetupError(
                f"{shown} does not list its models (/models not found); pass {model_flag} NAME"
            ) from None
    model = endpoint.model
    if model is None:
        if len(models) == 1:
            model = models[0]
        elif not models:
            raise RunSetupError(f"{shown} serves no models; load one or pass {model_flag} NAME")
        else:
            raise RunSetupError(
                f"{shown} serves several models ({_listed(models)}); choose one with {model_flag}"
            )
    elif models and model not in models:
        raise EndpointNotFound(
            f"unknown model {model!r}; {shown} serves: {_listed(models)} (use {model_flag})"
        )
    locality = endpoint.locality or ("local" if is_local_address(_base_url(endpoint)) else "cloud")
    props: dict[str, Any] = {}
    try:
        props = await client.server_info(model)
    except Exception:  # best effort: a server that describes nothing is still benchmarkable
        props = {}
    props = props if isinstance(props, dict) else {}
    quantization = props.get("quantization")
    if not quantization:
        # The server says nothing: a GGUF-style name in the model id (…Q4_K_M) still tells.
        quantization = quantization_from_path(model)
        if quantization:
            props["quantization_from"] = "the model id"
    return EndpointInfo(
        # Never the URL's user info or key-like query values: run.json is shared with the results.
        base_url=public_url(_base_url(endpoint)),
        model=model,
        preset=endpoint.preset,
        locality=locality,
        quantization=quantization,
        server_props=props,
    )


async def _check_fidelity(info: EndpointInfo, config: RunConfig) -> str | None:
    """Check that the server hands the model the prompt unchanged, wherever it offers a way (tokenize,
    template, verbose endpoints); record the outcome in server_props["prompt_fidelity"]. A managed
    server is checked (and refused) at start; here a failure is a loud note, not a refusal. Returns
    the note to show, if any."""
    from homesec_bench.server.errors import ServerSetupError
    from homesec_bench.server.fidelity import check_prompt_fidelity

    if info.locality == "cloud":
        info.server_props["prompt_fidelity"] = "not checked (cloud endpoint)"
        return None
    root = api_root(_base_url(config.endpoint))
    try:
        report = await asyncio.to_thread(
            # No chat probe: it would be one more request to a server that bills or counts them.
            check_prompt_fidelity,
            root,
            timeout_s=min(config.total_timeout_s, 30.0),
            probe_chat=False,
            model=info.model,
        )
    except ServerSetupError as exc:
        info.server_props["prompt_fidelity"] = f"failed: {exc}"
        return f"prompt check failed: {exc}; JSON and tool tests may fail for the server's sake"
    except Exception as exc:  # best effort: a check that cannot run is recorded, never fatal
        info.server_props["prompt_fidelity"] = f"not checked ({type(exc).__name__})"
        return f"prompt not checked ({type(exc).__name__}): {_UNCAUGHT}"
    if all(value is None for value in report.values()):
        info.server_props["prompt_fidelity"] = "not checked: no tokenize or template endpoint"
        return f"prompt not checked: the server offers no tokenize or template endpoint; {_UNCAUGHT}"
    info.server_props["prompt_fidelity"] = report
    if report.get("chat_template") is None and report.get("model_prompt") is None:
        # llama-cpp-python: the tokenizer round trip is all it shows; its chat formats are applied
        # inside the chat request, out of sight.
        return f"prompt checked through the tokenizer only, the chat template not checked; {_UNCAUGHT}"
    return None


# Said wherever the prompt check could not see the chat template.
_UNCAUGHT = (
    "a chat template that alters prompts (llama-cpp-python's HTML-escaping chatml-function-calling) "
    "would not be caught"
)


def _image_resolver(config: RunConfig) -> Callable[[str], str]:
    from homesec_bench.vision import images

    if config.blind:
        return lambda fixture: images.neutral_image_data_uri(max_side=config.vlm_image_size)
    return lambda fixture: images.image_data_uri(
        fixture, fixtures_dir=config.fixtures_dir, max_side=config.vlm_image_size
    )


class _Runner:
    def __init__(
        self,
        config: RunConfig,
        bench: Benchmark,
        writer: RunWriter,
        info: RunInfo,
        hooks: RunHooks,
        server: ServerControl | None,
        grader: Grader,
    ) -> None:
        self.config = config
        self.bench = bench
        self.writer = writer
        self.info = info
        self.hooks = hooks
        self.server = server
        self.grader = grader
        self._restart_lock = asyncio.Lock()
        self._restarts = 0
        self._resolve_image = _image_resolver(config) if config.vision_endpoint else None

    async def run_job(self, job: _Job, endpoint: _Endpoint) -> TestResult:
        started = now_iso()
        body = endpoint.backend.build_request(
            job.test,
            self.bench.tools,
            model=endpoint.info.model,
            attempt=job.attempt,
            resolve_image=self._resolve_image or (lambda f: ""),
            stream=self.config.stream,
        )
        body.update(endpoint.extra_body)
        try:
            record = await endpoint.client.complete(body)
        except Exception as exc:  # the client should not raise; if it does, the model is not to blame
            record = RequestRecord(
                request_body=body, error=f"client failure: {type(exc).__name__}", error_kind="client"
            )
        outcome: Outcome
        if record.error:
            outcome, reason, error_type, details = (
                "error",
                f"infrastructure error ({record.error_kind}): {record.error}",
                record.error_kind,
                {},
            )
            await self._look_after_server(record)
        else:
            verdict = await self.grader.grade(job.test, record.answer())
            # A grader that could not judge (a broken spec) is our fault, never the model's.
            outcome = (
                "pass" if verdict.passed else "error" if verdict.error_type == "grader_error" else "fail"
            )
            reason, error_type, details = verdict.reason, verdict.error_type, verdict.details
        # The backend renders the conversation in the neutral transcript shape (client.backend).
        messages = endpoint.backend.transcript(job.test, body, record)
        record.request_body = endpoint.backend.redact_images(record.request_body or body)
        result = TestResult(
            test_id=job.test.id,
            suite=job.test.suite,
            attempt=job.attempt,
            outcome=outcome,
            reason=reason,
            error_type=error_type,
            messages=messages,
            request=record,
            verdict_details=details,
            test_hash=self.info.test_hashes.get(job.test.id, ""),
            started_at=started,
            finished_at=now_iso(),
        )
        if self.config.concurrency > 1:
            # fsync takes milliseconds: on the event loop it would stall every other request's
            # stream and land inside their measured TTFT. Alone, the thread hop would only add its
            # own wake-up latency, so a serial run appends in place.
            await asyncio.to_thread(self.writer.append, result)
        else:
            self.writer.append(result)
        self.hooks.on_result(result)
        return result

    async def _look_after_server(self, record: RequestRecord) -> None:
        """Restart a managed server that hung or died, so one runaway generation costs one test."""
        if self.server is None:
            return
        stalled = record.error_kind in _STALL_KINDS
        dead = record.error_kind in _DEAD_KINDS and not self.server.is_alive()
        if not (stalled or dead):
            return
        async with self._restart_lock:
            if dead and self.server.is_alive():
                return  # another worker already brought it back
            self.hooks.on_note(f"restarting the managed server after {record.error_kind}")
            self._restarts += 1
            restarted = self.server.restart()
            if inspect.isawaitable(restarted):
                await restarted

    async def run_jobs(self, jobs: list[_Job], endpoint: _Endpoint) -> None:
        queue: asyncio.Queue[_Job] = asyncio.Queue()
        for job in jobs:
            queue.put_nowait(job)

        async def worker() -> None:
            while True:
                try:
                    job = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                await self.run_job(job, endpoint)

        workers = min(self.config.concurrency, max(1, len(jobs)))
        if self.config.concurrency > 1:
            # Built before any stream is in flight: a model's first build would stall the others.
            build_deferred_models()
        await asyncio.gather(*(worker() for _ in range(workers)))


def _plan(
    config: RunConfig, bench: Benchmark, tests: list[TestCase], previous: LoadedRun | None
) -> tuple[list[_Job], int]:
    jobs = [_Job(test, attempt) for attempt in range(config.repeat) for test in tests]
    if previous is None:
        return jobs, 0
    latest = previous.latest_by_test()
    if config.retry_errors:
        wanted = {key for key, r in latest.items() if r.outcome == "error"}
        kept = [j for j in jobs if (j.test.id, j.attempt) in wanted]
    else:
        kept = [j for j in jobs if (j.test.id, j.attempt) not in latest]
    return kept, len(jobs) - len(kept)


def _check_resumable(previous: LoadedRun, bench: Benchmark, endpoint: EndpointInfo) -> None:
    old = previous.info
    if old.benchmark_version != bench.version or old.benchmark_hash != bench.content_hash:
        raise ResumeRefused(
            f"cannot resume {previous.path}: it was run on benchmark {old.benchmark_version} "
            f"({old.benchmark_hash}), this is {bench.version} ({bench.content_hash}); start a new run"
        )
    same_url = public_url(old.endpoint.base_url).rstrip("/") == public_url(endpoint.base_url).rstrip("/")
    if not same_url and not old.endpoint.managed:
        raise ResumeRefused(
            f"cannot resume {previous.path}: it ran against {old.endpoint.base_url}, not "
            f"{endpoint.base_url}; pass the original --base-url or start a new run"
        )
    if old.endpoint.model != endpoint.model:
        raise ResumeRefused(
            f"cannot resume {previous.path}: it ran model {old.endpoint.model!r}, not {endpoint.model!r}; "
            "pass the original --model or start a new run"
        )


def _memory_sampler(config: RunConfig, server: ServerControl | None, endpoint: EndpointInfo):
    """A sampler for the serving process; without a pid it records why memory could not be read."""
    from homesec_bench.server.memory import MemorySampler, find_listening_pid

    base_url = endpoint.base_url
    pid: int | Callable[[], int | None] | None = config.server_pid
    if pid is None and server is not None:
        pid = server.pid  # followed across restarts, so a restart does not lose the peak
    # A cloud endpoint's memory is not ours to read, even when reached through a local proxy.
    if pid is None and endpoint.locality == "local" and is_local_address(base_url):
        port = urlsplit(base_url).port
        if port:
            pid = find_listening_pid(port)
    return MemorySampler(pid)


def _energy_meter(config: RunConfig, server: ServerControl | None, endpoint: EndpointInfo):
    """(a meter for this machine, None) when the server runs here; else (None, why energy is not measured)."""
    if not config.measure_energy:
        return None, "turned off for this run"
    if endpoint.locality == "cloud":
        return None, "cloud endpoint"
    host = urlsplit(endpoint.base_url).hostname or ""
    if server is None and config.server_pid is None and not _is_loopback(host):
        return None, "the server is not on this machine"
    from homesec_bench.server.energy import EnergyMeter

    return EnergyMeter(), None


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _run_energy(old: EnergyUse | None, meter: Any, reason: str | None) -> EnergyUse | None:
    from homesec_bench.server.energy import combine

    new = meter.stop() if meter is not None else EnergyUse(notes=[reason] if reason else [])
    return combine(old, new)


async def run_benchmark(
    config: RunConfig,
    *,
    bench: Benchmark | None = None,
    hooks: RunHooks | None = None,
    server: ServerControl | None = None,
) -> LoadedRun:
    """Run (or resume) a benchmark and return it as read back from its run directory."""
    hooks = hooks or RunHooks()
    bench = _bench_for(config, bench)
    previous = load_run(config.resume_dir, transcripts=False) if config.resume_dir else None
    selected_ids = previous.info.selected_tests if previous else None
    tests = bench.select(config.suites, selected_ids or config.test_ids)
    if previous:
        config = config.model_copy(update={"repeat": previous.info.repeat})

    text_tests = [t for t in tests if bench.suites[t.suite].modality == "text"]
    vision_tests = [t for t in tests if bench.suites[t.suite].modality == "vision"]
    notes: list[str] = []
    if vision_tests and config.vision_endpoint is None:
        notes.append(
            f"vision suite skipped ({len(vision_tests)} tests): no vision endpoint; pass --vlm-base-url"
        )
        hooks.on_note(notes[-1])
        vision_tests = []
    if not text_tests and not vision_tests:
        raise RunSetupError("nothing to run: the selection has no test this run can send")
    if config.endpoint.preset:
        # What the provider documents as silently ignored: said at the start and kept in run.json.
        for caveat in get_preset(config.endpoint.preset).caveats():
            notes.append(caveat)
            hooks.on_note(caveat)
    if not config.stream:
        notes.append(
            "unstreamed (--no-stream): each answer arrives whole, so TTFT is the total time and decode "
            "speed is not measured"
        )

    async with _make_client(config.endpoint, config) as text_client:
        text_info = await _resolve_endpoint(config.endpoint, text_client)
        text_info.managed = server is not None
        if server is None:
            fidelity_note = await _check_fidelity(text_info, config)
            if fidelity_note:
                notes.append(fidelity_note)
                hooks.on_note(fidelity_note)
        text_ep = _Endpoint(
            config.endpoint,
            text_info,
            text_client,
            _merged_extra_body(config.endpoint),
            get_backend(config.endpoint.api),
        )

        vision_ep: _Endpoint | None = None
        vision_client: ChatClient | None = None
        if vision_tests and config.vision_endpoint is not None:
            vision_client = _make_client(config.vision_endpoint, config, vision=True)
            await vision_client.__aenter__()
            vision_info = await _resolve_endpoint(config.vision_endpoint, vision_client, vision=True)
            vision_ep = _Endpoint(
                config.vision_endpoint,
                vision_info,
                vision_client,
                _merged_extra_body(config.vision_endpoint),
                get_backend(config.vision_endpoint.api),
            )
        try:
            if previous:
                _check_resumable(previous, bench, text_info)
                info = previous.info
                info.resumed_at.append(now_iso())
                out_dir = previous.path
            else:
                started = now_iso()
                run_id = f"{datetime.now(UTC).strftime('%Y%m%d-%H%M%S')}-{_slug(text_info.model)}"
                out_dir = Path(config.out_dir) if config.out_dir else config.runs_root / run_id
                if (out_dir / "run.json").exists():
                    # Two runs in one folder would mix their results.
                    raise StoreError(
                        f"{out_dir} already holds a run; continue it with --resume {out_dir} "
                        "or choose another --out"
                    )
                results_file = out_dir / "results.jsonl"
                if results_file.is_file() and results_file.stat().st_size > 0:
                    # Results without their run.json belong to some earlier run: never adopt them.
                    raise StoreError(
                        f"{out_dir} holds results of an earlier run without its run.json; "
                        "choose another --out, or move results.jsonl away"
                    )
                info = RunInfo(
                    run_id=run_id,
                    harness_version=__version__,
                    benchmark_version=bench.version,
                    benchmark_hash=bench.content_hash,
                    suite_hashes={n: s.content_hash for n, s in bench.suites.items()},
                    test_hashes={t.id: bench.test_hashes.get(t.id) or test_hash(t) for t in tests},
                    endpoint=text_info,
                    vision_endpoint=vision_ep.info if vision_ep else None,
                    machine=machine_info(),
                    parameters=_public_parameters(config),
                    selected_tests=[t.id for t in text_tests + vision_tests],
                    repeat=config.repeat,
                    started_at=started,
                )
            info.notes.extend(n for n in notes if n not in info.notes)

            # The grader process (concurrent runs) starts here, so that it loads while the warm-up runs.
            async with contextlib.AsyncExitStack() as stack:
                grader = await stack.enter_async_context(answer_grader(bench, config.concurrency))
                writer = stack.enter_context(RunWriter(out_dir))
                writer.write_info(info)
                hooks.on_start(out_dir)
                runner = _Runner(config, bench, writer, info, hooks, server, grader)
                text_jobs, skipped_text = _plan(config, bench, text_tests, previous)
                vision_jobs, skipped_vision = _plan(config, bench, vision_tests, previous)
                hooks.on_plan(len(text_jobs) + len(vision_jobs), skipped_text + skipped_vision)

                if config.warmup and (text_jobs or vision_jobs):
                    warm = await text_client.complete(
                        {**text_ep.backend.warmup_request(text_info.model), **text_ep.extra_body}
                        | ({} if config.stream else {"stream": False})
                    )
                    info.warmup = warm
                    if warm.error_kind == "auth":
                        # Every test would get the same 401/403: stop here with the key message.
                        writer.write_info(info)
                        raise EndpointUnauthorized(
                            f"{warm.error} (the key is read from {config.endpoint.key_env})"
                        )
                    if warm.error:
                        hooks.on_note(f"warm-up request failed ({warm.error_kind}); timing starts anyway")
                    writer.write_info(info)

                sampler = _memory_sampler(config, server, text_info) if config.sample_memory else None
                if sampler is not None:
                    sampler.start()
                meter, energy_reason = _energy_meter(config, server, text_info)
                if meter is not None:
                    meter.start()
                try:
                    await runner.run_jobs(text_jobs, text_ep)
                    if vision_ep is not None:
                        await runner.run_jobs(vision_jobs, vision_ep)
                finally:
                    if sampler is not None:
                        peak = sampler.stop()
                        info.memory = _max_memory(info.memory, peak)
                    info.energy = _run_energy(info.energy, meter, energy_reason)
                    if runner._restarts:
                        info.notes.append(
                            f"managed server restarted {runner._restarts} time(s) during the run"
                        )
                    info.notes.extend(n for n in grader.notes if n not in info.notes)
                    writer.write_info(info)
                info.finished_at = now_iso()
                writer.write_info(info)
        finally:
            if vision_client is not None:
                await vision_client.__aexit__(None, None, None)
    return load_run(out_dir)


def _max_memory(old: MemoryPeak | None, new: MemoryPeak | None) -> MemoryPeak | None:
    """Combine the peaks of a run and its resumptions."""
    if old is None or new is None:
        return new or old
    return MemoryPeak(
        rss_bytes=max(filter(None, [old.rss_bytes, new.rss_bytes]), default=None),
        gpu_bytes=max(filter(None, [old.gpu_bytes, new.gpu_bytes]), default=None),
        pid=new.pid or old.pid,
        note=new.note if new.rss_bytes is None else None,
    )


def _public_parameters(config: RunConfig) -> dict[str, Any]:
    """Run parameters worth recording; no secret can be here (keys live only in the environment)."""
    return config.model_dump(
        mode="json",
        include={
            "suites",
            "test_ids",
            "concurrency",
            "repeat",
            "warmup",
            "connect_timeout_s",
            "idle_timeout_s",
            "total_timeout_s",
            "max_retries",
            "retry_backoff_s",
            "max_output_chars",
            "stream",
            "vlm_image_size",
            "blind",
            "fixtures_dir",
            "retry_errors",
        },
    ) | {"api_key_env": config.endpoint.key_env, "extra_body": _merged_extra_body(config.endpoint)}


def run_sync(config: RunConfig, **kwargs: Any) -> LoadedRun:
    """`run_benchmark` for callers without an event loop."""
    return asyncio.run(run_benchmark(config, **kwargs))
