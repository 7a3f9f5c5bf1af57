"""PRIVACY.md invariants 5, 9 and 10 on the union side: no survey goes below
its union's floor for its kind, floors rise but never fall below the defaults,
a trustee quorum is at least two and every page says in plain words who can
decrypt, and nobody sees how many answered before a survey closes."""

from __future__ import annotations

import html
import re
from dataclasses import replace

import pytest
import sqlalchemy as sa

from core.extensions import db
from organizer.accounts import services as accounts
from organizer.charting import unions
from organizer.charting.models import BargainingUnit, Union
from organizer.errors import DomainError, NotAllowed
from organizer.unit_surveys import services as unit_surveys
from surveys import definitions
from surveys.models import KeyMode, Survey, SurveyKind
from tests import factories

PULSE = definitions.SurveySettings(kind=SurveyKind.PULSE, title="Pulse", key_mode=KeyMode.SERVER_KEY,
                                   release_threshold=5, comment_threshold=10)


def _surveys() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Survey))


@pytest.fixture
def officers(app_ctx, world):
    find = accounts.find_account_by_email
    return {"organizer": find(world.organizer), "other": find(world.other_organizer),
            "unit": db.session.get(BargainingUnit, world.unit_id), "union": db.session.get(Union, world.union_id)}


# -- floors at creation and update -----------------------------------------------------------------

@pytest.mark.parametrize("settings, field, words", [
    (replace(PULSE, release_threshold=2, comment_threshold=10), "release_threshold", "at least 5"),
    (replace(PULSE, kind=SurveyKind.VOTE, release_threshold=4), "release_threshold", "vote surveys"),
    (replace(PULSE, kind=SurveyKind.ENDORSEMENT, release_threshold=2), "release_threshold", "at least 3"),
    (replace(PULSE, comment_threshold=9), "comment_threshold", "at least 10 answers"),
])
def test_a_survey_below_its_unions_floor_is_refused_and_nothing_stored(officers, settings, field, words):
    with pytest.raises(DomainError) as refused:
        unit_surveys.create(officers["organizer"], officers["unit"], settings, standard_questions=True)
    assert refused.value.field == field and words in refused.value.message
    assert _surveys() == 0


def test_a_raised_floor_holds_at_creation_and_at_update(officers):
    organizer, unit = officers["organizer"], officers["unit"]
    unions.update_floors(organizer, officers["union"], results=7, endorsements=4, comments=12)
    with pytest.raises(DomainError, match="at least 7"):
        unit_surveys.create(organizer, unit, replace(PULSE, release_threshold=6, comment_threshold=12), False)
    assert _surveys() == 0
    survey = unit_surveys.create(organizer, unit, replace(PULSE, release_threshold=8, comment_threshold=12), False)
    assert survey.release_threshold == 8  # raising above the floor is fine
    with pytest.raises(DomainError, match="at least 7"):
        unit_surveys.update(organizer, survey, replace(PULSE, release_threshold=6, comment_threshold=12))
    with pytest.raises(DomainError, match="at least 12 answers"):
        unit_surveys.update(organizer, survey, replace(PULSE, release_threshold=8, comment_threshold=11))
    assert (survey.release_threshold, survey.comment_threshold) == (8, 12)
    unit_surveys.update(organizer, survey, replace(PULSE, title="Renamed", release_threshold=9, comment_threshold=12))
    assert (survey.title, survey.release_threshold) == ("Renamed", 9)


def test_the_k_equals_two_survey_of_the_review_is_refused_over_http(app, client, world, login):
    login(client, world.organizer)
    response = client.post(f"/units/{world.unit_id}/surveys", data={
        "kind": "pulse", "title": "Tiny", "key_mode": "server_key", "release_threshold": "2",
        "comment_threshold": "10"})
    assert response.status_code == 400 and b"k must be at least 5" in response.data
    with app.app_context():
        assert _surveys() == 0


