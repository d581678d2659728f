"""The fake OpenAI server itself: protocol, endpoints, responders, the reference answers, the CLI."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from homesec_bench.client import ChatClient
from homesec_bench.models import GraderSpec, Message, ModelAnswer, NearMiss, Suite, TestCase, ToolCall
from homesec_bench.suites.loader import Benchmark
from homesec_bench.testing import Reply, fixed, reference_responder, request_key, with_faults
from homesec_bench.testing.reply import group_deltas, token_deltas, tokenize

# ------------------------------------------------------------------------------- tokens and chunks


@pytest.mark.parametrize(
    "text", ["", "one", "Hello there,  world!\n", "  lead and trail  ", "\u00e9t\u00e9 \U0001f512"]
)
def test_tokens_rebuild_the_text_exactly(text: str) -> None:
    tokens = tokenize(text)
    assert "".join(tokens) == text
    assert all(t.strip() or t == text for t in tokens) or text.strip() == ""


def test_tokens_split_on_word_boundaries_keeping_spaces() -> None:
    assert tokenize("The gate is open") == ["The", " gate", " is", " open"]


def test_grouping_keeps_kinds_apart_and_counts_tokens() -> None:
    reply = Reply(reasoning="a b c", content="d e", tool_calls=[{"name": "f", "arguments": {"x": 1, "y": 2}}])
    deltas = token_deltas(reply)
    chunks = group_deltas(deltas, 2)
    assert [next(iter(c)) for c in chunks][:3] == ["reasoning_content", "reasoning_content", "content"]
    assert "".join(c.get("reasoning_content", "") for c in chunks) == "a b c"
    arguments = "".join(c["tool_calls"][0]["function"]["arguments"] for c in chunks if "tool_calls" in c)
    assert json.loads(arguments) == {"x": 1, "y": 2}
    assert len(chunks) < len(deltas)


# ------------------------------------------------------------------------------------ endpoints


def test_endpoints_answer_like_openai_and_llama_server(make_fake_server) -> None:
    server = make_fake_server(models=("m1", "m2"), props={"model_path": "/x/m1-Q8_0.gguf"})
    with httpx.Client(trust_env=False) as http:
        assert [m["id"] for m in http.get(f"{server.base_url}/models").json()["data"]] == ["m1", "m2"]
        props = http.get(f"{server.root_url}/props").json()
        assert props["model_path"] == "/x/m1-Q8_0.gguf" and props["default_generation_settings"]["n_ctx"]
        assert http.get(f"{server.root_url}/health").json() == {"status": "ok"}
        missing = http.post(f"{server.base_url}/chat/completions", json={"model": "zz", "messages": []})
        assert missing.status_code == 404 and missing.json()["error"]["code"] == "model_not_found"
        bad = http.post(f"{server.base_url}/chat/completions", content=b"{nope")
        assert bad.status_code == 400


def test_api_key_guards_every_endpoint(make_fake_server) -> None:
    server = make_fake_server(api_key="secret-key-1")
    with httpx.Client(trust_env=False) as http:
        for url in (f"{server.base_url}/models", f"{server.root_url}/props", f"{server.root_url}/health"):
            answer = http.get(url)
            assert answer.status_code == 401 and answer.json()["error"]["code"] == "invalid_api_key"
        assert http.get(
            f"{server.base_url}/models", headers={"Authorization": "Bearer secret-key-1"}
        ).is_success


def test_stream_wire_format(make_fake_server) -> None:
    server = make_fake_server(fixed(Reply(content="hi there", send_timings=True)))
    body = {"model": "fake-model", "messages": [], "stream": True, "stream_options": {"include_usage": True}}
    with httpx.Client(trust_env=False) as http:
        answer = http.post(f"{server.base_url}/chat/completions", json=body)
    assert answer.headers["content-type"].startswith("text/event-stream")
    events = [e.removeprefix("data: ") for e in answer.text.split("\n\n") if e]
    assert events[-1] == "[DONE]"
    chunks = [json.loads(e) for e in events[:-1]]
    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    assert [c["choices"][0]["delta"].get("content") for c in chunks[1:3]] == ["hi", " there"]
    assert chunks[3]["choices"][0]["finish_reason"] == "stop" and chunks[3]["timings"]["predicted_n"] == 2
    assert chunks[4]["choices"] == [] and chunks[4]["usage"]["completion_tokens"] == 2


def test_usage_only_when_asked(make_fake_server) -> None:
    server = make_fake_server(fixed(Reply(content="hi")))
    with httpx.Client(trust_env=False) as http:
        text = http.post(f"{server.base_url}/chat/completions", json={"messages": [], "stream": True}).text
    assert '"usage"' not in text


def test_requests_are_recorded_from_many_threads(make_fake_server) -> None:
    server = make_fake_server()

    async def burst() -> None:
        async with ChatClient(server.base_url) as client:
            await asyncio.gather(*(client.complete({"messages": [], "n": i}) for i in range(50)))

    asyncio.run(burst())
    assert sorted(r["n"] for r in server.requests) == list(range(50))
    assert server.request_count == 50


def test_stop_is_prompt_even_with_a_stalled_stream(make_fake_server) -> None:
    server = make_fake_server(fixed(Reply(content="a b c d e", fault="stall")))
    url = f"{server.base_url}/chat/completions"
    with (
        httpx.Client(trust_env=False, timeout=5) as http,
        http.stream("POST", url, json={"stream": True}) as answer,
    ):
        next(answer.iter_bytes())
        started = time.monotonic()
        server.stop()
        assert time.monotonic() - started < 5
    with pytest.raises(httpx.ConnectError), httpx.Client(trust_env=False) as http:
        http.get(f"{server.root_url}/health")


def test_zero_delay_mode_is_fast(make_fake_server) -> None:
    server = make_fake_server(fixed(Reply(content="one two three four")), record_requests=False)

    async def load() -> float:
        async with ChatClient(server.base_url, max_connections=32) as client:
            started = time.perf_counter()
            records = await asyncio.gather(*(client.complete({"messages": []}) for _ in range(1000)))
            assert all(r.error is None for r in records)
            return time.perf_counter() - started

    # Client and server share one process and a loaded machine: the floor is far below the usual rate.
    assert asyncio.run(load()) < 15


# ------------------------------------------------------------------------------ reference answers


def _test(index: int, **extra) -> TestCase:
    return TestCase(
        id=f"demo.t{index}",
        suite="demo",
        title=f"Test {index}",
        purpose="demo",
        messages=[
            Message(role="system", content="You watch the house."),
            Message(role="user", content=f"Question number {index}?"),
        ],
        grader=GraderSpec(type="contains"),
        reference=[ModelAnswer(content=f"right {index}", reasoning="thinking")],
        near_misses=[NearMiss(content=f"wrong {index}", why="w"), NearMiss(content="other", why="w")],
        **extra,
    )


def _bench(tests: list[TestCase]) -> Benchmark:
    suite = Suite(name="demo", title="Demo", description="", version="1", tests=tests)
    return Benchmark(world={}, tools={}, suites={"demo": suite})


def _request(test: TestCase) -> dict:
    return {
        "model": "fake-model",
        "messages": [m.model_dump(mode="json", exclude_none=True) for m in test.messages],
    }


def test_request_key_tells_images_apart_and_joins_text_parts() -> None:
    def ask(url: str) -> list[dict]:
        return [
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "Who is at the door?"},
                    {"type": "image_url", "image_url": {"url": url}},
                    {"type": "text", "text": "Be brief."},
                ],
            }
        ]

    # The same question over two frames is two requests; the same frame is the same request.
    assert request_key(ask("data:image/png;base64,AAAA")) != request_key(ask("data:image/png;base64,BBBB"))
    assert request_key(ask("data:image/png;base64,AAAA")) == request_key(ask("data:image/png;base64,AAAA"))
    text_only = [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "Who is at the door?"},
                {"type": "text", "text": "Be brief."},
            ],
        }
    ]
    as_text = [{"role": "user", "content": "Who is at the door?\nBe brief."}]
    assert request_key(text_only) == request_key(as_text)
    assert request_key([{"role": "assistant", "content": None}]) == request_key([{"role": "assistant"}])
    assert request_key(as_text) != request_key(
        [{"role": "system", "content": "Who is at the door?\nBe brief."}]
    )


@pytest.mark.parametrize("accuracy", [1.0, 0.8, 0.5, 0.0])
def test_reference_responder_gives_a_known_score(accuracy: float) -> None:
    tests = [_test(i) for i in range(20)]
    responder = reference_responder(_bench(tests), accuracy=accuracy, seed=3)
    assert len(responder.wrong_test_ids) == round(20 * (1 - accuracy))
    wrong = 0
    for test in tests:
        reply = responder(_request(test))
        if reply.content == f"wrong {test.suite and test.id.split('t')[-1]}":
            wrong += 1
            assert test.id in responder.wrong_test_ids
        else:
            assert reply.content == test.reference[0].content and reply.reasoning == "thinking"
    assert wrong == len(responder.wrong_test_ids)
    assert responder(_request(_test(99)))  # an unknown conversation still gets an answer
    assert responder({"messages": [{"role": "user", "content": "warm up"}]}).content == "ok"


def test_reference_responder_choice_depends_on_the_seed() -> None:
    bench = _bench([_test(i) for i in range(30)])
    one = reference_responder(bench, accuracy=0.5, seed=1).wrong_test_ids
    assert one == reference_responder(bench, accuracy=0.5, seed=1).wrong_test_ids
    assert one != reference_responder(bench, accuracy=0.5, seed=2).wrong_test_ids


def test_reference_responder_tool_calls_and_defaults() -> None:
    call = ToolCall(id="c1", name="search_events", arguments={"query": "fox"})
    test = _test(1).model_copy(update={"reference": [ModelAnswer(tool_calls=[call])]})
    responder = reference_responder(_bench([test]), reply_defaults={"first_token_delay_s": 0.25})
    reply = responder(_request(test))
    assert reply.tool_calls == [{"id": "c1", "name": "search_events", "arguments": {"query": "fox"}}]
    assert reply.first_token_delay_s == 0.25
    assert responder.test_for_request(_request(test)["messages"]) is test
    with pytest.raises(ValueError, match="unknown Reply fields"):
        reference_responder(_bench([test]), reply_defaults={"nope": 1})


def test_a_full_run_through_the_client_scores_as_scripted(make_fake_server) -> None:
    tests = [_test(i) for i in range(24)]
    responder = reference_responder(_bench(tests), accuracy=0.75, seed=9)
    server = make_fake_server(responder)

    async def run() -> list:
        async with ChatClient(server.base_url) as client:
            return await asyncio.gather(*(client.complete(_request(t)) for t in tests))

    records = asyncio.run(run())
    right = sum(r.content == t.reference[0].content for r, t in zip(records, tests, strict=True))
    assert right == 18


def test_with_faults_hits_a_fixed_share_and_times_limits_attempts() -> None:
    tests = [_test(i) for i in range(40)]
    base = reference_responder(_bench(tests))
    always = with_faults(base, "http_503", rate=0.25, seed=1)
    faulted = [t for t in tests if always(_request(t)).fault]
    assert 3 <= len(faulted) <= 18
    assert [t for t in tests if always(_request(t)).fault] == faulted  # deterministic
    once = with_faults(base, "http_503", rate=1.0, times=1)
    assert once(_request(tests[0])).fault == "http_503"
    assert once(_request(tests[0])).fault is None


# ------------------------------------------------------------------------------------------ CLI

SUITE_YAML = """
suite: demo
title: Demo
description: A tiny suite for the fake server's command line.
version: "1"
tests:
  - id: demo.gate
    title: Gate
    purpose: Answers about the gate.
    messages:
      - {role: system, content: "You watch {{ world.house }}."}
      - {role: user, content: "Is the gate shut?"}
    grader: {type: contains}
    reference: [{content: "Yes, the gate is shut."}]
    near_misses: [{content: "No.", why: wrong}, {content: "Maybe.", why: vague}]
