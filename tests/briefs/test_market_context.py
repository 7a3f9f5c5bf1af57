"""A member's brief carries the released pay scale beside their pay demands (the pay
survey's, `organizer.unit_surveys.pay`), as anyone but the author would see it, since
coaches read the brief too; a brief with no released pay survey shows no market context."""

from __future__ import annotations

import re

from core.extensions import db
from ontology import Category
from organizer.accounts import services as accounts
from tests.briefs.conftest import make_coach_link
from tests.organizer.demands.test_pay_context import OTHER_DEMAND, PAY_DEMAND, PICKERS, _demand, _floor

ROLE_LINE = f"Pay in the role Picker: {PICKERS}"


def test_the_pay_demand_carries_the_released_scale_in_the_brief_its_downloads_and_for_its_coach(app, world, login):
    with app.app_context():
        _floor(world)
        own = accounts.find_account_by_email(world.member)
        _demand(own)
        _demand(own, OTHER_DEMAND, Category.SCHEDULING)
        db.session.commit()
    author = login(app.test_client(), world.member)
    page = author.get("/my/briefs/member").get_data(as_text=True)
    assert "Market context" in page and ROLE_LINE in page
    assert PICKERS in page.split(PAY_DEMAND)[1].split("</li>")[0]
    assert "Market:" not in page.split(OTHER_DEMAND)[1].split("</li>")[0], "only a pay demand carries pay"
    md = author.get("/my/briefs/member/brief.md").get_data(as_text=True)
    # Every role the pay rules let anyone see, the author's among them: the same for every pay demand.
    market = md.split("## Market context\n\n- ")[1].split("\n")[0]
    assert ROLE_LINE in market and "Pay in the role Packer: " in market
    # The coach reads the same line: what the pay rules let anyone see, never more.
    coach = login(app.test_client(), world.steward)
    coach.post(make_coach_link(author))
    brief_url = re.search(r'href="(/briefs/\d+)"', coach.get("/my/coaching").get_data(as_text=True)).group(1)
    assert ROLE_LINE in coach.get(brief_url).get_data(as_text=True)


def test_no_released_pay_survey_no_market_context(app, briefing, login):
    page = login(app.test_client(), briefing.member).get("/my/briefs/member").get_data(as_text=True)
    assert "Market context" not in page and "Market:" not in page
