"""The booth through HTTP: which path a survey's answers may take (the server's
form refused where answers must be locked on the device; a browser without
JavaScript answering where they need not be), the JSON endpoints' refusals
(always JSON, plain words, 4xx: never a redirect to a page, never a 500) for
every kind of visitor and every kind of bad body, and a checked ballot that
can never be cast."""

from __future__ import annotations

import base64
import html
import re

import pytest
import sqlalchemy as sa

from core.extensions import db
from crypto import ballot as crypto_ballot
from crypto import sealing
from crypto.elgamal import PublicKey
from organizer.accounts import services as accounts
from organizer.booth.models import CheckedBallot
from organizer.charting.models import BargainingUnit
from organizer.roles import Role
from organizer.unit_surveys import services as unit_surveys
from surveys import ballot_box, definitions, tally
from surveys.definitions import question_spec
from surveys.models import Ballot, KeyMode, ParticipationEntry, Survey, SurveyKind
from tests import factories
from tests.csrf import sign_in as csrf_sign_in
from tests.csrf import token_of
from tests.organizer.booth.builders import device_ballot, open_booth_survey, tracker_of

NEEDS_JAVASCRIPT = "This survey needs JavaScript."
OTHER_MEMBER = "elsewhere@example.org"


def _survey(survey_id: int) -> Survey:
    return db.session.get(Survey, survey_id)


def _counts(app, survey_id: int) -> tuple[int, int]:
    with app.app_context():
        return ballot_box.counts(_survey(survey_id))


def _form_answers(client, survey_id: int) -> dict:
    page = client.get(f"/surveys/{survey_id}/answer").get_data(as_text=True)
    scale, yes_no, single, multiple, text = sorted(set(re.findall(r'name="(q\d+)"', page)), key=lambda n: int(n[1:]))
    return {scale: "4", yes_no: "yes", single: "1", multiple: ["1", "2"], text: "The dock is 35 degrees by noon"}


# -- which path ---------------------------------------------------------------------------------------

def test_where_answers_must_be_locked_on_the_device_the_servers_form_is_refused(app, world, login, crowd, launch):
    survey_id = launch(device_encryption_required=True)
    member = login(app.test_client(), crowd[0])
    page = member.get(f"/surveys/{survey_id}/answer").get_data(as_text=True)
    assert NEEDS_JAVASCRIPT in page.split("<noscript>", 1)[1].split("</noscript>", 1)[0]
    assert ">Send my answers</button></noscript>" not in page, "no form button for a browser without JavaScript"
    response = member.post(f"/surveys/{survey_id}/answer", data=_form_answers(member, survey_id))
    assert response.status_code == 403
    assert "only when they are locked (encrypted) on your own phone or computer" in response.get_data(as_text=True)
    assert _counts(app, survey_id) == (0, 0)


def test_where_the_server_may_lock_them_a_browser_without_javascript_answers_through_the_form(
        app, world, login, crowd, launch):
    survey_id = launch(device_encryption_required=False)
    member = login(app.test_client(), crowd[0])
    page = member.get(f"/surveys/{survey_id}/answer").get_data(as_text=True)
    assert NEEDS_JAVASCRIPT not in page
    assert "<noscript><button type=\"submit\" class=\"primary\">Send my answers</button></noscript>" in page
    response = member.post(f"/surveys/{survey_id}/answer", data=_form_answers(member, survey_id))
    receipt = response.get_data(as_text=True)
    assert response.status_code == 200 and "Your answers are in" in receipt
    assert 'data-locked-on="server"' in receipt and "The server locked (encrypted) your answers" in receipt
    assert 'data-locked-on="device"' not in receipt
    tracker = re.search(r'id="receipt"[^>]*value="([0-9a-f]{64})"', receipt).group(1)
    short = " ".join(tracker[i:i + 4] for i in range(0, 16, 4))
    assert f"data-tracker-short>{short}</p>" in receipt
    assert _counts(app, survey_id) == (1, 1)


