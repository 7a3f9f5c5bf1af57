"""The release rule against differencing across surveys (PRIVACY.md invariant 8),
checked by an independent reference: exact rational Gaussian elimination over
people, not atoms, with none of the rule's own code.

Over one small unit, several surveys are released in turn, each judged against
every group approved before it and against people whose answers may be known.
Each decision must be the rule's: withhold exactly when showing the group puts
the sum of some nonempty group of fewer than k people (known people aside) in the
span of everything shown that was not there before, found here by trying every
such group of people. Afterwards no such sum may be in the span at all.
"""

from __future__ import annotations

from collections import defaultdict
from fractions import Fraction
from itertools import combinations
from math import lcm

from hypothesis import given, settings
from hypothesis import strategies as st

from surveys.release import WHOLE, candidate_groups, decide_release, plan_segments

# -- the reference: rational linear algebra over people ------------------------------------------


def _row_reduce(rows: list[list[Fraction]], width: int) -> tuple[list[list[Fraction]], list[int]]:
    """Reduced row echelon form and its pivot columns."""
    matrix = [list(row) for row in rows]
    pivots: list[int] = []
    for column in range(width):
        top = len(pivots)
        pivot = next((i for i in range(top, len(matrix)) if matrix[i][column] != 0), None)
        if pivot is None:
            continue
        matrix[top], matrix[pivot] = matrix[pivot], matrix[top]
        lead = matrix[top][column]
        matrix[top] = [value / lead for value in matrix[top]]
        for i, row in enumerate(matrix):
            if i != top and row[column] != 0:
                factor = row[column]
                matrix[i] = [a - factor * b for a, b in zip(row, matrix[top], strict=True)]
        pivots.append(column)
    return matrix[:len(pivots)], pivots


def rank(rows: list[list[int]], width: int) -> int:
    return len(_row_reduce([[Fraction(v) for v in row] for row in rows], width)[1])


def null_space(rows: list[list[int]], width: int) -> list[list[int]]:
    """An integer basis of the vectors orthogonal to every row. A vector lies in
    the rows' span exactly when it is orthogonal to every one of these."""
    reduced, pivots = _row_reduce([[Fraction(v) for v in row] for row in rows], width)
    basis = []
    for free in (c for c in range(width) if c not in pivots):
        vector = [Fraction(0)] * width
        vector[free] = Fraction(1)
        for row, pivot in zip(reduced, pivots, strict=True):
            vector[pivot] = -row[free]
        scale = lcm(*(v.denominator for v in vector))
        basis.append([int(v * scale) for v in vector])
    return basis


def singled_out(shown: list[frozenset[str]], known: frozenset[str], people: list[str], k: int) -> list:
    """Every way the shown sums (and the known people's answers) single out fewer
    than k people who are not known: a group of them whose sum is in the span,
    or any set of them that some nonzero combination in the span depends on alone."""
    column = {person: i for i, person in enumerate(people)}
    rows = [[1 if person in group else 0 for person in people] for group in shown]
    rows += [[1 if person == someone else 0 for person in people] for someone in known]
    null = null_space(rows, len(people))
    # Person p's coordinates against the null space: a combination weighting the
    # people of T by c is in the span exactly when sum(c_p * coordinates_p) == 0.
    coordinates = {person: [z[column[person]] for z in null] for person in people}
    found = []
    unknown = [person for person in people if person not in known]
    for size in range(1, k):
        for group in combinations(unknown, size):
            if all(sum(coordinates[p][i] for p in group) == 0 for i in range(len(null))):
                found.append(("sum of", group))
            elif rank([coordinates[p] for p in group], len(null)) < size:
                found.append(("a combination of", group))
    return found


def test_the_reference_finds_a_difference_and_a_weighted_combination():
    # A reference that finds nothing would make the property below vacuous.
    people = ["a", "b", "c", "d", "e"]
    assert ("sum of", ("c",)) in singled_out([frozenset("abc"), frozenset("ab")], frozenset(), people, 2)
    # abcd - abce = d - e: no group's sum, but a figure about two people.
    found = singled_out([frozenset("abcd"), frozenset("abce")], frozenset(), people, 3)
    assert ("a combination of", ("d", "e")) in found and not any(kind == "sum of" for kind, _ in found)
    # With a, b, c known, the sum of abcd gives d.
    assert ("sum of", ("d",)) in singled_out([frozenset("abcd")], frozenset("abc"), people, 2)
    assert singled_out([frozenset("abcd"), frozenset("cde")], frozenset(), people, 2) == []


