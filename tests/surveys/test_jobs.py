"""The engine's scheduled jobs, run through the job registry as the scheduler
runs them: each job run twice leaves the same state as run once; recurring
pulses start their next round from the same questions after N weeks, skip
rounds missed while the scheduler was down, and apply the overlap rule across
rounds; and one survey that fails does not hold back the others."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from core.clock import utcnow
from core.extensions import db
from core.jobs import registry_of
from surveys import ballot_box, jobs, scopes, tally
from surveys.models import (
    Ballot,
    KeyMode,
    ReleasedComment,
    Survey,
    SurveyState,
    TallyGroup,
)
from surveys.pool import PendingBallot
from surveys.scopes import Electorate
from tests.surveys.helpers import alter_pool, cast_all, launched_pulse, pulse, register_trustees, row_count, run_job, voters

PEOPLE = voters(12, ("A", "B"))
REFS = list(PEOPLE)
PAST = timedelta(minutes=1)


def _state() -> list[tuple]:
    """Everything a job can change, in a comparable form."""
    db.session.expire_all()
    surveys = db.session.scalars(sa.select(Survey).order_by(Survey.series_id, Survey.round_number)).all()
    return [(s.series_id, s.round_number, s.state, s.opens_at, s.closes_at, s.opened_on, s.closed_on,
             s.released_on, [(g.key, g.is_approved, g.counts) for g in s.groups]) for s in surveys] + [
        row_count(TallyGroup), row_count(ReleasedComment), row_count(Ballot)]


def _twice(app, job_id: str) -> tuple[object, object, list, list]:
    first = run_job(app, job_id)
    once = _state()
    second = run_job(app, job_id)
    return first, second, once, _state()


def test_the_engine_s_jobs_are_registered(app):
    registry = registry_of(app)
    for job_id in jobs.JOBS:
        assert registry.get(job_id).func is jobs.JOBS[job_id][0]


# -- open, close, release ------------------------------------------------------------------------

def test_opening_due_surveys_twice_opens_them_once(app, app_ctx):
    due = launched_pulse(PEOPLE, opens_at=utcnow() + timedelta(days=1))
    later = launched_pulse(PEOPLE, opens_at=utcnow() + timedelta(days=1))
    unlaunched = pulse(opens_at=utcnow() - timedelta(days=1))
    due.opens_at = utcnow() - PAST
    first, second, once, twice = _twice(app, "open_due_surveys")
    assert (first, second) == (1, 0)
    assert once == twice
    assert (due.state, later.state, unlaunched.state) == (SurveyState.OPEN, SurveyState.DRAFT, SurveyState.DRAFT)
    assert due.opened_on is not None


def test_closing_due_surveys_twice_closes_them_once(app, app_ctx):
    due = launched_pulse(PEOPLE, dimensions=("department",))
    running = launched_pulse(PEOPLE, closes_at=utcnow() + timedelta(days=1))
    cast_all(due, REFS[:10])
    due.closes_at = utcnow() - PAST
    first, second, once, twice = _twice(app, "close_due_surveys")
    assert (first, second) == (1, 0)
    assert once == twice
    assert due.state == SurveyState.CLOSED and running.state == SurveyState.OPEN
    assert [g.key for g in due.groups] == ["all", "department=A", "department=B"]


def test_releasing_server_key_surveys_twice_releases_them_once(app, app_ctx):
    register_trustees("trustee:1", "trustee:2")
    server = launched_pulse(PEOPLE, dimensions=(), comment_threshold=10)
    quorum = launched_pulse(PEOPLE, dimensions=(), key_mode=KeyMode.TRUSTEES, t=2, trustees=["trustee:1", "trustee:2"])
    for survey in (server, quorum):
        cast_all(survey, REFS[:10], comment=lambda i: f"said once {i}")
        survey.closes_at = utcnow() - PAST
    run_job(app, "close_due_surveys")
    first, second, once, twice = _twice(app, "release_server_key_surveys")
    assert (first, second) == (1, 0)
    assert once == twice
    assert server.state == SurveyState.RELEASED and server.groups[0].counts is not None
    assert row_count(ReleasedComment, server) == 10
    # A trustee survey waits for its trustees; the server holds no key to it.
    assert quorum.state == SurveyState.CLOSED and quorum.groups[0].counts is None


def test_a_survey_that_cannot_be_tallied_does_not_hold_back_the_others(app, app_ctx):
    broken = launched_pulse(PEOPLE, dimensions=())
    fine = launched_pulse(PEOPLE, dimensions=())
    for survey in (broken, fine):
        cast_all(survey, REFS[:6])
        survey.closes_at = utcnow() - PAST
    # A ballot damaged on disk makes the broken survey's tally fail.
    alter_pool(broken, lambda pool: pool.ballots.append(PendingBallot(pool.ballots.pop().cell, b"\x02damaged")))
    assert run_job(app, "close_due_surveys") == 2, "voting ends for both, each in its own transaction"
    assert fine.state == broken.state == SurveyState.CLOSED
    assert len(fine.groups) > 0
    assert broken.groups == [], "its tally failed and waits for the next run"
    assert run_job(app, "close_due_surveys") == 0
    assert broken.groups == [] and len(fine.groups) > 0


def test_a_survey_closed_but_not_tallied_is_tallied_on_the_next_run(app, app_ctx):
    survey = launched_pulse(PEOPLE, dimensions=())
    cast_all(survey, REFS[:6])
    tally.end_voting(survey)  # as if the job runner died right after voting ended
    db.session.commit()
    assert survey.groups == []
    run_job(app, "close_due_surveys")
    assert survey.state == SurveyState.CLOSED and len(survey.groups) > 0
    groups = len(survey.groups)
    run_job(app, "close_due_surveys")
    assert len(survey.groups) == groups


# -- recurring pulses ----------------------------------------------------------------------------

def _first_round(electorates, scope: str = "test:unit", *, weeks: int = 2, **kwargs) -> Survey:
    electorates[scope] = Electorate(PEOPLE, ("department",))
    return launched_pulse(PEOPLE, dimensions=("department",), scope=scope, recurrence_weeks=weeks, **kwargs)


def _end(app, survey: Survey, respondents: list[str], *, release: bool = True) -> None:
    """Answer, close by the job at its deadline, and (server key) release by the job."""
    cast_all(survey, respondents)
    survey.closes_at = utcnow() - PAST
    run_job(app, "close_due_surveys")
    if release:
        run_job(app, "release_server_key_surveys")


def _opened_ago(survey: Survey, ago: timedelta) -> None:
    """Time passes: the round opened `ago` before now, and ran for a week."""
    survey.opens_at = utcnow() - ago
    survey.closes_at = survey.opens_at + timedelta(weeks=1)


def _rounds(series: Survey) -> list[Survey]:
    return db.session.scalars(sa.select(Survey).where(Survey.series_id == series.id)
                              .order_by(Survey.round_number)).all()


def test_the_next_round_opens_after_n_weeks_from_the_same_questions(app, app_ctx, electorates):
    first = _first_round(electorates, weeks=2)
    _end(app, first, REFS[:10])
    assert run_job(app, "open_next_pulse_rounds") == 0  # two weeks have not passed
    _opened_ago(first, timedelta(weeks=2, days=1))
    opened, again, once, twice = _twice(app, "open_next_pulse_rounds")
    assert (opened, again) == (1, 0)
    assert once == twice
    first, second = _rounds(first)
    assert second.round_number == 2 and second.series_id == first.id
    assert second.state == SurveyState.OPEN and second.opened_on is not None
    assert second.opens_at == first.opens_at + timedelta(weeks=2)
    assert second.closes_at - second.opens_at == first.closes_at - first.opens_at
    shape = [(q.position, q.type, q.prompt, q.options, q.max_choices, q.allows_cant_say) for q in first.questions]
    assert [(q.position, q.type, q.prompt, q.options, q.max_choices, q.allows_cant_say)
            for q in second.questions] == shape
    assert {q.id for q in second.questions}.isdisjoint(q.id for q in first.questions)
    assert second.public_key != first.public_key and second.eligible_count == len(PEOPLE)
    assert ballot_box.open_surveys_for(REFS[0]) == [second]


def test_rounds_missed_while_the_scheduler_was_down_are_skipped(app, app_ctx, electorates):
    first = _first_round(electorates, weeks=2)
    _end(app, first, REFS[:10])
    # Ten weeks and a day later: rounds 2 to 5 would all be over already.
    _opened_ago(first, timedelta(weeks=10, days=1))
    assert run_job(app, "open_next_pulse_rounds") == 1
    _, second = _rounds(first)
    assert second.opens_at == first.opens_at + timedelta(weeks=10)
    assert second.opens_at <= utcnow() < second.closes_at
    assert second.state == SurveyState.OPEN


def test_a_series_that_cannot_start_its_next_round_does_not_hold_back_the_others(app, app_ctx, electorates):
    shrunk = _first_round(electorates, "test:shrunk")
    healthy = _first_round(electorates, "test:healthy")
    for survey in (shrunk, healthy):
        _end(app, survey, REFS[:10])
        _opened_ago(survey, timedelta(weeks=2, days=1))
    # Fewer people than k are left in one scope: its next round cannot launch.
    electorates["test:shrunk"] = Electorate(voters(3), ("department",))
    assert run_job(app, "open_next_pulse_rounds") == 1
    assert len(_rounds(healthy)) == 2 and len(_rounds(shrunk)) == 1
    assert run_job(app, "open_next_pulse_rounds") == 0
    assert len(_rounds(healthy)) == 2 and len(_rounds(shrunk)) == 1


def test_an_unknown_scope_has_no_electorate(app_ctx):
    with pytest.raises(LookupError):
        scopes.electorate("nowhere:1")


# -- the overlap rule across rounds --------------------------------------------------------------

def _second_round(app, electorates, first_respondents: list[str], *, release_first: bool = True,
                  **kwargs) -> tuple[Survey, Survey]:
    first = _first_round(electorates, **kwargs)
    _end(app, first, first_respondents, release=release_first)
    _opened_ago(first, timedelta(weeks=2, days=1))
    assert run_job(app, "open_next_pulse_rounds") == 1
    return _rounds(first)


def test_a_round_whose_respondents_differ_from_the_last_by_fewer_than_k_is_withheld(app, app_ctx, electorates):
    first, second = _second_round(app, electorates, REFS[:10])
    assert first.groups[0].is_approved and first.groups[0].respondents == 10
    # One more person answers this time: the difference of the two wholes would be their answer.
    _end(app, second, REFS[:11])
    assert second.state == SurveyState.RELEASED
    assert not any(g.is_approved for g in second.groups)
    assert "differs" in second.groups[0].withheld_reason
    assert all(g.counts is None for g in second.groups)


def test_a_round_with_the_same_respondents_is_released(app, app_ctx, electorates):
    # The sanity side: the rule does not simply withhold every later round.
    first, second = _second_round(app, electorates, REFS[:10])
    _end(app, second, REFS[:10])
    assert second.groups[0].is_approved and second.groups[0].counts is not None


def test_the_overlap_rule_covers_an_earlier_round_still_waiting_for_its_trustees(app, app_ctx, electorates):
    # Round 1's approved groups will be released once its trustees decrypt, so
    # round 2 must be judged against them already, released or not.
    register_trustees("trustee:1", "trustee:2")
    first, second = _second_round(app, electorates, REFS[:10], release_first=False,
                                  key_mode=KeyMode.TRUSTEES, t=2, trustees=["trustee:1", "trustee:2"])
    assert first.state == SurveyState.CLOSED and first.groups[0].is_approved
    assert [t.trustee_ref for t in second.trustees] == ["trustee:1", "trustee:2"]
    _end(app, second, REFS[:11], release=False)
    assert second.state == SurveyState.CLOSED
    assert not second.groups[0].is_approved
