"""The negotiation brief in a real browser, each page at 390 px and 1280 px with the phone
test's layout checks and axe-core (tests/e2e/test_phone_width.py): a member goes from
"Your demands" to "Get ready for the meeting", writes their walk-away point and a planned
answer, adds a worst case of their own, makes a coaching link; a coworker opens it,
accepts, reads the brief and comments; the member sees the comment and stops the
coaching, and the coworker's next look finds nothing. LEVERAGE_SCREENSHOTS=<folder>
keeps a screenshot of each page at both widths."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.briefs.conftest import COACH_NAME, HEATERS, briefing  # noqa: F401 - the fixture, shared with tests/briefs
from tests.e2e.test_phone_width import WIDTHS, Walk
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e


def _sign_in(browser, base: str, email: str):
    page = browser.new_context(viewport={"width": WIDTHS[0], "height": 900}).new_page()
    page.goto(base + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base + "/")
    return page


def test_a_member_builds_a_brief_a_coach_comments_and_the_member_stops_the_coaching(browser, live_server, briefing):
    folder = os.environ.get("LEVERAGE_SCREENSHOTS")
    walk = Walk(live_server, Path(folder) if folder else None)
    base = live_server

    member = _sign_in(browser, base, briefing.member)
    member.get_by_role("navigation", name="Main").get_by_role("link", name="Your demands").click()
    member.get_by_role("link", name="Get ready for the meeting").click()
    expect(member.get_by_role("heading", name="Get ready for the meeting", level=1)).to_be_visible()
    assert member.get_by_label("What to ask for first").input_value().startswith(f"1. {HEATERS}")
    walk.check(member, "member", "the brief, suggested")
    member.get_by_label("Your walk-away point").fill("Nothing below $21 an hour, and the heaters fixed by November.")
    member.get_by_label("They want an answer now").fill("Say I will answer after talking with the unit.")
    member.get_by_role("button", name="Save your brief").click()
    expect(member.get_by_text("Your brief is saved.")).to_be_visible()
    member.get_by_label("Another worst case").fill("They ask who else is asking.")
    member.get_by_label("What you will say or do").fill("Say it is the whole unit, and stop there.")
    member.get_by_role("button", name="Add it").click()
    expect(member.get_by_text("Worst case added.")).to_be_visible()
    walk.check(member, "member", "the brief, saved")
    member.get_by_role("button", name="Make a coaching link").click()
    expect(member.get_by_role("heading", name="Your coaching link")).to_be_visible()
    walk.check(member, "member", "the coaching link")
    link = member.get_by_label("The link (shown only now; Leverage keeps no copy)").input_value()

    coach = _sign_in(browser, base, briefing.coach)
    coach.goto(link)
    walk.check(coach, "coach", "the invitation")
    coach.get_by_role("button", name="Accept and read the brief").click()
    expect(coach.get_by_text("You are now a coach of this brief.")).to_be_visible()
    expect(coach.get_by_text("Nothing below $21 an hour, and the heaters fixed by November.")).to_be_visible()
    expect(coach.get_by_text("Say it is the whole unit, and stop there.")).to_be_visible()
    coach.get_by_label("Your comment").fill("Lead with the heaters: it is a safety matter, and they know it.")
    coach.get_by_role("button", name="Add the comment").click()
    expect(coach.get_by_text("Comment added.")).to_be_visible()
    walk.check(coach, "coach", "the brief coached, with a comment")
    brief_page = coach.url
    coach.goto(base + "/my/coaching")
    walk.check(coach, "coach", "briefs you coach")

    member.goto(base + "/my/briefs/member")
    expect(member.get_by_text("Lead with the heaters: it is a safety matter, and they know it.")).to_be_visible()
    expect(member.get_by_text(COACH_NAME).first).to_be_visible()
    walk.check(member, "member", "the brief, coached")
    member.once("dialog", lambda dialog: dialog.accept())
    member.get_by_role("button", name="Stop coaching").click()
    expect(member.get_by_text("Stopped. That link or coach can no longer open your brief.")).to_be_visible()
    expect(member.get_by_text("Lead with the heaters: it is a safety matter, and they know it.")).to_be_visible()

    response = coach.goto(brief_page)
    assert response.status == 404
    expect(coach.get_by_text("There is no brief here for you.")).to_be_visible()
    walk.check(coach, "coach", "the brief after the coaching stopped")
    assert not walk.problems, "\n".join(walk.problems)
