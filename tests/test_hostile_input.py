"""Hostile and broken input: each one ends in a clear error or a result, never a traceback.

- the suite loader on arbitrary bytes, mangled real suites, wrong types, deep nesting, alias bombs,
  huge strings and invalid UTF-8, written as a suite file in a copy of the data folder: SuiteError;
- the client (SSE parser, chunk decoding, accumulator) on arbitrary bytes from a real loopback server:
  a RequestRecord, with a known error kind when the bytes are not an answer;
- load_run on arbitrary results.jsonl content: bad lines dropped, never an exception;
- the CLI on a corrupted run.json given to --resume: one line on stderr and exit code 5.

(Extraction and the graders have their own property tests in test_grader_properties.py.)
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from homesec_bench.cli.exit_codes import ExitCode
from homesec_bench.client import ERROR_KINDS, ChatClient
from homesec_bench.models import EndpointInfo, RequestRecord, RunInfo, TestResult
from homesec_bench.store import StoreError, load_run
from homesec_bench.suites.loader import DATA_DIR, SuiteError, load_benchmark

HOSTILE_NAME = "zz_hostile.yaml"
REAL_SUITE = (DATA_DIR / "topic_classification.yaml").read_text(encoding="utf-8")
REAL_SUITE_DATA = yaml.safe_load(REAL_SUITE)
# Words the loader looks for, so generated documents reach past the first checks.
KEYS = [
    "suite", "title", "description", "version", "modality", "defaults", "tests", "id", "purpose",
    "messages", "role", "content", "tool_calls", "tool_call_id", "tools", "sampling", "temperature",
    "grader", "type", "params", "reference", "near_misses", "why", "tags", "name", "arguments", "text",
]  # fmt: skip

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=30),
    st.sampled_from(["topic_classification", "topic_classification.x", "user", "tool", "label", "{{ x }}"]),
)
yamlish = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(KEYS), inner, max_size=6),
    max_leaves=30,
)


def _load_with(files: dict[str, bytes]) -> None:
    """Load a fresh copy of world.yaml and tools.yaml plus `files`; a new folder each time, so the
    loader's cache never answers for an earlier example."""
    with tempfile.TemporaryDirectory(prefix="hostile-") as tmp:
        folder = Path(tmp)
        for name in ("world.yaml", "tools.yaml"):
            shutil.copyfile(DATA_DIR / name, folder / name)
        for name, data in files.items():
            (folder / name).write_bytes(data)
        try:
            load_benchmark(folder)
        except SuiteError as exc:
            message = str(exc)
            assert message.strip(), "a SuiteError must say what is wrong"
            assert any(name in message for name in files) or str(folder) in message, message


def _load_suite(data: bytes) -> None:
    _load_with({HOSTILE_NAME: data})


def _replace_at(data: Any, path: list[int], value: Any) -> Any:
    """`data` with the node that `path` picks (each step an index into that level) set to `value`."""
    if not path or not isinstance(data, dict | list) or not data:
        return value
    if isinstance(data, dict):
        keys = list(data)
        key = keys[path[0] % len(keys)]
        return {**data, key: _replace_at(data[key], path[1:], value)}
    index = path[0] % len(data)
    return [*data[:index], _replace_at(data[index], path[1:], value), *data[index + 1 :]]


LOADER_SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)


@LOADER_SETTINGS
@given(st.binary(max_size=3000))
def test_loader_on_arbitrary_bytes(data: bytes) -> None:
    _load_suite(data)


@LOADER_SETTINGS
@given(yamlish)
def test_loader_on_documents_of_the_wrong_shape(document: Any) -> None:
    _load_suite(yaml.safe_dump(document, allow_unicode=True).encode())


@LOADER_SETTINGS
@given(st.lists(st.integers(min_value=0, max_value=50), max_size=6), yamlish)
def test_loader_on_a_real_suite_with_one_value_of_the_wrong_type(path: list[int], value: Any) -> None:
    mangled = _replace_at(REAL_SUITE_DATA, path, value)
    _load_suite(yaml.safe_dump(mangled, allow_unicode=True).encode())


@LOADER_SETTINGS
@given(
    st.integers(min_value=0, max_value=len(REAL_SUITE)),
    st.integers(min_value=0, max_value=200),
    st.binary(max_size=60),
)
def test_loader_on_a_real_suite_with_a_slice_replaced_by_raw_bytes(at: int, cut: int, junk: bytes) -> None:
    # Raw bytes land anywhere, including inside multi-byte characters: invalid UTF-8 among the rest.
    raw = REAL_SUITE.encode()
    _load_suite(raw[:at] + junk + raw[at + cut :])


