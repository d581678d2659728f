"""The provider dialects in detail: what the test server sends for each, and how the client reads it.

Real HTTP on 127.0.0.1 (SSE streams read byte for byte), plus the pure parsing helpers.
"""

from __future__ import annotations

import dataclasses
import json
import urllib.error
import urllib.request
from typing import Any

import pytest
from typer.testing import CliRunner

from homesec_bench.cli.app import app, load_commands
from homesec_bench.client import ChatClient
from homesec_bench.client.accumulate import Accumulator
from homesec_bench.client.params import rejected_param
from homesec_bench.runner.presets import PRESETS
from homesec_bench.testing import FakeOpenAIServer, Reply, fixed
from homesec_bench.testing.dialects import OPENAI, Dialect, dialect_for
from homesec_bench.testing.fake_server import main as fake_server_main
from homesec_bench.testing.reply import count_prompt_tokens

CALLS = [
    {"id": "call_a", "name": "analyze_clip", "arguments": {"camera": "porch", "minutes": 10}},
    {"id": "call_b", "name": "list_locks", "arguments": {}},
]
REPLY = Reply(content="Checking both.", tool_calls=CALLS)
BODY: dict[str, Any] = {
    "model": "fake-model",
    "messages": [{"role": "user", "content": "Check the porch clip and the locks."}],
    "max_tokens": 64,
    "temperature": 0.0,
    "seed": 7,
}


