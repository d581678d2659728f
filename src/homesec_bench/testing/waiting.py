"""Waiting for a condition, the one way tests wait: never for a duration.

The poll interval only paces the check; the limit is a generous backstop that turns a hang into a
failure naming what never happened, not a claim about how long anything should take.
"""

from __future__ import annotations

import time
from collections.abc import Callable

POLL_S = 0.02


def wait_for(condition: Callable[[], object], what: str, limit_s: float = 120.0) -> None:
    """Return once `condition()` is truthy; fail with "timed out waiting for <what>" past `limit_s`."""
    deadline = time.monotonic() + limit_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(POLL_S)