def test_the_page_carries_what_the_browser_needs_to_lock_and_the_receipt_it_will_show(app, world, login, crowd,
                                                                                     launch):
    survey_id = launch(device_encryption_required=True)
    page = login(app.test_client(), crowd[0]).get(f"/surveys/{survey_id}/answer").get_data(as_text=True)
    assert '<script type="application/json" id="booth-parameters">' in page
    assert 'src="/static/js/booth/booth.js"' in page and 'data-worker="/static/js/booth/worker.js"' in page
    assert f'data-ballot-url="/surveys/{survey_id}/ballot"' in page
    assert f'data-checked-url="/surveys/{survey_id}/ballot/checked"' in page
    receipt = page.split('<template id="booth-receipt">', 1)[1].split("</template>", 1)[0]
    assert 'data-locked-on="device"' in receipt and "locked (encrypted) on this phone or computer" in receipt


@pytest.mark.parametrize("kind, box, required", [
    (SurveyKind.VOTE, True, True),
    (SurveyKind.PULSE, False, False),
])
def test_the_launch_form_ticks_the_box_for_votes_and_launches_as_ticked(app, world, login, crowd, kind, box,
                                                                        required):
    organizer = login(app.test_client(), world.organizer)
    created = organizer.post(f"/units/{world.unit_id}/surveys", data={
        "kind": kind.value, "title": "Strike authorization", "key_mode": "server_key", "standard_questions": "y"})
    survey_id = int(created.headers["Location"].rsplit("/", 1)[1])
    page = organizer.get(f"/surveys/{survey_id}/launch").get_data(as_text=True)
    checkbox = re.search(r'<input[^>]*name="device_encryption_required"[^>]*>', page).group(0)
    assert ("checked" in checkbox) is box
    assert "Answers must be locked on the member's own phone or computer" in html.unescape(page)
    # The organizer decides: the box as ticked on the page, or the other way round.
    data = {"device_encryption_required": "y"} if box else {}
    other = {} if box else {"device_encryption_required": "y"}
    assert organizer.post(f"/surveys/{survey_id}/launch", data={"csrf_token": "", **data}).status_code == 302
    with app.app_context():
        assert _survey(survey_id).device_encryption_required is required
    second = int(organizer.post(f"/units/{world.unit_id}/surveys", data={
        "kind": kind.value, "title": "Second", "key_mode": "server_key", "standard_questions": "y"}
    ).headers["Location"].rsplit("/", 1)[1])
    assert organizer.post(f"/surveys/{second}/launch", data={"csrf_token": "", **other}).status_code == 302
    with app.app_context():
        assert _survey(second).device_encryption_required is not required


# -- the JSON endpoints: who may post -------------------------------------------------------------------

@pytest.fixture
def elsewhere(app, world):
    """A member of the other union's unit."""
    with app.app_context():
        factories.create_account(Role.MEMBER, unit=db.session.get(BargainingUnit, world.other_unit_id),
                                 email=OTHER_MEMBER)
        db.session.commit()


ENDPOINTS = ("/surveys/{id}/ballot", "/surveys/{id}/ballot/checked")


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("who, status", [
    (None, 401), ("steward", 403), ("organizer", 403), ("other_organizer", 403), (OTHER_MEMBER, 404),
])
def test_only_the_units_members_may_post_and_every_refusal_is_json(app, world, login, crowd, launch, elsewhere,
                                                                   endpoint, who, status):
    survey_id = launch()
    with app.app_context():
        body = device_ballot(_survey(survey_id))
    client = app.test_client()
    if who is not None:
        login(client, getattr(world, who, who))
    json = body if endpoint.endswith("ballot") else {"tracker": tracker_of(body)}
    response = client.post(endpoint.format(id=survey_id), json=json)
    assert response.status_code == status
    assert response.is_json and response.get_json()["error"]
    assert _counts(app, survey_id) == (0, 0)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CheckedBallot)) == 0



