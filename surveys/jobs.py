"""Scheduled jobs of the survey engine. Each is idempotent: it acts only on
surveys in the state it moves them from, so a rerun or a run after a crash
(whose transaction was rolled back) does the work exactly once. Each survey is
handled in its own savepoint, so one that fails waits for the next run without
holding back the others."""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from core.clock import utcnow
from core.extensions import db
from surveys import ceremony, launch, scopes, tally
from surveys.models import KeyMode, Question, Survey, SurveyState

log = logging.getLogger(__name__)


def _each(surveys: list[Survey], action: Callable[[Survey], object], what: str, *, commit: bool = False) -> int:
    """Apply `action` to each survey in its own savepoint: one survey that fails
    (and stays as it was, to be retried on the next run) must not hold back the
    others, which would otherwise be rolled back with it on every run. With
    `commit`, each survey's work is its own unit of work, committed at once."""
    done = 0
    for survey in surveys:
        try:
            with db.session.begin_nested():
                result = action(survey)
        except Exception:
            log.exception("survey %s: %s failed; the other surveys go on", survey.id, what)
            continue
        if commit:
            db.session.commit()
        done += bool(result)
    return done


def open_due_surveys() -> int:
    """Open launched surveys whose opening time has come."""
    due = list(db.session.scalars(sa.select(Survey).where(
        Survey.state == SurveyState.DRAFT, Survey.public_key.is_not(None),
        sa.or_(Survey.opens_at.is_(None), Survey.opens_at <= utcnow()))))
    return _each(due, launch.open_if_due, "opening")


def close_due_surveys() -> int:
    """Close open surveys whose closing time has passed, and prepare their sums.

    Voting ends in a short transaction committed at once, so answers arriving
    meanwhile are told the survey closed instead of waiting on its row while a
    large tally runs. A survey closed but not yet prepared (a crash in between)
    is prepared on the next run."""
    due = list(db.session.scalars(sa.select(Survey).where(
        Survey.state == SurveyState.OPEN, Survey.closes_at.is_not(None), Survey.closes_at <= utcnow())))
    closed = _each(due, tally.end_voting, "closing", commit=True)
    unprepared = list(db.session.scalars(sa.select(Survey).where(
        Survey.state == SurveyState.CLOSED, ~Survey.groups.any())))
    _each(unprepared, tally.prepare_release, "preparing the totals", commit=True)
    return closed


def release_server_key_surveys() -> int:
    """Decrypt and release closed surveys that use the server-held key."""
    closed = list(db.session.scalars(sa.select(Survey).where(
        Survey.state == SurveyState.CLOSED, Survey.key_mode == KeyMode.SERVER_KEY)))
    return _each(closed, tally.release_with_server_key, "release")


#: A round lasts as long as the one before it, but never less than this.
MIN_ROUND = timedelta(days=1)


def open_next_pulse_rounds() -> int:
    """Start the next round of each recurring pulse whose time has come."""
    ended = list(db.session.scalars(sa.select(Survey).where(
        Survey.recurrence_weeks.is_not(None), Survey.opened_on.is_not(None),
        Survey.state.in_([SurveyState.CLOSED, SurveyState.RELEASED]))))
    opening: dict[int, datetime] = {}
    for survey in ended:
        next_exists = db.session.scalar(sa.select(Survey.id).where(
            Survey.series_id == survey.series_id, Survey.round_number == survey.round_number + 1))
        opens_at = _next_opening(survey) if next_exists is None else None
        if opens_at is not None:
            opening[survey.id] = opens_at
    due = [survey for survey in ended if survey.id in opening]
    return _each(due, lambda survey: _start_next_round(survey, opening[survey.id]), "starting the next round")


def _round_duration(survey: Survey) -> timedelta:
    if survey.closes_at and survey.opens_at:
        return max(survey.closes_at - survey.opens_at, MIN_ROUND)
    return timedelta(days=7)


def _next_opening(survey: Survey) -> datetime | None:
    """When the round after `survey` opens, or None if not yet.

    Rounds are anchored on the first round's opening, so delays do not
    accumulate. If the scheduler was down for whole periods, the missed rounds
    are skipped rather than opened already over: the next round is the latest
    one whose time has come and that still has time to run."""
    period = timedelta(weeks=survey.recurrence_weeks)
    now = utcnow()
    due = (survey.opens_at or now) + period
    duration = _round_duration(survey)
    while due + duration <= now:
        due += period
    return due if due <= now else None


def _start_next_round(previous: Survey, opens_at: datetime) -> Survey:
    round_ = Survey(
        scope=previous.scope, kind=previous.kind, title=previous.title, intro=previous.intro,
        language=previous.language, translations=_copied(previous.translations),
        key_mode=previous.key_mode, release_threshold=previous.release_threshold,
        comment_threshold=previous.comment_threshold, trustee_threshold=previous.trustee_threshold,
        opens_at=opens_at, closes_at=opens_at + _round_duration(previous), recurrence_weeks=previous.recurrence_weeks,
        series_id=previous.series_id, round_number=previous.round_number + 1,
        device_encryption_required=previous.device_encryption_required,
    )
    db.session.add(round_)
    for question in previous.questions:
        round_.questions.append(Question(
            position=question.position, type=question.type, prompt=question.prompt, options=list(question.options),
            max_choices=question.max_choices, allows_cant_say=question.allows_cant_say,
            subject_ref=question.subject_ref, translations=_copied(question.translations)))
    db.session.flush()
    people = scopes.electorate(previous.scope)
    # A round made with a ceremony's key takes the newest key its scope's trustees
    # have made since (a change of trustees is a new ceremony); a round of a series
    # launched before key ceremonies is dealt to the same trustees, as its first was.
    made_with = ceremony.status(previous.key_ceremony_id) if previous.key_ceremony_id is not None else None
    newest = ceremony.current(made_with.scope) if made_with is not None else None
    trustees = [t.trustee_ref for t in previous.trustees]
    launch.launch(round_, people.voters, people.dimensions, trustees,
                  key_ceremony_id=newest.id if newest is not None else None)
    return round_


def _copied(translations: dict[str, dict[str, Any]] | None) -> dict[str, dict[str, Any]]:
    """A round's wording in other languages, copied whole for the next round: the
    rounds of a series ask the same questions in the same words, in every language."""
    return copy.deepcopy(translations or {})


JOBS = {
    "open_due_surveys": (open_due_surveys, 60),
    "close_due_surveys": (close_due_surveys, 60),
    "release_server_key_surveys": (release_server_key_surveys, 60),
    "open_next_pulse_rounds": (open_next_pulse_rounds, 3600),
}
