"""The bar at the top of every page, in a real browser: the places each role works
in, the page one is on marked among them, and the account menu under one's name
that holds the password, deletion and signing out (a <details>, so it opens
without the script; the script closes it on Escape and on a click elsewhere)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e

ACCOUNT_LINKS = ["Change your password", "Delete your account"]


def _sign_in(browser, base: str, email: str, width: int = 390):
    page = browser.new_context(viewport={"width": width, "height": 800}).new_page()
    page.goto(base + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base + "/")
    return page


@pytest.mark.parametrize("role, places", [
    ("organizer", ["Home", "Organizing", "Union cards", "Surveys"]),
    ("steward", ["Home", "Your unit", "Surveys"]),
    ("member", ["Home", "Your demands", "Your union card", "Surveys"]),
])
def test_the_bar_shows_each_role_its_places_and_keeps_the_account_in_its_menu(
        browser, live_server, world, role, places):
    page = _sign_in(browser, live_server, getattr(world, role))
    bar = page.get_by_role("navigation", name="Main")
    expect(bar.get_by_role("link")).to_have_text(places)
    for words in ACCOUNT_LINKS:
        expect(bar.get_by_role("link", name=words)).to_have_count(0)
        expect(page.get_by_role("link", name=words)).to_be_hidden()  # inside the closed menu
    expect(bar.get_by_role("link", name="Home")).to_have_attribute("aria-current", "page")

    bar.get_by_role("link", name=places[1]).click()
    expect(bar.get_by_role("link", name=places[1])).to_have_attribute("aria-current", "page")
    expect(bar.locator("[aria-current]")).to_have_count(1)

    menu = page.locator("details.account-menu")
    menu.locator("summary").click()
    for words in ACCOUNT_LINKS:
        expect(menu.get_by_role("link", name=words)).to_be_visible()
    expect(menu.get_by_role("button", name="Sign out")).to_be_visible()
    menu.get_by_role("link", name="Change your password").click()
    expect(page.get_by_role("heading", name="Change your password")).to_be_visible()
    expect(bar.locator("[aria-current]")).to_have_count(0)
    page.context.close()


def test_the_account_menu_closes_as_a_menu_does(browser, live_server, world):
    page = _sign_in(browser, live_server, world.member, width=1280)
    menu = page.locator("details.account-menu")
    summary = menu.locator("summary")
    summary.focus()
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("open", "")
    page.keyboard.press("Tab")
    expect(menu.get_by_role("link", name="Change your password")).to_be_focused()
    page.keyboard.press("Escape")
    expect(menu).not_to_have_attribute("open", "")
    expect(summary).to_be_focused()

    summary.click()
    expect(menu).to_have_attribute("open", "")
    page.get_by_role("heading", level=1).click()
    expect(menu).not_to_have_attribute("open", "")

    menu.locator("summary").click()
    menu.get_by_role("button", name="Sign out").click()
    page.wait_for_url(live_server + "/login")
    page.context.close()