def _other_units_survey(world) -> int:
    unit = db.session.get(BargainingUnit, world.other_unit_id)
    for i in range(5):
        factories.create_account(Role.MEMBER, unit=unit, email=f"far{i}@example.org")
    return open_booth_survey(unit, world.other_organizer).id


def _draft(world) -> int:
    unit = db.session.get(BargainingUnit, world.unit_id)
    return unit_surveys.create(accounts.find_account_by_email(world.organizer), unit, definitions.SurveySettings(
        kind=SurveyKind.PULSE, title="Draft", key_mode=KeyMode.SERVER_KEY, release_threshold=5),
        standard_questions=True).id


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("target, status", [
    ("another union's survey", 404),
    ("no such survey", 404),
    ("a draft of the unit", 409),
])
def test_a_tampered_survey_id_is_refused_as_json(app, world, login, crowd, launch, endpoint, target, status):
    real = launch()
    with app.app_context():
        body = device_ballot(_survey(real))
        ids = {"another union's survey": _other_units_survey(world), "no such survey": 10 ** 9,
               "a draft of the unit": _draft(world)}
        db.session.commit()
    member = login(app.test_client(), crowd[0])
    json = body if endpoint.endswith("ballot") else {"tracker": tracker_of(body)}
    response = member.post(endpoint.format(id=ids[target]), json=json)
    assert response.status_code == status and response.is_json and response.get_json()["error"]
    assert _counts(app, real) == (0, 0)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_post_without_the_pages_csrf_token_is_refused_as_json(app, world, crowd, launch, csrf_on, endpoint):
    survey_id = launch()
    with app.app_context():
        body = device_ballot(_survey(survey_id))
    member = csrf_sign_in(app.test_client(), crowd[0])
    json = body if endpoint.endswith("ballot") else {"tracker": tracker_of(body)}
    forged = member.post(endpoint.format(id=survey_id), json=json)
    assert forged.status_code == 400 and "expired" in forged.get_json()["error"]
    assert _counts(app, survey_id) == (0, 0)
    token = token_of(member, f"/surveys/{survey_id}/answer")
    sent = member.post(endpoint.format(id=survey_id), json=json, headers={"X-CSRFToken": token})
    assert sent.status_code == 201, sent.get_json()


# -- the JSON endpoints: what may be posted ---------------------------------------------------------------

def _bodies(survey: Survey) -> dict[str, object]:
    good = device_ballot(survey, comment="Fans in bay 3")
    [(text_id, sealed)] = good["comments"].items()
    ballot_id = str(survey.questions[0].id)
    other_survey_context = sealing.seal_text(
        crypto_public_key(survey), "Fans", b"leverage-survey:999:round:1" + f":comment:{text_id}".encode())
    flipped = bytearray(base64.b64decode(good["payload"]))
    flipped[-1] ^= 1
    return {
        "not JSON": None,
        "a list": [good["payload"]],
        "payload a number": {"payload": 5},
        "payload not base64": {"payload": "not base64!"},
        "payload empty": {"payload": ""},
        "payload garbage": {"payload": base64.b64encode(b"\x02\x00\x01garbage").decode()},
        "payload one bit flipped": {"payload": base64.b64encode(bytes(flipped)).decode()},
        "payload of too few answers": {"payload": base64.b64encode(crypto_ballot.serialize(crypto_ballot.encrypt_ballot(
            crypto_public_key(survey), survey.context, [question_spec(survey.questions[0])], [3]))).decode()},
        "comments a list": {**good, "comments": [sealed]},
        "comment key not a number": {**good, "comments": {"x": sealed}},
        "comment not base64": {**good, "comments": {text_id: "%%%"}},
        "comment a number": {**good, "comments": {text_id: 7}},
        "comment on a choice question": {**good, "comments": {ballot_id: sealed}},
        "comment on another survey's question": {**good, "comments": {"999999": sealed}},
        "comment sealed for another survey": {**good, "comments": {text_id: base64.b64encode(
            other_survey_context).decode()}},
        "comment in the clear": {**good, "comments": {text_id: base64.b64encode(b"Fans in bay 3").decode()}},
        "comment far too long": {**good, "comments": {text_id: base64.b64encode(b"\x02" * 9000).decode()}},
    }


