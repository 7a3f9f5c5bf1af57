"""Scheduled jobs of the survey engine. Each is idempotent: it acts only on
surveys in the state it moves them from, so a rerun or a run after a crash
(whose transaction was rolled back) does the work exactly once."""

from __future__ import annotations

import logging
from datetime import timedelta

import sqlalchemy as sa

from core.clock import utcnow
from core.extensions import db
from surveys import launch, scopes, tally
from surveys.models import KeyMode, Question, Survey, SurveyState

log = logging.getLogger(__name__)


def open_due_surveys() -> int:
    """Open launched surveys whose opening time has come."""
    due = db.session.scalars(sa.select(Survey).where(
        Survey.state == SurveyState.DRAFT, Survey.public_key.is_not(None),
        sa.or_(Survey.opens_at.is_(None), Survey.opens_at <= utcnow())))
    return sum(launch.open_if_due(survey) for survey in due)


def close_due_surveys() -> int:
    """Close open surveys whose closing time has passed, and prepare their sums."""
    due = list(db.session.scalars(sa.select(Survey).where(
        Survey.state == SurveyState.OPEN, Survey.closes_at.is_not(None), Survey.closes_at <= utcnow())))
    for survey in due:
        tally.close(survey)
    return len(due)


def release_server_key_surveys() -> int:
    """Decrypt and release closed surveys that use the server-held key."""
    closed = list(db.session.scalars(sa.select(Survey).where(
        Survey.state == SurveyState.CLOSED, Survey.key_mode == KeyMode.SERVER_KEY)))
    return sum(tally.release_with_server_key(survey) for survey in closed)


def open_next_pulse_rounds() -> int:
    """Start the next round of each recurring pulse whose time has come."""
    started = 0
    latest_rounds = db.session.scalars(sa.select(Survey).where(
        Survey.recurrence_weeks.is_not(None), Survey.opened_on.is_not(None),
        Survey.state.in_([SurveyState.CLOSED, SurveyState.RELEASED])))
    for survey in latest_rounds:
        next_exists = db.session.scalar(sa.select(Survey.id).where(
            Survey.series_id == survey.series_id, Survey.round_number == survey.round_number + 1))
        if next_exists is not None:
            continue
        # Rounds are anchored on the first round's opening, so delays do not accumulate.
        due = survey.opens_at or utcnow()
        due = due + timedelta(weeks=survey.recurrence_weeks)
        if due > utcnow():
            continue
        started += bool(_start_next_round(survey, due))
    return started


def _start_next_round(previous: Survey, opens_at) -> Survey | None:
    duration = (previous.closes_at - previous.opens_at) if previous.closes_at and previous.opens_at else timedelta(days=7)
    round_ = Survey(
        scope=previous.scope, kind=previous.kind, title=previous.title, intro=previous.intro,
        key_mode=previous.key_mode, release_threshold=previous.release_threshold,
        comment_threshold=previous.comment_threshold, trustee_threshold=previous.trustee_threshold,
        opens_at=opens_at, closes_at=opens_at + duration, recurrence_weeks=previous.recurrence_weeks,
        series_id=previous.series_id, round_number=previous.round_number + 1,
    )
    db.session.add(round_)
    for question in previous.questions:
        round_.questions.append(Question(
            position=question.position, type=question.type, prompt=question.prompt, options=list(question.options),
            max_choices=question.max_choices, allows_cant_say=question.allows_cant_say,
            subject_ref=question.subject_ref))
    db.session.flush()
    people = scopes.electorate(previous.scope)
    trustees = [t.trustee_ref for t in previous.trustees]
    try:
        launch.launch(round_, people.voters, people.dimensions, trustees)
    except Exception:
        log.exception("survey %s: next round could not launch", previous.id)
        raise
    return round_


JOBS = {
    "open_due_surveys": (open_due_surveys, 60),
    "close_due_surveys": (close_due_surveys, 60),
    "release_server_key_surveys": (release_server_key_surveys, 60),
    "open_next_pulse_rounds": (open_next_pulse_rounds, 3600),
}