def test_the_survey_form_starts_at_the_floors(app, client, world, login):
    with app.app_context():
        organizer = accounts.find_account_by_email(world.organizer)
        unions.update_floors(organizer, db.session.get(Union, world.union_id), results=6, endorsements=4, comments=15)
        db.session.commit()
    login(client, world.organizer)
    page = client.get(f"/units/{world.unit_id}/surveys").data.decode()
    assert re.search(r'name="release_threshold"[^>]*value="6"', page)
    assert re.search(r'name="comment_threshold"[^>]*value="15"', page)
    # Left empty, both take the floors for the kind.
    client.post(f"/units/{world.unit_id}/surveys", data={
        "kind": "endorsement", "title": "E", "key_mode": "server_key", "release_threshold": "", "comment_threshold": ""})
    with app.app_context():
        survey = db.session.scalars(sa.select(Survey)).one()
        assert (survey.release_threshold, survey.comment_threshold) == (4, 15)


# -- the floors themselves ---------------------------------------------------------------------------

@pytest.mark.parametrize("floors, field", [
    ({"results": 4, "endorsements": 3, "comments": 10}, "results"),
    ({"results": 5, "endorsements": 2, "comments": 10}, "endorsements"),
    ({"results": 5, "endorsements": 3, "comments": 9}, "comments"),
    ({"results": 12, "endorsements": 3, "comments": 10}, "comments"),  # comments need at least as many as figures
    ({"results": 1001, "endorsements": 3, "comments": 2000}, "results"),
])
def test_floors_never_go_below_the_defaults(officers, floors, field):
    union = officers["union"]
    with pytest.raises(DomainError) as refused:
        unions.update_floors(officers["organizer"], union, **floors)
    assert refused.value.field == field
    assert (union.release_threshold, union.endorsement_threshold, union.comment_threshold) == (5, 3, 10)


def test_floors_can_be_raised_and_brought_back_to_the_defaults_by_the_unions_organizers_only(officers):
    union = officers["union"]
    with pytest.raises(NotAllowed):
        unions.update_floors(officers["other"], union, results=6, endorsements=3, comments=10)
    unions.update_floors(officers["organizer"], union, results=6, endorsements=4, comments=11)
    assert (union.release_threshold, union.endorsement_threshold, union.comment_threshold) == (6, 4, 11)
    assert union.floor_for(SurveyKind.ENDORSEMENT) == 4 and union.floor_for(SurveyKind.BARGAINING) == 6
    unions.update_floors(officers["organizer"], union, results=5, endorsements=3, comments=10)
    assert (union.release_threshold, union.endorsement_threshold, union.comment_threshold) == (5, 3, 10)


def test_the_settings_page_saves_and_refuses(app, client, world, login):
    login(client, world.organizer)
    too_low = client.post(f"/unions/{world.union_id}/settings", data={"results": "3", "endorsements": "3",
                                                                      "comments": "10"})
    assert too_low.status_code == 400 and b"the lowest Leverage allows" in too_low.data
    saved = client.post(f"/unions/{world.union_id}/settings", data={"results": "8", "endorsements": "5",
                                                                    "comments": "20"})
    assert saved.status_code == 302
    with app.app_context():
        union = db.session.get(Union, world.union_id)
        assert (union.release_threshold, union.endorsement_threshold, union.comment_threshold) == (8, 5, 20)
    assert "Results show only when at least 8 people answered".encode() in client.get(f"/unions/{world.union_id}").data


def test_endorsement_surveys_take_the_unions_endorsement_floor(app_ctx, world, crowd):
    from organizer.demands import services as demands
    from organizer.demands.models import Basis, Category, DemandKind, Tier

    organizer, author = (accounts.find_account_by_email(e) for e in (world.organizer, world.member))
    unions.update_floors(organizer, db.session.get(Union, world.union_id), results=5, endorsements=4, comments=12)
    demand = demands.create_demand(author, demands.DemandDetails(DemandKind.DEMAND, Tier.PRIORITY, Basis.COLLECTIVE,
                                                                 Category.PAY, "Will you pay nights?"))
    demands.request_endorsement(author, demand)
    survey = demands.launch_endorsement_survey(organizer, db.session.get(BargainingUnit, world.unit_id),
                                               demand.subject_ref).survey
    assert (survey.release_threshold, survey.comment_threshold) == (4, 12)


