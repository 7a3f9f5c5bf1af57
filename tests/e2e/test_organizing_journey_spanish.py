"""The union's journey in Spanish, in a real browser whose locale is es-MX: an
organizer charts a coworker and invites them; the invitee opens the invitation
in an English browser, switches the page to Spanish and joins; writes a demand
and asks coworkers to back it; the organizer sends the endorsement survey,
writes a pulse in Spanish, writes it again in English on the draft's page and
launches it; members answer in the booth, most in Spanish and two in English,
each reading the survey in their own language; the organizer closes both
surveys and the results count every answer as one, read in Spanish and in
English; the new member sees the demand with its collective context; the
steward records the employer's answer and downloads the bargaining summary
as a Spanish PDF.

Every label and button is found by its Spanish words, taken from the catalogue.
Every page read in Spanish is checked for the interface's English words (the
walk's own list, tests/core/test_i18n.py) and for sideways scrolling at 390 px,
and is photographed at 390 and 1280 px into test-artifacts/e2e/<test>/."""

from __future__ import annotations

import re

import pytest
from flask_babel import force_locale, gettext, ngettext
from playwright.sync_api import expect

from tests.core.test_i18n import _english_in
from tests.e2e.test_phone_width import LAYOUT_PROBLEMS
from tests.factories import PASSWORD
from tests.organizer.bargaining.pdf_reading import read_pdf

pytestmark = pytest.mark.e2e

SPANISH_BROWSER = "es-MX"
ENGLISH_BROWSER = "en-US"
WIDTHS = (390, 1280)
DEMAND = "¿Van a calentar el andén de carga antes de diciembre? ¿Quién se encarga, y para cuándo?"


class Journey:
    """The browsers of the journey's people, the catalogue's Spanish, and what each page was found to hold."""

    def __init__(self, app, browser, base: str, folder) -> None:
        self.app, self.browser, self.base, self.folder = app, browser, base, folder
        self.shot = 0
        self.problems: list[str] = []

    # -- the catalogue's words ----------------------------------------------------------------------

    def es(self, message: str, **values: object) -> str:
        with self.app.test_request_context(), force_locale("es"):
            return gettext(message, **values)

    def es_plural(self, singular: str, plural: str, count: int, **values: object) -> str:
        with self.app.test_request_context(), force_locale("es"):
            return ngettext(singular, plural, count, **values)

    # -- browsers -----------------------------------------------------------------------------------

    def page(self, locale: str = SPANISH_BROWSER):
        language = locale.partition("-")[0]
        context = self.browser.new_context(
            viewport={"width": 1280, "height": 900}, locale=locale, accept_downloads=True,
            extra_http_headers={"Accept-Language": f"{locale},{language};q=0.9"})
        return context.new_page()

    def sign_in(self, email: str, password: str = PASSWORD, locale: str = SPANISH_BROWSER):
        page = self.page(locale)
        page.goto(self.base + "/login")
        if locale == SPANISH_BROWSER:
            expect(page.locator("html")).to_have_attribute("lang", "es")
            page.get_by_label(self.es("Email")).fill(email)
            page.get_by_label(self.es("Password")).fill(password)
            page.get_by_role("button", name=self.es("Sign in")).click()
        else:
            page.get_by_label("Email").fill(email)
            page.get_by_label("Password").fill(password)
            page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(self.base + "/")
        return page

    # -- what every page is checked for ---------------------------------------------------------------

    def snap(self, page, name: str, *, spanish: bool = True) -> None:
        """Photograph the page at both widths; a Spanish page must show no English interface word and fit 390 px."""
        self.shot += 1
        page.wait_for_load_state("load")
        if spanish:
            if page.locator("html").get_attribute("lang") != "es":
                self.problems.append(f"{name}: the page is not in Spanish")
            english = _english_in(page.content(), html=True)
            if english:
                self.problems.append(f"{name}: English on a Spanish page: {english}")
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            if width == 390:
                self.problems += [f"{name} at 390 px: {problem}" for problem in page.evaluate(LAYOUT_PROBLEMS)[:4]]
            page.screenshot(path=str(self.folder / f"{self.shot:02d}-{name}-{width}.png"), full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})


