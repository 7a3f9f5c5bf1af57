"""A unit's organizing committee: the union's organizers name members and
stewards of the unit to it, each for one or more of the unit's departments,
change those departments and remove them, and every naming and removal is in
the audit log. A seat is the member's `Role.COMMITTEE` assignment (see
`RoleAssignment`, whose departments are sealed); what a seat lets its holder do
is organizer.policy's to say (`charts_department`, `holds_one_on_ones`).

Invitations do not name committee members: an invitation carries one role and
no departments, and a seat is for someone who already signs in to the unit, so
an organizer invites a coworker as a member and names them from their page.

A department removed from the unit is taken out of every seat, in the flush
that deletes it (a listener beside `RoleAssignment`), so a department made later that
happens to get the same id (SQLite may reuse the highest id) is never charted by
someone named for the old one. A seat left with no department stays, charting
nothing, until an organizer names its holder for another or removes them: a
removal is always someone's act, with its own audit entry."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext, lazy_gettext

from core.extensions import db
from organizer import policy
from organizer.accounts import coworkers
from organizer.accounts.models import Account, RoleAssignment
from organizer.audit import services as audit
from organizer.audit.models import AuditAction
from organizer.charting import roster
from organizer.charting.models import BargainingUnit, Department, Person
from organizer.charting.people import segment_names
from organizer.errors import DomainError
from organizer.roles import Role

_ORGANIZERS_ONLY = lazy_gettext("Only the union's organizers can name its organizing committee.")


@dataclass(frozen=True)
class Seat:
    """One committee member of a unit, as the committee page lists them."""

    account: Account
    #: Their coworker on the chart (None only for an account linked to nobody).
    person: Person | None
    department_ids: frozenset[int]
    #: Names of those departments, in order.
    department_names: tuple[str, ...]

    @property
    def name(self) -> str:
        return self.person.name if self.person is not None else self.account.display_name


@dataclass(frozen=True)
class CoworkerSeat:
    """What a coworker's page says of them and the committee."""

    #: Their account, if they have one.
    account: Account | None
    #: Whether they may be named: an account holding the member or steward role of the unit.
    may_sit: bool
    #: Whether they sit on the committee now.
    is_seated: bool
    #: The departments they are named for now (empty when not on the committee).
    department_ids: frozenset[int]


@dataclass(frozen=True)
class MySeat:
    """A unit the actor sits on the committee of, and their departments: for their home page."""

    unit: BargainingUnit
    department_names: tuple[str, ...]


def _seat(account: Account, unit_id: int) -> RoleAssignment | None:
    return next((a for a in account.roles if a.role == Role.COMMITTEE and a.unit_id == unit_id), None)


def _may_sit(account: Account, unit: BargainingUnit) -> bool:
    return policy.is_member_of(account, unit) or policy.stewards(account, unit)


def _named(department_ids: Collection[int], names: dict[int, str]) -> tuple[str, ...]:
    return tuple(sorted((names[d] for d in department_ids if d in names), key=str.casefold))


def _listed(department_names: tuple[str, ...]) -> str:
    # For the audit log, whose sentences are stored in English (docs/translating.md).
    return ", ".join(department_names) or "no department"


def department_list(unit: BargainingUnit, department_ids: Collection[int]) -> str:
    """The departments' names, in order, as one phrase ("Cranes, Loading"), for the page."""
    return ", ".join(_named(department_ids, {d.id: d.name for d in unit.departments})) or gettext("no department")


def _chart_name(account: Account) -> str:
    # The audit log names coworkers as the chart does, not by the display name they chose.
    person = coworkers.person_of(account)
    return person.name if person is not None else account.display_name


def name_to_committee(actor: Account, unit: BargainingUnit, account: Account,
                      department_ids: Collection[int]) -> RoleAssignment:
    """Name `account` to the unit's organizing committee for these departments, or, when
    they sit on it already, give them these departments instead of the ones they had."""
    policy.require_organizer(actor, unit, _ORGANIZERS_ONLY)
    # The unit's lock, as accounts are made under it: two namings of one person take
    # turns, so neither adds a second seat beside the other's.
    roster.lock(unit)
    if not _may_sit(account, unit):
        raise DomainError(gettext("Only a member or steward of this unit, with their own account, can sit on "
                                  "its organizing committee."))
    chosen = frozenset(department_ids)
    names = segment_names(Department, unit)
    if not chosen:
        raise DomainError(gettext("Tick at least one department."), field="departments")
    if not chosen <= names.keys():
        raise DomainError(gettext("Choose departments of this unit."), field="departments")
    seat, who = _seat(account, unit.id), _chart_name(account)
    if seat is None:
        seat = RoleAssignment(role=Role.COMMITTEE, unit_id=unit.id, department_ids=chosen)
        account.roles.append(seat)
        db.session.flush()
        audit.record(actor, AuditAction.COMMITTEE_NAMED,
                     f"Named {who} to the organizing committee for {_listed(_named(chosen, names))}.", unit=unit)
    elif seat.department_ids != chosen:
        before = _named(seat.department_ids or (), names)
        seat.department_ids = chosen
        db.session.flush()
        audit.record(actor, AuditAction.COMMITTEE_NAMED,
                     f"Named {who} to the organizing committee for {_listed(_named(chosen, names))} "
                     f"(was {_listed(before)}).", unit=unit)
    return seat


