"""Issue 11's fuzz test: arbitrary bytes, arbitrary JSON and arbitrary SSE framing from a hostile
loopback server, through the real client, runner and store. Whatever arrives: no exception escapes,
the test ends with exactly one result (stored as valid UTF-8 JSON), and when no completion was sent
the verdict is `error`, never the model's."""

from __future__ import annotations

import asyncio
import json
import tempfile
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from homesec_bench.client import ERROR_KINDS
from homesec_bench.runner import EndpointConfig, RunConfig, run_benchmark
from homesec_bench.suites.loader import Benchmark, load_benchmark
from homesec_bench.testing.hostile import HostileServer, Play


@lru_cache(maxsize=1)
def _bench() -> Benchmark:
    return load_benchmark()


class _Stage:
    """The play the server answers with next: hypothesis changes it per example."""

    play = Play()

    def __call__(self, body: Any) -> Play:
        return self.play


@pytest.fixture(scope="module")
def hostile() -> Iterator[tuple[HostileServer, _Stage]]:
    stage = _Stage()
    with HostileServer(chat=stage) as server:
        yield server, stage


def is_completion(value: Any) -> bool:
    """The accumulator's rule: a choice with a delta or message object, or a finish_reason."""
    if not isinstance(value, dict) or not isinstance(value.get("choices"), list):
        return False
    for choice in value["choices"]:
        if not isinstance(choice, dict):
            continue
        delta = choice.get("delta", choice.get("message"))
        reason = choice.get("finish_reason")
        if isinstance(delta, dict) or (isinstance(reason, str) and reason):
            return True
    return False


KEYS = ["choices", "delta", "message", "content", "reasoning_content", "tool_calls", "function", "name",
        "arguments", "index", "id", "finish_reason", "usage", "timings", "error"]  # fmt: skip
TEXT = st.text(max_size=12) | st.sampled_from(["\ud800", "\udfff", "\ud83d", "\ude00", "\x1b[2J", "[DONE]"])
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(KEYS) | TEXT, inner, max_size=5)
    ),
    max_leaves=20,
)
chunks = st.builds(
    lambda delta, finish, choices_shape: {"choices": choices_shape(delta, finish)},
    st.fixed_dictionaries(
        {}, optional={"content": TEXT, "reasoning_content": TEXT, "role": st.just("assistant")}
    ),
    st.none() | st.sampled_from(["stop", "length", "tool_calls", ""]),
    st.sampled_from(
        [
            lambda d, f: [{"index": 0, "delta": d, "finish_reason": f}],
            lambda d, f: [],
            lambda d, f: [{"index": 0, "finish_reason": f}],
            lambda d, f: None,
        ]
    ),
)
LINE_ENDS = st.sampled_from(["\n", "\r\n", "\r"])


@st.composite
def sse_bodies(draw: st.DrawFn) -> tuple[tuple[bytes, ...], bool]:
    """Pieces of an event stream, and whether any of them is a completion."""
    pieces: list[bytes] = []
    completion = False
    for _ in range(draw(st.integers(0, 8))):
        kind = draw(st.sampled_from(["chunk", "chunk", "json", "bytes", "done", "done", "comment", "field"]))
        end = draw(LINE_ENDS)
        if kind == "chunk":
            value: Any = draw(chunks)
        elif kind == "json":
            value = draw(json_values)
        if kind in ("chunk", "json"):
            completion |= is_completion(value)
            pieces.append(f"data: {json.dumps(value)}{end}{end}".encode())
        elif kind == "bytes":
            pieces.append(draw(st.binary(max_size=30)))
        elif kind == "done":
            pieces.append(f"data: [DONE]{end}{end}".encode())
        elif kind == "comment":
            pieces.append(f": ping{end}".encode())
        else:
            name = draw(st.sampled_from(["event", "id", "retry", "data"]))
            pieces.append(f"{name}: {draw(st.sampled_from(['error', 'x', '']))}{end}".encode())
    return tuple(pieces), completion


CONTENT_TYPES = st.sampled_from(
    ["text/event-stream"] * 3 + ["Text/Event-Stream; charset=UTF-8", "application/json", "text/plain", ""]
)


@st.composite
def plays(draw: st.DrawFn) -> tuple[Play, bool]:
    content_type = draw(CONTENT_TYPES)
    headers = (("Content-Type", content_type),) if content_type else ()
    if draw(st.sampled_from([True, True, False])):
        body, completion = draw(sse_bodies())
    else:
        value = draw(json_values | chunks)
        body, completion = (json.dumps(value).encode(),), is_completion(value)
    # A stream body read as JSON (or the reverse) is no completion the client can see: only the
    # direction "nothing was sent, so the verdict is error" is asserted.
    status = draw(st.sampled_from([200] * 6 + [400, 500]))
    return Play(status=status, headers=headers, body=body), completion and status == 200


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(plays())
def test_whatever_a_server_sends_every_test_ends_with_one_honest_result(
    hostile: tuple[HostileServer, _Stage], case: tuple[Play, bool]
) -> None:
    server, stage = hostile
    stage.play, completion_sent = case
    test_id = _bench().suites["topic_classification"].tests[0].id
    with tempfile.TemporaryDirectory(prefix="fuzz-") as tmp:
        out = Path(tmp) / "run"
        config = RunConfig(
            endpoint=EndpointConfig(base_url=server.base_url, model="hostile-model"),
            test_ids=[test_id],
            out_dir=out,
            warmup=False,
            max_retries=0,
            total_timeout_s=10,
            idle_timeout_s=5,
            sample_memory=False,
        )
        run = asyncio.run(run_benchmark(config, bench=_bench()))
        lines = (out / "results.jsonl").read_bytes().splitlines()
        assert len(lines) == 1 and json.loads(lines[0].decode("utf-8"))
    (result,) = run.final_results()
    assert result.test_id == test_id and run.dropped_lines == 0
    if not completion_sent:
        assert result.outcome == "error", (stage.play, result.reason)
    if result.outcome == "error":
        assert result.request.error_kind in ERROR_KINDS, result.request.error_kind
        assert result.request.error and "\n" not in result.request.error
