"""Leverage profiles (claims), demands, and what endorses them."""

from __future__ import annotations

import enum
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from core.columns import enum_column
from core.clock import today
from core.extensions import db
from core.sealing import SealedText
from organizer.accounts.models import Account
from organizer.charting.models import BargainingUnit
# The importance ontology lives on organizer/'s floor (the unit pulse, a layer
# below, offers its categories too); re-exported here, where demands use it.
from organizer.ontology import Basis, Category, DemandKind, Tier  # noqa: F401


class ClaimSection(enum.StrEnum):
    """Where a claim sits in the chronological leverage profile."""

    HIRE = "hire"  #: qualifications at hire
    PERFORMANCE = "performance"  #: a year's performance claims and achievements
    NEED = "need"  #: human needs: training, accommodation

    @property
    def label(self) -> str:
        return {"hire": "Why I was hired (qualifications at hire)",
                "performance": "Performance and achievements",
                "need": "Needs (training, accommodation)"}[self.value]


class EmployerResponse(enum.StrEnum):
    SUPPORTS = "supports"
    PARTLY = "partly"
    REFUSES = "refuses"
    NO_ANSWER = "no_answer"

    @property
    def label(self) -> str:
        return {"supports": "Supports", "partly": "Partly", "refuses": "Refuses",
                "no_answer": "No answer"}[self.value]


class _Endorsable:
    """Claims and demands can be put to coworkers in an endorsement survey."""

    #: Day the author asked coworkers to weigh in; None until asked.
    endorsement_requested_on: Mapped[date | None]

    @declared_attr
    def endorsement_survey_id(cls) -> Mapped[int | None]:
        #: The endorsement survey that asks about it, once an organizer launched one.
        return mapped_column(sa.ForeignKey("surveys.id", ondelete="SET NULL"))

    @property
    def awaits_endorsement_survey(self) -> bool:
        return self.endorsement_requested_on is not None and self.endorsement_survey_id is None


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

    account: Mapped[Account] = relationship()

    @property
    def subject_ref(self) -> str:
        return f"claim:{self.id}"


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
    #: The employer's answer, as recorded by a steward.
    employer_response: Mapped[EmployerResponse | None] = mapped_column(enum_column(EmployerResponse))
    #: How the employer answered, in the steward's words. Sealed.
    employer_response_note: Mapped[str | None] = mapped_column(SealedText("demand.response_note"))
    #: Day the response was recorded.
    responded_on: Mapped[date | None]
    #: A steward found it to be the same as another member's demand: it counts
    #: toward that one in the bargaining summary, which lists it once.
    same_as_id: Mapped[int | None] = mapped_column(sa.ForeignKey("demands.id", ondelete="SET NULL"), index=True)

    account: Mapped[Account] = relationship()
    unit: Mapped[BargainingUnit] = relationship()
    claims: Mapped[list[Claim]] = relationship(secondary=demand_claims, order_by="Claim.id")
    same_as: Mapped[Demand | None] = relationship(remote_side=[id])

    @property
    def subject_ref(self) -> str:
        return f"demand:{self.id}"
