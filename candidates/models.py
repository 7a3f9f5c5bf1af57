"""A candidate's profile, preferences, proof of leverage, experiences, jobs with
their requirements and mappings, preconditions and questions, and the card links
shared with employers, with the answers given through them.

Every word a candidate or an employer writes is sealed (core.sealing), and so are
the looking status and an employer's answer, which say the most about a person at
a glance: "actively looking", read off a leaked backup beside an account that is
also a union member, is what an employer would retaliate over. What stays in the
clear is structure: which row belongs to which, the importance tiers and kinds
(as a member's demands keep theirs), and days.

A profile points to its account by a foreign key with ON DELETE CASCADE, so
deleting an account deletes the profile and everything under it without
organizer/ knowing this package (the accounts table is named, not imported)."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.clock import today
from core.columns import enum_column
from core.extensions import db
from core.labels import LabelledEnum
from core.sealing import SealedCode, SealedInt, SealedText
from ontology import Basis, Category, DemandKind, EmployerResponse, Tier


class LookingStatus(LabelledEnum):
    """Whether the candidate is looking at all: the first thing a card says. Its values
    are short codes, since the status is sealed at a fixed width (see SealedLookingStatus)."""

    ACTIVELY_LOOKING = "active", lazy_gettext("Actively looking")
    OPEN_TO_OFFERS = "open", lazy_gettext("Open to offers")
    NOT_LOOKING = "not", lazy_gettext("Not looking")

    @property
    def meaning(self) -> str:
        return {"active": lazy_gettext("Looking for a job now."),
                "open": lazy_gettext("Not searching, but a good offer would be heard."),
                "not": lazy_gettext("Happy where they are: an offer has to be worth leaving for.")}[self.value]


class PreferenceAspect(LabelledEnum):
    """What a preference is about."""

    LOCATION = "location", lazy_gettext("Location")
    COMMUTE = "commute", lazy_gettext("Longest commute")
    WORK_PLACE = "work_place", lazy_gettext("Remote, hybrid or on site")
    SCHEDULE = "schedule", lazy_gettext("Schedule")
    PAY_FLOOR = "pay_floor", lazy_gettext("Lowest pay")
    JOB_TYPE = "job_type", lazy_gettext("Kind of job")
    SKILL = "skill", lazy_gettext("Skills I want to use")


#: The tiers a preference may have: "curious" is for questions only.
PREFERENCE_TIERS = (Tier.DEALBREAKER, Tier.PRIORITY, Tier.IMPORTANT, Tier.NICE_TO_HAVE)


class ProofKind(LabelledEnum):
    """Leverage that is not a job: work of one's own that shows an employer is not the only way in."""

    FREELANCE = "freelance", lazy_gettext("Freelance work")
    AUDIENCE = "audience", lazy_gettext("A channel or audience")
    COACHING = "coaching", lazy_gettext("A coaching or teaching business")
    OTHER = "other", lazy_gettext("Other work of my own")


class IncomeBand(LabelledEnum):
    """What the work brings in, in bands (codes short enough to be sealed at a fixed width)."""

    NONE = "none", lazy_gettext("No income from it")
    UNDER_500 = "lt500", lazy_gettext("Under 500 a month")
    UP_TO_2000 = "lt2000", lazy_gettext("500 to 2,000 a month")
    UP_TO_5000 = "lt5000", lazy_gettext("2,000 to 5,000 a month")
    OVER_5000 = "gt5000", lazy_gettext("Over 5,000 a month")
    UNSAID = "unsaid", lazy_gettext("Rather not say")


#: An employer answers through a card with one of these; "no answer" is an answer's absence.
CARD_RESPONSES = (EmployerResponse.SUPPORTS, EmployerResponse.PARTLY, EmployerResponse.REFUSES)


class _SealedChoice(SealedCode):
    """A labelled enum's short value sealed at SealedCode's fixed width: every choice
    seals to a blob of one size, so the blob does not tell which it is."""

    cache_ok = True
    choices: type[LabelledEnum]

    def _from_bytes(self, raw: bytes) -> Any:
        return self.choices(raw.decode("ascii").rstrip())


