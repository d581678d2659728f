"""Issue 11: hostile servers, odd bytes and careless input, each played by the loopback hostile server
(homesec_bench.testing.hostile) against the real client, runner, store and reports."""

from __future__ import annotations

import asyncio
import json
from functools import lru_cache
from pathlib import Path

import pytest

from homesec_bench.client import ChatClient
from homesec_bench.models import RequestRecord
from homesec_bench.reports.html import write_report
from homesec_bench.runner import EndpointConfig, RunConfig, run_benchmark
from homesec_bench.store import LoadedRun, load_run
from homesec_bench.suites.loader import Benchmark, load_benchmark
from homesec_bench.testing.hostile import DONE, HostileServer, Play, chunk, scenario, sse


@lru_cache(maxsize=1)
def _bench() -> Benchmark:
    return load_benchmark()


def _a_text_test() -> str:
    suite = _bench().suites["topic_classification"]
    return suite.tests[0].id


def _run(server: HostileServer, out: Path, **config: object) -> LoadedRun:
    run_config = RunConfig(
        endpoint=EndpointConfig(base_url=server.base_url),
        test_ids=[_a_text_test()],
        out_dir=out,
        max_retries=0,
        total_timeout_s=20,
        idle_timeout_s=10,
        sample_memory=False,
        **config,
    )
    return asyncio.run(run_benchmark(run_config, bench=_bench()))


async def _complete(server: HostileServer, **kwargs: object) -> RequestRecord:
    async with ChatClient(
        server.base_url, max_retries=0, idle_timeout_s=10, total_timeout_s=20, **kwargs
    ) as c:
        return await c.complete({"model": "m", "messages": [{"role": "user", "content": "hi"}]})


# ------------------------------------------------------------------ items 1-2: unstorable characters

SURROGATE_SCENARIOS = [
    "surrogate_content",
    "surrogate_reasoning",
    "surrogate_tool_name",
    "surrogate_tool_arguments",
    "surrogate_tool_arguments_raw",
    "surrogate_error_body",
    "surrogate_model_id",
    "split_emoji",
]


@pytest.mark.parametrize("name", SURROGATE_SCENARIOS)
def test_a_lone_surrogate_never_loses_a_run_or_a_report(name: str, tmp_path: Path) -> None:
    with scenario(name) as server:
        run = _run(server, tmp_path / "run")
    assert len(run.final_results()) == 1 and run.dropped_lines == 0
    # Every line is valid UTF-8 JSON that a strict reader takes, and the report is written.
    for line in (tmp_path / "run" / "results.jsonl").read_bytes().splitlines():
        json.loads(line.decode("utf-8"))
    json.loads((tmp_path / "run" / "run.json").read_bytes().decode("utf-8"))
    out = tmp_path / "report.html"
    write_report([run], out)
    assert out.stat().st_size > 0 and not list(tmp_path.glob("*.tmp"))
    record = run.final_results()[0].request
    if name == "split_emoji":
        assert record.content == "smile \N{GRINNING FACE}!" and record.text_replaced == 0
    elif name not in ("surrogate_model_id", "surrogate_error_body"):
        assert record.text_replaced >= 1 and "\ufffd" in run.final_results()[0].model_dump_json()


def test_resume_of_a_run_that_met_a_surrogate_finishes(tmp_path: Path) -> None:
    with scenario("surrogate_content") as server:
        first = _run(server, tmp_path / "run")
        assert len(first.final_results()) == 1
        again = asyncio.run(
            run_benchmark(
                RunConfig(
                    endpoint=EndpointConfig(base_url=server.base_url),
                    resume_dir=tmp_path / "run",
                    max_retries=0,
                    sample_memory=False,
                ),
                bench=_bench(),
            )
        )
    assert len(again.final_results()) == 1 and again.info.finished_at


async def test_an_emoji_split_in_two_chunks_is_joined() -> None:
    with scenario("split_emoji") as server:
        record = await _complete(server)
    assert record.error is None and record.content == "smile \N{GRINNING FACE}!"
    record.model_dump_json()


