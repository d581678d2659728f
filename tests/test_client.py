"""The chat client against the real loopback fake server: timings, token counts, answers, setup calls."""

from __future__ import annotations

import asyncio
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from homesec_bench.client import (
    ERROR_KINDS,
    ChatClient,
    EndpointError,
    EndpointNotFound,
    EndpointUnauthorized,
    EndpointUnreachable,
)
from homesec_bench.client.accumulate import Accumulator, StreamError
from homesec_bench.models import RequestRecord
from homesec_bench.testing import Reply, fixed, sequence

BODY = {"model": "fake-model", "messages": [{"role": "user", "content": "Is the garage door closed?"}]}
WORDS = " ".join(f"w{i}" for i in range(20))  # 20 tokens


async def complete(server, body=None, **kwargs):
    async with ChatClient(server.base_url, **kwargs) as client:
        return await client.complete(dict(body or BODY))


async def test_ttft_and_decode_rate_match_the_scripted_truth(make_fake_server) -> None:
    server = make_fake_server(fixed(Reply(content=WORDS, first_token_delay_s=0.3, token_interval_s=0.02)))
    record = await complete(server)
    assert record.error is None
    assert record.content == WORDS
    # Generous margins: a loaded 2-core machine must not flake this.
    assert 0.3 * 0.9 <= record.ttft_s <= 0.3 * 1.5
    assert record.first_output_s == record.ttft_s
    assert record.decode_tps is not None and 50 * 0.5 <= record.decode_tps <= 50 * 1.5
    assert record.last_token_s is not None and record.total_s is not None
    assert record.ttft_s < record.last_token_s <= record.total_s
    assert record.output_tokens == 20 and record.token_events == 20


async def test_sends_streaming_with_usage_and_records_the_exact_body(make_fake_server) -> None:
    server = make_fake_server(fixed(Reply(content="hello")))
    record = await complete(server, {**BODY, "temperature": 0.0, "seed": 7})
    sent = server.requests[-1]
    assert sent["stream"] is True
    assert sent["stream_options"] == {"include_usage": True}
    assert record.request_body == sent
    assert record.streamed is True and record.status_code == 200


async def test_stream_false_is_honoured(make_fake_server) -> None:
    server = make_fake_server(fixed(Reply(content="whole answer", send_timings=True)))
    record = await complete(server, {**BODY, "stream": False})
    assert "stream_options" not in server.requests[-1]
    assert record.streamed is False
    assert record.content == "whole answer"
    assert record.output_tokens == 2 and record.output_tokens_source == "usage"
    assert record.ttft_s is not None and record.decode_tps is None


async def test_copes_with_a_server_that_ignores_streaming(make_fake_server) -> None:
    server = make_fake_server(fixed(Reply(content="plain json answer", stream=False, reasoning="hmm")))
    record = await complete(server)
    assert server.requests[-1]["stream"] is True
    assert record.error is None
    assert record.streamed is False
    assert record.content == "plain json answer"
    assert record.reasoning == "hmm"
    assert record.finish_reason == "stop"


@pytest.mark.parametrize(
    ("reply", "tokens", "source"),
    [
        (Reply(content="a b c", send_usage=True, send_timings=True, tokens_per_chunk=2), 3, "usage"),
        (
            Reply(content="a b c d", send_usage=False, send_timings=True, tokens_per_chunk=2),
            4,
            "server_timings",
        ),
        (Reply(content="a b c d e", send_usage=False, tokens_per_chunk=2), 3, "chunks"),
        (Reply(content="", send_usage=False), None, "none"),
    ],
)
async def test_output_token_source_order(make_fake_server, reply, tokens, source) -> None:
    server = make_fake_server(fixed(reply))
    record = await complete(server)
    assert record.output_tokens == tokens
    assert record.output_tokens_source == source


async def test_prompt_and_cached_tokens_and_server_timings(make_fake_server) -> None:
    server = make_fake_server(
        fixed(Reply(content="x y", prompt_tokens=120, cached_tokens=100, send_timings=True, send_usage=False))
    )
    record = await complete(server)
    assert record.prompt_tokens == 120
    assert record.cached_prompt_tokens == 100
    assert record.server_timings is not None and record.server_timings["predicted_n"] == 2

    server2 = make_fake_server(fixed(Reply(content="x y", prompt_tokens=50, cached_tokens=30)))
    record2 = await complete(server2)
    assert (record2.prompt_tokens, record2.cached_prompt_tokens) == (50, 30)
    assert record2.server_timings is None