class SealedLookingStatus(_SealedChoice):
    cache_ok = True
    choices = LookingStatus


class SealedIncomeBand(_SealedChoice):
    cache_ok = True
    choices = IncomeBand


class SealedResponse(_SealedChoice):
    cache_ok = True
    choices = EmployerResponse


class CandidateProfile(db.Model):
    """One account's job search: its looking status, and the owner of everything below."""

    __tablename__ = "candidate_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The account whose search it is (one profile per account).
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("accounts.id", ondelete="CASCADE"), unique=True)
    #: Actively looking, open to offers, or not looking. Sealed.
    looking: Mapped[LookingStatus] = mapped_column(SealedLookingStatus("candidate_profile.looking"))
    #: Day the profile was started.
    created_on: Mapped[date] = mapped_column(default=today)

    preferences: Mapped[list[Preference]] = relationship(
        back_populates="profile", cascade="all, delete-orphan", passive_deletes=True, order_by="Preference.id")
    proofs: Mapped[list[LeverageProof]] = relationship(
        back_populates="profile", cascade="all, delete-orphan", passive_deletes=True, order_by="LeverageProof.id")
    experiences: Mapped[list[Experience]] = relationship(
        back_populates="profile", cascade="all, delete-orphan", passive_deletes=True, order_by="Experience.id")
    preconditions: Mapped[list[Precondition]] = relationship(
        back_populates="profile", cascade="all, delete-orphan", passive_deletes=True, order_by="Precondition.id")
    jobs: Mapped[list[Job]] = relationship(
        back_populates="profile", cascade="all, delete-orphan", passive_deletes=True, order_by="Job.id")


class Preference(db.Model):
    """What would rule a job in or out, with how much it weighs."""

    __tablename__ = "candidate_preferences"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Whose preference it is.
    profile_id: Mapped[int] = mapped_column(sa.ForeignKey("candidate_profiles.id", ondelete="CASCADE"), index=True)
    #: Location, commute, remote or not, schedule, pay floor, kind of job, or a skill to use.
    aspect: Mapped[PreferenceAspect] = mapped_column(enum_column(PreferenceAspect))
    #: How much it weighs: dealbreaker to nice to have.
    tier: Mapped[Tier] = mapped_column(enum_column(Tier))
    #: The preference in the candidate's words ("Within 40 minutes by bus"). Sealed.
    text: Mapped[str] = mapped_column(SealedText("candidate_preference.text"))

    profile: Mapped[CandidateProfile] = relationship(back_populates="preferences")


class LeverageProof(db.Model):
    """Leverage that is not a job (freelance work, an audience, a coaching business), told as
    evidence: how big, how long, what it brings in. Clients and platforms go unnamed unless
    the candidate chooses to name them."""

    __tablename__ = "candidate_proofs"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Whose proof it is.
    profile_id: Mapped[int] = mapped_column(sa.ForeignKey("candidate_profiles.id", ondelete="CASCADE"), index=True)
    #: Freelance, audience, coaching, or other work of one's own.
    kind: Mapped[ProofKind] = mapped_column(enum_column(ProofKind))
    #: What the work is. Sealed.
    description: Mapped[str] = mapped_column(SealedText("candidate_proof.description"))
    #: How big ("about 40 regular clients", "12,000 subscribers"). Sealed.
    size: Mapped[str | None] = mapped_column(SealedText("candidate_proof.size"))
    #: How long ("three years"). Sealed.
    duration: Mapped[str | None] = mapped_column(SealedText("candidate_proof.duration"))
    #: What it brings in, as a band. Sealed.
    income: Mapped[IncomeBand] = mapped_column(SealedIncomeBand("candidate_proof.income"))
    #: The candidate chose to name clients or platforms in it (no warning is shown then).
    names_on_purpose: Mapped[bool] = mapped_column(default=False)

    profile: Mapped[CandidateProfile] = relationship(back_populates="proofs")


