"""The booth in Chromium: a member answers a survey with every kind of question,
the answers are locked in the page's worker, the ballot's code is shown before
anything is sent, the member checks one ballot (Benaloh's challenge) and sends
a fresh one, and the receipt's code is the one shown before sending and is in
the published list after close.

Every request the browser sends is captured, bodies included: none carries an
answer in the clear (the options chosen, their words, the comment typed, the
form's field names, the revealed randomness), and the worker fetches nothing
but this site's static files. The checked ballot is refused when posted. A
browser without JavaScript, or one that cannot run the worker, answers through
the server's form only where the survey allows it. Each step fits a 390 px phone and passes axe (the checks of
tests/e2e/test_phone_width.py); screenshots of each step at 390 and 1280 px go
to test-artifacts/e2e/<test>/."""

from __future__ import annotations

import base64
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
from crypto import ballot as crypto_ballot
from crypto import sealing
from crypto.elgamal import PublicKey
from organizer.accounts import services as accounts
from organizer.roles import Role
from organizer.unit_surveys import services as unit_surveys
from surveys import ballot_box
from surveys.booth import check_opening
from surveys.models import Survey
from tests import factories
from tests.e2e.test_phone_width import Walk
from tests.organizer.booth.builders import open_booth_survey

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
ORGANIZER = "organizer@example.org"
COMMENT = "The forklift charger in bay 7 sparks when it rains — Łukasz saw it too"
#: What the member chooses, as the page labels it (the scale's 4 is "Agree").
CHOSEN_LABELS = ("4 · Agree", "Yes", "Late", "Breaks", "Pay")


@dataclass(frozen=True)
class Booth:
    required_id: int
    allowed_id: int
    organizer: str
    member: str
    second_member: str


@pytest.fixture
def booth_world(app) -> Booth:
    with app.app_context():
        union = factories.create_union("Warehouse Workers United", units=("Warehouse associates",))
        unit = union.units[0]
        emails = [f"picker{i}@example.org" for i in range(6)]
        for email in emails:
            factories.create_account(Role.MEMBER, unit=unit, email=email)
        factories.create_account(Role.ORGANIZER, union=union, email=ORGANIZER)
        required = open_booth_survey(unit, ORGANIZER, device_encryption_required=True, title="Heat on the dock")
        allowed = open_booth_survey(unit, ORGANIZER, device_encryption_required=False, title="Break room check")
        db.session.commit()
        built = Booth(required.id, allowed.id, ORGANIZER, emails[0], emails[1])
        db.session.remove()
    return built


def _sign_in(browser, base: str, email: str, *, javascript: bool = True, width: int = 390) -> Page:
    context = browser.new_context(viewport={"width": width, "height": 900}, java_script_enabled=javascript,
                                  accept_downloads=True)
    page = context.new_page()
    page.goto(base + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base + "/")
    return page


#: Installed before the page's own scripts (a test's instrument, outside the page's security policy): while
#: `window.boothHold` is true, the worker's messages from halfway on wait in `window.boothHeld`.
HOLD_THE_WORKER = """
window.boothHeld = [];
const listen = Worker.prototype.addEventListener;
Worker.prototype.addEventListener = function (type, listener, options) {
  if (type !== "message") return listen.call(this, type, listener, options);
  return listen.call(this, type, (event) => {
    const data = event.data || {};
    const late = data.type === "encrypted" || (data.type === "progress" && 2 * data.done > data.total);
    if (window.boothHold && late) window.boothHeld.push(() => listener(event));
    else listener(event);
  }, options);
};
"""


def _answer(page: Page) -> None:
    page.get_by_role("radio", name="4 · Agree").check()
    page.get_by_role("radio", name="Yes", exact=True).check()
    page.get_by_role("radio", name="Late").check()
    page.get_by_role("checkbox", name="Breaks").check()
    page.get_by_role("checkbox", name="Pay").check()
    page.get_by_role("textbox", name="Anything else?").fill(COMMENT)


