"""One density, from `organizer.cards.density`, on every page that shows it: the
member's home page, the organizers' dashboard, the steward's unit page and the
strength card. On hand-built units of ten coworkers, six of them ticked as
members on the chart: one where four coworkers hold a valid union card (40%,
never the chart's 60%), and one with no card at all, which reads the chart
and says so."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from core.extensions import db
from organizer.cards import density, services as union_cards
from organizer.charting import unions
from organizer.charting.models import BargainingUnit, Person
from organizer.roles import Role
from tests import factories
from tests.organizer.cards.helpers import paper_card, set_words
from tests.organizer.strength.units import charted_unit

HEADCOUNT, TICKED, CARDS = 10, 6, 4


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _card_of(html: str, words: str) -> str:
    """The words of the card (section) holding `words`."""
    at = html.index(words)
    return _text(html[html.rindex("<section", 0, at):html.index("</section>", at)])


def _row_of(html: str, unit_name: str) -> str:
    """The words of the dashboard's row of this unit."""
    at = html.index(f">{unit_name}</a></th>")
    return _text(html[html.rindex("<tr", 0, at):html.index("</tr>", at)])


@dataclass(frozen=True)
class Units:
    carded_id: int
    uncarded_id: int
    union_id: int
    organizer: str
    steward: str
    member: str
    other_member: str


@pytest.fixture
def units(app) -> Units:
    with app.app_context():
        # charted_unit's eight, and the steward's and the member's own places on the chart.
        carded, organizer = charted_unit(HEADCOUNT - 2, members=TICKED)
        steward = factories.create_account(Role.STEWARD, unit=carded)
        member = factories.create_account(Role.MEMBER, unit=carded)
        union = carded.union
        uncarded = unions.create_unit(factories.OrganizerOf(union), union, "Yard")
        for n in range(HEADCOUNT - 1):
            factories.create_person(uncarded, is_member=n < TICKED)
        other_member = factories.create_account(Role.MEMBER, unit=uncarded)
        text = set_words(union)
        people = db.session.query(Person).filter_by(unit_id=carded.id).order_by(Person.id).all()
        ticked = [p for p in people if p.is_member]
        not_ticked = [p for p in people if not p.is_member]
        assert (len(people), len(ticked)) == (HEADCOUNT, TICKED)
        # Two cards from coworkers the chart ticks as members, two from coworkers it does not.
        for n, person in enumerate(ticked[:2] + not_ticked[:2]):
            paper_card(organizer, person, text, email=f"card{n}@example.net")
        db.session.commit()
        return Units(carded.id, uncarded.id, union.id, organizer.email, steward.email, member.email,
                     other_member.email)


def test_the_figure_counts_valid_cards_where_a_unit_has_them_and_the_chart_elsewhere(app_ctx, units):
    carded, uncarded = (db.session.get(BargainingUnit, i) for i in (units.carded_id, units.uncarded_id))
    with_cards, without = density.densities([carded, uncarded])
    assert (with_cards.counted, with_cards.headcount, with_cards.source) == (CARDS, HEADCOUNT,
                                                                              density.DensitySource.CARDS)
    assert with_cards.share == CARDS / HEADCOUNT
    assert (without.counted, without.headcount, without.source) == (TICKED, HEADCOUNT, density.DensitySource.CHART)
    assert union_cards.valid_card_count(uncarded) is None


def test_the_same_density_from_cards_on_all_four_pages(app, login, units):
    organizer = login(app.test_client(), units.organizer)
    dashboard = organizer.get(f"/unions/{units.union_id}").data.decode()
    strength = organizer.get(f"/units/{units.carded_id}/strength").data.decode()
    steward_page = login(app.test_client(), units.steward).get(f"/steward/units/{units.carded_id}").data.decode()
    home = login(app.test_client(), units.member).get("/").data.decode()

    shown = {
        "dashboard": _row_of(dashboard, "Warehouse"),
        "steward's unit page": _card_of(steward_page, "Headcount and density"),
        "member's home": _card_of(home, "Your unit:"),
    }
    for page, words in shown.items():
        assert "Density" in words or page == "dashboard", page
        assert "40%" in words and "from signed cards" in words, (page, words)
        assert "60%" not in words and "from the chart" not in words, (page, words)
    assert "Signed union cards 4" in shown["steward's unit page"] and "Signed union cards 4" in shown["member's home"]
    assert "Warehouse 10 4 40% from signed cards" in shown["dashboard"]
    figure = re.search(r"Density (\S+) (.{0,80})", _text(strength))
    assert figure is not None and figure.group(1) == "40%", "the strength card's density"
    assert figure.group(2).startswith("4 of the 10 coworkers on the chart hold a valid union card")


def test_a_unit_without_cards_says_its_density_is_from_the_chart(app, login, units):
    dashboard = login(app.test_client(), units.organizer).get(f"/unions/{units.union_id}").data.decode()
    assert "Yard 10 6 60% from the chart" in _row_of(dashboard, "Yard")
    home = _card_of(login(app.test_client(), units.other_member).get("/").data.decode(), "Your unit:")
    assert "Union members 6" in home and "60%" in home and "from the chart" in home
    assert "signed cards" not in home
