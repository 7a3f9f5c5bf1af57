"""Density and the strength tier from valid union cards, on hand-built units: a
unit with cards counts the coworkers on its chart who hold a valid one (the
chart's member ticks no longer count; withdrawn cards and cards of coworkers
who left the chart do not count), and its strength card says so. A unit with
no card at all reads exactly as before."""

from __future__ import annotations

import re
from datetime import date

from core.extensions import db
from organizer.accounts import coworkers
from organizer.accounts import services as accounts
from organizer.cards import services
from organizer.charting import unions
from organizer.charting.models import BargainingUnit, Person
from organizer.roles import Role
from organizer.strength import metrics
from organizer.strength.card import CARD_DENSITY_TERM
from tests import factories
from tests.organizer.cards.helpers import paper_card, set_words
from tests.organizer.strength.units import charted_unit


def _people(unit) -> list[Person]:
    return sorted(db.session.query(Person).filter_by(unit_id=unit.id).all(), key=lambda p: p.id)


def _page(app, strength) -> str:
    with app.test_request_context():
        html = str(app.jinja_env.get_template("_macros/context.html").module.strength_card(strength))
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_without_cards_density_and_tier_read_the_chart_as_before(app_ctx, app):
    unit, _ = charted_unit(10, members=6)
    set_words(unit.union)  # words alone are not a card
    result = metrics.unit_strength(unit)
    assert services.valid_card_count(unit) is None
    assert (result.members, result.headcount, result.members_from_cards) == (6, 10, False)
    assert result.tier == metrics.StrengthTier.MAJORITY
    assert result.rests_on.source is metrics.EvidenceSource.MEMBERSHIP
    density = next(f for f in result.card.figures if f.name == "Density")
    assert density.detail == "6 members of the 10 coworkers on the chart" and density.term != CARD_DENSITY_TERM
    assert "union card" not in _page(app, result)


def test_valid_cards_replace_the_member_ticks(app_ctx, app):
    unit, organizer = charted_unit(10, members=8)   # eight ticked as members ...
    text = set_words(unit.union)
    people = _people(unit)
    for person in people[:4]:                     # ... but only four cards, two of them from ticked people
        paper_card(organizer, person, text, signed_on=date(2026, 10, 1))
    result = metrics.unit_strength(unit)
    assert (result.members, result.headcount, result.members_from_cards) == (4, 10, True)
    assert result.density == 0.4
    assert result.tier == metrics.StrengthTier.SHOWING_OF_INTEREST
    assert result.rests_on.source is metrics.EvidenceSource.UNION_CARDS
    card = result.card
    assert card.rests_on == "4 of the 10 coworkers on the chart hold a valid union card — 40% of the unit"
    density = next(f for f in card.figures if f.name == "Density")
    assert (density.value, density.term) == ("40%", CARD_DENSITY_TERM)
    assert "4 of the 10 coworkers on the chart hold a valid union card" in density.detail
    assert ("Density", density.line) in card.lines(), "the exports say so too"
    page = _page(app, result)
    assert "hold a valid union card" in page and "40%" in page


def test_withdrawn_cards_and_cards_of_coworkers_who_left_do_not_count(app_ctx):
    unit, organizer = charted_unit(10)
    text = set_words(unit.union)
    people = _people(unit)
    cards = [paper_card(organizer, person, text, email=f"p{n}@example.net") for n, person in enumerate(people[:7])]
    assert metrics.unit_strength(unit).tier == metrics.StrengthTier.SUPERMAJORITY   # 7 of 10
    # Only a signer withdraws: a coworker with an account (an eleventh on the chart) withdraws theirs.
    signer = factories.create_account(Role.MEMBER, unit=unit)
    member_card = paper_card(organizer, coworkers.person_of(signer), text)
    services.withdraw(signer, member_card)
    assert metrics.unit_strength(unit).members == 7, "a withdrawn card does not count"
    # Someone who left the chart takes their card's count with them (the card stays on file).
    coworkers.remove_person(organizer, people[0])
    result = metrics.unit_strength(unit)
    assert (result.members, result.headcount) == (6, 10)
    assert result.tier == metrics.StrengthTier.MAJORITY
    assert len(services.unit_cards(organizer, unit).valid) == 7
    assert cards[0].is_valid


def test_a_unit_whose_cards_were_all_withdrawn_reads_zero_not_the_ticks(app_ctx):
    unit, organizer = charted_unit(4, members=4)
    text = set_words(unit.union)
    signer = factories.create_account(Role.MEMBER, unit=unit)
    services.withdraw(signer, paper_card(organizer, coworkers.person_of(signer), text))
    result = metrics.unit_strength(unit)
    assert (result.members, result.members_from_cards, result.tier) == (0, True, metrics.StrengthTier.BUILDING)


def test_cards_count_per_unit(app_ctx):
    unit, organizer = charted_unit(5)
    union = unit.union
    sibling = unions.create_unit(organizer, union, "Sibling")
    text = set_words(union)
    for person in _people(unit)[:3]:
        paper_card(organizer, person, text)
    other = factories.create_person(sibling, "Only In Sibling")
    assert services.valid_card_count(unit) == 3
    assert services.valid_card_count(sibling) is None
    paper_card(organizer, other, text)
    assert services.valid_card_count(sibling) == 1 and services.valid_card_count(unit) == 3


def test_the_strength_page_says_density_comes_from_cards(app, client, world, login):
    login(client, world.organizer)
    before = client.get(f"/units/{world.unit_id}/strength").get_data(as_text=True)
    assert "members of the" in before and "valid union card" not in before
    with app.app_context():
        unit = db.session.get(BargainingUnit, world.unit_id)
        organizer = accounts.find_account_by_email(world.organizer)
        paper_card(organizer, db.session.get(Person, world.person_id), set_words(unit.union))
        db.session.commit()
        headcount = len(_people(unit))
    after = client.get(f"/units/{world.unit_id}/strength").get_data(as_text=True)
    assert f"1 of the {headcount} coworkers on the chart holds a valid union card" in after
