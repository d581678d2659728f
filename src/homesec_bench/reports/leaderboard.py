"""The leaderboard: several runs ranked by pass rate, honest about which gaps the data can resolve.

Ranking uses exact fractions (passed / graded), so equal rates tie exactly and share a rank
(competition ranking: 1, 2, 2, 4). A run is "not separable" from the leader when their 95% Wilson
intervals overlap. Runs of different lengths are ranked by the rate over the tests each one ran, and
the table says that the lengths differ.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from homesec_bench import stats
from homesec_bench.reports import fmt
from homesec_bench.reports.redact import Redactor
from homesec_bench.reports.summary import RunSummary, summarize
from homesec_bench.store import LoadedRun, StoreError, load_run
from homesec_bench.store.run_dir import RUN_FILE

Format = Literal["md", "json", "csv"]
FORMATS: tuple[str, ...] = ("md", "json", "csv")


class LeaderboardRow(BaseModel):
    rank: int
    label: str
    model: str
    locality: str
    quantization: str | None = None
    run_id: str
    tests: int = Field(description="Distinct tests graded (pass or fail on at least one attempt).")
    passed: int
    failed: int
    errors: int
    repeat: int = 1
    pass_rate: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    pass_hat_n: float | None = None
    vs_leader: Literal["leader", "not separable", "behind"]
    total_time_s: float | None = None
    ttft_avg_s: float | None = None
    ttft_p95_s: float | None = None
    ttft_n: int = 0
    first_output_avg_s: float | None = None
    decode_tps_avg: float | None = None
    decode_n: int = 0
    memory_gpu_bytes: int | None = None
    memory_rss_bytes: int | None = None
    memory_text: str = ""
    server_defaults: dict[str, int] = Field(
        default_factory=dict, description="Rejected parameter -> number of tests run with the server default."
    )
    complete: bool = True


class Leaderboard(BaseModel):
    rows: list[LeaderboardRow]
    notes: list[str] = Field(default_factory=list)


# --------------------------------------------------------------------------------------------- inputs


def collect_run_dirs(paths: Sequence[str | Path]) -> list[Path]:
    """Each path is a run directory, or a folder whose direct subfolders are run directories."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if (path / RUN_FILE).is_file():
            found.append(path)
            continue
        if not path.is_dir():
            raise StoreError(f"{path} does not exist; pass a run directory or a folder of run directories")
        children = sorted(p for p in path.iterdir() if (p / RUN_FILE).is_file())
        if not children:
            raise StoreError(
                f"{path} is not a run directory and holds none (no {RUN_FILE} in it or its subfolders); "
                "pass the folder `run` wrote"
            )
        found.extend(children)
    unique: list[Path] = []
    for path in found:
        if path.resolve() not in {p.resolve() for p in unique}:
            unique.append(path)
    return unique


def load_runs(paths: Sequence[str | Path]) -> list[LoadedRun]:
    return [load_run(path) for path in collect_run_dirs(paths)]


# --------------------------------------------------------------------------------------------- ranking


def _rate(summary: RunSummary) -> Fraction | None:
    graded = summary.overall.passed + summary.overall.failed
    return Fraction(summary.overall.passed, graded) if graded else None


def rank_order(summaries: Sequence[RunSummary]) -> list[int]:
    """Indexes of `summaries` in leaderboard order: best pass rate first, runs with none last."""

    def key(i: int) -> tuple[int, Fraction, str, str]:
        rate = _rate(summaries[i])
        return (
            0 if rate is not None else 1,
            -(rate or Fraction(0)),
            summaries[i].label.casefold(),
            summaries[i].run_id,
        )

    return sorted(range(len(summaries)), key=key)


