"""Launching a survey: snapshot who may answer and their segments, declare the
breakdown, make the key, and open it (now or at its scheduled time)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from flask_babel import gettext

from core.clock import today, utcnow
from core.extensions import db
from surveys import keys
from surveys.definitions import ballot_questions, require_ready_to_launch
from surveys.errors import SurveyError
from surveys.models import BallotPool, EligibleVoter, Survey, SurveyState
from surveys.pool import Pool
from surveys.release import plan_segments

#: voter ref -> {dimension: value or None}
Voters = Mapping[str, Mapping[str, str | None]]


@dataclass(frozen=True)
class LaunchReport:
    survey: Survey
    eligible: int
    #: What the breakdown had to merge or drop to protect small groups.
    notes: tuple[str, ...]
    opens_now: bool


def launch(survey: Survey, voters: Voters, dimensions: Sequence[str], trustee_refs: Sequence[str] = (),
           key_ceremony_id: int | None = None) -> LaunchReport:
    """Fix the survey's eligible people and breakdown and make its key.

    A trustee survey given a finished key ceremony uses its joint key and its
    trustees (`trustee_refs` is then ignored); without one, the key is dealt
    to `trustee_refs` (see `surveys.keys.create_survey_key`).

    The survey opens at once unless it has a future `opens_at`, in which case
    the open-due job opens it. Nothing about it can be edited afterwards.
    """
    if not survey.is_editable or survey.public_key is not None:
        raise SurveyError(gettext("This survey has already been launched."))
    if not ballot_questions(survey):
        raise SurveyError(gettext("Add at least one question that is not free text: results are counted from those."))
    require_ready_to_launch(survey)
    if survey.closes_at is not None and survey.closes_at <= utcnow():
        raise SurveyError(gettext("The closing time has already passed; set a later one before launching."),
                          field="closes_at")
    k = survey.release_threshold
    if len(voters) < k:
        raise SurveyError(gettext("Only %(num)d people could answer; with k = %(k)d no result could ever be shown.",
                                  num=len(voters), k=k))
    plan, cells = plan_segments(voters, dimensions, k)
    keys.create_survey_key(survey, list(trustee_refs), key_ceremony_id)
    survey.segment_plan = plan.to_json()
    survey.eligible_count = len(voters)
    db.session.add_all(EligibleVoter(survey_id=survey.id, voter_ref=ref, cell=cell) for ref, cell in cells.items())
    # Answers wait here, never as rows of their own, until the mix at close (see surveys.pool).
    db.session.add(BallotPool(survey_id=survey.id, sealed=Pool(survey.id).to_bytes()))
    opens_now = survey.opens_at is None or survey.opens_at <= utcnow()
    if opens_now:
        _open(survey)
    db.session.flush()
    return LaunchReport(survey, len(voters), plan.notes, opens_now)


def _open(survey: Survey) -> None:
    survey.mark_open()
    survey.opened_on = today()
    # Recurring rounds are scheduled from this moment, so it is always recorded.
    survey.opens_at = survey.opens_at or utcnow()


def open_if_due(survey: Survey) -> bool:
    """Open a launched draft whose time has come; False when there is nothing to do."""
    if survey.state != SurveyState.DRAFT or survey.public_key is None:
        return False
    if survey.opens_at is not None and survey.opens_at > utcnow():
        return False
    _open(survey)
    db.session.flush()
    return True
