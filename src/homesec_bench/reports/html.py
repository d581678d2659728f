"""One self-contained HTML report for any mix of runs.

Safety: everything a model wrote (and every name a server reported) is untrusted text. The template
runs with autoescaping on and never marks model text safe; the transcripts reach the page's script as
JSON inside `<script type="application/json">`, with every `<`, `>` and `&` written as a `\\u` escape
so no `</script>` or comment can end the block early, and the script builds the transcript view with
`textContent`, never `innerHTML`. A Content-Security-Policy allows only the page's own script (by
hash) and `data:` images, so the file cannot reach the network.

Size: transcripts repeat a lot (the same system prompt for every model and attempt, the same images),
so strings, images and whole transcripts are stored once and referred to by index; the table of
results is filtered and paged in the browser, so only one page of rows is ever in the DOM.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from homesec_bench import __version__
from homesec_bench.models import GraderSpec, ModelAnswer, TestResult
from homesec_bench.reports import charts, fmt
from homesec_bench.reports.cost import PriceBook
from homesec_bench.reports.leaderboard import build_leaderboard, rank_order
from homesec_bench.reports.redact import Redactor
from homesec_bench.reports.summary import suite_rank, summarize
from homesec_bench.store import LoadedRun
from homesec_bench.store.files import write_text_atomic

TEMPLATE_DIR = Path(str(resources.files("homesec_bench.reports") / "templates"))
_DATA_URI = re.compile(r"data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=]+")
_ROLES = {"system", "user", "assistant", "tool"}
_NOT_SETTINGS = {"messages", "tools", "stream", "stream_options"}
_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def json_for_script(data: Any) -> Markup:
    """JSON that is inert inside a <script type="application/json"> element, whatever strings it holds."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escape in _JSON_ESCAPES.items():
        text = text.replace(char, escape)
    return Markup(text)  # every character that could end the element is escaped above


class _Interner:
    def __init__(self) -> None:
        self.items: list[Any] = []
        self._index: dict[Any, int] = {}

    def add(self, item: Any) -> int:
        key = item if isinstance(item, str) else json.dumps(item, sort_keys=True, separators=(",", ":"))
        found = self._index.get(key)
        if found is None:
            found = self._index[key] = len(self.items)
            self.items.append(item)
        return found


class _DataBuilder:
    """Turns results into the compact, de-duplicated structure the page's script reads."""

    def __init__(self) -> None:
        self.strings = _Interner()
        self.images = _Interner()
        self.transcripts = _Interner()

    def s(self, text: str | None) -> int | None:
        return None if not text else self.strings.add(text)

    def tool_calls(self, calls: Sequence[Any]) -> list[list[int | None]]:
        out = []
        for call in calls:
            if isinstance(call, dict):  # OpenAI format {"function": {...}}, or a dumped ToolCall
                function = call.get("function")
                source = function if isinstance(function, dict) else call
                name, args = source.get("name"), source.get("arguments", "")
            else:  # ToolCall model
                name, args = call.name, call.arguments
            if not isinstance(args, str):
                args = json.dumps(args, ensure_ascii=False, indent=1)
            out.append([self.s(str(name or "?")), self.s(args)])
        return out

    def part(self, part: Any) -> list[Any]:
        if isinstance(part, dict) and part.get("type") == "image_url":
            url = (part.get("image_url") or {}).get("url", "")
            if isinstance(url, str) and _DATA_URI.fullmatch(url):
                return ["i", self.images.add(url)]
            return ["t", self.s("[image not embedded: not a data: URI]")]
        if isinstance(part, dict):
            text = part.get("text")
            return ["t", self.s(text if isinstance(text, str) else json.dumps(part, ensure_ascii=False))]
        return ["t", self.s(str(part))]

    def transcript(self, messages: Sequence[dict[str, Any]]) -> int:
        out = []
        for message in messages:
            role = message.get("role")
            content = message.get("content")
            if isinstance(content, list):
                parts = [self.part(p) for p in content]
            elif content is None:
                parts = []
            else:
                parts = [["t", self.s(content if isinstance(content, str) else json.dumps(content))]]
            item: dict[str, Any] = {"role": role if role in _ROLES else "other", "p": parts}
            if message.get("tool_calls"):
                item["tc"] = self.tool_calls(message["tool_calls"])
            if message.get("tool_call_id"):
                item["id"] = self.s(str(message["tool_call_id"]))
            out.append(item)
        return self.transcripts.add(out)

    def result(self, run_index: int, result: TestResult, flaky: bool) -> dict[str, Any]:
        rq = result.request
        body = rq.request_body or {}
        settings = {k: v for k, v in body.items() if k not in _NOT_SETTINGS}
        tools = body.get("tools")
        row: dict[str, Any] = {
            "r": run_index,
            "t": result.test_id,
            "s": result.suite,
            "a": result.attempt,
            "o": result.outcome,
            "why": self.s(result.reason),
            "m": self.transcript(_without_reply(result)),
        }
        optional = {
            "f": 1 if flaky else None,
            "et": result.error_type,
            "c": self.s(rq.content),
            "rs": self.s(rq.reasoning),
            "tc": self.tool_calls(rq.tool_calls) or None,
            "fr": rq.finish_reason,
            "ttft": _round(rq.ttft_s),
            "fo": _round(rq.first_output_s),
            "tot": _round(rq.total_s),
            "tps": _round(rq.decode_tps, 1),
            "pt": rq.prompt_tokens,
            "ot": rq.output_tokens,
            "dp": rq.dropped_params or None,
            "err": self.s(rq.error),
            # What the model was offered and how it was asked: stored once per distinct value.
            "rq": self.s(json.dumps(settings, ensure_ascii=False, sort_keys=True)) if settings else None,
            "tl": self.s(json.dumps(tools, ensure_ascii=False, indent=1)) if tools else None,
            "th": self.s(result.test_hash),
        }
        row.update({k: v for k, v in optional.items() if v is not None})
        return row


