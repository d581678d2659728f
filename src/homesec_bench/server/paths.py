"""Where the embedded server keeps what it builds: one per-user cache, pinned by version."""

from __future__ import annotations

import os
from pathlib import Path


def cache_root() -> Path:
    """`$HOMESEC_BENCH_CACHE`, else `${XDG_CACHE_HOME:-~/.cache}/homesec-bench` (not created here)."""
    explicit = os.environ.get("HOMESEC_BENCH_CACHE")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "homesec-bench"


def available_cores() -> int:
    # The affinity mask, not os.cpu_count(): containers and taskset often allow fewer cores than exist.
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)
