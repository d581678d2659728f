"""The Typer application every command module registers on."""

from __future__ import annotations

import contextlib
import sys

import typer

app = typer.Typer(
    name="homesec-bench",
    help="Benchmark a home-security assistant model on any OpenAI-compatible endpoint.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def main() -> None:
    """The commands; `homesec_bench.cli.main` (the entry point) turns a Ctrl-C into one line and 130."""
    # A terminal whose encoding is not UTF-8 gets '?' for what it cannot show, never a crash.
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(errors="replace")  # type: ignore[union-attr]
    # Importing the command modules registers their commands on `app`.
    from homesec_bench.cli import commands_audit, commands_reports, commands_run  # noqa: F401

    app()