def _answer_pulse(journey: Journey, page, *, spanish: bool, number: int, snap: bool) -> None:
    """Answer the pulse in the booth, in the page's language: locked on the device, then sent."""
    es = journey.es
    if spanish:
        page.get_by_role("link", name=es("Your surveys")).first.click()
        page.get_by_role("link", name="Pulso del muelle").click()
        expect(page.get_by_text(es("If a union vote were held tomorrow, would you vote yes?"))).to_be_visible()
        page.get_by_role("radio", name=es("Yes"), exact=True).check()
        page.get_by_role("radio", name=f"4 · {es('Agree')}").check()
        page.get_by_role("checkbox", name=es("Pay")).check()
        page.get_by_role("textbox").fill(f"Comentario número {number}: arreglen la calefacción")
    else:
        page.get_by_role("link", name="Your surveys").first.click()
        page.get_by_role("link", name="Dock crew pulse").click()
        expect(page.get_by_text("If a union vote were held tomorrow, would you vote yes?")).to_be_visible()
        page.get_by_role("radio", name="Yes", exact=True).check()
        page.get_by_role("radio", name="4 · Agree").check()
        page.get_by_role("checkbox", name="Pay").check()
        page.get_by_role("textbox").fill(f"Comment number {number}: fix the heating")
    if snap:
        journey.snap(page, "answer-form" if spanish else "answer-form-english", spanish=spanish)
    page.get_by_role("button", name=es("Lock my answers") if spanish else "Lock my answers").click()
    page.get_by_role("button", name=es("Send my answers") if spanish else "Send my answers").click()
    expect(page.get_by_role("heading", name=es("Your answers are in") if spanish else "Your answers are in")
           ).to_be_visible()
    expect(page.get_by_text("Pulso del muelle" if spanish else "Dock crew pulse")).to_be_visible()
    assert re.fullmatch(r"[0-9a-f]{64}", page.locator("#receipt").input_value())
    if snap:
        journey.snap(page, "receipt" if spanish else "receipt-english", spanish=spanish)


def _back_the_demand(journey: Journey, page, *, spanish: bool, strongly: bool, snap: bool) -> None:
    es = journey.es
    page.goto(journey.base + "/my/surveys")
    page.get_by_role("link", name=es("Back a coworker's demand") if spanish else "Back a coworker's demand").click()
    expect(page.get_by_text(DEMAND)).to_be_visible()
    label = ("5 · " + es("Strongly agree") if strongly else "4 · " + es("Agree")) if spanish else (
        "5 · Strongly agree" if strongly else "4 · Agree")
    page.get_by_role("radio", name=label).check()
    if snap:
        journey.snap(page, "endorsement-form", spanish=spanish)
    page.get_by_role("button", name=es("Lock my answers") if spanish else "Lock my answers").click()
    page.get_by_role("button", name=es("Send my answers") if spanish else "Send my answers").click()
    expect(page.get_by_role("heading", name=es("Your answers are in") if spanish else "Your answers are in")
           ).to_be_visible()


