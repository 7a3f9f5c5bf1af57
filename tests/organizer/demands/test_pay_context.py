"""A pay demand shown with released pay: to its author, their own role's ("Pay
in your role"); to stewards, in the bargaining summary and its Markdown and CSV,
the same lines beside every pay demand whoever raised it (each role that may be
named, never a name the author did not give); the whole unit's pay instead where
no role's may be, or where naming one would narrow someone below k."""

from __future__ import annotations

import csv
import io

import pytest

from core.extensions import db
from organizer.accounts import services as accounts
from organizer.charting.models import BargainingUnit
from organizer.demands import services as demands
from organizer.demands.models import Basis, Category, DemandKind, Tier
from tests.organizer.unit_surveys import pay_helpers

PAY_DEMAND = "Will you raise the picking rate to match the other warehouses? From when?"
OTHER_DEMAND = "Will you post the schedule two weeks ahead? Starting when?"

#: What the pickers answer (bands 4..9: $19 to $25), and the packers (bands 1..3).
PICKER_BANDS = [4, 5, 5, 6, 7, 8, 9]
PACKER_BANDS = [1, 2, 2, 3, 3, 3, 3]
#: The pickers' quartiles by hand: answers 2, 4 and 6 of seven, in bands 5, 6 and 8: under $21, $21 to $22, $23.
PICKERS = "Middle of the pay: $21 to $22 an hour. Top quarter starts at $23 an hour. 7 answered."


def _floor(world, *, own_role: str = "Picker", packers_answering: int = 7) -> dict[str, list[int]]:
    """The world's unit with six pickers and six packers, and its own member settled in `own_role`
    (the first of them), and a released pay survey they answered: every picker, and the first
    `packers_answering` packers."""
    unit = db.session.get(BargainingUnit, world.unit_id)
    organizer = accounts.find_account_by_email(world.organizer)
    people = pay_helpers.crew(unit, {"Picker": 6, "Packer": 6}, organizer=organizer)
    own = accounts.find_account_by_email(world.member)
    own.created_on = own.created_on.replace(year=own.created_on.year - 1)
    pay_helpers.choose(own, own_role, days_ago=pay_helpers.LONG_AGO)
    people[own_role].insert(0, own)
    answers = dict(zip(people["Picker"], PICKER_BANDS, strict=False))
    answers |= dict(zip(people["Packer"][:packers_answering], PACKER_BANDS, strict=False))
    pay_helpers.released_pay_survey(organizer, unit, answers)
    return {role: [account.id for account in members] for role, members in people.items()}


def _demand(author, text: str = PAY_DEMAND, category: Category = Category.PAY):
    return demands.create_demand(author, demands.DemandDetails(DemandKind.DEMAND, Tier.PRIORITY, Basis.COLLECTIVE,
                                                               category, text))


@pytest.fixture
def released(app, world):
    with app.app_context():
        ids = _floor(world)
        own = accounts.find_account_by_email(world.member)
        _demand(own)
        _demand(own, OTHER_DEMAND, Category.SCHEDULING)
        db.session.commit()
    return ids


def _card(page: str, text: str) -> str:
    return page.split(text)[1].split("</article>")[0]


def test_the_author_sees_their_roles_pay_beside_their_pay_demand(client, world, login, released):
    login(client, world.member)
    page = client.get("/my/demands").get_data(as_text=True)
    card = _card(page, PAY_DEMAND)
    assert "Pay in your role, Picker" in card and PICKERS in card
    assert "Pay in" not in _card(page, OTHER_DEMAND), "only a pay demand carries pay"


def test_a_steward_sees_every_named_roles_pay_and_never_the_authors_name(client, world, login, released):
    login(client, world.steward)
    page = client.get(f"/units/{world.unit_id}/demands").get_data(as_text=True)
    card = _card(page, PAY_DEMAND)
    assert "Pay in the role Picker" in card and PICKERS in card and "Pay in the role Packer" in card
    assert "Pay in your role" not in card
    assert "not attributed" in card and world.member not in card


def _pay_lines(page: str, text: str) -> list[str]:
    card = _card(page, text)
    return [part.split("</")[0] for part in card.split("Pay in the role ")[1:]]


def test_the_pay_beside_a_demand_says_nothing_of_who_raised_it(app, client, world, login, released):
    """A packer's demand and a picker's show the same pay to a steward, and a picker made packer
    later changes nothing: "Picker" in one summary and "Packer" the next would name them."""
    packer_demand = "Will packers get the same rate as pickers? From when?"
    with app.app_context():
        _demand(db.session.get(accounts.Account, released["Packer"][0]), packer_demand)
        db.session.commit()
    login(client, world.steward)
    page = client.get(f"/units/{world.unit_id}/demands").get_data(as_text=True)
    before = _pay_lines(page, PAY_DEMAND)
    assert len(before) == 2 and _pay_lines(page, packer_demand) == before
    with app.app_context():
        pay_helpers.choose(accounts.find_account_by_email(world.member), "Packer", days_ago=1)
        db.session.commit()
    page = client.get(f"/units/{world.unit_id}/demands").get_data(as_text=True)
    assert _pay_lines(page, PAY_DEMAND) == before


