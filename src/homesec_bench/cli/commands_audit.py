"""`requests` and `audit`: dump blind requests, and measure the graders against labelled answers."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from homesec_bench.cli.app import app
from homesec_bench.cli.exit_codes import ExitCode, fail, fail_for


@app.command("requests")
def requests_command(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write <suite>.jsonl and images/ into.")],
    suite: Annotated[list[str] | None, typer.Option("--suite", help="Only this suite (repeatable).")] = None,
    test: Annotated[list[str] | None, typer.Option("--test", help="Only this test id (repeatable).")] = None,
    vlm_image_size: Annotated[
        int | None, typer.Option("--vlm-image-size", help="Shrink frames as a run would.")
    ] = None,
) -> None:
    """Write what the model sees for each test, with no reference or grader data, for blind audit writing."""
    from homesec_bench.audit.blind import dump_blind_requests
    from homesec_bench.suites.loader import load_benchmark

    try:
        bench = load_benchmark()
        paths = dump_blind_requests(bench, out, suites=suite, test_ids=test, max_side=vlm_image_size)
    except OSError as exc:
        fail(ExitCode.OUTPUT, f"cannot write {out} ({exc.strerror or exc}); choose a writable --out")
    except Exception as exc:
        fail_for(exc)
    typer.echo(f"wrote {len(paths)} suite files to {out}")


@app.command("audit")
def audit_command(
    folder: Annotated[
        Path, typer.Argument(help="The audit folder (answers/*.yaml and decisions.yaml).")
    ] = Path("audit"),
    show: Annotated[bool, typer.Option("--show", help="List every disagreement with its reason.")] = False,
) -> None:
    """Grade the labelled audit answers; print agreement per suite, false passes and false fails.

    Exits 11 when a labelled answer and its verdict disagree (after the settled decisions)."""
    from homesec_bench.audit.agreement import audit_agreement
    from homesec_bench.audit.answers import load_audit_set
    from homesec_bench.audit.report import render_audit
    from homesec_bench.suites.loader import load_benchmark

    if not (folder / "answers").is_dir():
        fail(ExitCode.USAGE, f"{folder} has no answers/ folder; pass the audit folder (e.g. audit/)")
    try:
        audit = load_audit_set(folder)
        bench = load_benchmark()
    except Exception as exc:
        fail_for(exc)
    report = audit_agreement(audit, bench, workers=os.cpu_count() or 1)
    typer.echo(render_audit(report, show_disagreements=show), nl=False)
    if report.disagreements or report.unknown_tests or report.stale_decisions:
        raise SystemExit(int(ExitCode.AUDIT_DISAGREES))
