"""The Typer application every command module registers on.

Start-up is kept short: `homesec-bench --help` imports no command module (it lists `COMMANDS`), and a
command imports only the module that defines it, which imports what it needs.
"""

from __future__ import annotations

import contextlib
import gc
import sys
from importlib import import_module

import typer

HELP = "Benchmark a home-security assistant model on any OpenAI-compatible endpoint."

# Every command, in the order `--help` lists them: the module (under homesec_bench.cli) that registers
# it, and its one-line help (the first paragraph of its docstring; a test keeps the two equal).
COMMANDS: dict[str, tuple[str, str]] = {
    "requests": (
        "commands_audit",
        "Write what the model sees for each test, with no reference or grader data, for blind audit writing.",
    ),
    "audit": (
        "commands_audit",
        "Grade the labelled audit answers; print agreement per suite, false passes and false fails.",
    ),
    "leaderboard": (
        "commands_reports",
        "Rank runs by pass rate, with 95% intervals, ties ranked equal, and a performance table.",
    ),
    "compare": (
        "commands_reports",
        "Two runs side by side, per test, with an exact McNemar test on the tests both graded.",
    ),
    "report": (
        "commands_reports",
        "One self-contained HTML report: leaderboard, charts, and every transcript with filters.",
    ),
    "list": ("commands_list", "List the suites, their test counts, and each test's id and purpose."),
    "run": (
        "commands_run",
        "Run the benchmark against an endpoint (or the embedded default) and print the results.",
    ),
    "setup": (
        "commands_run",
        "Build (or find) llama-server and check the embedded model, so the first run starts at once.",
    ),
    "sweep": (
        "commands_sweep",
        "Run a matrix of runs (endpoints, GGUF files, repeats) from one YAML file and report them together.",
    ),
}


def _typer() -> typer.Typer:
    return typer.Typer(
        name="homesec-bench",
        help=HELP,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )


app = _typer()


@app.callback()
def _root() -> None:
    """Benchmark a home-security assistant model on any OpenAI-compatible endpoint."""


def load_commands(name: str | None = None) -> None:
    """Register command `name` on `app` by importing its module; every command when `name` is unknown."""
    modules = [COMMANDS[name][0]] if name in COMMANDS else sorted({m for m, _ in COMMANDS.values()})
    for module in modules:
        import_module(f"homesec_bench.cli.{module}")


def _help_app() -> typer.Typer:
    """An application with the commands' names and help only, for the top-level `--help`."""
    listing = _typer()
    # Plain click help, not Typer's rich panels: the rich renderer imports markdown-it, pygments and
    # rich's traceback machinery, which cost more than the rest of `--help` together (issue 12). Each
    # command's own --help keeps its panels. short_help is the whole line: click would cut it to fit.
    listing.rich_markup_mode = None

    @listing.callback()
    def _root() -> None:
        """Benchmark a home-security assistant model on any OpenAI-compatible endpoint."""

    def _listed() -> None:  # never called: only the help is shown
        raise SystemExit(0)

    for command, (_module, text) in COMMANDS.items():
        listing.command(command, help=text, short_help=text)(_listed)
    return listing


def main() -> None:
    """The commands; `homesec_bench.cli.main` (the entry point) turns a Ctrl-C into one line and 130."""
    # A terminal whose encoding is not UTF-8 gets '?' for what it cannot show, never a crash.
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(errors="replace")  # type: ignore[union-attr]
    args = sys.argv[1:]
    if not args or args[0] == "--help":
        _help_app()()
        return
    load_commands(args[0])
    # The entry point keeps the cyclic collector off while the modules load (homesec_bench.cli.main);
    # what they made lives as long as the process, so it is frozen out of every later collection.
    gc.freeze()
    gc.enable()
    app()
