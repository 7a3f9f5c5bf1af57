"""Who may do what: the one place the union's rules of office are written.

An organizer acts for a whole union; a steward and a member belong to one unit
each. The services ask here before they act (and raise `NotAllowed`), and the
object loaders ask the same questions before they hand a view an object (and
answer 404), so the two levels of authorization (ARCHITECTURE.md style rule 7)
can never disagree. It takes any `Actor`, so every package, charting included,
stands on it; `Account.organizes`, `.stewards` and `.is_member_of` read from here."""

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


def require_organizer(actor: Actor, unit_or_union: UnitLike | UnionLike,
                      message: str = "Only the union's organizers can do that.") -> None:
    if not organizes(actor, unit_or_union):
        raise NotAllowed(message)


def require_steward(actor: Actor, unit: UnitLike, message: str = "Only the unit's stewards can do that.") -> None:
    if not stewards(actor, unit):
        raise NotAllowed(message)
