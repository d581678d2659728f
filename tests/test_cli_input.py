"""Issue 11: careless input to `homesec-bench run` gets a documented exit code and one line, never a
traceback (items 5, 12, 13, 14). Real subprocesses, loopback servers."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from homesec_bench.testing import FakeOpenAIServer
from homesec_bench.testing.hostile import HostileServer, Play
from homesec_bench.testing.waiting import wait_for


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if k != "OPENAI_API_KEY"}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "homesec_bench", *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=120,
    )


def _one_error_line(proc: subprocess.CompletedProcess[str], code: int, *needles: str) -> str:
    assert proc.returncode == code, (proc.returncode, proc.stderr[-2000:])
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.startswith("homesec-bench: error:")]
    assert len(lines) == 1, proc.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


@pytest.mark.parametrize(
    "flags",
    [
        ["--timeout", "0"],
        ["--timeout=-1"],
        ["--timeout", "nan"],
        ["--timeout", "inf"],
        ["--idle-timeout=-1"],
        ["--idle-timeout", "0"],
    ],
)
def test_timeouts_are_checked_before_anything_runs(flags: list[str], tmp_path: Path) -> None:
    # A base URL where nothing listens: a check that came too late would blame the server (exit 6).
    proc = _cli("run", "--base-url", "http://127.0.0.1:9/v1", "--out", str(tmp_path / "r"), *flags)
    _one_error_line(proc, 2, flags[0].split("=")[0], "positive number of seconds")
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize(
    "url",
    ["not a url", "ftp://example.com/v1", "", "http://127.0.0.1:99999/v1", "http://[::1/v1", "http:///v1"],
)
def test_a_base_url_that_is_no_http_url_is_a_usage_error(url: str, tmp_path: Path) -> None:
    proc = _cli("run", "--base-url", url, "--out", str(tmp_path / "r"))
    _one_error_line(proc, 2, "--base-url")


def test_a_key_with_a_windows_line_end_still_works(tmp_path: Path) -> None:
    with FakeOpenAIServer(api_key="sk-test-key-123") as server:
        proc = _cli(
            "run", "--base-url", server.base_url, "--test", "topic_classification.follow_up_continues_events",
            "--out", str(tmp_path / "r"), env={"OPENAI_API_KEY": "sk-test-key-123\r\n"},
        )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]


def test_a_key_with_a_control_character_is_exit_7(tmp_path: Path) -> None:
    with FakeOpenAIServer(api_key="sk-test") as server:
        proc = _cli(
            "run", "--base-url", server.base_url, "--test", "topic_classification.follow_up_continues_events",
            "--out", str(tmp_path / "r"), env={"OPENAI_API_KEY": "sk-\x01test"},
        )  # fmt: skip
    line = _one_error_line(proc, 7, "OPENAI_API_KEY")
    assert "\x01" not in line


def _sigint_handler_installed(pid: int) -> bool:
    status = Path(f"/proc/{pid}/status").read_text()
    caught = int(next(line for line in status.splitlines() if line.startswith("SigCgt:")).split()[1], 16)
    return bool(caught & (1 << (signal.SIGINT - 1)))


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc")
def test_ctrl_c_while_starting_is_one_line_and_130(tmp_path: Path) -> None:
    # -X importtime reports each import on stderr as it ends: the Ctrl-C comes once the entry point
    # runs, while the command modules are still loading (the old traceback's moment). Earlier than
    # that, Python itself is starting and prints its own KeyboardInterrupt.
    proc = subprocess.Popen(
        [sys.executable, "-X", "importtime", "-m", "homesec_bench", "run", "--base-url",
         "http://127.0.0.1:9/v1"],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # fmt: skip
    assert proc.stderr is not None
    for line in proc.stderr:
        if line.rstrip().endswith("| homesec_bench.cli.app"):
            break
    assert _sigint_handler_installed(proc.pid)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    stderr = "\n".join(line for line in stderr.splitlines() if not line.startswith("import time:"))
    _one_error_line(subprocess.CompletedProcess(proc.args, proc.returncode, "", stderr), 130, "interrupted")


def test_ctrl_c_before_the_run_directory_exists_does_not_suggest_resume(tmp_path: Path) -> None:
    hold = Play(headers=(("Content-Type", "application/json"),), after_body="hold")
    with HostileServer(models=hold) as server:
        proc = subprocess.Popen(
            [sys.executable, "-m", "homesec_bench", "run", "--base-url", server.base_url,
             "--out", str(tmp_path / "r")],
            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )  # fmt: skip
        wait_for(lambda: any(r.path.endswith("/models") for r in server.requests), "the model list request")
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
    line = _one_error_line(
        subprocess.CompletedProcess(proc.args, proc.returncode, "", stderr), 130, "nothing to resume"
    )
    assert "--resume" not in line


def test_ctrl_c_in_a_concurrent_run_stops_its_grader_process_too(tmp_path: Path) -> None:
    # A terminal's Ctrl-C reaches the whole process group, the grader process included: it ignores it
    # and ends when the run closes its input; the run stores what it finished and exits 130.
    import dataclasses

    import psutil

    from homesec_bench.suites import load_benchmark
    from homesec_bench.testing import reference_responder

    answers = reference_responder(load_benchmark())
    slow = lambda body: dataclasses.replace(answers(body), first_token_delay_s=0.2)  # noqa: E731
    run_dir = tmp_path / "r"
    with FakeOpenAIServer(slow) as server:
        proc = subprocess.Popen(
            [sys.executable, "-m", "homesec_bench", "run", "--base-url", server.base_url, "--suite",
             "tool_use", "--concurrency", "3", "--out", str(run_dir)],
            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, start_new_session=True,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )  # fmt: skip
        graders: list[psutil.Process] = []

        def grader_started() -> bool:
            graders[:] = [
                child
                for child in psutil.Process(proc.pid).children()
                if "homesec_bench.grader_process" in " ".join(child.cmdline())
            ]
            return bool(graders)

        wait_for(grader_started, "the run's grader process")
        results = run_dir / "results.jsonl"
        wait_for(lambda: results.is_file() and results.read_bytes().count(b"\n") >= 2, "two stored results")
        os.killpg(proc.pid, signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
    _one_error_line(subprocess.CompletedProcess(proc.args, proc.returncode, "", stderr), 130, "--resume")
    assert not graders[0].is_running()
    notes = " ".join(json.loads((run_dir / "run.json").read_text())["notes"])
    assert "grader process" not in notes


# ------------------------------------------------------------------ items 10-11: secrets and escapes

CANARY = "sk-canary-XYZ123"
ONE_TEST = "topic_classification.follow_up_continues_events"


def _all_text(folder: Path) -> str:
    return "".join(p.read_text(encoding="utf-8", errors="replace") for p in folder.rglob("*") if p.is_file())


def test_credentials_in_the_base_url_are_never_stored(tmp_path: Path) -> None:
    with HostileServer() as server:
        url = server.base_url.replace("http://", f"http://alice:{CANARY}@")
        proc = _cli("run", "--base-url", url, "--test", "topic_classification.follow_up_continues_events",
                    "--out", str(tmp_path / "r"))  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    stored = _all_text(tmp_path / "r")
    assert CANARY not in stored and "alice" not in stored
    assert CANARY not in proc.stdout + proc.stderr


def test_a_key_the_server_echoes_is_masked_everywhere(tmp_path: Path) -> None:
    from homesec_bench.testing.hostile import DONE, chunk, models_play, sse

    echo = Play(body=sse(chunk(content=f"your key is {CANARY}"), chunk(finish="stop"), DONE))
    with HostileServer(chat=echo, models=models_play(f"model-{CANARY}")) as server:
        proc = _cli("run", "--base-url", server.base_url, "--test",
                    "topic_classification.follow_up_continues_events", "--out", str(tmp_path / "r"),
                    env={"OPENAI_API_KEY": CANARY})  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert CANARY not in _all_text(tmp_path / "r") and CANARY not in proc.stdout + proc.stderr
    # The reports mask a short sk- key even where the key variable is not set.
    from homesec_bench.reports.redact import Redactor

    assert CANARY not in Redactor(env={}).clean(f"echo {CANARY}")


@pytest.mark.parametrize("name", ["escape_in_model_id", "escape_in_error"])
def test_no_escape_sequence_from_a_server_reaches_the_terminal(name: str, tmp_path: Path) -> None:
    from homesec_bench.testing.hostile import scenario

    with scenario(name) as server:
        proc = _cli("run", "--base-url", server.base_url, "--test", ONE_TEST, "--out", str(tmp_path / "r"))
        board = _cli("leaderboard", str(tmp_path / "r"))
    assert proc.returncode in (0, 10), proc.stderr[-2000:]
    for text in (proc.stdout, proc.stderr, board.stdout):
        assert "\x1b" not in text and "\x07" not in text, text


def test_a_terminal_that_is_not_utf8_gets_the_summary(tmp_path: Path) -> None:
    from homesec_bench.testing.hostile import DONE, chunk, models_play, sse

    answer = Play(body=sse(chunk(content="caf\u00e9 \N{GRINNING FACE}"), chunk(finish="stop"), DONE))
    with HostileServer(chat=answer, models=models_play("mod\u00e8le-\N{GRINNING FACE}")) as server:
        proc = _cli("run", "--base-url", server.base_url, "--test",
                    "topic_classification.follow_up_continues_events", "--out", str(tmp_path / "r"),
                    env={"PYTHONIOENCODING": "ascii"})  # fmt: skip
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr[-2000:]
    listed = _cli("list", env={"PYTHONIOENCODING": "ascii"})
    assert listed.returncode == 0 and "Traceback" not in listed.stderr


# ------------------------------------------------------------------ items 3, 5: the output folder


def test_a_results_file_that_is_a_folder_is_exit_5(tmp_path: Path) -> None:
    (tmp_path / "r" / "results.jsonl").mkdir(parents=True)
    with HostileServer() as server:
        proc = _cli("run", "--base-url", server.base_url, "--test", ONE_TEST, "--out", str(tmp_path / "r"))
    _one_error_line(proc, 5, "results.jsonl")


def test_a_server_pid_that_is_no_pid_is_a_usage_error(tmp_path: Path) -> None:
    proc = _cli("run", "--base-url", "http://127.0.0.1:9/v1", "--server-pid=-1", "--out", str(tmp_path / "r"))
    _one_error_line(proc, 2, "--server-pid")


def test_a_full_disk_mid_run_is_exit_5_and_resumable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncio
    import errno

    from homesec_bench.runner import EndpointConfig, RunConfig, run_benchmark
    from homesec_bench.store import StoreError, load_run
    from homesec_bench.store import run_dir as store_module

    real_fsync = os.fsync
    calls = [0]

    def fsync_then_full(fd: int) -> None:
        calls[0] += 1
        if calls[0] > 3:  # run.json twice, the first result, then the disk is full
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(store_module.os, "fsync", fsync_then_full)
    with HostileServer() as server:
        config = RunConfig(
            endpoint=EndpointConfig(base_url=server.base_url),
            suites=["topic_classification"],
            out_dir=tmp_path / "r",
            warmup=False,
            sample_memory=False,
        )
        with pytest.raises(StoreError, match="No space left"):
            asyncio.run(run_benchmark(config))
    monkeypatch.setattr(store_module.os, "fsync", real_fsync)
    assert not list((tmp_path / "r").glob("*.tmp"))
    assert len(load_run(tmp_path / "r").results) >= 1


# ------------------------------------------------------------------ item 22: say what happened


def test_a_server_that_answers_200_with_nothing_is_named_in_the_exit_message(tmp_path: Path) -> None:
    from homesec_bench.testing.hostile import scenario

    with scenario("empty_stream") as server:
        proc = _cli("run", "--base-url", server.base_url, "--test", ONE_TEST, "--out", str(tmp_path / "r"),
                    "--retries", "0", "--no-warmup")  # fmt: skip
    line = _one_error_line(proc, 10, "no_done", "empty stream")
    assert "--retry-errors" in line
