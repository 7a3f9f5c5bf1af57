"""The one-on-one pages over HTTP, as an organizer uses them: from the chart to a
coworker's page, a conversation recorded with its next step, the history it
shows, the follow-up on the owner's home page (due and overdue) and marked done
from there, the unit's counts; and nothing of the note or the step in any log."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from core.extensions import db
from organizer.accounts import services as accounts
from organizer.charting.models import BargainingUnit, Person
from organizer.conversations import services
from organizer.conversations.models import FollowUp
from tests import factories
from tests.organizer.conversations.helpers import NOTE, STEP, follow_up, words_of


@pytest.fixture
def organizer_client(app, world, login):
    return login(app.test_client(), world.organizer)


def _today(app, world):
    with app.app_context():
        return services.union_today(db.session.get(BargainingUnit, world.unit_id).union)


def test_the_chart_and_the_dashboard_lead_to_the_conversation_pages(organizer_client, world):
    person_page = organizer_client.get(f"/people/{world.person_id}/edit").get_data(as_text=True)
    assert f'href="/people/{world.person_id}/conversations"' in person_page
    dashboard = organizer_client.get(f"/unions/{world.union_id}").get_data(as_text=True)
    assert f'href="/units/{world.unit_id}/conversations"' in dashboard


def test_a_conversation_recorded_over_http_shows_on_the_coworkers_page(app, world, organizer_client, caplog):
    caplog.set_level(logging.DEBUG)
    today = _today(app, world)
    with app.app_context():
        organizer_id = accounts.find_account_by_email(world.organizer).id
    form = organizer_client.get(f"/people/{world.person_id}/conversations/new")
    assert form.status_code == 200
    assert f'value="{today.isoformat()}"' in form.get_data(as_text=True), "the day starts as today"
    response = organizer_client.post(f"/people/{world.person_id}/conversations/new", data={
        "held_on": today.isoformat(), "held_by_id": str(organizer_id), "issues": ["pay", "security_conditions"],
        "assessment_after": "1", "note": NOTE + "\nSecond line of the note.", "next_step": STEP,
        "owner_id": str(organizer_id), "due_on": (today + timedelta(days=2)).isoformat()})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/people/{world.person_id}/conversations"
    page = organizer_client.get(response.headers["Location"]).get_data(as_text=True)
    assert NOTE in page and "<p>Second line of the note.</p>" in page
    assert "Pay; Job security and working conditions (incl. safety)" in page
    assert "from 2 · Supporter to" in page and "1 · Leader / strong supporter" in page
    assert STEP in page
    home = words_of(organizer_client.get("/").get_data(as_text=True))
    assert STEP in home and "Your follow-ups in Dock crew" in home and "overdue" not in home
    for record in caplog.records:
        assert NOTE not in record.getMessage() and STEP not in record.getMessage()


def test_the_home_page_lists_follow_ups_overdue_and_due_and_marks_them_done(app, world, organizer_client):
    with app.app_context():
        organizer = accounts.find_account_by_email(world.organizer)
        person = db.session.get(Person, world.person_id)
        overdue = follow_up(organizer, person, due_in=-3, step="Call back about the petition")
        follow_up(organizer, person, due_in=1, step="Walk the floor with them")
        follow_up(organizer, person, due_in=30, step="Ask again next month")
        db.session.commit()
        overdue_id = overdue.id
    home = organizer_client.get("/").get_data(as_text=True)
    assert "Call back about the petition" in home and "· overdue" in home
    assert "Walk the floor with them" in home
    assert "Ask again next month" not in home, "a month away is not due yet"
    page = organizer_client.get(f"/people/{world.person_id}/conversations").get_data(as_text=True)
    assert f'action="/follow-ups/{overdue_id}/done"' in page
    done = organizer_client.post(f"/follow-ups/{overdue_id}/done", data={"next": "/"})
    assert (done.status_code, done.headers["Location"]) == (302, "/")
    assert "Call back about the petition" not in organizer_client.get("/").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(FollowUp, overdue_id).done_on == services.union_today(person_union(world))
    # A `next` that leaves the site is ignored: back to the coworker's page.
    with app.app_context():
        again = follow_up(accounts.find_account_by_email(world.organizer), db.session.get(Person, world.person_id))
        db.session.commit()
        again_id = again.id
    elsewhere = organizer_client.post(f"/follow-ups/{again_id}/done", data={"next": "//evil.example"})
    assert elsewhere.headers["Location"] == f"/people/{world.person_id}/conversations"


def person_union(world):
    return db.session.get(BargainingUnit, world.unit_id).union


def test_the_unit_page_counts_and_finds(app, world, organizer_client):
    with app.app_context():
        unit = db.session.get(BargainingUnit, world.unit_id)
        for n in range(6):
            factories.create_person(unit, f"Picker {n}", department_id=unit.departments[1].id)
        db.session.commit()
    page = organizer_client.get(f"/units/{world.unit_id}/conversations?days=14")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    # Jordan, the steward, the member and the six pickers.
    assert "Not spoken to in 14 days" in text and "of 9 coworkers" in text
    found = organizer_client.get(f"/units/{world.unit_id}/conversations?search=jordan").get_data(as_text=True)
    assert f'href="/people/{world.person_id}/conversations/new"' in found


def test_the_pages_answer_only_those_who_may_see_them(app, world, login):
    for email in (world.member, world.steward, world.other_organizer):
        client = login(app.test_client(), email)
        for url in (f"/units/{world.unit_id}/conversations", f"/people/{world.person_id}/conversations",
                    f"/people/{world.person_id}/conversations/new", f"/people/{world.person_id}/follow-ups/new"):
            assert client.get(url).status_code == 404, (email, url)
