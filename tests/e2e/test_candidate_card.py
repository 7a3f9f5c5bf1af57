"""A job seeker's card in a real browser, on a 390 px phone: someone in no union
signs up through the emailed link, says they are open to offers, weighs their
preferences, writes their experience (one naming an employer, and warned), asks
a dealbreaker question, pastes a job's requirements, maps them and shares the
card; an employer, in a second browser that is not signed in, opens the link,
narrows the experience down to the requirement they care about, and answers the
question; the candidate sees the answer beside it. Every page is also checked at
1280 px with the phone test's layout checks and axe-core (tests/e2e/test_phone_width.py).
LEVERAGE_SCREENSHOTS=<folder> keeps a screenshot of each page at both widths."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_phone_width import WIDTHS, Walk
from tests.factories import PASSWORD
from tests.organizer.notifications.builders import Outbox

pytestmark = pytest.mark.e2e

EMAIL = "open.to.offers@example.net"
DOCK = "Ran the night loading dock: planned the crew and the truck order"
SORTER = "Trained new hires on the sorter at Northwind Traders"
QUESTION = "Will you put the hourly pay in the offer letter?"
LISTING = "Requirements:\n- Two years leading a warehouse crew\n- Experience training new staff\n- Weekend availability"


class Journey:
    """Pages checked as they are reached, then put back at the phone's width the journey runs at."""

    def __init__(self, walk: Walk, screenshots: Path) -> None:
        self.walk, self.screenshots, self.shots = walk, screenshots, 0

    def check(self, page: Page, who: str, name: str) -> None:
        self.walk.check(page, who, name)
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        self.shots += 1
        page.screenshot(path=str(self.screenshots / f"{self.shots:02d}-{who}-{re.sub(r'[^a-z]+', '-', name)}.png"),
                        full_page=True)


def _phone(browser) -> Page:
    return browser.new_context(viewport={"width": WIDTHS[0], "height": 900}).new_page()


def _open_sign_up_link(candidate: Page, base: str, outbox: Outbox) -> None:
    path = re.search(r"/sign-up/\S+", outbox.to(EMAIL)[0].get_content()).group(0)
    candidate.goto(base + path)


