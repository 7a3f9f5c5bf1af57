"""The chart's coworkers: charting someone (or many at once), editing them (a move
restarts the breakdown freeze), and naming the sealed department and shift ids
they hold. Organizers chart the whole unit; a committee member charts and edits
the coworkers of their own departments (organizer.policy.charts_department), and
imports nothing. Duplicates are found through the unit's roster (`charting.roster`),
under its lock, never by opening the whole unit.
Which of them have accounts, the chart's list that shows it and removal from the
chart (refused while an account exists) are in accounts.coworkers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext, lazy_gettext

from core.clock import today
from core.extensions import db
from core.i18n import format_number
from crypto.fields import normalize_email
from organizer import policy
from organizer.audit import services as audit
from organizer.audit.models import AuditAction
from organizer.charting import roster
from organizer.charting.models import ASSESSMENT_LABELS, BargainingUnit, Department, Person, Shift
from organizer.errors import DomainError, NotAllowed
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


_ORGANIZERS_ONLY = lazy_gettext("Only the union's organizers can see or change its chart.")


def require_charts(actor: Actor, unit: BargainingUnit, department_id: int | None) -> None:
    """Refuse a coworker of this department to whoever does not chart it: a committee
    member choosing another department is told so beside the field; anyone else may
    not touch the chart at all."""
    if policy.charts_department(actor, unit, department_id):
        return
    if policy.charts_in(actor, unit):
        raise DomainError(gettext("Committee members chart the coworkers of their own departments only: "
                                  "choose one of yours."), field="department_id")
    raise NotAllowed(_ORGANIZERS_ONLY)

#: The department and shift ids of a unit, to check the ids a coworker is given against.
_Segments = tuple[set[int], set[int]]


def _validated(unit: BargainingUnit, details: PersonDetails, listed: roster.Roster, editing: Person | None,
               segments: _Segments | None = None) -> PersonDetails:
    if details.assessment not in ASSESSMENT_LABELS:
        raise DomainError(gettext("Choose an assessment from 0 to 5."), field="assessment")
    # Department and shift are sealed ids with no foreign key: this check is what
    # keeps them pointing at a segment of the coworker's own unit.
    departments, shifts = segments or (None, None)
    if details.department_id is not None and not _belongs(Department, details.department_id, unit, departments):
        raise DomainError(gettext("Choose one of this unit's departments."), field="department_id")
    if details.shift_id is not None and not _belongs(Shift, details.shift_id, unit, shifts):
        raise DomainError(gettext("Choose one of this unit's shifts."), field="shift_id")
    name = " ".join(details.name.split())
    email = normalize_email(details.email) if details.email else None
    _refuse_duplicates(listed, name, email, editing.id if editing is not None else None)
    card_signed_on = details.card_signed_on if details.is_member else None
    return PersonDetails(
        name=name, department_id=details.department_id, shift_id=details.shift_id,
        assessment=details.assessment, is_member=details.is_member, card_signed_on=card_signed_on,
        email=email, phone=(details.phone or "").strip() or None, notes=(details.notes or "").strip() or None,
    )


def _refuse_duplicates(listed: roster.Roster, name: str, email: str | None, editing_id: int | None) -> None:
    """Someone else on the chart with this name (ignoring case and spacing) or this
    email is refused. The roster names the few people whose name key or email tag
    match; only their rows are opened, to compare the real values."""
    same_name = [pid for pid in listed.named(roster.name_key(name)) if pid != editing_id]
    same_email = [pid for pid in listed.with_email_tag(roster.email_tag(email)) if pid != editing_id] if email else []
    if not same_name and not same_email:
        return
    others = {p.id: p for p in db.session.scalars(sa.select(Person).where(Person.id.in_(same_name + same_email)))}
    if any(others[pid].name.casefold() == name.casefold() for pid in same_name if pid in others):
        raise DomainError(gettext(
            "Someone with this name is already on the chart. Add a detail that tells them apart, "
            "such as an initial."), field="name")
    for pid in same_email:
        if pid in others and others[pid].email == email:
            raise DomainError(gettext("%(name)s already has this email on the chart.", name=others[pid].name),
                              field="email")


def _belongs(model: type[Department] | type[Shift], segment_id: int, unit: BargainingUnit,
             known: set[int] | None = None) -> bool:
    if known is not None:
        return segment_id in known
    segment = db.session.get(model, segment_id)
    return segment is not None and segment.unit_id == unit.id


def add_person(actor: Actor, unit: BargainingUnit, details: PersonDetails) -> Person:
    """Chart one coworker: organizers, in any department; a committee member, in theirs."""
    require_charts(actor, unit, details.department_id)
    # Locked before the duplicate check, so two organizers adding the same name take turns.
    clean = _validated(unit, details, roster.lock(unit), editing=None)
    person = Person(unit=unit, charted_on=today(), segment_changed_on=today(), **clean.__dict__)
    db.session.add(person)
    db.session.flush()
    audit.record(actor, AuditAction.PERSON_CHARTED, f"Charted {person.name}.", unit=unit)
    return person


def add_many(actor: Actor, unit: BargainingUnit, details: Sequence[PersonDetails], *,
             named_in_audit: bool = True) -> list[Person]:
    """Chart many coworkers at once (an import, or a large demo unit). Each is checked
    as `add_person` checks one, against the chart and against the others given; any
    refusal refuses them all, naming the row. One audit entry names them (unless
    `named_in_audit` is False: a caller that records its own entry, with a count), and
    the roster is rewritten once."""
    policy.require_organizer(actor, unit, _ORGANIZERS_ONLY)
    listed = roster.lock(unit)
    segments = (set(segment_names(Department, unit)), set(segment_names(Shift, unit)))
    names: set[str] = set()
    emails: set[str] = set()
    cleaned = []
    for row, given in enumerate(details, 1):
        try:
            clean = _validated(unit, given, listed, editing=None, segments=segments)
            if clean.name.casefold() in names:
                raise DomainError(gettext("This name is given twice. Add a detail that tells them apart, "
                                          "such as an initial."), field="name")
            if clean.email is not None and clean.email in emails:
                raise DomainError(gettext("This email is given twice."), field="email")
        except DomainError as refused:
            raise DomainError(gettext("Row %(row)s: %(problem)s", row=format_number(row), problem=refused.message),
                              field=refused.field) from None
        names.add(clean.name.casefold())
        if clean.email is not None:
            emails.add(clean.email)
        cleaned.append(clean)
    day = today()
    charted = [Person(unit_id=unit.id, charted_on=day, segment_changed_on=day, **clean.__dict__)
               for clean in cleaned]
    db.session.add_all(charted)
    db.session.flush()
    if charted and named_in_audit:
        audit.record(actor, AuditAction.PERSON_CHARTED,
                     f"Charted {len(charted)} coworkers at once: {', '.join(p.name for p in charted)}.", unit=unit)
    return charted


def update_person(actor: Actor, person: Person, details: PersonDetails) -> Person:
    """Change a coworker: a committee member changes those of their own departments, and
    may move them only to another of theirs."""
    if not policy.charts_department(actor, person.unit, person.department_id):
        raise NotAllowed(_ORGANIZERS_ONLY)
    require_charts(actor, person.unit, details.department_id)
    clean = _validated(person.unit, details, roster.lock(person.unit), editing=person)
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


def reassess_after_talk(actor: Actor, person: Person, assessment: int) -> None:
    """Where a coworker stands after a one-on-one (`organizer.conversations`), written so
    that nothing says whose talk it was. On PostgreSQL every row a transaction writes carries
    its transaction id (`xmin`); the conversation's row carries it too, so a copy of the
    database would pair the talk with the one coworker row written beside it. Every other
    coworker of the unit is therefore written in the same statement's transaction too
    (unchanged), and the whole chart carries the stamp. Nor does the audit log name the
    coworker ("Edited Lena." beside "Recorded a one-on-one"): the conversation's own entry
    says that a talk was held, and the caller checks the value and holds the unit's lock."""
    if not policy.charts_department(actor, person.unit, person.department_id):
        raise NotAllowed(_ORGANIZERS_ONLY)
    person.assessment = assessment
    db.session.flush()
    db.session.execute(sa.update(Person).where(Person.unit_id == person.unit_id, Person.id != person.id)
                       .values(unit_id=Person.unit_id).execution_options(synchronize_session=False))


def segment_names(model: type[Department] | type[Shift], unit: BargainingUnit) -> dict[int, str]:
    """The unit's departments (or shifts) by id, to name the sealed ids people hold."""
    return dict(db.session.execute(sa.select(model.id, model.name).where(model.unit_id == unit.id)).all())
