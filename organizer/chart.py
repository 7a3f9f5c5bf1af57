"""The chart: every coworker of a unit, member or not, with the organizers'
assessment. Sealed fields are decrypted in the app, so filtering by assessment
happens here rather than in SQL."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from core.extensions import db
from crypto.fields import normalize_email
from organizer.errors import DomainError, NotAllowed
from organizer.models import ASSESSMENT_LABELS, Account, BargainingUnit, Department, Person, Shift


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
    if details.department_id is not None and db.session.get(Department, details.department_id) not in unit.departments:
        raise DomainError("Choose one of this unit's departments.", field="department_id")
    if details.shift_id is not None and db.session.get(Shift, details.shift_id) not in unit.shifts:
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


def add_person(actor: Account, unit: BargainingUnit, details: PersonDetails) -> Person:
    _require_organizer(actor, unit)
    clean = _validated(unit, details, editing=None)
    person = Person(unit=unit, **clean.__dict__)
    db.session.add(person)
    db.session.flush()
    return person


def update_person(actor: Account, person: Person, details: PersonDetails) -> Person:
    _require_organizer(actor, person.unit)
    clean = _validated(person.unit, details, editing=person)
    for field, value in clean.__dict__.items():
        setattr(person, field, value)
    db.session.flush()
    return person


def remove_person(actor: Account, person: Person) -> None:
    _require_organizer(actor, person.unit)
    if person.account is not None:
        raise DomainError(
            "This coworker has an account. Their account must be closed before they leave the chart.")
    db.session.delete(person)
    db.session.flush()


@dataclass(frozen=True)
class ChartView:
    people: list[Person]
    #: Number of coworkers at each assessment level, over the whole unit (not the filter).
    counts_by_assessment: dict[int, int]
    headcount: int
    members: int


def chart(
    actor: Account, unit: BargainingUnit, *, department_id: int | None = None,
    shift_id: int | None = None, assessment: int | None = None,
) -> ChartView:
    _require_organizer(actor, unit)
    everyone = list(db.session.scalars(sa.select(Person).where(Person.unit_id == unit.id)))
    counts = Counter(person.assessment for person in everyone)
    shown = [
        person for person in everyone
        if (department_id is None or person.department_id == department_id)
        and (shift_id is None or person.shift_id == shift_id)
        and (assessment is None or person.assessment == assessment)
    ]
    shown.sort(key=lambda person: person.name.casefold())
    return ChartView(
        people=shown,
        counts_by_assessment={level: counts.get(level, 0) for level in ASSESSMENT_LABELS},
        headcount=len(everyone),
        members=sum(1 for person in everyone if person.is_member),
    )