def test_a_candidate_shares_a_card_an_employer_narrows_and_answers_it(browser, live_server, app, screenshots):
    folder = os.environ.get("LEVERAGE_SCREENSHOTS")
    journey = Journey(Walk(live_server, Path(folder) if folder else None), screenshots)
    base, outbox = live_server, Outbox(app)

    candidate = _phone(browser)
    candidate.goto(base + "/login")
    candidate.get_by_role("link", name="Make an account for your job search").click()
    journey.check(candidate, "candidate", "sign up")
    candidate.get_by_label("Personal email").fill(EMAIL)
    candidate.get_by_role("button", name="Send me the link").click()
    expect(candidate.get_by_role("heading", name="Check your email")).to_be_visible()
    _open_sign_up_link(candidate, base, outbox)
    candidate.get_by_label("Display name").fill("Open to offers")
    candidate.get_by_label("Personal email").fill(EMAIL)
    candidate.get_by_label("Password", exact=True).fill(PASSWORD)
    candidate.get_by_label("Repeat the password").fill(PASSWORD)
    journey.check(candidate, "candidate", "choose a name and a password")
    candidate.get_by_role("button", name="Create my account").click()
    expect(candidate.get_by_role("heading", name="Your job search")).to_be_visible()

    # The profile: looking status, then preferences added lightest first.
    candidate.get_by_role("radio", name=re.compile("^Open to offers")).check()
    candidate.get_by_role("button", name="Start my job search").click()
    for aspect, words, tier in [("Location", "East side of the river", "Nice to have"),
                                ("Lowest pay", "At least 27 an hour", "Dealbreaker")]:
        preferences = candidate.locator("#preferences")
        preferences.get_by_label("What it is about").select_option(label=aspect)
        preferences.get_by_label("Your preference").fill(words)
        preferences.get_by_role("radio", name=re.compile(f"^{tier}:")).check()
        preferences.get_by_role("button", name="Add").click()
        expect(candidate.get_by_text("Preference added.")).to_be_visible()
    journey.check(candidate, "candidate", "profile")

    # Experience: one names an employer, and is saved with a warning.
    candidate.get_by_role("navigation", name="Your job search").get_by_role("link", name="Experience").click()
    for what, years in [(DOCK, "3"), (SORTER, "2")]:
        candidate.get_by_label("What you did").fill(what)
        candidate.get_by_label("For how many years").fill(years)
        candidate.get_by_role("button", name="Add").click()
    expect(candidate.locator(".flash").filter(has_text="Northwind Traders")).to_be_visible()
    expect(candidate.locator(".notice").filter(has_text="Northwind Traders")).to_be_visible()
    journey.check(candidate, "candidate", "experience")

    candidate.get_by_role("navigation", name="Your job search").get_by_role("link", name="Your questions").click()
    candidate.get_by_label(re.compile("^Your precondition or question")).fill(QUESTION)
    candidate.get_by_role("radio", name=re.compile("^Dealbreaker:")).check()
    candidate.get_by_role("button", name="Add").click()
    journey.check(candidate, "candidate", "questions")

    # A job: its requirements pasted, two of three mapped, the card shared.
    candidate.get_by_role("navigation", name="Your job search").get_by_role("link", name="Jobs").click()
    candidate.get_by_label("The job, in your words").fill("Shift lead, parcel hub")
    candidate.get_by_label(re.compile("^The listing's requirements")).fill(LISTING)
    candidate.get_by_role("button", name="Add the job").click()
    expect(candidate.get_by_text("0 of 3 met by your experience")).to_be_visible()
    for number, experience, how in [(1, DOCK, "Led a crew of six for three years."),
                                    (2, SORTER, "Trained about 25 new hires a year.")]:
        requirement = candidate.locator("li.requirement").nth(number - 1)
        requirement.get_by_text("Map an experience to it").click()
        requirement.get_by_label("Experience that meets it").select_option(label=experience)
        requirement.get_by_label("How it meets it, in a sentence").fill(how)
        requirement.get_by_role("button", name="Map").click()
    expect(candidate.get_by_text("2 of 3 met by your experience")).to_be_visible()
    journey.check(candidate, "candidate", "job")
    candidate.get_by_role("radio", name="7 days").check()
    candidate.get_by_role("button", name="Make the link").click()
    link = candidate.locator("#card-link").input_value()
    journey.check(candidate, "candidate", "card link")

    # The employer: another browser, signed in nowhere.
    employer = _phone(browser)
    employer.goto(link)
    expect(employer.get_by_role("heading", name="Candidate's card")).to_be_visible()
    text = employer.locator("main").inner_text()
    assert text.index("Open to offers") < text.index("At least 27 an hour") < text.index("East side of the river")
    assert text.index("East side of the river") < text.index("Two years leading a warehouse crew")
    expect(employer.get_by_text("Not met: the candidate maps no experience to it.")).to_have_count(1)
    journey.check(employer, "employer", "card")
    employer.get_by_role("checkbox", name="Experience training new staff").check()
    employer.get_by_role("button", name="Show", exact=True).click()
    assert "need=" in employer.url
    experience = employer.get_by_role("heading", name="Experience that meets the requirements chosen").locator("..")
    expect(experience.get_by_text(SORTER)).to_be_visible()
    expect(experience.get_by_text(DOCK)).to_have_count(0)
    journey.check(employer, "employer", "card narrowed")
    ask = employer.locator(".ask").filter(has_text=QUESTION)
    ask.get_by_role("radio", name="Partly").check()
    ask.get_by_label("How (optional)").fill("Yes for the pay; the shifts change with the season.")
    ask.get_by_role("button", name="Send the answer").click()
    expect(employer.get_by_text("Thank you. The candidate sees your answer.")).to_be_visible()
    expect(employer.locator(".ask").filter(has_text=QUESTION).get_by_text("Your answer:")).to_be_visible()
    journey.check(employer, "employer", "card answered")

    # The candidate sees the answer beside the question, and that the card was opened.
    candidate.goto(link.split("/candidate-card/")[0] + "/candidate/jobs")
    candidate.get_by_role("link", name="Shift lead, parcel hub").click()
    answered = candidate.locator("#asks .item").filter(has_text=QUESTION)
    expect(answered.get_by_text("Partly")).to_be_visible()
    expect(answered.get_by_text("Yes for the pay; the shifts change with the season.")).to_be_visible()
    expect(candidate.get_by_text("opened 1 time")).to_be_visible()
    journey.check(candidate, "candidate", "job answered")
    assert not journey.walk.problems, f"{len(journey.walk.problems)} problems:\n" + "\n".join(journey.walk.problems)
