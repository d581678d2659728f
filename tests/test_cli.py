"""The CLI as a user types it: a real subprocess against the loopback fake server.

Each failure a user will meet gets one line on stderr (no traceback) and its own exit code.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from homesec_bench.cli.exit_codes import ExitCode
from homesec_bench.suites import load_benchmark
from homesec_bench.suites.loader import DATA_DIR
from homesec_bench.testing import reference_responder, with_faults

CANARY_KEY = "sk-canary-7f3e9d1c2b4a"


def cli(*args: str, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if k != "OPENAI_API_KEY"}
    full_env.update({"COLUMNS": "160", **(env or {})})
    return subprocess.run(
        [sys.executable, "-m", "homesec_bench", *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
    )


def run_topics(
    base_url: str, out: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """`run` of the small topic_classification suite into `out`, with any further flags."""
    return cli(
        "run", "--base-url", base_url, "--suite", "topic_classification", "--out", str(out), *args, env=env
    )


def assert_one_line_error(proc: subprocess.CompletedProcess, code: ExitCode, *needles: str) -> None:
    assert proc.returncode == int(code), (proc.returncode, proc.stdout[-2000:], proc.stderr[-2000:])
    assert "Traceback" not in proc.stderr
    error_lines = [line for line in proc.stderr.splitlines() if line.startswith("homesec-bench: error:")]
    assert len(error_lines) == 1, proc.stderr
    for needle in needles:
        assert needle in error_lines[0]


def test_list_json_counts_the_suites():
    proc = cli("list", "--json")
    assert proc.returncode == 0, proc.stderr
    payload = json.loads(proc.stdout)
    text = [s for s in payload["suites"] if s["modality"] == "text"]
    assert len(text) == 15
    assert sum(s["count"] for s in text) == 96
    counts = {s["name"]: s["count"] for s in text}
    assert counts["tool_use"] == 16 and counts["security_classification"] == 12
    assert all(t["id"].startswith(s["name"] + ".") for s in payload["suites"] for t in s["tests"])


def test_list_table_shows_suites_and_test_ids():
    proc = cli("list", "--suite", "alert_routing")
    assert proc.returncode == 0
    assert "alert_routing" in proc.stdout
    assert sum(1 for line in proc.stdout.splitlines() if "alert_routing." in line) == 5


def test_run_against_the_test_server_writes_the_run_and_prints_the_table(make_fake_server, tmp_path):
    server = make_fake_server(reference_responder(load_benchmark(), accuracy=0.75, seed=2))
    out = tmp_path / "run"
    proc = cli("run", "--base-url", server.base_url, "--out", str(out), "--concurrency", "4")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert (out / "run.json").is_file() and (out / "results.jsonl").is_file()
    lines = (out / "results.jsonl").read_text().splitlines()
    assert len(lines) == 96
    assert "overall" in proc.stdout and "TTFT" in proc.stdout
    assert "vision suite skipped" in proc.stderr or "vision" not in load_benchmark().suites


def test_unknown_suite_is_a_usage_error():
    proc = cli("run", "--base-url", "http://127.0.0.1:9/v1", "--suite", "no_such_suite")
    assert_one_line_error(proc, ExitCode.UNKNOWN_SELECTION, "no_such_suite", "homesec-bench list")


def test_unknown_test_id():
    proc = cli("run", "--base-url", "http://127.0.0.1:9/v1", "--test", "tool_use.nope")
    assert_one_line_error(proc, ExitCode.UNKNOWN_SELECTION, "tool_use.nope")


def test_unreachable_endpoint(unused_port):
    proc = cli("run", "--base-url", f"http://127.0.0.1:{unused_port}/v1", "--suite", "topic_classification")
    assert_one_line_error(proc, ExitCode.UNREACHABLE, str(unused_port))


def test_wrong_api_key_and_no_key_leak(make_fake_server, tmp_path):
    server = make_fake_server(api_key="the-right-key")
    proc = run_topics(server.base_url, tmp_path / "r", env={"OPENAI_API_KEY": CANARY_KEY})
    assert_one_line_error(proc, ExitCode.UNAUTHORIZED)
    assert CANARY_KEY not in proc.stderr + proc.stdout


def test_missing_key_for_a_cloud_preset():
    proc = cli("run", "--preset", "openai", "--suite", "topic_classification", env={"OPENAI_API_KEY": ""})
    assert_one_line_error(proc, ExitCode.UNAUTHORIZED, "OPENAI_API_KEY")


def test_unknown_model(make_fake_server):
    server = make_fake_server(models=("served-model",))
    proc = cli(
        "run", "--base-url", server.base_url, "--model", "typo-model", "--suite", "topic_classification"
    )
    assert_one_line_error(proc, ExitCode.UNKNOWN_MODEL, "typo-model", "served-model")


def test_unwritable_output_folder(make_fake_server, tmp_path):
    server = make_fake_server(reference_responder(load_benchmark()))
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    proc = run_topics(server.base_url, blocker / "run")
    assert_one_line_error(proc, ExitCode.OUTPUT, "--out")


def test_malformed_test_file_names_file_and_line(tmp_path):
    suites = tmp_path / "suites"
    shutil.copytree(DATA_DIR, suites)
    broken = suites / "topic_classification.yaml"
    broken.write_text("suite: [unclosed\n" + broken.read_text())
    proc = cli("list", "--suites-dir", str(suites))
    assert_one_line_error(proc, ExitCode.BAD_TEST_FILE, "topic_classification.yaml", "line")


def test_invalid_test_definition_names_the_test(tmp_path):
    suites = tmp_path / "suites"
    shutil.copytree(DATA_DIR, suites)
    path = suites / "alert_routing.yaml"
    path.write_text(path.read_text().replace("near_misses:", "near_missez:", 1))
    proc = cli("list", "--suites-dir", str(suites))
    assert_one_line_error(proc, ExitCode.BAD_TEST_FILE, "alert_routing.yaml")


def test_too_many_infrastructure_errors_exit_code(make_fake_server, tmp_path):
    server = make_fake_server(with_faults(reference_responder(load_benchmark()), "http_500", rate=1.0))
    proc = run_topics(server.base_url, tmp_path / "r", "--retries", "0", "--no-warmup")
    assert_one_line_error(proc, ExitCode.TOO_MANY_ERRORS, "--retry-errors")
    assert len((tmp_path / "r" / "results.jsonl").read_text().splitlines()) == 4


def test_secret_never_written_or_printed(make_fake_server, tmp_path):
    server = make_fake_server(reference_responder(load_benchmark(), accuracy=0.5), api_key=CANARY_KEY)
    out = tmp_path / "run"
    proc = run_topics(server.base_url, out, "--suite", "tool_use", env={"OPENAI_API_KEY": CANARY_KEY})
    assert proc.returncode == 0, proc.stderr
    assert CANARY_KEY not in proc.stdout + proc.stderr
    for path in Path(out).rglob("*"):
        if path.is_file():
            assert CANARY_KEY not in path.read_text(errors="replace"), path


@pytest.mark.parametrize("args", [["--resume", "x", "--retry-errors", "y"], ["--locality", "moon"]])
def test_bad_flag_combinations(args):
    proc = cli("run", "--base-url", "http://127.0.0.1:9/v1", *args)
    assert proc.returncode in (int(ExitCode.USAGE), int(ExitCode.OUTPUT))
    assert "Traceback" not in proc.stderr


def test_a_second_run_into_the_same_folder_is_refused(make_fake_server, tmp_path):
    server = make_fake_server(reference_responder(load_benchmark()))
    out = tmp_path / "run"
    first = run_topics(server.base_url, out)
    assert first.returncode == 0, first.stderr
    before = (out / "results.jsonl").read_text()
    second = run_topics(server.base_url, out)
    assert_one_line_error(second, ExitCode.OUTPUT, "already holds a run", "--resume")
    assert (out / "results.jsonl").read_text() == before


def test_preset_options_apply_and_an_explicit_flag_wins(make_fake_server, tmp_path):
    server = make_fake_server(reference_responder(load_benchmark()))
    out = tmp_path / "run"
    proc = run_topics(server.base_url, out, "--preset", "ollama")
    assert proc.returncode == 0, proc.stderr
    info = json.loads((out / "run.json").read_text())
    assert info["endpoint"]["base_url"] == server.base_url  # the flag, not the preset's 11434
    assert info["endpoint"]["preset"] == "ollama"
    # Ollama's context option reaches every request, so long prompts are not silently truncated
    bodies = [b for b in server.requests if b["messages"][0]["role"] == "system"]
    assert bodies and all(b["options"]["num_ctx"] == 8192 for b in bodies)
    assert info["parameters"]["extra_body"] == {"options": {"num_ctx": 8192}}


def test_resuming_with_another_model_is_refused(make_fake_server, tmp_path):
    server = make_fake_server(reference_responder(load_benchmark()), models=("model-a", "model-b"))
    out = tmp_path / "run"
    assert run_topics(server.base_url, out, "--model", "model-a").returncode == 0
    proc = cli("run", "--base-url", server.base_url, "--model", "model-b", "--resume", str(out))
    assert_one_line_error(proc, ExitCode.OUTPUT, "model-a", "model-b")


def test_a_run_logged_to_a_file_shows_one_line_per_test(make_fake_server, tmp_path):
    server = make_fake_server(reference_responder(load_benchmark()))
    proc = run_topics(server.base_url, tmp_path / "run")
    assert proc.returncode == 0, proc.stderr
    lines = [
        line for line in proc.stderr.splitlines() if line.startswith("[") and "topic_classification." in line
    ]
    assert len(lines) == 4 and lines[-1].startswith("[4/4]") and " pass (" in lines[-1]
