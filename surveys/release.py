"""Release rules: which groups of respondents may ever be decrypted and shown.

Pure functions over sets of opaque voter refs, so the rules can be tested on
their own (including by property tests) and applied identically by the tally.

* At launch, `plan_segments` declares the breakdown: each dimension's small
  groups are merged into "Other" (with complementary merging so no group can
  be recovered as the whole minus the others), and dimensions are dropped
  until every cell of the cross-breakdown holds at least k eligible people.
  A ballot is tagged only with its cell, so its tag never narrows it to fewer
  than k people.
* At close, `decide_release` approves a group only if at least k respondents
  stand behind it, suppresses complementary groups so no withheld group can be
  derived by subtraction, and refuses any group whose respondents differ from
  an already approved overlapping group (this round or an earlier round of the
  series) by 1..k-1 people on either side (PRIVACY.md invariants 4 and 8).
  Sums of several shown groups of one breakdown, and the whole minus them, can
  be set against those of another breakdown too; so wherever a shown group (or
  the withheld rest) of one breakdown meets one of another, 0 or at least k
  respondents must stand in the overlap.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

OTHER = "Other"
WHOLE = "all"


@dataclass(frozen=True)
class SegmentPlan:
    #: Dimensions kept, in order.
    dimensions: tuple[str, ...]
    #: cell id -> {dimension: value}
    cells: dict[str, dict[str, str]]
    #: What was merged or dropped, in words for the organizer.
    notes: tuple[str, ...]

    def to_json(self) -> dict:
        return {"dimensions": list(self.dimensions), "cells": self.cells, "notes": list(self.notes)}

    @classmethod
    def from_json(cls, data: Mapping) -> SegmentPlan:
        return cls(tuple(data["dimensions"]), dict(data["cells"]), tuple(data["notes"]))


def plan_segments(
    voters: Mapping[str, Mapping[str, str | None]], dimensions: Sequence[str], k: int
) -> tuple[SegmentPlan, dict[str, str]]:
    """The declared breakdown and each voter's cell."""
    notes: list[str] = []
    total = len(voters)
    coarse: dict[str, dict[str, str]] = {}
    for dimension in dimensions:
        counts = Counter(values.get(dimension) for values in voters.values())
        named = {value: n for value, n in counts.items() if value}
        kept = {value for value, n in named.items() if n >= k}
        for value in sorted(set(named) - kept):
            notes.append(f"{dimension.capitalize()} {value!r} has fewer than {k} people: counted in {OTHER!r}.")
        remainder = total - sum(named[value] for value in kept)
        # A remainder of 1..k-1 people would be the whole minus the kept groups.
        while 0 < remainder < k and kept:
            smallest = min(kept, key=lambda value: (named[value], value))
            kept.remove(smallest)
            remainder += named[smallest]
            notes.append(f"{dimension.capitalize()} {smallest!r} also counted in {OTHER!r}, so that "
                         f"{OTHER!r} is not a group of fewer than {k}.")
        if not kept or (len(kept) == 1 and remainder == 0):
            notes.append(f"No breakdown by {dimension}: it would not hide anyone behind {k} others.")
            continue
        coarse[dimension] = {ref: (values.get(dimension) if values.get(dimension) in kept else OTHER)
                             for ref, values in voters.items()}

    kept_dimensions = list(coarse)
    while kept_dimensions:
        combos = Counter(tuple(coarse[d][ref] for d in kept_dimensions) for ref in voters)
        if min(combos.values()) >= k:
            break
        dropped = kept_dimensions.pop()
        notes.append(f"No breakdown by {dropped}: combined with {', '.join(kept_dimensions) or 'the rest'}, "
                     f"some groups would have fewer than {k} people.")

    if not kept_dimensions:
        return SegmentPlan((), {"c0": {}}, tuple(notes)), {ref: "c0" for ref in voters}
    combos = sorted({tuple(coarse[d][ref] for d in kept_dimensions) for ref in voters})
    cell_of_combo = {combo: f"c{i}" for i, combo in enumerate(combos)}
    cells = {cell_of_combo[combo]: dict(zip(kept_dimensions, combo, strict=True)) for combo in combos}
    assignment = {ref: cell_of_combo[tuple(coarse[d][ref] for d in kept_dimensions)] for ref in voters}
    return SegmentPlan(tuple(kept_dimensions), cells, tuple(notes)), assignment


@dataclass(frozen=True)
class GroupSpec:
    key: str
    dimension: str | None
    label: str
    cells: frozenset[str]


def candidate_groups(plan: SegmentPlan) -> list[GroupSpec]:
    """The whole survey, then every (dimension, value) group of the declared breakdown."""
    groups = [GroupSpec(WHOLE, None, "Everyone", frozenset(plan.cells))]
    for dimension in plan.dimensions:
        values = sorted({cell[dimension] for cell in plan.cells.values()}, key=lambda v: (v == OTHER, v))
        for value in values:
            cells = frozenset(cid for cid, cell in plan.cells.items() if cell[dimension] == value)
            groups.append(GroupSpec(f"{dimension}={value}", dimension, value, cells))
    return groups


@dataclass
class Decision:
    group: GroupSpec
    respondents: frozenset[str]
    approved: bool = True
    reason: str | None = None

    def withhold(self, reason: str) -> None:
        if self.approved:
            self.approved, self.reason = False, reason