def test_report_reads_any_surrogate_escape_in_results(tmp_path: Path) -> None:
    with scenario("surrogate_content") as server:
        run = _run(server, tmp_path / "run")
    results = tmp_path / "run" / "results.jsonl"
    line = json.loads(results.read_bytes().splitlines()[0])
    # A line written by another tool, or by hand: JSON escapes that decode to lone surrogates.
    line["reason"] = "why \\ud800"
    line["request"]["content"] = "\\udfff tail"
    text = json.dumps(line).replace("\\\\ud800", "\\ud800").replace("\\\\udfff", "\\udfff")
    results.write_text(text + "\n", encoding="utf-8")
    info = json.loads((tmp_path / "run" / "run.json").read_text(encoding="utf-8"))
    info["endpoint"]["model"] = "odd"
    raw_info = json.dumps(info).replace('"odd"', '"odd \\ud800"')
    (tmp_path / "run" / "run.json").write_text(raw_info, encoding="utf-8")
    loaded = load_run(tmp_path / "run")
    assert len(loaded.results) == 1 and loaded.dropped_lines == 0
    assert "\ufffd" in loaded.results[0].reason and "\ufffd" in loaded.info.endpoint.model
    out = tmp_path / "report.html"
    write_report([loaded], out)
    assert out.stat().st_size > 0
    del run


# ------------------------------------------------------------------ the hostile server itself


def test_the_hostile_server_plays_raw_bytes() -> None:
    with HostileServer(chat=Play(body=sse(chunk(content="a"), chunk(finish="stop"), DONE))) as server:
        record = asyncio.run(_complete(server))
        assert server.chat_requests() == 1
    assert record.content == "a" and record.error is None


# ------------------------------------------------------------------ items 3-4: how files are replaced


def test_a_full_disk_leaves_no_temporary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno
    import os

    from homesec_bench.store.files import write_text_atomic

    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)
    with pytest.raises(OSError):
        write_text_atomic(tmp_path / "run.json", "{}")
    assert list(tmp_path.iterdir()) == []


def test_writers_write_through_a_symlink_and_a_pipe(tmp_path: Path) -> None:
    import os
    import threading

    from homesec_bench.store.files import write_text_atomic

    real = tmp_path / "real.html"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.html"
    link.symlink_to(real)
    write_text_atomic(link, "new")
    assert link.is_symlink() and real.read_text(encoding="utf-8") == "new"

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    write_text_atomic(fifo, "through the pipe")
    reader.join(10)
    assert received == [b"through the pipe"] and fifo.is_fifo()


# ------------------------------------------------------------------ item 6: no completion is no answer


@pytest.mark.parametrize("name", ["only_done", "empty_choices", "json_without_choices"])
def test_no_completion_at_all_is_an_infrastructure_error(name: str, tmp_path: Path) -> None:
    with scenario(name) as server:
        run = _run(server, tmp_path / "run", warmup=False)
    (result,) = run.final_results()
    assert result.outcome == "error" and result.request.error_kind == "no_completion", result.reason


def test_a_well_formed_empty_answer_is_the_models(tmp_path: Path) -> None:
    play = Play(body=sse(chunk(content=""), chunk(finish="stop"), DONE))
    with HostileServer(chat=play) as server:
        run = _run(server, tmp_path / "run", warmup=False)
    (result,) = run.final_results()
    assert result.outcome == "fail" and result.request.error is None


async def test_an_empty_200_stream_says_what_happened() -> None:
    with scenario("empty_stream") as server:
        record = await _complete(server)
    assert record.error_kind == "no_done" and "empty stream" in (record.error or "")


# ------------------------------------------------------------------ items 8, 16: media type, [DONE]


async def test_a_media_type_in_any_case_is_a_stream() -> None:
    with scenario("mixed_case_media_type") as server:
        record = await _complete(server)
    assert record.error is None and record.streamed and record.content == "ok"


async def test_reading_stops_at_done() -> None:
    with scenario("data_after_done") as server:
        record = await _complete(server)
        flooded = server.flooded
    assert record.error is None and record.content == "ok"
    # Before: 0.25 s of reading per request, hundreds of MiB on loopback. Socket buffers hold a few.
    assert flooded < 16 * 2**20, flooded


# ------------------------------------------------------------------ item 9: a refused key at the warm-up


