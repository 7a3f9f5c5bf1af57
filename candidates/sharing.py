"""The card a candidate shares with one employer, and the link it travels by.

A link is a capability with no employer account behind it: 256 random bits in
the URL, of which only the SHA-256 is stored; it shows one job's card, until
the day it expires or until the candidate revokes it (sharing the job again
revokes the last link, so one link is ever live per job and employer). What
comes through it is the employer's answer to each precondition, once each.

The card leads with what rules a match in or out fast (the looking status,
then the preferences by weight, dealbreakers first), then the requirements,
each with the experiences that meet it or a plain "not met", and lets the
employer narrow the experiences to the requirements they care about most.
Views are counted and nothing else about them is kept: no address, browser,
or time of day."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext
from sqlalchemy.exc import IntegrityError

from candidates.errors import AlreadyAnswered, CandidateRefused, LinkGone, NotYours
from candidates.models import (
    CARD_RESPONSES,
    CandidateProfile,
    CardAnswer,
    CardLink,
    Experience,
    Job,
    LeverageProof,
    LookingStatus,
    Match,
    Precondition,
    Preference,
    Requirement,
)
from candidates.profiles import Actor, asks_by_weight, by_weight, kept_words, require_owner
from core.clock import today
from core.extensions import db
from core.i18n import format_day
from ontology import EmployerResponse

#: Rate limits on the card's routes (core.extensions.limiter; CARD_LINK_LIMIT and CARD_LINKS_LIMIT
#: in the app's config override them): per link, enough for an employer reading and narrowing
#: the card down; over all links, a cap on anyone trying tokens (per process with the memory store).
CARD_LINK_LIMIT = "60 per minute"
CARD_LINKS_LIMIT = "600 per minute"
#: How long a link may work, in days; the candidate picks one.
LINK_DAYS = (7, 14, 30)
ANSWER_HOW = 1000
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{40,64}$")


def hash_token(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8")).digest()


def budget_key(token: str) -> str:
    """The rate-limit key of one link: keyed with the app's secret, so that a shared
    rate-limit store (memcached, redis) holds nothing a copy of the database can be
    matched against, nor the token itself."""
    secret = hmac.new(current_app.config["SECRET_KEY"].encode(), b"leverage card budget v1", hashlib.sha256).digest()
    return hmac.new(secret, token.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


# -- the candidate's side ----------------------------------------------------------------------------

def share(actor: Actor, job: Job, days: int) -> tuple[CardLink, str]:
    """A new link to the job's card and its token, which the caller shows once. The job's
    last live link stops working: a card goes to one employer at a time."""
    require_owner(actor, job.profile)
    if days not in LINK_DAYS:
        raise CandidateRefused(gettext("Choose how long the link works: 7, 14 or 30 days."), field="days")
    if not job.requirements:
        raise CandidateRefused(gettext("Add the job's requirements first: a card shows the employer how your "
                                       "experience meets them."))
    for earlier in job.links:
        if earlier.revoked_on is None:
            earlier.revoked_on = today()
    token = secrets.token_urlsafe(32)
    link = CardLink(token_hash=hash_token(token), expires_on=today() + timedelta(days=days))
    job.links.insert(0, link)
    db.session.flush()
    return link, token


def revoke(actor: Actor, link: CardLink) -> CardLink:
    require_owner(actor, link.job.profile)
    if link.revoked_on is not None:
        raise CandidateRefused(gettext("This link was already stopped."))
    link.revoked_on = today()
    db.session.flush()
    return link


def answers_by_ask(job: Job) -> dict[int, list[CardAnswer]]:
    """Every answer given through the job's links, by the precondition answered, newest link first."""
    found: dict[int, list[CardAnswer]] = {}
    for link in job.links:
        for answer in link.answers:
            found.setdefault(answer.precondition_id, []).append(answer)
    return found


# -- the employer's side -----------------------------------------------------------------------------

def find_link(token: str) -> CardLink:
    """The link behind a token, when it still works: 404 for a token that names none,
    410 for one that expired or was revoked (it did work; the employer should know why not)."""
    link = None
    if _TOKEN_SHAPE.match(token):
        link = db.session.scalar(sa.select(CardLink).where(CardLink.token_hash == hash_token(token)))
    if link is None:
        raise NotYours(gettext("This card link is not valid. Check that you copied the whole link."))
    if link.revoked_on is not None:
        raise LinkGone(gettext("The candidate has stopped this link. If you still talk with them, ask them "
                               "for a new one."))
    if link.is_expired():
        raise LinkGone(gettext("This card link expired on %(day)s. If you still talk with the candidate, ask "
                               "them for a new one.", day=format_day(link.expires_on)))
    return link


