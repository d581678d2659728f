"""`homesec-bench run` and `homesec-bench setup`."""

# Plain annotations, not `from __future__ import annotations`: Typer reads the options from them at
# every start, and would otherwise parse each one from a string.

import math
from collections import Counter
from pathlib import Path
from typing import Annotated, NoReturn
from urllib.parse import urlsplit

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from homesec_bench.cli.app import app
from homesec_bench.cli.exit_codes import ExitCode, fail, fail_for
from homesec_bench.models import TestResult
from homesec_bench.reports.redact import public_url
from homesec_bench.runner import (
    PRESETS,
    EndpointConfig,
    RunConfig,
    RunHooks,
    launch,
)
from homesec_bench.runner.launch import EMBEDDED_NOTE, ManagedServerOptions
from homesec_bench.store import LoadedRun

console = Console(stderr=False)
err_console = Console(stderr=True)


SuitesDirOption = Annotated[
    Path | None,
    typer.Option(
        "--suites-dir",
        help="Load suites from this folder (world.yaml, tools.yaml, suite files), not the packaged ones.",
    ),
]


class _ProgressHooks(RunHooks):
    def __init__(self, progress: Progress) -> None:
        super().__init__()
        self.progress = progress
        self.task = progress.add_task("starting", total=None)
        self.run_dir: Path | None = None
        self.counts = {"pass": 0, "fail": 0, "error": 0}
        self.total = 0
        self.on_start = self._on_start
        self.on_plan = self._on_plan
        self.on_result = self._on_result
        self.on_note = self._on_note

    def _on_start(self, run_dir: Path) -> None:
        self.run_dir = run_dir
        self.progress.console.print(f"[dim]results: {run_dir}[/dim]")

    def _on_plan(self, total: int, skipped: int) -> None:
        self.total = total
        note = f" ({skipped} already done)" if skipped else ""
        self.progress.update(self.task, total=total, description=f"running{note}")

    def _on_result(self, result: TestResult) -> None:
        self.counts[result.outcome] += 1
        c = self.counts
        self.progress.update(
            self.task,
            advance=1,
            description=f"[green]{c['pass']} pass[/] [red]{c['fail']} fail[/] [yellow]{c['error']} error[/]",
        )
        if not self.progress.console.is_terminal:
            # A log (CI, a pipe) gets no progress bar; one line per test shows the run is alive.
            done = sum(c.values())
            seconds = result.request.total_s or 0.0
            self.progress.console.print(
                f"[{done}/{self.total}] {result.test_id} {result.outcome} ({seconds:.1f} s){self._eta(done)}",
                markup=False,
                highlight=False,
            )

    def _eta(self, done: int) -> str:
        """', ETA 1m 5s' from the pace so far (this session's results only), or '' before it is known."""
        import time

        from homesec_bench.reports import fmt

        now = time.monotonic()
        if not hasattr(self, "_started"):
            self._started, self._first_done = now, done - 1
        finished = done - self._first_done
        left = self.total - done
        if finished <= 0 or left <= 0 or now <= self._started:
            return ""
        return f", ETA {fmt.duration((now - self._started) / finished * left)}"

    def _on_note(self, text: str) -> None:
        self.progress.console.print(f"[yellow]note:[/] {text}")


