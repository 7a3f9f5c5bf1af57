"""Union cards in a real browser, each page at 390 px and 1280 px with the phone
test's layout checks and axe-core (tests/e2e/test_phone_width.py): a member reads
the card, types their details and signature, checks them on the second screen
and presses "I sign this card", sees their card, and withdraws it; an organizer
writes the words, finds a coworker with a 120-letter name and records their
paper card, reads the unit's cards, and downloads the PDF past the warning.
LEVERAGE_SCREENSHOTS=<folder> keeps a screenshot of each page at both widths."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from core.extensions import db
from organizer.charting.models import BargainingUnit
from tests import factories
from tests.e2e.test_phone_width import LONG_WORD, WIDTHS, Walk
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e


@pytest.fixture
def long_named(app, world) -> int:
    with app.app_context():
        person = factories.create_person(db.session.get(BargainingUnit, world.unit_id), LONG_WORD,
                                         email="forklift@example.net")
        db.session.commit()
        return person.id


def _sign_in(browser, base: str, email: str):
    page = browser.new_context(viewport={"width": WIDTHS[0], "height": 900}).new_page()
    page.goto(base + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base + "/")
    return page


def test_union_cards_signed_recorded_and_exported_fit_every_width(browser, live_server, world, long_named):
    folder = os.environ.get("LEVERAGE_SCREENSHOTS")
    walk = Walk(live_server, Path(folder) if folder else None)
    base = live_server

    organizer = _sign_in(browser, base, world.organizer)
    organizer.get_by_role("navigation", name="Main").get_by_role("link", name="Union cards").click()
    walk.check(organizer, "organizer", "union cards, no words yet")
    organizer.get_by_role("link", name="Write the card").click()
    organizer.get_by_label("The card's words").fill(
        "I want Harbor Workers United to represent me in bargaining with Portside Logistics over pay, hours "
        "and working conditions.\n\nI know I can withdraw this card.")
    walk.check(organizer, "organizer", "the card's words")
    organizer.get_by_role("button", name="Save the words").click()
    expect(organizer.get_by_text("Saved as version 1.")).to_be_visible()
    walk.check(organizer, "organizer", "union cards")

    member = _sign_in(browser, base, world.member)
    member.get_by_role("navigation", name="Main").get_by_role("link", name="Your union card").click()
    walk.check(member, "member", "the card, to sign")
    member.get_by_label("Your full legal name", exact=True).fill("Philomena Quartermaine-Obuya")
    member.get_by_label("Your personal email").fill("philomena.obuya@example.net")
    member.get_by_label("Your personal phone").fill("+1 555 0142 8831")
    member.get_by_label("Your signature: type your full legal name again").fill("Philomena Quartermaine")
    member.get_by_role("button", name="Next: check and sign").click()
    expect(member.get_by_text("Your signature must be your full legal name")).to_be_visible()
    walk.check(member, "member", "the card, signature refused")
    member.get_by_label("Your signature: type your full legal name again").fill("philomena quartermaine-obuya")
    member.get_by_role("button", name="Next: check and sign").click()
    expect(member.get_by_role("heading", name="Step 2 of 2: check and sign")).to_be_visible()
    walk.check(member, "member", "the second screen")
    member.get_by_role("button", name="I sign this card").click()
    expect(member.get_by_text("Your union card is signed.")).to_be_visible()
    walk.check(member, "member", "the signed card")
    member.get_by_role("link", name="Withdraw my card").click()
    walk.check(member, "member", "withdraw the card?")
    member.get_by_role("button", name="Withdraw my card").click()
    expect(member.get_by_text("Your card is withdrawn.")).to_be_visible()
    walk.check(member, "member", "the card, withdrawn")

    organizer.goto(f"{base}/units/{world.unit_id}/cards")
    organizer.get_by_label("Coworker's name").fill("forklift")
    organizer.get_by_role("button", name="Find on the chart").click()
    walk.check(organizer, "organizer", "the unit's cards, a search")
    organizer.get_by_role("link", name="record").first.click()
    organizer.get_by_label("Date on the card").fill("2026-10-02")
    organizer.get_by_label("I have this paper card").check()
    walk.check(organizer, "organizer", "a paper card")
    organizer.get_by_role("button", name="Record the paper card").click()
    expect(organizer.get_by_text("Paper card recorded")).to_be_visible()
    walk.check(organizer, "organizer", "the unit's cards")
    organizer.get_by_role("link", name="PDF, one card a page").click()
    walk.check(organizer, "organizer", "the export's warning")
    organizer.get_by_label("I understand").check()
    with organizer.expect_download() as download:
        organizer.get_by_role("button", name="Download the PDF").click()
    assert download.value.suggested_filename.endswith(".pdf")

    assert walk.pages_checked == 13
    assert not walk.problems, f"{len(walk.problems)} problems:\n" + "\n".join(walk.problems)