def count_view(link: CardLink) -> None:
    """One more opening, counted in the database itself so two at once both count."""
    db.session.execute(sa.update(CardLink).where(CardLink.id == link.id)
                       .values(view_count=CardLink.view_count + 1).execution_options(synchronize_session=False))


def ask_on_card(link: CardLink, precondition_id: int) -> Precondition:
    """One of the card's own preconditions; any other id is not on this card (404)."""
    precondition = db.session.get(Precondition, precondition_id)
    if precondition is None or precondition.profile_id != link.job.profile_id:
        raise NotYours(gettext("That question is not on this card."))
    return precondition


def answer(link: CardLink, precondition: Precondition, response: EmployerResponse, how: str | None) -> CardAnswer:
    """The employer's answer to one precondition, through this link, given once.

    Once and not "until the candidate reads it": the candidate may act on an answer
    the moment it is there (turn down another offer, say), and nobody should find
    the words they relied on changed. A second answer is refused (409), also when
    two arrive at once: the unique (link, precondition) pair decides, not a read
    made before the write."""
    if not link.is_live():
        raise LinkGone(gettext("This card link no longer works."))
    if precondition.profile_id != link.job.profile_id:
        raise NotYours(gettext("That question is not on this card."))
    if response not in CARD_RESPONSES:
        raise CandidateRefused(gettext("Choose supports, partly or refuses."), field="response")
    already = AlreadyAnswered(gettext("This has been answered already, and an answer is given once. To say more, "
                                      "write to the candidate."))
    if any(given.precondition_id == precondition.id for given in link.answers):
        raise already
    given = CardAnswer(precondition_id=precondition.id, response=response,
                       how=kept_words(how, ANSWER_HOW, "how", optional=True))
    try:
        with db.session.begin_nested():
            link.answers.append(given)
            db.session.flush()
    except IntegrityError:
        raise already from None
    return given


# -- the card, as the employer and the candidate see it ------------------------------------------------

@dataclass(frozen=True)
class MetRequirement:
    """A requirement with the experiences mapped to it (none: said plainly as not met)."""

    number: int
    requirement: Requirement
    matches: list[Match]

    @property
    def is_met(self) -> bool:
        return bool(self.matches)


@dataclass(frozen=True)
class ShownExperience:
    experience: Experience
    #: The requirements (of those shown) it meets, by their number on the card.
    meets: list[MetRequirement]


@dataclass(frozen=True)
class Ask:
    precondition: Precondition
    #: The answer given through the link the card is read by (None: not answered yet, or a preview).
    answer: CardAnswer | None


@dataclass(frozen=True)
class Card:
    job: Job
    looking: LookingStatus
    preferences: list[Preference]
    proofs: list[LeverageProof]
    #: Every requirement of the job, numbered in the listing's order.
    requirements: list[MetRequirement]
    #: The requirements the employer chose to narrow by (ids); empty: all.
    chosen: frozenset[int]
    #: The requirements shown: the chosen ones, or all.
    shown: list[MetRequirement]
    #: Experiences that meet a shown requirement, those that meet the most first; then, unnarrowed, the rest.
    meeting: list[ShownExperience]
    others: list[Experience]
    asks: list[Ask]
    link: CardLink | None = None
    unmet: list[MetRequirement] = field(default_factory=list)


def card_of(job: Job, link: CardLink | None = None, chosen: Collection[int] = ()) -> Card:
    profile: CandidateProfile = job.profile
    requirements = [MetRequirement(number, requirement, list(requirement.matches))
                    for number, requirement in enumerate(job.requirements, 1)]
    picked = frozenset(chosen) & {r.requirement.id for r in requirements}
    shown = [r for r in requirements if not picked or r.requirement.id in picked]
    meets: dict[int, list[MetRequirement]] = {}
    for met in shown:
        for match in met.matches:
            meets.setdefault(match.experience_id, []).append(met)
    order = {experience.id: position for position, experience in enumerate(profile.experiences)}
    meeting = sorted((ShownExperience(e, meets[e.id]) for e in profile.experiences if e.id in meets),
                     key=lambda shown_one: (-len(shown_one.meets), order[shown_one.experience.id]))
    others = [] if picked else [e for e in profile.experiences if e.id not in meets]
    answered = {a.precondition_id: a for a in link.answers} if link is not None else {}
    asks = [Ask(p, answered.get(p.id)) for p in asks_by_weight(profile.preconditions)]
    return Card(job=job, looking=profile.looking, preferences=by_weight(profile.preferences),
                proofs=list(profile.proofs), requirements=requirements, chosen=picked, shown=shown,
                meeting=meeting, others=others, asks=asks, link=link,
                unmet=[r for r in requirements if not r.is_met])
