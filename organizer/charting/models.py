"""Unions, bargaining units and their segments (departments, shifts), and the
chart of coworkers.

Personal data (names, contact details, assessments, notes) is declared with
sealed column types and never reaches the database in the clear. Each unit's
roster (`UnitRoster`, kept by `organizer.charting.roster`) holds what its pages
count and filter, sealed as one value."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext
from flask_babel.speaklater import LazyString
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship, validates

from core.clock import today
from core.extensions import db
from core.sealing import SealedBool, SealedBytes, SealedDate, SealedId, SealedInt, SealedText, sealed_none
from core.timezones import DEFAULT_TIME_ZONE
from surveys.definitions import DEFAULT_COMMENT_THRESHOLD
from surveys.models import SurveyKind

#: Organizing assessment of a coworker (0 means not yet assessed).
#: The words read in the language of whoever looks (`lazy_gettext`); `str()` fixes them
#: in the language of that moment, as a file does.
ASSESSMENT_LABELS: dict[int, LazyString] = {
    0: lazy_gettext("Not yet assessed"),
    1: lazy_gettext("Leader / strong supporter"),
    2: lazy_gettext("Supporter"),
    3: lazy_gettext("Undecided"),
    4: lazy_gettext("Leaning against"),
    5: lazy_gettext("Opposed"),
}

#: What a level outside ASSESSMENT_LABELS reads as.
UNKNOWN_ASSESSMENT = lazy_gettext("Unknown")

#: The floors PRIVACY.md sets (invariant 10), and the one place they are written
#: on the union side: results of pulse, bargaining and vote surveys, and
#: endorsements, take the engine's own defaults; comments need more answers
#: than figures because one sentence can name its writer. A union may raise
#: each floor, never lower it below these (see `unions.update_floors`).
DEFAULT_RESULTS_FLOOR = SurveyKind.PULSE.default_threshold

DEFAULT_ENDORSEMENT_FLOOR = SurveyKind.ENDORSEMENT.default_threshold

DEFAULT_COMMENT_FLOOR = DEFAULT_COMMENT_THRESHOLD

#: Strength is read from recent evidence: a rally of last spring says little about today.
DEFAULT_EVIDENCE_WINDOW_DAYS = 90


class Union(db.Model):
    """A union campaign: the scope of an organizer's work."""

    __tablename__ = "unions"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The campaign's name as organizers know it (it may be a code name).
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    #: Floor of k for pulse, bargaining and vote surveys: no survey of the union
    #: shows a figure that fewer people stand behind.
    release_threshold: Mapped[int] = mapped_column(default=DEFAULT_RESULTS_FLOOR)
    #: Floor of k for endorsement surveys (few coworkers weigh one member's items).
    endorsement_threshold: Mapped[int] = mapped_column(default=DEFAULT_ENDORSEMENT_FLOOR)
    #: Floor of the comment threshold: comments open only past this many answers.
    comment_threshold: Mapped[int] = mapped_column(default=DEFAULT_COMMENT_FLOOR)
    #: Day the campaign was created; days only, never times.
    created_on: Mapped[date] = mapped_column(default=today)
    #: IANA name of the zone the union works in ("America/Chicago"): survey times
    #: are typed and shown in it, and stored in UTC.
    time_zone: Mapped[str] = mapped_column(sa.String(64), default=DEFAULT_TIME_ZONE)
    #: How many days back strength evidence counts toward a unit's tier; older evidence is history.
    evidence_window_days: Mapped[int] = mapped_column(default=DEFAULT_EVIDENCE_WINDOW_DAYS)

    units: Mapped[list[BargainingUnit]] = relationship(
        back_populates="union", order_by="BargainingUnit.name", cascade="all, delete-orphan"
    )

    def floor_for(self, kind: SurveyKind) -> int:
        """The lowest k a survey of this kind may have in this union."""
        return self.endorsement_threshold if kind == SurveyKind.ENDORSEMENT else self.release_threshold


