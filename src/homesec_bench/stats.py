"""The few statistics the reports need, written out so each can be checked by hand.

- `wilson_interval`: the score interval for a binomial proportion. Unlike the normal ("Wald")
  interval it stays inside [0, 1] and behaves at 96/96, which matters when models score in the 90s.
- `mcnemar_exact`: the two-sided exact McNemar test for paired pass/fail outcomes (a binomial test on
  the discordant pairs), exact because a benchmark of ~100 tests gives too few discordant pairs for
  the chi-square approximation.
- `percentile`: nearest-rank, so a reported p95 is a latency that was actually observed.
- `pass_hat_n`: the share of tests passed on every attempt (pass^N), the reliability figure.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction

Z_95 = 1.959963984540054


def wilson_interval(k: float, n: float, z: float = Z_95) -> tuple[float, float]:
    """Wilson score interval for k successes out of n trials; (0.0, 1.0) when n is 0.

    `k` may be fractional: with repeated attempts the reports pass the mean pass rate times the number
    of distinct tests, because repeats of one test are not independent samples.
    """
    if n < 0 or k < 0 or k > n:
        raise ValueError(f"need 0 <= k <= n, got k={k}, n={n}")
    if n == 0:
        return (0.0, 1.0)
    p = k / n
    z2 = z * z
    denominator = 1.0 + z2 / n
    centre = (p + z2 / (2.0 * n)) / denominator
    half = z * math.sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n)) / denominator
    return (max(0.0, centre - half), min(1.0, centre + half))


def mcnemar_exact(b: int, c: int) -> float:
    """Two-sided exact McNemar p-value from the discordant counts.

    b: pairs where the first run passed and the second failed; c: the reverse. Under the null
    hypothesis each discordant pair is a fair coin, so p = 2 * P(X <= min(b, c)), X ~ Bin(b + c, 1/2),
    capped at 1. No discordant pairs at all gives p = 1 (no evidence of any difference).
    """
    if b < 0 or c < 0:
        raise ValueError(f"discordant counts must be >= 0, got b={b}, c={c}")
    n = b + c
    if n == 0:
        return 1.0
    tail = sum(math.comb(n, i) for i in range(min(b, c) + 1))
    # Exact rational arithmetic: 2**n overflows a float's precision long before n gets large.
    return float(min(Fraction(1), Fraction(2 * tail, 2**n)))


def percentile(values: Iterable[float], pct: float) -> float | None:
    """Nearest-rank percentile: the smallest observed value with at least pct% of values at or below it.

    Returns None for no values. pct=0 gives the minimum and pct=100 the maximum.
    """
    if not 0 <= pct <= 100:
        raise ValueError(f"percentile must be within 0..100, got {pct}")
    ordered = sorted(values)
    if not ordered:
        return None
    rank = max(1, math.ceil(pct / 100.0 * len(ordered)))
    return ordered[rank - 1]


def mean(values: Iterable[float]) -> float | None:
    items = list(values)
    return sum(items) / len(items) if items else None


def pass_hat_n(outcomes: Mapping[str, Sequence[bool]]) -> float | None:
    """Share of tests whose every graded attempt passed; tests with no graded attempt are left out."""
    graded = [attempts for attempts in outcomes.values() if attempts]
    if not graded:
        return None
    return sum(1 for attempts in graded if all(attempts)) / len(graded)


def intervals_overlap(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]
