"""Wilson score intervals for released proportions: known values, symmetry,
bounds, and refusal of impossible inputs."""

from __future__ import annotations

import pytest

from surveys.stats import wilson_interval


def test_none_of_ten_gives_the_known_upper_bound():
    low, high = wilson_interval(0, 10)
    # z^2 / (n + z^2) with z = 1.96: the interval is not the degenerate [0, 0].
    assert low == 0.0 and high == pytest.approx(0.2775, abs=1e-4)


def test_half_is_centred_and_narrows_as_n_grows():
    low, high = wilson_interval(5, 10)
    assert low + high == pytest.approx(1.0)
    wide, narrow = high - low, (lambda lo, hi: hi - lo)(*wilson_interval(50, 100))
    assert narrow < wide


@pytest.mark.parametrize("successes, n", [(0, 1), (1, 1), (3, 7), (7, 7), (1, 1000)])
def test_the_interval_holds_the_proportion_and_stays_within_0_and_1(successes, n):
    low, high = wilson_interval(successes, n)
    assert 0.0 <= low <= successes / n <= high <= 1.0


@pytest.mark.parametrize("successes, n", [(0, 0), (1, 0), (-1, 5), (6, 5)])
def test_impossible_counts_are_refused(successes, n):
    with pytest.raises(ValueError):
        wilson_interval(successes, n)
