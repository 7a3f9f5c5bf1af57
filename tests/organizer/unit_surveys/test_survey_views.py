"""Survey pages, end to end through HTTP: an organizer defines and launches a
pulse, members answer once and get a receipt, the organizer closes it, and the
unit reads released results; trustees decrypt their part of a survey whose
key was dealt at launch (before key ceremonies)."""

from __future__ import annotations

import base64
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from core.clock import utcnow
from core.extensions import db
from organizer.accounts import services as accounts
from organizer.unit_surveys import services as unit_surveys
from surveys import ballot_box, launch
from surveys.models import Survey, SurveyState
from tests.organizer.unit_surveys.helpers import create_pulse_draft




def _days_ahead(days: int) -> str:
    """A time `days` from now, as the form's datetime-local field takes it."""
    return (utcnow() + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def _in_question_order(names) -> list[str]:
    # Numeric, not string, order: ids grow past 999 on a long-lived database.
    return sorted(names, key=lambda name: int(name[1:]))


def _answer_form(client, survey_id) -> dict[str, str]:
    page = client.get(f"/surveys/{survey_id}/answer").data.decode()
    names = _in_question_order(set(re.findall(r'name="(q\d+)"', page)))
    yes_no, willing, issues, comment = names
    return {yes_no: "yes", willing: "4", issues: ["0", "2"], comment: "Heat in the loading bay, please"}


def test_pulse_from_draft_to_released_results(app, client, world, login, crowd):
    login(client, world.organizer)
    survey_id = create_pulse_draft(client, world)
    launched = client.post(f"/surveys/{survey_id}/launch", data={})
    assert launched.status_code == 302
    client.post("/logout")

    receipts = []
    for email in crowd:
        member = app.test_client()
        login(member, email)
        assert b"October pulse" in member.get("/my/surveys").data
        response = member.post(f"/surveys/{survey_id}/answer", data=_answer_form(member, survey_id))
        assert response.status_code == 200 and b"Ballot fingerprint" in response.data
        receipts.append(re.search(rb'id="receipt"[^>]*value="([0-9a-f]{64})"', response.data).group(1).decode())
        again = member.get(f"/surveys/{survey_id}/answer")
        assert again.status_code == 409 and b"already answered" in again.data

    member = app.test_client()
    login(member, crowd[0])
    assert member.get(f"/surveys/{survey_id}/results").status_code == 409, "no result while the survey is open"

    login(client, world.organizer)
    assert client.post(f"/surveys/{survey_id}/close").status_code == 302
    results = client.get(f"/surveys/{survey_id}/results")
    assert results.status_code == 200
    page = results.data.decode()
    assert "Decrypted by the server alone (one key holder)" in page
    assert re.search(r"Yes</th>\s*<td class=\"num\"[^>]*>6</td>", page), "six members answered yes"
    assert "Heat in the loading bay, please" not in page, "six comments stay under the union's comment floor of ten"
    assert "they open only when at least 10 people answered" in page
    fingerprints = client.get(f"/surveys/{survey_id}/receipts").data.decode()
    assert all(receipt in fingerprints for receipt in receipts)
    assert member.get(f"/surveys/{survey_id}/results").status_code == 200


def test_launch_with_too_few_members_is_refused_with_a_reason(app, client, world, login):
    login(client, world.organizer)
    survey_id = create_pulse_draft(client, world)
    response = client.post(f"/surveys/{survey_id}/launch", data={})
    assert response.status_code == 400
    assert b"no result could ever be shown" in response.data
    with app.app_context():
        assert db.session.get(Survey, survey_id).state == SurveyState.DRAFT


@pytest.mark.parametrize("changes, message", [
    ({"title": ""}, b"This field is required"),
    ({"release_threshold": "1"}, b"Number must be between 2 and 1000"),
    ({"release_threshold": "five"}, b"Not a valid integer"),
    ({"key_mode": "trustees", "trustee_threshold": ""}, b"Say how many trustees"),
    ({"kind": "referendum"}, b"Not a valid choice"),
    ({"comment_threshold": "3"}, b"the union&#39;s floor for comments"),
    ({"release_threshold": "4"}, b"k must be at least 5, the union&#39;s floor for pulse surveys"),
    ({"kind": "endorsement", "release_threshold": "2"}, b"k must be at least 3"),
    ({"key_mode": "trustees", "trustee_threshold": "1"}, b"needs at least 2 trustees (the trustee quorum, t)"),
    ({"recurrence_weeks": "60"}, b"Number must be between 1 and 52"),
    ({"opens_at": _days_ahead(3), "closes_at": _days_ahead(2)}, b"close after it opens"),
])
def test_bad_survey_definitions_are_refused(app, client, world, login, changes, message):
    login(client, world.organizer)
    response = client.post(f"/units/{world.unit_id}/surveys", data={
        "kind": "pulse", "title": "T", "key_mode": "server_key", "release_threshold": "5",
        "comment_threshold": "10", **changes})
    assert response.status_code == 400 and message in response.data
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Survey)) == 0


