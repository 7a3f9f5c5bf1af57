"""Demands through HTTP: a member writes one and asks coworkers to back it, an
organizer sends the endorsement survey, coworkers answer it, and the demand is
shown with its collective context to its author and to the unit's steward."""

from __future__ import annotations

import re

import sqlalchemy as sa

from core.extensions import db
from organizer.accounts import services as accounts
from organizer.demands.models import Claim, Demand
from surveys import tally
from surveys.models import Survey

GOOD = {"text": "Will you heat the loading bay before December? By when?", "kind": "demand",
        "tier": "dealbreaker", "basis": "needs", "category": "security_conditions"}


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _write(client, **overrides):
    return client.post("/my/demands/new", data={**GOOD, **overrides})


def test_a_member_writes_a_demand_and_sees_it_with_the_units_strength(app, client, world, login):
    login(client, world.member)
    assert _write(client).status_code == 302
    page = client.get("/my/demands").data.decode()
    assert "Will you heat the loading bay before December? By when?" in page
    assert "Union strength" in page and "Density" in page and "Support" in page
    assert "Dealbreaker" in page and "Not yet put to coworkers." in page


def test_bad_demands_are_refused_with_a_message_and_nothing_stored(app, client, world, login):
    login(client, world.member)
    for overrides, message in [({"text": "Heat the bay now"}, "Phrase it as a question"),
                               ({"tier": "curious"}, "is for questions"),
                               ({"tier": "urgent"}, "Not a valid choice"),
                               ({"claim_ids": "999"}, "valid choice"),
                               ({"text": ""}, "This field is required")]:
        response = _write(client, **overrides)
        assert response.status_code == 400, overrides
        assert message in response.data.decode(), overrides
    with app.app_context():
        assert _count(Demand) == 0


def test_a_member_cannot_reach_another_members_demand(app, client, world, login, crowd):
    login(client, world.member)
    _write(client)
    with app.app_context():
        demand_id = db.session.scalar(sa.select(Demand.id))
    other = login(app.test_client(), crowd[0])
    assert other.get(f"/demands/{demand_id}/edit").status_code == 404
    assert other.post(f"/demands/{demand_id}/remove").status_code == 404
    assert other.post(f"/demands/{demand_id}/endorse").status_code == 404
    assert other.get("/my/demands").data.decode().count("loading bay") == 0


def test_the_profile_takes_claims_and_refuses_bad_ones(app, client, world, login):
    login(client, world.member)
    assert client.post("/my/profile", data={"section": "performance", "year": "2025",
                                            "text": "Trained the four newest hires."}).status_code == 302
    missing_year = client.post("/my/profile", data={"section": "performance", "text": "Led the night crew."})
    assert missing_year.status_code == 400 and "which year" in missing_year.data.decode()
    assert client.post("/my/profile", data={"section": "boss", "text": "x" * 10}).status_code == 400
    page = client.get("/my/profile").data.decode()
    assert "Trained the four newest hires." in page
    with app.app_context():
        assert _count(Claim) == 1


def test_from_request_to_backing_through_every_role(app, client, world, login, crowd):
    author = login(client, world.member)
    _write(author, is_attributable="")
    with app.app_context():
        demand_id = db.session.scalar(sa.select(Demand.id))
    assert author.post(f"/demands/{demand_id}/endorse").status_code == 302
    assert "waiting for an organizer" in author.get("/my/demands").data.decode()

    organizer = login(app.test_client(), world.organizer)
    requests_page = organizer.get(f"/units/{world.unit_id}/endorsements").data.decode()
    assert "loading bay" in requests_page
    request_key = re.search(r'name="request" value="([^"]+)"', requests_page).group(1)
    assert request_key == f"demand:{demand_id}"
    with app.app_context():
        author_account_id = accounts.find_account_by_email(world.member).id
    assert f"/{author_account_id}/" not in requests_page.split("<main", 1)[1]  # who asked is not on the page
    launch_url = f"/units/{world.unit_id}/endorsements/launch"
    assert organizer.post(launch_url, data={"request": request_key, "days_open": "0"}).status_code == 400
    assert organizer.post(launch_url, data={"request": "demand:99999", "days_open": "5"}).status_code == 400
    assert organizer.post(launch_url, data={"request": request_key, "days_open": "5"}).status_code == 302
    with app.app_context():
        survey_id = db.session.get(Demand, demand_id).endorsement_survey_id

    # The author is not asked about their own demand; coworkers see its words on the form.
    assert f"/surveys/{survey_id}/answer" not in author.get("/my/surveys").data.decode()
    for email, agreement in zip(crowd[:4], ["5", "4", "5", "cant"]):
        coworker = login(app.test_client(), email)
        form = coworker.get(f"/surveys/{survey_id}/answer").data.decode()
        assert "Will you heat the loading bay before December? By when?" in form
        [field] = set(re.findall(r'name="(q\d+)"', form))
        assert coworker.post(f"/surveys/{survey_id}/answer", data={field: agreement}).status_code == 200
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        tally.close(survey)
        tally.release_with_server_key(survey)
        db.session.commit()

    mine = author.get("/my/demands").data.decode()
    assert "Coworker backing" in mine and "3 of 3 coworkers agree" in mine

    steward = login(app.test_client(), world.steward)
    unit_page = steward.get(f"/units/{world.unit_id}/demands").data.decode()
    assert "loading bay" in unit_page and "3 of 3 coworkers agree" in unit_page
    with app.app_context():
        author_name = accounts.find_account_by_email(world.member).display_name
    assert "Raised by a member (not attributed)" in unit_page and author_name not in unit_page
    assert steward.post(f"/demands/{demand_id}/response", data={f"demand{demand_id}-response": "maybe"}).status_code == 400
    assert steward.post(f"/demands/{demand_id}/response",
                        data={f"demand{demand_id}-response": "partly",
                                              f"demand{demand_id}-note": "Heaters in one bay only"}).status_code == 302
    assert "Heaters in one bay only" in author.get("/my/demands").data.decode()


