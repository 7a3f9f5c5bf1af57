"""A job the candidate is talking about: the listing's requirements, pasted or
typed and split into items, each mapped to the experiences that meet it with a
sentence on how. A requirement nothing meets stays on the card, said plainly."""

from __future__ import annotations

import re

from flask_babel import gettext

from candidates.errors import CandidateRefused
from candidates.models import CandidateProfile, Experience, Job, Match, Requirement
from candidates.profiles import Actor, kept_words, require_owner, require_room
from core.extensions import db
from core.i18n import format_number
from core.text import has_words

JOB_TITLE = 120
CONTACT = 300
#: A listing's requirements as pasted: a long listing fits, a whole web page does not.
LISTING_MAX = 10_000
REQUIREMENT_TEXT = 500
MOST_REQUIREMENTS = 40
MOST_JOBS = 40
MATCH_HOW = 500

#: The marks a listing starts an item with: bullets, dashes, numbers ("1.", "2)", "a)").
_ITEM_START = re.compile(r"^\s*(?:[-*+•·▪◦●‣–—]+|\(?\d{1,2}[.)]|\(?[a-zA-Z][.)](?=\s))\s*")
#: Bullets that some pages paste within one line.
_INLINE_BULLETS = re.compile(r"\s[•·▪◦●‣]\s")


def split_requirements(listing: str) -> list[str]:
    """The listing's requirements, one item per line or bullet, headings ("Requirements:")
    and blank lines left out; refused when too long or too many, with the reason."""
    listing = listing or ""
    if len(listing) > LISTING_MAX:
        raise CandidateRefused(gettext(
            "This is %(length)s characters long: paste only the listing's requirements, up to %(most)s characters.",
            length=format_number(len(listing)), most=format_number(LISTING_MAX)), field="listing")
    items = []
    for line in _INLINE_BULLETS.sub("\n", listing).splitlines():
        item = " ".join(_ITEM_START.sub("", line).split())
        if not item or not has_words(item) or item.endswith(":"):
            continue
        if len(item) > REQUIREMENT_TEXT:
            raise CandidateRefused(gettext(
                "Requirement %(number)d is longer than %(most)d characters: split it, or shorten it.",
                number=len(items) + 1, most=REQUIREMENT_TEXT), field="listing")
        items.append(item)
    if len(items) > MOST_REQUIREMENTS:
        raise CandidateRefused(gettext(
            "That makes %(count)d requirements; a card holds up to %(most)d. Keep the ones that matter.",
            count=len(items), most=MOST_REQUIREMENTS), field="listing")
    return items


def add_job(actor: Actor, profile: CandidateProfile, title: str, listing: str | None = None) -> Job:
    require_owner(actor, profile)
    require_room(profile.jobs, MOST_JOBS)
    job = Job(title=kept_words(title, JOB_TITLE, "title"))
    profile.jobs.append(job)
    if listing:
        add_requirements(actor, job, listing)
    db.session.flush()
    return job


def add_requirements(actor: Actor, job: Job, listing: str) -> list[Requirement]:
    require_owner(actor, job.profile)
    items = split_requirements(listing)
    if not items:
        raise CandidateRefused(gettext("No requirement found: paste or type them, one per line."), field="listing")
    if len(job.requirements) + len(items) > MOST_REQUIREMENTS:
        raise CandidateRefused(gettext(
            "This job has %(count)d requirements already; a card holds up to %(most)d.",
            count=len(job.requirements), most=MOST_REQUIREMENTS), field="listing")
    start = max((r.position for r in job.requirements), default=0) + 1
    added = [Requirement(position=start + n, text=text) for n, text in enumerate(items)]
    job.requirements.extend(added)
    db.session.flush()
    return added


def remove_requirement(actor: Actor, requirement: Requirement) -> None:
    require_owner(actor, requirement.job.profile)
    db.session.delete(requirement)
    db.session.flush()


def map_requirement(actor: Actor, requirement: Requirement, experience: Experience, how: str) -> Match:
    """Say that `experience` meets `requirement`, and how; mapping the pair again rewrites the how."""
    require_owner(actor, requirement.job.profile)
    require_owner(actor, experience.profile)
    if experience.profile_id != requirement.job.profile_id:
        raise CandidateRefused(gettext("Map a requirement to one of your own experiences."), field="experience_id")
    sentence = kept_words(how, MATCH_HOW, "how")
    match = next((m for m in requirement.matches if m.experience_id == experience.id), None)
    if match is None:
        match = Match(experience=experience, how=sentence)
        requirement.matches.append(match)
    else:
        match.how = sentence
    db.session.flush()
    return match


def unmap(actor: Actor, match: Match) -> None:
    require_owner(actor, match.requirement.job.profile)
    db.session.delete(match)
    db.session.flush()


def set_contact(actor: Actor, job: Job, contact: str | None) -> Job:
    """How this employer may reach the candidate; empty takes it off the card."""
    require_owner(actor, job.profile)
    job.contact = kept_words(contact, CONTACT, "contact", optional=True)
    db.session.flush()
    return job


def remove_job(actor: Actor, job: Job) -> None:
    """The job goes with its requirements, links and the answers given through them."""
    require_owner(actor, job.profile)
    db.session.delete(job)
    db.session.flush()


def unmet(job: Job) -> list[Requirement]:
    return [requirement for requirement in job.requirements if not requirement.matches]