def build_leaderboard(summaries: Sequence[RunSummary]) -> Leaderboard:
    """Rows in `rank_order`; row i describes `summaries[rank_order(summaries)[i]]`."""
    ordered = [summaries[i] for i in rank_order(summaries)]
    labels = _unique_labels(ordered)
    rows: list[LeaderboardRow] = []
    leader_ci: tuple[float, float] | None = None
    previous_rate: Fraction | None = None
    rank = 0
    for position, summary in enumerate(ordered, start=1):
        rate = _rate(summary)
        if position == 1 or rate != previous_rate:
            rank = position
        previous_rate = rate
        overall = summary.overall
        ci = (overall.ci_low, overall.ci_high)
        if position == 1:
            vs = "leader"
            leader_ci = ci if None not in ci else None
        elif rate is not None and rate == _rate(ordered[0]):
            vs = "leader"
        elif leader_ci is not None and None not in ci and stats.intervals_overlap(leader_ci, ci):  # type: ignore[arg-type]
            vs = "not separable"
        else:
            vs = "behind"
        memory = summary.memory
        rows.append(
            LeaderboardRow(
                rank=rank,
                label=labels[position - 1],
                model=summary.model,
                locality=summary.locality,
                quantization=summary.quantization,
                run_id=summary.run_id,
                tests=overall.graded_tests,
                passed=overall.passed,
                failed=overall.failed,
                errors=overall.errors,
                repeat=summary.repeat,
                pass_rate=overall.pass_rate,
                ci_low=overall.ci_low,
                ci_high=overall.ci_high,
                pass_hat_n=overall.pass_hat_n,
                vs_leader=vs,
                total_time_s=summary.total_time_s,
                ttft_avg_s=summary.ttft.avg,
                ttft_p95_s=summary.ttft.p95,
                ttft_n=summary.ttft.n,
                first_output_avg_s=summary.first_output.avg,
                decode_tps_avg=summary.decode_tps.avg,
                decode_n=summary.decode_tps.n,
                memory_gpu_bytes=memory.gpu_bytes if memory else None,
                memory_rss_bytes=memory.rss_bytes if memory else None,
                memory_text=summary.memory_text,
                server_defaults={k: len(v) for k, v in summary.server_defaults.items()},
                complete=summary.complete,
            )
        )
    return Leaderboard(rows=rows, notes=_notes(ordered, rows))


def _unique_labels(summaries: Sequence[RunSummary]) -> list[str]:
    """The model (and quantization); the run id is added only where two rows would read the same."""
    plain = [s.label for s in summaries]
    return [
        f"{label} [{s.run_id}]" if plain.count(label) > 1 else label
        for label, s in zip(plain, summaries, strict=True)
    ]


def _notes(summaries: Sequence[RunSummary], rows: Sequence[LeaderboardRow]) -> list[str]:
    notes = [
        "Pass rate = passed / (passed + failed); infrastructure errors are listed apart and not counted.",
        "95% CI: Wilson score interval over the distinct tests graded. 'not separable': the interval "
        "overlaps the leader's, so this benchmark cannot tell the two apart.",
    ]
    versions = {(s.benchmark_version, s.benchmark_hash) for s in summaries}
    if len(versions) > 1:
        listed = ", ".join(sorted(f"{v} ({h[:12]})" for v, h in versions))
        notes.append(
            f"The runs used different benchmark versions: {listed}; their rates are not like for like."
        )
    lengths = {row.tests for row in rows}
    if len(lengths) > 1:
        notes.append(
            "The runs graded different numbers of tests ("
            + ", ".join(str(n) for n in sorted(lengths, reverse=True))
            + "): each pass rate is over that run's own tests."
        )
    repeats = {row.repeat for row in rows}
    if repeats != {1}:
        notes.append(
            "Runs with --repeat N count every attempt in passed/failed; pass^N is the share of tests "
            "passed on every attempt."
        )
    for summary in summaries:
        chunked = summary.output_token_sources.get("chunks", 0)
        if chunked:
            notes.append(
                f"{summary.label}: output tokens of {chunked} request(s) were counted from stream chunks "
                "(the server reported no usage); the figure may be low."
            )
        if summary.prompt_tokens is None:
            notes.append(f"{summary.label}: the server reported no prompt token counts (unknown).")
    for row in rows:
        for param, n in row.server_defaults.items():
            notes.append(
                f"{row.label}: {n} test(s) ran with the server default for {param} because the endpoint "
                "rejected it — an API limitation, not the model's."
            )
        if not row.complete:
            notes.append(f"{row.label}: the run did not finish; its figures cover the tests it completed.")
    return notes