def _events(server: FakeOpenAIServer, body: dict[str, Any]) -> tuple[list[str], list[dict[str, Any]]]:
    """The raw SSE of one streamed request: its comment lines and its JSON chunks."""
    request = urllib.request.Request(
        f"{server.base_url}/chat/completions",
        data=json.dumps({**body, "stream": True}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        text = response.read().decode()
    comments = [line for line in text.splitlines() if line.startswith(":")]
    chunks = [
        json.loads(line[6:])
        for line in text.splitlines()
        if line.startswith("data: ") and line != "data: [DONE]"
    ]
    return comments, chunks


def _allowed(dialect: Dialect, body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k not in dialect.refused(body)}


@pytest.mark.parametrize("preset", [p for p, v in PRESETS.items() if v.limits is not None])
def test_the_server_plays_each_dialects_usage_and_tool_call_chunks(preset: str) -> None:
    dialect = dialect_for(preset)
    with FakeOpenAIServer(fixed(REPLY), dialect=dialect) as server:
        comments, chunks = _events(server, _allowed(dialect, BODY))  # usage not asked for
    assert comments == ([f": {dialect.comment}"] if dialect.comment else [])
    call_chunks = [c for c in chunks if c["choices"] and "tool_calls" in c["choices"][0]["delta"]]
    calls = [call for c in call_chunks for call in c["choices"][0]["delta"]["tool_calls"]]
    if dialect.tool_calls == "fragments":
        assert len(call_chunks) > len(CALLS)
    else:
        assert len(calls) == len(CALLS)
        assert all(
            json.loads(call["function"]["arguments"]) == CALLS[i]["arguments"] for i, call in enumerate(calls)
        )
        assert len(call_chunks) == (len(CALLS) if dialect.tool_calls == "whole_per_chunk" else 1)
        assert all(("index" in call) == (dialect.tool_calls != "whole_no_index") for call in calls)
    finish = next(c for c in chunks if c["choices"] and c["choices"][0]["finish_reason"])
    usage_chunks = [c for c in chunks if not c["choices"]]
    assert ("usage" in finish) == ("finish_chunk" in dialect.usage)
    assert ("x_groq" in finish) == ("x_groq" in dialect.usage)
    assert bool(usage_chunks) == ("usage_chunk" in dialect.usage and dialect.usage_unasked)


def test_a_strict_schema_lists_every_refused_field_in_mistrals_422() -> None:
    dialect = dialect_for("mistral")
    body = {**BODY, "stream_options": {"include_usage": True}, "store": False}
    with FakeOpenAIServer(fixed(REPLY), dialect=dialect) as server:
        request = urllib.request.Request(
            f"{server.base_url}/chat/completions",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
        )
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(request, timeout=10)
    assert caught.value.code == 422
    error = json.loads(caught.value.read())
    assert error["object"] == "error" and error["type"] == "invalid_request_error"
    assert [d["loc"] for d in error["message"]["detail"]] == [
        ["body", "seed"],
        ["body", "stream_options"],
        ["body", "store"],
    ]


async def test_mistral_seed_is_resent_as_random_seed_and_usage_read_from_the_finish_chunk() -> None:
    with FakeOpenAIServer(fixed(REPLY), dialect=dialect_for("mistral")) as server:
        async with ChatClient(server.base_url, max_retries=0) as client:
            first = await client.complete(BODY)
            second = await client.complete({**BODY, "seed": 8})
    assert first.error is None and first.attempts == 3  # seed refused, then stream_options
    assert first.dropped_params == ["seed", "stream_options"]
    assert first.request_body["random_seed"] == 7 and "seed" not in first.request_body
    assert second.attempts == 1 and second.request_body["random_seed"] == 8
    # Asked for no usage (stream_options is gone), the finish chunk carries it anyway: exact counts.
    assert first.output_tokens_source == "usage" and first.prompt_tokens is not None
    assert [(c.id, c.name, c.arguments) for c in first.tool_calls] == [
        (c["id"], c["name"], c["arguments"]) for c in CALLS
    ]


async def test_groq_as_reported_in_2024_stream_options_refused_and_usage_only_in_x_groq() -> None:
    dialect = dataclasses.replace(
        dialect_for("groq"), rejects=frozenset({"stream_options"}), usage=("x_groq",)
    )
    with FakeOpenAIServer(fixed(Reply(content="one two three")), dialect=dialect) as server:
        async with ChatClient(server.base_url, max_retries=0) as client:
            record = await client.complete(BODY)
    # The 400 names the field only in its message ("property 'stream_options' is unsupported").
    assert record.error is None and record.dropped_params == ["stream_options"]
    assert (record.output_tokens, record.output_tokens_source) == (3, "usage")
    assert record.prompt_tokens == count_prompt_tokens(BODY)


async def test_gemini_errors_as_a_list_and_tool_calls_without_index() -> None:
    with FakeOpenAIServer(
        fixed(dataclasses.replace(REPLY, fault="reject_param:temperature")), dialect=dialect_for("gemini")
    ) as server:
        async with ChatClient(server.base_url, max_retries=0) as client:
            record = await client.complete(BODY)
    assert record.error is None and record.dropped_params == ["temperature"]
    assert [(c.name, c.arguments) for c in record.tool_calls] == [(c["name"], c["arguments"]) for c in CALLS]


async def test_openrouter_comments_are_skipped_and_fireworks_gets_its_context_switch() -> None:
    with FakeOpenAIServer(fixed(Reply(content="fine")), dialect=dialect_for("openrouter")) as server:
        async with ChatClient(server.base_url, max_retries=0) as client:
            record = await client.complete(BODY)
    assert record.content == "fine" and record.output_tokens_source == "usage"
    assert PRESETS["fireworks"].extra_body == {"context_length_exceeded_behavior": "error"}


def test_whole_calls_without_index_or_id_are_told_apart() -> None:
    acc = Accumulator(0.0)
    whole = [{"function": {"name": c["name"], "arguments": json.dumps(c["arguments"])}} for c in CALLS]
    acc.feed_chunk({"choices": [{"delta": {"tool_calls": whole}}]}, 0.1)
    assert [(c.name, c.arguments) for c in acc.tool_calls()] == [(c["name"], c["arguments"]) for c in CALLS]
    # A server that repeats the name on every fragment, with neither index nor id: still one call.
    acc = Accumulator(0.0)
    for piece in ['{"camera": ', '"porch"}', ""]:
        acc.feed_chunk(
            {
                "choices": [
                    {"delta": {"tool_calls": [{"function": {"name": "analyze_clip", "arguments": piece}}]}}
                ]
            },
            0.1,
        )
    assert [(c.name, c.arguments) for c in acc.tool_calls()] == [("analyze_clip", {"camera": "porch"})]


def test_the_refused_field_is_read_from_where_each_provider_puts_it() -> None:
    body = {**BODY, "stream_options": {"include_usage": True}}
    # Mistral: the `loc` decides, whatever the echoed input says.
    detail = [{"type": "extra_forbidden", "loc": ["body", "seed"], "msg": "no", "input": "temperature"}]
    assert rejected_param(422, {"object": "error", "message": {"detail": detail}}, body) == "seed"
    nested = [{"type": "extra_forbidden", "loc": ["body", "messages", 0, "name"], "msg": "temperature"}]
    assert rejected_param(422, {"detail": nested}, body) is None  # a message field: not droppable
    gemini = [{"error": {"code": 400, "message": 'Unknown name "seed": Cannot find field.', "status": "X"}}]
    assert rejected_param(400, gemini, body) == "seed"
    openrouter = {"error": {"code": 400, "message": "temperature is not supported by the chosen model"}}
    assert rejected_param(400, openrouter, body) == "temperature"
    assert OPENAI.error(["top_p"], body)[1]["error"]["param"] == "top_p"


def test_list_presets_shows_base_url_and_key_variable() -> None:
    load_commands("list")
    runner = CliRunner()
    shown = runner.invoke(app, ["list", "presets"])
    assert shown.exit_code == 0, shown.output
    lines = {line.split("\t")[0]: line.split("\t") for line in shown.output.splitlines()}
    for name, preset in PRESETS.items():
        assert lines[name][1] == preset.base_url
        assert lines[name][2] == (preset.key_env or "none needed")
    data = json.loads(runner.invoke(app, ["list", "presets", "--json"]).output)
    groq = next(p for p in data if p["name"] == "groq")
    assert groq["key_env"] == "GROQ_API_KEY" and all(f["url"] for f in groq["limits"]["facts"])


def test_the_server_command_refuses_an_unknown_dialect(capsys: pytest.CaptureFixture[str]) -> None:
    assert fake_server_main(["--dialect", "smoke-signals"]) == 2
    assert "unknown --dialect" in capsys.readouterr().err


def test_cli_run_with_a_preset_aimed_at_the_local_server(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from homesec_bench.suites import load_benchmark
    from homesec_bench.testing import reference_responder

    bench = load_benchmark()
    monkeypatch.setenv("MISTRAL_API_KEY", "sk-mistral-test")
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    test_id = bench.suites["topic_classification"].tests[0].id
    with FakeOpenAIServer(
        reference_responder(bench), api_key="sk-mistral-test", dialect=dialect_for("mistral")
    ) as server:
        load_commands("run")
        args = ["run", "--preset", "mistral", "--base-url", server.base_url, "--test", test_id]
        done = CliRunner().invoke(app, [*args, "--out", str(tmp_path / "run"), "--no-warmup"])
        sent = server.requests
    assert done.exit_code == 0, done.output
    assert "random_seed" in sent[-1] and "seed" not in sent[-1] and "stream_options" not in sent[-1]
    run = json.loads((tmp_path / "run" / "run.json").read_text())
    assert run["parameters"]["api_key_env"] == "MISTRAL_API_KEY"
    assert run["endpoint"]["preset"] == "mistral" and run["endpoint"]["base_url"] == server.base_url