@LOADER_SETTINGS
@given(
    st.sampled_from(["world.yaml", "tools.yaml"]),
    st.one_of(st.binary(max_size=500), yamlish.map(lambda d: yaml.safe_dump(d).encode())),
)
def test_loader_on_a_broken_world_or_tool_catalogue(name: str, data: bytes) -> None:
    _load_with({name: data})


@pytest.mark.parametrize("depth", [65, 300, 999, 1000, 5000, 100_000])
@pytest.mark.parametrize(
    "shape",
    [
        lambda n: "[" * n + "]" * n,
        lambda n: "{a: " * n + "1" + "}" * n,
        lambda n: "suite: x\ntests:\n" + "".join("  " * i + "- \n" for i in range(min(n, 3000))),
        lambda n: "suite: x\ntests: " + "[" * n,
    ],
    ids=["flow-lists", "flow-maps", "block-lists", "unclosed"],
)
def test_loader_on_deep_nesting(depth: int, shape: Callable[[int], str]) -> None:
    _load_suite(shape(depth).encode())


def test_loader_refuses_nesting_stacked_through_aliases() -> None:
    # Each anchor nests the previous one 40 levels down: 2,400 levels in all. `seen` (walked first)
    # meets every anchor near the top, so a check of the depth where a node is first met passes.
    lines = ["a0: &a0 [x]"]
    lines += [f"a{i}: &a{i} {'[' * 40}*a{i - 1}{']' * 40}" for i in range(1, 60)]
    lines += ["suite: topic_classification", "tests: [{id: topic_classification.x, tags: *a59}]"]
    lines += ["seen: [" + ", ".join(f"*a{i}" for i in reversed(range(60))) + "]"]
    with pytest.raises(SuiteError, match="levels deep"):
        _load_with_raise("\n".join(lines).encode())


def test_loader_refuses_an_alias_bomb_quickly() -> None:
    # Nine lines that expand to 10**9 strings if anything walks them naively.
    lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x","x"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    lines += [
        "suite: topic_classification",
        "tests: [{id: topic_classification.x, grader: {type: json, params: {x: *a8}}}]",
    ]
    started = time.perf_counter()
    with pytest.raises(SuiteError, match="alias bomb"):
        _load_with_raise("\n".join(lines).encode())
    assert time.perf_counter() - started < 10


def _one_message(content: str, role: str = "user") -> str:
    return f"suite: x\ntests: [{{id: x.a, messages: [{{role: {role}, content: {content}}}]}}]\n"


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("suite: x\ntests: &t [*t]\n", "refers to itself"),
        ("suite: x\ndefaults: [1, 2]\ntests: []\n", "defaults"),
        ("suite: x\ndefaults: nope\ntests: []\n", "defaults"),
        # Placeholders are data: no arithmetic errors, overflows or Python internals escape them.
        (_one_message("'{{ 1/0 }}'"), "placeholder"),
        (_one_message("'{{ 10**10**9 }}'"), "x.a"),
        (_one_message("'{{ world.__class__ }}'"), "unsafe"),
        (_one_message("'{{ range(10**12)|list }}'"), "x.a"),
        (_one_message("'{{ \"ab\" * 10**9 }}'"), "too large"),
        (_one_message("'{{ 10**64**64**64**64**64 }}'"), "too large"),
        # A tool result with values JSON has no word for (a date, bytes) is text, not a crash.
        (_one_message("{d: 2026-03-18, b: !!binary aGk=}", role="tool"), "x.a"),
        ("\ufeffsuite: x\ntests: [1]\n", "test 0"),
        ("suite: x\ntests: []\n\x00", "YAML"),
    ],
)
def test_loader_named_hostile_files(text: str, needle: str) -> None:
    with pytest.raises(SuiteError) as caught:
        _load_with_raise(text.encode())
    assert needle in str(caught.value) and HOSTILE_NAME in str(caught.value)


def test_loader_on_a_huge_string() -> None:
    # 4 MB in one message, written out directly (PyYAML's own emitter would take longer than the load).
    text = (
        "suite: zz_hostile\ntitle: t\nversion: '1'\ntests:\n"
        "- id: zz_hostile.huge\n  title: t\n  purpose: p\n"
        f"  messages: [{{role: user, content: '{'z ' * 2_000_000}'}}]\n"
        "  grader: {type: label, params: {expected: x}}\n  reference: [{content: x}]\n"
        "  near_misses: [{content: y, why: w}, {content: z, why: w}]\n"
    )
    started = time.perf_counter()
    _load_suite(text.encode())
    assert time.perf_counter() - started < 30


