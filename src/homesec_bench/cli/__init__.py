"""The command line: thin wrappers that parse flags and call the library.

Kept free of imports on purpose: `main` is the entry point, and a Ctrl-C while Typer and the command
modules load must still end as one line and exit 130, not a traceback.
"""

from __future__ import annotations

import gc
import sys
from typing import Any

__all__ = ["app", "main"]


def main() -> None:
    # Loading a command creates some 50,000 objects that live as long as the process (modules,
    # classes, pydantic schemas); the cyclic collector would walk them again and again while they are
    # made. `cli.app.main` turns it back on once the command's modules are in, before the command runs.
    gc.disable()
    try:
        from homesec_bench.cli.app import main as run

        run()
    except KeyboardInterrupt:
        print("homesec-bench: error: interrupted", file=sys.stderr)
        raise SystemExit(130) from None
    finally:
        gc.enable()


def __getattr__(name: str) -> Any:
    if name == "app":
        from homesec_bench.cli.app import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
