"""The election record's download (`surveys_ui.election_record`): whoever may
read a survey's ballot fingerprints downloads its record as JSON, which
verifies and lists exactly the fingerprints the receipts page shows; an open
survey has none, and says why; the receipts and results pages link to it."""

from __future__ import annotations

import json
import re

from core.extensions import db
from crypto.record import verify_record
from organizer.accounts import services as accounts
from surveys import ballot_box
from surveys.definitions import ballot_questions
from surveys.models import QuestionType, Survey

ANSWER_BY_TYPE = {QuestionType.YES_NO: True, QuestionType.SCALE: 4, QuestionType.SINGLE_CHOICE: 0,
                  QuestionType.MULTIPLE_CHOICE: [1]}


def _open_pulse(client, world) -> int:
    response = client.post(f"/units/{world.unit_id}/surveys", data={
        "kind": "pulse", "title": "Record pulse", "key_mode": "server_key", "release_threshold": "5",
        "comment_threshold": "10", "standard_questions": "y"})
    assert response.status_code == 302, response.data
    survey_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert client.post(f"/surveys/{survey_id}/launch", data={}).status_code == 302
    return survey_id


def _cast(app, survey_id: int, emails: list[str]) -> list[str]:
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        answers = {q.id: ANSWER_BY_TYPE[q.type] for q in ballot_questions(survey)}
        receipts = [ballot_box.cast(survey, accounts.account_ref(accounts.find_account_by_email(email)),
                                    answers).fingerprint for email in emails]
        db.session.commit()
    return receipts


def test_a_member_downloads_the_record_of_a_released_survey_and_it_verifies(app, client, world, login, crowd):
    login(client, world.organizer)
    survey_id = _open_pulse(client, world)
    receipts = _cast(app, survey_id, crowd)
    assert client.post(f"/surveys/{survey_id}/close").status_code == 302
    member = login(app.test_client(), world.member)
    response = member.get(f"/surveys/{survey_id}/record.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == f'attachment; filename="survey-{survey_id}-record.json"'
    document = json.loads(response.get_data(as_text=True))
    assert verify_record(document, tracker=receipts[0]).ballots == len(crowd)
    listed = re.findall(r"<code>([0-9a-f]{64})</code>", member.get(f"/surveys/{survey_id}/receipts").get_data(
        as_text=True))
    assert listed == [entry["tracker"] for entry in document["ballots"]] == sorted(receipts)
    for page in ("receipts", "results"):
        assert f'href="/surveys/{survey_id}/record.json"' in member.get(f"/surveys/{survey_id}/{page}").get_data(
            as_text=True)


def test_an_open_survey_has_no_record_and_says_why(app, client, world, login, crowd):
    login(client, world.organizer)
    survey_id = _open_pulse(client, world)
    _cast(app, survey_id, crowd[:2])
    response = login(app.test_client(), world.member).get(f"/surveys/{survey_id}/record.json")
    assert response.status_code == 409
    assert "only once voting has ended" in response.get_data(as_text=True)


def test_another_unions_organizer_cannot_download_the_record(app, client, world, login, crowd):
    login(client, world.organizer)
    survey_id = _open_pulse(client, world)
    _cast(app, survey_id, crowd)
    assert client.post(f"/surveys/{survey_id}/close").status_code == 302
    outsider = login(app.test_client(), world.other_organizer)
    assert outsider.get(f"/surveys/{survey_id}/record.json").status_code == 404