def _answer_text(answer: ModelAnswer) -> str:
    parts = [answer.content] if answer.content else []
    for call in answer.tool_calls:
        args = (
            call.arguments
            if isinstance(call.arguments, str)
            else json.dumps(call.arguments, ensure_ascii=False)
        )
        parts.append(f"\u2192 {call.name}({args})")
    return "\n".join(parts) or "(no content)"


def grader_in_words(spec: GraderSpec) -> str:
    """The grader and its checks, one line per parameter: what an answer must satisfy to pass."""
    lines = [f"grader: {spec.type}"]
    for key, value in spec.params.items():
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
        lines.append(f"{key}: {text if len(text) <= 600 else text[:599] + '…'}")
    return "\n".join(lines)


def expected_answers(builder: _DataBuilder, test_ids: set[str]) -> dict[str, dict[str, Any]]:
    """What each test expects, from the benchmark's definitions: purpose, reference answer(s), the
    grader's checks and the definition's hash (the page says when a run used another definition)."""
    from homesec_bench.suites.loader import load_benchmark, test_hash

    try:
        bench = load_benchmark()
    except Exception:  # a report must still render without the packaged suites
        return {}
    out: dict[str, dict[str, Any]] = {}
    for test in bench.all_tests():
        if test.id not in test_ids:
            continue
        out[test.id] = {
            "ti": builder.s(test.title),
            "p": builder.s(test.purpose),
            "ref": [builder.s(_answer_text(a)) for a in test.reference],
            "g": builder.s(grader_in_words(test.grader)),
            "h": builder.s(test_hash(test)),
        }
    return out


def _without_reply(result: TestResult) -> list[dict[str, Any]]:
    """The transcript without the model's reply that the runner appends to it: the report shows the
    reply in full beside the verdict, and leaving it out lets every model share one stored prompt."""
    messages = result.messages
    if not messages:
        return messages
    last, rq = messages[-1], result.request
    if (
        last.get("role") == "assistant"
        and (last.get("content") or "") == rq.content
        and len(last.get("tool_calls") or []) == len(rq.tool_calls)
    ):
        return messages[:-1]
    return messages


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def _flaky_tests(results: Sequence[TestResult]) -> set[str]:
    outcomes: dict[str, set[str]] = defaultdict(set)
    for result in results:
        outcomes[result.test_id].add(result.outcome)
    return {test for test, seen in outcomes.items() if {"pass", "fail"} <= seen}