def _shots(page: Page, folder: Path, step: str) -> None:
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(folder / f"{step}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 900})


def _variants(text: str) -> set[str]:
    """How a string could travel: as typed, form-encoded, percent-encoded, JSON-escaped, base64 of its UTF-8."""
    return {text, urllib.parse.quote_plus(text), urllib.parse.quote(text), json.dumps(text)[1:-1],
            json.dumps(text, ensure_ascii=False)[1:-1], base64.b64encode(text.encode()).decode()}


def test_a_member_locks_checks_and_sends_and_nothing_leaves_the_page_in_the_clear(
        app, browser, live_server, booth_world, screenshots):
    w = booth_world
    page = _sign_in(browser, live_server, w.member)
    page.add_init_script(HOLD_THE_WORKER)
    sent: list[dict] = []
    workers: list[str] = []
    page.context.on("request", lambda request: sent.append({
        "url": request.url, "method": request.method, "body": request.post_data_buffer or b"",
        "headers": request.headers}))
    page.on("worker", lambda worker: workers.append(worker.url))
    walk = Walk(live_server, None)

    page.goto(f"{live_server}/surveys/{w.required_id}/answer")
    expect(page.get_by_role("button", name="Lock my answers")).to_be_visible()
    expect(page.get_by_text("This survey needs JavaScript")).to_be_hidden()
    walk.check(page, "member", "the booth: answering")
    _answer(page)
    _shots(page, screenshots, "1-answer")

    # The worker's answers are held back from halfway, so that the page can be seen (and checked) mid-lock.
    page.evaluate("window.boothHold = true")
    page.get_by_role("button", name="Lock my answers").click()
    expect(page.get_by_role("heading", name="Locking your answers")).to_be_visible()
    page.wait_for_function("() => window.boothHeld.length > 0")
    expect(page.get_by_role("status").filter(has_text="Locking your answers on this phone")).to_be_visible()
    _shots(page, screenshots, "2-locking")
    walk.check(page, "member", "the booth: locking")
    page.evaluate("window.boothHold = false; window.boothHeld.splice(0).forEach((deliver) => deliver())")
    expect(page.get_by_role("heading", name="Your answers are locked")).to_be_visible()
    expect(page.get_by_text("Nothing has been sent yet.")).to_be_visible()
    first = page.locator("#booth-tracker").input_value()
    assert re.fullmatch(r"[0-9a-f]{64}", first)
    expect(page.locator("#booth-ballot [data-tracker-short]")).to_have_text(
        " ".join(first[i:i + 4] for i in range(0, 16, 4)))
    assert not [r for r in sent if r["method"] == "POST"], "nothing is sent before the member chooses"
    _shots(page, screenshots, "3-tracker")
    walk.check(page, "member", "the booth: its code shown")

    page.get_by_role("button", name="Check this ballot first").click()
    expect(page.get_by_text("the ballot held exactly the answers you chose")).to_be_visible()
    opened = page.locator("[data-check-answers]")
    for words in ("4 · Agree", "Yes", "Late", "Breaks; Pay"):
        expect(opened.get_by_text(words, exact=True)).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download this check").click()
    opening_file = screenshots / "ballot-check.json"
    download.value.save_as(opening_file)
    opening = json.loads(opening_file.read_text())
    assert opening["reveal"]["tracker"] == first
    nonces = [n for per_question in opening["reveal"]["nonces"] for n in per_question]
    expect(page.locator("[data-check-nonces]")).to_contain_text(nonces[0])
    # The page's own check, and the auditor's: the same file checked by the engine and offline.
    with app.app_context():
        assert check_opening(db.session.get(Survey, w.required_id), opening_file.read_bytes()).ok
    offline = subprocess.run([sys.executable, "-m", "crypto.verify", "check-ballot", str(opening_file)],
                             cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert offline.returncode == 0, offline.stdout + offline.stderr

    expect(page.get_by_role("heading", name="Your answers, locked again")).to_be_visible()
    page.locator("[data-check-result] details summary").click()
    _shots(page, screenshots, "4-checked")
    walk.check(page, "member", "the booth: a ballot checked, a fresh one locked")
    second = page.locator("#booth-tracker").input_value()
    assert re.fullmatch(r"[0-9a-f]{64}", second) and second != first

    # The checked ballot, posted as the page would post it: refused, nothing stored.
    refused = page.evaluate("""async (body) => {
        const token = document.querySelector("#booth-form [name=csrf_token]").value;
        const response = await fetch(document.getElementById("booth-form").dataset.ballotUrl, {
          method: "POST", headers: {"Content-Type": "application/json", "X-CSRFToken": token},
          body: JSON.stringify(body)});
        return {status: response.status, body: await response.json()};
    }""", {"payload": opening["payload"], "comments": {}})
    assert refused["status"] == 409 and "opened for checking" in refused["body"]["error"]
    with app.app_context():
        assert ballot_box.counts(db.session.get(Survey, w.required_id)) == (0, 0)

    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", name="Your answers are in")).to_be_visible()
    expect(page.get_by_text("locked (encrypted) on this phone or computer before they were sent")).to_be_visible()
    assert page.locator("#receipt").input_value() == second
    _shots(page, screenshots, "5-receipt")
    walk.check(page, "member", "the booth: the receipt")
    assert not walk.problems, "\n".join(walk.problems)

    _nothing_in_the_clear(app, w, live_server, sent, workers, nonces, first, second)
    _the_receipt_is_published_after_close(app, browser, live_server, w, second, first)


def _skeleton(body: dict) -> str:
    """The JSON with the ciphertexts (base64) blanked: short words could turn up in them by chance."""
    blank = {key: ("<base64>" if key in ("payload", "tracker") else value) for key, value in body.items()}
    if isinstance(blank.get("comments"), dict):
        blank["comments"] = {key: "<base64>" for key in blank["comments"]}
    return json.dumps(blank, ensure_ascii=False)


def _nothing_in_the_clear(app, w: Booth, base: str, sent: list[dict], workers: list[str], nonces: list[str],
                          checked: str, cast: str) -> None:
    with app.app_context():
        survey = db.session.get(Survey, w.required_id)
        field_names = [f"q{q.id}" for q in survey.questions]
        key, text_id = PublicKey.from_bytes(survey.public_key), next(q.id for q in survey.questions if q.is_free_text)
        context = ballot_box.comment_context(survey, text_id)
    # Long strings are looked for everywhere, raw bytes included; short ones (an option's words, a
    # field's name) wherever words could travel: the address and the JSON outside its ciphertexts.
    long = set().union(*(_variants(text) for text in (COMMENT, "forklift charger", "when it rains"))) | set(nonces)
    short = set().union(*(_variants(text) for text in (*CHOSEN_LABELS, "Łukasz")))
    short |= {f"{name}=" for name in field_names} | {f'"{name}"' for name in field_names}
    posts = [r for r in sent if r["method"] == "POST"]
    assert [urllib.parse.urlsplit(r["url"]).path for r in posts] == [
        f"/surveys/{w.required_id}/ballot/checked", f"/surveys/{w.required_id}/ballot",
        f"/surveys/{w.required_id}/ballot"], "the check, the checked ballot posted by hand, and the cast"
    for request in sent:
        assert request["url"].startswith(base + "/"), f"a request left the site: {request['url']}"
        raw = request["body"].decode("utf-8", "replace")
        words = request["url"] + (_skeleton(json.loads(raw)) if request["method"] == "POST" else raw)
        leaked = sorted(text for text in long if text in request["url"] + raw)
        leaked += sorted(text for text in short if text in words)
        assert not leaked, f"{request['method']} {request['url']} carries {leaked}"
        if request["method"] == "GET":
            assert not urllib.parse.urlsplit(request["url"]).query, f"a query string: {request['url']}"
    told, _, cast_body = (json.loads(r["body"]) for r in posts)
    assert told == {"tracker": checked}
    assert set(cast_body) == {"payload", "comments"} and list(cast_body["comments"]) == [str(text_id)]
    # What was sent is only ciphertexts with their proofs: a ballot the server decodes, and a sealed comment.
    payload, sealed = (base64.b64decode(cast_body["payload"]), base64.b64decode(cast_body["comments"][str(text_id)]))
    assert crypto_ballot.deserialize(payload)
    assert sealing.verify_sealed_text(key, sealed, context)
    assert not [text for text in (COMMENT, "forklift charger", "Łukasz") if text.encode() in payload + sealed]
    assert all(r["headers"].get("x-csrftoken") for r in posts)
    # The worker and what it imports: this site's static files, nothing else.
    assert workers == [f"{base}/static/js/booth/worker.js"]
    fetched = {urllib.parse.urlsplit(r["url"]).path for r in sent if r["method"] == "GET"}
    assert {"/static/js/booth/worker.js", "/static/js/booth/crypto.js", "/static/js/vendor/noble.js"} <= fetched
    assert all(path.startswith("/static/") or path == f"/surveys/{w.required_id}/answer" for path in fetched), fetched


def _the_receipt_is_published_after_close(app, browser, base: str, w: Booth, cast: str, checked: str) -> None:
    with app.app_context():
        survey = db.session.get(Survey, w.required_id)
        organizer = accounts.find_account_by_email(w.organizer)
        unit_surveys.end_voting(organizer, survey)  # as the page's "Close now" does: end voting, then the tally
        db.session.commit()
        unit_surveys.tally_and_release(organizer, survey)
        db.session.commit()
    page = _sign_in(browser, base, w.second_member)
    page.goto(f"{base}/surveys/{w.required_id}/receipts")
    listed = page.locator(".fingerprints code").all_inner_texts()
    assert listed == [cast], "the cast ballot's code is published; the checked one never is"
    page.context.close()


def test_without_javascript_a_member_answers_only_where_the_server_may_lock_the_answers(
        app, browser, live_server, booth_world, screenshots):
    w = booth_world
    page = _sign_in(browser, live_server, w.member, javascript=False)
    page.goto(f"{live_server}/surveys/{w.required_id}/answer")
    # Playwright's text and role queries skip what sits in <noscript>: CSS finds it.
    needs = page.locator("noscript .booth-needs-script")
    expect(needs).to_be_visible()
    expect(needs).to_contain_text("This survey needs JavaScript.")
    expect(page.locator("#booth-form button:visible")).to_have_count(0)
    expect(page.get_by_role("radio", name="Yes", exact=True)).to_be_disabled()  # nothing to fill in for nothing
    _shots(page, screenshots, "required-without-javascript")
    page.goto(f"{live_server}/surveys/{w.allowed_id}/answer")
    expect(page.locator("noscript p.help")).to_contain_text("with JavaScript off, the server locks (encrypts)")
    _answer(page)
    page.locator("noscript button", has_text="Send my answers").click()
    expect(page.get_by_role("heading", name="Your answers are in")).to_be_visible()
    expect(page.get_by_text("The server locked (encrypted) your answers as they arrived")).to_be_visible()
    _shots(page, screenshots, "receipt-without-javascript")
    with app.app_context():
        assert ballot_box.counts(db.session.get(Survey, w.allowed_id)) == (1, 1)
        assert ballot_box.counts(db.session.get(Survey, w.required_id)) == (0, 0)


@pytest.mark.parametrize("broken", ["no workers", "the worker does not load"])
def test_a_browser_that_cannot_lock_says_so_and_sends_through_the_server_only_where_allowed(
        app, browser, live_server, booth_world, screenshots, broken):
    w = booth_world
    page = _sign_in(browser, live_server, w.member)
    if broken == "no workers":
        page.add_init_script("delete window.Worker;")
    else:
        page.route("**/static/js/booth/worker.js", lambda route: route.fulfill(status=404, body="gone"))
    page.goto(f"{live_server}/surveys/{w.required_id}/answer")
    expect(page.get_by_text("This browser cannot lock your answers itself")).to_be_visible()
    expect(page.locator("#booth-form button:visible")).to_have_count(0)
    expect(page.get_by_role("radio", name="Yes", exact=True)).to_be_disabled()
    page.goto(f"{live_server}/surveys/{w.allowed_id}/answer")
    expect(page.get_by_text("You can still send them: the server will lock them")).to_be_visible()
    expect(page.get_by_role("button", name="Lock my answers")).to_be_hidden()
    _answer(page)
    _shots(page, screenshots, "cannot-lock")
    page.get_by_role("button", name="Send my answers for the server to lock").click()
    expect(page.get_by_text("The server locked (encrypted) your answers as they arrived")).to_be_visible()
    with app.app_context():
        assert ballot_box.counts(db.session.get(Survey, w.allowed_id)) == (1, 1)
        assert ballot_box.counts(db.session.get(Survey, w.required_id)) == (0, 0)
