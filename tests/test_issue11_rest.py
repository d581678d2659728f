"""Issue 11, the rest: query strings in --base-url, empty 200 streams, --no-stream, the nameless tool
call message, prompt-fidelity probes on llama-cpp-python's /extras endpoints, harness_overhead's
--out-root, and build outputs written through the store's safe writer. Each played by the loopback
servers in homesec_bench.testing."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from types import ModuleType

import pytest

from homesec_bench.client import ChatClient
from homesec_bench.client.urls import api_root, endpoint_url
from homesec_bench.models import GraderSpec, Message, ModelAnswer, NearMiss, RequestRecord, TestCase, ToolCall
from homesec_bench.reports.summary import summarize
from homesec_bench.runner import EndpointConfig, RunConfig, run_benchmark
from homesec_bench.server.fidelity import PROBE, check_prompt_fidelity
from homesec_bench.store import LoadedRun, load_run
from homesec_bench.suites.loader import Benchmark, load_benchmark
from homesec_bench.testing.hostile import DONE, HostileServer, Play, chunk, json_play, sse

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "benchmarks"


@lru_cache(maxsize=1)
def _bench() -> Benchmark:
    return load_benchmark()


def _paths(server: HostileServer) -> list[str]:
    return [r.path for r in server.requests]


# ------------------------------------------------------------------ a --base-url with a query string


@pytest.mark.parametrize(
    ("base", "path", "want"),
    [
        ("http://h/v1", "chat/completions", "http://h/v1/chat/completions"),
        ("http://h/v1/", "/models", "http://h/v1/models"),
        ("http://h/v1?api-version=2", "chat/completions", "http://h/v1/chat/completions?api-version=2"),
        ("http://h/v1/?a=1&b=2#frag", "models", "http://h/v1/models?a=1&b=2"),
        ("http://h:8080?x=1", "props", "http://h:8080/props?x=1"),
    ],
)
def test_endpoint_url_joins_the_path_and_keeps_the_query(base: str, path: str, want: str) -> None:
    assert endpoint_url(base, path) == want


def test_api_root_drops_v1_and_keeps_the_query() -> None:
    assert api_root("http://h:1/v1?api-version=2") == "http://h:1?api-version=2"
    assert api_root("http://h:1/v1/") == "http://h:1"
    assert api_root("http://h:1/openai/v1") == "http://h:1/openai"


def test_a_query_in_the_base_url_reaches_every_endpoint_after_its_path() -> None:
    with HostileServer() as server:
        base = f"{server.base_url}?api-version=2024-06-01"

        async def go() -> None:
            async with ChatClient(base, max_retries=0, total_timeout_s=20) as client:
                models = await client.list_models()
                assert models == ["hostile-model"]
                record = await client.complete(
                    {"model": "m", "messages": [{"role": "user", "content": "hi"}]}
                )
                assert record.error is None, record.error
                assert record.content == "ok"
                await client.server_info("m")

        asyncio.run(go())
        paths = _paths(server)
    assert "/v1/models?api-version=2024-06-01" in paths
    assert "/v1/chat/completions?api-version=2024-06-01" in paths
    assert "/props?api-version=2024-06-01" in paths
    assert not [p for p in paths if "?api-version=2024-06-01/" in p]


def test_the_prompt_check_keeps_the_query_too() -> None:
    with HostileServer() as server:
        report = check_prompt_fidelity(f"http://127.0.0.1:{server.port}?k=v", probe_chat=False)
        paths = _paths(server)
    assert report["tokenizer"] is None
    assert "/tokenize?k=v" in paths
    assert "/apply-template?k=v" in paths


def test_a_run_with_a_query_in_the_base_url_checks_fidelity_at_the_root(tmp_path: Path) -> None:
    bench = _bench()
    test_id = bench.suites["topic_classification"].tests[0].id
    with HostileServer() as server:
        config = RunConfig(
            endpoint=EndpointConfig(base_url=f"{server.base_url}?api-version=3"),
            test_ids=[test_id],
            out_dir=tmp_path / "run",
            max_retries=0,
            total_timeout_s=20,
            sample_memory=False,
        )
        run = asyncio.run(run_benchmark(config, bench=bench))
        paths = _paths(server)
    assert len(run.final_results()) == 1
    assert "/tokenize?api-version=3" in paths
    assert "/v1/chat/completions?api-version=3" in paths


# ------------------------------------------------------------------ an empty 200 stream


def _complete_once(server: HostileServer) -> RequestRecord:
    """One chat request through the real client, retried up to 3 times with a short backoff."""

    async def go() -> RequestRecord:
        async with ChatClient(server.base_url, max_retries=3, backoff_base_s=0.01, total_timeout_s=20) as c:
            return await c.complete({"model": "m", "messages": [{"role": "user", "content": "hi"}]})

    return asyncio.run(go())


def test_an_empty_200_stream_is_retried_once_and_says_what_helps() -> None:
    with HostileServer(chat=Play(body=())) as server:
        record = _complete_once(server)
        sent = server.chat_requests()
    assert sent == 2, "an empty stream is retried once, not max_retries times"
    assert record.attempts == 2
    assert record.error_kind == "no_done"
    assert record.error is not None
    assert "empty stream" in record.error
    assert "retried once" in record.error
    assert "log" in record.error


def test_an_empty_stream_then_an_answer_is_a_pass_on_the_retry() -> None:
    plays = iter([Play(body=()), Play(body=sse(chunk(content="ok"), chunk(finish="stop"), DONE))])
    with HostileServer(chat=lambda body: next(plays)) as server:
        record = _complete_once(server)
    assert record.error is None
    assert record.content == "ok"
    assert record.attempts == 2


def test_a_cut_stream_with_data_is_still_retried_as_often_as_asked() -> None:
    with HostileServer(chat=Play(body=sse(chunk(content="partial")))) as server:
        record = _complete_once(server)
        sent = server.chat_requests()
    assert record.error_kind == "no_done"
    assert sent == 4


# ------------------------------------------------------------------ --no-stream


_TOOL_JSON = {
    "id": "chatcmpl-1",
    "object": "chat.completion",
    "choices": [
        {
            "index": 0,
            "message": {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": "call_1",
                        "type": "function",
                        "function": {"name": "get_system_status", "arguments": "{}"},
                    }
                ],
            },
            "finish_reason": "tool_calls",
        }
    ],
    "usage": {"prompt_tokens": 120, "completion_tokens": 9, "total_tokens": 129},
}


def _tool_test(bench: Benchmark) -> str:
    return next(t.id for t in bench.all_tests() if t.tools)


def test_no_stream_sends_stream_false_and_reads_the_json_completion(tmp_path: Path) -> None:
    bench = _bench()
    test_id = _tool_test(bench)
    with HostileServer(chat=json_play(_TOOL_JSON)) as server:
        config = RunConfig(
            endpoint=EndpointConfig(base_url=server.base_url),
            test_ids=[test_id],
            out_dir=tmp_path / "run",
            max_retries=0,
            total_timeout_s=20,
            sample_memory=False,
            stream=False,
        )
        run = asyncio.run(run_benchmark(config, bench=bench))
        bodies = [r.body for r in server.requests if r.path.endswith("/chat/completions")]
    assert bodies and all(b["stream"] is False and "stream_options" not in b for b in bodies)
    (result,) = run.final_results()
    record = result.request
    assert record.error is None, record.error
    assert record.streamed is False
    assert [c.name for c in record.tool_calls] == ["get_system_status"]
    assert record.ttft_s == record.total_s
    assert record.decode_tps is None
    assert record.output_tokens == 9 and record.prompt_tokens == 120
    assert load_run(tmp_path / "run").info.parameters["stream"] is False
    assert any("decode speed is not measured" in note for note in run.info.notes)


def test_cli_no_stream_flag(tmp_path: Path) -> None:
    bench = _bench()
    test_id = bench.suites["topic_classification"].tests[0].id
    answer = {
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "x"}, "finish_reason": "stop"}]
    }
    with HostileServer(chat=json_play(answer)) as server:
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "homesec_bench",
                "run",
                "--base-url",
                server.base_url,
                "--test",
                test_id,
                "--out",
                str(tmp_path / "run"),
                "--no-stream",
            ],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "NO_COLOR": "1"},
        )
        bodies = [r.body for r in server.requests if r.path.endswith("/chat/completions")]
    assert proc.returncode == 0, proc.stderr + proc.stdout
    assert bodies and all(b["stream"] is False for b in bodies)
    assert "not measured" in proc.stdout


_TEXT_JSON = {
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "x"}, "finish_reason": "stop"}]
}


def _unstreamed_run_missing_its_last_test(tmp_path: Path, server: HostileServer, bench: Benchmark) -> Path:
    tests = [t.id for t in bench.suites["topic_classification"].tests[:2]]
    config = RunConfig(
        endpoint=EndpointConfig(base_url=server.base_url),
        test_ids=tests,
        out_dir=tmp_path / "run",
        max_retries=0,
        sample_memory=False,
        stream=False,
    )
    asyncio.run(run_benchmark(config, bench=bench))
    results = tmp_path / "run" / "results.jsonl"
    first = results.read_text().splitlines()[0]
    results.write_text(first + "\n")  # as if interrupted after the first test
    return tmp_path / "run"


def test_a_resumed_unstreamed_run_stays_unstreamed_without_the_flag(tmp_path: Path) -> None:
    from homesec_bench.runner.launch import launch

    bench = _bench()
    with HostileServer(chat=json_play(_TEXT_JSON)) as server:
        run_dir = _unstreamed_run_missing_its_last_test(tmp_path, server, bench)
        server.requests.clear()
        resumed = launch(
            RunConfig(endpoint=EndpointConfig(), resume_dir=run_dir, sample_memory=False), bench=bench
        )
        bodies = [r.body for r in server.requests if r.path.endswith("/chat/completions")]
    assert bodies and all(b["stream"] is False for b in bodies)
    assert len(resumed.final_results()) == 2
    assert all(r.request.streamed is False for r in resumed.final_results())


def test_a_streamed_run_is_not_resumed_unstreamed(tmp_path: Path) -> None:
    from homesec_bench.runner.engine import RunSetupError
    from homesec_bench.runner.launch import launch

    bench = _bench()
    with HostileServer(chat=json_play(_TEXT_JSON)) as server:
        run_dir = _unstreamed_run_missing_its_last_test(tmp_path, server, bench)
    info = json.loads((run_dir / "run.json").read_text())
    info["parameters"]["stream"] = True
    (run_dir / "run.json").write_text(json.dumps(info))
    with pytest.raises(RunSetupError, match="drop --no-stream"):
        launch(RunConfig(endpoint=EndpointConfig(), resume_dir=run_dir, stream=False), bench=bench)


# ------------------------------------------------------------------ a tool call without a name


def test_a_call_without_a_name_reads_as_such() -> None:
    from homesec_bench.graders import grade_answer

    test = TestCase(
        id="unit.tools",
        suite="unit",
        title="t",
        purpose="t",
        messages=[Message(role="user", content="hi")],
        tools=["get_system_status"],
        grader=GraderSpec(type="tool_calls", params={"expected": [{"name": "get_system_status"}]}),
        reference=[ModelAnswer(content="x")],
        near_misses=[NearMiss(content="a", why="a"), NearMiss(content="b", why="b")],
    )
    bench = _bench()
    verdict = grade_answer(test, ModelAnswer(tool_calls=[ToolCall(name="", arguments={})]), bench)
    assert not verdict.passed
    assert "called ," not in (verdict.reason or "")
    assert "a call with no tool name" in (verdict.reason or "")


# ------------------------------------------------------------------ llama-cpp-python's /extras/tokenize


def _llama_cpp_python_routes(detokenized: str | None = None) -> dict[str, object]:
    """/extras/tokenize and /extras/detokenize as llama-cpp-python 0.3 serves them."""
    store: dict[str, str] = {}

    def tokenize(body: dict) -> Play:
        store["text"] = body["input"]
        return json_play({"tokens": list(range(len(body["input"])))})

    def detokenize(body: dict) -> Play:
        return json_play({"text": detokenized if detokenized is not None else store.get("text", "")})

    return {"/extras/tokenize": tokenize, "/extras/detokenize": detokenize}


def test_fidelity_probes_llama_cpp_pythons_extras_tokenize() -> None:
    with HostileServer(routes=_llama_cpp_python_routes()) as server:
        report = check_prompt_fidelity(f"http://127.0.0.1:{server.port}", probe_chat=False)
    assert report["tokenizer"] is True
    assert report["chat_template"] is None


def test_fidelity_on_extras_tokenize_catches_an_altered_round_trip() -> None:
    from homesec_bench.server.errors import ServerSetupError

    routes = _llama_cpp_python_routes(detokenized=PROBE.replace('"', "&#34;"))
    with HostileServer(routes=routes) as server, pytest.raises(ServerSetupError, match="HTML-escapes"):
        check_prompt_fidelity(f"http://127.0.0.1:{server.port}", probe_chat=False)


def _vllm_routes(template: str = "<|user|>\n{content}<|end|>\n<|assistant|>\n") -> dict[str, object]:
    """/tokenize and /detokenize as vLLM serves them: the model's name required, a prompt or messages."""
    texts: dict[int, str] = {}

    def tokenize(body: dict) -> Play:
        if body.get("model") != "served-model":
            return json_play({"object": "error", "message": "model not found"}, status=404)
        if "prompt" in body:
            text = body["prompt"]
        elif "messages" in body:
            text = template.format(content=body["messages"][0]["content"])
        else:
            return json_play({"object": "error", "message": "prompt or messages required"}, status=400)
        key = len(texts)
        texts[key] = text
        return json_play({"tokens": [key], "count": 1, "max_model_len": 8192})

    def detokenize(body: dict) -> Play:
        return json_play({"prompt": texts[body["tokens"][0]]})

    return {"/tokenize": tokenize, "/detokenize": detokenize}


