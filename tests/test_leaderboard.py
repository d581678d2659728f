"""Leaderboard ranking (ties, different lengths, separability) and its Markdown / JSON / CSV outputs."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import homesec_bench.cli.commands_reports  # noqa: F401  (registers the commands)
from homesec_bench.cli.app import app
from homesec_bench.reports.leaderboard import build_leaderboard, leaderboard_from_paths, to_csv, to_markdown
from homesec_bench.reports.summary import summarize
from homesec_bench.store import load_run
from homesec_bench.testing.synthetic import make_info, result, write_run


def _run(root: Path, name: str, model: str, passed: int, failed: int, errors: int = 0, **info) -> Path:
    """A run with `passed` passing tests, then `failed` failing and `errors` erroring ones."""
    outcomes = ["pass"] * passed + ["fail"] * failed + ["error"] * errors
    results = [result(f"tool_use.t{i:03d}", o) for i, o in enumerate(outcomes)]
    return write_run(root / name, make_info(name, model, **info), results)


def _board(paths: list[Path]):
    return build_leaderboard([summarize(load_run(p)) for p in paths])


def _partial(root: Path, name: str, model: str, passed: int, failed: int, **kwargs) -> Path:
    """A finished run limited by --suite: the run.json records the selection."""
    path = _run(root, name, model, passed, failed, **kwargs)
    info = json.loads((path / "run.json").read_text())
    info["parameters"] = {"suites": ["tool_use"], "concurrency": 1}
    (path / "run.json").write_text(json.dumps(info))
    return path


def test_equal_rates_share_a_rank_and_a_partial_run_is_listed_apart(tmp_path: Path) -> None:
    paths = [
        _run(tmp_path, "a", "alpha", 94, 2),
        _run(tmp_path, "b", "beta", 90, 6),  # 93.75%
        _run(tmp_path, "e", "epsilon", 90, 6),  # 93.75%, the same tests
        _partial(tmp_path, "c", "gamma", 20, 0),  # 100% over a 20-test selection: must not lead
        _run(tmp_path, "d", "delta", 60, 36),
    ]
    board = _board(paths)
    assert [(r.rank, r.model) for r in board.rows] == [
        (1, "alpha"),
        (2, "beta"),
        (2, "epsilon"),
        (4, "delta"),
        (None, "gamma"),
    ]
    assert [r.ranked for r in board.rows] == [True, True, True, True, False]
    assert [r.complete for r in board.rows] == [True, True, True, True, False]
    assert board.rows[-1].finished and board.rows[-1].selection == "suites tool_use"
    assert board.common_tests == 96
    assert any("different numbers of tests (96, 20)" in note for note in board.notes)
    assert any("Partial runs" in note and "gamma" in note for note in board.notes)
    text = to_markdown(board)
    assert text.index("### Partial runs (not ranked)") < text.index("| — | gamma |")
    data = json.loads(board.model_dump_json())
    assert data["rows"][-1]["complete"] is False and data["rows"][-1]["rank"] is None


def test_runs_are_ranked_on_the_common_tests_only(tmp_path: Path) -> None:
    # beta errored on 46 tests that alpha graded: both are ranked on the 50 tests both graded.
    board = _board([_run(tmp_path, "a", "alpha", 80, 16), _run(tmp_path, "b", "beta", 48, 2, errors=46)])
    assert board.common_tests == 50
    assert [r.model for r in board.rows] == ["alpha", "beta"]
    assert board.rows[0].common_pass_rate == pytest.approx(1.0)
    assert board.rows[1].pass_rate == pytest.approx(48 / 50)
    assert board.rows[1].errors == 46


def test_when_no_run_is_complete_they_are_ranked_on_the_shared_subset_said_plainly(tmp_path: Path) -> None:
    board = _board([_partial(tmp_path, "a", "alpha", 14, 6), _partial(tmp_path, "b", "beta", 10, 5)])
    assert [(r.rank, r.model) for r in board.rows] == [(1, "alpha"), (2, "beta")]
    assert board.rows[0].common_pass_rate == pytest.approx(14 / 15)  # not its own 70%
    assert board.common_tests == 15
    assert any("No run is complete" in note and "15 tests" in note for note in board.notes)


def test_models_inside_the_leaders_interval_are_not_separable(tmp_path: Path) -> None:
    board = _board(
        [
            _run(tmp_path, "a", "leader", 94, 2),
            _run(tmp_path, "b", "close", 90, 6),
            _run(tmp_path, "c", "far", 60, 36),
            _run(tmp_path, "d", "tied", 94, 2),
        ]
    )
    verdicts = {r.model: r.vs_leader for r in board.rows}
    assert verdicts == {"leader": "leader", "tied": "leader", "close": "not separable", "far": "behind"}
    close = next(r for r in board.rows if r.model == "close")
    # Paired: leader alone passed 4 tests, close alone none; exact McNemar p = 2 * 0.5**4.
    assert close.vs_leader_p == pytest.approx(0.125) and close.vs_leader_shared == 96
    assert close.ci_overlaps_leader is True


def test_vs_leader_is_the_paired_test_and_agrees_with_compare(tmp_path: Path) -> None:
    """Intervals overlap, yet the paired test separates: the leaderboard must say what compare says."""
    from homesec_bench.reports.compare import compare_runs

    a = _run(tmp_path, "a", "cloud-large-v2", 90, 6)
    b = _run(tmp_path, "b", "cloud-large", 82, 14)  # the same 82 passes, and 8 more fails: b=8, c=0
    board = _board([a, b])
    second = board.rows[1]
    assert second.ci_overlaps_leader is True  # the weaker rule would call it "not separable"
    assert second.vs_leader == "behind"
    comparison = compare_runs(load_run(a), load_run(b))
    assert second.vs_leader_p == pytest.approx(comparison.p_value) and comparison.p_value < 0.05
    assert board.pairwise_p[0][1] == pytest.approx(comparison.p_value)
    assert board.rows[0].separable_from == [second.label]
    assert "behind (p=0.0078, n=96)" in to_markdown(board)


def test_markdown_has_both_tables_and_escapes_untrusted_names(tmp_path: Path) -> None:
    board = _board(
        [
            _run(tmp_path, "a", "qwen|9b <b>", 90, 6, quantization="Q4_K_M"),
            _run(tmp_path, "b", "cloud-model", 94, 2, locality="cloud"),
        ]
    )
    text = to_markdown(board)
    lines = text.splitlines()
    assert lines[2].startswith(
        "| Rank | Model | Type | Tests | Passed | Failed | Errors | Pass rate | 95% CI"
    )
    row = next(line for line in lines if "qwen" in line)
    assert row.count("|") == lines[2].count("|")  # the name's "|" did not add a cell
    assert "qwen&#124;9b &lt;b&gt; (Q4_K_M)" in row
    assert "| 2 |" in row and "| local |" in row and "93.8%" in row and "87.0–97.1%" in row
    assert "## Performance" in text and "TTFT p95 (N)" in text
    assert "not known: cloud endpoint" in text


def test_server_default_runs_are_marked(tmp_path: Path) -> None:
    results = [result(f"tool_use.t{i}", "pass", dropped_params=["temperature"]) for i in range(3)]
    path = write_run(tmp_path / "x", make_info("x", "gpt-5-mini", locality="cloud"), results)
    board = _board([path])
    assert board.rows[0].server_defaults == {"temperature": 3}
    text = to_markdown(board)
    assert "100.0%*" in text
    assert "3 test(s) ran with the server default for temperature" in text


def test_csv_and_json_carry_the_same_rows(tmp_path: Path) -> None:
    board = _board([_run(tmp_path, "a", "=HYPERLINK(1)", 9, 1), _run(tmp_path, "b", "beta", 5, 5)])
    rows = list(csv.DictReader(io.StringIO(to_csv(board))))
    assert [r["model"] for r in rows] == ["'=HYPERLINK(1)", "beta"]  # no formula when opened in a sheet
    assert rows[0]["rank"] == "1" and rows[0]["passed"] == "9" and float(rows[0]["pass_rate"]) == 0.9
    data = json.loads(board.model_dump_json())
    assert [r["model"] for r in data["rows"]] == ["=HYPERLINK(1)", "beta"]


def test_a_folder_of_runs_is_expanded(tmp_path: Path) -> None:
    _run(tmp_path / "runs", "a", "alpha", 9, 1)
    _run(tmp_path / "runs", "b", "beta", 5, 5)
    (tmp_path / "runs" / "not-a-run").mkdir()
    board = leaderboard_from_paths([tmp_path / "runs"])
    assert [r.model for r in board.rows] == ["alpha", "beta"]


def test_cli_leaderboard_formats_and_errors(tmp_path: Path) -> None:
    _run(tmp_path / "runs", "a", "alpha", 9, 1)
    _run(tmp_path / "runs", "b", "beta", 5, 5)
    runner = CliRunner()
    md = runner.invoke(app, ["leaderboard", str(tmp_path / "runs")])
    assert md.exit_code == 0, md.output
    assert "| 1 | alpha | local |" in md.stdout
    js = runner.invoke(app, ["leaderboard", str(tmp_path / "runs"), "--format", "json"])
    assert [r["model"] for r in json.loads(js.stdout)["rows"]] == ["alpha", "beta"]
    out = tmp_path / "board.csv"
    written = runner.invoke(
        app, ["leaderboard", str(tmp_path / "runs" / "a"), "-f", "csv", "--out", str(out)]
    )
    assert written.exit_code == 0 and out.read_text().startswith("rank,ranked,label,model")

    missing = runner.invoke(app, ["leaderboard", str(tmp_path / "nowhere")])
    assert missing.exit_code == 5  # ExitCode.OUTPUT: a run directory cannot be read
    assert missing.stderr.strip().count("\n") == 0 and "does not exist" in missing.stderr
    assert "Traceback" not in missing.output
    bad = runner.invoke(app, ["leaderboard", str(tmp_path / "runs"), "--format", "xml"])
    assert bad.exit_code == 2
    empty = runner.invoke(app, ["leaderboard"])
    assert empty.exit_code == 2


def test_no_output_format_carries_an_api_key(tmp_path: Path, monkeypatch) -> None:
    canary = "canary-secret-4242424242"
    monkeypatch.setenv("OPENAI_API_KEY", canary)
    _run(tmp_path / "runs", "a", f"model-{canary}", 9, 1, base_url=f"http://k:{canary}@127.0.0.1:1/v1")
    runner = CliRunner()
    for fmt_name in ("md", "json", "csv"):
        shown = runner.invoke(app, ["leaderboard", str(tmp_path / "runs"), "--format", fmt_name])
        assert shown.exit_code == 0, shown.output
        assert canary not in shown.stdout and "[redacted]" in shown.stdout
