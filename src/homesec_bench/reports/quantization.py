"""Quantization analysis: the same model at several quantizations, side by side against bits per weight.

Runs are grouped by their model with the quantization taken out of its name (`qwen3-8b-Q4_K_M` and
`qwen3-8b-Q8_0` are both `qwen3-8b`). A group needs two or more quantizations. Within a group the rows
run from most bits to fewest, and each row carries the exact McNemar test against its neighbour with
more bits on the tests both graded: the question "did this step down cost accuracy?".

Bits per weight are the nominal figures of llama.cpp's quantization types (what `llama-quantize` lists);
the mixed K-quants (…_K_M, …_K_S) average over a typical model, so read them as a position on the axis,
not a measurement of one file.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

from pydantic import BaseModel, Field

from homesec_bench.reports.summary import RunSummary

NOMINAL_BPW: dict[str, float] = {
    "F32": 32.0,
    "F16": 16.0,
    "BF16": 16.0,
    "Q8_0": 8.5,
    "Q6_K": 6.56,
    "Q5_1": 6.0,
    "Q5_K_M": 5.69,
    "Q5_K_S": 5.54,
    "Q5_0": 5.5,
    "Q4_1": 5.0,
    "Q4_K_M": 4.85,
    "Q4_K_S": 4.58,
    "Q4_0": 4.5,
    "IQ4_NL": 4.5,
    "IQ4_XS": 4.25,
    "Q3_K_L": 4.27,
    "Q3_K_M": 3.91,
    "IQ3_M": 3.66,
    "Q3_K_S": 3.5,
    "IQ3_S": 3.44,
    "IQ3_XS": 3.3,
    "IQ3_XXS": 3.06,
    "Q2_K": 2.63,
    "IQ2_M": 2.7,
    "IQ2_S": 2.5,
    "IQ2_XS": 2.31,
    "IQ2_XXS": 2.06,
    "IQ1_M": 1.75,
    "IQ1_S": 1.56,
}


class QuantRow(BaseModel):
    label: str
    run_id: str
    quantization: str
    bits_per_weight: float | None = Field(
        description="Nominal, from the quantization type; None: unknown type."
    )
    tests: int
    pass_rate: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    vs_more_bits: str | None = Field(
        default=None, description="The quantization this row is paired with (the next with more bits)."
    )
    vs_more_bits_p: float | None = None
    vs_more_bits_shared: int = 0
    lost: int = Field(default=0, description="Tests the neighbour with more bits passed and this one failed.")
    gained: int = Field(default=0, description="Tests this one passed and the neighbour failed.")
    ttft_avg_s: float | None = None
    decode_tps_avg: float | None = None
    memory_gpu_bytes: int | None = None
    memory_rss_bytes: int | None = None


class QuantGroup(BaseModel):
    model: str = Field(description="The model name with its quantization taken out.")
    rows: list[QuantRow]


def base_model(model: str, quantization: str) -> str:
    """`model` with the quantization (and the separator before it) removed: the model it quantizes."""
    pattern = re.compile(r"[-_. ]?" + re.escape(quantization) + r"(?![A-Za-z0-9])", re.IGNORECASE)
    stripped = pattern.sub("", model, count=1).strip("-_. ")
    return stripped.removesuffix(".gguf") or model


def quantization_groups(summaries: Sequence[RunSummary], labels: Sequence[str]) -> list[QuantGroup]:
    """Groups of two or more quantizations of one model; labels are the leaderboard's row labels."""
    from homesec_bench.reports.leaderboard import paired_test

    by_model: dict[str, list[tuple[RunSummary, str]]] = defaultdict(list)
    for summary, label in zip(summaries, labels, strict=True):
        if summary.quantization:
            by_model[base_model(summary.model, summary.quantization)].append((summary, label))
    groups = []
    for model, members in sorted(by_model.items()):
        if len({s.quantization for s, _ in members}) < 2:
            continue
        members.sort(key=lambda m: (-(NOMINAL_BPW.get((m[0].quantization or "").upper()) or 0.0), m[1]))
        rows = []
        for index, (summary, label) in enumerate(members):
            row = _row(summary, label)
            if index:
                more_bits, _ = members[index - 1]
                shared, this_only, that_only, p = paired_test(summary, more_bits)
                row.vs_more_bits = more_bits.quantization
                row.vs_more_bits_p = p if shared else None
                row.vs_more_bits_shared = shared
                row.lost, row.gained = that_only, this_only
            rows.append(row)
        groups.append(QuantGroup(model=model, rows=rows))
    return groups


def _row(summary: RunSummary, label: str) -> QuantRow:
    quant = summary.quantization or ""
    memory = summary.memory
    return QuantRow(
        label=label,
        run_id=summary.run_id,
        quantization=quant,
        bits_per_weight=NOMINAL_BPW.get(quant.upper()),
        tests=summary.overall.graded_tests,
        pass_rate=summary.overall.pass_rate,
        ci_low=summary.overall.ci_low,
        ci_high=summary.overall.ci_high,
        ttft_avg_s=summary.ttft.avg,
        decode_tps_avg=summary.decode_tps.avg,
        memory_gpu_bytes=memory.gpu_bytes if memory else None,
        memory_rss_bytes=memory.rss_bytes if memory else None,
    )
