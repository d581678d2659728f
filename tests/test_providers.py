"""Every preset against the loopback test server playing its provider's dialect (testing/dialects.py).

For each preset a real run over streamed SSE shows what happens with a parameter the endpoint rejects
(the run completes, the parameter is listed as dropped, the verdicts are those of the answers given)
and with a stream that carries no usage (token counts come from the next source, which is recorded;
an unknown count stays unknown, never 0). Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from homesec_bench.client import EndpointUnauthorized
from homesec_bench.client.openai_chat import build_chat_request
from homesec_bench.client.params import RENAMES, renamed
from homesec_bench.reports.summary import summarize
from homesec_bench.runner import EndpointConfig, RunConfig, RunHooks, complete_config, launch
from homesec_bench.runner.presets import PRESETS
from homesec_bench.store import LoadedRun
from homesec_bench.suites import load_benchmark
from homesec_bench.suites.loader import Benchmark
from homesec_bench.testing import FakeOpenAIServer, ReferenceResponder, reference_responder
from homesec_bench.testing.dialects import dialect_for

KEY = "sk-test-provider-key"
TWO_CALLS = "tool_use.two_calls_clip_and_locks"
# Two tool calls in one turn (each dialect chunks them its own way), a label answered with a near
# miss (so a fail must stay a fail), and a JSON classification.
TESTS = [TWO_CALLS, "topic_classification", "security_classification"]


@pytest.fixture(scope="module")
def bench() -> Benchmark:
    return load_benchmark()


def _test_ids(bench: Benchmark) -> tuple[list[str], str]:
    ids = [TWO_CALLS] + [bench.suites[suite].tests[0].id for suite in TESTS[1:]]
    return ids, ids[1]


def _responder(bench: Benchmark, wrong: str, **reply_defaults: Any) -> ReferenceResponder:
    responder = reference_responder(bench, reply_defaults=reply_defaults)
    responder.wrong_test_ids = frozenset({wrong})
    return responder


def _run(preset: str, server: FakeOpenAIServer, ids: list[str], out: Path, bench: Benchmark) -> LoadedRun:
    """A run through the preset (its key variable, extra body, protocol), aimed at the local server."""
    endpoint = EndpointConfig(preset=preset, base_url=server.base_url)
    config = RunConfig(endpoint=endpoint, test_ids=ids, out_dir=out, warmup=False, sample_memory=False)
    return launch(config, bench=bench)


def _serve(preset: str, responder: ReferenceResponder, monkeypatch: pytest.MonkeyPatch) -> FakeOpenAIServer:
    chosen = PRESETS[preset]
    api_key = None
    if chosen.needs_api_key:
        assert chosen.key_env
        monkeypatch.setenv(chosen.key_env, KEY)
        api_key = KEY  # the server refuses any other key: the run must read the preset's variable
    return FakeOpenAIServer(responder, api_key=api_key, dialect=dialect_for(preset)).start()


def _verdicts_hold(run: LoadedRun, ids: list[str], wrong: str) -> None:
    results = {r.test_id: r for r in run.final_results()}
    assert set(results) == set(ids)
    for test_id, result in results.items():
        assert result.request.error is None, (test_id, result.request.error)
        assert result.outcome == ("fail" if test_id == wrong else "pass"), (test_id, result.reason)
    calls = results[TWO_CALLS].request.tool_calls
    assert len(calls) == 2 and all(isinstance(c.arguments, dict) and c.arguments for c in calls)


def _rejected_params(preset: str, bench: Benchmark) -> list[str]:
    """The parameters of the run's requests that the preset's provider documents as rejected."""
    if PRESETS[preset].api is not None:
        return []
    body = build_chat_request(bench.test(TWO_CALLS), bench.tools, model="fake-model")
    body.update(PRESETS[preset].extra_body)
    return dialect_for(preset).refused(body)


@pytest.mark.parametrize("preset", list(PRESETS))
def test_a_rejected_parameter_is_dropped_and_the_verdicts_hold(
    preset: str, bench: Benchmark, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids, wrong = _test_ids(bench)
    documented = _rejected_params(preset, bench)
    # Where the provider documents no rejection of what the run sends, it rejects one it does not
    # document as ignored (temperature, as OpenAI's reasoning models do), in its own error body.
    ignored = dialect_for(preset).ignores
    scripted_param = next(p for p in ("temperature", "seed", "max_tokens") if p not in ignored)
    scripted = {} if documented else {"fault": f"reject_param:{scripted_param}"}
    expected = documented or [scripted_param]
    server = _serve(preset, _responder(bench, wrong, **scripted), monkeypatch)
    try:
        run = _run(preset, server, ids, tmp_path / "run", bench)
    finally:
        server.stop()
    _verdicts_hold(run, ids, wrong)
    for result in run.final_results():
        sent = result.request.request_body
        assert result.request.dropped_params == expected, result.request.dropped_params
        for name in expected:
            assert name not in sent
            if name in RENAMES and RENAMES[name] in (dialect_for(preset).accepts_only or ()):
                # Another spelling the provider takes: the value is kept, under its name.
                assert sent[RENAMES[name]] is not None
    assert any(all(name in body for name in expected) for body in server.requests)  # it was sent once
    # and the run says so: a default where the value was dropped, a rename where it was resent
    summary = summarize(run)
    kept = renamed(expected)
    assert summary.server_defaults.keys() == set(expected) - kept.keys()
    for name, new_name in kept.items():
        assert any(note.startswith(f"{name} was rejected and resent as {new_name}") for note in summary.notes)
    if PRESETS[preset].key_env:
        assert run.info.parameters["api_key_env"] == PRESETS[preset].key_env


@pytest.mark.parametrize("preset", list(PRESETS))
def test_a_stream_without_usage_counts_tokens_from_the_next_source(
    preset: str, bench: Benchmark, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids, wrong = _test_ids(bench)
    # llama-server reports its own timings next to usage; every other server has only the chunks.
    timings = preset == "llama-server"
    server = _serve(preset, _responder(bench, wrong, send_usage=False, send_timings=timings), monkeypatch)
    try:
        run = _run(preset, server, ids, tmp_path / "run", bench)
    finally:
        server.stop()
    _verdicts_hold(run, ids, wrong)
    source = "server_timings" if timings else "chunks"
    for result in run.final_results():
        request = result.request
        assert request.output_tokens_source == source
        assert request.output_tokens is not None and request.output_tokens > 0
        if not timings:
            assert request.prompt_tokens is None  # unknown, never reported as 0
    summary = summarize(run)
    assert summary.output_token_sources == {source: len(ids)}
    assert summary.output_tokens > 0
    assert (summary.prompt_tokens is None) is not timings


def test_cloud_presets_name_their_documented_url_and_key() -> None:
    expected = {
        "anthropic-openai": ("https://api.anthropic.com/v1", "ANTHROPIC_API_KEY"),
        "gemini": ("https://generativelanguage.googleapis.com/v1beta/openai", "GEMINI_API_KEY"),
        "openrouter": ("https://openrouter.ai/api/v1", "OPENROUTER_API_KEY"),
        "groq": ("https://api.groq.com/openai/v1", "GROQ_API_KEY"),
        "together": ("https://api.together.ai/v1", "TOGETHER_API_KEY"),
        "deepseek": ("https://api.deepseek.com/v1", "DEEPSEEK_API_KEY"),
        "mistral": ("https://api.mistral.ai/v1", "MISTRAL_API_KEY"),
        "fireworks": ("https://api.fireworks.ai/inference/v1", "FIREWORKS_API_KEY"),
    }
    for name, (url, key) in expected.items():
        preset = PRESETS[name]
        assert (preset.base_url, preset.key_env, preset.locality) == (url, key, "cloud")
        assert preset.needs_api_key and preset.api is None and preset.limits is not None
        # Every documented difference names where it was read, and when.
        assert preset.limits.facts
        for fact in preset.limits.facts:
            assert fact.url.startswith("https://") and fact.read == "2026-11-30" and fact.text
    assert PRESETS["anthropic"].api == "anthropic"  # the native Messages preset stays


def test_a_preset_reads_its_own_key_variable_unless_told_another(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GROQ_API_KEY", raising=False)
    monkeypatch.setenv("OPENAI_API_KEY", "not-this-one")
    config = RunConfig(endpoint=EndpointConfig(preset="groq"))
    with pytest.raises(EndpointUnauthorized, match="set GROQ_API_KEY"):
        complete_config(config)
    monkeypatch.setenv("GROQ_API_KEY", KEY)
    done = complete_config(config).endpoint
    assert (done.key_env, done.base_url) == ("GROQ_API_KEY", "https://api.groq.com/openai/v1")
    monkeypatch.setenv("MY_GROQ_KEY", KEY)
    mine = complete_config(RunConfig(endpoint=EndpointConfig(preset="groq", api_key_env="MY_GROQ_KEY")))
    assert mine.endpoint.key_env == "MY_GROQ_KEY"
    # A local preset needs no key and keeps the protocol's default variable.
    assert complete_config(RunConfig(endpoint=EndpointConfig(preset="vllm"))).endpoint.api_key_env is None


def test_every_documented_fact_is_on_the_providers_page() -> None:
    page = (Path(__file__).parent.parent / "docs" / "providers.md").read_text(encoding="utf-8")
    for preset in PRESETS.values():
        if preset.limits is None:
            continue
        assert f"`{preset.name}`" in page and preset.base_url in page
        for fact in preset.limits.facts:
            assert fact.url in page, (preset.name, fact.url)


def test_a_run_is_told_which_of_its_parameters_the_provider_ignores(
    bench: Benchmark, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    notes: list[str] = []
    ids, wrong = _test_ids(bench)
    server = _serve("anthropic-openai", _responder(bench, wrong), monkeypatch)
    try:
        endpoint = EndpointConfig(preset="anthropic-openai", base_url=server.base_url)
        config = RunConfig(endpoint=endpoint, test_ids=ids[:1], out_dir=tmp_path / "run", warmup=False)
        launch(config, bench=bench, hooks=RunHooks(on_note=notes.append))
    finally:
        server.stop()
    assert any("ignores seed" in note for note in notes), notes
    assert PRESETS["deepseek"].caveats() and not PRESETS["groq"].caveats() and not PRESETS["vllm"].caveats()


@pytest.mark.parametrize("preset", ["groq", "mistral", "gemini"])
def test_a_wrong_key_names_the_presets_variable(
    preset: str, bench: Benchmark, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chosen = PRESETS[preset]
    assert chosen.key_env
    monkeypatch.setenv(chosen.key_env, "not-the-key")
    server = FakeOpenAIServer(reference_responder(bench), api_key=KEY, dialect=dialect_for(preset)).start()
    try:
        with pytest.raises(EndpointUnauthorized) as caught:
            _run(preset, server, _test_ids(bench)[0][:1], tmp_path / "run", bench)
    finally:
        server.stop()
    assert chosen.key_env in str(caught.value) and "OPENAI_API_KEY" not in str(caught.value)
    assert "not-the-key" not in str(caught.value)
