"""The runner end to end against the loopback fake server: verdicts, errors, warm-up, repeats, resume."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from homesec_bench.client import EndpointNotFound
from homesec_bench.runner import EndpointConfig, RunConfig, RunSetupError, run_benchmark
from homesec_bench.store import load_run
from homesec_bench.suites import load_benchmark
from homesec_bench.testing import Reply, fixed, reference_responder, with_faults

SMALL = ["security_classification", "tool_use"]


def _config(base_url: str, out: Path, **kw) -> RunConfig:
    return RunConfig(endpoint=EndpointConfig(base_url=base_url), out_dir=out, **kw)


def _small_tests() -> list[str]:
    return [t.id for t in load_benchmark().select(SMALL)]


async def test_perfect_model_passes_every_selected_test(make_fake_server, tmp_path):
    bench = load_benchmark()
    server = make_fake_server(reference_responder(bench))
    run = await run_benchmark(_config(server.base_url, tmp_path / "run", suites=SMALL))

    results = run.final_results()
    assert sorted(r.test_id for r in results) == sorted(_small_tests())
    failing = [(r.test_id, r.reason) for r in results if r.outcome != "pass"]
    assert not failing
    assert run.info.warmup is not None and run.info.warmup.error is None
    # the warm-up request is the first one the server saw, and it is not a result
    assert "ready" in json.dumps(server.requests[0]["messages"])
    assert len(server.requests) == len(results) + 1
    assert run.info.finished_at and run.info.benchmark_hash == bench.content_hash
    assert all(r.request.ttft_s is not None and r.request.output_tokens for r in results)


async def test_wrong_answers_are_failures_with_reasons(make_fake_server, tmp_path):
    bench = load_benchmark()
    server = make_fake_server(reference_responder(bench, accuracy=0.0))
    run = await run_benchmark(_config(server.base_url, tmp_path / "run", suites=SMALL))
    results = run.final_results()
    assert {r.outcome for r in results} == {"fail"}
    assert all(r.reason and "\n" not in r.reason for r in results)


async def test_infrastructure_errors_are_errors_not_failures(make_fake_server, tmp_path):
    bench = load_benchmark()
    responder = with_faults(reference_responder(bench), "http_500", rate=0.5, only=lambda b: "tools" in b)
    server = make_fake_server(responder)
    run = await run_benchmark(_config(server.base_url, tmp_path / "run", suites=SMALL, max_retries=1))
    by_outcome: dict[str, list] = {}
    for r in run.final_results():
        by_outcome.setdefault(r.outcome, []).append(r)
    assert by_outcome.get("error"), "some tool-use tests should have hit the injected 500"
    assert "fail" not in by_outcome, "a server error must never be scored as a model failure"
    for r in by_outcome["error"]:
        assert r.suite == "tool_use" and r.error_type == "http_5xx" and "500" in r.reason
        assert r.request.attempts == 2


async def test_rejected_parameter_runs_with_server_default_and_says_so(make_fake_server, tmp_path):
    bench = load_benchmark()
    responder = reference_responder(bench)

    def rejects_temperature(body):
        reply = responder(body)
        reply.fault = "reject_param:temperature"
        return reply

    server = make_fake_server(rejects_temperature)
    run = await run_benchmark(_config(server.base_url, tmp_path / "run", suites=["security_classification"]))
    results = run.final_results()
    assert all(r.outcome == "pass" for r in results)
    assert all(r.request.dropped_params == ["temperature"] for r in results)
    assert all("temperature" not in r.request.request_body for r in results)


async def test_concurrency_gives_the_same_verdicts(make_fake_server, tmp_path):
    bench = load_benchmark()
    server = make_fake_server(reference_responder(bench, accuracy=0.7, seed=3))
    serial = await run_benchmark(_config(server.base_url, tmp_path / "a", suites=SMALL))
    parallel = await run_benchmark(_config(server.base_url, tmp_path / "b", suites=SMALL, concurrency=6))
    verdicts = lambda run: {r.test_id: r.outcome for r in run.final_results()}  # noqa: E731
    assert verdicts(serial) == verdicts(parallel)


async def test_repeat_records_every_attempt_and_varies_the_seed(make_fake_server, tmp_path):
    bench = load_benchmark()
    server = make_fake_server(reference_responder(bench))
    run = await run_benchmark(
        _config(server.base_url, tmp_path / "run", suites=["topic_classification"], repeat=3)
    )
    keys = sorted((r.test_id, r.attempt) for r in run.final_results())
    assert len(keys) == 4 * 3 and {a for _, a in keys} == {0, 1, 2}
    seeds = {r.request.request_body.get("seed") for r in run.final_results()}
    assert len(seeds) == 3


async def test_model_is_auto_detected_or_the_choice_explained(make_fake_server, tmp_path):
    one = make_fake_server(fixed(Reply(content="ok")), models=("only-model",))
    run = await run_benchmark(_config(one.base_url, tmp_path / "a", suites=["topic_classification"]))
    assert run.info.endpoint.model == "only-model"

    several = make_fake_server(fixed(Reply(content="ok")), models=("a", "b"))
    with pytest.raises(RunSetupError, match="several models"):
        await run_benchmark(_config(several.base_url, tmp_path / "b", suites=["topic_classification"]))
    with pytest.raises(EndpointNotFound, match="unknown model 'c'"):
        cfg = RunConfig(endpoint=EndpointConfig(base_url=several.base_url, model="c"), out_dir=tmp_path / "c")
        await run_benchmark(cfg)


async def test_resume_runs_only_what_is_missing(make_fake_server, tmp_path):
    bench = load_benchmark()
    server = make_fake_server(reference_responder(bench, accuracy=0.8))
    out = tmp_path / "run"
    await run_benchmark(_config(server.base_url, out, suites=SMALL))
    reference = {r.test_id: r.outcome for r in load_run(out).final_results()}

    # Simulate a crash: keep the first 10 results and a torn half line.
    lines = (out / "results.jsonl").read_text().splitlines(keepends=True)
    (out / "results.jsonl").write_text("".join(lines[:10]) + lines[10][: len(lines[10]) // 2])
    before = len(server.requests)
    resumed = await run_benchmark(
        RunConfig(endpoint=EndpointConfig(base_url=server.base_url), resume_dir=out)
    )
    results = resumed.final_results()
    assert sorted(r.test_id for r in results) == sorted(reference)
    assert {r.test_id: r.outcome for r in results} == reference
    assert len(server.requests) - before == len(reference) - 10 + 1  # + the warm-up
    assert resumed.info.resumed_at and resumed.dropped_lines == 0


async def test_resume_refuses_another_model(make_fake_server, tmp_path):
    server = make_fake_server(fixed(Reply(content="ok")), models=("m1", "m2"))
    out = tmp_path / "run"
    await run_benchmark(
        RunConfig(
            endpoint=EndpointConfig(base_url=server.base_url, model="m1"),
            out_dir=out,
            suites=["topic_classification"],
        )
    )
    with pytest.raises(RunSetupError, match="ran model 'm1'"):
        await run_benchmark(
            RunConfig(endpoint=EndpointConfig(base_url=server.base_url, model="m2"), resume_dir=out)
        )


async def test_retry_errors_reruns_only_errors(make_fake_server, tmp_path):
    bench = load_benchmark()
    # Each faulted conversation fails its first attempt only, so the retry run can succeed.
    server = make_fake_server(
        with_faults(reference_responder(bench), "http_503", rate=0.4, times=1, only=lambda b: "tools" in b)
    )
    out = tmp_path / "run"
    first = await run_benchmark(_config(server.base_url, out, suites=SMALL, max_retries=0))
    errored = {r.test_id for r in first.final_results() if r.outcome == "error"}
    assert errored
    second = await run_benchmark(
        RunConfig(endpoint=EndpointConfig(base_url=server.base_url), resume_dir=out, retry_errors=True)
    )
    lines = (out / "results.jsonl").read_text().splitlines()
    rerun = [json.loads(line)["test_id"] for line in lines[len(first.results) :]]
    assert sorted(rerun) == sorted(errored)
    final = second.final_results()
    assert len(final) == len(first.final_results())
    assert all(r.outcome == "pass" for r in final)


async def test_vision_suite_goes_to_the_vision_endpoint_and_blind_scores_low(make_fake_server, tmp_path):
    bench = load_benchmark()
    text_server = make_fake_server(reference_responder(bench), models=("text-model",))
    vision_server = make_fake_server(reference_responder(bench), models=("vision-model",))

    def config(out: str, **kw) -> RunConfig:
        return RunConfig(
            endpoint=EndpointConfig(base_url=text_server.base_url),
            vision_endpoint=EndpointConfig(base_url=vision_server.base_url),
            suites=["vision", "topic_classification"],
            out_dir=tmp_path / out,
            **kw,
        )

    run = await run_benchmark(config("seeing"))
    vision = [r for r in run.final_results() if r.suite == "vision"]
    assert len(vision) == 35 and all(r.outcome == "pass" for r in vision)
    assert run.info.vision_endpoint is not None and run.info.vision_endpoint.model == "vision-model"
    # images went only to the vision server, as base64 data URIs
    sent = json.dumps(vision_server.requests)
    assert "data:image/" in sent and "data:image/" not in json.dumps(text_server.requests)
    # results keep the transcript with the image for the report; the stored request body has a digest
    assert "data:image/" in json.dumps(vision[0].messages)
    assert "data:image/" not in json.dumps(vision[0].request.request_body)

    blind = await run_benchmark(config("blind", blind=True))
    blind_passes = sum(r.outcome == "pass" for r in blind.final_results() if r.suite == "vision")
    assert blind_passes <= 3, "answers written without the image must not pass"


async def test_vision_suite_is_skipped_without_a_vision_endpoint(make_fake_server, tmp_path):
    server = make_fake_server(reference_responder(load_benchmark()))
    notes: list[str] = []
    from homesec_bench.runner import RunHooks

    run = await run_benchmark(
        _config(server.base_url, tmp_path / "run", suites=["vision", "topic_classification"]),
        hooks=RunHooks(on_note=notes.append),
    )
    assert {r.suite for r in run.final_results()} == {"topic_classification"}
    assert any("vision suite skipped (35 tests)" in n for n in notes)
    assert any("vision suite skipped" in n for n in run.info.notes)


def _spy_on_grading(monkeypatch) -> list[bool]:
    """Whether each answer graded in this process was graded on the main thread (the event loop's)."""
    import threading

    import homesec_bench.graders as graders

    real = graders.grade_answer
    threads: list[bool] = []

    def spy(*args, **kwargs):
        threads.append(threading.current_thread() is threading.main_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(graders, "grade_answer", spy)
    return threads


async def test_a_serial_run_grades_in_place_and_a_concurrent_one_in_a_process_of_its_own(
    make_fake_server, tmp_path, monkeypatch
):
    # Grading on the event loop, or on a thread sharing its interpreter lock, lands inside the TTFT of
    # every other stream in flight; a serial run has no other stream.
    threads = _spy_on_grading(monkeypatch)
    bench = load_benchmark()
    server = make_fake_server(reference_responder(bench))
    serial = await run_benchmark(_config(server.base_url, tmp_path / "serial", suites=SMALL))
    assert threads == [True] * len(_small_tests())

    threads.clear()
    concurrent = await run_benchmark(_config(server.base_url, tmp_path / "conc", suites=SMALL, concurrency=3))
    assert threads == []  # none here: the grader process judged them all
    verdicts = lambda run: {r.test_id: (r.outcome, r.reason) for r in run.final_results()}  # noqa: E731
    assert verdicts(concurrent) == verdicts(serial)
    assert {r.outcome for r in concurrent.final_results()} == {"pass"}
    assert not [n for n in concurrent.info.notes if "grader process" in n]


def _grader_processes() -> list:
    import psutil

    return [
        child
        for child in psutil.Process().children(recursive=True)
        if "homesec_bench.grader_process" in " ".join(child.cmdline())
    ]


async def test_when_the_grader_process_dies_the_run_grades_every_answer_itself(
    make_fake_server, tmp_path, monkeypatch
):
    from homesec_bench.runner import RunHooks

    threads = _spy_on_grading(monkeypatch)
    bench = load_benchmark()
    server = make_fake_server(reference_responder(bench, accuracy=0.5, seed=1))
    serial = await run_benchmark(_config(server.base_url, tmp_path / "serial", suites=SMALL))
    threads.clear()
    killed: list[int] = []

    def kill_the_grader(result) -> None:
        if not killed:
            (worker,) = _grader_processes()
            killed.append(worker.pid)
            worker.kill()

    run = await run_benchmark(
        _config(server.base_url, tmp_path / "conc", suites=SMALL, concurrency=3),
        hooks=RunHooks(on_result=kill_the_grader),
    )
    results = {r.test_id: (r.outcome, r.reason) for r in run.final_results()}
    assert results == {r.test_id: (r.outcome, r.reason) for r in serial.final_results()}
    assert threads and not any(threads)  # the rest were graded here, on a thread, not on the loop
    assert any(
        "the grader process ended" in n and "graded in the run's own process" in n for n in run.info.notes
    )
    assert not _grader_processes()


async def test_when_the_grader_process_cannot_start_the_run_grades_every_answer_itself(
    make_fake_server, tmp_path, monkeypatch
):
    import sys

    bench = load_benchmark()
    server = make_fake_server(reference_responder(bench))
    monkeypatch.setattr(sys, "executable", str(tmp_path / "no-such-python"))
    run = await run_benchmark(_config(server.base_url, tmp_path / "run", suites=SMALL, concurrency=3))
    assert {r.outcome for r in run.final_results()} == {"pass"}
    assert len(run.final_results()) == len(_small_tests())
    assert any("the grader process could not start" in n for n in run.info.notes)


_FIRST_REQUEST_PROBE = """
import sys
from homesec_bench import models
from homesec_bench.runner import EndpointConfig, RunConfig, run_sync
from homesec_bench.testing import FakeOpenAIServer, Reply

seen = []

def respond(body):
    if not seen:
        deferred = [m.__name__ for m in (models.Verdict, models.TestResult) if not m.__pydantic_complete__]
        seen.append(("homesec_bench.graders" in sys.modules, deferred))
    return Reply(content="fine")

with FakeOpenAIServer(respond) as server:
    config = RunConfig(endpoint=EndpointConfig(base_url=server.base_url), out_dir=sys.argv[2],
                       suites=["topic_classification"], concurrency=int(sys.argv[1]), warmup=False)
    run_sync(config)
print(seen[0])
"""


@pytest.mark.parametrize(
    ("concurrency", "expected"),
    [(1, "(False, ['Verdict', 'TestResult'])"), (4, "(False, [])")],
)
def test_what_is_loaded_before_the_first_request(tmp_path, concurrency, expected):
    # A serial run sends its first request before loading the graders or building the models (start-up);
    # a concurrent one builds every model first, so that no stream in flight waits for a build, and
    # leaves the graders to its grader process.
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", _FIRST_REQUEST_PROBE, str(concurrency), str(tmp_path / "run")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == expected
