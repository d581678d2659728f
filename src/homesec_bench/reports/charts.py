"""Chart geometry for the HTML report, as plain shapes the template draws as inline SVG.

The charts are computed here as numbers and short strings; the Jinja template turns each shape into
one SVG element with autoescaping on, so a hostile model name in a label or tooltip stays text. No
charting library, no network: the report must open anywhere, offline.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from homesec_bench.reports import fmt
from homesec_bench.reports.summary import RunSummary

PALETTE = [
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
]
LABEL_W = 230
PLOT_W = 520
RIGHT_W = 90
TOP = 24
AXIS_H = 28
ROW_H = 26  # one model's row in the per-model charts
MAX_LABEL = 30


@dataclass
class Chart:
    id: str
    title: str
    caption: str
    width: int
    height: float
    shapes: list[dict[str, Any]] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)


def colour(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def nice_step(span: float, target_ticks: int = 5) -> float:
    if span <= 0:
        return 1.0
    raw = span / target_ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 2.5, 5, 10):
        if raw <= multiple * magnitude:
            return multiple * magnitude
    return 10 * magnitude


class _Axis:
    def __init__(self, lo: float, hi: float) -> None:
        self.lo, self.hi = lo, hi if hi > lo else lo + 1.0

    def x(self, value: float) -> float:
        clamped = min(max(value, self.lo), self.hi)
        return round(LABEL_W + (clamped - self.lo) / (self.hi - self.lo) * PLOT_W, 1)


def _text(
    x: float, y: float, text: str, anchor: str = "start", size: int = 12, **extra: Any
) -> dict[str, Any]:
    return {"k": "text", "x": x, "y": y, "text": text, "anchor": anchor, "size": size, **extra}


def _line(x1: float, y1: float, x2: float, y2: float, stroke: str = "#999", sw: float = 1, **extra: Any):
    return {"k": "line", "x1": x1, "y1": y1, "x2": x2, "y2": y2, "stroke": stroke, "sw": sw, **extra}


def _rect(x: float, y: float, w: float, h: float, fill: str, title: str = "", **extra: Any) -> dict[str, Any]:
    return {
        "k": "rect",
        "x": x,
        "y": y,
        "w": max(0.0, round(w, 1)),
        "h": h,
        "fill": fill,
        "title": title,
        **extra,
    }


def _axis_shapes(axis: _Axis, top: float, bottom: float, step: float, label) -> list[dict[str, Any]]:
    shapes: list[dict[str, Any]] = []
    tick = math.ceil(axis.lo / step - 1e-9) * step
    while tick <= axis.hi + 1e-9:
        x = axis.x(tick)
        shapes.append(_line(x, top, x, bottom, stroke="#e3e3e3", cls="grid"))
        shapes.append(_text(x, bottom + 16, label(tick), anchor="middle", size=11, fill="#555"))
        tick += step
    shapes.append(_line(LABEL_W, bottom, LABEL_W + PLOT_W, bottom, stroke="#888"))
    return shapes


def _row_axis(hi: float, rows: int) -> tuple[_Axis, float, list[dict[str, Any]]]:
    """A zero-based axis rounded up to a tick past `hi`, under one row per model; returns the axis,
    the plot's bottom edge, and the axis's shapes."""
    step = nice_step(hi)
    axis = _Axis(0.0, math.ceil(hi / step) * step)
    bottom = TOP + ROW_H * rows
    return axis, bottom, _axis_shapes(axis, TOP, bottom, step, lambda v: f"{v:.0f}")


def _row_label(shapes: list[dict[str, Any]], index: int, label: str) -> float:
    """Labels row `index` with the model's (shortened) name; returns the row's centre line."""
    y = TOP + ROW_H * index + ROW_H / 2
    shapes.append(_text(LABEL_W - 8, y + 4, short(label), anchor="end", title=label))
    return y


def pass_rate_chart(summaries: Sequence[RunSummary], labels: Sequence[str]) -> Chart:
    """Overall pass rate with its 95% interval per model; the leader's interval is shaded."""
    lows = [s.overall.ci_low for s in summaries if s.overall.ci_low is not None]
    lo = max(0.0, math.floor((min(lows) if lows else 0.0) * 10) / 10)
    axis = _Axis(lo, 1.0)
    bottom = TOP + ROW_H * len(summaries)
    shapes = _axis_shapes(axis, TOP, bottom, nice_step(1.0 - lo), lambda v: f"{v * 100:.0f}%")
    leader = summaries[0].overall if summaries else None
    if leader is not None and leader.ci_low is not None and leader.ci_high is not None:
        x1, x2 = axis.x(leader.ci_low), axis.x(leader.ci_high)
        shapes.insert(0, _rect(x1, TOP, x2 - x1, bottom - TOP, "#fff3cd", title="leader's 95% interval"))
    for i, (summary, label) in enumerate(zip(summaries, labels, strict=True)):
        y = _row_label(shapes, i, label)
        overall = summary.overall
        if overall.pass_rate is None or overall.ci_low is None or overall.ci_high is None:
            shapes.append(_text(LABEL_W + 4, y + 4, "no graded tests", fill="#777"))
            continue
        tip = (
            f"{label}: {fmt.pct(overall.pass_rate)} ({overall.passed}/{overall.passed + overall.failed}), "
            f"95% CI {fmt.ci(overall.ci_low, overall.ci_high)}"
        )
        shapes.append(_line(axis.x(overall.ci_low), y, axis.x(overall.ci_high), y, stroke=colour(i), sw=3))
        shapes.append(
            {
                "k": "circle",
                "cx": axis.x(overall.pass_rate),
                "cy": y,
                "r": 5,
                "fill": colour(i),
                "title": tip,
                "cls": "point",
            }
        )
        shapes.append(_text(LABEL_W + PLOT_W + 8, y + 4, fmt.pct(overall.pass_rate), size=11))
    return Chart(
        id="chart-pass-rate",
        title="Pass rate with 95% interval",
        caption="Dot: pass rate over the run's own tests; line: 95% Wilson interval; shaded: the leader's "
        "interval. Intervals are per model and overlap even when the paired test separates two models: "
        "whether a gap is real is the McNemar column and the pairwise matrix above.",
        width=LABEL_W + PLOT_W + RIGHT_W,
        height=bottom + AXIS_H,
        shapes=shapes,
    )


