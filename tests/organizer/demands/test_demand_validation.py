"""What a member can type as a demand or a claim, over HTTP with CSRF on: text
of punctuation only, a question said over and over, the same demand twice,
text over the limit (refused with a message, never cut by the browser), and
direction overrides (removed). Every refusal stores nothing."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from core.extensions import db
from organizer.demands.models import Claim, Demand
from tests.csrf import post_form, sign_in

GOOD = {"text": "Will you heat the loading bay before December? By when?", "kind": "demand",
        "tier": "dealbreaker", "basis": "needs", "category": "security_conditions"}

NEW_DEMAND = "/my/demands/new"

LONG = "Will you " + "really " * 100 + "heat the bay?"


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.fixture
def member(client, world, csrf_on):
    return sign_in(client, world.member)


@pytest.mark.parametrize("text, words", [
    ("??????????????", "only punctuation or symbols"),
    ("?!?!?!?!?! ... ???", "only punctuation or symbols"),
    ("\u200b\u200b\u200b\u200b\u200b\u200b\u200b\u200b\u200b\u200b?", "only punctuation or symbols"),
    ("\u3164\u3164\u3164\u3164\u3164\u3164\u3164\u3164\u3164\u3164", "only blank or invisible characters"),
    ("Will you pay us? Will you pay us? Will you pay us?", "The same sentence is written 3 times"),
    ("Will you pay nights?\nwill you pay NIGHTS!", "The same sentence is written 2 times"),
    (LONG, f"Write between 10 and 600 characters: this has {len(LONG)}."),
])
def test_a_demand_that_says_nothing_or_too_much_is_refused_and_nothing_stored(app, member, text, words):
    response = post_form(member, NEW_DEMAND, {**GOOD, "text": text})
    assert response.status_code == 400
    assert words in response.get_data(as_text=True)
    assert _count(app, Demand) == 0


def test_the_demand_form_leaves_the_limit_to_the_server(member):
    """No `maxlength`: a browser would cut a pasted demand short without a word."""
    page = member.get(NEW_DEMAND).get_data(as_text=True)
    assert "<textarea" in page and "maxlength" not in page and "minlength" not in page
    assert "Up to 600 characters" in page


def test_the_same_demand_twice_is_refused_the_second_time(app, member):
    assert post_form(member, NEW_DEMAND, GOOD).status_code == 302
    again = post_form(member, NEW_DEMAND, {**GOOD, "text": "will you heat the loading bay before december?  by when"
                                                              "?", "tier": "priority"})
    assert again.status_code == 400 and "You have already asked this" in again.get_data(as_text=True)
    assert _count(app, Demand) == 1
    assert post_form(member, NEW_DEMAND, {**GOOD, "text": "Will you heat the break room too? By when?"}
                     ).status_code == 302, "another question is another demand"
    assert _count(app, Demand) == 2


def test_editing_a_demand_into_another_of_ones_own_is_refused(app, member):
    post_form(member, NEW_DEMAND, GOOD)
    post_form(member, NEW_DEMAND, {**GOOD, "text": "Will nights be paid extra? From when?"})
    with app.app_context():
        first, second = db.session.scalars(sa.select(Demand).order_by(Demand.id)).all()
        second_id = second.id
    edit = f"/demands/{second_id}/edit"
    response = post_form(member, edit, {**GOOD, "text": GOOD["text"]})
    assert response.status_code == 400 and "You have already asked this" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Demand, second_id).text == "Will nights be paid extra? From when?"
    assert post_form(member, edit, {**GOOD, "text": "Will nights be paid extra? From when?",
                                    "tier": "priority"}).status_code == 302, "its own words may stay"


def test_direction_overrides_are_removed_from_a_demand(app, member):
    tricked = "Will you pay the \u202enoitaler\u202c night rate? From \u2067when\u2069?"
    assert post_form(member, NEW_DEMAND, {**GOOD, "text": tricked}).status_code == 302
    with app.app_context():
        assert db.session.scalars(sa.select(Demand.text)).one() == "Will you pay the noitaler night rate? From when?"


@pytest.mark.parametrize("data, words", [
    ({"text": "!!!!!!"}, "only punctuation or symbols"),
    ({"text": "Trained new hires. Trained new hires."}, "The same sentence is written 2 times"),
    ({"text": "x" * 501}, "Write between 5 and 500 characters: this has 501."),
    ({"year": "2999"}, "That year is still to come"),
])
def test_a_claim_that_says_nothing_or_is_dated_in_the_future_is_refused(app, member, data, words):
    response = post_form(member, "/my/profile", {"section": "performance", "year": "2024",
                                                 "text": "Trained the four newest hires on the sorter.", **data})
    assert response.status_code == 400 and words in response.get_data(as_text=True)
    assert _count(app, Claim) == 0
