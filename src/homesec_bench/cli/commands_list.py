"""`homesec-bench list`: the suites and their tests, or (`list presets`) the endpoint presets. Imports only
what listing needs, so it starts fast."""

# Plain annotations, not `from __future__ import annotations`: Typer reads the options from them at
# every start, and would otherwise parse each one from a string.

import json
from pathlib import Path
from typing import Annotated

import typer

from homesec_bench.cli.app import app
from homesec_bench.cli.exit_codes import ExitCode, fail, fail_for

SuitesDirOption = Annotated[
    Path | None,
    typer.Option(
        "--suites-dir",
        help="Load suites from this folder (world.yaml, tools.yaml, suite files), not the packaged ones.",
    ),
]


def _load_benchmark_or_exit(suites_dir: Path | None = None):  # type: ignore[no-untyped-def]
    from homesec_bench.suites import load_benchmark

    try:
        return load_benchmark(suites_dir)
    except Exception as exc:
        fail_for(exc)


@app.command("list")
def list_command(
    what: Annotated[
        str, typer.Argument(help="What to list: suites (the default) or presets.", show_default=False)
    ] = "suites",
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    ids: Annotated[bool, typer.Option("--ids", help="Only the test ids, one a line (for --test).")] = False,
    suite: Annotated[
        list[str] | None, typer.Option("--suite", help="Show the tests of these suites.")
    ] = None,
    suites_dir: SuitesDirOption = None,
) -> None:
    """List the suites, their test counts, and each test's id and purpose.

    `list presets` shows each endpoint preset instead: its base URL, the variable its API key is read
    from, and the provider's documented differences (`--json`: every fact with its source)."""
    if what == "presets":
        _list_presets(as_json)
        return
    if what != "suites":
        fail(ExitCode.USAGE, f"cannot list {what!r}; choose suites or presets")
    bench = _load_benchmark_or_exit(suites_dir)
    if suite:
        unknown = [s for s in suite if s not in bench.suites]
        if unknown:
            fail(ExitCode.UNKNOWN_SELECTION, f"unknown suite {', '.join(unknown)}; run `homesec-bench list`")
    chosen = [s for s in bench.suites.values() if not suite or s.name in suite]
    if as_json:
        payload = {
            "benchmark_version": bench.version,
            "benchmark_hash": bench.content_hash,
            "total_tests": sum(len(s.tests) for s in chosen),
            "suites": [
                {
                    "name": s.name,
                    "title": s.title,
                    "modality": s.modality,
                    "version": s.version,
                    "hash": s.content_hash,
                    "count": len(s.tests),
                    "tests": [{"id": t.id, "title": t.title, "purpose": t.purpose} for t in s.tests],
                }
                for s in chosen
            ],
        }
        print(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    if ids:
        print("\n".join(t.id for s in chosen for t in s.tests))
        return
    from rich.console import Console

    console = Console(stderr=False)
    if not console.is_terminal:
        # A pipe or a file: whole ids (the ones --test needs), never cut to a terminal's width.
        for s in chosen:
            kind = " (vision)" if s.modality == "vision" else ""
            print(f"{s.name}{kind}\t{len(s.tests)}\t{s.title}")
            for t in s.tests:
                print(f"  {t.id}\t\t{t.purpose}")
        return
    from rich.table import Table

    table = Table(title=f"homesec-bench {bench.version} ({bench.content_hash})")
    table.add_column("suite")
    table.add_column("tests", justify="right")
    table.add_column("what it checks")
    for s in chosen:
        table.add_row(f"{s.name}{' (vision)' if s.modality == 'vision' else ''}", str(len(s.tests)), s.title)
        for t in s.tests:
            table.add_row(f"  [dim]{t.id}[/dim]", "", f"[dim]{t.purpose}[/dim]")
    text = [s for s in chosen if s.modality == "text"]
    vision = [s for s in chosen if s.modality == "vision"]
    table.caption = (
        f"{len(text)} text suites, {sum(len(s.tests) for s in text)} tests; "
        f"{sum(len(s.tests) for s in vision)} vision tests"
    )
    console.print(table)


def _list_presets(as_json: bool) -> None:
    from homesec_bench.runner.presets import PRESETS

    if as_json:
        payload = [preset.model_dump(mode="json") for preset in PRESETS.values()]
        print(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    rows = [(p.name, p.base_url, p.key_env or "none needed", p.locality, p.note) for p in PRESETS.values()]
    from rich.console import Console

    console = Console(stderr=False)
    if not console.is_terminal:
        for row in rows:
            print("\t".join(row))
        return
    from rich.table import Table

    table = Table(title="endpoint presets (--preset NAME; --base-url and --api-key-env override)")
    for column in ("preset", "base URL", "API key variable", "where", "note"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*row)
    table.caption = "Each provider's documented limits, with sources: homesec-bench list presets --json"
    console.print(table)
