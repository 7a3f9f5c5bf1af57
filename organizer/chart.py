"""The chart: every coworker of a unit, member or not, with the organizers'
assessment. Sealed fields (assessment, membership, department, shift, and the
account a coworker may have) are decrypted in the app, so filtering and the
links between people, segments and accounts happen here rather than in SQL."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from core.clock import today
from core.extensions import db
from crypto.fields import normalize_email
from organizer import audit
from organizer.errors import DomainError, NotAllowed
from organizer.models import (
    ASSESSMENT_LABELS,
    Account,
    AuditAction,
    BargainingUnit,
    Department,
    Person,
    RoleAssignment,
    Shift,
)


@dataclass(frozen=True)
class PersonDetails:
    """What an organizer records about a coworker."""

    name: str
    department_id: int | None = None
    shift_id: int | None = None
    assessment: int = 0
    is_member: bool = False
    card_signed_on: date | None = None
    email: str | None = None
    phone: str | None = None
    notes: str | None = None


def _require_organizer(actor: Account, unit: BargainingUnit) -> None:
    if unit.union_id not in actor.organizer_union_ids():
        raise NotAllowed("Only the union's organizers can see or change its chart.")


def _validated(unit: BargainingUnit, details: PersonDetails, editing: Person | None) -> PersonDetails:
    if details.assessment not in ASSESSMENT_LABELS:
        raise DomainError("Choose an assessment from 0 to 5.", field="assessment")
    # Department and shift are sealed ids with no foreign key: this check is what
    # keeps them pointing at a segment of the coworker's own unit.
    if details.department_id is not None and not _belongs(Department, details.department_id, unit):
        raise DomainError("Choose one of this unit's departments.", field="department_id")
    if details.shift_id is not None and not _belongs(Shift, details.shift_id, unit):
        raise DomainError("Choose one of this unit's shifts.", field="shift_id")
    name = " ".join(details.name.split())
    email = normalize_email(details.email) if details.email else None
    for other in unit.people:
        if other is editing:
            continue
        if other.name.casefold() == name.casefold():
            raise DomainError(
                "Someone with this name is already on the chart. Add a detail that tells them apart, "
                "such as an initial.", field="name")
        if email and other.email == email:
            raise DomainError(f"{other.name} already has this email on the chart.", field="email")
    card_signed_on = details.card_signed_on if details.is_member else None
    return PersonDetails(
        name=name, department_id=details.department_id, shift_id=details.shift_id,
        assessment=details.assessment, is_member=details.is_member, card_signed_on=card_signed_on,
        email=email, phone=(details.phone or "").strip() or None, notes=(details.notes or "").strip() or None,
    )


def _belongs(model: type[Department] | type[Shift], segment_id: int, unit: BargainingUnit) -> bool:
    segment = db.session.get(model, segment_id)
    return segment is not None and segment.unit_id == unit.id


def add_person(actor: Account, unit: BargainingUnit, details: PersonDetails) -> Person:
    _require_organizer(actor, unit)
    clean = _validated(unit, details, editing=None)
    person = Person(unit=unit, charted_on=today(), segment_changed_on=today(), **clean.__dict__)
    db.session.add(person)
    db.session.flush()
    audit.record(actor, AuditAction.PERSON_CHARTED, f"Charted {person.name}.", unit=unit)
    return person


def update_person(actor: Account, person: Person, details: PersonDetails) -> Person:
    _require_organizer(actor, person.unit)
    clean = _validated(person.unit, details, editing=person)
    # A move also restarts the breakdown freeze (Person.segment_changed_on).
    moved = (clean.department_id, clean.shift_id) != (person.department_id, person.shift_id)
    for name, value in clean.__dict__.items():
        setattr(person, name, value)
    db.session.flush()
    if moved:
        department = db.session.get(Department, person.department_id) if person.department_id else None
        shift = db.session.get(Shift, person.shift_id) if person.shift_id else None
        audit.record(actor, AuditAction.PERSON_MOVED,
                     f"Moved {person.name} to department {department.name if department else 'none'}, "
                     f"shift {shift.name if shift else 'none'}.", unit=person.unit)
    else:
        audit.record(actor, AuditAction.PERSON_EDITED, f"Edited {person.name}.", unit=person.unit)
    return person


def remove_person(actor: Account, person: Person) -> None:
    _require_organizer(actor, person.unit)
    if has_account(person):
        raise DomainError(
            "This coworker has an account. Their account must be closed before they leave the chart.")
    unit, name = person.unit, person.name
    db.session.delete(person)
    db.session.flush()
    audit.record(actor, AuditAction.PERSON_REMOVED, f"Removed {name} from the chart.", unit=unit)


# -- the sealed links, opened in the app ----------------------------------------------------------
#
# An account's person and a person's department and shift are sealed ids, so
# they cannot be joined in SQL. These loaders replace the relationships. An
# account linked to a coworker always holds a role in the coworker's unit (or,
# for an organizer, in its union): accounts.create_account refuses anything
# else, so the accounts behind those role assignments are all that need opening.

def _accounts_of_unit(unit: BargainingUnit) -> sa.Select:
    holding_a_role = sa.select(RoleAssignment.account_id).where(sa.or_(
        RoleAssignment.unit_id == unit.id, RoleAssignment.union_id == unit.union_id))
    return sa.select(Account).where(Account.id.in_(holding_a_role))


def accounts_by_person(unit: BargainingUnit) -> dict[int, Account]:
    """The accounts of the unit's charted coworkers, by person id."""
    charted = set(db.session.scalars(sa.select(Person.id).where(Person.unit_id == unit.id)))
    return {account.person_id: account for account in db.session.scalars(_accounts_of_unit(unit))
            if account.person_id in charted}


