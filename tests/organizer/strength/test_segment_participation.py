"""The organizers' participation by segment: shown beside the whole survey's, so the
respondents in no segment shown must be none or at least k, or one segment more is held
back (complementary suppression, as for results)."""

from __future__ import annotations

from organizer.strength.metrics import segment_participation
from surveys.results import ReleasedGroup, ReleasedResult


def _group(dimension: str | None, label: str, respondents: int, eligible: int, approved: bool = True):
    return ReleasedGroup(dimension, label, respondents, eligible, approved, None if approved else "too few", None)


def _pulse(whole: int, *groups: ReleasedGroup) -> ReleasedResult:
    by_dimension: dict[str, tuple] = {}
    for group in groups:
        by_dimension[group.dimension] = (*by_dimension.get(group.dimension, ()), group)
    return ReleasedResult(None, _group(None, "Everyone", whole, 40), by_dimension, 40)


def _shown(pulse: ReleasedResult, k: int = 5) -> list[tuple[str, int]]:
    return [(segment.label, segment.respondents) for segment in segment_participation(pulse, k)]


def test_a_withheld_segment_cannot_be_worked_out_from_the_whole():
    # 20 answered: Loading 9, Yard 10, and Office 1, withheld. Showing both others says Office's 1.
    pulse = _pulse(20, _group("department", "Loading", 9, 12), _group("department", "Yard", 10, 14),
                   _group("department", "Office", 1, 6, approved=False))
    assert _shown(pulse) == [("Yard", 10)]
    # With Office's 5 answers (at least k) shown apart, nothing more is held back.
    pulse = _pulse(24, _group("department", "Loading", 9, 12), _group("department", "Yard", 10, 14),
                   _group("department", "Office", 5, 6, approved=False))
    assert _shown(pulse) == [("Loading", 9), ("Yard", 10)]


def test_each_dimension_is_judged_on_its_own():
    pulse = _pulse(20, _group("department", "Loading", 9, 12), _group("department", "Yard", 11, 14),
                   _group("shift", "Day", 12, 20), _group("shift", "Night", 6, 20))
    # Departments cover all 20; the shifts leave 2 who answered in no shift shown.
    assert _shown(pulse) == [("Loading", 9), ("Yard", 11), ("Day", 12)]
