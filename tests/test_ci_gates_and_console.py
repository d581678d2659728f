"""Issue 13 items 8 and 9: CI gates (`run --fail-under`, `compare --fail-if-worse`, exit 12) and the
console (whole ids when piped, `list --ids`, attempts apart from tests, failed tests listed, an ETA,
`run --help` in panels)."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys

from rich.console import Console
from typer.testing import CliRunner

import homesec_bench.cli.commands_reports  # noqa: F401  (registers the commands)
from homesec_bench.cli.app import app
from homesec_bench.cli.exit_codes import ExitCode
from homesec_bench.reports.console import print_run_summary
from homesec_bench.reports.summary import summarize
from homesec_bench.store import load_run
from homesec_bench.suites import load_benchmark
from homesec_bench.testing import reference_responder
from homesec_bench.testing.synthetic import make_info, result, write_run


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if k != "OPENAI_API_KEY"}
    full_env.update({"COLUMNS": "160", **(env or {})})
    return subprocess.run(
        [sys.executable, "-m", "homesec_bench", *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=120,
    )


def run_topics(base_url: str, out, *args: str) -> subprocess.CompletedProcess:
    return cli("run", "--base-url", base_url, "--suite", "topic_classification", "--out", str(out), *args)


def assert_one_line_error(proc: subprocess.CompletedProcess, code: ExitCode, *needles: str) -> None:
    assert proc.returncode == int(code), (proc.returncode, proc.stdout[-2000:], proc.stderr[-2000:])
    assert "Traceback" not in proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.startswith("homesec-bench: error:")]
    assert len(lines) == 1, proc.stderr
    for needle in needles:
        assert needle in lines[0]


def _run(root, name: str, passed: int, failed: int, model: str = "m"):
    outcomes = ["pass"] * passed + ["fail"] * failed
    return write_run(
        root / name, make_info(name, model), [result(f"tool_use.t{i:03d}", o) for i, o in enumerate(outcomes)]
    )


def test_exit_code_12_is_new_and_documented() -> None:
    assert int(ExitCode.WORSE) == 12 and int(ExitCode.AUDIT_DISAGREES) == 11
    readme = (__import__("pathlib").Path(__file__).parents[1] / "README.md").read_text()
    assert "| 12 |" in readme and "--fail-if-worse" in readme and "--fail-under" in readme


def test_compare_fail_if_worse_exits_12_only_when_new_is_worse_on_the_paired_test(tmp_path) -> None:
    base = _run(tmp_path, "base", 90, 6)
    worse = _run(tmp_path, "worse", 80, 16)  # 10 regressions, no fix: p = 0.002
    noise = _run(tmp_path, "noise", 88, 8)  # 2 regressions: p = 0.5, within the noise
    runner = CliRunner()
    bad = runner.invoke(app, ["compare", str(base), str(worse), "--fail-if-worse"])
    assert bad.exit_code == 12, bad.output
    assert "homesec-bench: error:" in bad.stderr and "worse" in bad.stderr and "p = 0.00195" in bad.stderr
    assert "exact McNemar" in bad.stdout  # the comparison is still printed first
    assert runner.invoke(app, ["compare", str(base), str(noise), "--fail-if-worse"]).exit_code == 0
    assert runner.invoke(app, ["compare", str(worse), str(base), "--fail-if-worse"]).exit_code == 0  # better
    assert runner.invoke(app, ["compare", str(base), str(worse)]).exit_code == 0  # no gate asked
    assert runner.invoke(app, ["compare", str(base), str(worse), "--json", "--fail-if-worse"]).exit_code == 12


def test_run_fail_under(make_fake_server, tmp_path) -> None:
    bench = load_benchmark()
    server = make_fake_server(reference_responder(bench, accuracy=0.0, seed=1))
    proc = run_topics(server.base_url, tmp_path / "low", "--no-warmup", "--fail-under", "0.9")
    assert_one_line_error(proc, ExitCode.WORSE, "below --fail-under 0.9")
    assert "Failed tests (4):" in proc.stdout  # the end of the run lists them, whole
    for test in bench.suites["topic_classification"].tests:
        assert f"  {test.id}" in proc.stdout
    assert re.search(r"\[2/4\] \S+ fail \([\d.]+ s\), ETA ", proc.stderr), proc.stderr  # a log gets an ETA
    good = make_fake_server(reference_responder(bench, accuracy=1.0))
    ok = run_topics(good.base_url, tmp_path / "high", "--no-warmup", "--fail-under", "0.9")
    assert ok.returncode == 0, ok.stderr


def test_list_prints_whole_ids_when_piped_and_list_ids() -> None:
    bench = load_benchmark()
    every = [t.id for s in bench.suites.values() for t in s.tests]
    piped = cli("list", env={"COLUMNS": "60"})
    assert piped.returncode == 0, piped.stderr
    assert "…" not in piped.stdout
    listed = {line.split("\t")[0].strip() for line in piped.stdout.splitlines() if line.startswith("  ")}
    assert listed == set(every)
    ids = cli("list", "--ids")
    assert ids.stdout.split() == every


def test_repeat_shows_attempts_apart_from_tests(tmp_path) -> None:
    results = [
        result(f"tool_use.t{i}", "pass" if (i + a) % 3 else "fail", attempt=a)
        for i in range(4)
        for a in range(3)
    ]
    path = write_run(tmp_path / "r", make_info("r", "m", repeat=3), results)
    buffer = io.StringIO()
    print_run_summary(summarize(load_run(path)), Console(file=buffer, width=200))
    text = buffer.getvalue()
    assert "Tests counts tests; Pass, Fail, Err count attempts (4 tests × 3 = 12 attempts)" in text
    overall = next(line for line in text.splitlines() if line.strip().startswith("overall"))
    assert overall.split()[1:3] == ["4", "8"]  # 4 tests, 8 attempts passed
    assert "Failed tests (4):" in text and "tool_use.t1 (2/3 attempts passed)" in text


def test_run_help_is_grouped_into_panels_with_help_for_every_flag() -> None:
    out = cli("run", "--help", env={"COLUMNS": "200"}).stdout
    for panel in ("Endpoint", "Selection", "Sampling and timing", "Embedded server", "Vision", "Output"):
        assert f"─ {panel}" in out, out
    assert "--fail-under" in out and "[default: 8192]" in out and "[default: 1]" in out
    options = [line for line in out.splitlines() if re.match(r"│ --[a-z]", line)]
    assert len(options) >= 34
    assert all(
        len(line.split("  ")) > 2 and re.search(r"[A-Za-z]{3,}.*[a-z]", line.split(">")[-1])
        for line in options
    )