def has_account(person: Person) -> bool:
    """Whether an account is linked to this coworker. Opens only the links (not whole
    accounts), since account creation asks this once per new account."""
    linked = db.session.scalars(_accounts_of_unit(person.unit).with_only_columns(Account.person_id))
    return any(person_id == person.id for person_id in linked)


def account_of(person: Person) -> Account | None:
    return accounts_by_person(person.unit).get(person.id)


def segment_names(model: type[Department] | type[Shift], unit: BargainingUnit) -> dict[int, str]:
    """The unit's departments (or shifts) by id, to name the sealed ids people hold."""
    return dict(db.session.execute(sa.select(model.id, model.name).where(model.unit_id == unit.id)).all())


def person_of(account: Account) -> Person | None:
    return db.session.get(Person, account.person_id) if account.person_id is not None else None


@dataclass(frozen=True)
class ChartView:
    people: list[Person]
    #: Number of coworkers at each assessment level, over the whole unit (not the filter).
    counts_by_assessment: dict[int, int]
    headcount: int
    members: int
    department_names: dict[int, str] = field(default_factory=dict)
    shift_names: dict[int, str] = field(default_factory=dict)
    #: Ids of the unit's coworkers who have an account.
    with_account: frozenset[int] = frozenset()

    def department_of(self, person: Person) -> str | None:
        return self.department_names.get(person.department_id) if person.department_id is not None else None

    def shift_of(self, person: Person) -> str | None:
        return self.shift_names.get(person.shift_id) if person.shift_id is not None else None

    def has_account(self, person: Person) -> bool:
        return person.id in self.with_account


def chart(
    actor: Account, unit: BargainingUnit, *, department_id: int | None = None,
    shift_id: int | None = None, assessment: int | None = None, is_member: bool | None = None,
) -> ChartView:
    _require_organizer(actor, unit)
    # Segments, membership and assessments are sealed: every filter runs here, not in SQL.
    everyone = list(db.session.scalars(sa.select(Person).where(Person.unit_id == unit.id)))
    counts = Counter(person.assessment for person in everyone)
    shown = [
        person for person in everyone
        if (department_id is None or person.department_id == department_id)
        and (shift_id is None or person.shift_id == shift_id)
        and (assessment is None or person.assessment == assessment)
        and (is_member is None or person.is_member == is_member)
    ]
    shown.sort(key=lambda person: person.name.casefold())
    return ChartView(
        people=shown,
        counts_by_assessment={level: counts.get(level, 0) for level in ASSESSMENT_LABELS},
        headcount=len(everyone),
        members=sum(1 for person in everyone if person.is_member),
        department_names=segment_names(Department, unit),
        shift_names=segment_names(Shift, unit),
        with_account=frozenset(accounts_by_person(unit)),
    )