# -- who can decrypt, and no live count ----------------------------------------------------------------

def test_a_quorum_of_one_is_refused_at_the_service_and_in_words(officers):
    with pytest.raises(Exception, match="at least 2 trustees"):
        unit_surveys.create(officers["organizer"], officers["unit"],
                            replace(PULSE, key_mode=KeyMode.TRUSTEES, trustee_threshold=1), False)
    assert _surveys() == 0
    server = unit_surveys.create(officers["organizer"], officers["unit"], PULSE, False)
    assert unit_surveys.who_can_decrypt(server) == (
        "Decrypted by the server alone (one key holder): whoever runs the server could read answers as they arrive")


def _open_pulse(client, world, **overrides) -> int:
    data = {"kind": "pulse", "title": "Count me", "key_mode": "server_key", "release_threshold": "5",
            "comment_threshold": "10", "standard_questions": "y", **overrides}
    survey_id = int(client.post(f"/units/{world.unit_id}/surveys", data=data).headers["Location"].rsplit("/", 1)[1])
    return survey_id


def _answer(app, login, email, survey_id) -> None:
    member = login(app.test_client(), email)
    page = member.get(f"/surveys/{survey_id}/answer").data.decode()
    yes_no, willing, issues, _ = sorted(set(re.findall(r'name="(q\d+)"', page)), key=lambda n: int(n[1:]))
    assert member.post(f"/surveys/{survey_id}/answer",
                       data={yes_no: "yes", willing: "3", issues: ["1"]}).status_code == 200


def _figure(page: str, label: str) -> str | None:
    found = re.search(rf"<dt>{label}</dt><dd>(\d+)</dd>", page)
    return found.group(1) if found else None


def test_the_manage_page_shows_who_could_answer_never_how_many_did_until_it_closes(app, client, world, login, crowd):
    login(client, world.organizer)
    survey_id = _open_pulse(client, world)
    assert client.post(f"/surveys/{survey_id}/launch", data={}).status_code == 302
    for email in crowd:
        _answer(app, login, email, survey_id)
    page = client.get(f"/surveys/{survey_id}").data.decode()
    assert _figure(page, "Can answer") == "7"
    assert _figure(page, "Answered") is None and "Answered" not in page
    assert "Answers are counted when the survey closes" in page
    assert client.post(f"/surveys/{survey_id}/close").status_code == 302
    closed = client.get(f"/surveys/{survey_id}").data.decode()
    assert _figure(closed, "Answered") == "6" and "Answers are counted when the survey closes" not in closed


def test_trustee_pages_name_t_and_n(app, client, world, login, crowd):
    login(client, world.organizer)
    survey_id = _open_pulse(client, world, key_mode="trustees", trustee_threshold="2")
    draft = client.get(f"/surveys/{survey_id}").data.decode()
    assert "will have to take part, each in their own browser, with the survey key they first make" in draft
    # The steward and the organizer make the union's survey key together, 2 of 2.
    with app.app_context():
        union = db.session.get(Union, world.union_id)
        factories.finished_ceremony(union, [accounts.find_account_by_email(e) for e in (world.steward, world.organizer)])
        db.session.commit()
    draft = client.get(f"/surveys/{survey_id}").data.decode()
    assert "2 of the 2 trustees (stewards or organizers) of the union's survey key will have to take part" in (
        html.unescape(draft))
    assert client.post(f"/surveys/{survey_id}/launch", data={}).status_code == 302
    assert "2 of 2 trustees (stewards or organizers) must take part" in client.get(f"/surveys/{survey_id}").data.decode()
    listing = client.get(f"/units/{world.unit_id}/surveys").data.decode()
    assert "2 of 2 trustees (stewards or organizers) must take part" in listing and "trustee quorum" not in listing