class BargainingUnit(db.Model):
    """A group of coworkers who bargain together."""

    __tablename__ = "bargaining_units"
    __table_args__ = (sa.UniqueConstraint("union_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The union campaign the unit belongs to.
    union_id: Mapped[int] = mapped_column(sa.ForeignKey("unions.id", ondelete="CASCADE"), index=True)
    #: The unit's name, e.g. "Warehouse associates".
    name: Mapped[str] = mapped_column(sa.String(120))
    #: Day the unit was created.
    created_on: Mapped[date] = mapped_column(default=today)

    union: Mapped[Union] = relationship(back_populates="units")
    departments: Mapped[list[Department]] = relationship(
        back_populates="unit", order_by="Department.name", cascade="all, delete-orphan"
    )
    shifts: Mapped[list[Shift]] = relationship(
        back_populates="unit", order_by="Shift.name", cascade="all, delete-orphan"
    )
    people: Mapped[list[Person]] = relationship(back_populates="unit", cascade="all, delete-orphan")


class _UnitSegment:
    """Departments and shifts share one shape: a named slice of one unit."""

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The segment's name, unique within its unit.
    name: Mapped[str] = mapped_column(sa.String(80))

    @declared_attr
    def unit_id(cls) -> Mapped[int]:
        #: The unit this segment divides.
        return mapped_column(sa.ForeignKey("bargaining_units.id", ondelete="CASCADE"), index=True)

    @declared_attr.directive
    def __table_args__(cls) -> tuple:
        return (sa.UniqueConstraint("unit_id", "name"),)


class Department(_UnitSegment, db.Model):
    __tablename__ = "departments"
    unit: Mapped[BargainingUnit] = relationship(back_populates="departments")


class Shift(_UnitSegment, db.Model):
    __tablename__ = "shifts"
    unit: Mapped[BargainingUnit] = relationship(back_populates="shifts")


class Person(db.Model):
    """One coworker on a unit's chart, member or not. Organizers only.

    Whatever an employer could join with its HR roster to pick out a small group
    is sealed, not only names and contacts: membership, the card date, the day
    charted, department and shift, and the day either last changed. The link to
    an account is sealed on the account (`Account.person_id`), so nothing on this
    row says whether the coworker has one. Sealed values cannot be filtered or
    joined in SQL, so the chart, the figures and the electorate read them from the
    unit's roster (`UnitRoster`, kept by `organizer.charting.roster` in the same
    flush as every change here), which holds them for the whole unit, sealed as one
    value; `organizer.accounts.coworkers` holds the loaders that replace the old
    relationships.

    The clear columns left are the ones a query truly needs:

    * `id`: the key invitations point to. It is sequential, so it still says
      who was charted before whom (not when).
    * `unit_id`: lists a unit's chart, counts its headcount, and deletes the
      chart with its unit. It says only that some coworker is charted in a
      unit, which the employer knows already.

    Elsewhere, role assignments keep their clear `unit_id`, which says only
    that some pseudonymous account belongs to a unit. A pending invitation
    names its coworker (`Invitation.person_id`) but no account exists yet; an
    accepted one is deleted as it is used (`organizer.accounts.invitations.accept`), so
    no row pairs a coworker with the day an account was made. The audit entry
    of an acceptance names the coworker only in its sealed description.
    """

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The unit whose chart lists this coworker.
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("bargaining_units.id", ondelete="CASCADE"), index=True)
    #: Department, if known: one of the unit's (the chart service checks; no foreign key, it is sealed).
    department_id: Mapped[int | None] = mapped_column(SealedId("person.department_id"), default=sealed_none)
    #: Shift, if known: one of the unit's (the chart service checks). Sealed.
    shift_id: Mapped[int | None] = mapped_column(SealedId("person.shift_id"), default=sealed_none)
    #: Name as coworkers know them. Sealed.
    name: Mapped[str] = mapped_column(SealedText("person.name"))
    #: Personal email (never a work address). Sealed.
    email: Mapped[str | None] = mapped_column(SealedText("person.email"))
    #: Personal phone. Sealed.
    phone: Mapped[str | None] = mapped_column(SealedText("person.phone"))
    #: Organizing assessment 0-5 (see ASSESSMENT_LABELS). Sealed: the most dangerous field to leak.
    assessment: Mapped[int] = mapped_column(SealedInt("person.assessment"), default=0)
    #: Organizers' notes. Sealed.
    notes: Mapped[str | None] = mapped_column(SealedText("person.notes"))
    #: Whether the coworker is a union member (counts toward density). Sealed.
    is_member: Mapped[bool] = mapped_column(SealedBool("person.is_member"), default=False)
    #: Day the membership card was signed, if it was. Sealed, absence included.
    card_signed_on: Mapped[date | None] = mapped_column(SealedDate("person.card_signed_on"), default=sealed_none)
    #: Day the coworker was first charted. Sealed: it tracks a hire date.
    charted_on: Mapped[date] = mapped_column(SealedDate("person.charted_on"), default=today)
    #: Day the coworker was charted or last moved to another department or shift.
    #: Breakdowns leave out anyone moved recently (unit_surveys.SEGMENT_FREEZE_DAYS). Sealed.
    segment_changed_on: Mapped[date] = mapped_column(SealedDate("person.segment_changed_on"), default=today)

    unit: Mapped[BargainingUnit] = relationship(back_populates="people")

    @property
    def assessment_label(self) -> LazyString:
        return ASSESSMENT_LABELS.get(self.assessment, UNKNOWN_ASSESSMENT)

    @validates("department_id", "shift_id")
    def _restart_segment_freeze(self, key: str, value: int | None) -> int | None:
        # Here rather than in each service, so that every path that moves someone
        # (an edit, a removed department) restarts the freeze, and only a real move does.
        if value != getattr(self, key):
            self.segment_changed_on = today()
        return value


class UnitRoster(db.Model):
    """What the chart filters, sorts and counts, for one unit, as one sealed value.

    People's departments, shifts, membership and assessments are sealed one by one
    (see `Person`), so SQL can neither filter nor count them, and opening every row
    of a large unit for each page is slow. This row holds them for the whole unit,
    sealed together by the application key, and is rewritten in the same
    transaction as every change to the unit's people or their accounts
    (`organizer.charting.roster` says how, and what it costs and hides).
    """

    __tablename__ = "unit_rosters"

    #: The unit whose people it lists.
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("bargaining_units.id", ondelete="CASCADE"),
                                         primary_key=True)
    #: Headcount, members and people at each assessment level: all that figures need. Sealed.
    summary: Mapped[bytes] = mapped_column(SealedBytes("unit_roster.summary"))
    #: One entry per person: ids, segments, membership, assessment, account, name key. Sealed.
    entries: Mapped[bytes] = mapped_column(SealedBytes("unit_roster.entries"))