def small_sums(shown: list[frozenset[str]], known: frozenset[str], people: list[str], k: int) -> list:
    """The groups of fewer than k people, none known, whose sum the shown sums and
    the known people's answers give: what the rule promises never to show."""
    return [group for kind, group in singled_out(shown, known, people, k) if kind == "sum of"]


def adds_small_sum(held: list[frozenset[str]], known: frozenset[str], candidate: frozenset[str],
                   k: int) -> bool:
    """The rule, by brute force: does showing `candidate` after `held` give the sum
    of some group of fewer than k unknown people that was not given before?"""
    people = sorted(frozenset().union(candidate, *held))
    before = set(small_sums(held, known, people, k))
    return any(group not in before for group in small_sums(held + [candidate], known, people, k))


# -- the property --------------------------------------------------------------------------------

DEPARTMENTS = ("Dock", "Yard", "Office")
SHIFTS = ("Day", "Night")


@st.composite
def histories(draw):
    """One unit of at most 12 people, a threshold, maybe a couple of known people,
    and 2-4 surveys, each with its own electorate, breakdown and respondents."""
    size = draw(st.integers(2, 12))
    k = draw(st.integers(2, 4))
    people = [f"p{i}" for i in range(size)]
    known = frozenset(draw(st.lists(st.sampled_from(people), max_size=2, unique=True)))
    surveys = []
    for _ in range(draw(st.integers(2, 4))):
        # Per person: 0 not eligible, 1 eligible but silent, 2 answered.
        states = draw(st.lists(st.sampled_from((0, 1, 2, 2)), min_size=size, max_size=size))
        departments = draw(st.lists(st.sampled_from(DEPARTMENTS + (None,)), min_size=size, max_size=size))
        shifts = draw(st.lists(st.sampled_from(SHIFTS + (None,)), min_size=size, max_size=size))
        voters = {person: {"department": d, "shift": s}
                  for person, state, d, s in zip(people, states, departments, shifts, strict=True) if state}
        answered = {person for person, state in zip(people, states, strict=True) if state == 2}
        if voters:
            surveys.append((voters, answered))
    return people, k, known, surveys


@settings(max_examples=150, deadline=None)
@given(histories())
def test_no_sequence_of_releases_singles_out_fewer_than_k_people(history):
    people, k, known, surveys = history
    shown: list[frozenset[str]] = []
    for number, (voters, answered) in enumerate(surveys):
        plan, assignment = plan_segments(voters, ["department", "shift"], k)
        by_cell: dict[str, set[str]] = defaultdict(set)
        for person in answered:
            by_cell[assignment[person]].add(person)
        decisions = decide_release(candidate_groups(plan), by_cell, k, list(shown), known)
        whole = decisions[0]
        assert whole.group.key == WHOLE

        # Each decision is the one the brute force gives, group by group in order.
        held = list(shown)
        for decision in decisions:
            # Recounted here, so a wrong union of cells in the rules cannot hide a breach.
            assert decision.respondents == {p for p in answered if assignment[p] in decision.group.cells}
            if len(decision.respondents) < k or not whole.approved and decision is not whole:
                assert not decision.approved and decision.reason
                continue
            leaks = adds_small_sum(held, known, decision.respondents, k)
            assert decision.approved is not leaks, (decision.group.key, decision.reason)
            if decision.approved:
                held.append(decision.respondents)
        if not whole.approved:
            assert not any(d.approved for d in decisions), "a breakdown is shown while the whole is withheld"

        # Not vacuous: a first survey with k answers beyond the known people shows its whole,
        # and a survey answered by exactly the people of a figure already shown adds nothing.
        if number == 0 and len(answered - known) >= k:
            assert whole.approved
        if frozenset(answered) in shown:
            assert whole.approved
        shown += [d.respondents for d in decisions if d.approved]

    assert small_sums(shown, known, people, k) == []