@pytest.mark.parametrize("data, message", [
    ({"type": "single_choice", "prompt": "Pick", "options": "Only one"}, b"between 2 and 20 options"),
    ({"type": "single_choice", "prompt": "Pick", "options": "A\na"}, b"Each option must be different"),
    ({"type": "multiple_choice", "prompt": "Pick", "options": "A\nB", "max_choices": "3"}, b"At most this many"),
    ({"type": "scale", "prompt": ""}, b"This field is required"),
    ({"type": "essay", "prompt": "Hm"}, b"Not a valid choice"),
])
def test_bad_questions_are_refused(app, client, world, login, data, message):
    login(client, world.organizer)
    survey_id = create_pulse_draft(client, world, standard_questions="")
    response = client.post(f"/surveys/{survey_id}/questions", data=data)
    assert response.status_code == 400 and message in response.data
    with app.app_context():
        assert db.session.get(Survey, survey_id).questions == []


def _open_pulse(client, world, login) -> int:
    login(client, world.organizer)
    survey_id = create_pulse_draft(client, world)
    assert client.post(f"/surveys/{survey_id}/launch").status_code == 302
    client.post("/logout")
    return survey_id


@pytest.mark.parametrize("mangle, message", [
    (lambda form, ids: {**form, ids[0]: "maybe"}, b"Not a valid choice"),
    (lambda form, ids: {**form, ids[1]: "9"}, b"Not a valid choice"),
    (lambda form, ids: {k: v for k, v in form.items() if k != ids[0]}, b"Choose an answer"),
    (lambda form, ids: {**form, ids[2]: ["0", "1", "2", "3"]}, b"Choose at most 3"),
    (lambda form, ids: {**form, ids[2]: ["0", "cant"]}, b"is not a valid choice"),  # not offered here
    (lambda form, ids: {**form, ids[3]: "x" * 2001}, b"Keep it to 2000 characters or fewer: this has 2001."),
])
def test_bad_answers_are_refused_and_nothing_is_stored(app, world, login, crowd, mangle, message):
    survey_id = _open_pulse(app.test_client(), world, login)
    member = login(app.test_client(), crowd[0])
    form = _answer_form(member, survey_id)
    response = member.post(f"/surveys/{survey_id}/answer", data=mangle(form, _in_question_order(form)))
    assert response.status_code == 400 and message in response.data
    with app.app_context():
        assert ballot_box.counts(db.session.get(Survey, survey_id)) == (0, 0)


@pytest.mark.parametrize("body, status", [
    (None, 400),
    ({"payload": 5}, 400),
    ({"payload": "not base64!"}, 400),
    ({"payload": base64.b64encode(b"\x01\x00\x01garbage").decode()}, 400),
    ({"payload": base64.b64encode(b"").decode()}, 400),
    ({"payload": "", "comments": []}, 400),
    ({"payload": "", "comments": {"x": "AA=="}}, 400),
])
def test_encrypted_ballot_endpoint_refuses_bad_ballots(app, world, login, crowd, body, status):
    survey_id = _open_pulse(app.test_client(), world, login)
    member = login(app.test_client(), crowd[0])
    response = member.post(f"/surveys/{survey_id}/ballot", json=body)
    assert response.status_code == status
    assert response.is_json and response.get_json()["error"]
    with app.app_context():
        assert ballot_box.counts(db.session.get(Survey, survey_id)) == (0, 0)


def test_encrypted_ballot_endpoint_accepts_a_valid_ballot_once_and_refuses_its_replay(app, world, login, crowd):
    from crypto import ballot as ballots
    from crypto.elgamal import PublicKey
    from surveys.definitions import ballot_questions, question_spec

    survey_id = _open_pulse(app.test_client(), world, login)
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        questions = ballot_questions(survey)
        payload = ballots.serialize(ballots.encrypt_ballot(
            PublicKey.from_bytes(survey.public_key), survey.context, [question_spec(q) for q in questions],
            [True, 3, [1]]))
    body = {"payload": base64.b64encode(payload).decode()}
    first = login(app.test_client(), crowd[0]).post(f"/surveys/{survey_id}/ballot", json=body)
    assert first.status_code == 201 and len(first.get_json()["fingerprint"]) == 64
    replay = login(app.test_client(), crowd[1]).post(f"/surveys/{survey_id}/ballot", json=body)
    assert replay.status_code == 400 and "replayed" in replay.get_json()["error"]
    with app.app_context():
        assert ballot_box.counts(db.session.get(Survey, survey_id)) == (1, 1)


