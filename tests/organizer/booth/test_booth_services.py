"""The booth's services without HTTP: the path a survey's answers may take is
fixed at launch (votes on the device unless their organizer says otherwise,
other kinds as their organizer chooses) and carried to the next round of a
pulse; the server's path refuses where the device is required; a checked
ballot is refused when cast, and the checks a survey may take are bounded."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
import sqlalchemy as sa

from core.clock import utcnow
from core.extensions import db
from organizer.accounts import services as accounts
from organizer.audit.models import AuditAction, AuditEntry
from organizer.booth import services as booth
from organizer.booth.models import CheckedBallot
from organizer.charting.models import BargainingUnit
from organizer.unit_surveys import services as unit_surveys
from surveys import ballot_box, tally
from surveys.errors import AlreadyAnswered, SurveyNotOpen
from surveys.models import Survey, SurveyKind, SurveyState
from tests.organizer.booth.builders import ANSWERS, device_ballot, open_booth_survey, tracker_of
from tests.surveys.helpers import run_job


@pytest.fixture
def unit(app_ctx, world, crowd) -> BargainingUnit:
    return db.session.get(BargainingUnit, world.unit_id)


def _member(crowd, index: int = 0):
    return accounts.find_account_by_email(crowd[index])


@pytest.mark.parametrize("kind, chosen, required", [
    (SurveyKind.VOTE, None, True),
    (SurveyKind.VOTE, False, False),
    (SurveyKind.PULSE, None, False),
    (SurveyKind.PULSE, True, True),
    (SurveyKind.BARGAINING, None, False),
    (SurveyKind.BARGAINING, True, True),
])
def test_the_path_is_fixed_at_launch_votes_on_the_device_unless_their_organizer_says_otherwise(
        unit, world, kind, chosen, required):
    survey = open_booth_survey(unit, world.organizer, kind=kind, device_encryption_required=chosen)
    assert survey.device_encryption_required is required
    assert booth.server_path_allowed(survey) is not required
    assert unit_surveys.device_encryption_by_default(kind) is (kind == SurveyKind.VOTE)


def test_the_launch_is_recorded_with_where_answers_are_locked(unit, world):
    open_booth_survey(unit, world.organizer, device_encryption_required=True)
    open_booth_survey(unit, world.organizer, device_encryption_required=False, title="Allowed")
    launches = [entry.description for entry in db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == AuditAction.SURVEY_LAUNCHED).order_by(AuditEntry.id))]
    assert "never by the server" in launches[0] and "never by the server" not in launches[1]
    assert "or by the server for a member without JavaScript" in launches[1]


def test_the_servers_path_refuses_where_the_device_is_required_and_stores_nothing(unit, world, crowd):
    survey = open_booth_survey(unit, world.organizer, device_encryption_required=True)
    answers = dict(zip([q.id for q in survey.questions], [*ANSWERS, "a comment"]))
    with pytest.raises(booth.DeviceEncryptionRequired) as refused:
        booth.cast_through_server(_member(crowd), survey, answers)
    assert refused.value.status == 403
    assert ballot_box.counts(survey) == (0, 0)
    allowed = open_booth_survey(unit, world.organizer, device_encryption_required=False, title="Allowed")
    answers = dict(zip([q.id for q in allowed.questions], [*ANSWERS, "a comment"]))
    receipt = booth.cast_through_server(_member(crowd), allowed, answers)
    assert len(receipt.fingerprint) == 64 and ballot_box.counts(allowed) == (1, 1)


def test_a_checked_ballot_is_refused_by_anyone_and_a_fresh_one_is_taken(unit, world, crowd):
    survey = open_booth_survey(unit, world.organizer, device_encryption_required=True)
    opened, fresh = device_ballot(survey), device_ballot(survey)
    assert booth.record_checked(_member(crowd), survey, tracker_of(opened)) == tracker_of(opened)
    assert booth.record_checked(_member(crowd), survey, tracker_of(opened)) == tracker_of(opened), "twice is once"
    db.session.commit()
    for index in (0, 1):
        with pytest.raises(booth.BallotWasChecked):
            booth.cast_from_device(_member(crowd, index), survey, base64.b64decode(opened["payload"]), {})
        db.session.rollback()
    receipt = booth.cast_from_device(_member(crowd), survey, base64.b64decode(fresh["payload"]), {})
    assert receipt.fingerprint == tracker_of(fresh)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CheckedBallot)) == 1


def test_the_checks_a_survey_takes_are_bounded(unit, world, crowd, monkeypatch):
    survey = open_booth_survey(unit, world.organizer)
    monkeypatch.setattr(booth, "CHECKS_PER_ELIGIBLE", 1)
    member = _member(crowd)
    for n in range(survey.eligible_count):
        booth.record_checked(member, survey, f"{n:064x}")
    with pytest.raises(booth.TooManyChecks) as refused:
        booth.record_checked(member, survey, "f" * 64)
    assert refused.value.status == 429
    # A tracker already recorded is no new check: its member may repeat it.
    assert booth.record_checked(member, survey, f"{0:064x}") == f"{0:064x}"


def test_a_closed_survey_or_a_member_who_answered_opens_no_ballot(unit, world, crowd):
    survey = open_booth_survey(unit, world.organizer)
    booth.cast_from_device(_member(crowd), survey, base64.b64decode(device_ballot(survey)["payload"]), {})
    with pytest.raises(AlreadyAnswered):
        booth.record_checked(_member(crowd), survey, "a" * 64)
    tally.end_voting(survey)
    with pytest.raises(SurveyNotOpen):
        booth.record_checked(_member(crowd, 1), survey, "b" * 64)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CheckedBallot)) == 0


def test_the_next_round_of_a_pulse_takes_answers_the_same_way(app, unit, world, crowd):
    organizer = accounts.find_account_by_email(world.organizer)
    survey = open_booth_survey(unit, world.organizer, device_encryption_required=True)
    survey.recurrence_weeks = 1
    survey.series_id = survey.id
    for index in range(5):
        booth.cast_from_device(_member(crowd, index), survey,
                               base64.b64decode(device_ballot(survey)["payload"]), {})
    unit_surveys.end_voting(organizer, survey)
    survey.opens_at = utcnow() - timedelta(weeks=1, days=1)
    survey.closes_at = survey.opens_at + timedelta(days=6)
    assert run_job(app, "open_next_pulse_rounds") == 1
    second = db.session.scalars(sa.select(Survey).where(Survey.round_number == 2)).one()
    assert second.state == SurveyState.OPEN and second.device_encryption_required is True