def suite_chart(summaries: Sequence[RunSummary], labels: Sequence[str], suites: Sequence[str]) -> Chart:
    """Per-suite pass rate: one group per suite, one bar per model, with its value and 95% interval;
    a suite a model did not run says so instead of looking like 0%."""
    n = max(1, len(summaries))
    bar_h = max(9.0, min(14.0, 80.0 / n))
    group_h = bar_h * n + 10
    axis = _Axis(0.0, 1.0)
    bottom = TOP + group_h * len(suites)
    shapes = _axis_shapes(axis, TOP, bottom, 0.2, lambda v: f"{v * 100:.0f}%")
    size = 10 if bar_h >= 11 else 9
    for g, suite in enumerate(suites):
        top = TOP + group_h * g
        shapes.append(_text(LABEL_W - 8, top + group_h / 2 + 2, short(suite), anchor="end", title=suite))
        for i, (summary, label) in enumerate(zip(summaries, labels, strict=True)):
            stats = next((s for s in summary.suites if s.suite == suite), None)
            y = round(top + 5 + bar_h * i, 1)
            mid = y + bar_h / 2
            if stats is None:
                shapes.append(_text(LABEL_W + 4, mid + 3, "not run", size=size, fill="#777", cls="not-run"))
                continue
            if stats.pass_rate is None:
                shapes.append(_text(LABEL_W + 4, mid + 3, "errors only", size=size, fill="#9a6700"))
                continue
            counts = f"{stats.passed}/{stats.passed + stats.failed}"
            ci = fmt.ci(stats.ci_low, stats.ci_high)
            tip = f"{label} — {suite}: {fmt.pct(stats.pass_rate)} ({counts}), 95% CI {ci}"
            width = axis.x(stats.pass_rate) - LABEL_W
            shapes.append(_rect(LABEL_W, y, width, bar_h - 1, colour(i), title=tip, cls="bar", opacity=0.75))
            if stats.ci_low is not None and stats.ci_high is not None:
                shapes.append(
                    _line(axis.x(stats.ci_low), mid, axis.x(stats.ci_high), mid, stroke="#000", sw=1)
                )
            shapes.append(
                _text(LABEL_W + PLOT_W + 6, mid + 3, f"{fmt.pct(stats.pass_rate, 0)} ({counts})", size=size)
            )
    return Chart(
        id="chart-suites",
        title="Pass rate per suite",
        caption="Bar: pass rate (value and passed/graded at the right); black line: 95% Wilson interval, "
        "wide on a 3–16-test suite. 'not run': the run did not include that suite. Errors are not counted.",
        width=LABEL_W + PLOT_W + RIGHT_W,
        height=bottom + AXIS_H,
        shapes=shapes,
        legend=[(label, colour(i)) for i, label in enumerate(labels)],
    )


def pareto_front(points: Sequence[tuple[float, float]]) -> list[int]:
    """Indexes of the points no other point beats: lower cost (x) and higher rate (y), or equal on one
    and better on the other."""
    front = []
    for i, (x, y) in enumerate(points):
        dominated = any(
            (x2 <= x and y2 >= y) and (x2 < x or y2 > y) for j, (x2, y2) in enumerate(points) if j != i
        )
        if not dominated:
            front.append(i)
    return front