"""


def _data_dir(tmp_path: Path) -> Path:
    (tmp_path / "world.yaml").write_text("house: the test house\n")
    (tmp_path / "tools.yaml").write_text("noop: {description: does nothing, parameters: {type: object}}\n")
    (tmp_path / "demo.yaml").write_text(SUITE_YAML)
    return tmp_path


def _start_cli(*args: str) -> tuple[subprocess.Popen, str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "homesec_bench.testing", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    line = process.stdout.readline().strip()
    if not line.startswith("http://127.0.0.1:"):
        process.kill()
        raise AssertionError(f"no base URL from the fake server: {line!r} {process.stderr.read()!r}")
    return process, line


GATE = {
    "model": "fake-model",
    "messages": [
        {"role": "system", "content": "You watch the test house."},
        {"role": "user", "content": "Is the gate shut?"},
    ],
}


def test_cli_serves_reference_answers_and_stops_on_sigterm(tmp_path: Path) -> None:
    process, base_url = _start_cli("--data-dir", str(_data_dir(tmp_path)), "--model", "demo-model")
    try:

        async def ask() -> tuple[list[str], str]:
            async with ChatClient(base_url) as client:
                models = await client.list_models()
                record = await client.complete({**GATE, "model": "demo-model"})
                return models, record.content

        assert asyncio.run(ask()) == (["demo-model"], "Yes, the gate is shut.")
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0


def test_cli_faults_then_recovers(tmp_path: Path) -> None:
    process, base_url = _start_cli(
        "--data-dir", str(_data_dir(tmp_path)), "--accuracy", "0", "--fault", "http_503", "--fault-times", "1"
    )
    try:

        async def ask():
            async with ChatClient(base_url, backoff_base_s=0.01) as client:
                warm = await client.complete({**GATE, "messages": [{"role": "user", "content": "hi"}]})
                return warm, await client.complete(GATE)

        warm, record = asyncio.run(ask())
        assert warm.attempts == 1 and warm.content == "ok"  # non-test requests are never faulted
        assert record.attempts == 2 and record.content == "No."
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0


def test_cli_rejects_an_unknown_fault() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "homesec_bench.testing", "--fault", "gremlins"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "unknown fault 'gremlins'" in result.stderr and "Traceback" not in result.stderr