@pytest.mark.parametrize("field", ["reasoning_content", "reasoning"])
async def test_reasoning_is_kept_apart_and_ttft_precedes_first_output(make_fake_server, field) -> None:
    reply = Reply(
        reasoning="let me think about the doors",
        content="All doors are locked.",
        reasoning_field=field,
        first_token_delay_s=0.05,
        token_interval_s=0.02,
    )
    record = await complete(make_fake_server(fixed(reply)))
    assert record.reasoning == "let me think about the doors"
    assert record.content == "All doors are locked."
    assert record.ttft_s is not None and record.first_output_s is not None
    # Six reasoning tokens at 20 ms each come before the first answer token.
    assert record.first_output_s - record.ttft_s >= 0.08
    assert record.output_tokens == 10


async def test_tool_call_only_reply_gets_a_ttft(make_fake_server) -> None:
    reply = Reply(
        tool_calls=[{"name": "search_events", "arguments": {"camera": "driveway", "since": "22:00"}}],
        first_token_delay_s=0.1,
    )
    record = await complete(make_fake_server(fixed(reply)))
    assert record.content == ""
    assert record.ttft_s is not None and record.ttft_s >= 0.09
    assert record.first_output_s == record.ttft_s
    assert record.finish_reason == "tool_calls"
    assert [c.name for c in record.tool_calls] == ["search_events"]


async def test_tool_calls_reassembled_across_chunks(make_fake_server) -> None:
    arguments = {"event_id": "ev_3109", "detail": "full", "tags": ["person", "night"], "n": 2.5}
    reply = Reply(
        content="Checking two things.",
        tool_calls=[
            {"id": "call_a", "name": "analyze_clip", "arguments": arguments},
            {"id": "call_b", "name": "set_alarm_mode", "arguments": '{"mode": "away"'},  # broken JSON
            {"name": "list_cameras", "arguments": {}},
        ],
        tokens_per_chunk=1,
    )
    server = make_fake_server(fixed(reply))
    record = await complete(server)
    assert len(record.tool_calls) == 3
    first, second, third = record.tool_calls
    assert (first.id, first.name, first.arguments) == ("call_a", "analyze_clip", arguments)
    assert (second.id, second.name, second.arguments) == ("call_b", "set_alarm_mode", '{"mode": "away"')
    assert (third.name, third.arguments) == ("list_cameras", {})
    assert record.content == "Checking two things."
    # The arguments really were split over many chunks.
    assert record.token_events > 10


async def test_parameter_fallback_drops_temperature_and_remembers_it(make_fake_server) -> None:
    server = make_fake_server(fixed(Reply(content="fine", fault="reject_param:temperature")))
    body = {**BODY, "temperature": 0.0, "max_tokens": 64}
    async with ChatClient(server.base_url, max_retries=0) as client:
        first = await client.complete(body)
        assert first.error is None and first.content == "fine"
        assert first.dropped_params == ["temperature"]
        assert first.attempts == 2
        assert "temperature" not in first.request_body and first.request_body["max_tokens"] == 64
        assert "temperature" in server.requests[0] and "temperature" not in server.requests[1]

        second = await client.complete(body)
        assert second.attempts == 1
        assert second.dropped_params == ["temperature"]
        assert len(server.requests) == 3 and "temperature" not in server.requests[2]


async def test_parameter_fallback_renames_max_tokens(make_fake_server) -> None:
    server = make_fake_server(fixed(Reply(content="fine", fault="reject_param:max_tokens")))
    record = await complete(server, {**BODY, "max_tokens": 300}, max_retries=0)
    assert record.error is None
    assert record.dropped_params == ["max_tokens"]
    assert record.request_body["max_completion_tokens"] == 300
    assert "max_tokens" not in record.request_body


async def test_a_400_that_names_no_parameter_is_not_retried(make_fake_server) -> None:
    server = make_fake_server(fixed(Reply(status=400)))
    record = await complete(server, {**BODY, "temperature": 0.0})
    assert record.error_kind == "http_4xx"
    assert record.attempts == 1 and record.dropped_params == []
    assert record.status_code == 400


CANARY = "sk-canary-7f3a9e0d41b2c6"


async def test_api_key_never_appears_in_records_or_errors(make_fake_server) -> None:
    good = make_fake_server(fixed(Reply(content="authorised")), api_key=CANARY)
    ok = await complete(good, api_key=CANARY)
    assert ok.content == "authorised"
    assert CANARY not in ok.model_dump_json()

    # The fake server echoes a wrong key back in its 401 message, as careless servers do.
    wrong = await complete(good, api_key=CANARY + "-wrong", max_retries=0)
    assert wrong.error_kind == "auth"
    assert CANARY not in wrong.model_dump_json()
    assert "***" in (wrong.error or "")

    async with ChatClient(good.base_url, CANARY + "-wrong") as client:
        with pytest.raises(EndpointUnauthorized) as caught:
            await client.list_models()
    assert CANARY not in str(caught.value)
    assert "\n" not in str(caught.value)


