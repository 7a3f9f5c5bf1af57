"""The chart's coworkers: charting someone, editing them (a move restarts the
breakdown freeze), and naming the sealed department and shift ids they hold.
Which of them have accounts, the chart's list that shows it and removal from the
chart (refused while an account exists) are in accounts.coworkers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from core.clock import today
from core.extensions import db
from crypto.fields import normalize_email
from organizer import policy
from organizer.audit import services as audit
from organizer.audit.models import AuditAction
from organizer.charting.models import ASSESSMENT_LABELS, BargainingUnit, Department, Person, Shift
from organizer.errors import DomainError
from organizer.roles import Actor


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


_ORGANIZERS_ONLY = "Only the union's organizers can see or change its chart."


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


def add_person(actor: Actor, unit: BargainingUnit, details: PersonDetails) -> Person:
    policy.require_organizer(actor, unit, _ORGANIZERS_ONLY)
    clean = _validated(unit, details, editing=None)
    person = Person(unit=unit, charted_on=today(), segment_changed_on=today(), **clean.__dict__)
    db.session.add(person)
    db.session.flush()
    audit.record(actor, AuditAction.PERSON_CHARTED, f"Charted {person.name}.", unit=unit)
    return person


def update_person(actor: Actor, person: Person, details: PersonDetails) -> Person:
    policy.require_organizer(actor, person.unit, _ORGANIZERS_ONLY)
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


def segment_names(model: type[Department] | type[Shift], unit: BargainingUnit) -> dict[int, str]:
    """The unit's departments (or shifts) by id, to name the sealed ids people hold."""
    return dict(db.session.execute(sa.select(model.id, model.name).where(model.unit_id == unit.id)).all())
