"""Experiences without employers: what was done and achieved, with skills, scale
and years. There is no employer field, and text that seems to name an
organisation is saved with a warning (candidates.names), never refused."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext

from candidates.errors import CandidateRefused
from candidates.models import CandidateProfile, Experience
from candidates.names import names_in
from candidates.profiles import Actor, kept_words, require_owner, require_room
from core.extensions import db

EXPERIENCE_WHAT = (5, 1000)
EXPERIENCE_ACHIEVED = 1000
EXPERIENCE_SKILLS = 300
EXPERIENCE_SCALE = 200
MOST_YEARS = 60
MOST_EXPERIENCES = 60


@dataclass(frozen=True)
class ExperienceDetails:
    what: str
    achieved: str | None = None
    skills: str | None = None
    scale: str | None = None
    years: int | None = None


def _cleaned(details: ExperienceDetails) -> dict[str, object]:
    if details.years is not None and not 0 <= details.years <= MOST_YEARS:
        raise CandidateRefused(gettext("Give the years as a number from 0 (under a year) to %(most)d.",
                                       most=MOST_YEARS), field="years")
    return {
        "what": kept_words(details.what, EXPERIENCE_WHAT[1], "what", least=EXPERIENCE_WHAT[0]),
        "achieved": kept_words(details.achieved, EXPERIENCE_ACHIEVED, "achieved", optional=True),
        "skills": kept_words(details.skills, EXPERIENCE_SKILLS, "skills", optional=True),
        "scale": kept_words(details.scale, EXPERIENCE_SCALE, "scale", optional=True),
        "years": details.years,
    }


def add_experience(actor: Actor, profile: CandidateProfile, details: ExperienceDetails) -> Experience:
    require_owner(actor, profile)
    require_room(profile.experiences, MOST_EXPERIENCES)
    experience = Experience(**_cleaned(details))
    profile.experiences.append(experience)
    db.session.flush()
    return experience


def update_experience(actor: Actor, experience: Experience, details: ExperienceDetails) -> Experience:
    require_owner(actor, experience.profile)
    for name, value in _cleaned(details).items():
        setattr(experience, name, value)
    db.session.flush()
    return experience


def remove_experience(actor: Actor, experience: Experience) -> None:
    """Its mappings to requirements go with it (the requirements stay, shown as not met)."""
    require_owner(actor, experience.profile)
    db.session.delete(experience)
    db.session.flush()


def organisations_named(experience: Experience) -> list[str]:
    """What in the experience looks like an organisation's name: the warning shown beside it."""
    return names_in(experience.what, experience.achieved, experience.skills, experience.scale)