def tradeoff_chart(summaries: Sequence[RunSummary], labels: Sequence[str], against: str) -> Chart:
    """Pass rate (with its interval) against time per test or against memory; the Pareto front (no
    other model is both cheaper and better) is joined by a line and its points ringed."""
    if against == "time":
        cost = [s.time_per_test_s for s in summaries]
        unit, name = "s per test", "time per test"
        chart_id, label_fn = "chart-rate-vs-time", lambda v: f"{v:.2g}s"
    else:
        cost = [
            (s.memory.gpu_bytes or s.memory.rss_bytes) / 2**30  # type: ignore[operator]  # not None here
            if s.memory and (s.memory.gpu_bytes or s.memory.rss_bytes)
            else None
            for s in summaries
        ]
        unit, name = "GiB", "peak memory"
        chart_id, label_fn = "chart-rate-vs-memory", lambda v: f"{v:.3g} GiB"
    points = [
        (i, c, s.overall)
        for i, (s, c) in enumerate(zip(summaries, cost, strict=True))
        if c is not None and s.overall.pass_rate is not None
    ]
    height = 300
    plot_top, plot_bottom = TOP, height - AXIS_H - 8
    shapes: list[dict[str, Any]] = []
    missing = [labels[i] for i in range(len(summaries)) if i not in {p[0] for p in points}]
    if points:
        hi = max(c for _, c, _ in points) * 1.15 or 1.0
        axis = _Axis(0.0, hi)
        lows = [o.ci_low for _, _, o in points if o.ci_low is not None]
        y_lo = max(0.0, math.floor((min(lows) if lows else 0.0) * 10) / 10)

        def y_of(rate: float) -> float:
            return round(plot_bottom - (rate - y_lo) / (1.0 - y_lo or 1.0) * (plot_bottom - plot_top), 1)

        shapes += _axis_shapes(axis, plot_top, plot_bottom, nice_step(hi), label_fn)
        for tick in (y_lo, (y_lo + 1.0) / 2, 1.0):
            shapes.append(_line(LABEL_W, y_of(tick), LABEL_W + PLOT_W, y_of(tick), stroke="#eee"))
            shapes.append(_text(LABEL_W - 6, y_of(tick) + 4, fmt.pct(tick, 0), anchor="end", size=11))
        shapes.append(_text(LABEL_W - 6, plot_top - 8, "pass rate", anchor="end", size=11, fill="#555"))
        # A partial run's rate is over a subset: it is drawn, but only complete runs make the front.
        eligible = [p for p in points if summaries[p[0]].complete] or points
        front = [eligible[k] for k in pareto_front([(c, o.pass_rate or 0.0) for _, c, o in eligible])]
        front.sort(key=lambda p: p[1])
        for (_, c1, o1), (_, c2, o2) in itertools.pairwise(front):
            shapes.append(
                _line(
                    axis.x(c1),
                    y_of(o1.pass_rate or 0),
                    axis.x(c2),
                    y_of(o2.pass_rate or 0),
                    stroke="#1a7f37",
                    sw=2,
                    cls="pareto",
                )
            )
        on_front = {p[0] for p in front}
        for i, c, o in points:
            x = axis.x(c)
            if o.ci_low is not None and o.ci_high is not None:
                shapes.append(_line(x, y_of(o.ci_low), x, y_of(o.ci_high), stroke=colour(i), sw=2))
            tip = (
                f"{labels[i]}: {fmt.pct(o.pass_rate)} (95% CI {fmt.ci(o.ci_low, o.ci_high)}), "
                f"{label_fn(c)} {name}" + (" — on the Pareto front" if i in on_front else "")
            )
            if i in on_front:
                shapes.append(
                    {
                        "k": "circle",
                        "cx": x,
                        "cy": y_of(o.pass_rate or 0),
                        "r": 8,
                        "fill": "#1a7f37",
                        "cls": "front",
                        "title": "",
                    }
                )
            shapes.append(
                {
                    "k": "circle",
                    "cx": x,
                    "cy": y_of(o.pass_rate or 0),
                    "r": 5,
                    "fill": colour(i),
                    "title": tip,
                    "cls": "point",
                }
            )
            shapes.append(
                _text(x + 9, y_of(o.pass_rate or 0) - 6, short(labels[i]), size=10, title=labels[i])
            )
    else:
        shapes.append(_text(LABEL_W, plot_top + 40, f"No run recorded its {name}.", fill="#777"))
    if missing:
        shapes.append(
            _text(
                8,
                height - 4,
                short("not shown (no " + name + "): " + ", ".join(missing)),
                size=10,
                fill="#777",
                title="not shown: " + ", ".join(missing),
            )
        )
    return Chart(
        id=chart_id,
        title=f"Pass rate vs {name}",
        caption=f"Dot: pass rate; vertical line: its 95% interval; x: {name} ({unit})"
        + (
            ", at each run's own concurrency (see the speed table)"
            if against == "time"
            else ", of the serving process"
        )
        + ". Ringed and joined in green: the Pareto front — no other model is both cheaper and better "
        "(complete runs only; a partial run's rate is over a subset).",
        width=LABEL_W + PLOT_W + RIGHT_W,
        height=height,
        shapes=shapes,
        legend=[(label, colour(i)) for i, label in enumerate(labels)],
    )


