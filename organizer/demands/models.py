"""Leverage profiles (claims), demands, and what endorses them."""

from __future__ import annotations

import enum
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext, lazy_gettext
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from core.clock import today
from core.columns import enum_column
from core.extensions import db
from core.labels import LabelledEnum
from core.sealing import SealedText
from organizer.accounts.models import Account
from organizer.charting.models import BargainingUnit
from organizer.errors import DomainError
# The importance ontology lives on organizer/'s floor (the unit pulse, a layer
# below, offers its categories too); re-exported here, where demands use it.
from organizer.ontology import Basis, Category, DemandKind, EmployerResponse, Tier  # noqa: F401
from surveys.models import Survey, SurveyState


class ClaimSection(LabelledEnum):
    """Where a claim sits in the chronological leverage profile."""

    HIRE = "hire", lazy_gettext("Why I was hired (qualifications at hire)")  #: qualifications at hire
    #: a year's performance claims and achievements
    PERFORMANCE = "performance", lazy_gettext("Performance and achievements")
    NEED = "need", lazy_gettext("Needs (training, accommodation)")  #: human needs: training, accommodation


class EndorsementState(enum.StrEnum):
    """Where a claim or demand stands with coworkers' endorsement."""

    NOT_ASKED = "not_asked"  #: its author has not asked coworkers to weigh in
    REQUESTED = "requested"  #: asked; waiting for an organizer to send the survey
    SURVEYED = "surveyed"  #: an endorsement survey about it was launched


class EndorsementRefused(DomainError):
    """A move the endorsement state does not allow from where it stands."""


class _Endorsable:
    """Claims and demands can be put to coworkers in an endorsement survey.

    The state moves only through `ask_coworkers` and `put_to_survey`; whether
    coworkers are still answering is the survey's own state, read through
    `survey_being_answered`, never copied here."""

    @declared_attr
    def endorsement_state(cls) -> Mapped[EndorsementState]:
        return mapped_column(enum_column(EndorsementState), default=EndorsementState.NOT_ASKED)

    #: Day the author last asked coworkers to weigh in; None until asked. It
    #: orders the organizer's queue (who waited longest is served first).
    endorsement_requested_on: Mapped[date | None]

    @declared_attr
    def endorsement_survey_id(cls) -> Mapped[int | None]:
        #: The endorsement survey that asks about it, once an organizer launched one.
        return mapped_column(sa.ForeignKey("surveys.id", ondelete="SET NULL"))

    @declared_attr
    def endorsement_survey(cls) -> Mapped[Survey | None]:
        return relationship()

    @property
    def awaits_endorsement_survey(self) -> bool:
        return self.endorsement_state is EndorsementState.REQUESTED

    @property
    def survey_being_answered(self) -> Survey | None:
        """The endorsement survey about it, while its answers are not yet released."""
        survey = self.endorsement_survey if self.endorsement_state is EndorsementState.SURVEYED else None
        return survey if survey is not None and survey.state is not SurveyState.RELEASED else None

    @property
    def was_weighed(self) -> bool:
        """Whether coworkers were ever asked about these words."""
        return self.endorsement_survey_id is not None

    @property
    def may_ask_coworkers(self) -> bool:
        """Asking is possible when never asked, or once the last survey about it is released."""
        return not self.awaits_endorsement_survey and self.survey_being_answered is None

    def ask_coworkers(self, on: date) -> None:
        if self.awaits_endorsement_survey:
            raise EndorsementRefused(gettext("You have already asked; an organizer will send the survey."))
        if self.survey_being_answered is not None:
            raise EndorsementRefused(gettext("Coworkers are already being asked about it."))
        # The last survey stays linked: its words were weighed, so they stay fixed.
        self.endorsement_state, self.endorsement_requested_on = EndorsementState.REQUESTED, on

    def put_to_survey(self, survey: Survey) -> None:
        if not self.awaits_endorsement_survey:
            raise EndorsementRefused(gettext("This request no longer awaits an endorsement survey."))
        self.endorsement_state, self.endorsement_survey = EndorsementState.SURVEYED, survey


