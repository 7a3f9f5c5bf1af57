"""The release rules (PRIVACY.md invariants 4 and 8), as pure functions: the
breakdown declared at launch (`plan_segments`) and what may be decrypted at
close (`decide_release`), by examples and by a property test over random
units, respondents, thresholds and earlier rounds."""

from __future__ import annotations

from collections import Counter, defaultdict
from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from surveys.release import OTHER, WHOLE, GroupSpec, candidate_groups, decide_release, plan_segments


def _people(**sizes_by_department: int) -> dict[str, dict[str, str]]:
    people = {}
    for department, size in sizes_by_department.items():
        for i in range(size):
            people[f"{department}:{i}"] = {"department": department}
    return people


def _eligible_by_group(plan, assignment) -> dict[str, int]:
    cell_sizes = Counter(assignment.values())
    return {g.key: sum(cell_sizes[c] for c in g.cells) for g in candidate_groups(plan)}


# -- plan_segments -------------------------------------------------------------------------------

def test_groups_of_at_least_k_are_kept_as_declared_cells():
    plan, assignment = plan_segments(_people(Dock=6, Yard=5), ["department"], k=5)
    assert plan.dimensions == ("department",)
    assert sorted(cell["department"] for cell in plan.cells.values()) == ["Dock", "Yard"]
    assert {plan.cells[assignment[f"Dock:{i}"]]["department"] for i in range(6)} == {"Dock"}
    assert plan.notes == ()


def test_groups_smaller_than_k_are_merged_into_other():
    plan, assignment = plan_segments(_people(Dock=6, Yard=6, Office=3, Shop=2), ["department"], k=5)
    eligible = _eligible_by_group(plan, assignment)
    assert eligible == {WHOLE: 17, "department=Dock": 6, "department=Yard": 6, f"department={OTHER}": 5}
    assert plan.cells[assignment["Office:0"]] == plan.cells[assignment["Shop:1"]] == {"department": OTHER}
    assert any("'Office'" in note and OTHER in note for note in plan.notes)


def test_a_too_small_other_takes_in_the_smallest_kept_group_too():
    # Office alone (3) would be "Other": the whole minus Dock and Yard, 3 people.
    plan, assignment = plan_segments(_people(Dock=10, Yard=7, Office=3), ["department"], k=5)
    eligible = _eligible_by_group(plan, assignment)
    assert eligible == {WHOLE: 20, "department=Dock": 10, f"department={OTHER}": 10}
    assert plan.cells[assignment["Yard:0"]] == {"department": OTHER}


def test_a_dimension_that_would_hide_nobody_is_dropped():
    # Everyone in one department: the breakdown would just repeat the whole.
    plan, assignment = plan_segments(_people(Dock=12), ["department"], k=5)
    assert plan.dimensions == ()
    assert set(assignment.values()) == {"c0"}
    assert [g.key for g in candidate_groups(plan)] == [WHOLE]


def test_people_without_a_value_count_in_other():
    people = _people(Dock=6, Yard=6)
    people.update({f"unknown:{i}": {"department": None} for i in range(5)})
    plan, assignment = plan_segments(people, ["department"], k=5)
    assert _eligible_by_group(plan, assignment)[f"department={OTHER}"] == 5


def test_dimensions_are_dropped_until_every_cross_cell_holds_k():
    # Each dimension alone is fine (10/10 and 14/6) but Night x Yard holds 1 person.
    people = {}
    for i in range(20):
        people[f"p{i}"] = {"department": "Dock" if i < 10 else "Yard", "shift": "Day" if i < 9 or i > 14 else "Night"}
    plan, assignment = plan_segments(people, ["department", "shift"], k=5)
    assert plan.dimensions == ("department",)
    assert min(Counter(assignment.values()).values()) >= 5
    assert any("No breakdown by shift" in note for note in plan.notes)


