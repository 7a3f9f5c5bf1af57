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
  stand behind it and showing it lets nobody work out, by adding and
  subtracting figures, the total of fewer than k people's answers that could
  not be worked out already: not from this survey's other groups, not from any
  earlier survey's results over the same people, and not from the answers of
  people the reader may already know (PRIVACY.md invariants 4 and 8).

Why the rule below is right, in plain words.

What a reader can do. Every figure shown is a sum, over a group's people, of
each person's answer vector (counts per option). So whatever a reader can
compute from the figures is a linear combination of them: add some, subtract
others, scale. We assume the worst: a person answers every survey the same way
(the same question asked twice is a real case), and the reader knows exactly
the answers of the people in `known` (accounts an organizer may control).

Atoms. People who belong to exactly the same shown groups are weighed alike by
every combination, so we count in "atoms": the classes of people with identical
membership across everything the reader holds (each known person is an atom of
their own). An atom of 1..k-1 people is small.

The rule. Let M hold one row per set the reader holds (earlier results, known
people, this survey's groups shown so far) and r the group being judged. The
group is withheld exactly when some set T of 1..k-1 people, none of them known,
has its sum (the vector 1_T) in the span of M + r but not in the span of M: when
showing it would let the total of fewer than k people's answers be worked out
that could not be before. Such a T is a union of atoms (every figure weighs an
atom's people alike), all of them small and unknown, so the search runs over
those; how it is exact and fast is told beside the code. By induction nothing
shown ever gives the sum of fewer than k unknown people: not from this survey's
groups, not set against earlier results (judged by this same rule when shown),
not after taking away known people. A group that is another plus or minus a
few people, the whole minus the other groups of a breakdown, two breakdowns
set against each other, sums of several earlier groups against a new one, two
people with different histories who answered one survey and not the next: all
are instances, so no separate rule is needed.

What it does not claim. It guards sums, not every combination. A figure such
as one small group's sum minus another's (x's answer minus y's, when the same
people answered twice but for x and y swapped) can be shown: it is no group's
total, but where x and y chose differently it tells both choices. The cautious
rule this replaced withheld every figure that weighed small atoms only; with
ordinary turnover in who answers, atoms shrink round by round and it left a
recurring pulse with nothing to show after a few rounds, though no small group
could be worked out. Where the search would be too long (very many small atoms,
or a large k) the group is judged by that cautious rule, which withholds
whenever the exact one would. A group of fewer than k is withheld even when its
figure could already be computed (the same three people shown earlier by a
survey with a lower k), because invariant 4 promises k behind every figure
shown. If the whole survey is withheld, every group is. Outside this model
remain what sums cannot hide: a unanimous group tells each member's answer,
whatever its size; and the more sets a reader holds over the same people, the
more of them are pinned down, so long series over a small unit still go dark
once their figures nearly determine everyone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from random import Random

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



# -- the rule ------------------------------------------------------------------------------------
#
# Exact decisions with pure Python integers, modulo two primes. A rank taken
# modulo a prime is never above the true rank, and equals it unless the prime
# divides every largest nonzero minor; for 0/1 matrices of up to about 25 rows no
# minor reaches 2**61 and of up to about 60 none reaches 2**127, so there both are
# exact, and beyond that an error needs a prime to divide particular integers.
# A group is withheld if either prime finds a new small sum, so a wrong approval
# needs both to fail at once.
#
# The search. Atoms are numbered with the big ones and the known people first and
# the small unknown ones ("items": the only atoms a set of fewer than k unknown
# people can be made of) last, and the rows held are kept in reduced echelon form
# (each pivot the leftmost nonzero of its row, every other pivot column zero).
# `residue(v)`, v minus the combination of held rows that agrees with it on the
# pivot columns, is linear and zero exactly on the span (read a vector's place
# modulo the span off its non-pivot coordinates), so 1_T is in span(M + r) but
# not in span(M) exactly when residue(1_T) = mu * residue(r) for some mu != 0.
# Call u = residue(r).
#   * u = 0: r is a combination of what is held; nothing new.
#   * A row whose pivot is an item is zero on every big or known column (they
#     come first), and an item that is no pivot has its own unit vector as
#     residue, so for T made of items residue(1_T) lies on item columns: if u
#     touches a big or known column, no T exists.
#   * Otherwise `_new_small_sum` scales mu away, projects each item's residue to
#     one random number, and looks for zero sums of at most k-1 items (fewer than
#     k people) by meeting in the middle: every part of up to ceil((k-1)/2) items
#     is tabulated by its sum, and each is looked up against the negated sum of
#     another. A true zero sum always projects to zero, so no T is missed; each
#     projected zero is then checked exactly, so none is invented: the decision
#     is exact (modulo the primes), and the randomness only spreads the numbers.
# Cost. With A atoms, S sets held, G groups in this survey and rank R: the basis
# costs O(S * R * A) per prime, approving a group O(R * A), and judging one a
# residue, O(R * A), plus, when u touches items only, about n**ceil((k-1)/2)
# table steps for n small items (n**2 for the usual k of 4 or 5). For a unit of
# 500 after ten rounds of eight groups (about 480 small atoms) a close takes
# about two seconds. Past _SEARCH_BUDGET parts (many thousands of small atoms,
# or k above 5 with hundreds) the group is judged by the cautious rule instead:
# withheld as soon as u touches items only, which the exact rule requires of
# every T, so the fall-back only ever withholds more.

#: Two Mersenne primes, so that a rank computed modulo both is all but surely exact.
_PRIMES = (2**61 - 1, 2**127 - 1)

#: How many parts the search for one group may tabulate, per prime, before
#: the cautious rule decides instead.
_SEARCH_BUDGET = 300_000

#: Only to spread the search's numbers; no decision depends on it (see `_new_small_sum`).
_RANDOM = Random()

#: A row over atoms: atom index -> nonzero coefficient modulo the prime.
_Row = dict[int, int]


class _Echelon:
    """A basis of a row space modulo a prime in reduced echelon form: one row per
    pivot column, scaled so the pivot is 1, zero left of its pivot and in every
    other pivot column."""

    __slots__ = ("prime", "rows")

    def __init__(self, prime: int) -> None:
        self.prime = prime
        self.rows: dict[int, _Row] = {}

    def residue(self, row: _Row) -> _Row:
        """`row` minus the combination of basis rows that agrees with it on every
        pivot column: empty exactly when `row` is in the span. Taking away one
        basis row leaves the other pivot columns alone, so one pass suffices."""
        p = self.prime
        left = {c: v % p for c, v in row.items() if v % p}
        for column, factor in [(c, v) for c, v in left.items() if c in self.rows]:
            for c, v in self.rows[column].items():
                value = (left.get(c, 0) - factor * v) % p
                if value:
                    left[c] = value
                else:
                    left.pop(c, None)
        return left

    def add(self, row: _Row) -> None:
        residue = self.residue(row)
        if not residue:
            return
        p = self.prime
        pivot = min(residue)
        inverse = pow(residue[pivot], -1, p)
        new = {c: v * inverse % p for c, v in residue.items()}
        # Only rows with pivots left of the new one can be nonzero at it, and the
        # new row is zero left of it, so every pivot stays its row's leftmost entry.
        for other in self.rows.values():
            factor = other.get(pivot)
            if factor:
                for c, v in new.items():
                    value = (other.get(c, 0) - factor * v) % p
                    if value:
                        other[c] = value
                    else:
                        other.pop(c, None)
        self.rows[pivot] = new


class _TooManyTries(Exception):
    """The search for a small sum went past its budget."""


def _new_small_sum(span: _Echelon, row: _Row, sizes: Sequence[int], first_item: int, k: int) -> bool:
    """Would adding `row` to `span` put 1_T in it for some T of 1..k-1 people that
    was not there before? Atoms from `first_item` on are the small unknown ones.
    See the comment above for why this is exact; raises _TooManyTries past the budget
    (the caller then withholds, which is safe: u touches items only)."""
    p = span.prime
    u = span.residue(row)
    if not u:
        return False  # a combination of what is held: nothing new
    if min(u) < first_item:
        return False  # every new figure weighs a big atom or a known person
    # Scale away mu: with a0 one column of u, z(v) = residue(v) - residue(v)[a0] / u[a0] * u
    # is linear and zero at a0, and residue(1_T) is a multiple of u exactly when
    # z(1_T) = 0: a zero sum of the atoms' z. A random projection h(a) = <z(atom a), rho>
    # turns that into a zero sum of numbers, which meet in the middle finds. A true zero
    # sum of the z always projects to zero, so no T is missed; a projected zero that is
    # not a true one is checked exactly and dropped, so none is invented.
    a0 = min(u)
    scale = pow(u[a0], -1, p)
    rho: dict[int, int] = {}

    def weight_of(column: int) -> int:
        if column not in rho:
            rho[column] = _RANDOM.randrange(1, p)
        return rho[column]

    u_projected = sum(v * weight_of(c) for c, v in u.items()) % p
    # The exact residue of each atom that can take part, and its projection. An atom
    # that is not a pivot has residue its own unit vector: it can be in T only where
    # some pivot item's row, or u, touches its column, or nothing could cancel it.
    residues: dict[int, _Row] = {}
    for pivot, basis_row in span.rows.items():
        if pivot >= first_item and sizes[pivot] < k:
            residues[pivot] = {c: -v % p for c, v in basis_row.items() if c != pivot}
    reachable = set(u).union(*residues.values())
    for column in reachable:
        if column not in span.rows and column >= first_item and sizes[column] < k:
            residues[column] = {column: 1}
    elements = sorted(residues, key=lambda atom: (sizes[atom], atom))
    projections = [
        (sum(v * weight_of(c) for c, v in residues[atom].items())
         - residues[atom].get(a0, 0) * scale * u_projected) % p
        for atom in elements
    ]

    def is_new_sum(subset: Sequence[int]) -> bool:
        total: _Row = {}
        for index in subset:
            for c, v in residues[elements[index]].items():
                total[c] = (total.get(c, 0) + v) % p
        mu = total.get(a0, 0) * scale % p
        return bool(mu) and all((total.get(c, 0) - mu * u.get(c, 0)) % p == 0 for c in total.keys() | u.keys())

    # T, in the order above, is a left part of ceil(m/2) atoms and a right part of
    # floor(m/2) atoms, all after the left's last: tabulate every part up to the larger size.
    left_size, right_size = k // 2, (k - 1) // 2
    parts = _small_subsets([sizes[atom] for atom in elements], left_size, k - 1)
    by_sum: dict[int, list[tuple[tuple[int, ...], int]]] = {}
    for subset, people in parts:
        if len(subset) <= right_size:
            key = sum(projections[i] for i in subset) % p
            by_sum.setdefault(key, []).append((subset, people))
    for subset, people in parts:
        if not subset:
            continue
        wanted = -sum(projections[i] for i in subset) % p
        for other, other_people in by_sum.get(wanted, ()):
            if (people + other_people < k and len(other) <= len(subset)
                    and (not other or other[0] > subset[-1]) and is_new_sum(subset + other)):
                return True
    return False


def _small_subsets(sizes: Sequence[int], most: int, people_limit: int) -> list[tuple[tuple[int, ...], int]]:
    """Every increasing tuple of at most `most` indices whose sizes add up to at most
    `people_limit` (the empty one included), with that total; sizes are ascending.
    Raises _TooManyTries when there would be more than the budget."""
    found: list[tuple[tuple[int, ...], int]] = [((), 0)]
    frontier = [((), 0)]
    for _ in range(most):
        grown = []
        for subset, people in frontier:
            for index in range(subset[-1] + 1 if subset else 0, len(sizes)):
                if people + sizes[index] > people_limit:
                    break  # ascending sizes: every later one is too big as well
                grown.append((subset + (index,), people + sizes[index]))
                if len(found) + len(grown) > _SEARCH_BUDGET:
                    raise _TooManyTries
        found += grown
        frontier = grown
    return found


@dataclass(frozen=True)
class _Atoms:
    """The finest classes of people this decision can need: identical membership
    in every earlier set and every group of this survey, each known person apart.
    Any set of people whose sum a reader can compute is a union of these, so rows
    are written over them once. Classes of k or more people and known people are
    numbered first, the small unknown ones ("items") from `first_item` on."""

    #: People in each class.
    sizes: tuple[int, ...]
    #: Bit i set: the class is in earlier set i.
    earlier: tuple[int, ...]
    #: Bit j set: the class is in group j of this survey.
    groups: tuple[int, ...]
    #: The class is one known person.
    is_known: tuple[bool, ...]
    #: The first small class of people who are not known.
    first_item: int

    @classmethod
    def of(cls, earlier: Sequence[frozenset[str]], groups: Sequence[frozenset[str]],
           known: frozenset[str], k: int) -> _Atoms:
        earlier_bits: dict[str, int] = {}
        group_bits: dict[str, int] = {}
        for bits, sets in ((earlier_bits, earlier), (group_bits, groups)):
            for i, people in enumerate(sets):
                for person in people:
                    bits[person] = bits.get(person, 0) | (1 << i)
        # A known person in no set is in no figure: leaving them out changes nothing.
        sizes: dict[tuple[int, int, str | None], int] = {}
        for person in sorted(earlier_bits.keys() | group_bits.keys()):
            signature = (earlier_bits.get(person, 0), group_bits.get(person, 0),
                         person if person in known else None)
            sizes[signature] = sizes.get(signature, 0) + 1
        def is_item(signature: tuple[int, int, str | None]) -> bool:
            return signature[2] is None and sizes[signature] < k
        signatures = sorted(sizes, key=is_item)  # stable: items last, otherwise as found
        return cls(tuple(sizes[s] for s in signatures), tuple(s[0] for s in signatures),
                   tuple(s[1] for s in signatures), tuple(s[2] is not None for s in signatures),
                   sum(not is_item(s) for s in signatures))

    def rows(self, masks: Sequence[int], count: int) -> list[_Row]:
        """Row i over atoms: 1 on every atom whose mask has bit i."""
        rows: list[_Row] = [{} for _ in range(count)]
        for atom, mask in enumerate(masks):
            while mask:
                low = mask & -mask
                rows[low.bit_length() - 1][atom] = 1
                mask ^= low
        return rows


class _Reader:
    """What a reader of the results holds: the figures shown so far (and, as
    asked, earlier results and known people's answers), as a row space over
    atoms modulo each prime, kept in reduced echelon form as groups are approved."""

    def __init__(self, atoms: _Atoms, group_rows: list[_Row], k: int, *,
                 earlier_rows: Sequence[_Row], with_known: bool, approved: Iterable[int] = ()) -> None:
        self.atoms, self.group_rows, self.k = atoms, group_rows, k
        self.spans = [_Echelon(prime) for prime in _PRIMES]
        held = list(earlier_rows)
        if with_known:
            held += [{atom: 1} for atom, is_known in enumerate(atoms.is_known) if is_known]
        held += [group_rows[group] for group in approved]
        for span in self.spans:
            for row in held:
                span.add(row)

    def singles_out(self, group: int) -> bool | None:
        """Would showing `group` let the sum of fewer than k unknown people be
        worked out that could not be before? None: too many ways to check, and
        the cautious rule says it might."""
        atoms, row = self.atoms, self.group_rows[group]
        try:
            return any(_new_small_sum(span, row, atoms.sizes, atoms.first_item, self.k) for span in self.spans)
        except _TooManyTries:
            return None

    def approve(self, group: int) -> None:
        for span in self.spans:
            span.add(self.group_rows[group])


def decide_release(
    groups: Sequence[GroupSpec],
    respondents_by_cell: Mapping[str, Iterable[str]],
    k: int,
    earlier_released: Sequence[frozenset[str]] = (),
    known: frozenset[str] = frozenset(),
) -> list[Decision]:
    """Decide, in the given order (the whole survey first), which groups may be shown.

    `earlier_released` holds the respondents of every approved group of every
    earlier survey that shares respondents with this one; `known`, people whose
    answers the reader may already know. Each group is approved unless it has
    fewer than k respondents or showing it, after the groups approved before it,
    would let the sum of fewer than k people's answers be worked out that could
    not be before (see the module docstring). Earlier groups come first, so the
    merged "Other" is the one withheld when something in a breakdown must be."""
    by_cell = {cell: frozenset(refs) for cell, refs in respondents_by_cell.items()}
    decisions = [
        Decision(group, frozenset().union(*(by_cell.get(cell, frozenset()) for cell in group.cells)))
        for group in groups
    ]
    whole = decisions[0]
    for decision in decisions:
        if len(decision.respondents) < k:
            decision.withhold(f"fewer than {k} answered")
    if not whole.approved:
        for decision in decisions[1:]:
            decision.withhold(f"fewer than {k} answered in the whole survey")
        return decisions

    earlier = list(dict.fromkeys(earlier_released))  # the same set twice says nothing more
    atoms = _Atoms.of(earlier, [d.respondents for d in decisions], known, k)
    group_rows = atoms.rows(atoms.groups, len(decisions))
    reader = _Reader(atoms, group_rows, k, earlier_rows=atoms.rows(atoms.earlier, len(earlier)),
                     with_known=True)
    approved: list[int] = []

    for position, decision in enumerate(decisions):
        if not decision.approved:
            continue
        verdict = reader.singles_out(position)
        if verdict is False:
            reader.approve(position)
            approved.append(position)
            continue
        decision.withhold(_reason(atoms, group_rows, k, approved, position, known, verdict))
        if decision is whole:
            for other in decisions[1:]:
                other.withhold("the whole survey is withheld")
            return decisions
    return decisions


def _reason(atoms: _Atoms, group_rows: list[_Row], k: int, approved: list[int], position: int,
            known: frozenset[str], verdict: bool | None) -> str:
    """Where the subtraction would come from, in words for the organizer: readers
    holding less are rebuilt only here, since withholding is the rare case."""
    this_survey = _Reader(atoms, group_rows, k, earlier_rows=(), with_known=False, approved=approved)
    if this_survey.singles_out(position):
        return (f"withheld so that no group of fewer than {k} can be worked out by "
                f"subtraction from this survey's other groups")
    if known and _Reader(atoms, group_rows, k, earlier_rows=(), with_known=True,
                         approved=approved).singles_out(position):
        return (f"withheld: taking away people whose answers may already be known would "
                f"leave fewer than {k}, and their answers could be worked out by subtraction")
    if verdict is None:
        return ("withheld: it overlaps earlier surveys' results in too many small ways "
                f"to check that no group of fewer than {k} can be worked out")
    return (f"withheld: it differs from earlier surveys' results by fewer than {k} people, "
            f"whose answers could be worked out by subtraction")