def ttft_chart(summaries: Sequence[RunSummary], labels: Sequence[str]) -> Chart:
    """TTFT distribution per model as box plots, in milliseconds."""
    highs = [s.ttft.p95 for s in summaries if s.ttft.p95 is not None]
    axis, bottom, shapes = _row_axis((max(highs) if highs else 1.0) * 1000 * 1.1, len(summaries))
    for i, (summary, label) in enumerate(zip(summaries, labels, strict=True)):
        y = _row_label(shapes, i, label)
        d = summary.ttft
        if d.n == 0 or None in (d.min, d.p25, d.p50, d.p75, d.p95):
            shapes.append(_text(LABEL_W + 4, y + 4, "no timings", fill="#777"))
            continue
        v = {k: getattr(d, k) * 1000 for k in ("min", "p25", "p50", "p75", "p95", "max", "avg")}
        tip = (
            f"{label}: N={d.n}, min {v['min']:.0f}, p25 {v['p25']:.0f}, median {v['p50']:.0f}, "
            f"p75 {v['p75']:.0f}, p95 {v['p95']:.0f}, max {v['max']:.0f}, avg {v['avg']:.0f} ms"
        )
        shapes.append(_line(axis.x(v["min"]), y, axis.x(v["p95"]), y, stroke=colour(i), sw=1.5))
        x1 = axis.x(v["p25"])
        shapes.append(
            _rect(x1, y - 7, axis.x(v["p75"]) - x1, 14, colour(i), title=tip, cls="box", opacity=0.5)
        )
        shapes.append(_line(axis.x(v["p50"]), y - 8, axis.x(v["p50"]), y + 8, stroke="#000", sw=2))
        shapes.append({"k": "circle", "cx": axis.x(v["avg"]), "cy": y, "r": 3, "fill": "#000", "title": tip})
        shapes.append(_text(LABEL_W + PLOT_W + 8, y + 4, f"p95 {v['p95']:.0f}", size=11))
    return Chart(
        id="chart-ttft",
        title="Time to first token (ms)",
        caption="Box: 25th–75th percentile; bar: median; dot: mean; whisker: minimum to p95. "
        "The warm-up request is excluded.",
        width=LABEL_W + PLOT_W + RIGHT_W,
        height=bottom + AXIS_H,
        shapes=shapes,
    )


def decode_chart(summaries: Sequence[RunSummary], labels: Sequence[str]) -> Chart:
    """Mean decode speed per model, with the 25th–75th percentile range."""
    highs = [max(filter(None, [s.decode_tps.avg, s.decode_tps.p75]), default=0.0) for s in summaries]
    axis, bottom, shapes = _row_axis((max(highs) if highs else 1.0) * 1.1 or 1.0, len(summaries))
    for i, (summary, label) in enumerate(zip(summaries, labels, strict=True)):
        y = _row_label(shapes, i, label)
        d = summary.decode_tps
        if d.avg is None:
            shapes.append(_text(LABEL_W + 4, y + 4, "no decode timings", fill="#777"))
            continue
        tip = f"{label}: mean {d.avg:.1f} tok/s over {d.n} requests"
        shapes.append(_rect(LABEL_W, y - 8, axis.x(d.avg) - LABEL_W, 16, colour(i), title=tip, cls="bar"))
        if d.p25 is not None and d.p75 is not None:
            shapes.append(_line(axis.x(d.p25), y, axis.x(d.p75), y, stroke="#000", sw=1.5))
        shapes.append(_text(LABEL_W + PLOT_W + 8, y + 4, f"{d.avg:.1f}", size=11))
    return Chart(
        id="chart-decode",
        title="Decode speed (tokens/s)",
        caption="Bar: mean over requests; line: 25th–75th percentile. (N-1)/(t_last - t_first), "
        "from the harness's clock.",
        width=LABEL_W + PLOT_W + RIGHT_W,
        height=bottom + AXIS_H,
        shapes=shapes,
    )
