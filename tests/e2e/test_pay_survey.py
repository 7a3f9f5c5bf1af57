"""A pay survey in Chromium, at 390 and 1280 px: the organizer starts the
standard one in two clicks and launches it (the launch page says who counts in
which role); a member answers it in the browser's booth, the pay question's 26
bands locked on the device like any other answer; the rest answer, the
organizer closes it; the results page shows each role's middle of the pay and
quarters; a member's pay demand is shown with their role's pay, to them, to the
steward and in the bargaining summary. Every page fits the window, with no
element past its edge, and passes axe (the checks of test_phone_width.py).
Screenshots of each page at both widths go to test-artifacts/e2e/<test>/."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from core.extensions import db
from organizer.accounts import services as accounts
from organizer.charting.models import BargainingUnit
from organizer.demands import services as demands
from organizer.demands.models import Basis, Category, DemandKind, Tier
from organizer.unit_surveys import pay
from surveys import ballot_box
from surveys.models import Survey, SurveyKind
from tests import factories
from tests.e2e.test_phone_width import Walk
from tests.organizer.unit_surveys import pay_helpers

pytestmark = pytest.mark.e2e

DEMAND = "Will you raise the pickers' base rate to $22 an hour? From when?"


@dataclass(frozen=True)
class Crew:
    pickers: tuple[str, ...]
    packers: tuple[str, ...]


@pytest.fixture
def crew(app, world) -> Crew:
    """Six pickers and five packers with accounts, and the world's member a sixth packer (who does not
    answer), settled in their roles; the first picker's pay demand."""
    with app.app_context():
        unit = db.session.get(BargainingUnit, world.unit_id)
        organizer = accounts.find_account_by_email(world.organizer)
        pay.declare_roles(organizer, unit, ("Picker", "Packer"))
        own = accounts.find_account_by_email(world.member)
        own.created_on = own.created_on.replace(year=own.created_on.year - 1)
        pay_helpers.choose(own, "Packer", days_ago=pay_helpers.LONG_AGO)
        pickers = [pay_helpers.member(unit, "Picker", email=f"picker{i}@example.org") for i in range(6)]
        packers = [pay_helpers.member(unit, "Packer", email=f"packer{i}@example.org") for i in range(5)]
        demands.create_demand(pickers[0], demands.DemandDetails(DemandKind.DEMAND, Tier.PRIORITY, Basis.COLLECTIVE,
                                                                Category.PAY, DEMAND))
        db.session.commit()
        return Crew(tuple(a.email for a in pickers), tuple(a.email for a in packers))


def _sign_in(browser, base: str, email: str) -> Page:
    page = browser.new_context(viewport={"width": 390, "height": 900}).new_page()
    page.goto(base + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base + "/")
    return page


def _answer_the_rest(app, survey_id: int, emails, band: int) -> None:
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        pay_question = pay.band_question(survey)
        for index, email in enumerate(emails):
            account = accounts.find_account_by_email(email)
            ballot_box.cast(survey, accounts.account_ref(account), {
                question.id: (band + index % 3 if question is pay_question else 1) for question in survey.questions})
        db.session.commit()


def test_a_pay_survey_from_two_clicks_to_pay_beside_a_demand(app, browser, live_server, world, crew, screenshots):
    walk = Walk(live_server, screenshots)
    organizer = _sign_in(browser, live_server, world.organizer)
    organizer.goto(f"{live_server}/units/{world.unit_id}/surveys")
    walk.check(organizer, "organizer", "unit surveys")
    organizer.get_by_role("button", name="Start the standard pay survey").click()  # click one
    expect(organizer.get_by_role("heading", name="Pay survey", exact=True)).to_be_visible()
    walk.check(organizer, "organizer", "pay survey draft")
    organizer.get_by_role("link", name="Preview and launch").click()
    expect(organizer.get_by_role("heading", name="Pay by role")).to_be_visible()
    expect(organizer.get_by_role("radio", name="$40 and over")).to_be_visible()
    walk.check(organizer, "organizer", "pay survey launch")
    organizer.get_by_role("button", name="Launch: send it to 12 members").click()  # click two
    expect(organizer.get_by_text("Launched to 12 members with accounts.")).to_be_visible()
    survey_id = int(organizer.url.rstrip("/").rsplit("/", 1)[1])

    # A picker answers in the booth: the bands are radio buttons like any single choice, locked on the device.
    picker = _sign_in(browser, live_server, crew.pickers[0])
    picker.goto(f"{live_server}/surveys/{survey_id}/answer")
    picker.get_by_role("radio", name="$21 to $22").check()
    picker.get_by_role("radio", name="3 up to 6 years").check()
    picker.get_by_role("radio", name="40 to 49 hours").check()
    expect(picker.get_by_text("Withdrawn by its author.")).to_have_count(0)
    walk.check(picker, "picker", "pay survey answer")
    picker.get_by_role("button", name="Lock my answers").click()
    expect(picker.get_by_role("heading", name="Your answers are locked")).to_be_visible(timeout=30_000)
    picker.get_by_role("button", name="Send my answers").click()
    expect(picker.get_by_role("heading", name="Your answers are in")).to_be_visible()

    _answer_the_rest(app, survey_id, crew.pickers[1:], band=5)
    _answer_the_rest(app, survey_id, crew.packers, band=2)
    organizer.goto(f"{live_server}/surveys/{survey_id}")
    organizer.once("dialog", lambda dialog: dialog.accept())
    organizer.get_by_role("button", name="Close now").click()
    expect(organizer.get_by_role("heading", name="How to read these figures")).to_be_visible()

    results = organizer
    rows = results.locator("table.pay-roles tbody tr")
    expect(rows.filter(has_text="Picker")).to_contain_text("$21 to $22 an hour")
    expect(rows.filter(has_text="Packer")).to_contain_text("$18 to $19 an hour")
    expect(results.get_by_text("Spread between roles:")).to_be_visible()
    walk.check(results, "organizer", "pay survey results")

    picker.goto(f"{live_server}/my/demands")
    card = picker.locator("article.demand", has_text=DEMAND)
    expect(card).to_contain_text("Pay in your role, Picker")
    expect(card).to_contain_text("Middle of the pay: $21 to $22 an hour.")
    walk.check(picker, "picker", "my demands")
    picker.goto(f"{live_server}/my/role")
    walk.check(picker, "picker", "my role")

    steward = _sign_in(browser, live_server, world.steward)
    steward.goto(f"{live_server}/units/{world.unit_id}/demands")
    expect(steward.locator("article.demand", has_text=DEMAND)).to_contain_text(
        "Pay in the role Picker")
    walk.check(steward, "steward", "unit demands")
    steward.goto(f"{live_server}/units/{world.unit_id}/summary")
    expect(steward.locator("table.summary tr", has_text=DEMAND)).to_contain_text(
        "Pay in the role Picker")
    walk.check(steward, "steward", "summary")
    organizer.goto(f"{live_server}/units/{world.unit_id}/surveys/pay")
    walk.check(organizer, "organizer", "new pay survey")
    assert not walk.problems, "\n".join(walk.problems)
    with app.app_context():
        assert db.session.get(Survey, survey_id).kind == SurveyKind.PAY