def test_the_surveys_page_offers_a_passphrase_of_ones_own_only_to_who_already_has_one(app, client, world, login):
    """New trustee surveys use the key the trustees make together: a passphrase of
    one's own only opens surveys dealt before, so it is not offered to a newcomer."""
    login(client, world.steward)
    assert "/trustee/key" not in client.get("/my/surveys").get_data(as_text=True)
    assert client.post("/trustee/key", data={"passphrase": "steward passphrase 1",
                                             "confirm": "steward passphrase 1"}).status_code == 302
    page = client.get("/my/surveys").get_data(as_text=True)
    assert "/trustee/key" in page and "Your trustee key is set." in page


def test_trustees_decrypt_a_survey_launched_with_a_dealt_key_through_the_web(app, client, world, login, crowd):
    """Surveys launched before key ceremonies (their key dealt at launch, no
    longer done) are still unlocked the old way: each trustee's passphrase on the
    decryption page."""
    login(client, world.steward)
    assert client.post("/trustee/key", data={"passphrase": "steward passphrase 1",
                                             "confirm": "steward passphrase 1"}).status_code == 302
    client.post("/logout")
    login(client, world.organizer)
    assert client.post("/trustee/key", data={"passphrase": "organizer passphrase",
                                             "confirm": "organizer passphrase"}).status_code == 302
    survey_id = create_pulse_draft(client, world, key_mode="trustees", trustee_threshold="2")
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        people = unit_surveys.electorate(unit_surveys.unit_of(survey))
        refs = [accounts.account_ref(accounts.find_account_by_email(e)) for e in (world.steward, world.organizer)]
        launch.launch(survey, people.voters, people.dimensions, refs)
        db.session.commit()
    client.post("/logout")
    for email in crowd[:5]:
        member = login(app.test_client(), email)
        assert member.post(f"/surveys/{survey_id}/answer", data=_answer_form(member, survey_id)).status_code == 200
    login(client, world.organizer)
    client.post(f"/surveys/{survey_id}/close")
    wrong = client.post(f"/surveys/{survey_id}/decrypt", data={"passphrase": "not it at all"})
    assert wrong.status_code == 400 and b"does not open your key" in wrong.data
    assert client.post(f"/surveys/{survey_id}/decrypt", data={"passphrase": "organizer passphrase"}).status_code == 302
    with app.app_context():
        assert db.session.get(Survey, survey_id).state == SurveyState.CLOSED, "one of two trustees is not enough"
    client.post("/logout")
    login(client, world.steward)
    done = client.post(f"/surveys/{survey_id}/decrypt", data={"passphrase": "steward passphrase 1"})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/surveys/{survey_id}/results")
    page = client.get(done.headers["Location"]).data.decode()
    assert "2 of 2 trustees (stewards or organizers) had to take part" in page


@pytest.mark.parametrize("kind, expected", [("pulse", 5), ("vote", 5), ("endorsement", 3)])
def test_empty_threshold_takes_the_kinds_default(app, client, world, login, kind, expected):
    login(client, world.organizer)
    survey_id = create_pulse_draft(client, world, kind=kind, release_threshold="", comment_threshold="10")
    with app.app_context():
        assert db.session.get(Survey, survey_id).release_threshold == expected


def test_an_empty_checkbox_value_is_no_choice_not_a_crash(app, world, login, crowd):
    # An empty value slips past the checkbox list's Optional(); it once answered 500
    # ("not enough values to unpack"), found by the fuzz test on PostgreSQL.
    survey_id = _open_pulse(app.test_client(), world, login)
    member = login(app.test_client(), crowd[0])
    form = _answer_form(member, survey_id)
    issues = _in_question_order(form)[2]
    response = member.post(f"/surveys/{survey_id}/answer", data={**form, issues: [""]})
    assert response.status_code == 200 and b"Ballot fingerprint" in response.data
    with app.app_context():
        assert ballot_box.counts(db.session.get(Survey, survey_id)) == (1, 1)


def test_a_fault_below_the_form_is_an_error_page_that_keeps_nothing(app, world, login, crowd, monkeypatch):
    """A ValueError from below the form (here from reading a damaged stored key) is not
    the member's input. The view once caught every ValueError and unpacked it as
    (field, message): a one-argument error crashed the handler, and a two-argument one
    was shown to the member as their mistake. Now only the form's own named error is
    a form error; anything else gets the error page, with nothing stored."""
    from surveys import ballot_box as box

    survey_id = _open_pulse(app.test_client(), world, login)
    member = login(app.test_client(), crowd[0])
    form = _answer_form(member, survey_id)

    def damaged_key(survey):
        raise ValueError(_in_question_order(form)[0], "looks like a form error, is not one")

    monkeypatch.setattr(box, "_public_key", damaged_key)
    response = member.post(f"/surveys/{survey_id}/answer", data=form)
    assert response.status_code == 500 and b"Nothing was saved" in response.data
    with app.app_context():
        assert ballot_box.counts(db.session.get(Survey, survey_id)) == (0, 0)
