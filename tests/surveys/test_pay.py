"""Pay bands and the nearest-rank quartiles (surveys.pay), pure: bands refused
where a pay would fall in no band or in two, amounts read as typed, and the
middle and quarters against hand computation and a brute-force recount."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from surveys import pay
from surveys.errors import SurveyError
from surveys.pay import Band


@pytest.fixture(autouse=True)
def _in_a_request(app_ctx):
    """Refusals are worded through the catalogue: an app context is enough."""
    with app_ctx.test_request_context():
        yield


# -- amounts --------------------------------------------------------------------------------------

@pytest.mark.parametrize("typed, cents", [
    ("19", 1900), ("$19", 1900), ("19.50", 1950), ("19.5", 1950), ("19,50", 1950), ("45,000", 4_500_000),
    ("45.000", 4_500_000), ("1,234.56", 123_456), ("1.234,56", 123_456), (" $ 40 ", 4000), ("0", 0),
])
def test_amounts_read_as_typed(typed, cents):
    assert pay.parse_amount(typed) == cents


@pytest.mark.parametrize("typed", ["", "abc", "19.5.5x", "12,34,56", "-5", "19 dollars", "1e5"])
def test_what_is_no_amount_is_refused(typed):
    assert pay.parse_amount(typed) is None


# -- bands ----------------------------------------------------------------------------------------

def test_bands_in_steps_run_from_the_start_without_gaps():
    bands = pay.bands_in_steps(1500, 100, 3, open_top=True)
    assert bands == (Band(1500, 1600), Band(1600, 1700), Band(1700, 1800), Band(1800, None))
    assert pay.bands_in_steps(4_000_000, 500_000, 2, open_top=False) == (
        Band(4_000_000, 4_500_000), Band(4_500_000, 5_000_000))


@pytest.mark.parametrize("bands, words", [
    ([Band(1500, 1600), Band(1550, 1700)], "overlap"),
    ([Band(1500, 1600), Band(1650, 1700)], "gap"),
    ([Band(1500, 1500), Band(1500, 1600)], "holds no pay"),
    ([Band(1600, 1500), Band(1500, 1600)], "holds no pay"),
    ([Band(1500, None), Band(1600, 1700)], "Only the last band"),
    ([Band(1500, 1600)], "at least two"),
    ([Band(i * 100, (i + 1) * 100) for i in range(pay.MAX_BANDS + 1)], "at most 60"),
])
def test_bands_that_leave_a_pay_in_no_band_or_two_are_refused(bands, words):
    with pytest.raises(SurveyError) as refused:
        pay.check_bands(bands)
    assert words in refused.value.message
    assert refused.value.field == "bands"


def test_sixty_bands_are_taken_and_sixty_one_are_not():
    assert len(pay.bands_in_steps(0, 100, pay.MAX_BANDS - 1, open_top=True)) == pay.MAX_BANDS
    with pytest.raises(SurveyError, match="at most 60"):
        pay.bands_in_steps(0, 100, pay.MAX_BANDS, open_top=True)
    with pytest.raises(SurveyError, match="wider than nothing"):
        pay.bands_in_steps(1500, 0, 10, open_top=True)


def test_a_list_of_bands_is_read_line_by_line():
    bands = pay.parse_band_list("15-16\n$16 to $17.50\n\n17,50 – 20\n20+\n")
    assert bands == (Band(1500, 1600), Band(1600, 1750), Band(1750, 2000), Band(2000, None))
    assert pay.parse_band_list("40,000-45,000\n45,000 and over") == (Band(4_000_000, 4_500_000),
                                                                    Band(4_500_000, None))


@pytest.mark.parametrize("text, words", [
    ("15-16\n16-17\nseventeen", "Line 3"),
    ("15-16\n15.50-17", "overlap"),
    ("15-16\n17-18", "gap"),
    ("15-15\n15-16", "holds no pay"),
    ("20+\n15-16", "Only the last band"),
    ("15-16", "at least two"),
    ("\n".join(f"{i}-{i + 1}" for i in range(61)), "at most 60"),
])
def test_a_bad_list_of_bands_is_refused_with_what_is_wrong(text, words):
    with pytest.raises(SurveyError) as refused:
        pay.parse_band_list(text)
    assert words in refused.value.message


# -- the middle and the quarters -----------------------------------------------------------------

def test_quarters_by_hand():
    # 14 answers over five bands: 0, 2, 3, 5, 4 (in order: b1 b1 b2 b2 b2 b3 b3 b3 b3 b3 b4 b4 b4 b4).
    # The 4th answer (ceil 14/4 = 4) is in band 2, the 7th (14/2) in band 3, the 11th (ceil 42/4 = 11) in band 4.
    assert pay.quarters([0, 2, 3, 5, 4]) == pay.Quarters(bottom=2, middle=3, top=4)
    # 5 answers: the 2nd, 3rd and 4th (ceil 5/4 = 2, ceil 5/2 = 3, ceil 15/4 = 4).
    assert pay.quarters([1, 1, 1, 1, 1]) == pay.Quarters(1, 2, 3)
    # 4 answers: the 1st, 2nd and 3rd.
    assert pay.quarters([1, 0, 3]) == pay.Quarters(0, 2, 2)
    # All in one band: every quarter is it.
    assert pay.quarters([0, 0, 7, 0]) == pay.Quarters(2, 2, 2)
    assert pay.quarters([0, 0, 0]) is None


def _expanded(counts: list[int]) -> list[int]:
    return [band for band, count in enumerate(counts) for _ in range(count)]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 6), min_size=2, max_size=12).filter(lambda counts: sum(counts) > 0))
def test_quarters_are_the_nearest_rank_answers_of_the_sorted_list(counts):
    answers = _expanded(counts)  # already in order, lowest band first
    n = len(answers)
    found = pay.quarters(counts)
    assert found.bottom == answers[-(-n // 4) - 1]
    assert found.middle == answers[-(-n // 2) - 1]
    assert found.top == answers[-(-3 * n // 4) - 1]
    assert found.bottom <= found.middle <= found.top
    # What the page says of them holds: at least a quarter at or above the top quarter's band,
    # at least half at or below the middle's and at or above it, at least a quarter at or below the bottom's.
    assert 4 * sum(1 for a in answers if a >= found.top) >= n
    assert 2 * sum(1 for a in answers if a <= found.middle) >= n
    assert 2 * sum(1 for a in answers if a >= found.middle) >= n
    assert 4 * sum(1 for a in answers if a <= found.bottom) >= n


def test_the_gap_between_two_middles_by_hand():
    bands = pay.bands_in_steps(1500, 100, 10, open_top=True)
    # $19-20 and $23-24: four bands apart, $3 to $5 an hour.
    assert pay.gap_between(bands, 8, 4) == pay.Gap(4, 300, 500)
    assert pay.gap_between(bands, 4, 4) == pay.Gap(0, 0, 100)
    # The open top band ($25 and over) against $19-20: at least $5, no most.
    assert pay.gap_between(bands, 10, 4) == pay.Gap(6, 500, None)
    with pytest.raises(ValueError):
        pay.gap_between(bands, 3, 4)
