"""A committee member's way in: their home page says which departments they talk
with, and leads straight to the unit's conversations page, to the chart of
their departments and to adding a coworker, each of which opens for them. A
member with no seat sees none of it, and a seat left with no department says
to ask the organizer."""

from __future__ import annotations

import re

from core.extensions import db
from organizer.accounts import committee
from organizer.accounts import services as accounts
from organizer.charting.models import BargainingUnit, Department
from tests.organizer.accounts.committee_helpers import seat_committee_member


def _committee_card(html: str) -> str | None:
    found = re.search(r'<section class="card" aria-labelledby="committee-\d+">.*?</section>', html, re.S)
    return found.group(0) if found else None


def test_a_committee_members_home_leads_to_their_conversations_chart_and_new_coworker(app, client, world, login):
    with app.app_context():
        seated = seat_committee_member(world)
        own, other = (db.session.get(Department, d).name for d in (seated.own_department_id,
                                                                       seated.other_department_id))
    login(client, seated.email)
    card = _committee_card(client.get("/").data.decode())
    assert card is not None, "the home page has a card for the seat"
    links = {f"/units/{world.unit_id}/conversations", f"/units/{world.unit_id}/chart",
             f"/units/{world.unit_id}/people/new"}
    assert links <= set(re.findall(r'href="([^"]+)"', card))
    words = " ".join(re.sub(r"<[^>]+>", "", card).split())
    assert "Your conversations with coworkers" in words
    assert f"You talk with the coworkers of {own}: one on one" in words
    assert f"You see the coworkers of {own} only" in words and other not in words
    for link in links:
        assert client.get(link).status_code == 200, link


def test_a_member_without_a_seat_has_no_way_in(client, world, login):
    login(client, world.member)
    home = client.get("/").data.decode()
    assert _committee_card(home) is None
    assert f"/units/{world.unit_id}/conversations" not in home


def test_a_seat_without_a_department_says_to_ask_the_organizer(app, client, world, login):
    with app.app_context():
        seated = seat_committee_member(world)
        unit = db.session.get(BargainingUnit, world.unit_id)
        seat = next(a for a in accounts.find_account_by_email(seated.email).roles if a.unit_id == unit.id
                    and a.department_ids)
        seat.department_ids = frozenset()
        db.session.commit()
        assert committee.seats_of(accounts.find_account_by_email(seated.email))[0].department_names == ()
    login(client, seated.email)
    card = _committee_card(client.get("/").data.decode())
    assert "You have no department to chart yet: ask your organizer." in card
    assert f"/units/{world.unit_id}/conversations" not in card