@app.command("run")
def run_command(
    base_url: Annotated[
        str | None,
        typer.Option(
            "--base-url",
            rich_help_panel="Endpoint",
            help="OpenAI-compatible endpoint, e.g. http://127.0.0.1:8080/v1. "
            "Omit to run the embedded default model on a managed llama-server.",
        ),
    ] = None,
    model: Annotated[
        str | None,
        typer.Option("--model", rich_help_panel="Endpoint", help="Model name; default: the only one served."),
    ] = None,
    preset: Annotated[
        str | None,
        typer.Option("--preset", rich_help_panel="Endpoint", help=f"Server preset: {', '.join(PRESETS)}."),
    ] = None,
    api_key_env: Annotated[
        str | None,
        typer.Option(
            "--api-key-env",
            rich_help_panel="Endpoint",
            help="Environment variable holding the API key (default: the preset's, e.g. GROQ_API_KEY for "
            "--preset groq; else OPENAI_API_KEY, or ANTHROPIC_API_KEY for --api anthropic).",
        ),
    ] = None,
    api: Annotated[
        str | None,
        typer.Option(
            "--api",
            rich_help_panel="Endpoint",
            help="Wire protocol: openai_chat (the default) or anthropic (the Messages API).",
        ),
    ] = None,
    suite: Annotated[
        list[str] | None,
        typer.Option("--suite", rich_help_panel="Selection", help="Run only this suite (repeatable)."),
    ] = None,
    test: Annotated[
        list[str] | None,
        typer.Option("--test", rich_help_panel="Selection", help="Run only this test id (repeatable)."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", rich_help_panel="Output, resume and CI gates", help="Run directory to write."),
    ] = None,
    concurrency: Annotated[
        int,
        typer.Option(
            "--concurrency",
            rich_help_panel="Sampling and timing",
            help="Requests in flight at once.",
            min=1,
            max=256,
        ),
    ] = 1,
    repeat: Annotated[
        int,
        typer.Option(
            "--repeat", rich_help_panel="Sampling and timing", min=1, max=100, help="Run each test N times."
        ),
    ] = 1,
    warmup: Annotated[
        bool,
        typer.Option(
            "--warmup/--no-warmup", rich_help_panel="Sampling and timing", help="One untimed request first."
        ),
    ] = True,
    timeout: Annotated[
        float,
        typer.Option(
            "--timeout", rich_help_panel="Sampling and timing", help="Total seconds allowed per request."
        ),
    ] = 300.0,
    idle_timeout: Annotated[
        float,
        typer.Option("--idle-timeout", rich_help_panel="Sampling and timing", help="Seconds without a byte."),
    ] = 60.0,
    retries: Annotated[
        int,
        typer.Option(
            "--retries",
            rich_help_panel="Sampling and timing",
            help="Retries of a request after a connection error, timeout or 5xx.",
            min=0,
            max=10,
        ),
    ] = 3,
    max_output_chars: Annotated[
        int,
        typer.Option(
            "--max-output-chars",
            rich_help_panel="Sampling and timing",
            min=1,
            help="Abort an answer longer than this (characters).",
        ),
    ] = 200_000,
    stream: Annotated[
        bool,
        typer.Option(
            "--stream/--no-stream",
            rich_help_panel="Sampling and timing",
            help="--no-stream: ask for whole JSON answers, for servers that do some things (tool calls) "
            "only unstreamed; TTFT is then the total time and decode speed is not measured.",
        ),
    ] = True,
    locality: Annotated[
        str | None,
        typer.Option(
            "--locality", rich_help_panel="Endpoint", help="local or cloud; default: from the address."
        ),
    ] = None,
    vlm_base_url: Annotated[
        str | None, typer.Option("--vlm-base-url", rich_help_panel="Vision", help="Vision endpoint.")
    ] = None,
    vlm_model: Annotated[
        str | None,
        typer.Option(
            "--vlm-model", rich_help_panel="Vision", help="Vision model name; default: the only one served."
        ),
    ] = None,
    vlm_api_key_env: Annotated[
        str,
        typer.Option(
            "--vlm-api-key-env",
            rich_help_panel="Vision",
            help="Environment variable holding the vision endpoint's API key.",
        ),
    ] = "VLM_API_KEY",
    vlm_image_size: Annotated[
        int | None,
        typer.Option(
            "--vlm-image-size", rich_help_panel="Vision", min=32, help="Resize frames to this longer side."
        ),
    ] = None,
    blind: Annotated[
        bool,
        typer.Option(
            "--blind", rich_help_panel="Vision", help="Send a neutral image instead of each fixture."
        ),
    ] = False,
    fixtures: Annotated[
        Path | None,
        typer.Option(
            "--fixtures", rich_help_panel="Vision", help="Your own frames: a folder with a manifest.json."
        ),
    ] = None,
    resume: Annotated[
        Path | None,
        typer.Option(
            "--resume", rich_help_panel="Output, resume and CI gates", help="Continue an interrupted run."
        ),
    ] = None,
    retry_errors: Annotated[
        Path | None,
        typer.Option(
            "--retry-errors",
            rich_help_panel="Output, resume and CI gates",
            help="Re-run only the tests of RUN_DIR that ended as error.",
        ),
    ] = None,
    gguf: Annotated[
        Path | None,
        typer.Option(
            "--gguf", rich_help_panel="Embedded server", help="Serve this GGUF file with llama-server."
        ),
    ] = None,
    llama_server: Annotated[
        str | None,
        typer.Option(
            "--llama-server", rich_help_panel="Embedded server", help="Path to a llama-server binary to use."
        ),
    ] = None,
    ctx_size: Annotated[
        int,
        typer.Option("--ctx-size", rich_help_panel="Embedded server", help="Managed server context size."),
    ] = 8192,
    threads: Annotated[
        int | None,
        typer.Option("--threads", rich_help_panel="Embedded server", help="Managed server threads."),
    ] = None,
    chat_template: Annotated[
        str | None,
        typer.Option(
            "--chat-template",
            rich_help_panel="Embedded server",
            help="Managed server chat template (llama-server --chat-template).",
        ),
    ] = None,
    server_arg: Annotated[
        list[str] | None,
        typer.Option(
            "--server-arg",
            rich_help_panel="Embedded server",
            help="Extra llama-server argument (repeatable).",
        ),
    ] = None,
    server_pid: Annotated[
        int | None,
        typer.Option(
            "--server-pid", rich_help_panel="Endpoint", help="PID of the serving process, for its memory."
        ),
    ] = None,
    suites_dir: Annotated[
        Path | None,
        typer.Option(
            "--suites-dir",
            rich_help_panel="Selection",
            help="Load suites from this folder (world.yaml, tools.yaml, suite files), not the packaged ones.",
        ),
    ] = None,
    max_error_rate: Annotated[
        float,
        typer.Option(
            "--max-error-rate",
            rich_help_panel="Output, resume and CI gates",
            min=0.0,
            max=1.0,
            help="Exit 10 above this share of errors.",
        ),
    ] = 0.1,
    fail_under: Annotated[
        float | None,
        typer.Option(
            "--fail-under",
            rich_help_panel="Output, resume and CI gates",
            min=0.0,
            max=1.0,
            help="CI gate: exit 12 when the pass rate (0-1, errors not counted) is below this.",
        ),
    ] = None,
) -> None:
    """Run the benchmark against an endpoint (or the embedded default) and print the results."""
    _check_limits(timeout=timeout, idle_timeout=idle_timeout)
    if server_pid is not None and server_pid <= 0:
        fail(ExitCode.USAGE, f"--server-pid must be a process id (a positive number), not {server_pid}")
    for flag, url in (("--base-url", base_url), ("--vlm-base-url", vlm_base_url)):
        if url is not None:
            _check_base_url(flag, url)
    if resume and retry_errors:
        fail(ExitCode.USAGE, "--resume and --retry-errors are exclusive; pass one run directory")
    if locality not in (None, "local", "cloud"):
        fail(ExitCode.USAGE, f"--locality must be local or cloud, not {locality!r}")
    from homesec_bench.client.backend import backend_names

    if api is not None and api not in backend_names():
        fail(ExitCode.USAGE, f"--api must be one of {', '.join(backend_names())}, not {api!r}")
    continue_dir = resume or retry_errors
    vision = (
        EndpointConfig(base_url=vlm_base_url, model=vlm_model, api_key_env=vlm_api_key_env)
        if vlm_base_url
        else None
    )
    config = RunConfig(
        endpoint=EndpointConfig(
            base_url=base_url,
            model=model,
            api=api,
            api_key_env=api_key_env,
            preset=preset,
            locality=locality,  # type: ignore[arg-type]  # checked to be local, cloud or None above
        ),
        vision_endpoint=vision,
        suites=suite,
        test_ids=test,
        out_dir=out,
        concurrency=concurrency,
        repeat=repeat,
        warmup=warmup,
        total_timeout_s=timeout,
        idle_timeout_s=idle_timeout,
        max_retries=retries,
        max_output_chars=max_output_chars,
        stream=stream,
        vlm_image_size=vlm_image_size,
        blind=blind,
        fixtures_dir=fixtures,
        resume_dir=continue_dir,
        retry_errors=retry_errors is not None,
        server_pid=server_pid,
    )

    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=err_console,
        transient=False,
    )
    hooks = _ProgressHooks(progress)
    server = ManagedServerOptions(gguf, llama_server, ctx_size, threads, chat_template, server_arg or [])
    try:
        loaded = _launch(config, server, suites_dir, hooks, progress)
        _print_summary(loaded, embedded=loaded.info.endpoint.managed and gguf is None)
    except KeyboardInterrupt:
        _interrupted(hooks.run_dir)
    failed = [r for r in loaded.final_results() if r.outcome == "error"]
    total = len(loaded.final_results())
    if total and len(failed) / total > max_error_rate:
        # Say what happened: the commonest kind of error and its own message, then what helps.
        kinds = Counter(r.error_type or "error" for r in failed)
        kind, count = kinds.most_common(1)[0]
        example = next(r for r in failed if (r.error_type or "error") == kind)
        fail(
            ExitCode.TOO_MANY_ERRORS,
            f"{len(failed)} of {total} tests ended in infrastructure errors (over --max-error-rate "
            f"{max_error_rate:g}); most ({count}) were {kind}: {example.request.error or example.reason}; "
            f"fix that, then `homesec-bench run --retry-errors {loaded.path}`",
        )
    _check_fail_under(loaded, fail_under)