def test_the_summary_and_its_downloads_carry_the_roles_pay(app, client, world, login, released):
    login(client, world.steward)
    page = client.get(f"/units/{world.unit_id}/summary").get_data(as_text=True)
    row = page.split(PAY_DEMAND)[1].split("</tr>")[0]
    assert "Pay in the role Picker" in row and PICKERS in row and "Pay in the role Packer" in row

    markdown = client.get(f"/units/{world.unit_id}/summary.md").get_data(as_text=True)
    item = markdown.split(PAY_DEMAND)[1].split("\n1. ")[0]
    assert "Pay in the role Picker: Middle of the pay: $21 to $22 an hour" in item

    rows = list(csv.DictReader(io.StringIO(client.get(f"/units/{world.unit_id}/summary.csv").get_data(as_text=True))))
    by_text = {row["text"]: row for row in rows}
    assert f"Pay in the role Picker: {PICKERS}" in by_text[PAY_DEMAND]["pay_in_role"]
    assert "Pay in the role Packer: " in by_text[PAY_DEMAND]["pay_in_role"]
    assert by_text[OTHER_DEMAND]["pay_in_role"] == ""

    # The PDF is drawn from the same summary, its pay items' text with their pay beneath.
    from organizer.bargaining import exports, summary

    with app.test_request_context():
        unit = db.session.get(BargainingUnit, world.unit_id)
        built = summary.build(accounts.find_account_by_email(world.steward), unit)
        [(demand_id, context)] = built.pay.items()
        assert built.items[[item.demand.id for item in built.items].index(demand_id)].demand.text == PAY_DEMAND
        packers, pickers = context.text_lines()
        assert packers.startswith("Pay in the role Packer: Middle of the pay: ")
        assert pickers == f"Pay in the role Picker: {PICKERS}"
        assert exports.to_pdf(built).startswith(b"%PDF")


def test_the_pdf_is_made_again_when_pay_beside_its_items_changes(app, world, released):
    from organizer.bargaining import downloads, prepared
    from organizer.strength import metrics

    with app.test_request_context():
        unit = db.session.get(BargainingUnit, world.unit_id)
        stored = prepared.stored_or_ranked(unit)
        before = downloads.fingerprint(stored, metrics.unit_strength(unit), "en")
        # Four pickers take another role: "Picker" may no longer be named beside anyone's demand.
        for account_id in released["Picker"][1:5]:
            pay_helpers.choose(db.session.get(accounts.Account, account_id), "Packer", days_ago=1)
        assert downloads.fingerprint(stored, metrics.unit_strength(unit), "en") != before


def test_a_withheld_role_shows_the_whole_units_pay_and_to_its_author_why(app, client, world, login):
    with app.app_context():
        # Three packers answer (the world's member among them): too few, and the pickers are the rest.
        _floor(world, own_role="Packer", packers_answering=3)
        _demand(accounts.find_account_by_email(world.member))
        db.session.commit()
    login(client, world.steward)
    card = _card(client.get(f"/units/{world.unit_id}/demands").get_data(as_text=True), PAY_DEMAND)
    assert "Pay across the unit (every role)" in card and "9 answered" in card
    assert "Packer" not in card and "Picker" not in card
    author = login(app.test_client(), world.member)
    card = _card(author.get("/my/demands").get_data(as_text=True), PAY_DEMAND)
    assert "Your role, Packer, is not shown on its own" in card
    assert "Pay across the unit (every role)" in card and "Pay in your role" not in card


def test_no_role_is_named_where_the_rest_would_be_fewer_than_k(app, client, world, login, released):
    """After the release, three packers say they are pickers now: three packers are fewer than k, and
    naming "Picker" beside the pickers' demands would leave the unnamed ones to those three."""
    with app.app_context():
        for account_id in released["Packer"][:3]:
            pay_helpers.choose(db.session.get(accounts.Account, account_id), "Picker", days_ago=1)
        packer = db.session.get(accounts.Account, released["Packer"][5])
        _demand(packer, "Will packers get the same rate as pickers? From when?")
        db.session.commit()
    login(client, world.steward)
    page = client.get(f"/units/{world.unit_id}/demands").get_data(as_text=True)
    for text in (PAY_DEMAND, "Will packers get the same rate as pickers? From when?"):
        card = _card(page, text)
        assert "Pay across the unit (every role)" in card
        assert "Picker" not in card and "Packer" not in card
    # The author still sees their own role's released pay: it is theirs.
    author = login(app.test_client(), world.member)
    assert "Pay in your role, Picker" in _card(author.get("/my/demands").get_data(as_text=True), PAY_DEMAND)