def test_fidelity_probes_vllms_tokenizer_and_chat_template() -> None:
    with HostileServer(routes=_vllm_routes()) as server:
        report = check_prompt_fidelity(
            f"http://127.0.0.1:{server.port}", probe_chat=False, model="served-model"
        )
    assert report == {"tokenizer": True, "chat_template": True, "model_prompt": None}


def test_fidelity_on_vllm_catches_a_template_that_escapes_html() -> None:
    from homesec_bench.server.errors import ServerSetupError

    routes = _vllm_routes(template="<|user|>{content}")
    original = routes["/tokenize"]

    def escaping(body: dict) -> Play:
        if "messages" in body:
            body = {**body, "messages": [{"role": "user", "content": PROBE.replace('"', "&#34;")}]}
        return original(body)  # type: ignore[operator]

    routes["/tokenize"] = escaping
    with HostileServer(routes=routes) as server, pytest.raises(ServerSetupError, match="chat template"):
        check_prompt_fidelity(f"http://127.0.0.1:{server.port}", probe_chat=False, model="served-model")


# ------------------------------------------------------------------ harness_overhead --out-root


@pytest.fixture
def overhead(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    return importlib.import_module("harness_overhead")


def test_harness_overhead_creates_a_missing_out_root(
    overhead: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Reached(Exception):
        """The first run is about to start: the run folders have a home."""

    @contextlib.contextmanager
    def no_server(*args: str) -> Iterator[str]:
        yield "http://127.0.0.1:9/v1"

    def first_run(*args: object, **kwargs: object) -> None:
        raise Reached

    monkeypatch.setattr(overhead, "fake_server_process", no_server)
    monkeypatch.setattr(overhead, "measure_run", first_run)
    out_root = tmp_path / "not" / "there"
    argv = ["--rounds", "1", "--concurrency", "1", "--no-vision", "--out-root", str(out_root)]
    with pytest.raises(Reached):
        overhead.main(overhead.parse_args(argv))
    assert out_root.is_dir()


# ------------------------------------------------------------------ build outputs through the safe writer


def test_installing_llama_server_writes_through_a_symlinked_target(tmp_path: Path) -> None:
    from homesec_bench.server import build

    built = tmp_path / "built"
    built.write_bytes(b"#!/bin/sh\necho new\n")
    real = tmp_path / "elsewhere" / "llama-server"
    real.parent.mkdir()
    real.write_bytes(b"old")
    target = tmp_path / "cache" / "llama-server-0.3.36"
    target.parent.mkdir()
    target.symlink_to(real)
    build._install(built, target)
    assert target.is_symlink(), "the user's symlink is kept, not replaced by a copy"
    assert real.read_bytes() == b"#!/bin/sh\necho new\n"
    assert os.access(real, os.X_OK)
    assert not list(target.parent.glob("*.tmp")) and not list(target.parent.glob(".llama-server-*"))


def _run_against(server: HostileServer, out: Path) -> LoadedRun:
    bench = _bench()
    config = RunConfig(
        endpoint=EndpointConfig(base_url=server.base_url),
        test_ids=[bench.suites["topic_classification"].tests[0].id],
        out_dir=out,
        max_retries=0,
        total_timeout_s=20,
        sample_memory=False,
    )
    return asyncio.run(run_benchmark(config, bench=bench))


def test_a_server_without_probes_records_and_reports_not_checked(tmp_path: Path) -> None:
    with HostileServer() as server:
        run = _run_against(server, tmp_path / "run")
    stored = load_run(tmp_path / "run")
    assert str(stored.info.endpoint.server_props["prompt_fidelity"]).startswith("not checked")
    assert any(n.startswith("prompt not checked") for n in stored.info.notes)
    # The run's notes are what the console summary and the HTML report show.
    assert any(n.startswith("prompt not checked") for n in summarize(run).notes)


def test_llama_cpp_python_is_checked_through_its_tokenizer_only(tmp_path: Path) -> None:
    with HostileServer(routes=_llama_cpp_python_routes()) as server:
        _run_against(server, tmp_path / "run")
    stored = load_run(tmp_path / "run")
    fidelity = stored.info.endpoint.server_props["prompt_fidelity"]
    assert fidelity == {"tokenizer": True, "chat_template": None, "model_prompt": None}
    (note,) = [n for n in stored.info.notes if n.startswith("prompt")]
    assert "chat template not checked" in note and "chatml-function-calling" in note


# ------------------------------------------------------------------ reading a large run back


def _repeated_results(out: Path, tests: int, repeat: int) -> None:
    """A results.jsonl like a real run's: each test's long prompt in every attempt, twice (the
    transcript and the request body), with a seed and an answer of its own per attempt."""
    from homesec_bench.models import RequestRecord, TestResult
    from homesec_bench.store import RunWriter

    system = "You are a home security assistant. " * 80
    with RunWriter(out) as writer:
        for t in range(tests):
            messages = [{"role": "system", "content": system}, {"role": "user", "content": f"test {t} " * 40}]
            for attempt in range(repeat):
                body = {"model": "m", "messages": messages, "seed": attempt, "max_tokens": 64}
                reply = {"role": "assistant", "content": f"answer {attempt}"}
                writer.append(
                    TestResult(
                        test_id=f"t{t}",
                        suite="s",
                        attempt=attempt,
                        outcome="pass",
                        reason="ok",
                        messages=[*messages, reply],
                        request=RequestRecord(request_body=body, content=reply["content"]),
                    )
                )


def test_reading_a_run_back_keeps_repeated_prompts_once(tmp_path: Path) -> None:
    import tracemalloc

    from homesec_bench.store.run_dir import RESULTS_FILE, _parse_line

    _repeated_results(tmp_path, tests=5, repeat=100)
    (tmp_path / "run.json").write_text("{}", encoding="utf-8")
    lines = (tmp_path / RESULTS_FILE).read_bytes().splitlines(keepends=True)
    size = sum(len(line) for line in lines)
    shared: dict = {}
    tracemalloc.start()
    try:
        results = [_parse_line(line, shared) for line in lines]
        kept, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Every attempt of a test holds the one copy of its prompt: what is kept is less than the file
    # (0.88 times here; each result holding its own copies kept 1.86 times).
    first, second = results[0], results[1]
    assert first is not None and second is not None
    assert first.messages[0]["content"] is second.messages[0]["content"]
    assert first.request.request_body["messages"] is second.request.request_body["messages"]
    assert kept < 1.2 * size, (kept, size)
    # Nothing changes but memory: the same results as a line read on its own.
    for line, result in zip(lines, results, strict=True):
        assert result == _parse_line(line)