def crypto_public_key(survey: Survey):
    return PublicKey.from_bytes(survey.public_key)


BAD_BODIES = ("not JSON", "a list", "payload a number", "payload not base64", "payload empty", "payload garbage",
              "payload one bit flipped", "payload of too few answers", "comments a list", "comment key not a number",
              "comment not base64", "comment a number", "comment on a choice question",
              "comment on another survey's question", "comment sealed for another survey", "comment in the clear",
              "comment far too long")


@pytest.mark.parametrize("bad", BAD_BODIES)
def test_a_bad_ballot_is_refused_as_json_in_words_and_nothing_is_stored(app, world, login, crowd, launch, bad):
    survey_id = launch()
    with app.app_context():
        body = _bodies(_survey(survey_id))[bad]
    member = login(app.test_client(), crowd[0])
    response = member.post(f"/surveys/{survey_id}/ballot", json=body) if body is not None else member.post(
        f"/surveys/{survey_id}/ballot", data="{not json", content_type="application/json")
    assert response.status_code == 400, response.get_data(as_text=True)
    message = response.get_json()["error"]
    assert message[0].isupper() and "Traceback" not in message and "Error" not in message
    assert _counts(app, survey_id) == (0, 0)


@pytest.mark.parametrize("body", [None, {}, {"tracker": 5}, {"tracker": "ABC"}, {"tracker": "0" * 63},
                                  {"tracker": "g" * 64}, {"tracker": "A" * 64}, ["0" * 64]])
def test_a_bad_tracker_is_refused_as_json(app, world, login, crowd, launch, body):
    survey_id = launch()
    response = login(app.test_client(), crowd[0]).post(f"/surveys/{survey_id}/ballot/checked", json=body)
    assert response.status_code == 400 and "tracker" in response.get_json()["error"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CheckedBallot)) == 0


def test_a_ballot_far_larger_than_any_real_one_is_refused_as_json(app, world, login, crowd, launch):
    survey_id = launch()
    huge = {"payload": base64.b64encode(b"\x02" * (2 * app.config["MAX_CONTENT_LENGTH"])).decode()}
    response = login(app.test_client(), crowd[0]).post(f"/surveys/{survey_id}/ballot", json=huge)
    assert response.status_code == 413 and response.is_json and response.get_json()["error"]


# -- the JSON endpoints: the ballot box's own checks apply ------------------------------------------------

def test_a_device_ballot_is_verified_and_stored_once_through_the_ballot_boxs_checks(app, world, login, crowd,
                                                                                   launch):
    survey_id = launch(device_encryption_required=True)
    with app.app_context():
        body = device_ballot(_survey(survey_id), comment="Fans in bay 3")
    first = login(app.test_client(), crowd[0])
    stored = first.post(f"/surveys/{survey_id}/ballot", json=body)
    assert stored.status_code == 201 and stored.get_json() == {"fingerprint": tracker_of(body)}
    again = first.post(f"/surveys/{survey_id}/ballot", json=device_ballot_for(app, survey_id))
    assert again.status_code == 409 and "already answered" in again.get_json()["error"]
    replay = login(app.test_client(), crowd[1]).post(f"/surveys/{survey_id}/ballot", json=body)
    assert replay.status_code == 400 and "replayed" in replay.get_json()["error"]
    assert _counts(app, survey_id) == (1, 1)
    with app.app_context():
        # Unlinkable as every ballot is: it waits in the sealed pool, not as a row, and so does its sender.
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Ballot)) == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ParticipationEntry)) == 0
        assert tracker_of(body) in ballot_box.pending_pool(_survey(survey_id)).fingerprints()


