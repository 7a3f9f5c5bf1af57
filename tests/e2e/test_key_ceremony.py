"""The key ceremony in Chromium, among three browsers (one Playwright context
per trustee) with t = 2: an organizer starts it from the union's survey key
page; each trustee joins, deals and checks on their own screen, typing their
passphrase into the page only; a survey launched with the key is answered and
closed; a server that hands a trustee's browser one person's ballot to unlock
in the place of a total is refused by that browser, which adds the ballots up
itself, and nothing is sent; two trustees unlock it in their browsers and the
results are out.

Every request each browser sends is captured, headers and bodies included:
no passphrase appears in any of them, in any encoding. The election record
verifies, transcript included, with the independent verifier. Each screen
fits a 390 px phone and passes axe (the checks of tests/e2e/test_phone_width.py)."""

from __future__ import annotations

import base64
import dataclasses
import json
import re
import subprocess
import sys
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from core.extensions import db
from organizer.accounts import services as accounts
from organizer.roles import Role
from surveys import ballot_box, ceremony, record, tally
from surveys.ceremony import CeremonyState
from surveys.models import Survey, SurveyState
from tests import factories
from tests.e2e.test_phone_width import Walk
from tests.surveys.helpers import answers

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
ORGANIZER = "organizer@example.org"
STEWARDS = ("rosa@example.org", "dev@example.org")
#: Each trustee's passphrase: what must never leave their browser.
PASSPHRASES = {
    ORGANIZER: "the tide comes in at the harbour gate",
    STEWARDS[0]: "forklift nine never stops for lunch",
    STEWARDS[1]: "solidarity on the night shift, Łódź too",
}
SLOW = 60_000


@dataclass(frozen=True)
class Harbor:
    union_id: int
    unit_id: int
    members: tuple[str, ...]


@pytest.fixture
def harbor(app) -> Harbor:
    with app.app_context():
        union = factories.create_union("Harbor Workers United", units=("Dock crew",))
        unit = union.units[0]
        factories.create_account(Role.ORGANIZER, union=union, email=ORGANIZER, display_name="Olga Organizer")
        for email, name in zip(STEWARDS, ("Rosa Steward", "Dev Steward"), strict=True):
            factories.create_account(Role.STEWARD, unit=unit, email=email, display_name=name)
        members = tuple(f"docker{i}@example.org" for i in range(6))
        for email in members:
            factories.create_account(Role.MEMBER, unit=unit, email=email)
        db.session.commit()
        built = Harbor(union.id, unit.id, members)
        db.session.remove()
    return built


@dataclass
class Trustee:
    email: str
    page: Page
    sent: list[dict]

    @property
    def passphrase(self) -> str:
        return PASSPHRASES[self.email]


def _sign_in(browser, base: str, email: str) -> Trustee:
    context = browser.new_context(viewport={"width": 390, "height": 900})
    sent: list[dict] = []
    context.on("request", lambda request: sent.append({
        "url": request.url, "headers": request.headers, "body": request.post_data_buffer or b""}))
    page = context.new_page()
    page.goto(base + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base + "/")
    return Trustee(email, page, sent)


def _variants(text: str) -> set[str]:
    """How a string could travel: as typed, form- or percent-encoded, JSON-escaped, base64 or hex of its UTF-8."""
    raw = text.encode()
    return {text, urllib.parse.quote_plus(text), urllib.parse.quote(text), json.dumps(text)[1:-1],
            json.dumps(text, ensure_ascii=False)[1:-1], base64.b64encode(raw).decode(), raw.hex()}


def _shot(page: Page, folder: Path, name: str) -> None:
    page.set_viewport_size({"width": 390, "height": 900})
    page.screenshot(path=str(folder / f"{name}-390.png"), full_page=True)