class Experience(db.Model):
    """Something the candidate did and achieved, with its skills, scale and years, and no
    employer: the experience is what counts, never the company that gave it."""

    __tablename__ = "candidate_experiences"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Whose experience it is.
    profile_id: Mapped[int] = mapped_column(sa.ForeignKey("candidate_profiles.id", ondelete="CASCADE"), index=True)
    #: What was done. Sealed.
    what: Mapped[str] = mapped_column(SealedText("candidate_experience.what"))
    #: What came of it. Sealed.
    achieved: Mapped[str | None] = mapped_column(SealedText("candidate_experience.achieved"))
    #: The skills it used, separated by commas. Sealed.
    skills: Mapped[str | None] = mapped_column(SealedText("candidate_experience.skills"))
    #: How big ("a team of 6", "40,000 parcels a day"). Sealed.
    scale: Mapped[str | None] = mapped_column(SealedText("candidate_experience.scale"))
    #: For how many years (0: under one). Sealed.
    years: Mapped[int | None] = mapped_column(SealedInt("candidate_experience.years"))

    profile: Mapped[CandidateProfile] = relationship(back_populates="experiences")

    @property
    def skill_list(self) -> list[str]:
        return [skill.strip() for skill in (self.skills or "").split(",") if skill.strip()]


class Precondition(db.Model):
    """What the candidate asks an employer before going further, in the demand model: a kind
    (an ask to act, or a question), a tier, a category, and the basis `market` (a candidate
    compares employers), phrased as a question that needs an answer."""

    __tablename__ = "candidate_preconditions"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Whose precondition it is.
    profile_id: Mapped[int] = mapped_column(sa.ForeignKey("candidate_profiles.id", ondelete="CASCADE"), index=True)
    #: demand (asks the employer to act) or question (asks for information).
    kind: Mapped[DemandKind] = mapped_column(enum_column(DemandKind))
    #: Importance tier.
    tier: Mapped[Tier] = mapped_column(enum_column(Tier))
    #: The leverage it rests on: always `market` for a candidate (services set it).
    basis: Mapped[Basis] = mapped_column(enum_column(Basis), default=Basis.MARKET)
    #: Job-quality category.
    category: Mapped[Category] = mapped_column(enum_column(Category))
    #: The ask, as a question ("Will you put the pay floor in the offer letter?"). Sealed.
    text: Mapped[str] = mapped_column(SealedText("candidate_precondition.text"))

    profile: Mapped[CandidateProfile] = relationship(back_populates="preconditions")


class Job(db.Model):
    """One job the candidate is talking about with one employer: the listing's
    requirements, and the card that shows how the candidate meets them."""

    __tablename__ = "candidate_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Whose job search it belongs to.
    profile_id: Mapped[int] = mapped_column(sa.ForeignKey("candidate_profiles.id", ondelete="CASCADE"), index=True)
    #: The candidate's own name for it ("Shift lead, parcel hub"). Sealed.
    title: Mapped[str] = mapped_column(SealedText("candidate_job.title"))
    #: How this employer may reach the candidate, shown on the card only when given. Sealed.
    contact: Mapped[str | None] = mapped_column(SealedText("candidate_job.contact"))
    #: Day it was added.
    created_on: Mapped[date] = mapped_column(default=today)

    profile: Mapped[CandidateProfile] = relationship(back_populates="jobs")
    requirements: Mapped[list[Requirement]] = relationship(
        back_populates="job", cascade="all, delete-orphan", passive_deletes=True,
        order_by=lambda: (Requirement.position, Requirement.id))
    links: Mapped[list[CardLink]] = relationship(
        back_populates="job", cascade="all, delete-orphan", passive_deletes=True, order_by="CardLink.id.desc()")


