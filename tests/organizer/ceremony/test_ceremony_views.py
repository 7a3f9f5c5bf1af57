"""The union's survey key over HTTP, as the trustees' browsers use it: each
trustee reads what their page embeds and posts what the page script posts (no
passphrase, ever); organizers start, watch and stop; a survey launched from its
page uses the key and is released by two trustees' partials; every refusal of
a JSON endpoint is JSON with words."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from core.extensions import db
from crypto import dkg, sealing
from crypto.group import Point, Scalar
from crypto.threshold import ThresholdKey, partial_decrypt
from organizer.accounts.services import account_ref, find_account_by_email
from organizer.charting.models import BargainingUnit
from organizer.roles import Role
from organizer.unit_surveys import services as unit_surveys
from surveys import ballot_box
from surveys.ceremony import CeremonyState
from surveys.models import KeyCeremony, KeyMode, Survey, SurveyKind, SurveyState
from tests import csrf, factories
from tests.surveys.ceremony_helpers import PythonTrustee, passphrase_of
from tests.surveys.helpers import answers


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _material(page: str) -> dict:
    found = re.search(r'<script type="application/json" id="ceremony-material">(.*?)</script>', page, re.S)
    assert found, "the page embeds no material"
    return json.loads(found.group(1))


class BrowserTrustee:
    """A trustee's browser: its page's material in, the page script's posts out."""

    def __init__(self, client, email: str) -> None:
        self.client, self.email = client, email

    @property
    def passphrase(self) -> str:
        return passphrase_of(self.email)

    def page(self, ceremony_id: int) -> str:
        response = self.client.get(f"/survey-key/{ceremony_id}")
        assert response.status_code == 200
        return response.data.decode()

    def secret(self, material: dict) -> Scalar:
        context = dkg.join_context(material["ceremony_id"], material["trustee_index"])
        return Scalar.from_bytes(sealing.open_with_passphrase(base64.b64decode(material["sealed_secret"]),
                                                              self.passphrase, associated_data=context))

    def join(self, ceremony_id: int):
        material = _material(self.page(ceremony_id))
        secret = Scalar.random()
        public = Point.base_times(secret)
        context = dkg.join_context(material["ceremony_id"], material["trustee_index"])
        sealed = sealing.seal_with_passphrase(secret.to_bytes(), self.passphrase, associated_data=context)
        return self.client.post(f"/survey-key/{ceremony_id}/join", json={
            "personal_key": _b64(public.to_bytes()), "possession_proof": _b64(dkg.prove_possession(secret, public, context)),
            "sealed_secret": _b64(sealed)})

    def deal(self, ceremony_id: int):
        material = _material(self.page(ceremony_id))
        keys = [Point.from_bytes(base64.b64decode(k)) for k in material["personal_keys"]]
        context = base64.b64decode(material["context"])
        dealing = dkg.make_dealing(context, material["threshold"], material["trustee_index"], keys,
                                   self.secret(material))
        return self.client.post(f"/survey-key/{ceremony_id}/deal", json={"dealing": dealing.to_json()})

    def check(self, ceremony_id: int):
        material = _material(self.page(ceremony_id))
        context = base64.b64decode(material["context"])
        dealings = [dkg.Dealing.from_json(d) for d in material["dealings"]]
        signature = dkg.make_acknowledgement(context, dealings, material["trustee_index"], self.secret(material))
        return self.client.post(f"/survey-key/{ceremony_id}/check", json={"acknowledgement": _b64(signature)})

    def decrypt(self, survey_id: int):
        task = _material(self.client.get(f"/surveys/{survey_id}/decrypt").data.decode())
        material = task["ceremony"]
        context = base64.b64decode(material["context"])
        dealings = [dkg.Dealing.from_json(d) for d in material["dealings"]]
        share = dkg.final_share(context, dealings, material["trustee_index"], self.secret(material))
        key = ThresholdKey.from_bytes(base64.b64decode(task["threshold_key"]))
        partials = [_b64(partial_decrypt(key, share, Point.from_bytes(base64.b64decode(t)),
                                         base64.b64decode(task["context"])).to_bytes()) for t in task["targets"]]
        return self.client.post(f"/surveys/{survey_id}/partials", json={"partials": partials})


@pytest.fixture
def browsers(app, login, trustees) -> list[BrowserTrustee]:
    return [BrowserTrustee(login(app.test_client(), email), email) for email in trustees.emails]


def _start(client, world, trustees, threshold: int = 2) -> int:
    with client.application.app_context():
        ids = [find_account_by_email(e).id for e in trustees.emails]
    response = client.post(f"/unions/{world.union_id}/survey-key", data={"trustees": ids, "threshold": threshold})
    assert response.status_code == 302, response.data.decode()
    with client.application.app_context():
        return db.session.scalars(sa.select(KeyCeremony.id).order_by(KeyCeremony.id.desc())).first()