demand_claims = sa.Table(
    "demand_claims",
    db.metadata,
    sa.Column("demand_id", sa.ForeignKey("demands.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("claim_id", sa.ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True),
)


class Claim(_Endorsable, db.Model):
    """One statement of a member's leverage profile ("I trained the four newest hires")."""

    __tablename__ = "claims"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The member whose profile it is.
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    #: Qualifications at hire, performance, or needs.
    section: Mapped[ClaimSection] = mapped_column(enum_column(ClaimSection))
    #: The year it speaks of (year hired, year of the achievement), for the chronology.
    year: Mapped[int | None]
    #: The statement. Sealed.
    text: Mapped[str] = mapped_column(SealedText("claim.text"))
    #: Day it was written.
    created_on: Mapped[date] = mapped_column(default=today)
    #: For an achievement: the qualification at hire it grew from (one of the same member's
    #: hire claims), so the profile shows what each qualification became, year by year.
    grew_from_id: Mapped[int | None] = mapped_column(sa.ForeignKey("claims.id", ondelete="SET NULL"), index=True)

    account: Mapped[Account] = relationship()
    grew_from: Mapped[Claim | None] = relationship(remote_side=[id])

    @property
    def subject_ref(self) -> str:
        return f"claim:{self.id}"

    def grow_from(self, qualification: Claim | None) -> None:
        """Link this achievement to the qualification at hire it grew from (or unlink it with None).

        Only an achievement grows, only from a qualification at hire of the same member, and not
        from one dated after it: the link is a chronology, which a later year cannot precede."""
        if qualification is not None:
            if self.section is not ClaimSection.PERFORMANCE:
                raise DomainError(gettext("Only an achievement can grow from a qualification at hire."),
                                  field="grew_from_id")
            if qualification.section is not ClaimSection.HIRE or qualification.account_id != self.account_id:
                raise DomainError(gettext("Choose one of your own qualifications at hire."), field="grew_from_id")
            if qualification.year is not None and self.year is not None and qualification.year > self.year:
                raise DomainError(gettext("That qualification is dated %(hired)d, after this achievement "
                                          "(%(year)d).", hired=qualification.year, year=self.year),
                                  field="grew_from_id")
        self.grew_from = qualification


class Demand(_Endorsable, db.Model):
    """Something a member asks of the employer, phrased as a question that needs an answer."""

    __tablename__ = "demands"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The member who raised it.
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    #: The bargaining unit it is raised in.
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("bargaining_units.id", ondelete="CASCADE"), index=True)
    #: demand (asks the employer to act) or question (asks for information).
    kind: Mapped[DemandKind] = mapped_column(enum_column(DemandKind))
    #: Importance tier.
    tier: Mapped[Tier] = mapped_column(enum_column(Tier))
    #: The leverage it rests on.
    basis: Mapped[Basis] = mapped_column(enum_column(Basis))
    #: Job-quality category.
    category: Mapped[Category] = mapped_column(enum_column(Category))
    #: The demand itself ("Will you ...? How?"). Sealed.
    text: Mapped[str] = mapped_column(SealedText("demand.text"))
    #: Whether the member lets stewards and summaries show their name beside it.
    is_attributable: Mapped[bool] = mapped_column(default=False)
    #: Day it was raised.
    created_on: Mapped[date] = mapped_column(default=today)
    #: A steward found it to be the same as another member's demand: it counts
    #: toward that one in the bargaining summary, which lists it once.
    same_as_id: Mapped[int | None] = mapped_column(sa.ForeignKey("demands.id", ondelete="SET NULL"), index=True)

    account: Mapped[Account] = relationship()
    unit: Mapped[BargainingUnit] = relationship()
    claims: Mapped[list[Claim]] = relationship(secondary=demand_claims, order_by="Claim.id")
    same_as: Mapped[Demand | None] = relationship(remote_side=[id])
    #: Every answer the employer gave, oldest first; the last is its answer now.
    employer_answers: Mapped[list[EmployerAnswer]] = relationship(
        order_by=lambda: (EmployerAnswer.recorded_on, EmployerAnswer.id), cascade="all, delete-orphan",
        passive_deletes=True)

    @property
    def subject_ref(self) -> str:
        return f"demand:{self.id}"

    # The answer now is read from the history, never copied beside it, so the two cannot disagree.

    @property
    def latest_answer(self) -> EmployerAnswer | None:
        return self.employer_answers[-1] if self.employer_answers else None

    @property
    def earlier_answers(self) -> list[EmployerAnswer]:
        """The answers before the latest, newest first."""
        return self.employer_answers[-2::-1]

    @property
    def employer_response(self) -> EmployerResponse | None:
        return self.latest_answer.response if self.latest_answer else None

    @property
    def employer_response_note(self) -> str | None:
        return self.latest_answer.note if self.latest_answer else None

    @property
    def responded_on(self) -> date | None:
        return self.latest_answer.recorded_on if self.latest_answer else None


class EmployerAnswer(db.Model):
    """One answer the employer gave to a demand at the table, as a steward recorded it, with its day.

    A demand's answers are kept as its history: "refuses" in October and "partly" in
    November both stand, each with its day. The steward who recorded it is not stored:
    the answer is the employer's, and a row tying a steward to each day at the table would
    be one more thing a seized database tells (PRIVACY.md: store less)."""

    __tablename__ = "employer_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The demand answered.
    demand_id: Mapped[int] = mapped_column(sa.ForeignKey("demands.id", ondelete="CASCADE"), index=True)
    #: What the employer said: supports, partly, refuses, or no answer.
    response: Mapped[EmployerResponse] = mapped_column(enum_column(EmployerResponse))
    #: How the employer answered, in the steward's words. Sealed.
    note: Mapped[str | None] = mapped_column(SealedText("employer_answer.note"))
    #: Day it was recorded; a day, never a time.
    recorded_on: Mapped[date] = mapped_column(default=today)
