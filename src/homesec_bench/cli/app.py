"""The Typer application every command module registers on."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="homesec-bench",
    help="Benchmark a home-security assistant model on any OpenAI-compatible endpoint.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def main() -> None:
    # Importing the command modules registers their commands on `app`.
    from homesec_bench.cli import commands_audit, commands_reports, commands_run  # noqa: F401

    app()
