"""Reports rebuilt from run directories: console summary, leaderboard, comparison and HTML report."""

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
