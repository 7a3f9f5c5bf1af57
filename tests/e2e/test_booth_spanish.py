"""The booth in Chromium, in Spanish: a member who reads Leverage in Spanish
locks their answers, sees the progress, the ballot's code, checks one ballot
and sends a fresh one, and every step the page's script writes (the headings,
the progress, the verdict, the receipt) reads in Spanish. Each step fits a
390 px phone and passes axe; screenshots at 390 and 1280 px go to
test-artifacts/e2e/<test>/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_booth import HOLD_THE_WORKER, _shots, _sign_in, booth_world  # noqa: F401 (a fixture)
from tests.e2e.test_phone_width import Walk

pytestmark = pytest.mark.e2e

#: What the Spanish member chooses, as the page labels it: the options an organizer wrote stay as written.
CHOSEN = ("4 · Agree", "Sí", "Late", "Breaks; Pay")


def test_a_spanish_member_locks_checks_and_sends_in_spanish(browser, live_server, booth_world, screenshots):
    w = booth_world
    page = _sign_in(browser, live_server, w.member)
    page.add_init_script(HOLD_THE_WORKER)
    page.get_by_role("button", name="Español").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    walk = Walk(live_server, None)

    page.goto(f"{live_server}/surveys/{w.required_id}/answer")
    page.get_by_role("radio", name="4 · Agree").check()
    page.get_by_role("radio", name="Sí", exact=True).check()
    page.get_by_role("radio", name="Late").check()
    page.get_by_role("checkbox", name="Breaks").check()
    page.get_by_role("checkbox", name="Pay").check()
    page.get_by_role("textbox", name="Anything else?").fill("Hace mucho calor en el muelle")
    _shots(page, screenshots, "1-answer")
    walk.check(page, "member", "la cabina: respondiendo")

    page.evaluate("window.boothHold = true")
    page.get_by_role("button", name="Cifrar mis respuestas").click()
    expect(page.get_by_role("heading", name="Cifrando tus respuestas")).to_be_visible()
    page.wait_for_function("() => window.boothHeld.length > 0")
    expect(page.locator("[data-ballot-progress-text]")).to_have_text(
        re.compile(r"^Cifrando tus respuestas en este teléfono o computadora… \d+\u00a0% hecho$"))
    _shots(page, screenshots, "2-locking")
    page.evaluate("window.boothHold = false; window.boothHeld.splice(0).forEach((deliver) => deliver())")

    expect(page.get_by_role("heading", name="Tus respuestas están cifradas")).to_be_visible()
    expect(page.get_by_text("Todavía no se ha enviado nada.")).to_be_visible()
    expect(page.locator("#booth-ballot .tracker-label")).to_have_text("El código de seguimiento de tu boleta")
    _shots(page, screenshots, "3-tracker")
    walk.check(page, "member", "la cabina: su código")

    page.get_by_role("button", name="Verificar esta boleta primero").click()
    expect(page.get_by_text("la boleta tenía exactamente las respuestas que elegiste")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(r"^Boleta verificada "))).to_be_visible()
    opened = page.locator("[data-check-answers]")
    for words in CHOSEN:
        expect(opened.get_by_text(words, exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Tus respuestas, cifradas otra vez")).to_be_visible()
    _shots(page, screenshots, "4-checked")
    walk.check(page, "member", "la cabina: una boleta verificada")

    page.get_by_role("button", name="Enviar mis respuestas").click()
    expect(page.get_by_role("heading", name="Tus respuestas llegaron")).to_be_visible()
    expect(page.get_by_text("Tus respuestas se cifraron en este teléfono o computadora")).to_be_visible()
    assert page.title().startswith("Comprobante · ")
    _shots(page, screenshots, "5-receipt")
    walk.check(page, "member", "la cabina: el comprobante")
    assert not walk.problems, "\n".join(walk.problems)
    page.context.close()
