"""Run summary, console table and the HTML report's structure and safety (no browser needed here)."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path

import pytest
from rich.console import Console

from homesec_bench import stats
from homesec_bench.models import MemoryPeak
from homesec_bench.reports.console import print_run_summary
from homesec_bench.reports.html import build_report, json_for_script, write_report
from homesec_bench.reports.redact import Redactor, public_url
from homesec_bench.reports.summary import summarize
from homesec_bench.store import load_run
from homesec_bench.testing.synthetic import SYSTEM_PROMPT, make_info, result, tiny_png, write_run

HOSTILE_SCRIPT = "<script>window.pwned=1;document.title='pwned'</script>"
HOSTILE_IMG = '<img src=x onerror="window.pwned=1">'
BREAKOUT = "</script><script>window.pwned=2</script><!--"
CANARY = "sk-canary-0123456789abcdefghij"


def _at(minute: int, second: int = 0, hour: int = 9) -> str:
    return f"2026-01-05T{hour:02d}:{minute:02d}:{second:02d}+00:00"


@pytest.fixture
def hand_run(tmp_path: Path):
    """Two attempts per test, outcomes chosen so every figure can be worked out by hand."""
    plan = [
        ("tool_use.a", ["pass", "pass"]),
        ("tool_use.b", ["pass", "fail"]),
        ("tool_use.c", ["fail", "fail"]),
        ("security_classification.x", ["pass", "error"]),
        ("security_classification.y", ["error", "error"]),
        ("security_classification.z", ["pass", "pass"]),
    ]
    results = []
    ttft = iter([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9])
    for test_id, outcomes in plan:
        for attempt, outcome in enumerate(outcomes):
            dropped = ["temperature"] if test_id.endswith(".z") else []
            r = result(test_id, outcome, attempt=attempt, dropped_params=dropped)
            if outcome == "error":
                r.request.ttft_s = 5.0  # an error's timing must not reach the statistics
                r.request.error_kind = "timeout" if test_id.endswith(".y") else "connection"
            else:
                r.request.ttft_s = next(ttft)
            r.finished_at = _at(1) if len(results) < 6 else _at(0, 30, hour=10)
            results.append(r)
    info = make_info("hand", "model-h", repeat=2, duration_s=None)
    info.started_at = _at(0)
    info.resumed_at = [_at(0, 0, hour=10)]
    info.finished_at = _at(1, 0, hour=10)
    info.memory = MemoryPeak(note="no process listens on the endpoint's port")
    return load_run(write_run(tmp_path / "hand", info, results))


def test_summary_counts_rates_and_intervals(hand_run) -> None:
    s = summarize(hand_run)
    assert [x.suite for x in s.suites] == ["tool_use", "security_classification"]
    tool, security = s.suites
    assert (tool.passed, tool.failed, tool.errors, tool.graded_tests) == (3, 3, 0, 3)
    assert tool.pass_rate == pytest.approx(0.5)
    assert (tool.ci_low, tool.ci_high) == pytest.approx(stats.wilson_interval(1.5, 3))
    assert tool.pass_hat_n == pytest.approx(1 / 3)
    assert tool.flaky == ["tool_use.b"]
    assert (security.passed, security.failed, security.errors) == (3, 0, 3)
    assert (security.tests, security.graded_tests) == (3, 2)
    assert security.pass_rate == 1.0
    overall = s.overall
    assert (overall.passed, overall.failed, overall.errors) == (6, 3, 3)
    assert overall.pass_rate == pytest.approx(6 / 9)
    assert (overall.ci_low, overall.ci_high) == pytest.approx(stats.wilson_interval(5 * 6 / 9, 5))
    assert overall.pass_hat_n == pytest.approx(3 / 5)


def test_summary_timings_tokens_errors_and_defaults(hand_run) -> None:
    s = summarize(hand_run)
    assert s.ttft.n == 9  # the three errors are left out
    assert s.ttft.avg == pytest.approx(0.5)
    assert s.ttft.p95 == pytest.approx(0.9)
    assert s.decode_tps.avg == pytest.approx(30.0)
    assert s.prompt_tokens == 9 * 300
    assert s.output_tokens == 9 * 40
    assert s.server_defaults == {"temperature": ["security_classification.z"]}
    assert s.errors_by_kind == {"timeout": 2, "connection": 1}
    assert s.memory_text == "not known: no process listens on the endpoint's port"
    # 09:00 -> last result 09:01 (60 s), then 10:00 -> finished 10:01 (60 s); the idle hour is not counted.
    assert s.total_time_s == pytest.approx(120.0)


def test_console_table_says_everything_the_issue_lists(hand_run) -> None:
    console = Console(record=True, width=80)
    print_run_summary(summarize(hand_run), console)
    text = console.export_text()
    assert "security_classification" in text  # the longest suite name is not cut at 80 columns
    assert re.search(r"tool_use\s+3\s+3\s+3\s+0\s+50\.0%", text)
    assert "Pass, Fail, Err count attempts (6 tests × 2 = 12 attempts)" in text
    assert "pass^2" in text
    assert "overall" in text and "66.7%" in text
    assert "Total time: 2m 0s" in text
    assert "TTFT: avg 500 ms, p95 900 ms (N=9)" in text
    assert "Decode: mean 30.0 tok/s" in text
    assert "Tokens: 2,700 in, 360 out" in text
    assert "Peak memory: not known: no process listens" in text
    assert "Energy: not measured (the run recorded no energy)" in text
    assert "Ran with the server default for temperature in 1 test(s)" in text
    assert "Errors (not counted in the pass rate): timeout 2, connection 1" in text
    assert "Flaky (1): tool_use.b" in text


def test_redactor_removes_env_secrets_bearer_tokens_and_url_credentials() -> None:
    redactor = Redactor(env={"OPENAI_API_KEY": "abcdefgh12345678", "HOME": "/root"})
    text = redactor.clean(
        "key abcdefgh12345678, Bearer xyz.abc-12345678, sk-proj-aaaaaaaaaaaaaaaaaaaaaaaa, /root"
    )
    assert "abcdefgh12345678" not in text and "xyz.abc" not in text and "sk-proj" not in text
    assert "/root" in text
    assert public_url("https://user:pw@api.example.com:8443/v1?api_key=zzz&x=1") == (
        "https://api.example.com:8443/v1?api_key=%5Bredacted%5D&x=1"
    )


def test_json_for_script_cannot_end_its_element() -> None:
    data = {"a": BREAKOUT, "b": "a & b > c \u2028"}
    text = str(json_for_script(data))
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == data


def _hostile_run(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("HOMESEC_CANARY_API_KEY", CANARY)
    image = tiny_png(7)
    vision_messages = [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "What is at the door?"},
                {"type": "image_url", "image_url": {"url": image}},
            ],
        },
    ]
    remote_image = [
        {
            "role": "user",
            "content": [{"type": "image_url", "image_url": {"url": "https://example.com/x.png"}}],
        }
    ]
    results = [
        result(
            "security_classification.a",
            "fail",
            content=HOSTILE_SCRIPT,
            reasoning=BREAKOUT,
            reason=f"said {HOSTILE_IMG}",
        ),
        result(
            "tool_use.b",
            "pass",
            content=f"my key is {CANARY}",
            tool_calls=[{"name": "send_alert", "arguments": {"text": HOSTILE_IMG}}],
        ),
        result("vision.c", "pass", content="A courier.", messages=vision_messages),
        result("vision.d", "fail", content="A cat.", messages=vision_messages),
        result("vision.e", "pass", content="Nothing.", messages=remote_image),
    ]
    info = make_info("hostile", HOSTILE_IMG, base_url=f"http://user:{CANARY}@127.0.0.1:8080/v1")
    info.parameters = {"note": f"Authorization: Bearer {CANARY}"}
    return load_run(write_run(tmp_path / "hostile", info, results)), image


def _data_block(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', html, re.S)
    assert match, "the data block is missing"
    return json.loads(match.group(1))


def test_report_escapes_model_text_and_keeps_it_as_data(tmp_path: Path, monkeypatch) -> None:
    run, _ = _hostile_run(tmp_path, monkeypatch)
    html = build_report([run])
    assert "<script>window.pwned" not in html
    assert "<img src=x" not in html
    assert html.count("<script") == 2  # the data block and our own script, nothing else
    assert "&lt;img src=x onerror=&#34;window.pwned=1&#34;&gt;" in html  # the model name, as text
    data = _data_block(html)
    assert HOSTILE_SCRIPT in data["strings"]
    assert BREAKOUT in data["strings"]


def test_report_never_contains_the_api_key(tmp_path: Path, monkeypatch) -> None:
    run, _ = _hostile_run(tmp_path, monkeypatch)
    html = build_report([run])
    assert CANARY not in html
    assert "[redacted]" in html


def test_report_script_matches_its_content_security_policy_hash(tmp_path: Path, monkeypatch) -> None:
    run, _ = _hostile_run(tmp_path, monkeypatch)
    html = build_report([run])
    csp = re.search(r"script-src 'sha256-([^']+)'", html)
    scripts = re.findall(r"<script>(.*?)</script>", html, re.S)
    assert csp and len(scripts) == 1
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode("utf-8")).digest()).decode("ascii")
    assert digest == csp.group(1)
    assert "default-src 'none'" in html and "img-src data:" in html


def test_report_stores_images_and_prompts_once_and_drops_remote_images(tmp_path: Path, monkeypatch) -> None:
    run, image = _hostile_run(tmp_path, monkeypatch)
    html = build_report([run])
    data = _data_block(html)
    assert data["images"] == [image]
    assert html.count(image) == 1
    assert "example.com/x.png" not in html
    assert "[image not embedded: not a data: URI]" in data["strings"]
    assert html.count(SYSTEM_PROMPT) == 1  # results share one stored system prompt
    vision = next(r for r in data["results"] if r["t"].startswith("vision.c"))
    assert data["transcripts"][vision["m"]][0]["p"][1] == ["i", 0]


def test_report_has_the_sections_and_charts(tmp_path: Path, monkeypatch) -> None:
    run, _ = _hostile_run(tmp_path, monkeypatch)
    out = write_report([run, run], tmp_path / "sub" / "report.html", title="Test report")
    html = out.read_text(encoding="utf-8")
    for marker in (
        'id="leaderboard"',
        'id="chart-pass-rate"',
        'id="chart-suites"',
        'id="chart-ttft"',
        'id="chart-decode"',
        'id="results-table"',
        'id="search"',
        'value="flaky"',
        "<svg",
    ):
        assert marker in html, marker
    assert "http://" not in html.replace("http://www.w3.org/2000/svg", "").replace(
        "http://127.0.0.1:8080", ""
    )
    assert "https://" not in html


async def test_runs_against_the_fake_server_feed_every_report(make_fake_server, tmp_path: Path) -> None:
    """Three real runs (the runner against the loopback fake server, each scripted differently)."""
    from typer.testing import CliRunner

    import homesec_bench.cli.commands_reports  # noqa: F401  (registers the commands)
    from homesec_bench.cli.app import app
    from homesec_bench.runner import EndpointConfig, RunConfig, run_benchmark
    from homesec_bench.suites import load_benchmark
    from homesec_bench.testing import reference_responder

    bench = load_benchmark()
    suites = ["security_classification", "tool_use"]
    n = len(bench.select(suites))
    plans = [
        # name, model, accuracy, server props, endpoint options, repeat, reply defaults
        ("q4", "local-9b", 0.9, {"quantization": "Q4_K_M"}, {}, 1, {"first_token_delay_s": 0.005}),
        ("cloud", "cloud-mini", 1.0, {}, {"locality": "cloud"}, 1, {"fault": "reject_param:temperature"}),
        ("q8", "local-9b", 0.75, {"quantization": "Q8_0"}, {}, 2, {}),
    ]
    paths, wrong = {}, {}
    for name, model, accuracy, props, endpoint, repeat, defaults in plans:
        responder = reference_responder(bench, accuracy=accuracy, reply_defaults=defaults)
        wrong[name] = len(responder.wrong_test_ids & {t.id for t in bench.select(suites)})
        server = make_fake_server(responder, models=[model], props=props)
        config = RunConfig(
            endpoint=EndpointConfig(base_url=server.base_url, **endpoint),
            out_dir=tmp_path / "runs" / name,
            suites=suites,
            repeat=repeat,
            sample_memory=False,
        )
        paths[name] = (await run_benchmark(config)).path

    runner = CliRunner()
    board = runner.invoke(app, ["leaderboard", str(tmp_path / "runs")])
    assert board.exit_code == 0, board.output
    lines = [line for line in board.stdout.splitlines() if line.startswith("| ")]
    assert "| 1 | cloud-mini | cloud |" in lines[2]
    assert f"| {n} | {n} | 0 | 0 | 100.0%* |" in lines[2]  # temperature rejected, run with the default
    assert 0 < wrong["q4"] < wrong["q8"]
    assert f"| 2 | local-9b (Q4_K_M) | local | {n} | {n - wrong['q4']} | {wrong['q4']} | 0 |" in lines[3]
    assert "| 3 | local-9b (Q8_0) | local |" in lines[4]
    assert f"{n} test(s) ran with the server default for temperature" in board.stdout

    compared = runner.invoke(app, ["compare", str(paths["q4"]), str(paths["q8"]), "--json"])
    assert compared.exit_code == 0, compared.output
    comparison = json.loads(compared.stdout)
    assert comparison["paired"] == n
    assert comparison["label_a"] == "local-9b (Q4_K_M)" and comparison["label_b"] == "local-9b (Q8_0)"

    out = tmp_path / "report.html"
    made = runner.invoke(app, ["report", str(tmp_path / "runs"), "--out", str(out)])
    assert made.exit_code == 0, made.output
    data = _data_block(out.read_text(encoding="utf-8"))
    assert len(data["results"]) == n + n + 2 * n
    assert [r["label"] for r in data["runs"]] == ["cloud-mini", "local-9b (Q4_K_M)", "local-9b (Q8_0)"]
    assert any(r.get("dp") == ["temperature"] for r in data["results"])


def test_report_transcripts_drop_the_appended_reply_and_keep_tool_arguments(tmp_path: Path) -> None:
    sent = [
        {"role": "user", "content": "Lock the back door."},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "c1",
                    "type": "function",
                    "function": {"name": "get_locks", "arguments": '{"all": true}'},
                }
            ],
        },
        {"role": "tool", "tool_call_id": "c1", "content": '{"back_door": "unlocked"}'},
    ]
    reply_call = {"id": "c2", "name": "set_lock", "arguments": {"lock": "back_door", "state": "locked"}}
    # The runner stores the conversation as sent plus the model's reply (a dumped ToolCall).
    messages = [*sent, {"role": "assistant", "content": "", "tool_calls": [reply_call]}]
    r = result("tool_use.lock", "pass", messages=messages, tool_calls=[reply_call])
    run = load_run(write_run(tmp_path / "r", make_info("r", "m"), [r]))
    data = _data_block(build_report([run]))
    row = data["results"][0]
    transcript = data["transcripts"][row["m"]]
    strings = data["strings"]
    assert [m["role"] for m in transcript] == ["user", "assistant", "tool"]
    history_call = transcript[1]["tc"][0]
    assert (strings[history_call[0]], strings[history_call[1]]) == ("get_locks", '{"all": true}')
    assert strings[transcript[2]["id"]] == "c1"
    name, args = (strings[i] for i in row["tc"][0])
    assert name == "set_lock" and json.loads(args) == {"lock": "back_door", "state": "locked"}


def test_an_empty_or_interrupted_run_still_reports(tmp_path: Path) -> None:
    empty = load_run(write_run(tmp_path / "empty", make_info("empty", "nothing-yet", duration_s=None), []))
    errors = load_run(
        write_run(tmp_path / "errors", make_info("errors", "down"), [result("tool_use.a", "error")])
    )
    s = summarize(empty)
    assert s.overall.pass_rate is None and s.total_time_s == 0.0 and not s.complete
    assert "the run did not finish" in " ".join(s.notes)
    html = build_report([empty, errors])
    assert "no graded tests" in html and "no timings" in html
    console = Console(record=True, width=100)
    print_run_summary(s, console)
    assert "n/a" in console.export_text()
