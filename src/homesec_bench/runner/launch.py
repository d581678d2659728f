"""One call for a whole run: what the CLI, a sweep and tests share.

    from homesec_bench.runner import RunConfig, EndpointConfig, launch
    loaded = launch(RunConfig(endpoint=EndpointConfig()))            # the embedded default model
    loaded = launch(RunConfig(endpoint=EndpointConfig(preset="ollama", model="qwen3:4b")))

`launch` completes the configuration the way the command line does (a resumed run's endpoint and
model, the preset's base URL, locality, protocol and key check), starts and always stops a managed
llama-server when there is no base URL (the embedded default, or `ManagedServerOptions.gguf`), and
runs the benchmark. It raises, never exits: RunSetupError for a request that cannot be run as asked,
EndpointUnauthorized for a missing key, StoreError, SuiteError / UnknownSelectionError, and
ServerSetupError when the managed server cannot start.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from homesec_bench.reports.redact import REDACTED
from homesec_bench.runner.config import RunConfig
from homesec_bench.runner.engine import RunHooks, RunSetupError, ServerControl, run_benchmark
from homesec_bench.runner.presets import get_preset
from homesec_bench.store import LoadedRun, load_run
from homesec_bench.suites.loader import Benchmark, load_benchmark

EMBEDDED_NOTE = (
    "The embedded default is SmolLM2-135M, a tiny model: its score shows the pipeline working and ranks "
    "nothing. Point --base-url at your own server to measure a real model."
)


@dataclass
class ManagedServerOptions:
    """How to run the managed llama-server when the endpoint has no base URL."""

    gguf: Path | None = None  # None: the embedded default model
    llama_server: str | None = None  # a binary to use instead of the built one
    ctx_size: int = 8192
    threads: int | None = None
    chat_template: str | None = None
    server_args: list[str] = field(default_factory=list)


def complete_config(config: RunConfig, *, gguf: Path | None = None) -> RunConfig:
    """The configuration with what a resumed run and the preset imply filled in (a copy)."""
    endpoint = config.endpoint.model_copy()
    updates: dict[str, object] = {}
    if config.resume_dir is not None:
        old_info = load_run(config.resume_dir, transcripts=False).info
        updates = _resumed_measurement(config, old_info.parameters)
        old = old_info.endpoint
        if endpoint.base_url is None and not old.managed:
            endpoint.base_url = old.base_url
            if REDACTED in old.base_url:
                raise RunSetupError(
                    f"the run's base URL carried credentials, which are not stored ({old.base_url}); "
                    "pass --base-url again"
                )
        if endpoint.model is None and not old.managed:
            endpoint.model = old.model
    if endpoint.preset:
        try:
            chosen = get_preset(endpoint.preset)
        except ValueError as exc:
            raise RunSetupError(str(exc)) from None
        endpoint.base_url = endpoint.base_url or chosen.base_url
        endpoint.locality = endpoint.locality or chosen.locality
        endpoint.api = endpoint.api or chosen.api
        # The preset's key variable (GROQ_API_KEY, ...) unless the user named one.
        endpoint.api_key_env = endpoint.api_key_env or chosen.key_env
        if chosen.needs_api_key and not os.environ.get(endpoint.key_env):
            from homesec_bench.client import EndpointUnauthorized

            raise EndpointUnauthorized(
                f"{endpoint.preset} needs an API key: set {endpoint.key_env} (or choose --api-key-env)"
            )
    if gguf is not None and endpoint.base_url is not None:
        raise RunSetupError("--gguf starts a local server; it cannot be combined with --base-url/--preset")
    return config.model_copy(update={"endpoint": endpoint, **updates})


def _resumed_measurement(config: RunConfig, parameters: dict[str, object]) -> dict[str, object]:
    """What a resumed run must keep from its first segment so that its halves are measured alike:
    an unstreamed run (--no-stream) stays unstreamed; a streamed one cannot continue unstreamed."""
    was_streamed = parameters.get("stream")
    if not isinstance(was_streamed, bool) or was_streamed == config.stream:
        return {}
    if was_streamed:
        raise RunSetupError(
            "this run was streamed; resuming it with --no-stream would measure its halves differently "
            "(drop --no-stream, or start a new run)"
        )
    return {"stream": False}


@contextlib.contextmanager
def managed_server(
    options: ManagedServerOptions, log: Callable[[str], None] = lambda line: None
) -> Iterator[tuple[str, str, ServerControl]]:
    """Start llama-server on a free loopback port for the embedded model or a GGUF; always stop it.

    Yields (base URL, model name, control). Raises ServerSetupError when it cannot start."""
    from homesec_bench.server.build import ensure_llama_server
    from homesec_bench.server.fidelity import check_prompt_fidelity
    from homesec_bench.server.llama import ManagedLlamaServer
    from homesec_bench.server.models import check_gguf, default_model_path

    server = None
    try:
        model_path = Path(options.gguf) if options.gguf else default_model_path()
        check_gguf(model_path)
        binary = ensure_llama_server(explicit=options.llama_server, log=log)
        server = ManagedLlamaServer(
            model_path,
            binary=binary,
            ctx_size=options.ctx_size,
            threads=options.threads,
            chat_template=options.chat_template,
            extra_args=options.server_args,
            log=log,
        )
        log(f"starting llama-server with {model_path.name} ...")
        server.start()
        # A server that alters the prompt (HTML-escaping, say) would corrupt every JSON test: check first.
        check_prompt_fidelity(server.root_url)
    except BaseException:
        if server is not None:
            server.stop()
        raise
    try:
        control = ServerControl(pid=lambda: server.pid, is_alive=server.is_alive, restart=server.arestart)
        yield server.base_url, server.model_name, control
    finally:
        server.stop()


def launch(
    config: RunConfig,
    *,
    server: ManagedServerOptions | None = None,
    bench: Benchmark | None = None,
    suites_dir: Path | None = None,
    hooks: RunHooks | None = None,
    log: Callable[[str], None] = lambda line: None,
    around_run: contextlib.AbstractContextManager[object] | None = None,
) -> LoadedRun:
    """Run (or resume) the benchmark as `config` asks, starting the managed server when there is no
    base URL, and return the run as read back from its directory. `log` gets the managed server's
    set-up lines; `around_run` (a progress display, say) is entered around the run itself."""
    hooks = hooks or RunHooks()
    options = server or ManagedServerOptions()
    config = complete_config(config, gguf=options.gguf)
    bench = bench or load_benchmark(suites_dir)
    # An unknown suite or test fails here, before a managed server is started for nothing.
    bench.select(config.suites, config.test_ids)
    with contextlib.ExitStack() as stack:
        control = None
        if config.endpoint.base_url is None:
            url, served_model, control = stack.enter_context(managed_server(options, log))
            if options.gguf is None:
                hooks.on_note(EMBEDDED_NOTE)
            # A managed server is llama-server: measure it the way its preset says.
            endpoint = config.endpoint.model_copy(
                update={"base_url": url, "model": served_model, "preset": "llama-server", "locality": "local"}
            )
            config = config.model_copy(update={"endpoint": endpoint})
        with around_run or contextlib.nullcontext():
            return asyncio.run(run_benchmark(config, bench=bench, hooks=hooks, server=control))