class Requirement(db.Model):
    """One requirement of a job's listing, as pasted or typed."""

    __tablename__ = "candidate_requirements"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The job it is a requirement of.
    job_id: Mapped[int] = mapped_column(sa.ForeignKey("candidate_jobs.id", ondelete="CASCADE"), index=True)
    #: Its place in the listing's order.
    position: Mapped[int] = mapped_column(default=0)
    #: The requirement's words. Sealed.
    text: Mapped[str] = mapped_column(SealedText("candidate_requirement.text"))

    job: Mapped[Job] = relationship(back_populates="requirements")
    matches: Mapped[list[Match]] = relationship(
        back_populates="requirement", cascade="all, delete-orphan", passive_deletes=True, order_by="Match.id")


class Match(db.Model):
    """An experience that meets a requirement, with a sentence on how."""

    __tablename__ = "candidate_matches"
    __table_args__ = (sa.UniqueConstraint("requirement_id", "experience_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The requirement met.
    requirement_id: Mapped[int] = mapped_column(sa.ForeignKey("candidate_requirements.id", ondelete="CASCADE"),
                                                index=True)
    #: The experience that meets it (one of the same candidate's).
    experience_id: Mapped[int] = mapped_column(sa.ForeignKey("candidate_experiences.id", ondelete="CASCADE"),
                                               index=True)
    #: How it meets it, in a sentence. Sealed.
    how: Mapped[str] = mapped_column(SealedText("candidate_match.how"))

    requirement: Mapped[Requirement] = relationship(back_populates="matches")
    experience: Mapped[Experience] = relationship()


class CardLink(db.Model):
    """A job's card shared with one employer: a capability, not an account.

    The link carries a random token of 256 bits, of which only the SHA-256 is kept,
    so a copy of the database opens no card. It works until it expires or the
    candidate revokes it, and only for its own job. Views are counted, never
    identified: no address, browser or time of a view is kept, only how many."""

    __tablename__ = "candidate_card_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The job whose card it shows.
    job_id: Mapped[int] = mapped_column(sa.ForeignKey("candidate_jobs.id", ondelete="CASCADE"), index=True)
    #: SHA-256 of the token in the link; the token is shown once and never stored.
    token_hash: Mapped[bytes] = mapped_column(sa.LargeBinary(32), unique=True)
    #: Day it was made.
    created_on: Mapped[date] = mapped_column(default=today)
    #: The last day it works.
    expires_on: Mapped[date]
    #: Day the candidate revoked it (or made a new one, which revokes it).
    revoked_on: Mapped[date | None]
    #: How many times the card was opened through it.
    view_count: Mapped[int] = mapped_column(default=0)

    job: Mapped[Job] = relationship(back_populates="links")
    answers: Mapped[list[CardAnswer]] = relationship(
        back_populates="link", cascade="all, delete-orphan", passive_deletes=True, order_by="CardAnswer.id")

    def is_live(self, on: date | None = None) -> bool:
        return self.revoked_on is None and (on or today()) <= self.expires_on

    def is_expired(self, on: date | None = None) -> bool:
        return (on or today()) > self.expires_on


class CardAnswer(db.Model):
    """The employer's answer, through one link, to one of the candidate's preconditions. Given
    once: an answer the candidate may already have read and relied on does not change."""

    __tablename__ = "candidate_card_answers"
    __table_args__ = (sa.UniqueConstraint("link_id", "precondition_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The link it was given through (so, the employer it came from).
    link_id: Mapped[int] = mapped_column(sa.ForeignKey("candidate_card_links.id", ondelete="CASCADE"), index=True)
    #: The precondition or question it answers.
    precondition_id: Mapped[int] = mapped_column(sa.ForeignKey("candidate_preconditions.id", ondelete="CASCADE"),
                                                 index=True)
    #: Supports, partly or refuses. Sealed.
    response: Mapped[EmployerResponse] = mapped_column(SealedResponse("candidate_card_answer.response"))
    #: How, in the employer's words. Sealed.
    how: Mapped[str | None] = mapped_column(SealedText("candidate_card_answer.how"))
    #: Day it was given.
    answered_on: Mapped[date] = mapped_column(default=today)

    link: Mapped[CardLink] = relationship(back_populates="answers")
    precondition: Mapped[Precondition] = relationship()