def test_demand_forms_need_the_csrf_token(app, client, world, login, csrf_on):
    login_page = client.get("/login").data.decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page).group(1)
    client.post("/login", data={"csrf_token": token, "email": world.member, "password": "correct horse battery staple"})
    assert _write(client).status_code == 400
    with app.app_context():
        assert _count(Demand) == 0


def test_a_steward_downloads_the_summary_in_every_format(app, client, world, login, crowd):
    author = login(client, world.member)
    _write(author, is_attributable="y")
    other = login(app.test_client(), crowd[0])
    _write(other, text="Will nights be paid extra? From when?", tier="priority")
    with app.app_context():
        first, second = db.session.scalars(sa.select(Demand.id).order_by(Demand.id)).all()
    steward = login(app.test_client(), world.steward)
    assert steward.post(f"/demands/{second}/same-as", data={f"demand{second}-same_as": str(first)}).status_code == 302
    assert steward.post(f"/demands/{first}/same-as", data={f"demand{first}-same_as": "99999"}).status_code == 400

    page = steward.get(f"/units/{world.unit_id}/summary").data.decode()
    assert "Will you heat the loading bay" in page and "2 members" in page
    assert "Will nights be paid extra" not in page  # combined: listed once
    # A summary this small has its PDF made in the request that asks for it (see test_prepared_pdf).
    assert steward.post(f"/units/{world.unit_id}/summary/prepare-pdf").status_code == 302
    expected = {"pdf": ("application/pdf", b"%PDF-"), "md": ("text/markdown", b"# Bargaining summary"),
                "csv": ("text/csv", b"section,category,rank,text")}
    for fmt, (mimetype, start) in expected.items():
        response = steward.get(f"/units/{world.unit_id}/summary.{fmt}")
        assert response.status_code == 200 and response.mimetype == mimetype
        assert response.data.startswith(start)
        assert "attachment" in response.headers["Content-Disposition"]
        assert response.headers["Cache-Control"] == "no-store"
    assert steward.get(f"/units/{world.unit_id}/summary.docx").status_code == 404
    assert login(app.test_client(), crowd[1]).get(f"/units/{world.unit_id}/summary.csv").status_code == 403


def test_combining_has_a_page_of_its_own_so_the_unit_page_does_not_list_every_demand_per_card(
        app, client, world, login, crowd):
    author = login(client, world.member)
    _write(author)
    other = login(app.test_client(), crowd[0])
    _write(other, text="Will nights be paid extra? From when?", tier="priority")
    with app.app_context():
        first, second = db.session.scalars(sa.select(Demand.id).order_by(Demand.id)).all()
    steward = login(app.test_client(), world.steward)
    unit_page = steward.get(f"/units/{world.unit_id}/demands").data.decode()
    assert f'href="/demands/{second}/same-as"' in unit_page
    assert "same_as" not in unit_page, "no per-card list of every other demand"
    page = steward.get(f"/demands/{second}/same-as")
    assert page.status_code == 200
    text = page.data.decode()
    assert "Will nights be paid extra" in text and f'<option translate="no" value="{first}"' in text
    assert f'<option translate="no" value="{second}"' not in text  # never combined with itself
    refused = steward.post(f"/demands/{second}/same-as", data={f"demand{second}-same_as": "99999"})
    assert refused.status_code == 400 and b"Same as another demand?" in refused.data
    with app.app_context():
        assert db.session.get(Demand, second).same_as_id is None
    assert author.get(f"/demands/{second}/same-as").status_code == 403
