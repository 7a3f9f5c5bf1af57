"""The journey a union lives through, in a real browser: an organizer charts a
coworker and invites them; the invitee joins, writes a demand and asks
coworkers to back it; the organizer sends the endorsement survey and launches a
pulse; members answer both; the organizer closes them; the new member sees the
demand with its collective context; the steward records the employer's answer
and downloads the bargaining summary as PDF. Screenshots of every page, and the
PDF, land in test-artifacts/e2e/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e

class Journey:
    def __init__(self, browser, base: str, folder) -> None:
        self.browser, self.base, self.folder, self.shot = browser, base, folder, 0

    def page(self):
        context = self.browser.new_context(viewport={"width": 1000, "height": 800})
        return context.new_page()

    def snap(self, page, name: str) -> None:
        self.shot += 1
        page.screenshot(path=str(self.folder / f"{self.shot:02d}-{name}.png"), full_page=True)

    def sign_in(self, email: str, password: str = PASSWORD):
        page = self.page()
        page.goto(self.base + "/login")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(self.base + "/")
        return page


def test_organize_invite_survey_and_release(browser, live_server, screenshots, world, crowd):
    journey = Journey(browser, live_server, screenshots)

    organizer = journey.sign_in(world.organizer)
    journey.snap(organizer, "organizer-home")
    organizer.get_by_role("link", name="Harbor Workers United").click()
    journey.snap(organizer, "union-dashboard")
    organizer.get_by_role("link", name="Dock crew").first.click()
    organizer.get_by_role("link", name="Add a coworker").click()
    organizer.get_by_label("Name").fill("Robin Newhire")
    organizer.get_by_label("Department").select_option(label="Loading")
    organizer.get_by_label("Assessment").select_option(value="2")
    journey.snap(organizer, "add-coworker")
    organizer.get_by_role("button", name="Add to chart").click()
    expect(organizer.get_by_text("Robin Newhire is on the chart.")).to_be_visible()
    journey.snap(organizer, "chart")

    organizer.get_by_role("row", name=re.compile("Robin Newhire")).get_by_role("link", name="Invite").click()
    organizer.get_by_label("Role").select_option(value="member")
    organizer.get_by_role("button", name="Make invitation link").click()
    link = organizer.locator("#invite-link").input_value()
    assert "/invite/" in link
    journey.snap(organizer, "invitation-link")

    invitee = journey.page()
    invitee.goto(link)
    journey.snap(invitee, "accept-invitation")
    invitee.get_by_label("Display name").fill("Robin")
    invitee.get_by_label("Personal email").fill("robin@example.net")
    invitee.get_by_label("Password", exact=True).fill("a passphrase of my own")
    invitee.get_by_label("Repeat the password").fill("a passphrase of my own")
    invitee.get_by_role("button", name="Create my account").click()
    invitee.wait_for_url(live_server + "/")
    expect(invitee.get_by_text("Your unit: Dock crew")).to_be_visible()
    journey.snap(invitee, "member-home")

    demand_text = "Will you heat the loading bay before December? Who is responsible, and by when?"
    invitee.get_by_role("link", name="Your demands").first.click()
    invitee.get_by_role("link", name="Write a demand").click()
    invitee.get_by_label("Your demand, as a question the employer must answer").fill(demand_text)
    invitee.get_by_role("radio", name=re.compile("^Dealbreaker")).check()
    invitee.get_by_label("What leverage does it rest on?").select_option(value="needs")
    invitee.get_by_label("Category").select_option(value="security_conditions")
    journey.snap(invitee, "write-demand")
    invitee.get_by_role("button", name="Save").click()
    expect(invitee.get_by_text(demand_text)).to_be_visible()
    invitee.get_by_role("button", name="Ask coworkers to back it").click()
    expect(invitee.get_by_text("waiting for an organizer")).to_be_visible()
    journey.snap(invitee, "demand-asks-for-backing")

    organizer.goto(live_server + f"/units/{world.unit_id}/surveys")
    organizer.get_by_role("link", name="Endorsement requests from members").click()
    expect(organizer.get_by_text(demand_text)).to_be_visible()
    journey.snap(organizer, "endorsement-requests")
    organizer.get_by_role("button", name="Send the endorsement survey").click()
    expect(organizer.get_by_text("Endorsement survey sent to 7 coworkers")).to_be_visible()
    organizer.goto(live_server + f"/units/{world.unit_id}/surveys")
    organizer.get_by_label("Title").fill("Dock crew pulse")
    organizer.get_by_role("radio", name=re.compile("^The server")).check()
    organizer.get_by_label("Show written comments only when").fill("10")  # the union's floor: six comments stay sealed
    organizer.locator("[name=recurrence_weeks]").fill("4")  # recurring: the unit's temperature check
    journey.snap(organizer, "new-survey")
    organizer.get_by_role("button", name="Create draft").click()
    journey.snap(organizer, "draft")
    organizer.get_by_role("link", name="Preview and launch").click()
    expect(organizer.get_by_text("What members will see")).to_be_visible()
    organizer.get_by_role("button", name="Launch: send it to 8 members").click()
    expect(organizer.get_by_text("Launched to 8 members")).to_be_visible()
    voters = [("robin@example.net", "a passphrase of my own")] + [(email, PASSWORD) for email in crowd[:5]]
    for number, (email, password) in enumerate(voters):
        page = journey.sign_in(email, password)
        page.get_by_role("link", name="Your surveys").first.click()
        page.get_by_role("link", name="Dock crew pulse").click()
        page.get_by_role("radio", name="Yes").check()
        page.get_by_role("radio", name=re.compile("^4 · Agree")).check()
        page.get_by_role("checkbox", name="Pay").check()
        page.get_by_role("textbox").fill(f"Comment number {number}: fix the heating")
        if number == 0:
            journey.snap(page, "answer-form")
        page.get_by_role("button", name="Lock my answers").click()  # locked in the browser, then sent
        page.get_by_role("button", name="Send my answers").click()
        expect(page.get_by_role("heading", name="Your answers are in")).to_be_visible()
        assert re.fullmatch(r"[0-9a-f]{64}", page.locator("#receipt").input_value())
        if number == 0:
            journey.snap(page, "receipt")
        else:  # the author is not asked about their own demand; coworkers are
            page.goto(live_server + "/my/surveys")
            page.get_by_role("link", name="Back a coworker's demand").click()
            expect(page.get_by_text(demand_text)).to_be_visible()
            page.get_by_role("radio", name=re.compile("^5 · Strongly agree" if number % 2 else "^4 · Agree")).check()
            if number == 1:
                journey.snap(page, "endorsement-form")
            page.get_by_role("button", name="Lock my answers").click()
            page.get_by_role("button", name="Send my answers").click()
            expect(page.get_by_role("heading", name="Your answers are in")).to_be_visible()
        page.context.close()

    organizer.reload()
    organizer.once("dialog", lambda dialog: dialog.accept())
    organizer.get_by_role("button", name="Close now").click()
    organizer.wait_for_url(re.compile(r"/results$"))
    journey.snap(organizer, "results")
    expect(organizer.get_by_text("6 of 8")).to_be_visible()
    expect(organizer.get_by_text("they open only when at least 10 people answered")).to_be_visible()
    assert organizer.get_by_text("fix the heating").count() == 0

    invitee.goto(live_server + "/my/surveys")
    invitee.get_by_role("link", name="Dock crew pulse").click()
    expect(invitee.get_by_text("Decrypted by the server alone")).to_be_visible()
    journey.snap(invitee, "member-reads-results")

    organizer.goto(live_server + f"/units/{world.unit_id}/surveys")
    organizer.get_by_role("link", name="Back a coworker's demand").click()
    organizer.once("dialog", lambda dialog: dialog.accept())
    organizer.get_by_role("button", name="Close now").click()
    organizer.wait_for_url(re.compile(r"/results$"))
    journey.snap(organizer, "endorsement-results")

    invitee.goto(live_server + "/my/demands")
    demand = invitee.locator("article.demand")
    expect(demand.get_by_text(demand_text)).to_be_visible()
    expect(demand.get_by_text("5 of 5 coworkers agree")).to_be_visible()
    strength = invitee.locator("section.strength")
    expect(strength.get_by_text("6 of the 6 who answered said yes")).to_be_visible()
    # Of the whole unit on the chart (ten coworkers), not only the eight with accounts.
    expect(strength.get_by_text("6 of 10 coworkers answered (8 of them have accounts)")).to_be_visible()
    journey.snap(invitee, "member-demand-in-context")

    steward = journey.sign_in(world.steward)
    steward.goto(live_server + "/my/surveys")
    steward.get_by_role("link", name="Dock crew pulse").click()
    expect(steward.get_by_role("heading", name="Dock crew pulse")).to_be_visible()
    journey.snap(steward, "steward-reads-results")
    steward.goto(live_server + "/")
    steward.get_by_role("link", name="its demands").click()
    expect(steward.get_by_text("Raised by a member (not attributed)")).to_be_visible()
    steward.get_by_text("Record the employer's answer").click()  # the form opens when asked for
    steward.get_by_label("The employer's answer").select_option(value="partly")
    steward.get_by_label("How they answered").fill("Heaters in bay 1 only, from January")
    steward.get_by_role("button", name="Save the employer's answer").click()
    expect(steward.locator("dl.context").get_by_text("Heaters in bay 1 only, from January")).to_be_visible()
    journey.snap(steward, "steward-records-answer")

    steward.get_by_role("link", name="Bargaining summary").click()
    expect(steward.get_by_role("heading", name="Bargaining summary: Dock crew")).to_be_visible()
    expect(steward.get_by_role("row", name=re.compile("heat the loading bay")).get_by_text("Partly")).to_be_visible()
    journey.snap(steward, "bargaining-summary")
    # The PDF is made when asked for (a summary this small, at once), then offered as a link.
    steward.get_by_role("button", name="Prepare the PDF").click()
    with steward.expect_download() as downloading:
        steward.get_by_role("link", name="PDF").click()
    download = downloading.value
    saved = screenshots / download.suggested_filename
    download.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF-") and saved.suffix == ".pdf"
