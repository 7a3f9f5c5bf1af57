"""A rank question in the booth, in Chromium at 390 px: a member answers the
question bank's stay interview, puts three reasons in order with the selects
beside them (one with the keyboard alone), is told in the page, before
anything is locked or sent, that two reasons cannot share a place; fixes it,
locks, checks the ballot (the page reads the ranking back in its order),
sends a fresh one, and gets the receipt. No request carries the ranking in the
clear (the reasons' words, the selects' names, the order as numbers), and the
tally at close holds exactly the order chosen. Every step fits a 390 px phone
and passes axe; screenshots at 390 and 1280 px go to test-artifacts/e2e/<test>/."""

from __future__ import annotations

import json
import re
import urllib.parse
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from core.extensions import db
from organizer.accounts import services as accounts
from organizer.roles import Role
from organizer.unit_surveys import services as unit_surveys
from surveys import ballot_box, results
from surveys.models import QuestionType, Survey
from tests import factories
from tests.e2e.test_booth import _shots, _sign_in, _skeleton, _variants
from tests.e2e.test_phone_width import Walk

pytestmark = pytest.mark.e2e

ORGANIZER = "organizer@example.org"
#: The order the member chooses: a flexible schedule first, training second, feedback third.
CHOSEN = ("A more flexible schedule", "Training", "Better feedback on my work")


@dataclass(frozen=True)
class StayInterview:
    survey_id: int
    member: str


@pytest.fixture
def stay_interview(app) -> StayInterview:
    with app.app_context():
        union = factories.create_union("Warehouse Workers United", units=("Warehouse associates",))
        unit = union.units[0]
        emails = [f"picker{i}@example.org" for i in range(6)]
        for email in emails:
            factories.create_account(Role.MEMBER, unit=unit, email=email)
        factories.create_account(Role.ORGANIZER, union=union, email=ORGANIZER)
        organizer = accounts.find_account_by_email(ORGANIZER)
        survey = unit_surveys.start_standard_survey(organizer, unit, "stay")
        unit_surveys.launch_for_unit(organizer, survey, device_encryption_required=True)
        db.session.commit()
        built = StayInterview(survey.id, emails[0])
        db.session.remove()
    return built


def _place(page: Page, reason: str):
    return page.get_by_role("combobox", name=reason, exact=True)