@functools.lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    """One environment per process: compiling the template costs more than rendering it."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        pct=fmt.pct,
        ci=fmt.ci,
        duration=fmt.duration,
        ms=fmt.ms,
        tps=fmt.tps,
        per_test=fmt.duration_short,
        p=fmt.p_value,
        heat=_heat_colour,
        gb=fmt.gb,
    )
    return env


def build_report(
    runs: Sequence[LoadedRun],
    title: str = "homesec-bench report",
    redactor: Redactor | None = None,
    prices: PriceBook | None = None,
) -> str:
    """The report as one HTML string; costs use `prices` (default: the shipped price file)."""
    if not runs:
        raise ValueError("no runs to report")
    summaries = [summarize(run) for run in runs]
    board = build_leaderboard(summaries, prices)
    # Everything below follows the leaderboard's order, so colours and rows agree across sections.
    order = rank_order(summaries)
    ordered = [summaries[i] for i in order]
    ordered_runs = [runs[i] for i in order]
    labels = [row.label for row in board.rows]

    builder = _DataBuilder()
    rows: list[dict[str, Any]] = []
    for index, run in enumerate(ordered_runs):
        results = sorted(run.final_results(), key=lambda r: (suite_rank(r.suite), r.test_id, r.attempt))
        flaky = _flaky_tests(results)
        rows.extend(builder.result(index, r, r.test_id in flaky) for r in results)
    suites = sorted({s.suite for summary in ordered for s in summary.suites}, key=suite_rank)
    expected = expected_answers(builder, {r["t"] for r in rows})
    data = {
        "runs": [
            {"label": label, "locality": s.locality, "run_id": s.run_id, "repeat": s.repeat}
            for label, s in zip(labels, ordered, strict=True)
        ],
        "expected": expected,
        "suites": suites,
        "strings": builder.strings.items,
        "images": builder.images.items,
        "transcripts": builder.transcripts.items,
        "results": rows,
    }
    chart_list = [
        charts.pass_rate_chart(ordered, labels),
        charts.suite_chart(ordered, labels, suites),
        charts.tradeoff_chart(ordered, labels, "time"),
        charts.tradeoff_chart(ordered, labels, "memory"),
        charts.ttft_chart(ordered, labels),
        charts.decode_chart(ordered, labels),
    ]
    heatmap = [
        (suite, [next((st for st in s.suites if st.suite == suite), None) for s in ordered])
        for suite in suites
    ]
    script = (TEMPLATE_DIR / "report.js").read_text(encoding="utf-8")
    style = (TEMPLATE_DIR / "report.css").read_text(encoding="utf-8")
    html = (
        _environment()
        .get_template("report.html.j2")
        .render(
            title=title,
            generated_at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            version=__version__,
            board=board,
            ranked_rows=[r for r in board.rows if r.ranked],
            partial_rows=[r for r in board.rows if not r.ranked],
            pairwise=list(zip(labels, board.pairwise_p, strict=True)),
            heatmap=heatmap,
            summaries=list(zip(labels, ordered, strict=True)),
            charts=chart_list,
            suites=suites,
            runs=data["runs"],
            total_results=len(rows),
            data_json=json_for_script(data),
            script=Markup(script),  # our own static file, not model output
            script_hash=_sha256(script),
            style=Markup(style),  # our own static file
        )
    )
    return _clean_outside(html, (script, style), redactor or Redactor())


def _heat_colour(rate: float | None) -> str:
    """Background for a heatmap cell: red (0%) through yellow to green (100%); grey when not run."""
    if rate is None:
        return "#eeeeee"
    hue = round(120 * max(0.0, min(1.0, rate)))
    return f"hsl({hue}, 70%, 80%)"


def _sha256(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def _clean_outside(html: str, verbatim: Sequence[str], redactor: Redactor) -> str:
    """Redact secrets everywhere except in our own script and style, which must stay byte-identical
    (the script's CSP hash depends on it)."""
    if not verbatim:
        return redactor.clean(html)
    head, *rest = verbatim
    return head.join(_clean_outside(piece, rest, redactor) for piece in html.split(head))


def write_report(
    runs: Sequence[LoadedRun],
    out: str | Path,
    title: str = "homesec-bench report",
    redactor: Redactor | None = None,
    prices: PriceBook | None = None,
) -> Path:
    path = Path(out)
    text = build_report(runs, title=title, redactor=redactor, prices=prices)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(path, text, fsync=False)
    return path
