"""The statistics against values worked out by hand (the arithmetic is in the comments)."""

from __future__ import annotations

import math

import pytest

from homesec_bench import stats


def test_wilson_90_of_96_matches_the_hand_computed_interval() -> None:
    # p = .9375, z^2/n = .040017; centre = (.9375 + .020008) / 1.040017 = .92066;
    # half = 1.96 * sqrt(.9375 * .0625 / 96 + 3.8416 / 36864) / 1.040017 = .05038.
    low, high = stats.wilson_interval(90, 96)
    assert low == pytest.approx(0.8703, abs=5e-4)
    assert high == pytest.approx(0.9710, abs=5e-4)


def test_wilson_at_the_edges_stays_inside_zero_and_one() -> None:
    # 96/96: centre .98076, half .01924 -> low .96152, high 1.
    low, high = stats.wilson_interval(96, 96)
    assert low == pytest.approx(0.9615, abs=5e-4)
    assert high == pytest.approx(1.0)
    # 0/10: centre = .19208 / 1.38416 = .13877 = half -> (0, .2775).
    low, high = stats.wilson_interval(0, 10)
    assert low == pytest.approx(0.0, abs=1e-12)
    assert high == pytest.approx(0.2775, abs=5e-4)


def test_wilson_is_symmetric_and_narrows_with_more_tests() -> None:
    low, high = stats.wilson_interval(30, 40)
    mirror_low, mirror_high = stats.wilson_interval(10, 40)
    assert low == pytest.approx(1 - mirror_high)
    assert high == pytest.approx(1 - mirror_low)
    small = stats.wilson_interval(9, 10)
    large = stats.wilson_interval(900, 1000)
    assert large[1] - large[0] < small[1] - small[0]


def test_wilson_accepts_a_fractional_count_and_rejects_impossible_ones() -> None:
    low, high = stats.wilson_interval(45.5, 50)
    assert low < 45.5 / 50 < high
    assert stats.wilson_interval(0, 0) == (0.0, 1.0)
    with pytest.raises(ValueError):
        stats.wilson_interval(11, 10)


@pytest.mark.parametrize(
    ("b", "c", "expected"),
    [
        (1, 5, 0.21875),  # n=6: 2 * (C(6,0) + C(6,1)) / 2^6 = 2 * 7 / 64
        (0, 6, 0.03125),  # 2 * 1 / 64
        (2, 10, 0.0385742),  # n=12: 2 * (1 + 12 + 66) / 4096 = 158 / 4096
        (3, 3, 1.0),  # 2 * 42 / 64 > 1, capped
        (0, 1, 1.0),  # 2 * 1/2
        (0, 0, 1.0),  # no discordant pair, no evidence
    ],
)
def test_mcnemar_exact_matches_hand_computed_p(b: int, c: int, expected: float) -> None:
    assert stats.mcnemar_exact(b, c) == pytest.approx(expected, abs=1e-6)
    assert stats.mcnemar_exact(c, b) == pytest.approx(expected, abs=1e-6)


def test_mcnemar_exact_stays_exact_for_many_discordant_pairs() -> None:
    # 2^1200 overflows a float; the exact fraction must still give a tiny, positive p.
    p = stats.mcnemar_exact(400, 800)
    assert 0 < p < 1e-20
    assert math.isfinite(p)
    assert stats.mcnemar_exact(500, 520) > 0.5


def test_percentile_is_nearest_rank() -> None:
    values = list(range(20, 0, -1))  # 1..20, unsorted on purpose
    assert stats.percentile(values, 95) == 19  # rank ceil(.95 * 20) = 19
    assert stats.percentile(values, 50) == 10
    assert stats.percentile(values, 0) == 1
    assert stats.percentile(values, 100) == 20
    assert stats.percentile(range(1, 11), 95) == 10  # rank ceil(9.5) = 10
    assert stats.percentile([0.3], 95) == 0.3
    assert stats.percentile([], 95) is None
    with pytest.raises(ValueError):
        stats.percentile(values, 101)


def test_pass_hat_n_counts_tests_passed_on_every_attempt() -> None:
    outcomes = {"a": [True, True, True], "b": [True, False, True], "c": [False] * 3, "d": []}
    assert stats.pass_hat_n(outcomes) == pytest.approx(1 / 3)
    assert stats.pass_hat_n({}) is None


def test_intervals_overlap() -> None:
    assert stats.intervals_overlap((0.8, 0.9), (0.85, 0.95))
    assert stats.intervals_overlap((0.8, 0.9), (0.9, 0.95))
    assert not stats.intervals_overlap((0.8, 0.9), (0.91, 0.95))
