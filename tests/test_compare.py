"""compare: per-test changes, the exact McNemar test on shared tests, and refusing unlike benchmarks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import homesec_bench.cli.commands_reports  # noqa: F401  (registers the commands)
from homesec_bench.cli.app import app
from homesec_bench.reports.compare import CompareError, compare_runs
from homesec_bench.store import load_run
from homesec_bench.testing.synthetic import make_info, result, write_run


def _run(root: Path, name: str, model: str, outcomes: dict[str, list[str]], **info) -> Path:
    results = [
        result(test_id, outcome, attempt=attempt, reason=f"{model} {outcome} {test_id}")
        for test_id, attempts in outcomes.items()
        for attempt, outcome in enumerate(attempts)
    ]
    hashes = info.pop("test_hashes", {t: f"h-{t}" for t in outcomes})
    return write_run(root / name, make_info(name, model, test_hashes=hashes, **info), results)


def _plan(pairs: list[tuple[str, str]]) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    a = {f"tool_use.t{i:02d}": [x] for i, (x, _) in enumerate(pairs)}
    b = {f"tool_use.t{i:02d}": [y] for i, (_, y) in enumerate(pairs)}
    return a, b


def test_mcnemar_on_discordant_pairs(tmp_path: Path) -> None:
    # 80 both pass, 4 both fail, A alone passes 2, B alone passes 10: p = 2*(1+12+66)/4096.
    pairs = (
        [("pass", "pass")] * 80 + [("fail", "fail")] * 4 + [("pass", "fail")] * 2 + [("fail", "pass")] * 10
    )
    a, b = _plan(pairs)
    comparison = compare_runs(
        load_run(_run(tmp_path, "a", "alpha", a)), load_run(_run(tmp_path, "b", "beta", b))
    )
    assert (comparison.both_pass, comparison.both_fail) == (80, 4)
    assert (comparison.a_only_pass, comparison.b_only_pass) == (2, 10)
    assert comparison.paired == 96
    assert comparison.p_value == pytest.approx(158 / 4096)
    assert "beta is ahead, and the difference is unlikely to be chance" in comparison.verdict
    changes = {t.test_id: t.change for t in comparison.tests}
    assert changes["tool_use.t84"] == "regressed" and changes["tool_use.t86"] == "fixed"
    assert changes["tool_use.t00"] == "same pass"


def test_a_small_gap_is_reported_as_noise(tmp_path: Path) -> None:
    pairs = [("pass", "pass")] * 88 + [("fail", "fail")] * 2 + [("pass", "fail")] * 1 + [("fail", "pass")] * 5
    a, b = _plan(pairs)
    comparison = compare_runs(
        load_run(_run(tmp_path, "a", "alpha", a)), load_run(_run(tmp_path, "b", "beta", b))
    )
    assert comparison.p_value == pytest.approx(0.21875)
    assert "within the noise" in comparison.verdict


def test_errors_and_missing_tests_stay_out_of_the_pairing(tmp_path: Path) -> None:
    a = {"tool_use.x": ["pass"], "tool_use.y": ["error"], "tool_use.only_a": ["fail"]}
    b = {"tool_use.x": ["fail"], "tool_use.y": ["pass"], "tool_use.only_b": ["pass"]}
    comparison = compare_runs(
        load_run(_run(tmp_path, "a", "alpha", a)), load_run(_run(tmp_path, "b", "beta", b))
    )
    changes = {t.test_id: t.change for t in comparison.tests}
    assert changes == {
        "tool_use.x": "regressed",
        "tool_use.y": "error",
        "tool_use.only_a": "only in A",
        "tool_use.only_b": "only in B",
    }
    assert comparison.paired == 1 and comparison.a_only_pass == 1


def test_repeats_pair_one_outcome_per_test_by_majority(tmp_path: Path) -> None:
    a = {"tool_use.x": ["pass", "pass", "fail"], "tool_use.y": ["pass", "fail", "fail"]}
    b = {"tool_use.x": ["fail", "fail", "fail"], "tool_use.y": ["pass", "pass", "pass"]}
    comparison = compare_runs(
        load_run(_run(tmp_path, "a", "alpha", a, repeat=3)),
        load_run(_run(tmp_path, "b", "beta", b, repeat=3)),
    )
    assert comparison.paired == 2  # two tests, not six attempts
    assert (comparison.a_only_pass, comparison.b_only_pass) == (1, 1)
    x = next(t for t in comparison.tests if t.test_id == "tool_use.x")
    assert x.a is not None and x.a.outcome == "2/3 passed"


def test_different_benchmarks_are_refused_unless_shared_only(tmp_path: Path) -> None:
    a_out = {"tool_use.same": ["pass"], "tool_use.changed": ["pass"], "tool_use.gone": ["pass"]}
    b_out = {"tool_use.same": ["fail"], "tool_use.changed": ["fail"]}
    a = load_run(_run(tmp_path, "a", "alpha", a_out, benchmark_hash="hash-one"))
    b = load_run(
        _run(
            tmp_path,
            "b",
            "beta",
            b_out,
            benchmark_hash="hash-two",
            test_hashes={"tool_use.same": "h-tool_use.same", "tool_use.changed": "h-new"},
        )
    )
    with pytest.raises(CompareError, match=r"different benchmarks.*--shared-only"):
        compare_runs(a, b)
    comparison = compare_runs(a, b, shared_only=True)
    assert [t.test_id for t in comparison.tests] == ["tool_use.same"]
    assert comparison.excluded_changed == ["tool_use.changed", "tool_use.gone"]
    assert comparison.paired == 1


def test_shared_only_with_nothing_in_common_is_a_clear_error(tmp_path: Path) -> None:
    a = load_run(_run(tmp_path, "a", "alpha", {"tool_use.x": ["pass"]}, benchmark_hash="one"))
    b = load_run(_run(tmp_path, "b", "beta", {"tool_use.x": ["pass"]}, benchmark_hash="two", test_hashes={}))
    with pytest.raises(CompareError, match="share no test"):
        compare_runs(a, b, shared_only=True)


def test_cli_compare_prints_table_and_verdict(tmp_path: Path) -> None:
    pairs = [("pass", "pass")] * 10 + [("fail", "pass")] * 3
    a, b = _plan(pairs)
    path_a, path_b = _run(tmp_path, "a", "alpha", a), _run(tmp_path, "b", "beta", b)
    runner = CliRunner()
    shown = runner.invoke(app, ["compare", str(path_a), str(path_b), "--changed-only"])
    assert shown.exit_code == 0, shown.output
    assert "tool_use.t10" in shown.stdout and "fixed" in shown.stdout
    assert "tool_use.t00" not in shown.stdout
    assert "exact McNemar p = 0.25" in shown.stdout
    as_json = runner.invoke(app, ["compare", str(path_a), str(path_b), "--json"])
    assert json.loads(as_json.stdout)["b_only_pass"] == 3

    other = _run(tmp_path, "c", "gamma", a, benchmark_hash="another")
    refused = runner.invoke(app, ["compare", str(path_a), str(other)])
    assert refused.exit_code == 2  # a usage error: rerun, or ask for --shared-only
    assert refused.stderr.startswith("homesec-bench: error: the runs used different benchmarks")
    assert refused.stderr.strip().count("\n") == 0
    not_a_run = runner.invoke(app, ["compare", str(path_a), str(tmp_path)])
    assert not_a_run.exit_code == 5 and "is not a run directory" in not_a_run.stderr
    assert runner.invoke(app, ["compare", str(path_a)]).exit_code == 2
