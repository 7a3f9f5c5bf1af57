"""The question bank and a ranking's results, in Chromium: an organizer starts
the standard bargaining survey and launches it in two clicks; members answer
(through the server, for speed: the booth's own path is test_rank_booth.py);
the results page shows the categories ordered by points, the scoring stated,
the counts by place and the intervals. Each page fits a 390 px phone and
passes axe; screenshots at 390 and 1280 px go to test-artifacts/e2e/<test>/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from core.extensions import db
from organizer.accounts import services as accounts
from organizer.roles import Role
from organizer.unit_surveys import services as unit_surveys
from surveys import ballot_box
from surveys.models import Survey, SurveyState
from tests import factories
from tests.e2e.test_booth import _shots, _sign_in
from tests.e2e.test_phone_width import Walk

pytestmark = pytest.mark.e2e

ORGANIZER = "organizer@example.org"
#: Each member's top three, as category indices (0 pay, 1 benefits, 2 scheduling, 3 security, 4 career ...).
RANKINGS = [[0, 2, 1], [0, 1], [2, 0, 3], [0], [1, 0, 2], [3, 2, 0]]


@pytest.fixture
def unit_id(app) -> int:
    with app.app_context():
        union = factories.create_union("Warehouse Workers United", units=("Warehouse associates",))
        unit = union.units[0]
        for i in range(len(RANKINGS)):
            factories.create_account(Role.MEMBER, unit=unit, email=f"picker{i}@example.org")
        factories.create_account(Role.ORGANIZER, union=union, email=ORGANIZER)
        db.session.commit()
        found = unit.id
        db.session.remove()
    return found


def test_an_organizer_launches_the_bargaining_survey_in_two_clicks_and_reads_the_ranking(
        app, browser, live_server, unit_id, screenshots):
    page = _sign_in(browser, live_server, ORGANIZER)
    walk = Walk(live_server, None)
    page.goto(f"{live_server}/units/{unit_id}/surveys")
    expect(page.get_by_role("heading", name="Standard surveys")).to_be_visible()
    _shots(page, screenshots, "1-standard-surveys")
    walk.check(page, "organizer", "the unit's surveys, with the question bank")

    page.get_by_role("button", name="Start a bargaining survey").click()  # the first click
    expect(page.get_by_role("heading", name=re.compile("Check, then launch: Bargaining priorities"))).to_be_visible()
    expect(page.get_by_role("combobox", name="Pay", exact=True)).to_be_disabled()  # the ranking, previewed
    _shots(page, screenshots, "2-preview")
    walk.check(page, "organizer", "the bargaining survey's preview")
    page.get_by_role("button", name=re.compile("^Launch: send it to")).click()  # the second
    expect(page.get_by_text("Launched to 6 members with accounts.")).to_be_visible()
    expect(page.get_by_text("(put in order, top 3, “can't say” offered)")).to_be_visible()  # the survey's page
    _shots(page, screenshots, "3-launched")
    walk.check(page, "organizer", "the bargaining survey, launched")

    with app.app_context():
        survey = db.session.scalars(db.select(Survey).where(Survey.state == SurveyState.OPEN)).one()
        survey_id = survey.id
        ranked, *scales, comment = survey.questions
        for ref, ranking in zip(sorted(unit_surveys.electorate(unit_surveys.unit_of(survey)).voters), RANKINGS):
            ballot_box.cast(survey, ref, {ranked.id: ranking, comment.id: "", **{s.id: 3 for s in scales}})
        organizer = accounts.find_account_by_email(ORGANIZER)
        unit_surveys.end_voting(organizer, survey)
        unit_surveys.tally_and_release(organizer, survey)
        db.session.commit()

    page.goto(f"{live_server}/surveys/{survey_id}/results")
    expect(page.get_by_text("Points (a Borda count): 1st place: 3 points · 2nd place: 2 points · 3rd place: "
                            "1 point.")).to_be_visible()
    rows = page.locator("table.rank-results tbody tr")
    # By hand: pay 3+3+2+3+2+1 = 14; scheduling 2+3+1+2 = 8; benefits 1+2+3 = 6; security 1+3 = 4.
    expect(rows.nth(0).locator("th")).to_have_text("1. Pay")
    expect(rows.nth(0).locator("td").first).to_have_text("14")
    expect(rows.nth(1).locator("th")).to_have_text("2. Scheduling and flexibility")
    expect(rows.nth(2).locator("th")).to_have_text("3. Benefits")
    expect(rows.nth(3).locator("th")).to_have_text("4. Job security and working conditions (incl. safety)")
    expect(rows.nth(0).locator("td.rank-places")).to_have_text("1st: 3 · 2nd: 2 · 3rd: 1")
    expect(rows.nth(0).locator("td.share")).to_have_text("100%")
    _shots(page, screenshots, "4-results")
    walk.check(page, "organizer", "a ranking's results")
    assert not walk.problems, "\n".join(walk.problems)
