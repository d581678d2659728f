"""How numbers read in every report: one place, so the console, Markdown and HTML agree."""

from __future__ import annotations


def pct(value: float | None, digits: int = 1) -> str:
    return "n/a" if value is None else f"{value * 100:.{digits}f}%"


def ci(low: float | None, high: float | None) -> str:
    if low is None or high is None:
        return ""
    return f"{low * 100:.1f}–{high * 100:.1f}%"


def duration(seconds: float | None) -> str:
    """'2m 22s' like the seed's table; hours when a slow model needs them."""
    if seconds is None:
        return "n/a"
    if seconds < 60:
        return f"{seconds:.1f}s"
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h {minutes}m {secs}s"
    return f"{minutes}m {secs}s"


def ms(seconds: float | None) -> str:
    return "n/a" if seconds is None else f"{seconds * 1000:.0f} ms"


def tps(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f} tok/s"


def gb(n_bytes: int | None) -> str:
    """Memory in GiB, or MiB below 1 GiB (a 22 MB process is not "0.0 GB")."""
    if n_bytes is None:
        return "n/a"
    if n_bytes < 2**30:
        return f"{n_bytes / 2**20:.0f} MiB"
    return f"{n_bytes / 2**30:.1f} GiB"


def count(value: int | None) -> str:
    return "n/a" if value is None else f"{value:,}"


def duration_short(seconds: float | None) -> str:
    """A per-test time: '0.84s', or '1m 5s' past a minute."""
    if seconds is None:
        return "n/a"
    return f"{seconds:.2f}s" if seconds < 60 else duration(seconds)


def p_value(p: float | None) -> str:
    if p is None:
        return "n/a"
    return "<0.0001" if p < 1e-4 else f"{p:.2g}" if p < 0.01 else f"{p:.3f}".rstrip("0").rstrip(".")