def _take_step(trustee: Trustee, base: str, ceremony_id: int, button: str, walk: Walk, *, twice: bool = False,
               shots: Path | None = None) -> None:
    page = trustee.page
    page.goto(f"{base}/survey-key/{ceremony_id}")
    page.get_by_label("Choose a passphrase" if twice else "Your passphrase for this key").fill(trustee.passphrase)
    if twice:
        page.get_by_label("Type it again").fill(trustee.passphrase)
    walk.check(page, trustee.email, f"the ceremony: {button}")
    if shots is not None:
        _shot(page, shots, button.lower().replace(" ", "-"))
    screen = page.locator("#ceremony").get_attribute("data-ceremony-screen")
    # The page reloads once its step is posted: to wait for the others, or (for the last one) to the next step.
    with page.expect_navigation(timeout=SLOW):
        page.get_by_role("button", name=button).click()
    assert page.locator("#ceremony").get_attribute("data-ceremony-screen") != screen
    expect(page.locator("[data-ceremony-error]")).to_be_hidden()


def test_three_browsers_make_a_key_and_two_release_a_survey_with_no_passphrase_sent(
        app, browser, live_server, harbor, screenshots, monkeypatch):
    walk = Walk(live_server, None)
    organizer = _sign_in(browser, live_server, ORGANIZER)
    trustees = [organizer, *(_sign_in(browser, live_server, email) for email in STEWARDS)]

    # The organizer chooses the three trustees and t = 2.
    page = organizer.page
    page.goto(f"{live_server}/unions/{harbor.union_id}/survey-key")
    walk.check(page, "organizer", "the survey key page")
    for name in ("Olga Organizer", "Rosa Steward", "Dev Steward"):
        page.get_by_label(name).check()
    page.get_by_label("How many of them must take part").fill("2")
    page.get_by_role("button", name="Start the key ceremony").click()
    expect(page.get_by_text("0 of 3 trustees have joined")).to_be_visible()
    with app.app_context():
        ceremony_id = ceremony.running(f"union:{harbor.union_id}").id

    # Each trustee finds the step on their Surveys page, and takes the three steps in turn.
    rosa = trustees[1].page
    rosa.goto(f"{live_server}/my/surveys")
    expect(rosa.get_by_role("link", name="Harbor Workers United: your step now")).to_be_visible()
    for trustee in trustees:
        _take_step(trustee, live_server, ceremony_id, "Make my part of the key", walk, twice=True,
                   shots=screenshots if trustee is organizer else None)
    _shot(organizer.page, screenshots, "waiting")
    trustees[0].page.goto(f"{live_server}/survey-key/{ceremony_id}")
    expect(trustees[0].page.get_by_text("Step 2 of 3")).to_be_visible()
    codes = set()
    for trustee in trustees:
        trustee.page.goto(f"{live_server}/survey-key/{ceremony_id}")
        code = trustee.page.locator("[data-ceremony-fingerprint]")
        expect(code).to_have_text(code.inner_text())
        codes.add(code.inner_text())
        _take_step(trustee, live_server, ceremony_id, "Make and send my pieces", walk,
                   shots=screenshots if trustee is organizer else None)
    assert len(codes) == 1, "every trustee's device computes the same code of the ceremony"
    for trustee in trustees:
        _take_step(trustee, live_server, ceremony_id, "Check the pieces I received", walk,
                   shots=screenshots if trustee is organizer else None)
    expect(trustees[2].page.get_by_text("The survey key is ready")).to_be_visible()
    walk.check(trustees[2].page, "steward", "the ceremony: done")
    _shot(trustees[2].page, screenshots, "ceremony-done")
    page.goto(f"{live_server}/unions/{harbor.union_id}/survey-key")
    walk.check(page, "organizer", "the survey key page, with the key")
    _shot(page, screenshots, "survey-key-ready")
    with app.app_context():
        assert ceremony.status(ceremony_id).state == CeremonyState.DONE

    # A survey launched with the key, answered by five members and closed by the organizer.
    page.goto(f"{live_server}/units/{harbor.unit_id}/surveys")
    page.get_by_label("What kind of survey").select_option("pulse")
    page.get_by_label("Title").fill("Night shift check")
    page.get_by_label(re.compile("^Trustees: results are unlocked")).check()
    page.get_by_role("button", name="Create draft").click()
    survey_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    page.goto(f"{live_server}/surveys/{survey_id}/launch")
    expect(page.get_by_text("This survey is locked with the union's survey key")).to_be_visible()
    page.get_by_role("button", name="Launch: send it to").click()
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        assert survey.key_made_in_ceremony
        for i, email in enumerate(harbor.members[:5]):
            ballot_box.cast(survey, accounts.account_ref(accounts.find_account_by_email(email)),
                            answers(survey, yes=i != 0, scale=2 + i % 3))
        db.session.commit()
    page.goto(f"{live_server}/surveys/{survey_id}")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Close now").click()
    expect(page.get_by_text("The trustees can now unlock the results")).to_be_visible()

    # A server that hands a trustee's browser another point than an approved sum (here one person's
    # ballot, in the place of the first sum) is refused by the browser, which adds the ballots up itself.
    honest_task = tally.browser_decryption

    def one_ballot_instead(survey, trustee_ref):
        task = honest_task(survey, trustee_ref)
        one_ballot = task.check.alphas[:32]
        return dataclasses.replace(task, targets=(one_ballot, *task.targets[1:]))

    monkeypatch.setattr(tally, "browser_decryption", one_ballot_instead)
    cheated = trustees[1]
    sent_before = len(cheated.sent)
    cheated.page.goto(f"{live_server}/surveys/{survey_id}/decrypt")
    refusal = cheated.page.locator("[data-ceremony-error]")
    expect(refusal).to_contain_text("are not the sums of the survey's ballots", timeout=SLOW)
    expect(refusal).to_contain_text("Nothing was sent")
    expect(cheated.page.get_by_role("button", name="Do my part")).to_be_disabled()
    _shot(cheated.page, screenshots, "unlock-refused")
    assert not [r for r in cheated.sent[sent_before:] if r["url"].endswith("/partials")], "nothing was posted"
    monkeypatch.setattr(tally, "browser_decryption", honest_task)

    # Two trustees, in their own browsers, give their parts; the second releases the results.
    for trustee, then in ((trustees[1], "You have done your part"), (trustees[2], "Results")):
        trustee.page.goto(f"{live_server}/surveys/{survey_id}/decrypt")
        expect(trustee.page.get_by_text("This device added up the survey's ballots itself")).to_be_visible(
            timeout=SLOW)
        walk.check(trustee.page, trustee.email, "unlocking the results")
        _shot(trustee.page, screenshots, f"unlock-{trustee.email.split('@')[0]}")
        trustee.page.get_by_label("Your passphrase for the survey key").fill(trustee.passphrase)
        trustee.page.get_by_role("button", name="Do my part").click()
        expect(trustee.page.get_by_text(then).first).to_be_visible(timeout=SLOW)
    expect(trustees[2].page).to_have_url(f"{live_server}/surveys/{survey_id}/results")
    walk.check(trustees[2].page, "steward", "the results")
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        assert survey.state == SurveyState.RELEASED
        document = record.build(survey)
    assert not walk.problems, "\n".join(walk.problems)

    # The record, with the ceremony's transcript, checks out in the independent verifier.
    path = screenshots / "record.json"
    path.write_text(json.dumps(document))
    verified = subprocess.run([sys.executable, "-m", "crypto.verify", str(path)], cwd=ROOT, capture_output=True,
                              text=True, timeout=300)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "key ceremony" in verified.stdout

    # No passphrase went anywhere: not in an address, a header or a body, from any of the three browsers.
    posts = 0
    for trustee in trustees:
        for request in trustee.sent:
            posts += bool(request["body"])
            wire = request["url"] + json.dumps(request["headers"]) + request["body"].decode("utf-8", "replace")
            for passphrase in PASSPHRASES.values():
                leaked = [v for v in _variants(passphrase) if v in wire]
                assert not leaked, f"{trustee.email}'s browser sent a passphrase to {request['url']}"
    assert posts >= 3 * 3 + 2, "the browsers posted their steps and their parts"