def _run(client, world, trustees, browsers) -> int:
    ceremony_id = _start(client, world, trustees)
    for step in ("join", "deal", "check"):
        for browser in browsers:
            response = getattr(browser, step)(ceremony_id)
            assert response.status_code == 201, response.get_json()
    return ceremony_id


def _state(app, ceremony_id: int) -> CeremonyState:
    with app.app_context():
        return db.session.get(KeyCeremony, ceremony_id).state


# -- the organizers' page ------------------------------------------------------------------------

def test_the_organizers_page_offers_the_unions_stewards_and_organizers_and_explains_t(app, client, login, world,
                                                                                       trustees):
    login(client, world.organizer)
    page = client.get(f"/unions/{world.union_id}/survey-key").data.decode()
    assert "Sam Second" in page and "nobody, not even whoever runs the server" in page
    assert "any 2 of 3 must take part to open the results, and one" in page
    assert "member" not in re.findall(r'<label for="trustees-\d+">([^<]*)</label>', page)
    _start(client, world, trustees)
    page = client.get(f"/unions/{world.union_id}/survey-key").data.decode()
    assert "Key ceremony under way" in page and "0 of 3 trustees have joined" in page
    assert "Take your step as a trustee" in page  # the organizer is one of the trustees
    assert "Start the key ceremony" not in page  # one at a time


def test_starting_with_a_quorum_of_one_is_refused_on_the_form(app, client, login, world, trustees):
    login(client, world.organizer)
    with app.app_context():
        ids = [find_account_by_email(e).id for e in trustees.emails]
    response = client.post(f"/unions/{world.union_id}/survey-key", data={"trustees": ids, "threshold": 1})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(KeyCeremony)) == 0


def test_an_organizer_stops_a_ceremony_and_the_page_says_so(app, client, login, world, trustees):
    login(client, world.organizer)
    ceremony_id = _start(client, world, trustees)
    response = client.post(f"/unions/{world.union_id}/survey-key/{ceremony_id}/stop", follow_redirects=True)
    page = response.data.decode()
    assert "The last key ceremony stopped" in page and "An organizer stopped it before the key was ready" in page
    assert _state(app, ceremony_id) == CeremonyState.FAILED


# -- the trustees' screens -----------------------------------------------------------------------

def test_each_step_is_one_screen_with_a_progress_line_and_no_passphrase_field_to_send(app, client, login, world,
                                                                                      trustees, browsers):
    login(client, world.organizer)
    ceremony_id = _start(client, world, trustees)
    first = browsers[0]
    home = first.client.get("/").data.decode()
    assert "survey key needs your step" in home and f"/survey-key/{ceremony_id}" in home
    page = first.page(ceremony_id)
    assert "Step 1 of 3" in page and "0 of 3 trustees have joined" in page
    assert "2 of 3 must take part to open the results" in page
    # The passphrase fields have no name: no form on the page could send them.
    assert re.findall(r'<input type="password"[^>]*>', page) and not re.search(r'<input type="password"[^>]*name=', page)
    material = _material(page)
    assert material["sealed_secret"] is None and material["personal_keys"] is None
    assert first.join(ceremony_id).get_json()["progress"] == "1 of 3 trustees has joined"
    waiting = first.page(ceremony_id)
    assert "You have done this step" in waiting and "1 of 3 trustees has joined" in waiting
    assert "survey key needs your step" not in first.client.get("/").data.decode()
    for browser in browsers[1:]:
        browser.join(ceremony_id)
    dealing_page = first.page(ceremony_id)
    assert "Step 2 of 3" in dealing_page and "Code of this ceremony" in dealing_page
    # Only the trustee's own sealed secret is in their page, never another's.
    with app.app_context():
        stored = db.session.get(KeyCeremony, ceremony_id)
        secrets = {t.trustee_ref: _b64(bytes(t.sealed_secret)) for t in stored.trustees}
        mine = secrets.pop(account_ref(find_account_by_email(first.email)))
    assert mine in dealing_page and not any(other in dealing_page for other in secrets.values())