async def test_list_models(make_fake_server) -> None:
    server = make_fake_server(models=("alpha", "beta"))
    async with ChatClient(server.base_url) as client:
        assert await client.list_models() == ["alpha", "beta"]


async def test_list_models_unreachable(unused_port) -> None:
    async with ChatClient(f"http://127.0.0.1:{unused_port}/v1") as client:
        with pytest.raises(EndpointUnreachable) as caught:
            await client.list_models()
    message = str(caught.value)
    assert f"127.0.0.1:{unused_port}" in message and "\n" not in message
    assert "check" in message


async def test_list_models_unauthorized_without_a_key(make_fake_server) -> None:
    server = make_fake_server(api_key="needed-key-123")
    async with ChatClient(server.base_url) as client:
        with pytest.raises(EndpointUnauthorized, match="needs an API key"):
            await client.list_models()


async def test_list_models_not_found(make_fake_server) -> None:
    server = make_fake_server()
    async with ChatClient(server.root_url + "/wrong") as client:
        with pytest.raises(EndpointNotFound, match="/wrong/models not found"):
            await client.list_models()
    assert issubclass(EndpointNotFound, EndpointError)


async def test_unknown_model_is_not_found(make_fake_server) -> None:
    server = make_fake_server(models=("alpha",))
    record = await complete(server, {**BODY, "model": "nope"})
    assert record.error_kind == "not_found" and record.attempts == 1
    assert "model" in (record.error or "")


async def test_server_info_reads_llama_server_props(make_fake_server) -> None:
    server = make_fake_server(props={"model_path": "/models/Qwen2.5-7B-Instruct-Q4_K_M.gguf"})
    async with ChatClient(server.base_url) as client:
        info = await client.server_info("fake-model")
    assert info["server"] == "llama-server"
    assert info["quantization"] == "Q4_K_M"
    assert info["context_size"] == 4096


async def test_server_info_is_empty_when_nothing_answers(unused_port) -> None:
    async with ChatClient(f"http://127.0.0.1:{unused_port}/v1", connect_timeout_s=1) as client:
        assert await client.server_info("m") == {}


async def test_many_concurrent_requests_each_get_their_own_answer(make_fake_server) -> None:
    server = make_fake_server(lambda body: Reply(content=f"answer {body['messages'][0]['content']}"))
    async with ChatClient(server.base_url, max_connections=32) as client:
        bodies = [{**BODY, "messages": [{"role": "user", "content": str(i)}]} for i in range(300)]
        records = await asyncio.gather(*(client.complete(b) for b in bodies))
    assert [r.content for r in records] == [f"answer {i}" for i in range(300)]
    assert all(r.error is None for r in records)


async def test_sequence_responder_and_record_serialises(make_fake_server) -> None:
    server = make_fake_server(sequence([Reply(content="one"), Reply(content="two")]))
    async with ChatClient(server.base_url) as client:
        contents = [(await client.complete(BODY)).content for _ in range(3)]
        record = await client.complete(BODY)
    assert contents == ["one", "two", "two"]
    assert json.loads(record.model_dump_json())["content"] == "two"


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=12,
)
_keys = st.sampled_from(
    [
        "choices",
        "delta",
        "content",
        "tool_calls",
        "index",
        "function",
        "arguments",
        "name",
        "usage",
        "timings",
        "error",
        "finish_reason",
        "reasoning",
        "id",
        "predicted_n",
    ]
)
_chunkish = st.recursive(
    _json,
    lambda inner: st.dictionaries(_keys, inner, max_size=4) | st.lists(inner, max_size=3),
    max_leaves=20,
)


@settings(max_examples=120, deadline=None)
@given(st.lists(_chunkish, max_size=5))
def test_hostile_chunks_end_in_a_record_or_a_stream_error(chunks) -> None:
    acc = Accumulator(0.0)
    for n, chunk in enumerate(chunks):
        try:
            acc.feed_chunk(chunk, float(n + 1))
        except StreamError as exc:
            assert exc.kind in ERROR_KINDS
            break
    record = RequestRecord()
    acc.fill(record)
    RequestRecord.model_validate(record.model_dump())