# --------------------------------------------------------------------------------------------- outputs


def render(board: Leaderboard, fmt_name: str, redactor: Redactor | None = None) -> str:
    writers = {"md": to_markdown, "json": to_json, "csv": to_csv}
    if fmt_name not in writers:
        raise ValueError(f"unknown format {fmt_name!r}; use one of {', '.join(FORMATS)}")
    return (redactor or Redactor()).clean(writers[fmt_name](board))


def _md(text: str) -> str:
    """Untrusted text inside a Markdown table cell: no HTML, no cell breaks, no line breaks."""
    text = " ".join(text.split())
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("|", "&#124;"), ("`", "&#96;")):
        text = text.replace(char, entity)
    return text


def _rate_cell(row: LeaderboardRow) -> str:
    star = "*" if row.server_defaults else ""
    return fmt.pct(row.pass_rate) + star


def to_markdown(board: Leaderboard) -> str:
    repeats = sorted({r.repeat for r in board.rows})
    show_hat = repeats != [1]
    head = ["Rank", "Model", "Type", "Tests", "Passed", "Failed", "Errors", "Pass rate", "95% CI"]
    if show_hat:
        head.append("pass^N")
    head += ["vs leader", "Total time"]
    lines = ["## Leaderboard", "", _md_row(head), _md_row(["---"] * len(head))]
    for row in board.rows:
        cells = [
            str(row.rank),
            _md(row.label),
            row.locality,
            str(row.tests),
            str(row.passed),
            str(row.failed),
            str(row.errors),
            _rate_cell(row),
            fmt.ci(row.ci_low, row.ci_high),
        ]
        if show_hat:
            cells.append(f"{fmt.pct(row.pass_hat_n)} (N={row.repeat})")
        cells += [row.vs_leader, fmt.duration(row.total_time_s)]
        lines.append(_md_row(cells))
    lines += ["", "## Performance", ""]
    perf_head = ["Model", "Type", "TTFT avg", "TTFT p95 (N)", "First output avg", "Decode speed", "Memory"]
    lines += [_md_row(perf_head), _md_row(["---"] * len(perf_head))]
    for row in board.rows:
        lines.append(
            _md_row(
                [
                    _md(row.label),
                    row.locality,
                    fmt.ms(row.ttft_avg_s),
                    f"{fmt.ms(row.ttft_p95_s)} (N={row.ttft_n})",
                    fmt.ms(row.first_output_avg_s),
                    fmt.tps(row.decode_tps_avg),
                    _md(row.memory_text),
                ]
            )
        )
    lines.append("")
    if any(r.server_defaults for r in board.rows):
        lines.append("\\* ran some tests with the server default for a parameter the endpoint rejected.")
    lines += [f"- {_md(note)}" for note in board.notes]
    return "\n".join(lines) + "\n"


def _md_row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def to_json(board: Leaderboard) -> str:
    return json.dumps(board.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


CSV_FIELDS = [name for name in LeaderboardRow.model_fields if name != "server_defaults"] + ["server_defaults"]


def to_csv(board: Leaderboard) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for row in board.rows:
        data = row.model_dump(mode="json")
        data["server_defaults"] = ";".join(f"{k}={v}" for k, v in row.server_defaults.items())
        writer.writerow({k: _csv_cell(v) for k, v in data.items()})
    return buffer.getvalue()


def _csv_cell(value: object) -> object:
    # A model name such as "=HYPERLINK(...)" must not become a formula when the CSV opens in a sheet.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


def leaderboard_from_paths(paths: Sequence[str | Path]) -> Leaderboard:
    return build_leaderboard([summarize(run) for run in load_runs(paths)])