def test_a_whole_ceremony_then_a_survey_released_by_two_trustees_browsers(app, client, login, world, trustees,
                                                                           browsers, crowd):
    login(client, world.organizer)
    ceremony_id = _run(client, world, trustees, browsers)
    assert _state(app, ceremony_id) == CeremonyState.DONE
    assert "The survey key is ready" in browsers[1].page(ceremony_id)
    page = client.get(f"/unions/{world.union_id}/survey-key").data.decode()
    assert "The key surveys use now" in page and "Ready since" in page
    created = client.post(f"/units/{world.unit_id}/surveys", data={
        "kind": "pulse", "title": "Heat check", "key_mode": "trustees", "trustee_threshold": "2",
        "release_threshold": "5", "comment_threshold": "10", "standard_questions": "y"})
    survey_id = int(created.headers["Location"].rsplit("/", 1)[1])
    launch_page = client.get(f"/surveys/{survey_id}/launch").data.decode()
    assert "the union's survey key" in launch_page and 'name="trustees"' not in launch_page
    assert client.post(f"/surveys/{survey_id}/launch", data={}).status_code == 302
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        assert survey.key_ceremony_id == ceremony_id
        for i, email in enumerate(crowd[:5]):
            ballot_box.cast(survey, account_ref(find_account_by_email(email)),
                            answers(survey, yes=i % 2 == 0, scale=3))
        db.session.commit()
    client.post(f"/surveys/{survey_id}/close")
    decrypt_page = browsers[0].client.get(f"/surveys/{survey_id}/decrypt").data.decode()
    assert "on\n       this device only" in decrypt_page or "this device only" in decrypt_page
    assert 'name="passphrase"' not in decrypt_page
    first = browsers[0].decrypt(survey_id).get_json()
    assert (first["given"], first["needed"], first["released"]) == (1, 2, False)
    second = browsers[2].decrypt(survey_id).get_json()
    assert second["released"] and second["results"] == f"/surveys/{survey_id}/results"
    with app.app_context():
        assert db.session.get(Survey, survey_id).state == SurveyState.RELEASED
    results = client.get(f"/surveys/{survey_id}/results").data.decode()
    assert "each in their own browser" in results


def test_a_passphrase_posted_to_the_decrypt_page_of_a_ceremony_survey_does_nothing(app, client, login, world,
                                                                                  trustees, browsers, crowd):
    login(client, world.organizer)
    _run(client, world, trustees, browsers)
    with app.app_context():
        unit = db.session.get(BargainingUnit, world.unit_id)
        survey = unit_surveys.create(find_account_by_email(world.organizer), unit, unit_surveys.settings_within_floors(
            unit.union, kind=SurveyKind.PULSE, title="Pulse", intro=None,
            key_mode=KeyMode.TRUSTEES, release_threshold=None, comment_threshold=None, trustee_threshold=2,
            opens_at=None, closes_at=None, recurrence_weeks=None), standard_questions=True)
        unit_surveys.launch_for_unit(find_account_by_email(world.organizer), survey)
        for email in crowd[:5]:
            ballot_box.cast(survey, account_ref(find_account_by_email(email)), answers(survey, yes=True, scale=2))
        survey_id = survey.id
        db.session.commit()
    client.post(f"/surveys/{survey_id}/close")
    response = browsers[1].client.post(f"/surveys/{survey_id}/decrypt", data={"passphrase": browsers[1].passphrase})
    assert response.status_code == 200
    with app.app_context():
        assert all(t.partials is None for t in db.session.get(Survey, survey_id).trustees)


# -- refusals as JSON ----------------------------------------------------------------------------

def test_refusals_are_json_with_words(app, world, trustees, browsers, csrf_on):
    organizer = csrf.sign_in(app.test_client(), world.organizer)
    with app.app_context():
        ids = [find_account_by_email(e).id for e in trustees.emails]
    page = f"/unions/{world.union_id}/survey-key"
    assert csrf.post_form(organizer, page, {"trustees": ids, "threshold": 2}).status_code == 302
    with app.app_context():
        ceremony_id = db.session.scalars(sa.select(KeyCeremony.id)).one()
    first = browsers[0]
    forged = first.client.post(f"/survey-key/{ceremony_id}/join", json={"personal_key": "AAAA"})
    assert forged.status_code == 400 and "expired" in forged.get_json()["error"]
    page = first.page(ceremony_id)
    token = re.search(r'data-csrf="([^"]+)"', page).group(1)
    bad = first.client.post(f"/survey-key/{ceremony_id}/join", json={"personal_key": "%%"},
                            headers={"X-CSRFToken": token})
    assert bad.status_code == 400 and "base64" in bad.get_json()["error"]
    early = first.client.post(f"/survey-key/{ceremony_id}/deal", json={"dealing": {"dealer": 1}},
                              headers={"X-CSRFToken": token})
    assert early.status_code == 409 and "Reload the page" in early.get_json()["error"]
    signed_out = app.test_client().post(f"/survey-key/{ceremony_id}/join", json={})
    assert signed_out.status_code == 401 and "signed out" in signed_out.get_json()["error"]
    with app.app_context():
        assert all(t.personal_key is None for t in db.session.get(KeyCeremony, ceremony_id).trustees)


def test_a_trustee_not_of_the_ceremony_sees_nothing_of_it(app, client, login, world, trustees):
    login(client, world.organizer)
    ceremony_id = _start(client, world, trustees)
    with app.app_context():
        unit = db.session.get(BargainingUnit, world.unit_id)
        factories.create_account(Role.STEWARD, unit=unit, email="outsider@example.org")
        db.session.commit()
    outsider = login(app.test_client(), "outsider@example.org")
    assert outsider.get(f"/survey-key/{ceremony_id}").status_code == 404
    assert outsider.post(f"/survey-key/{ceremony_id}/join", json={}).status_code == 404


