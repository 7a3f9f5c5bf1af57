"""Object loaders for the candidate's own pages: each hands a view the row only when
it belongs to the signed-in account's job search, and answers 404 otherwise, the
same as for a row that does not exist (someone else's experience is not there, as
far as anyone else can tell). The employer's side has no loader of this kind: a
card link is found by its token (candidates.sharing.find_link)."""

from __future__ import annotations

from typing import TypeVar

from flask import abort
from flask_login import current_user

from candidates.models import (
    CandidateProfile,
    CardLink,
    Experience,
    Job,
    LeverageProof,
    Match,
    Precondition,
    Preference,
    Requirement,
)
from core.columns import LARGEST_ROW_ID
from core.extensions import db

M = TypeVar("M")


def _own_or_404(model: type[M], object_id: int, profile_of) -> M:
    # An id from a form (an experience chosen to map) never went through the URL's row-id check.
    found = db.session.get(model, object_id) if isinstance(object_id, int) and 1 <= object_id <= LARGEST_ROW_ID \
        else None
    if found is None:
        abort(404)
    profile: CandidateProfile = profile_of(found)
    if profile.account_id != current_user.id:
        abort(404)
    return found


def get_preference_or_404(preference_id: int) -> Preference:
    return _own_or_404(Preference, preference_id, lambda p: p.profile)


def get_proof_or_404(proof_id: int) -> LeverageProof:
    return _own_or_404(LeverageProof, proof_id, lambda p: p.profile)


def get_experience_or_404(experience_id: int) -> Experience:
    return _own_or_404(Experience, experience_id, lambda e: e.profile)


def get_precondition_or_404(precondition_id: int) -> Precondition:
    return _own_or_404(Precondition, precondition_id, lambda p: p.profile)


def get_job_or_404(job_id: int) -> Job:
    return _own_or_404(Job, job_id, lambda j: j.profile)


def get_requirement_or_404(requirement_id: int) -> Requirement:
    return _own_or_404(Requirement, requirement_id, lambda r: r.job.profile)


def get_match_or_404(match_id: int) -> Match:
    return _own_or_404(Match, match_id, lambda m: m.requirement.job.profile)


def get_link_or_404(link_id: int) -> CardLink:
    return _own_or_404(CardLink, link_id, lambda link: link.job.profile)