def test_a_member_ranks_three_reasons_in_the_booth_and_nothing_leaves_in_the_clear(
        app, browser, live_server, stay_interview, screenshots):
    s = stay_interview
    page = _sign_in(browser, live_server, s.member)
    sent: list[dict] = []
    page.context.on("request", lambda request: sent.append({
        "url": request.url, "method": request.method, "body": request.post_data_buffer or b""}))
    walk = Walk(live_server, None)
    page.goto(f"{live_server}/surveys/{s.survey_id}/answer")
    expect(page.get_by_role("button", name="Lock my answers")).to_be_visible()
    expect(page.get_by_text("Choose up to 3, in order")).to_be_visible()
    walk.check(page, "member", "a ranking: answering")

    # The keyboard alone: focus the reason's select and step down to its first place.
    schedule = _place(page, CHOSEN[0])
    schedule.focus()
    page.keyboard.press("ArrowDown")
    expect(schedule).to_have_value("1")
    _place(page, CHOSEN[1]).select_option(label="1st")  # the same place twice
    page.get_by_role("radio", name="4 · Agree").check()
    page.get_by_role("button", name="Lock my answers").click()
    refusal = page.get_by_text("Two options have the same place (1st): give each place to one option.")
    expect(refusal).to_be_visible()
    expect(page.get_by_role("heading", name="Locking your answers")).to_be_hidden()
    assert not [r for r in sent if r["method"] == "POST"], "a refused ranking is neither locked nor sent"
    # The focus is on the select to change: the later of the two given the same place.
    sharing = page.evaluate("[...document.querySelectorAll('#booth-form select')]"
                            ".filter((s) => s.value === '1').map((s) => s.name)")
    assert len(sharing) == 2 and page.evaluate("document.activeElement.name") == sharing[-1]
    _shots(page, screenshots, "1-same-place-refused")
    walk.check(page, "member", "a ranking: the same place twice")

    _place(page, CHOSEN[1]).select_option(label="2nd")
    _place(page, CHOSEN[2]).select_option(label="3rd")
    page.get_by_role("button", name="Lock my answers").click()
    expect(page.get_by_role("heading", name="Your answers are locked")).to_be_visible()
    expect(refusal).to_be_hidden()
    _shots(page, screenshots, "2-locked")
    walk.check(page, "member", "a ranking: locked")

    page.get_by_role("button", name="Check this ballot first").click()
    expect(page.get_by_text("the ballot held exactly the answers you chose")).to_be_visible()
    read_back = "; ".join(f"{place}: {reason}" for place, reason in zip(("1st", "2nd", "3rd"), CHOSEN))
    expect(page.locator("[data-check-answers]").get_by_text(read_back, exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Your answers, locked again")).to_be_visible()
    _shots(page, screenshots, "3-checked")
    walk.check(page, "member", "a ranking: checked")

    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", name="Your answers are in")).to_be_visible()
    _shots(page, screenshots, "4-receipt")
    walk.check(page, "member", "a ranking: the receipt")
    assert not walk.problems, "\n".join(walk.problems)

    _nothing_in_the_clear(app, s, live_server, sent)
    _the_tally_holds_the_order_chosen(app, s)


def _nothing_in_the_clear(app, s: StayInterview, base: str, sent: list[dict]) -> None:
    with app.app_context():
        survey = db.session.get(Survey, s.survey_id)
        ranked = next(q for q in survey.questions if q.type == QuestionType.RANK)
        order = [ranked.options.index(reason) for reason in CHOSEN]
    words = set().union(*(_variants(reason) for reason in CHOSEN))
    words |= {f"q{ranked.id}-", f"q{ranked.id}="}
    numbers = {json.dumps(order), json.dumps(order, separators=(",", ":")), ",".join(map(str, order))}
    posts = [r for r in sent if r["method"] == "POST"]
    assert [urllib.parse.urlsplit(r["url"]).path for r in posts] == [
        f"/surveys/{s.survey_id}/ballot/checked", f"/surveys/{s.survey_id}/ballot"]
    for request in sent:
        assert request["url"].startswith(base + "/"), request["url"]
        raw = request["body"].decode("utf-8", "replace")
        readable = request["url"] + (_skeleton(json.loads(raw)) if request["method"] == "POST" else raw)
        leaked = sorted(text for text in words | numbers if text in readable)
        assert not leaked, f"{request['method']} {request['url']} carries {leaked}"
        if request["method"] == "GET":
            assert not urllib.parse.urlsplit(request["url"]).query
    assert all(re.fullmatch(r"[A-Za-z0-9+/=]+", json.loads(r["body"]).get("payload", "A")) for r in posts)


def _the_tally_holds_the_order_chosen(app, s: StayInterview) -> None:
    """Four more members answer through the server (the same ranking each, with the scale at 3), the survey
    closes and releases: each cell of the ranking is theirs plus exactly the browser's order."""
    with app.app_context():
        survey = db.session.get(Survey, s.survey_id)
        ranked, scale, _ = survey.questions
        others = [ref for ref in sorted(unit_surveys.electorate(unit_surveys.unit_of(survey)).voters)
                  if not ballot_box.has_answered(survey, ref)][:4]
        for ref in others:
            ballot_box.cast(survey, ref, {ranked.id: [5], scale.id: 3})
        organizer = accounts.find_account_by_email(ORGANIZER)
        unit_surveys.end_voting(organizer, survey)
        db.session.commit()
        unit_surveys.tally_and_release(organizer, survey)
        db.session.commit()
        counts = results.counts_by_option(ranked, results.released(survey).whole.counts_for(ranked))
        expected = [[0, 0, 0] for _ in ranked.options]
        for place, reason in enumerate(CHOSEN):
            expected[ranked.options.index(reason)][place] += 1
        expected[5][0] += len(others)
        assert [list(row) for row in counts] == expected