def device_ballot_for(app, survey_id: int) -> dict:
    with app.app_context():
        return device_ballot(_survey(survey_id), answers=[1, False, 0, []])


def test_a_member_not_asked_or_a_closed_survey_is_refused_as_json(app, world, login, crowd, launch):
    survey_id = launch()
    with app.app_context():
        late = factories.create_account(Role.MEMBER, unit=db.session.get(BargainingUnit, world.unit_id),
                                        email="late@example.org")
        db.session.commit()
    body = device_ballot_for(app, survey_id)
    refused = login(app.test_client(), "late@example.org").post(f"/surveys/{survey_id}/ballot", json=body)
    assert refused.status_code == 403 and "not among the people" in refused.get_json()["error"]
    assert late is not None
    with app.app_context():
        tally.end_voting(_survey(survey_id))
        db.session.commit()
    closed = login(app.test_client(), crowd[0]).post(f"/surveys/{survey_id}/ballot", json=body)
    assert closed.status_code == 409 and "not open" in closed.get_json()["error"]
    assert _counts(app, survey_id) == (0, 0)


def test_the_server_encrypts_nothing_on_the_device_path(app, world, login, crowd, launch, monkeypatch):
    """The endpoint verifies and stores: were it to encrypt or seal anything itself, it would hold answers."""
    survey_id = launch(device_encryption_required=True)
    with app.app_context():
        body = device_ballot(_survey(survey_id), comment="Fans in bay 3")

    def never(*args, **kwargs):
        raise AssertionError("the server encrypted something on the device path")

    for module, name in ((crypto_ballot, "encrypt_ballot"), (sealing, "seal_text"), (ballot_box, "cast")):
        monkeypatch.setattr(module, name, never)
    response = login(app.test_client(), crowd[0]).post(f"/surveys/{survey_id}/ballot", json=body)
    assert response.status_code == 201
    assert _counts(app, survey_id) == (1, 1)


# -- a checked ballot ------------------------------------------------------------------------------------

def test_a_ballot_opened_for_checking_can_never_be_cast_and_a_fresh_one_can(app, world, login, crowd, launch):
    survey_id = launch(device_encryption_required=True)
    checked = device_ballot_for(app, survey_id)
    member = login(app.test_client(), crowd[0])
    told = member.post(f"/surveys/{survey_id}/ballot/checked", json={"tracker": tracker_of(checked)})
    assert told.status_code == 201 and told.get_json() == {"tracker": tracker_of(checked)}
    for who in (member, login(app.test_client(), crowd[1])):  # by its member, or by anyone it was shown to
        refused = who.post(f"/surveys/{survey_id}/ballot", json=checked)
        assert refused.status_code == 409 and "opened for checking" in refused.get_json()["error"]
    assert _counts(app, survey_id) == (0, 0), "the refused ballot was rolled back whole"
    fresh = device_ballot_for(app, survey_id)
    assert tracker_of(fresh) != tracker_of(checked)
    assert member.post(f"/surveys/{survey_id}/ballot", json=fresh).status_code == 201
    # Once a member has answered, no ballot of theirs is opened any more (nor would one be counted).
    late = member.post(f"/surveys/{survey_id}/ballot/checked", json={"tracker": tracker_of(fresh)})
    assert late.status_code == 409 and "already answered" in late.get_json()["error"]
    assert _counts(app, survey_id) == (1, 1)
    with app.app_context():
        assert list(db.session.scalars(sa.select(CheckedBallot.tracker))) == [tracker_of(checked)]


def test_the_record_of_a_checked_ballot_names_no_one_and_no_time():
    assert {column.name for column in CheckedBallot.__table__.columns} == {"survey_id", "tracker"}