def _load_with_raise(data: bytes) -> None:
    with tempfile.TemporaryDirectory(prefix="hostile-") as tmp:
        folder = Path(tmp)
        for name in ("world.yaml", "tools.yaml"):
            shutil.copyfile(DATA_DIR / name, folder / name)
        (folder / HOSTILE_NAME).write_bytes(data)
        load_benchmark(folder)


# ------------------------------------------------------------------------------------ the client


@contextlib.asynccontextmanager
async def raw_http_server(
    write_body: Callable[[asyncio.StreamWriter], Awaitable[None]], content_type: str = "text/event-stream"
) -> AsyncIterator[str]:
    """A loopback HTTP server that answers every request with whatever `write_body` writes."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value.strip())
            await reader.readexactly(length)
            writer.write(
                f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nConnection: close\r\n\r\n".encode()
            )
            await write_body(writer)
            await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        server.close()
        await server.wait_closed()


async def _complete_over_raw(body: bytes, content_type: str = "text/event-stream") -> RequestRecord:
    async def write(writer: asyncio.StreamWriter) -> None:
        writer.write(body)

    async with (
        raw_http_server(write, content_type) as url,
        ChatClient(url, max_retries=0, idle_timeout_s=5, total_timeout_s=10) as client,
    ):
        return await client.complete({"model": "m", "messages": [{"role": "user", "content": "hi"}]})


sse_pieces = st.one_of(
    st.binary(max_size=40),
    st.sampled_from(
        [
            b"data: ",
            b"\n\n",
            b"\r\n",
            b"\r",
            b": ping\n\n",
            b"event: error\n",
            b"data: [DONE]\n\n",
            b'data: {"choices": [{"delta": {"content": "hi"}}]}\n\n',
            b'data: {"choices": [{"delta": {"tool_calls": [{"index": 9e99, "function": {"arguments": 1}}]}}]}'
            b"\n\n",
            b'data: {"choices": [{"finish_reason": "stop", "delta": {}}], "usage": {"completion_tokens": -1}}'
            b"\n\n",
            b'data: {"error": {"message": "boom"}}\n\n',
            b"data: " + b"[" * 5000 + b"\n\n",
            b"\xff\xfe\xc3",
        ]
    ),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(sse_pieces, max_size=12), st.sampled_from(["text/event-stream", "application/json"]))
def test_client_on_arbitrary_bytes_returns_a_record(pieces: list[bytes], content_type: str) -> None:
    record = asyncio.run(_complete_over_raw(b"".join(pieces), content_type))
    assert isinstance(record, RequestRecord)
    if record.error is not None:
        assert record.error_kind in ERROR_KINDS, record.error_kind
        assert "\n" not in record.error
    # Whatever arrived, the record can be stored and read back.
    RequestRecord.model_validate_json(record.model_dump_json())


async def test_client_on_a_deeply_nested_chunk_is_a_bad_chunk() -> None:
    record = await _complete_over_raw(b"data: " + b"[" * 200_000 + b"\n\n")
    assert record.error_kind == "bad_chunk", record.error
    record = await _complete_over_raw(b'{"choices": ' + b"[" * 200_000, "application/json")
    assert record.error_kind == "bad_chunk", record.error


async def test_client_on_one_endless_line_stops_at_the_output_cap() -> None:
    # No line end ever comes, so no event is ever complete: the cap must count what is buffered.
    block = b"x" * 65_536
    sent = 0

    async def endless(writer: asyncio.StreamWriter) -> None:
        nonlocal sent
        writer.write(b"data: ")
        while sent < 500_000_000:  # bounded: a broken client still ends the test
            writer.write(block)
            await writer.drain()
            sent += len(block)

    started = time.perf_counter()
    async with (
        raw_http_server(endless) as url,
        ChatClient(url, max_retries=0, max_output_chars=50_000, total_timeout_s=60) as client,
    ):
        record = await client.complete({"model": "m", "messages": [{"role": "user", "content": "hi"}]})
    assert record.error_kind == "output_cap", record.error
    assert time.perf_counter() - started < 10
    assert sent < 20_000_000


# ------------------------------------------------------------------------------------ the store


def _info() -> RunInfo:
    return RunInfo(
        run_id="hostile",
        harness_version="0",
        benchmark_version="1.0",
        benchmark_hash="h",
        endpoint=EndpointInfo(base_url="http://127.0.0.1:9/v1", model="m"),
    )


def _result(test_id: str) -> bytes:
    record = RequestRecord(content="ok")
    result = TestResult(test_id=test_id, suite="s", outcome="pass", reason="r", request=record)
    return result.model_dump_json().encode() + b"\n"


GOOD = [_result(f"s.t{i}") for i in range(3)]
line_like = st.one_of(
    st.binary(max_size=200),
    st.sampled_from(GOOD),
    st.sampled_from(GOOD).map(lambda line: line[: len(line) // 2]),
    st.just(b"[" * 100_000 + b"\n"),
    st.just(b'{"test_id": ' + b"[" * 50_000 + b"\n"),
    st.just(b"\x00\xff\xfe\r\r\n"),
    st.just(b"null\n"),
    st.just(b"{}\n"),
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(line_like, max_size=8))
def test_load_run_drops_bad_lines_and_never_raises(pieces: list[bytes]) -> None:
    with tempfile.TemporaryDirectory(prefix="hostile-run-") as tmp:
        run_dir = Path(tmp)
        (run_dir / "run.json").write_text(_info().model_dump_json(), encoding="utf-8")
        content = b"".join(pieces)
        (run_dir / "results.jsonl").write_bytes(content)
        run = load_run(run_dir)
    lines = [line for line in content.split(b"\n") if line.strip()]
    assert len(run.results) + run.dropped_lines == len(lines)
    # Only complete lines that hold a whole result come back as results, each exactly as written; JSON's
    # own whitespace around a record is still that record ("\t" + a good line, found by this test).
    complete = [line + b"\n" for line in content.split(b"\n")[:-1]]
    whole = [line for line in complete if line.strip(b" \t\r\n") + b"\n" in GOOD]
    assert [_result(r.test_id) for r in run.results] == [line.strip(b" \t\r\n") + b"\n" for line in whole]


def test_load_run_drops_a_last_line_without_its_newline_even_if_it_parses(tmp_path: Path) -> None:
    # RunWriter cuts such a tail before appending; reading it as done would lose the test on resume.
    (tmp_path / "run.json").write_text(_info().model_dump_json(), encoding="utf-8")
    (tmp_path / "results.jsonl").write_bytes(GOOD[0] + GOOD[1].rstrip(b"\n"))
    run = load_run(tmp_path)
    assert [r.test_id for r in run.results] == ["s.t0"]
    assert run.dropped_lines == 1 and "line 2" in run.warnings[0]


def test_load_run_on_a_results_path_that_is_a_folder(tmp_path: Path) -> None:
    (tmp_path / "run.json").write_text(_info().model_dump_json(), encoding="utf-8")
    (tmp_path / "results.jsonl").mkdir()
    with pytest.raises(StoreError, match=r"results\.jsonl"):
        load_run(tmp_path)


# ------------------------------------------------------------------------------------ the CLI

CORRUPT_RUN_JSON: dict[str, bytes | None] = {
    "empty": b"",
    "truncated": _info().model_dump_json().encode()[:40],
    "invalid-utf8": b'{"run_id": "\xff\xfe"}',
    "a-list": b"[1, 2, 3]",
    "missing-fields": b'{"run_id": "x"}',
    "wrong-types": json.dumps({**json.loads(_info().model_dump_json()), "selected_tests": 5}).encode(),
    "deep": b"[" * 100_000,
    "a-folder": None,
}


def test_cli_resume_with_a_corrupted_run_json(tmp_path: Path) -> None:
    # One subprocess per corruption, all at once: each pays the interpreter's start-up.
    env = {k: v for k, v in os.environ.items() if k != "OPENAI_API_KEY"}
    procs: dict[str, subprocess.Popen[str]] = {}
    for kind, content in CORRUPT_RUN_JSON.items():
        run_dir = tmp_path / kind
        run_dir.mkdir()
        if content is None:
            (run_dir / "run.json").mkdir()
        else:
            (run_dir / "run.json").write_bytes(content)
        (run_dir / "results.jsonl").write_bytes(GOOD[0])
        procs[kind] = subprocess.Popen(
            [sys.executable, "-m", "homesec_bench", "run", "--resume", str(run_dir)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
    problems = []
    for kind, proc in procs.items():
        try:
            _, stderr = proc.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            problems.append(f"{kind}: hung")
            continue
        lines = [line for line in stderr.splitlines() if line.strip()]
        ok = (
            proc.returncode == int(ExitCode.OUTPUT)
            and "Traceback" not in stderr
            and len(lines) == 1
            and lines[0].startswith("homesec-bench: error:")
            and (f"{kind}/run.json" in lines[0] or "run directory" in lines[0])
        )
        if not ok:
            problems.append(f"{kind}: exit {proc.returncode}: {stderr[-600:]}")
    assert not problems, "\n".join(problems)
