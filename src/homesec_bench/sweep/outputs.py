"""A sweep's shared outputs: the leaderboard (MD, JSON, CSV) and the HTML report over all its runs.

They are made by the same code as `homesec-bench leaderboard` and `homesec-bench report`, from the
run directories in the sweep folder (finished and partial ones; a partial run is listed apart).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from homesec_bench.reports.cost import PriceBook
from homesec_bench.reports.html import write_report
from homesec_bench.reports.leaderboard import build_leaderboard, render
from homesec_bench.reports.redact import Redactor
from homesec_bench.reports.summary import RunSummary, summarize
from homesec_bench.store import load_run
from homesec_bench.store.files import write_text_atomic
from homesec_bench.store.run_dir import RUN_FILE

BOARD_FILES = {"md": "leaderboard.md", "json": "leaderboard.json", "csv": "leaderboard.csv"}
REPORT_FILE = "report.html"


@dataclass
class Outputs:
    files: list[Path] = field(default_factory=list)
    summaries: dict[str, RunSummary] = field(default_factory=dict)  # run name -> its summary


def write_outputs(folder: Path, run_names: list[str], title: str, prices: PriceBook | None = None) -> Outputs:
    """Write the leaderboards and the report for the named runs that have a run directory.

    Writes nothing when no run has a directory yet. Raises OSError, StoreError."""
    names = [name for name in run_names if (folder / name / RUN_FILE).is_file()]
    loaded = [load_run(folder / name) for name in names]
    outputs = Outputs(summaries={name: summarize(run) for name, run in zip(names, loaded, strict=True)})
    if not loaded:
        return outputs
    board = build_leaderboard(list(outputs.summaries.values()), prices)
    for fmt_name, file_name in BOARD_FILES.items():
        path = folder / file_name
        write_text_atomic(path, render(board, fmt_name, Redactor()), fsync=False)
        outputs.files.append(path)
    outputs.files.append(write_report(loaded, folder / REPORT_FILE, title=title, prices=prices))
    return outputs
