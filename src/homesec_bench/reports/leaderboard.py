"""The leaderboard: several runs ranked by pass rate, honest about which gaps the data can resolve.

Who is ranked: only complete runs (they finished, and ran the whole benchmark, no --suite or --test
selection). They are ranked on the common set of tests, the tests every complete run graded, so no run
leads because it ran an easier subset. Partial runs (unfinished, or limited to a selection) are listed
apart, unranked, each compared with the leader on the tests the two share. When no run is complete,
all runs are ranked on the tests they all graded, and the notes say so.

Ranking uses exact fractions (passed / graded on the common set), so equal rates tie exactly and share a
rank (competition ranking: 1, 2, 2, 4). "vs leader" comes from the exact McNemar test on the tests both
runs graded (the same paired test `compare` uses): "behind" when p < 0.05, "not separable" otherwise.
Whether the two 95% Wilson intervals overlap is kept as `ci_overlaps_leader`, the weaker rule.
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
from homesec_bench.reports.cost import PriceBook, load_prices, run_cost
from homesec_bench.reports.quantization import QuantGroup, QuantRow, quantization_groups
from homesec_bench.reports.redact import Redactor
from homesec_bench.reports.summary import RunSummary, summarize
from homesec_bench.store import LoadedRun, StoreError, load_run
from homesec_bench.store.run_dir import RUN_FILE

Format = Literal["md", "json", "csv"]
ALPHA = 0.05
VsLeader = Literal["leader", "not separable", "behind", "ahead", "not comparable"]
FORMATS: tuple[str, ...] = ("md", "json", "csv")


class LeaderboardRow(BaseModel):
    rank: int | None = Field(description="None for a partial run, which is listed apart and not ranked.")
    ranked: bool = True
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
    common_tests: int = Field(0, description="Tests of the common set this run graded (ranked runs).")
    common_pass_rate: float | None = Field(None, description="Pass rate on the common set: the ranking key.")
    common_ci_low: float | None = None
    common_ci_high: float | None = None
    pass_hat_n: float | None = None
    vs_leader: VsLeader = Field(
        description="From the exact McNemar test on the tests shared with the leader."
    )
    vs_leader_p: float | None = None
    vs_leader_shared: int = Field(0, description="Tests graded by both this run and the leader.")
    ci_overlaps_leader: bool | None = Field(
        None, description="The 95% intervals overlap: a weaker, unpaired rule, kept for reference."
    )
    separable_from: list[str] = Field(
        default_factory=list, description="Runs this one differs from at p < 0.05 (exact McNemar, paired)."
    )
    total_time_s: float | None = None
    time_per_test_s: float | None = None
    concurrency: int | None = None
    ttft_avg_s: float | None = None
    ttft_p95_s: float | None = None
    ttft_n: int = 0
    first_output_avg_s: float | None = None
    decode_tps_avg: float | None = None
    decode_n: int = 0
    memory_gpu_bytes: int | None = None
    memory_rss_bytes: int | None = None
    memory_text: str = ""
    energy_wh: float | None = Field(None, description="GPU + CPU package energy; None: not measured.")
    energy_per_passed_test_wh: float | None = None
    energy_text: str = ""
    cost_usd: float | None = Field(None, description="Tokens x price; None: unknown or not charged.")
    cost_per_passed_test_usd: float | None = None
    cost_text: str = ""
    price_source: str | None = None
    machine: str = ""
    context_size: int | None = None
    server_props: str = ""
    server_defaults: dict[str, int] = Field(
        default_factory=dict, description="Rejected parameter -> number of tests run with the server default."
    )
    complete: bool = Field(True, description="Finished, and ran the whole benchmark.")
    finished: bool = True
    selection: str | None = None


class Leaderboard(BaseModel):
    rows: list[LeaderboardRow]
    common_tests: int = Field(default=0, description="Size of the common set the ranked runs are ranked on.")
    pairwise_p: list[list[float | None]] = Field(
        default_factory=list, description="Exact McNemar p between rows i and j on their shared tests."
    )
    notes: list[str] = Field(default_factory=list)
    quantization: list[QuantGroup] = Field(
        default_factory=list, description="Models run at two or more quantizations, most bits first."
    )


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


def load_runs(paths: Sequence[str | Path], *, transcripts: bool = True) -> list[LoadedRun]:
    """Every run under `paths`; without transcripts for a summary or a leaderboard (see load_run)."""
    return [load_run(path, transcripts=transcripts) for path in collect_run_dirs(paths)]


# --------------------------------------------------------------------------------------------- ranking


def _paired(per_test: dict[str, tuple[int, int]]) -> dict[str, bool]:
    """Test -> passed on a strict majority of its graded attempts (the rule `compare` pairs with)."""
    return {test: passed * 2 > graded for test, (passed, graded) in per_test.items() if graded}


def paired_test(a: RunSummary, b: RunSummary) -> tuple[int, int, int, float]:
    """(shared graded tests, only A passed, only B passed, exact McNemar p) for two runs."""
    pa, pb = _paired(a.per_test), _paired(b.per_test)
    shared = pa.keys() & pb.keys()
    only_a = sum(pa[t] and not pb[t] for t in shared)
    only_b = sum(pb[t] and not pa[t] for t in shared)
    return len(shared), only_a, only_b, stats.mcnemar_exact(only_a, only_b)


def common_tests(summaries: Sequence[RunSummary]) -> set[str]:
    """Tests graded (pass or fail on some attempt) by every one of `summaries`."""
    sets = [{t for t, (_, graded) in s.per_test.items() if graded} for s in summaries]
    return set.intersection(*sets) if sets else set()


def _rate_on(summary: RunSummary, tests: set[str]) -> Fraction | None:
    passed = graded = 0
    for test in tests:
        p, g = summary.per_test.get(test, (0, 0))
        passed, graded = passed + p, graded + g
    return Fraction(passed, graded) if graded else None


def ranked_set(summaries: Sequence[RunSummary]) -> tuple[list[int], set[str]]:
    """Indexes of the runs that are ranked (the complete ones; all, when none is) and the tests they
    are ranked on."""
    ranked = [i for i, s in enumerate(summaries) if s.complete] or list(range(len(summaries)))
    return ranked, common_tests([summaries[i] for i in ranked])


def _rate(summary: RunSummary) -> Fraction | None:
    graded = summary.overall.passed + summary.overall.failed
    return Fraction(summary.overall.passed, graded) if graded else None


def rank_order(summaries: Sequence[RunSummary]) -> list[int]:
    """Indexes of `summaries` in leaderboard order: ranked runs by their rate on the common tests, best
    first (runs with none last); then the partial runs by their own rate."""
    ranked, common = ranked_set(summaries)

    def key(i: int, rate: Fraction | None) -> tuple[int, Fraction, str, str]:
        return (
            0 if rate is not None else 1,
            -(rate or Fraction(0)),
            summaries[i].label.casefold(),
            summaries[i].run_id,
        )

    first = sorted(ranked, key=lambda i: key(i, _rate_on(summaries[i], common)))
    rest = sorted(
        (i for i in range(len(summaries)) if i not in ranked), key=lambda i: key(i, _rate(summaries[i]))
    )
    return first + rest


def build_leaderboard(summaries: Sequence[RunSummary], prices: PriceBook | None = None) -> Leaderboard:
    """Rows in `rank_order`; row i describes `summaries[rank_order(summaries)[i]]`. Costs use `prices`
    (default: the shipped price file)."""
    if not summaries:
        return Leaderboard(rows=[])
    prices = prices or load_prices()
    ranked_idx, common = ranked_set(summaries)
    order = rank_order(summaries)
    ordered = [summaries[i] for i in order]
    is_ranked = [i in ranked_idx for i in order]
    labels = _unique_labels(ordered)
    n = len(ordered)
    pairwise: list[list[float | None]] = [[None] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            shared, _, _, p = paired_test(ordered[i], ordered[j])
            pairwise[i][j] = pairwise[j][i] = p if shared else None
    rows: list[LeaderboardRow] = []
    leader = ordered[0]
    leader_rate = _rate_on(leader, common)
    leader_ci = (leader.overall.ci_low, leader.overall.ci_high)
    previous_rate: Fraction | None = None
    rank = 0
    for position, summary in enumerate(ordered):
        overall = summary.overall
        common_rate = _rate_on(summary, common) if is_ranked[position] else None
        graded_common = (
            sum(1 for t in common if summary.per_test.get(t, (0, 0))[1]) if is_ranked[position] else 0
        )
        low, high = (
            stats.wilson_interval(float(common_rate) * graded_common, graded_common)
            if common_rate is not None and graded_common
            else (None, None)
        )
        row_rank: int | None = None
        if is_ranked[position]:
            if position == 0 or common_rate != previous_rate:
                rank = position + 1
            previous_rate = common_rate
            row_rank = rank
        shared, only_a, only_b, p = paired_test(summary, leader) if position else (0, 0, 0, 1.0)
        vs: str
        tied = is_ranked[position] and common_rate is not None and common_rate == leader_rate
        if position == 0 or tied:
            vs = "leader"
        elif not shared:
            vs = "not comparable"
        elif p < ALPHA:
            vs = "ahead" if only_a > only_b else "behind"
        else:
            vs = "not separable"
        ci = (overall.ci_low, overall.ci_high)
        overlaps = (
            stats.intervals_overlap(leader_ci, ci)  # type: ignore[arg-type]
            if position and None not in ci and None not in leader_ci
            else None
        )
        separable = [
            labels[j]
            for j in range(n)
            if j != position and (q := pairwise[position][j]) is not None and q < ALPHA
        ]
        memory = summary.memory
        cost = run_cost(summary, prices)
        rows.append(
            LeaderboardRow(
                rank=row_rank,
                ranked=is_ranked[position],
                label=labels[position],
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
                common_tests=graded_common,
                common_pass_rate=float(common_rate) if common_rate is not None else None,
                common_ci_low=low,
                common_ci_high=high,
                pass_hat_n=overall.pass_hat_n,
                vs_leader=vs,  # type: ignore[arg-type]
                vs_leader_p=p if position and shared else None,
                vs_leader_shared=shared,
                ci_overlaps_leader=overlaps,
                separable_from=separable,
                total_time_s=summary.total_time_s,
                time_per_test_s=summary.time_per_test_s,
                concurrency=summary.concurrency,
                ttft_avg_s=summary.ttft.avg,
                ttft_p95_s=summary.ttft.p95,
                ttft_n=summary.ttft.n,
                first_output_avg_s=summary.first_output.avg,
                decode_tps_avg=summary.decode_tps.avg,
                decode_n=summary.decode_tps.n,
                memory_gpu_bytes=memory.gpu_bytes if memory else None,
                memory_rss_bytes=memory.rss_bytes if memory else None,
                memory_text=summary.memory_text,
                energy_wh=summary.energy_wh,
                energy_per_passed_test_wh=(
                    summary.energy_wh / overall.passed
                    if summary.energy_wh is not None and overall.passed
                    else None
                ),
                energy_text=summary.energy_text,
                cost_usd=cost.usd,
                cost_per_passed_test_usd=cost.per_passed_test_usd,
                cost_text=cost.text,
                price_source=f"{cost.price.source} ({cost.price.as_of})" if cost.price else None,
                machine=summary.machine_text,
                context_size=summary.context_size,
                server_props=summary.server_props_text,
                server_defaults={k: len(v) for k, v in summary.server_defaults.items()},
                complete=summary.complete,
                finished=summary.finished,
                selection=summary.selection,
            )
        )
    return Leaderboard(
        rows=rows,
        quantization=quantization_groups(ordered, labels),
        common_tests=len(common),
        pairwise_p=pairwise,
        notes=_notes(ordered, rows, len(common), all(is_ranked) and not any(s.complete for s in ordered)),
    )


def _unique_labels(summaries: Sequence[RunSummary]) -> list[str]:
    """The model (and quantization); the run id is added only where two rows would read the same."""
    plain = [s.label for s in summaries]
    return [
        f"{label} [{s.run_id}]" if plain.count(label) > 1 else label
        for label, s in zip(plain, summaries, strict=True)
    ]


def _notes(
    summaries: Sequence[RunSummary], rows: Sequence[LeaderboardRow], common: int, none_complete: bool
) -> list[str]:
    notes = [
        "Pass rate = passed / (passed + failed); infrastructure errors are listed apart and not counted.",
        f"Ranked on the {common} tests every ranked run graded (the common set); 95% CI: Wilson score "
        "interval over the distinct tests graded.",
        "vs leader: exact McNemar test on the tests both runs graded (the paired test the compare command "
        "uses); 'behind' means p below 0.05, 'not separable' means the gap may be chance. Overlapping 95% "
        "intervals (ci_overlaps_leader) is a weaker, unpaired rule, shown for reference only.",
    ]
    if none_complete:
        notes.append(
            f"No run is complete (finished, whole benchmark): every run is ranked on the {common} tests "
            "they all graded, a shared subset of the benchmark."
        )
    partial = [row for row in rows if not row.ranked]
    if partial:
        notes.append(
            "Partial runs (unfinished, or limited by --suite/--test) are listed apart and not ranked; "
            "their 'vs leader' is on the tests they share with the leader: "
            + ", ".join(f"{row.label} ({row.selection or 'did not finish'})" for row in partial)
            + "."
        )
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
            + "): 'Pass rate' is over each run's own tests, 'Common' over the common set."
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
        if not row.finished:
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


def _vs_cell(row: LeaderboardRow) -> str:
    if row.vs_leader_p is None:
        return row.vs_leader
    return f"{row.vs_leader} (p={fmt.p_value(row.vs_leader_p)}, n={row.vs_leader_shared})"


def to_markdown(board: Leaderboard) -> str:
    repeats = sorted({r.repeat for r in board.rows})
    show_hat = repeats != [1]
    head = ["Rank", "Model", "Type", "Tests", "Passed", "Failed", "Errors", "Pass rate", "95% CI"]
    head.append(f"Common ({board.common_tests})")
    if show_hat:
        head.append("pass^N")
    head += ["vs leader (McNemar)", "Time/test (conc.)"]
    lines = ["## Leaderboard", ""]

    def table(rows: Sequence[LeaderboardRow]) -> list[str]:
        out = [_md_row(head), _md_row(["---"] * len(head))]
        for row in rows:
            cells = [
                str(row.rank) if row.rank is not None else "—",
                _md(row.label),
                row.locality,
                str(row.tests),
                str(row.passed),
                str(row.failed),
                str(row.errors),
                _rate_cell(row),
                fmt.ci(row.ci_low, row.ci_high),
                fmt.pct(row.common_pass_rate) if row.ranked else "not ranked",
            ]
            if show_hat:
                cells.append(f"{fmt.pct(row.pass_hat_n)} (N={row.repeat})")
            cells += [_vs_cell(row), _speed_cell(row)]
            out.append(_md_row(cells))
        return out

    lines += table([r for r in board.rows if r.ranked])
    partial = [r for r in board.rows if not r.ranked]
    if partial:
        lines += ["", "### Partial runs (not ranked)", ""]
        lines += table(partial)
    lines += ["", "## Performance", ""]
    perf_head = [
        "Model",
        "Type",
        "Time/test",
        "Concurrency",
        "TTFT avg",
        "TTFT p95 (N)",
        "First output avg",
        "Decode speed",
        "Memory",
        "Energy",
        "Cost",
        "Context",
        "Machine",
    ]
    lines += [_md_row(perf_head), _md_row(["---"] * len(perf_head))]
    for row in board.rows:
        lines.append(
            _md_row(
                [
                    _md(row.label),
                    row.locality,
                    fmt.duration_short(row.time_per_test_s),
                    str(row.concurrency or "?"),
                    fmt.ms(row.ttft_avg_s),
                    f"{fmt.ms(row.ttft_p95_s)} (N={row.ttft_n})",
                    fmt.ms(row.first_output_avg_s),
                    fmt.tps(row.decode_tps_avg),
                    _md(row.memory_text),
                    _md(row.energy_text),
                    _md(row.cost_text),
                    str(row.context_size) if row.context_size else "not reported",
                    _md(row.machine),
                ]
            )
        )
    lines.append("")
    lines += _quantization_markdown(board.quantization)
    if any(r.server_defaults for r in board.rows):
        lines.append("\\* ran some tests with the server default for a parameter the endpoint rejected.")
    lines += [f"- {_md(note)}" for note in board.notes]
    return "\n".join(lines) + "\n"


def _quantization_markdown(groups: Sequence[QuantGroup]) -> list[str]:
    lines: list[str] = []
    for group in groups:
        lines += [f"## Quantization: {_md(group.model)}", ""]
        head = ["Quantization", "Bits/weight", "Tests", "Pass rate", "95% CI", "vs more bits (McNemar)"]
        head += ["TTFT avg", "Decode speed", "Memory"]
        lines += [_md_row(head), _md_row(["---"] * len(head))]
        for row in group.rows:
            lines.append(
                _md_row(
                    [
                        _md(row.quantization),
                        f"{row.bits_per_weight:g}" if row.bits_per_weight is not None else "unknown",
                        str(row.tests),
                        fmt.pct(row.pass_rate),
                        fmt.ci(row.ci_low, row.ci_high),
                        _vs_more_bits(row),
                        fmt.ms(row.ttft_avg_s),
                        fmt.tps(row.decode_tps_avg),
                        fmt.gb(row.memory_gpu_bytes or row.memory_rss_bytes)
                        if (row.memory_gpu_bytes or row.memory_rss_bytes)
                        else "not known",
                    ]
                )
            )
        lines += [
            "",
            "Bits per weight are llama.cpp's nominal figures for each type. Each row is paired with the row "
            "above it (exact McNemar on the tests both graded): lost = passed with more bits, failed here.",
            "",
        ]
    return lines


def _vs_more_bits(row: QuantRow) -> str:
    if row.vs_more_bits is None:
        return "—"
    if row.vs_more_bits_p is None:
        return f"vs {_md(row.vs_more_bits)}: no shared tests"
    verdict = "differs" if row.vs_more_bits_p < ALPHA else "not separable"
    return (
        f"vs {_md(row.vs_more_bits)}: {verdict} (lost {row.lost}, gained {row.gained}, "
        f"p={fmt.p_value(row.vs_more_bits_p)}, n={row.vs_more_bits_shared})"
    )


def _speed_cell(row: LeaderboardRow) -> str:
    return f"{fmt.duration_short(row.time_per_test_s)} (×{row.concurrency or '?'})"


def _md_row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def to_json(board: Leaderboard) -> str:
    return json.dumps(board.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


CSV_FIELDS = [
    name for name in LeaderboardRow.model_fields if name not in ("server_defaults", "separable_from")
] + ["separable_from", "server_defaults"]


def to_csv(board: Leaderboard) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for row in board.rows:
        data = row.model_dump(mode="json")
        data["server_defaults"] = ";".join(f"{k}={v}" for k, v in row.server_defaults.items())
        data["separable_from"] = ";".join(row.separable_from)
        writer.writerow({k: _csv_cell(v) for k, v in data.items()})
    return buffer.getvalue()


def _csv_cell(value: object) -> object:
    # A model name such as "=HYPERLINK(...)" must not become a formula when the CSV opens in a sheet.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


def leaderboard_from_paths(paths: Sequence[str | Path], prices: PriceBook | None = None) -> Leaderboard:
    return build_leaderboard([summarize(run) for run in load_runs(paths, transcripts=False)], prices)