def differ_enough(a: frozenset[str], b: frozenset[str], k: int) -> bool:
    """Two overlapping groups may both be shown only if neither differs from
    the other by 1..k-1 people (subtracting one from the other would describe them)."""
    only_a, only_b = len(a - b), len(b - a)
    return (only_a == 0 or only_a >= k) and (only_b == 0 or only_b >= k)


def decide_release(
    groups: Sequence[GroupSpec],
    respondents_by_cell: Mapping[str, Iterable[str]],
    k: int,
    earlier_released: Sequence[frozenset[str]] = (),
) -> list[Decision]:
    by_cell = {cell: frozenset(refs) for cell, refs in respondents_by_cell.items()}
    decisions = [
        Decision(group, frozenset().union(*(by_cell.get(cell, frozenset()) for cell in group.cells)))
        for group in groups
    ]
    whole = decisions[0]
    for decision in decisions:
        if len(decision.respondents) < k:
            decision.withhold(f"fewer than {k} answers")
    if not whole.approved:
        for decision in decisions[1:]:
            decision.withhold(f"fewer than {k} answers in the whole survey")
        return decisions

    changed = True
    while changed:
        changed = False
        approved_sets: list[frozenset[str]] = list(earlier_released)
        for decision in decisions:
            if not decision.approved:
                continue
            clash = next((other for other in approved_sets
                          if other & decision.respondents and not differ_enough(other, decision.respondents, k)),
                         None)
            if clash is not None:
                decision.withhold(f"differs from another released group by fewer than {k} people")
                changed = True
                if decision is whole:
                    for other in decisions[1:]:
                        other.withhold("the whole survey is withheld")
                    return decisions
                continue
            approved_sets.append(decision.respondents)
        changed |= _suppress_complements(decisions, k)
        if not changed:
            changed = _suppress_cross_differences(decisions, k)
    return decisions


def _suppress_complements(decisions: list[Decision], k: int) -> bool:
    """Within a dimension, the withheld groups together must hold 0 or at least k
    respondents, or they could be recovered as the whole minus the shown groups."""
    changed = False
    total = len(decisions[0].respondents)
    dimensions = {d.group.dimension for d in decisions if d.group.dimension}
    for dimension in sorted(dimensions):
        members = [d for d in decisions if d.group.dimension == dimension]
        while True:
            shown = [d for d in members if d.approved]
            hidden = total - sum(len(d.respondents) for d in shown)
            if not shown or hidden == 0 or hidden >= k:
                break
            smallest = min(shown, key=lambda d: (len(d.respondents), d.group.key))
            smallest.withhold("withheld so that a smaller withheld group cannot be worked out by subtraction")
            changed = True
    return changed


def _atoms(decisions: list[Decision], dimension: str) -> list[tuple[Decision | None, frozenset[str]]]:
    """A dimension's shown groups, and the withheld rest as one more piece (None):
    every figure this dimension gives away is a sum of these pieces' figures."""
    shown = [d for d in decisions if d.group.dimension == dimension and d.approved]
    rest = decisions[0].respondents - frozenset().union(*(d.respondents for d in shown))
    return [(d, d.respondents) for d in shown] + ([(None, rest)] if rest else [])


def _suppress_cross_differences(decisions: list[Decision], k: int) -> bool:
    """Sums of shown groups of one dimension (or the whole minus them) set against
    those of another describe the people in the overlaps of their pieces: withhold
    until every overlap holds 0 or at least k respondents. Withholds one group and
    returns True at the first overlap of 1..k-1, so the other rules run again."""
    dimensions = list(dict.fromkeys(d.group.dimension for d in decisions if d.group.dimension))
    for i, first in enumerate(dimensions):
        for second in dimensions[i + 1:]:
            first_atoms, second_atoms = _atoms(decisions, first), _atoms(decisions, second)
            if len(first_atoms) < 2 or len(second_atoms) < 2:
                continue  # a dimension that shows nothing gives away nothing beyond the whole
            for _first_group, first_people in first_atoms:
                for second_group, second_people in second_atoms:
                    if 0 < len(first_people & second_people) < k:
                        _withhold_across(second_group, first_people, second_atoms)
                        return True
    return False


def _withhold_across(second_group: Decision | None, first_people: frozenset[str],
                     second_atoms: list[tuple[Decision | None, frozenset[str]]]) -> None:
    """Resolve a small overlap by withholding in the later dimension (dimensions
    come most useful first): the shown group in the overlap, or, when the overlap
    is with the withheld rest, the smallest shown group that meets `first_people`,
    so that folding it into the rest makes the overlap larger."""
    reason = "withheld so that it cannot be worked out from another breakdown by subtraction"
    if second_group is not None:
        second_group.withhold(reason)
        return
    shown = sorted((g for g, _ in second_atoms if g is not None), key=lambda g: (len(g.respondents), g.group.key))
    meeting = [g for g in shown if g.respondents & first_people]
    # Some shown group always meets them (else the rest would hold them all, and
    # the rest holds 0 or at least k); withholding every one is the safe fallback.
    for decision in meeting[:1] or shown:
        decision.withhold(reason)
