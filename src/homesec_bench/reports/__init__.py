"""Reports rebuilt from run directories: console summary, leaderboard, comparison and HTML report.

Names load on first use: the runner imports `reports.redact` on every start, and must not pay for
Jinja, Rich tables and the HTML report with it.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

# Name -> the module (under homesec_bench.reports) defining it.
_EXPORTS = {
    "CompareError": "compare",
    "Comparison": "compare",
    "compare_runs": "compare",
    "print_comparison": "compare",
    "print_run_summary": "console",
    "build_report": "html",
    "write_report": "html",
    "Leaderboard": "leaderboard",
    "build_leaderboard": "leaderboard",
    "load_runs": "leaderboard",
    "render": "leaderboard",
    "RunSummary": "summary",
    "summarize": "summary",
}

if TYPE_CHECKING:
    from homesec_bench.reports.compare import CompareError, Comparison, compare_runs, print_comparison
    from homesec_bench.reports.console import print_run_summary
    from homesec_bench.reports.html import build_report, write_report
    from homesec_bench.reports.leaderboard import Leaderboard, build_leaderboard, load_runs, render
    from homesec_bench.reports.summary import RunSummary, summarize

__all__ = [
    "CompareError",
    "Comparison",
    "Leaderboard",
    "RunSummary",
    "build_leaderboard",
    "build_report",
    "compare_runs",
    "load_runs",
    "print_comparison",
    "print_run_summary",
    "render",
    "summarize",
    "write_report",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{module}"), name)
