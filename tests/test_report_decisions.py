"""Issue 13 items 3, 5 and 6 without a browser: what the report's data and charts hold."""

from __future__ import annotations

import json
import re
from pathlib import Path

from homesec_bench.models import MemoryPeak
from homesec_bench.reports import charts
from homesec_bench.reports.html import build_report
from homesec_bench.reports.leaderboard import build_leaderboard, to_markdown
from homesec_bench.reports.summary import summarize
from homesec_bench.store import load_run
from homesec_bench.suites import load_benchmark
from homesec_bench.testing.synthetic import make_info, result, write_run


def _data(html: str) -> dict:
    raw = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', html, re.S)
    assert raw is not None
    return json.loads(raw.group(1))


def test_pareto_front_keeps_only_the_undominated() -> None:
    # (cost, rate): b is cheaper and better than c; a is best; d is cheapest.
    points = [(10.0, 0.95), (2.0, 0.90), (3.0, 0.85), (1.0, 0.60), (2.0, 0.90)]
    assert charts.pareto_front(points) == [0, 1, 3, 4]


def test_suite_chart_has_values_intervals_and_not_run(tmp_path: Path) -> None:
    full = write_run(
        tmp_path / "full",
        make_info("full", "full"),
        [result("tool_use.a", "pass"), result("tool_use.b", "fail"), result("vision.c", "pass")],
    )
    partial = write_run(tmp_path / "part", make_info("part", "part"), [result("tool_use.a", "pass")])
    summaries = [summarize(load_run(p)) for p in (full, partial)]
    chart = charts.suite_chart(summaries, ["full", "part"], ["tool_use", "vision"])
    texts = [s["text"] for s in chart.shapes if s["k"] == "text"]
    assert "50% (1/2)" in texts and "100% (1/1)" in texts  # values at the bar's end
    assert [s for s in chart.shapes if s["k"] == "text" and s.get("cls") == "not-run"]  # part: no vision
    assert len([s for s in chart.shapes if s["k"] == "line" and s["stroke"] == "#000"]) == 3  # intervals


def test_tradeoff_charts_mark_the_pareto_front_and_list_what_is_missing(tmp_path: Path) -> None:
    paths = []
    for name, passed, seconds, gpu in (
        ("fast", 8, 100.0, 4e9),
        ("good", 10, 400.0, 9e9),
        ("bad", 5, 500.0, None),
    ):
        info = make_info(
            name, name, duration_s=seconds, memory=MemoryPeak(gpu_bytes=int(gpu)) if gpu else None
        )
        outcomes = ["pass"] * passed + ["fail"] * (10 - passed)
        paths.append(
            write_run(tmp_path / name, info, [result(f"tool_use.t{i}", o) for i, o in enumerate(outcomes)])
        )
    summaries = [summarize(load_run(p)) for p in paths]
    assert summaries[0].time_per_test_s == 10.0
    time_chart = charts.tradeoff_chart(summaries, ["fast", "good", "bad"], "time")
    fronts = [s for s in time_chart.shapes if s.get("cls") == "front"]
    assert len(fronts) == 2  # fast and good; bad is slower and worse than both
    assert any(s.get("cls") == "pareto" for s in time_chart.shapes)
    # A partial run (a --suite selection) that looks cheaper and better is drawn but never on the front.
    lucky = make_info("lucky", "lucky", duration_s=10.0)
    lucky.parameters = {"suites": ["tool_use"]}
    lucky_path = write_run(tmp_path / "lucky", lucky, [result(f"tool_use.t{i}", "pass") for i in range(10)])
    with_partial = [*summaries, summarize(load_run(lucky_path))]
    chart = charts.tradeoff_chart(with_partial, ["fast", "good", "bad", "lucky"], "time")
    assert len([s for s in chart.shapes if s.get("cls") == "point"]) == 4
    assert len([s for s in chart.shapes if s.get("cls") == "front"]) == 2
    memory_chart = charts.tradeoff_chart(summaries, ["fast", "good", "bad"], "memory")
    assert len([s for s in memory_chart.shapes if s.get("cls") == "point"]) == 2
    assert any("not shown" in s.get("title", "") and "bad" in s["title"] for s in memory_chart.shapes)


def test_speed_figures_are_comparable_and_say_where_they_ran(tmp_path: Path) -> None:
    info = make_info("r", "m", duration_s=60.0)
    info.parameters = {"concurrency": 4}
    info.machine = {"processor": "x86_64", "cpu_count": 16, "memory_bytes": 64 * 2**30}
    info.endpoint.server_props = {"context_size": 8192, "build": "b1234\x1b[31m"}
    path = write_run(tmp_path / "r", info, [result(f"tool_use.t{i}", "pass", attempt=0) for i in range(30)])
    summary = summarize(load_run(path))
    assert summary.time_per_test_s == 2.0 and summary.concurrency == 4 and summary.context_size == 8192
    assert summary.machine_text.startswith("x86_64, 16 CPUs, ") and summary.machine_text.endswith(" RAM")
    assert "\x1b" not in summary.server_props_text  # server text reaches no report with control characters
    text = to_markdown(build_leaderboard([summary]))
    assert "| 2.00s | 4 |" in text and "8192" in text and "16 CPUs" in text
    html = build_report([load_run(path)])
    assert "Time per test" in html and "b1234" in html and "\x1b" not in html


def test_a_failed_result_carries_what_the_test_expected(tmp_path: Path) -> None:
    test = load_benchmark().all_tests()[0]
    tools = [{"type": "function", "function": {"name": "get_events", "parameters": {}}}]
    body = {
        "model": "m",
        "messages": [],
        "temperature": 0.0,
        "max_tokens": 512,
        "tools": tools,
        "stream": True,
    }
    path = write_run(
        tmp_path / "r",
        make_info("r", "m"),
        [result(test.id, "fail", suite=test.suite, content="<b>wrong</b>", request_body=body)],
    )
    data = _data(build_report([load_run(path)]))
    strings = data["strings"]
    expected = data["expected"][test.id]
    assert strings[expected["p"]] == test.purpose
    assert strings[expected["g"]].startswith(f"grader: {test.grader.type}")
    reference = test.reference[0]
    assert (reference.content or reference.tool_calls[0].name) in strings[expected["ref"][0]]
    row = data["results"][0]
    assert json.loads(strings[row["rq"]]) == {"max_tokens": 512, "model": "m", "temperature": 0.0}
    assert "get_events" in strings[row["tl"]]