def remove_from_committee(actor: Account, unit: BargainingUnit, account: Account) -> None:
    policy.require_organizer(actor, unit, _ORGANIZERS_ONLY)
    roster.lock(unit)
    seat = _seat(account, unit.id)
    if seat is None:
        raise DomainError(gettext("%(name)s is not on the organizing committee.", name=_chart_name(account)))
    names = segment_names(Department, unit)
    description = (f"Removed {_chart_name(account)} from the organizing committee "
                   f"(was for {_listed(_named(seat.department_ids or (), names))}).")
    account.roles.remove(seat)
    db.session.flush()
    audit.record(actor, AuditAction.COMMITTEE_REMOVED, description, unit=unit)


def _account_of_coworker(person: Person) -> Account:
    account = coworkers.account_of(person)
    if account is None:
        raise DomainError(gettext("%(name)s has no account yet. Invite them first: a committee member signs in "
                                  "with their own account.", name=person.name))
    return account


def name_coworker(actor: Account, person: Person, department_ids: Collection[int]) -> RoleAssignment:
    """`name_to_committee` for the account of a charted coworker (from their page)."""
    policy.require_organizer(actor, person.unit, _ORGANIZERS_ONLY)
    return name_to_committee(actor, person.unit, _account_of_coworker(person), department_ids)


def remove_coworker(actor: Account, person: Person) -> None:
    policy.require_organizer(actor, person.unit, _ORGANIZERS_ONLY)
    remove_from_committee(actor, person.unit, _account_of_coworker(person))


def coworker_seat(actor: Account, person: Person) -> CoworkerSeat:
    """Whether this coworker can be named, and the departments they are named for."""
    policy.require_organizer(actor, person.unit, _ORGANIZERS_ONLY)
    account = coworkers.account_of(person)
    if account is None:
        return CoworkerSeat(None, False, False, frozenset())
    seat = _seat(account, person.unit_id)
    return CoworkerSeat(account, _may_sit(account, person.unit), seat is not None,
                        frozenset(seat.department_ids or ()) if seat is not None else frozenset())


def committee_of(actor: Account, unit: BargainingUnit) -> list[Seat]:
    """The unit's committee members, by name, each with their departments."""
    policy.require_organizer(actor, unit, _ORGANIZERS_ONLY)
    seats = list(db.session.scalars(
        sa.select(RoleAssignment).where(RoleAssignment.role == Role.COMMITTEE, RoleAssignment.unit_id == unit.id)))
    if not seats:
        return []
    accounts = {a.id: a for a in db.session.scalars(
        sa.select(Account).where(Account.id.in_({seat.account_id for seat in seats})))}
    # The links from accounts to coworkers are sealed; the roster holds them.
    person_of_account = {account_id: entry.person_id for account_id, entry in roster.of(unit).linked().items()}
    people = {p.id: p for p in db.session.scalars(
        sa.select(Person).where(Person.id.in_([person_of_account[a] for a in accounts if a in person_of_account])))}
    names = segment_names(Department, unit)
    found = [Seat(accounts[seat.account_id], people.get(person_of_account.get(seat.account_id, 0)),
                  frozenset(seat.department_ids or ()), _named(seat.department_ids or (), names)) for seat in seats]
    return sorted(found, key=lambda seat: (seat.name.casefold(), seat.account.id))


def seats_of(actor: Account) -> list[MySeat]:
    """The units the actor sits on the committee of, by name, with their departments."""
    seats = {a.unit_id: a.department_ids or frozenset() for a in actor.roles if a.role == Role.COMMITTEE}
    if not seats:
        return []
    units = db.session.scalars(sa.select(BargainingUnit).where(BargainingUnit.id.in_(seats)))
    names = dict(db.session.execute(sa.select(Department.id, Department.name)
                                    .where(Department.unit_id.in_(seats))).all())
    return sorted((MySeat(unit, _named(seats[unit.id], names)) for unit in units),
                  key=lambda seat: (seat.unit.name.casefold(), seat.unit.id))