def test_a_cross_breakdown_is_kept_when_every_cell_holds_k():
    people = {f"p{i}": {"department": "AB"[i % 2], "shift": "DN"[(i // 2) % 2]} for i in range(20)}
    plan, assignment = plan_segments(people, ["department", "shift"], k=5)
    assert plan.dimensions == ("department", "shift")
    assert sorted(Counter(assignment.values()).values()) == [5, 5, 5, 5]


# -- decide_release ------------------------------------------------------------------------------

def _groups(**cells_by_key: tuple[str, ...]) -> list[GroupSpec]:
    """The whole (every cell) first, then "dimension=value" groups."""
    all_cells = frozenset(c for cells in cells_by_key.values() for c in cells)
    groups = [GroupSpec(WHOLE, None, "Everyone", all_cells)]
    for key, cells in cells_by_key.items():
        dimension, value = key.split("_", 1)
        groups.append(GroupSpec(f"{dimension}={value}", dimension, value, frozenset(cells)))
    return groups


def _respondents(**sizes: int) -> dict[str, set[str]]:
    return {cell: {f"{cell}:{i}" for i in range(size)} for cell, size in sizes.items()}


def _approved(decisions) -> dict[str, bool]:
    return {d.group.key: d.approved for d in decisions}


def test_a_group_with_k_respondents_is_released_and_one_with_k_minus_1_is_not():
    groups = _groups(dept_A=("a",), dept_B=("b",), dept_C=("c",))
    decisions = decide_release(groups, _respondents(a=5, b=4, c=1), k=5)
    assert _approved(decisions) == {WHOLE: True, "dept=A": True, "dept=B": False, "dept=C": False}
    assert "fewer than 5" in next(d.reason for d in decisions if d.group.key == "dept=B")


def test_fewer_than_k_respondents_in_the_whole_withholds_everything():
    groups = _groups(dept_A=("a",), dept_B=("b",))
    decisions = decide_release(groups, _respondents(a=2, b=2), k=5)
    assert not any(d.approved for d in decisions)


def test_exactly_k_respondents_releases_the_whole():
    decisions = decide_release(_groups(dept_A=("a",)), _respondents(a=5), k=5)
    assert decisions[0].approved and len(decisions[0].respondents) == 5


def test_complementary_suppression_withholds_the_smallest_shown_group():
    groups = _groups(dept_A=("a",), dept_B=("b",), dept_C=("c",))
    decisions = decide_release(groups, _respondents(a=6, b=7, c=2), k=5)
    by_key = {d.group.key: d for d in decisions}
    assert _approved(decisions) == {WHOLE: True, "dept=A": False, "dept=B": True, "dept=C": False}
    assert "subtraction" in by_key["dept=A"].reason
    # What stays hidden in the dimension (A and C together) is at least k.
    assert len(by_key["dept=A"].respondents | by_key["dept=C"].respondents) >= 5


def test_no_suppression_when_every_group_is_released():
    groups = _groups(dept_A=("a",), dept_B=("b",), dept_C=("c",))
    decisions = decide_release(groups, _respondents(a=5, b=6, c=7), k=5)
    assert all(d.approved for d in decisions)


def test_overlapping_groups_that_differ_by_fewer_than_k_are_not_both_released():
    # Cells: a = (A, Day), b = (A, Night), c = (B, Day), d = (B, Night).
    groups = _groups(dept_A=("a", "b"), dept_B=("c", "d"), shift_Day=("a", "c"), shift_Night=("b", "d"))
    decisions = decide_release(groups, _respondents(a=6, b=1, c=6, d=6), k=5)
    by_key = {d.group.key: d for d in decisions}
    # A (7) and Day (12) differ by the one person in b: A minus Day would show their answer.
    assert by_key["dept=A"].approved
    assert not by_key["shift=Day"].approved
    assert "differs" in by_key["shift=Day"].reason
    # Night (7) and B (12) differ by the same person.
    assert not by_key["shift=Night"].approved
    for a, b in combinations([d.respondents for d in decisions if d.approved], 2):
        assert len(a - b) in (0,) or len(a - b) >= 5
        assert len(b - a) in (0,) or len(b - a) >= 5


def test_sums_of_one_breakdown_cannot_be_set_against_another_to_single_out_a_few():
    # Departments A-D by shift. Group by group, every pair of shown groups would
    # differ by 0 or >= 5; but the whole minus Day minus D is C's night shift,
    # three people, so Day (or D) must go.
    cells = {f"{dept}-{shift}": (dept, shift) for dept in "ABCD" for shift in ("Day", "Night")}
    groups = [GroupSpec(WHOLE, None, "Everyone", frozenset(cells))]
    for dimension, position, values in (("dept", 0, "ABCD"), ("shift", 1, ("Day", "Night"))):
        for value in values:
            groups.append(GroupSpec(f"{dimension}={value}", dimension, value,
                                    frozenset(c for c, parts in cells.items() if parts[position] == value)))
    by_cell = _respondents(**{"A-Day": 5, "B-Day": 5, "C-Day": 1, "C-Night": 3, "D-Night": 5})
    decisions = decide_release(groups, by_cell, k=5)
    shown = {d.group.key: d.respondents for d in decisions if d.approved}
    assert WHOLE in shown
    for a, b in combinations(_derivable_by_dimension(decisions).items(), 2):
        for x in a[1]:
            for y in b[1]:
                assert _differ_by_0_or_at_least_k(x, y, 5)
    assert not ({"shift=Day", "dept=D"} <= set(shown))


def test_overlap_with_an_earlier_round_withholds_a_whole_that_differs_by_fewer_than_k():
    earlier = frozenset(f"a:{i}" for i in range(10))
    groups = _groups(dept_A=("a",))
    decisions = decide_release(groups, _respondents(a=11), k=5, earlier_released=[earlier])
    assert not any(d.approved for d in decisions)
    assert "differs" in decisions[0].reason


def test_an_earlier_round_with_the_same_or_very_different_respondents_does_not_block():
    groups = _groups(dept_A=("a",))
    same = frozenset(f"a:{i}" for i in range(10))
    assert decide_release(groups, _respondents(a=10), k=5, earlier_released=[same])[0].approved
    far = frozenset(f"a:{i}" for i in range(5))
    assert decide_release(groups, _respondents(a=10), k=5, earlier_released=[far])[0].approved


def test_ordinary_survey_releases_the_whole_and_every_department():
    # A sanity check on the other side: rules that withhold everything are not private, they are useless.
    people = _people(Dock=10, Yard=10, Office=10)
    plan, assignment = plan_segments(people, ["department"], k=5)
    by_cell: dict[str, set[str]] = defaultdict(set)
    for ref in people:
        if int(ref.split(":")[1]) < 8:
            by_cell[assignment[ref]].add(ref)
    decisions = decide_release(candidate_groups(plan), by_cell, k=5)
    assert _approved(decisions) == {WHOLE: True, "department=Dock": True, "department=Office": True,
                                    "department=Yard": True}


# -- property ------------------------------------------------------------------------------------

DEPARTMENTS = ("Dock", "Yard", "Office", "Shop", "Garage")
SHIFTS = ("Day", "Night", "Swing")


@st.composite
def rounds(draw):
    """A unit, a threshold, this round's respondents and maybe an earlier round's."""
    k = draw(st.integers(2, 6))
    size = draw(st.integers(k, 45))
    department_count = draw(st.integers(1, len(DEPARTMENTS)))
    shift_count = draw(st.integers(1, len(SHIFTS)))
    # Index == count means "no value recorded".
    departments = draw(st.lists(st.integers(0, department_count), min_size=size, max_size=size))
    shifts = draw(st.lists(st.integers(0, shift_count), min_size=size, max_size=size))
    people = {
        f"p{i}": {"department": DEPARTMENTS[d] if d < department_count else None,
                  "shift": SHIFTS[s] if s < shift_count else None}
        for i, (d, s) in enumerate(zip(departments, shifts))
    }
    answered = draw(st.lists(st.booleans(), min_size=size, max_size=size))
    earlier = draw(st.none() | st.lists(st.booleans(), min_size=size, max_size=size))
    return k, people, answered, earlier


def _by_cell(assignment, mask) -> dict[str, set[str]]:
    cells: dict[str, set[str]] = defaultdict(set)
    for (ref, cell), took_part in zip(assignment.items(), mask):
        if took_part:
            cells[cell].add(ref)
    return cells


def _differ_by_0_or_at_least_k(a: frozenset, b: frozenset, k: int) -> bool:
    return all(side == 0 or side >= k for side in (len(a - b), len(b - a)))


def _derivable_by_dimension(decisions) -> dict[str, list[frozenset]]:
    """Per dimension, every set of respondents whose figures the release lets a
    reader add up: any union of its shown groups, and the whole minus such a union."""
    whole = decisions[0]
    derivable = {}
    for dimension in {d.group.dimension for d in decisions if d.group.dimension}:
        shown = [d.respondents for d in decisions if d.approved and d.group.dimension == dimension]
        sets = []
        for size in range(len(shown) + 1):
            for chosen in combinations(shown, size):
                union = frozenset().union(*chosen)
                sets += [union, whole.respondents - union] if whole.approved else [union]
        derivable[dimension] = sets
    return derivable


@settings(max_examples=200, deadline=None)
@given(rounds())
def test_no_released_figure_describes_fewer_than_k_people(scenario):
    k, people, answered, earlier = scenario
    plan, assignment = plan_segments(people, ["department", "shift"], k)
    groups = candidate_groups(plan)

    # The declared breakdown: every cell, and so every group, holds at least k eligible people.
    assert set(assignment) == set(people)
    assert min(Counter(assignment.values()).values()) >= k
    assert all(v >= k for v in _eligible_by_group(plan, assignment).values())

    earlier_sets = []
    if earlier is not None:
        earlier_sets = [d.respondents for d in decide_release(groups, _by_cell(assignment, earlier), k) if d.approved]
    decisions = decide_release(groups, _by_cell(assignment, answered), k, earlier_sets)

    respondents = {ref for ref, took_part in zip(assignment, answered) if took_part}
    for decision in decisions:
        # Recounted here, so a wrong union of cells in the rules cannot hide a breach.
        assert decision.respondents == {ref for ref in respondents if assignment[ref] in decision.group.cells}
    approved = [d for d in decisions if d.approved]
    whole = decisions[0]
    assert whole.group.key == WHOLE

    for decision in approved:
        assert len(decision.respondents) >= k
    released_sets = [d.respondents for d in approved] + earlier_sets
    for a, b in combinations(released_sets, 2):
        assert _differ_by_0_or_at_least_k(a, b, k), "two released groups differ by 1..k-1 people"
    # Nor can sums of one breakdown's groups be set against another's to single out fewer than k.
    for (first, first_sets), (second, second_sets) in combinations(_derivable_by_dimension(decisions).items(), 2):
        for x in first_sets:
            for y in second_sets:
                assert _differ_by_0_or_at_least_k(x, y, k), f"sums by {first} and by {second} single out a few"
    if not whole.approved:
        assert not approved, "a breakdown is released while the whole is withheld"
    else:
        for dimension in plan.dimensions:
            shown = sum(len(d.respondents) for d in approved if d.group.dimension == dimension)
            hidden = len(whole.respondents) - shown
            assert hidden == 0 or hidden >= k, f"the withheld {dimension} groups hold {hidden} people"

    # And the rules are not vacuous: with no earlier round, k respondents always release the whole.
    if earlier is None and len(respondents) >= k:
        assert whole.approved
