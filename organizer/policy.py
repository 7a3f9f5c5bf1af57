"""Who may do what: the one place the union's rules of office are written.

An organizer acts for a whole union; a steward and a member belong to one unit
each; a committee member charts, and holds one-on-ones in, the departments of one
unit that an organizer named them for, and sees nothing else. The services ask
here before they act (and raise `NotAllowed`), and the object loaders ask the
same questions before they hand a view an object (and answer 404), so the two
levels of authorization (ARCHITECTURE.md style rule 7) can never disagree. It
takes any `Actor`, so every package, charting included, stands on it;
`Account.organizes`, `.stewards` and `.is_member_of` read from here."""

from __future__ import annotations

from typing import Protocol

from organizer.errors import NotAllowed
from organizer.roles import Actor, Role


class UnionLike(Protocol):
    """A union (charting.models.Union): its own id is the union's."""

    id: int


class UnitLike(Protocol):
    """A bargaining unit (charting.models.BargainingUnit), which names its union."""

    id: int
    union_id: int


def _union_id_of(unit_or_union: UnitLike | UnionLike) -> int:
    # A unit names its union; a union is its own.
    union_id = getattr(unit_or_union, "union_id", None)
    return union_id if union_id is not None else unit_or_union.id


def organizes(actor: Actor, unit_or_union: UnitLike | UnionLike) -> bool:
    """The actor organizes the union (or the union the unit belongs to)."""
    return _union_id_of(unit_or_union) in actor.organizer_union_ids()


def stewards(actor: Actor, unit: UnitLike) -> bool:
    return unit.id in actor.unit_ids_as(Role.STEWARD)


def is_member_of(actor: Actor, unit: UnitLike) -> bool:
    return unit.id in actor.unit_ids_as(Role.MEMBER)


def is_officer_of(actor: Actor, unit: UnitLike) -> bool:
    """Its stewards and its union's organizers: who read a unit's demands, summary and audit log."""
    return stewards(actor, unit) or organizes(actor, unit)


def belongs_to(actor: Actor, unit: UnitLike) -> bool:
    """Officers and members: who read a unit's released survey results."""
    return is_officer_of(actor, unit) or is_member_of(actor, unit)


def keeps_union_cards(actor: Actor, unit_or_union: UnitLike | UnionLike) -> bool:
    """Who sets the union card's words, records paper cards and exports signed cards:
    the union's organizers (a list of signers is the most dangerous file the union has)."""
    return organizes(actor, unit_or_union)


def may_sign_union_card(actor: Actor, unit: UnitLike) -> bool:
    """Who signs a union card in a unit: its members, each for themselves."""
    return is_member_of(actor, unit)


def committee_departments(actor: Actor, unit: UnitLike) -> set[int]:
    """The departments of this unit the actor was named to its organizing committee for
    (empty for anyone not on it). Organizers need no seat: they chart the whole unit."""
    return actor.committee_department_ids(unit.id)


def charts_department(actor: Actor, unit: UnitLike, department_id: int | None) -> bool:
    """Who charts a coworker of this department, and records and reads their one-on-ones:
    the union's organizers, in any department or none (`department_id` None: a coworker
    with no department); a committee member of this unit, only in the department(s) an
    organizer named them for, and never a coworker with no department."""
    if organizes(actor, unit):
        return True
    return department_id is not None and department_id in committee_departments(actor, unit)


def charts_in(actor: Actor, unit: UnitLike) -> bool:
    """Who opens the unit's chart: its union's organizers (all of it), and its committee
    members (the coworkers of their own departments only, see `charts_department`)."""
    return organizes(actor, unit) or bool(committee_departments(actor, unit))


def holds_one_on_ones(actor: Actor, unit: UnitLike) -> bool:
    """Who records conversations in a unit and may own its follow-ups: the union's
    organizers, and the unit's committee members (for their own departments, which
    `charts_department` checks coworker by coworker). A committee member left with no
    department (an organizer removed it) holds none until named for another."""
    return charts_in(actor, unit)


def require_organizer(actor: Actor, unit_or_union: UnitLike | UnionLike,
                      message: str = "Only the union's organizers can do that.") -> None:
    if not organizes(actor, unit_or_union):
        raise NotAllowed(message)


def require_steward(actor: Actor, unit: UnitLike, message: str = "Only the unit's stewards can do that.") -> None:
    if not stewards(actor, unit):
        raise NotAllowed(message)


def may_report_problems(actor: Actor, unit: UnitLike) -> bool:
    """Who reports a problem at work to a unit's stewards: its members, each for themselves."""
    return is_member_of(actor, unit)


def handles_grievances(actor: Actor, unit: UnitLike) -> bool:
    """Who reads a unit's members' reports and takes them through the grievance steps: its
    stewards, and nobody else, its union's organizers included (the reports are sealed to
    the stewards' own keys; organizers see how many reported, never what or who)."""
    return stewards(actor, unit)


def sets_grievance_rules(actor: Actor, unit_or_union: UnitLike | UnionLike) -> bool:
    """Who sets the days allowed at each grievance step, from when reports are counted,
    and the places members can also turn to: the union's organizers."""
    return organizes(actor, unit_or_union)