def _check_fail_under(loaded, fail_under: float | None) -> None:
    """`--fail-under`: exit 12 when the run's pass rate is below the bar (a CI gate)."""
    if fail_under is None:
        return
    from homesec_bench.reports import fmt
    from homesec_bench.reports.summary import pass_stats

    overall = pass_stats("overall", loaded.final_results())
    if overall.pass_rate is None or overall.pass_rate < fail_under:
        fail(
            ExitCode.WORSE,
            f"pass rate {fmt.pct(overall.pass_rate)} ({overall.passed} of {overall.passed + overall.failed} "
            f"graded attempts) is below --fail-under {fail_under:g}",
        )


def _interrupted(run_dir: Path | None) -> NoReturn:
    if run_dir is None:
        fail(ExitCode.INTERRUPTED, "interrupted before the run directory was made; nothing to resume")
    fail(
        ExitCode.INTERRUPTED,
        f"interrupted; finished tests are kept in {run_dir}; "
        f"continue with `homesec-bench run --resume {run_dir}`",
    )


def _check_limits(**limits: float) -> None:
    """Timeouts must be finite and positive: 0 would silently turn a check off, nan never fires."""
    for name, value in limits.items():
        if not math.isfinite(value) or value <= 0:
            flag = "--" + name.replace("_", "-")
            fail(ExitCode.USAGE, f"{flag} must be a positive number of seconds, not {value:g}")


