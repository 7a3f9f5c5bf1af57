"""What one ballot cast through the JSON endpoint asks of the database: a fixed
handful of statements, and one more for the first ballot of a survey a process
sees (it learns the launched survey's questions once). Every answer pays them, on top of verifying the ballot, so a check that
creeps back in as a statement of its own shows here."""

from __future__ import annotations

import pytest

from core.extensions import db
from organizer.charting.models import BargainingUnit
from surveys.models import Survey
from tests.organizer.booth.builders import device_ballot, open_booth_survey
from tests.statements import counting_statements

#: The signed-in account (with its roles); the survey's row; eligibility
#: and ledger, before verifying; the pool, locked; in one statement under that lock, the
#: survey's state, the ledger, replays and the trackers opened for checking; the pool rewritten.
STATEMENTS_PER_CAST = 6


@pytest.fixture
def survey_id(app, world, crowd) -> int:
    with app.app_context():
        survey = open_booth_survey(db.session.get(BargainingUnit, world.unit_id), world.organizer,
                                   device_encryption_required=True)
        db.session.commit()
        return survey.id


def test_a_ballot_cast_through_the_endpoint_sends_a_fixed_handful_of_statements(app, login, crowd, survey_id):
    counts = []
    for email in crowd[:4]:
        member = login(app.test_client(), email)
        with app.app_context():
            body = device_ballot(db.session.get(Survey, survey_id), answers=[1, False, 0, []])
        with counting_statements(app) as counted:
            response = member.post(f"/surveys/{survey_id}/ballot", json=body)
        assert response.status_code == 201, response.get_data(as_text=True)
        counts.append(counted.statements)
    # The first also reads the questions, which a launched survey never changes.
    assert counts == [STATEMENTS_PER_CAST + 1] + [STATEMENTS_PER_CAST] * (len(counts) - 1)


def test_a_replayed_ballot_is_refused_in_as_many_statements(app, login, crowd, survey_id):
    with app.app_context():
        body = device_ballot(db.session.get(Survey, survey_id), answers=[2, True, 1, [0]])
    assert login(app.test_client(), crowd[0]).post(f"/surveys/{survey_id}/ballot", json=body).status_code == 201
    replayer = login(app.test_client(), crowd[1])
    with counting_statements(app) as counted:
        response = replayer.post(f"/surveys/{survey_id}/ballot", json=body)
    assert response.status_code == 400 and "replayed ballot is refused" in response.get_json()["error"]
    # The refusal comes from the one statement under the lock: the pool is not rewritten.
    assert counted.statements == STATEMENTS_PER_CAST - 1
