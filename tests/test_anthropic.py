"""The Anthropic Messages backend against the fake server's Anthropic dialect (a real loopback server)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from homesec_bench.cli.exit_codes import ExitCode
from homesec_bench.client import Backend, backend_names, get_backend
from homesec_bench.client.anthropic import AnthropicClient
from homesec_bench.runner import EndpointConfig, RunConfig, run_benchmark
from homesec_bench.suites import load_benchmark
from homesec_bench.testing import FakeOpenAIServer, Reply, fixed, per_attempt, reference_responder

KEY = "sk-ant-test-key-0123"
CALL = {"id": "toolu_1", "name": "get_camera_events", "arguments": {"camera": "driveway", "limit": 3}}


async def _complete(server: FakeOpenAIServer, body: dict[str, Any] | None = None, **options: Any) -> Any:
    async with AnthropicClient(server.base_url, options.pop("api_key", KEY), **options) as client:
        return await client.complete(
            body or {"model": "fake-model", "max_tokens": 64, "messages": [{"role": "user", "content": "hi"}]}
        )


def test_registry_holds_both_protocols() -> None:
    assert {"openai_chat", "openai", "anthropic"} <= set(backend_names())
    for name in ("openai_chat", "anthropic"):
        backend = get_backend(name)
        assert isinstance(backend, Backend) and backend.api == name
    assert get_backend(None).api == "openai_chat"
    with pytest.raises(ValueError, match="unknown api"):
        get_backend("smoke-signals")


async def test_stream_with_thinking_text_and_tool_use(make_fake_server: Any) -> None:
    reply = Reply(
        reasoning="The driveway camera logged it.",
        content="Checking the log now.",
        tool_calls=[CALL],
        first_token_delay_s=0.05,
        token_interval_s=0.01,
        prompt_tokens=40,
        cached_tokens=30,
    )
    server = make_fake_server(fixed(reply), api_key=KEY)
    record = await _complete(server)
    assert record.error is None, record.error
    assert record.streamed
    assert record.reasoning == "The driveway camera logged it."
    assert record.content == "Checking the log now."
    assert [(c.id, c.name, c.arguments) for c in record.tool_calls] == [
        ("toolu_1", "get_camera_events", {"camera": "driveway", "limit": 3})
    ]
    assert record.finish_reason == "tool_calls"
    # TTFT is the first thinking delta; first output the first text, which comes after 5 thinking tokens.
    assert record.ttft_s is not None and record.first_output_s is not None
    assert record.ttft_s >= 0.05
    assert record.first_output_s > record.ttft_s
    # Usage: message_start carries the input (cache reads added back), message_delta the output.
    assert record.output_tokens_source == "usage"
    assert record.output_tokens == record.token_events
    assert (record.prompt_tokens, record.cached_prompt_tokens) == (40, 30)
    assert record.decode_tps is not None and record.decode_tps > 0
    sent = server.requests[-1]
    assert sent["stream"] is True and "stream_options" not in sent


async def test_unstreamed_message(make_fake_server: Any) -> None:
    server = make_fake_server(fixed(Reply(reasoning="hm", content="plain answer", tool_calls=[CALL])))
    body = {
        "model": "fake-model",
        "max_tokens": 64,
        "stream": False,
        "messages": [{"role": "user", "content": "x"}],
    }
    record = await _complete(server, body)
    assert record.error is None, record.error
    assert not record.streamed
    assert (record.reasoning, record.content) == ("hm", "plain answer")
    assert record.tool_calls[0].arguments == {"camera": "driveway", "limit": 3}
    assert record.finish_reason == "tool_calls"


async def test_errors_map_to_the_openai_kinds(make_fake_server: Any) -> None:
    needs_key = make_fake_server(fixed(Reply(content="ok")), api_key=KEY)
    unauthorised = await _complete(needs_key, api_key="sk-ant-wrong-key", max_retries=0)
    assert unauthorised.error_kind == "auth" and unauthorised.status_code == 401
    assert "sk-ant-wrong-key" not in (unauthorised.error or "")

    limited = make_fake_server(fixed(Reply(fault="http_429", retry_after=0.01)))
    record = await _complete(limited, max_retries=0)
    assert record.error_kind == "rate_limited" and record.status_code == 429

    overloaded = make_fake_server(fixed(Reply(status=529)))
    record = await _complete(overloaded, max_retries=0)
    assert record.error_kind == "http_5xx" and record.status_code == 529
    assert "Overloaded" in (record.error or "")

    mid_stream = make_fake_server(fixed(Reply(content="one two three four five six", fault="error_event")))
    record = await _complete(mid_stream, max_retries=0)
    assert record.error_kind == "stream_error"


async def test_retry_after_429_and_529_then_answer(make_fake_server: Any) -> None:
    replies = [Reply(fault="http_429", retry_after=0.01), Reply(status=529), Reply(content="third time")]
    server = make_fake_server(per_attempt(replies))
    record = await _complete(server, max_retries=3, backoff_base_s=0.01)
    assert record.error is None, record.error
    assert record.content == "third time"
    assert record.attempts == 3


async def test_a_suite_runs_end_to_end(make_fake_server: Any, tmp_path: Path) -> None:
    bench = load_benchmark()
    server = make_fake_server(reference_responder(bench), api_key=KEY)
    config = RunConfig(
        endpoint=EndpointConfig(
            base_url=server.base_url, api="anthropic", api_key_env="HSB_TEST_ANTHROPIC_KEY"
        ),
        suites=["tool_use", "multi_turn_reasoning"],
        out_dir=tmp_path / "run",
        sample_memory=False,
    )
    os.environ["HSB_TEST_ANTHROPIC_KEY"] = KEY
    try:
        loaded = await run_benchmark(config, bench=bench)
    finally:
        del os.environ["HSB_TEST_ANTHROPIC_KEY"]
    results = loaded.final_results()
    assert results and all(r.outcome == "pass" for r in results), [
        (r.test_id, r.outcome, r.reason) for r in results if r.outcome != "pass"
    ]
    # Every request was the Messages API's shape: tools with input_schema, no OpenAI fields.
    tests = [b for b in server.requests if b.get("tools")]
    assert tests, "the tool suite sent no tools"
    for body in server.requests:
        assert "stream_options" not in body and "response_format" not in body
        assert all(m["role"] in ("user", "assistant") for m in body["messages"])
    assert all("input_schema" in t for b in tests for t in b["tools"])
    # The stored transcript is the neutral one, whatever the protocol.
    with_calls = [r for r in results if r.request.tool_calls]
    assert with_calls
    last = with_calls[0].messages[-1]
    assert last["role"] == "assistant" and "function" not in json.dumps(last["tool_calls"])
    assert loaded.info.parameters["api_key_env"] == "HSB_TEST_ANTHROPIC_KEY"


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    full_env.update({"COLUMNS": "160", **env})
    command = [sys.executable, "-m", "homesec_bench", *args]
    return subprocess.run(command, capture_output=True, text=True, env=full_env, timeout=300)


def test_cli_api_anthropic_reads_its_own_key(make_fake_server: Any, tmp_path: Path) -> None:
    server = make_fake_server(reference_responder(load_benchmark()), api_key=KEY)
    out = tmp_path / "run"
    args = ("run", "--api", "anthropic", "--base-url", server.base_url, "--suite", "topic_classification")
    proc = _cli(*args, "--out", str(out), env={"ANTHROPIC_API_KEY": KEY})
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert server.requests and all("stream_options" not in b for b in server.requests)
    run = json.loads((out / "run.json").read_text())
    assert run["parameters"]["api_key_env"] == "ANTHROPIC_API_KEY"
    # The anthropic preset refuses to start without its key, naming the variable.
    proc = _cli("run", "--preset", "anthropic", "--out", str(tmp_path / "other"), env={})
    assert proc.returncode == int(ExitCode.UNAUTHORIZED), proc.stderr
    assert "ANTHROPIC_API_KEY" in proc.stderr
    proc = _cli("run", "--api", "smoke-signals", "--base-url", server.base_url, env={})
    assert proc.returncode == int(ExitCode.USAGE) and "--api must be one of" in proc.stderr