@pytest.mark.parametrize("name", ["unauthorized", "forbidden"])
def test_a_refused_key_at_the_warm_up_stops_the_run(name: str, tmp_path: Path) -> None:
    import subprocess
    import sys

    with scenario(name) as server:
        proc = subprocess.run(
            [sys.executable, "-m", "homesec_bench", "run", "--base-url", server.base_url, "--suite",
             "topic_classification", "--out", str(tmp_path / "run")],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        sent = server.chat_requests()
    assert proc.returncode == 7, proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.startswith("homesec-bench: error:")]
    assert len(errors) == 1 and "API key" in errors[0] and "OPENAI_API_KEY" in errors[0], proc.stderr
    assert "Traceback" not in proc.stderr and sent == 1


# ------------------------------------------------------------------ item 18: labels and figures


def test_a_server_answering_200_to_everything_is_not_named_ollama(tmp_path: Path) -> None:
    from homesec_bench.testing.hostile import json_play

    with HostileServer(routes={"/api/show": json_play({}), "/props": json_play({"ok": True})}) as server:
        run = _run(server, tmp_path / "run", warmup=False)
    props = run.info.endpoint.server_props
    assert "server" not in props and "identified_by" not in props, props


def test_ollama_is_named_by_its_details_and_says_how() -> None:
    from homesec_bench.client.server_info import describe_server

    info = describe_server(None, {"details": {"quantization_level": "Q4_K_M"}})
    assert info["server"] == "ollama" and info["quantization"] == "Q4_K_M"
    assert "api/show" in info["identified_by"]


def test_small_memory_is_shown_in_mib() -> None:
    from homesec_bench.reports import fmt

    assert fmt.gb(22 * 2**20) == "22 MiB" and fmt.gb(3 * 2**30) == "3.0 GiB" and fmt.gb(None) == "n/a"


# ------------------------------------------------------------------ item 15: messages a user can act on


def test_an_endpoint_with_100000_models_gives_a_short_error(tmp_path: Path) -> None:
    from homesec_bench.runner import RunSetupError
    from homesec_bench.testing.hostile import models_play

    many = models_play(*(f"model-{i:06d}" for i in range(100_000)))
    with HostileServer(models=many) as server, pytest.raises(RunSetupError) as caught:
        _run(server, tmp_path / "run")
    message = str(caught.value)
    assert len(message) < 600 and "99,990 more" in message and "--model" in message


async def test_the_output_cap_message_names_a_flag_that_exists() -> None:
    play = Play(body=sse(chunk(content="x" * 5000), chunk(finish="stop"), DONE))
    with HostileServer(chat=play) as server:
        record = await _complete(server, max_output_chars=100)
    assert record.error_kind == "output_cap" and "--max-output-chars" in (record.error or "")


def test_an_unreachable_vision_endpoint_names_its_own_flag(tmp_path: Path) -> None:
    from homesec_bench.client import EndpointUnreachable

    with HostileServer() as server:
        config = RunConfig(
            endpoint=EndpointConfig(base_url=server.base_url),
            vision_endpoint=EndpointConfig(base_url="http://127.0.0.1:9/v1", model="vlm"),
            suites=["vision"],
            out_dir=tmp_path / "run",
            sample_memory=False,
        )
        with pytest.raises(EndpointUnreachable) as caught:
            asyncio.run(run_benchmark(config, bench=_bench()))
    assert "--vlm-base-url" in str(caught.value)


# ------------------------------------------------------------------ item 7: count what the run planned


def test_results_the_run_did_not_plan_are_not_counted(tmp_path: Path) -> None:
    with HostileServer() as server:
        run = _run(server, tmp_path / "run", warmup=False)
    results = tmp_path / "run" / "results.jsonl"
    line = json.loads(results.read_bytes().splitlines()[0])
    extra = [
        {**line, "test_id": "tool_use.not_in_this_run"},
        {**line, "attempt": 3},  # beyond --repeat 1
        {**line, "outcome": "pass"},  # a later line for the same (test, attempt) still wins
    ]
    with results.open("a", encoding="utf-8") as handle:
        for item in extra:
            handle.write(json.dumps(item) + "\n")
    loaded = load_run(tmp_path / "run")
    assert [(r.test_id, r.attempt, r.outcome) for r in loaded.final_results()] == [
        (run.final_results()[0].test_id, 0, "pass")
    ]
    assert any("did not plan" in w for w in loaded.warnings)


