"""Answering a rank question of the question bank through HTTP: without
JavaScript the server's form takes a ranking from one select per option and
refuses, beside the question and with nothing stored, a place given to two
options, a place skipped, "can't say" with places, an option posted in two
places and a place that is not offered; from a device, the ballot endpoint
refuses a forged ranking with a 4xx and a reason. Released, the results page
shows the ranking by points with the scoring stated."""

from __future__ import annotations

import base64
import re

import pytest

from core.extensions import db
from crypto import ballot as crypto_ballot
from crypto.elgamal import PublicKey
from organizer.accounts import services as accounts
from organizer.charting.models import BargainingUnit
from organizer.unit_surveys import services as unit_surveys
from surveys import ballot_box
from surveys.definitions import ballot_questions, question_spec
from surveys.models import Survey
from tests.crypto.test_rank import cells, forged_ballot_of


@pytest.fixture
def stay_interview(app, world, crowd) -> int:
    with app.app_context():
        unit = db.session.get(BargainingUnit, world.unit_id)
        organizer = accounts.find_account_by_email(world.organizer)
        survey = unit_surveys.start_standard_survey(organizer, unit, "stay")
        unit_surveys.launch_for_unit(organizer, survey)
        db.session.commit()
        return survey.id


def _form(client, survey_id: int, places: dict[int, str], *, cant_say: bool = False, year: str = "4") -> dict:
    """The answer form as a browser without JavaScript posts it: places by option index."""
    page = client.get(f"/surveys/{survey_id}/answer").data.decode()
    ids = sorted({int(i) for i in re.findall(r'data-question="(\d+)"', page)})
    ranked, scale, comment = ids
    data = {f"q{ranked}-{option}": "" for option in range(6)}
    data.update({f"q{ranked}-{option}": place for option, place in places.items()})
    if cant_say:
        data[f"q{ranked}"] = "cant"
    data[f"q{scale}"] = year
    data[f"q{comment}"] = ""
    return data


def _stored(app, survey_id: int) -> tuple[int, int]:
    with app.app_context():
        return ballot_box.counts(db.session.get(Survey, survey_id))


def test_the_server_form_takes_a_ranking_from_one_select_per_option(app, client, login, crowd, stay_interview):
    login(client, crowd[0])
    page = client.get(f"/surveys/{stay_interview}/answer").data.decode()
    assert page.count("<select") == 6 and '<option value="3">3rd</option>' in page
    response = client.post(f"/surveys/{stay_interview}/answer", data=_form(client, stay_interview,
                                                                           {1: "1", 4: "2", 0: "3"}))
    assert response.status_code == 200 and b"Ballot fingerprint" in response.data
    assert _stored(app, stay_interview) == (1, 1)


@pytest.mark.parametrize("places, cant_say, words", [
    ({1: "1", 4: "1"}, False, "Two options have the same place (1st)"),
    ({1: "1", 4: "3"}, False, "2nd is empty, but a later place is taken"),
    ({4: "2"}, False, "1st is empty, but a later place is taken"),
    ({}, False, "Give 1st to one option, or choose"),
    ({2: "1"}, True, "not both"),
    ({2: "4"}, False, "Choose one of the places offered"),
    ({2: "first"}, False, "Choose one of the places offered"),
])
def test_a_ranking_that_is_no_ranking_is_refused_beside_the_question(app, client, login, crowd, stay_interview,
                                                                      places, cant_say, words):
    login(client, crowd[0])
    response = client.post(f"/surveys/{stay_interview}/answer",
                           data=_form(client, stay_interview, places, cant_say=cant_say))
    assert response.status_code == 400
    text = response.data.decode().replace("&#34;", '"').replace("&#39;", "'")
    assert words in text
    assert re.search(r'<fieldset class="question has-error" id="q\d+-question"', text)
    assert _stored(app, stay_interview) == (0, 0)


def test_an_option_posted_in_two_places_is_refused(app, client, login, crowd, stay_interview):
    login(client, crowd[0])
    data = _form(client, stay_interview, {1: "1"})
    name = next(key for key in data if key.endswith("-1"))
    response = client.post(f"/surveys/{stay_interview}/answer", data={**data, name: ["1", "2"]})
    assert response.status_code == 400 and b"Each option takes one place at most." in response.data
    assert _stored(app, stay_interview) == (0, 0)


def test_cant_say_is_taken_alone(app, client, login, crowd, stay_interview):
    login(client, crowd[0])
    response = client.post(f"/surveys/{stay_interview}/answer", data=_form(client, stay_interview, {},
                                                                           cant_say=True))
    assert response.status_code == 200 and b"Ballot fingerprint" in response.data


def test_the_ballot_endpoint_refuses_a_forged_ranking_with_a_reason(app, client, login, crowd, stay_interview):
    with app.app_context():
        survey = db.session.get(Survey, stay_interview)
        specs = [question_spec(q) for q in ballot_questions(survey)]
        key, context = PublicKey.from_bytes(survey.public_key), survey.context
        two_first = cells(6, 3, {(0, 0): 1, (5, 0): 1})
        forged = forged_ballot_of(key, context, specs, [two_first, list(specs[1].slot_values(4))])
        honest = crypto_ballot.serialize(crypto_ballot.encrypt_ballot(key, context, specs, [[5, 0], 4]))
    login(client, crowd[0])
    refused = client.post(f"/surveys/{stay_interview}/ballot",
                          json={"payload": base64.b64encode(forged).decode(), "comments": {}})
    assert refused.status_code in (400, 409, 422) and "proofs do not verify" in refused.get_json()["error"]
    assert _stored(app, stay_interview) == (0, 0)
    taken = client.post(f"/surveys/{stay_interview}/ballot",
                        json={"payload": base64.b64encode(honest).decode(), "comments": {}})
    assert taken.status_code == 201
    assert _stored(app, stay_interview) == (1, 1)


def test_released_the_results_page_shows_the_ranking_by_points(app, client, login, world, crowd, stay_interview):
    rankings = [{0: "1", 1: "2"}, {1: "1"}, {1: "1", 0: "2", 5: "3"}, {2: "1"}, {1: "1", 2: "2"}, {}]
    for email, places in zip(crowd, rankings):
        member = app.test_client()
        login(member, email)
        data = _form(member, stay_interview, places, cant_say=not places)
        assert member.post(f"/surveys/{stay_interview}/answer", data=data).status_code == 200
    login(client, world.organizer)
    assert client.post(f"/surveys/{stay_interview}/close").status_code == 302
    page = client.get(f"/surveys/{stay_interview}/results").data.decode()
    assert "Points (a Borda count): 1st place: 3 points · 2nd place: 2 points · 3rd place: 1 point." in page
    # By hand: a flexible schedule, three firsts and a second = 11; feedback, a first and a second = 5;
    # training, the same 5 with as many firsts, so after feedback (the question's order); colleagues, a third = 1.
    order = [m for m in re.findall(r'class="rank-number">\d+\.</span> <span translate="no" lang="en">([^<]+)<', page)]
    assert order == ["A more flexible schedule", "Better feedback on my work", "Training",
                     "Working with strong colleagues", "Experience in other kinds of work", "Creative work"]
    places = [re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r'class="rank-places"[^>]*>(.*?)</td>', page)]
    assert places[:2] == ["1st: 3 · 2nd: 1 · 3rd: 0", "1st: 1 · 2nd: 1 · 3rd: 0"]
    assert "“Can't say”: 1" in page.replace("&#39;", "'")
