"""A candidate's profile: the looking status, the preferences with their weights,
proof of leverage that is not a job, and the preconditions and questions every
card carries to an employer. Services take the acting account explicitly and
refuse (never half-write) what the rules do not allow; views commit.

The preconditions are the candidate's asks in the demand model (kind, tier,
basis `market`, category), kept on the profile rather than on one job, so that
the same asks go to every employer and a negotiation brief can later read them
grouped by tier, as it reads a member's demands."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

import sqlalchemy as sa
from flask_babel import gettext

from candidates.errors import CandidateRefused, NotYours
from candidates.models import (
    PREFERENCE_TIERS,
    CandidateProfile,
    IncomeBand,
    LeverageProof,
    LookingStatus,
    Precondition,
    Preference,
    PreferenceAspect,
    ProofKind,
)
from candidates.names import names_in
from core.extensions import db
from core.text import has_words
from ontology import Basis, Category, DemandKind, Tier

#: Limits on what a candidate writes (the forms show them; these enforce them).
PREFERENCE_TEXT = 200
PROOF_DESCRIPTION = 500
PROOF_SIZE = 120
PROOF_DURATION = 60
PRECONDITION_TEXT = (10, 500)
#: How many of each one profile holds: a card is read in one sitting.
MOST_PREFERENCES = 40
MOST_PROOFS = 12
MOST_PRECONDITIONS = 25

QUESTION_MARKS = ("?", "\u061f", "\uff1f")


class Actor(Protocol):
    """The signed-in account acting: this package needs only its id."""

    id: int


@dataclass(frozen=True)
class PreferenceDetails:
    aspect: PreferenceAspect
    tier: Tier
    text: str


@dataclass(frozen=True)
class ProofDetails:
    kind: ProofKind
    description: str
    income: IncomeBand
    size: str | None = None
    duration: str | None = None
    #: The candidate names clients or platforms on purpose.
    names_on_purpose: bool = False


@dataclass(frozen=True)
class PreconditionDetails:
    kind: DemandKind
    tier: Tier
    category: Category
    text: str


# -- the profile -----------------------------------------------------------------------------------

def profile_of(actor: Actor) -> CandidateProfile | None:
    return db.session.scalar(sa.select(CandidateProfile).where(CandidateProfile.account_id == actor.id))


def require_owner(actor: Actor, profile: CandidateProfile) -> None:
    if profile.account_id != actor.id:
        raise NotYours(gettext("That belongs to another person's job search."))


def set_looking(actor: Actor, looking: LookingStatus) -> CandidateProfile:
    """The candidate's looking status; the first one starts their profile."""
    profile = profile_of(actor)
    if profile is None:
        profile = CandidateProfile(account_id=actor.id, looking=looking)
        db.session.add(profile)
    else:
        profile.looking = looking
    db.session.flush()
    return profile


def kept_words(text: str | None, most: int, field: str, *, least: int = 1, optional: bool = False) -> str | None:
    """Text as it will be kept: spaces folded, within its bounds, in words."""
    text = " ".join((text or "").split())
    if not text and optional:
        return None
    if not least <= len(text) <= most:
        raise CandidateRefused(gettext("Write between %(low)d and %(high)d characters.", low=least, high=most),
                               field=field)
    if not has_words(text):
        raise CandidateRefused(gettext("Write it in words: this is only punctuation or symbols."), field=field)
    return text


def require_room(items: Iterable[object], most: int) -> None:
    if len(list(items)) >= most:
        raise CandidateRefused(gettext("A card holds up to %(most)d of these: remove one first.", most=most))


# -- preferences -----------------------------------------------------------------------------------

def add_preference(actor: Actor, profile: CandidateProfile, details: PreferenceDetails) -> Preference:
    require_owner(actor, profile)
    if details.tier not in PREFERENCE_TIERS:
        raise CandidateRefused(gettext("“Curious” is for questions; choose how much this preference weighs."),
                               field="tier")
    require_room(profile.preferences, MOST_PREFERENCES)
    preference = Preference(aspect=details.aspect, tier=details.tier,
                            text=kept_words(details.text, PREFERENCE_TEXT, "text"))
    profile.preferences.append(preference)
    db.session.flush()
    return preference


def remove_preference(actor: Actor, preference: Preference) -> None:
    require_owner(actor, preference.profile)
    db.session.delete(preference)
    db.session.flush()


def by_weight(preferences: Iterable[Preference]) -> list[Preference]:
    """Heaviest first (dealbreakers lead), then in the order of the aspects, then as added:
    what rules a match in or out is read first."""
    aspects = list(PreferenceAspect)
    return sorted(preferences, key=lambda p: (-p.tier.weight, aspects.index(p.aspect), p.id))


# -- proof of leverage -----------------------------------------------------------------------------

def add_proof(actor: Actor, profile: CandidateProfile, details: ProofDetails) -> LeverageProof:
    require_owner(actor, profile)
    require_room(profile.proofs, MOST_PROOFS)
    proof = LeverageProof(
        kind=details.kind, income=details.income, names_on_purpose=details.names_on_purpose,
        description=kept_words(details.description, PROOF_DESCRIPTION, "description"),
        size=kept_words(details.size, PROOF_SIZE, "size", optional=True),
        duration=kept_words(details.duration, PROOF_DURATION, "duration", optional=True))
    profile.proofs.append(proof)
    db.session.flush()
    return proof


def remove_proof(actor: Actor, proof: LeverageProof) -> None:
    require_owner(actor, proof.profile)
    db.session.delete(proof)
    db.session.flush()


def proof_names(proof: LeverageProof) -> list[str]:
    """The organisations a proof seems to name, unless the candidate names them on purpose."""
    return [] if proof.names_on_purpose else names_in(proof.description, proof.size)


# -- preconditions and questions -------------------------------------------------------------------

def add_precondition(actor: Actor, profile: CandidateProfile, details: PreconditionDetails) -> Precondition:
    require_owner(actor, profile)
    text = kept_words(details.text, PRECONDITION_TEXT[1], "text", least=PRECONDITION_TEXT[0])
    if not any(mark in text for mark in QUESTION_MARKS):
        raise CandidateRefused(gettext("Phrase it as a question the employer must answer, e.g. “Will you …?”"),
                               field="text")
    if details.tier == Tier.CURIOUS and details.kind != DemandKind.QUESTION:
        raise CandidateRefused(gettext("“Curious” is for questions that ask for information; choose another tier "
                                       "for a precondition."), field="tier")
    require_room(profile.preconditions, MOST_PRECONDITIONS)
    said = _folded(text)
    if any(_folded(other.text) == said for other in profile.preconditions):
        raise CandidateRefused(gettext("You have already asked this."), field="text")
    precondition = Precondition(kind=details.kind, tier=details.tier, basis=Basis.MARKET,
                                category=details.category, text=text)
    profile.preconditions.append(precondition)
    db.session.flush()
    return precondition


def remove_precondition(actor: Actor, precondition: Precondition) -> None:
    """Its answers go with it: they answered these words."""
    require_owner(actor, precondition.profile)
    db.session.delete(precondition)
    db.session.flush()


def asks_by_weight(preconditions: Iterable[Precondition]) -> list[Precondition]:
    """Dealbreakers first, then as written."""
    return sorted(preconditions, key=lambda p: (-p.tier.weight, p.id))


def _folded(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())
