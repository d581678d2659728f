"""runner.launch: the one call the CLI, a sweep and a library user share (real loopback servers)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from homesec_bench.client import EndpointUnauthorized
from homesec_bench.runner import (
    EndpointConfig,
    ManagedServerOptions,
    RunConfig,
    RunHooks,
    RunSetupError,
    complete_config,
    launch,
)
from homesec_bench.suites import UnknownSelectionError, load_benchmark
from homesec_bench.testing import reference_responder

SUITE = "tool_use"


def test_launch_runs_and_a_resume_finds_its_endpoint_and_model(make_fake_server: Any, tmp_path: Path) -> None:
    bench = load_benchmark()
    server = make_fake_server(reference_responder(bench))
    run_dir = tmp_path / "run"
    first = launch(
        RunConfig(endpoint=EndpointConfig(base_url=server.base_url), suites=[SUITE], out_dir=run_dir),
        bench=bench,
    )
    assert first.final_results() and not first.info.endpoint.managed
    sent = server.request_count
    # Resuming names neither base URL nor model: both come from the run, and no server is started.
    again = launch(RunConfig(endpoint=EndpointConfig(), resume_dir=run_dir), bench=bench)
    assert again.path == run_dir and again.info.resumed_at
    assert server.request_count == sent  # every test was already done: nothing is sent again


def test_preset_fills_the_endpoint_and_checks_its_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    config = RunConfig(endpoint=EndpointConfig(preset="anthropic"))
    with pytest.raises(EndpointUnauthorized, match="set ANTHROPIC_API_KEY"):
        complete_config(config)
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-x")
    done = complete_config(config)
    assert done.endpoint.api == "anthropic" and done.endpoint.locality == "cloud"
    assert done.endpoint.base_url == "https://api.anthropic.com/v1"
    assert config.endpoint.base_url is None  # the caller's config is left as it was
    with pytest.raises(RunSetupError, match="unknown preset"):
        complete_config(RunConfig(endpoint=EndpointConfig(preset="nope")))


def test_gguf_with_a_base_url_and_unknown_selections_fail_before_any_server(tmp_path: Path) -> None:
    gguf = ManagedServerOptions(gguf=tmp_path / "model.gguf")
    with pytest.raises(RunSetupError, match="--gguf"):
        launch(RunConfig(endpoint=EndpointConfig(base_url="http://127.0.0.1:9/v1")), server=gguf)
    # No base URL means the managed server, but a bad selection is refused before it is started.
    with pytest.raises(UnknownSelectionError):
        launch(RunConfig(endpoint=EndpointConfig(), suites=["no_such_suite"]))


@pytest.mark.integration
@pytest.mark.timeout(1800)
def test_the_embedded_default_in_one_call(tmp_path: Path) -> None:
    from homesec_bench.server import ServerSetupError
    from homesec_bench.server.build import ensure_llama_server

    try:
        ensure_llama_server()
    except ServerSetupError as exc:
        pytest.skip(f"llama-server cannot be found or built here: {exc}")
    bench = load_benchmark()
    cheapest = min(bench.suites[SUITE].tests, key=lambda t: (t.sampling.max_tokens, t.id)).id
    notes: list[str] = []
    loaded = launch(
        RunConfig(endpoint=EndpointConfig(), test_ids=[cheapest], out_dir=tmp_path / "run"),
        server=ManagedServerOptions(threads=1),
        hooks=RunHooks(on_note=notes.append),
    )
    assert loaded.info.endpoint.managed and loaded.info.endpoint.preset == "llama-server"
    assert [r.test_id for r in loaded.final_results()] == [cheapest]
    assert any("SmolLM2" in note for note in notes)