def test_the_union_s_journey_in_spanish(app, browser, live_server, screenshots, world, crowd):
    journey = Journey(app, browser, live_server, screenshots)
    es = journey.es

    organizer = journey.sign_in(world.organizer)
    journey.snap(organizer, "organizer-home")
    organizer.get_by_role("link", name="Harbor Workers United").click()
    journey.snap(organizer, "union-dashboard")
    organizer.get_by_role("link", name="Dock crew").first.click()
    organizer.get_by_role("link", name=es("Add a coworker")).click()
    organizer.get_by_label(es("Name")).fill("Robin Nuevo")
    organizer.get_by_label(es("Department")).select_option(label="Loading")
    organizer.get_by_label(es("Assessment")).select_option(value="2")
    journey.snap(organizer, "add-coworker")
    organizer.get_by_role("button", name=es("Add to chart")).click()
    expect(organizer.get_by_text(es("%(name)s is on the chart.", name="Robin Nuevo"))).to_be_visible()
    journey.snap(organizer, "chart")

    organizer.get_by_role("row", name=re.compile("Robin Nuevo")).get_by_role("link", name=es("Invite")).click()
    organizer.get_by_label(es("Role")).select_option(value="member")
    journey.snap(organizer, "invite")
    organizer.get_by_role("button", name=es("Make invitation link")).click()
    link = organizer.locator("#invite-link").input_value()
    assert "/invite/" in link
    journey.snap(organizer, "invitation-link")

    # The invitee's browser reads English: they switch the invitation page to Spanish themselves.
    invitee = journey.page(ENGLISH_BROWSER)
    invitee.goto(link)
    expect(invitee.locator("html")).to_have_attribute("lang", "en")
    journey.snap(invitee, "accept-invitation-english", spanish=False)
    invitee.get_by_role("button", name="Español").click()
    expect(invitee.locator("html")).to_have_attribute("lang", "es")
    journey.snap(invitee, "accept-invitation")
    invitee.get_by_label(es("Display name")).fill("Robin")
    invitee.get_by_label(es("Personal email")).fill("robin@example.net")
    invitee.get_by_label(es("Password"), exact=True).fill("una frase secreta mía")
    invitee.get_by_label(es("Repeat the password")).fill("una frase secreta mía")
    invitee.get_by_role("button", name=es("Create my account")).click()
    invitee.wait_for_url(live_server + "/")
    expect(invitee.get_by_text(es("Your unit: %(unit)s", unit="Dock crew"))).to_be_visible()
    journey.snap(invitee, "member-home")

    invitee.get_by_role("link", name=es("Your demands")).first.click()
    invitee.get_by_role("link", name=es("Write a demand")).click()
    invitee.get_by_label(es("Your demand, as a question the employer must answer")).fill(DEMAND)
    invitee.get_by_role("radio", name=re.compile("^" + es("Dealbreaker"))).check()
    invitee.get_by_label(es("What leverage does it rest on?")).select_option(value="needs")
    invitee.get_by_label(es("Category")).select_option(value="security_conditions")
    journey.snap(invitee, "write-demand")
    invitee.get_by_role("button", name=es("Save")).click()
    expect(invitee.get_by_text(DEMAND)).to_be_visible()
    invitee.get_by_role("button", name=es("Ask coworkers to back it")).click()
    expect(invitee.get_by_text(es("Asked for coworkers' endorsement; waiting for an organizer to send the survey."))
           ).to_be_visible()
    journey.snap(invitee, "demand-asks-for-backing")

    organizer.goto(live_server + f"/units/{world.unit_id}/surveys")
    organizer.get_by_role("link", name=es("Endorsement requests from members")).click()
    expect(organizer.get_by_text(DEMAND)).to_be_visible()
    journey.snap(organizer, "endorsement-requests")
    organizer.get_by_role("button", name=es("Send the endorsement survey")).click()
    sent = journey.es_plural("Endorsement survey sent to %(num)d coworker. Its weights appear when it closes.",
                             "Endorsement survey sent to %(num)d coworkers. Its weights appear when it closes.", 7)
    expect(organizer.get_by_text(sent)).to_be_visible()

    # A pulse written in Spanish (the organizer's language), then again in English on the draft's page.
    organizer.goto(live_server + f"/units/{world.unit_id}/surveys")
    expect(organizer.get_by_label(es("Written in"))).to_have_value("es")
    organizer.get_by_label(es("Title"), exact=True).fill("Pulso del muelle")
    organizer.locator("input[name=key_mode][value=server_key]").check()
    organizer.get_by_label(es("Show written comments only when at least this many people answered")).fill("10")
    organizer.locator("[name=recurrence_weeks]").fill("4")  # recurring: the unit's temperature check
    journey.snap(organizer, "new-survey")
    organizer.get_by_role("button", name=es("Create draft")).click()
    english = es("English")
    expect(organizer.get_by_text(es("The title is not written in %(language)s: members who read Leverage in "
                                    "%(language)s will see it in %(own)s.", language=english, own=es("Spanish")))
           ).to_be_visible()
    journey.snap(organizer, "draft")
    organizer.get_by_role("link", name=es("Edit the words in %(language)s", language=english)).click()
    expect(organizer.get_by_label(es("Question %(number)d in %(language)s", number=1, language=english))
           ).to_have_value("If a union vote were held tomorrow, would you vote yes?")
    organizer.get_by_label(es("Title in %(language)s", language=english)).fill("Dock crew pulse")
    journey.snap(organizer, "draft-in-english")
    organizer.get_by_role("button", name=es("Save the words in %(language)s", language=english)).click()
    expect(organizer.get_by_text(es("The title and every question are written in %(language)s too.",
                                    language=english))).to_be_visible()
    journey.snap(organizer, "draft-in-two-languages")
    organizer.get_by_role("link", name=es("Preview and launch")).click()
    expect(organizer.get_by_text(es("What members will see"))).to_be_visible()
    journey.snap(organizer, "launch")
    organizer.get_by_role("button", name=journey.es_plural(
        "Launch: send it to %(shown)s member", "Launch: send it to %(shown)s members", 8, shown="8")).click()
    expect(organizer.get_by_text(journey.es_plural(
        "Launched to %(num)d member with an account.", "Launched to %(num)d members with accounts.", 8))
    ).to_be_visible()

    # Robin and three coworkers read Spanish; two coworkers read English. One survey, one ballot shape.
    voters = [("robin@example.net", "una frase secreta mía", SPANISH_BROWSER)] + [
        (email, PASSWORD, ENGLISH_BROWSER if number % 2 else SPANISH_BROWSER) for number, email in
        enumerate(crowd[:5])]
    readers = {}
    for number, (email, password, locale) in enumerate(voters):
        spanish = locale == SPANISH_BROWSER
        page = journey.sign_in(email, password, locale)
        first_of_language = locale not in readers
        _answer_pulse(journey, page, spanish=spanish, number=number, snap=first_of_language)
        if number:  # the author is not asked about their own demand; coworkers are
            _back_the_demand(journey, page, spanish=spanish, strongly=number % 2 == 1, snap=number == 2)
        if first_of_language:
            readers[locale] = page
        else:
            page.context.close()

    organizer.reload()
    organizer.once("dialog", lambda dialog: dialog.accept())
    organizer.get_by_role("button", name=es("Close now")).click()
    organizer.wait_for_url(re.compile(r"/results$"))
    expect(organizer.get_by_role("heading", name="Pulso del muelle")).to_be_visible()
    expect(organizer.get_by_text(es("%(answered)s of %(eligible)s", answered="6", eligible="8"))).to_be_visible()
    yes = organizer.locator("table.results").first.get_by_role("row", name=re.compile("^" + es("Yes")))
    expect(yes.locator("td").first).to_have_text("6")  # four read Spanish, two English: one count
    pay = organizer.locator("table.results").nth(2).get_by_role("row", name=re.compile("^" + es("Pay")))
    expect(pay.locator("td").first).to_have_text("6")
    expect(organizer.get_by_text(es("No comments are shown: they open only when at least %(k)s people answered, or "
                                    "nobody wrote one.", k=10)).first).to_be_visible()
    assert organizer.get_by_text("calefacción").count() == 0
    journey.snap(organizer, "results")

    english_reader = readers[ENGLISH_BROWSER]
    english_reader.goto(live_server + "/my/surveys")
    english_reader.get_by_role("link", name="Dock crew pulse").click()
    yes = english_reader.locator("table.results").first.get_by_role("row", name=re.compile("^Yes"))
    expect(yes.locator("td").first).to_have_text("6")
    journey.snap(english_reader, "results-english", spanish=False)

    invitee.goto(live_server + "/my/surveys")
    invitee.get_by_role("link", name="Pulso del muelle").click()
    expect(invitee.get_by_text(es("whoever runs the server could read answers as they arrive")).first).to_be_visible()
    journey.snap(invitee, "member-reads-results")

    organizer.goto(live_server + f"/units/{world.unit_id}/surveys")
    organizer.get_by_role("link", name=es("Back a coworker's demand")).click()
    organizer.once("dialog", lambda dialog: dialog.accept())
    organizer.get_by_role("button", name=es("Close now")).click()
    organizer.wait_for_url(re.compile(r"/results$"))
    journey.snap(organizer, "endorsement-results")

    invitee.goto(live_server + "/my/demands")
    demand = invitee.locator("article.demand")
    expect(demand.get_by_text(DEMAND)).to_be_visible()
    expect(demand.get_by_text(journey.es_plural("%(agree)s of %(answers)s coworkers agrees",
                                                "%(agree)s of %(answers)s coworkers agree", 5,
                                                agree="5", answers="5"))).to_be_visible()
    journey.snap(invitee, "member-demand-in-context")

    steward = journey.sign_in(world.steward)
    steward.goto(live_server + "/my/surveys")
    steward.get_by_role("link", name="Pulso del muelle").click()
    expect(steward.get_by_role("heading", name="Pulso del muelle")).to_be_visible()
    journey.snap(steward, "steward-reads-results")
    steward.goto(live_server + "/")
    steward.get_by_role("link", name=es("its demands")).click()
    expect(steward.get_by_text(es("Raised by a member (not attributed)"))).to_be_visible()
    steward.get_by_text(es("Record the employer's answer")).click()
    steward.get_by_label(es("The employer's answer")).select_option(value="partly")
    steward.get_by_label(es("How they answered")).fill("Calentadores solo en el andén 1, desde enero")
    steward.get_by_role("button", name=es("Save the employer's answer")).click()
    expect(steward.locator("dl.context").get_by_text("Calentadores solo en el andén 1, desde enero")).to_be_visible()
    journey.snap(steward, "steward-records-answer")

    steward.get_by_role("link", name=es("Bargaining summary")).click()
    expect(steward.get_by_role("heading", name=es("Bargaining summary: %(unit)s", unit="Dock crew"))).to_be_visible()
    expect(steward.get_by_role("row", name=re.compile("calentar el andén")).get_by_text(es("Partly"))).to_be_visible()
    journey.snap(steward, "bargaining-summary")
    steward.get_by_role("button", name=es("Prepare the PDF")).click()
    with steward.expect_download() as downloading:
        steward.get_by_role("link", name="PDF").click()
    download = downloading.value
    saved = screenshots / download.suggested_filename
    download.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF-") and saved.suffix == ".pdf"
    text = " ".join(read_pdf(saved.read_bytes()).text.split())
    assert "RESUMEN PARA LA NEGOCIACIÓN" in text and "BARGAINING SUMMARY" not in text
    assert DEMAND in text
    assert not journey.problems, "\n".join(journey.problems)