# -- the words of the trustee's page script -------------------------------------------------------

CEREMONY_JS = ("static/js/ceremony/dkg.js", "static/js/ceremony/worker.js", "static/js/ceremony/approved.js",
               "static/js/ceremony/page.js")


def _words(page: str) -> dict:
    found = re.search(r'<script type="application/json" id="ceremony-words">(.*?)</script>', page, re.S)
    assert found, "the page gives its script no words"
    return json.loads(found.group(1))


def _thrown_by_the_scripts(message: str) -> bool:
    """Whether the ceremony's JavaScript can show exactly `message` ({trustee}: any trustee's number)."""
    root = Path(__file__).resolve().parents[3]
    # Long messages are written as "..." + "..." across lines: read them joined.
    sources = [re.sub(r'"\s*\+\s*"', "", (root / path).read_text()) for path in CEREMONY_JS]
    pattern = re.escape(message).replace(re.escape("{trustee}"), r"\$\{[^}]+\}").replace(
        re.escape("12"), r"(?:12|\$\{MIN_PASSPHRASE\})")
    return any(re.search(pattern, source) for source in sources)


def test_the_scripts_words_come_from_the_page_in_the_readers_language(app, client, login, world, trustees):
    login(client, world.organizer)
    ceremony_id = _start(client, world, trustees)
    steward = login(app.test_client(), world.steward)
    english = _words(steward.get(f"/survey-key/{ceremony_id}").data.decode())
    steward.post("/language", data={"language-language": "es", "language-next": "/"})
    spanish = _words(steward.get(f"/survey-key/{ceremony_id}").data.decode())
    assert english["errors"] and set(english["errors"]) == set(spanish["errors"])
    for message, words in english["errors"].items():
        assert words == message, "in English the device's own words are shown"
        assert _thrown_by_the_scripts(message), f"no script says {message!r}: the page's table has drifted"
    sums = ("The totals this device was asked to unlock are not the sums of the survey's ballots, so it will "
            "not unlock them. Nothing was sent: tell the other trustees and the organizers.")
    assert spanish["errors"][sums].startswith("Los totales que se le pidieron descifrar")
    assert spanish["steps"]["sum"] == "Sumando las boletas de la encuesta en este dispositivo…"
    assert english["unknown_error"] is None and spanish["unknown_error"].startswith("Algo que recibió")
    assert all(spanish["errors"][m] != m for m in spanish["errors"]), "every refusal is in Spanish"


def test_a_trustee_of_another_unit_unlocks_its_part_and_is_not_sent_to_results_it_may_not_read(
        app, client, login, world, crowd):
    with app.app_context():
        union = db.session.get(BargainingUnit, world.unit_id).union
        yard = BargainingUnit(union_id=union.id, name="Yard")
        db.session.add(yard)
        db.session.flush()
        yard_steward = factories.create_account(Role.STEWARD, unit=yard, email="yard.steward@example.org")
        organizer = find_account_by_email(world.organizer)
        factories.finished_ceremony(union, [organizer, yard_steward])
        unit = db.session.get(BargainingUnit, world.unit_id)
        survey = unit_surveys.create(organizer, unit, unit_surveys.settings_within_floors(
            union, kind=SurveyKind.PULSE, title="Pulse", intro=None, key_mode=KeyMode.TRUSTEES,
            release_threshold=None, comment_threshold=None, trustee_threshold=2, opens_at=None, closes_at=None,
            recurrence_weeks=None), standard_questions=True)
        unit_surveys.launch_for_unit(organizer, survey)
        for email in crowd[:5]:
            ballot_box.cast(survey, account_ref(find_account_by_email(email)), answers(survey, yes=True, scale=4))
        unit_surveys.end_voting(organizer, survey)
        unit_surveys.tally_and_release(organizer, survey)
        PythonTrustee(account_ref(organizer)).decrypt(survey)
        partials = [_b64(p) for p in PythonTrustee(account_ref(yard_steward)).partials(survey)]
        survey_id = survey.id
        db.session.commit()
    yard_client = login(app.test_client(), "yard.steward@example.org")
    given = yard_client.post(f"/surveys/{survey_id}/partials", json={"partials": partials}).get_json()
    assert given["released"] and given["results"] is None, "no link to results the Yard's steward may not read"
    assert yard_client.get(f"/surveys/{survey_id}/results").status_code == 404
    page = yard_client.get(f"/surveys/{survey_id}/decrypt").data.decode()
    assert "The results are out" in page and f"/surveys/{survey_id}/results" not in page