def _check_base_url(flag: str, url: str) -> None:
    """An http(s) URL with a host and a valid port, or a one-line usage error (exit 2)."""
    shown = public_url(url)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        fail(ExitCode.USAGE, f"{flag} {shown!r} is not a valid URL ({exc})")
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        fail(
            ExitCode.USAGE,
            f"{flag} must be an http:// or https:// URL with a host, e.g. http://127.0.0.1:8080/v1, "
            f"not {shown!r}",
        )
    if port == 0:
        fail(ExitCode.USAGE, f"{flag} {shown!r} names port 0")


def _launch(
    config: RunConfig,
    server: ManagedServerOptions,
    suites_dir: Path | None,
    hooks: _ProgressHooks,
    progress: Progress,
) -> LoadedRun:
    """runner.launch, with each way it can fail mapped to its exit code."""
    try:
        return launch(
            config,
            server=server,
            suites_dir=suites_dir,
            hooks=hooks,
            log=lambda line: err_console.print(f"[dim]{line}[/dim]"),
            around_run=progress,
        )
    except KeyboardInterrupt:
        _interrupted(hooks.run_dir)
    except Exception as exc:
        fail_for(exc)


def _print_summary(loaded, *, embedded: bool) -> None:
    from homesec_bench.reports.console import print_run_summary
    from homesec_bench.reports.summary import summarize

    print_run_summary(summarize(loaded), console)
    console.print(f"[dim]run directory: {loaded.path}[/dim]")
    if embedded:
        console.print(f"[yellow]note:[/] {EMBEDDED_NOTE}")


@app.command("setup")
def setup_command(
    llama_server: Annotated[
        str | None, typer.Option("--llama-server", help="Use this llama-server binary instead of building.")
    ] = None,
) -> None:
    """Build (or find) llama-server and check the embedded model, so the first run starts at once."""
    from homesec_bench.server.build import ensure_llama_server
    from homesec_bench.server.models import check_gguf, default_model_path

    try:
        binary = ensure_llama_server(explicit=llama_server, log=lambda line: err_console.print(line))
        model_path = default_model_path()
        check_gguf(model_path)
    except Exception as exc:
        fail_for(exc)
    console.print(f"llama-server: {binary}")
    console.print(f"embedded model: {model_path}")