def test_a_new_run_never_adopts_results_left_without_their_run_json(tmp_path: Path) -> None:
    from homesec_bench.store import StoreError

    with HostileServer() as server:
        _run(server, tmp_path / "run", warmup=False)
        (tmp_path / "run" / "run.json").unlink()
        with pytest.raises(StoreError, match="earlier run"):
            _run(server, tmp_path / "run", warmup=False)


# ------------------------------------------------------------------ item 20: unknown is unknown


def test_a_server_without_usage_shows_unknown_prompt_tokens_and_flags_chunk_counts(tmp_path: Path) -> None:
    from rich.console import Console

    from homesec_bench.reports.console import print_run_summary
    from homesec_bench.reports.leaderboard import build_leaderboard, render
    from homesec_bench.reports.summary import summarize

    with HostileServer() as server:  # its answers carry no usage and no timings
        run = _run(server, tmp_path / "run", warmup=False)
    summary = summarize(run)
    assert summary.prompt_tokens is None and summary.output_token_sources == {"chunks": 1}
    console = Console(record=True, width=200)
    print_run_summary(summary, console)
    assert "Tokens: unknown in" in console.export_text()
    board = render(build_leaderboard([summary]), "md")
    assert "counted from stream chunks" in board and "no prompt token counts" in board
    out = tmp_path / "report.html"
    write_report([run], out)
    assert "unknown in" in out.read_text(encoding="utf-8")


# ------------------------------------------------------------------ item 23: an endpoint that ignores tools


def test_an_endpoint_that_never_calls_a_tool_is_flagged_and_its_quantization_read_from_the_id(
    tmp_path: Path,
) -> None:
    from homesec_bench.reports.summary import summarize
    from homesec_bench.testing.hostile import models_play

    tool_tests = [t.id for t in _bench().suites["tool_use"].tests[:3]]
    with HostileServer(models=models_play("SmolLM2-135M-Instruct.Q4_K_M")) as server:
        config = RunConfig(
            endpoint=EndpointConfig(base_url=server.base_url),
            test_ids=tool_tests,
            out_dir=tmp_path / "run",
            warmup=False,
            max_retries=0,
            sample_memory=False,
        )
        run = asyncio.run(run_benchmark(config, bench=_bench()))
    assert run.info.endpoint.quantization == "Q4_K_M"
    assert run.info.endpoint.server_props["quantization_from"] == "the model id"
    assert any("no tool call in any of the 3 test(s)" in note for note in summarize(run).notes)


# ------------------------------------------------------------------ item 21: the end-of-text correction


async def test_decode_speed_leaves_out_the_unstreamed_end_token_when_a_chunk_carries_two() -> None:
    # llama-server: 5 tokens counted, 4 streamed in 3 events (one holds two halves of a character),
    # the fifth is the end-of-text token it never sends.
    timings = {"predicted_n": 5, "prompt_n": 7}
    play = Play(
        body=sse(
            chunk(content="a"),
            chunk(content="\u00e9"),
            chunk(content="b"),
            chunk(finish="stop", timings=timings),
            DONE,
        ),
        gap_s=0.02,
    )
    with HostileServer(chat=play) as server:
        record = await _complete(server)
    assert record.output_tokens == 5 and record.token_events == 3
    span = (record.last_token_s or 0) - (record.ttft_s or 0)
    assert span > 0 and record.decode_tps == pytest.approx((4 - 1) / span)


# ------------------------------------------------------------------ item 19: prompt fidelity everywhere


def _escaping_routes() -> dict[str, object]:
    import html

    from homesec_bench.testing.hostile import json_play

    def template(body: object) -> Play:
        content = body["messages"][0]["content"] if isinstance(body, dict) else ""
        return json_play({"prompt": "<|user|>" + html.escape(content)})

    return {"/apply-template": template}


def test_an_external_server_that_escapes_prompts_is_flagged(tmp_path: Path) -> None:
    with HostileServer(routes=_escaping_routes()) as server:  # type: ignore[arg-type]
        run = _run(server, tmp_path / "run", warmup=False)
    assert "HTML-escapes" in str(run.info.endpoint.server_props["prompt_fidelity"])
    assert any("prompt check failed" in note for note in run.info.notes)


def test_a_server_without_a_way_to_check_records_not_checked(tmp_path: Path) -> None:
    with HostileServer() as server:
        run = _run(server, tmp_path / "run", warmup=False)
    assert str(run.info.endpoint.server_props["prompt_fidelity"]).startswith("not checked")
