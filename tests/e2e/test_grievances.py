"""A member reports a problem at work in Chromium on a 390 px phone, and a
steward opens it and answers, each in their own browser.

The steward makes their key for reports on its page (the passphrase typed into
the page only); the member finds "Report a problem at work" on their home
page, fills the form, stays anonymous to the steward, chooses a passphrase and
sends; the steward opens the report with their passphrase and reads it there,
answers, and takes its first step; the member opens the answer with their own
passphrase and adds to the report.

The codes of the stewards' keys are worked out in each browser from the keys
it seals to, never written by the server: the code the member sees beside the
steward's name is the one the steward's key page shows (and checks against
their passphrase), and both are Python's code of the key the stored report is
sealed to.

A second steward makes their key after the report was sent: they cannot open
it, until the first steward's browser passes the thread on to them (a copy of
each message's key, made there), from the report's page; once they lose
their passphrase and make a new key, the first steward passes it on again,
from the unit's list of reports.

Every request both browsers send is captured, headers and bodies included:
none carries what was written (the report, the answer, the addition) or a
passphrase, in any encoding. What the server stored opens with the keys the
browsers made (crypto/reports.py reads what static/js/grievances sealed).
Each page fits a 390 px phone and a 1280 px desk and passes axe (the checks
of tests/e2e/test_phone_width.py); screenshots go to
test-artifacts/e2e/<this test>/."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from core.extensions import db
from crypto import reports
from crypto.group import Point, Scalar
from crypto.sealing import open_with_passphrase
from organizer.accounts import services as accounts
from organizer.grievances import keys, services
from organizer.grievances.models import Grievance, MessageKind, Step
from organizer.roles import Role
from tests import factories
from tests.e2e.test_key_ceremony import _variants
from tests.e2e.test_phone_width import Walk
from tests.organizer.grievances import helpers as grievance_helpers

pytestmark = pytest.mark.e2e

STEWARD = "rosa@example.org"
LATER = "dev@example.org"
MEMBER = "docker@example.org"
PASSPHRASES = {STEWARD: "forklift nine never stops for lunch", MEMBER: "my mother's kitchen had a blue door",
               LATER: "the gate by dock two sticks in winter"}
#: What the later steward chooses once they lost the first passphrase.
LATER_AGAIN = "the east door alarm rings at six"
WHAT = "Since May the Saturday overtime is missing from my pay stub, about six hours each week."
WANTED = "Pay the hours owed and fix the timeclock."
ANSWER = "Thank you. Bring a pay stub to the break room on Tuesday; we file at step one after."
ADDED = "The timeclock at the east door skips the last punch of the night."
SLOW = 60_000


@dataclass(frozen=True)
class Dock:
    unit_id: int
    union_id: int


@pytest.fixture
def dock(app) -> Dock:
    with app.app_context():
        union = factories.create_union("Harbor Workers United", units=("Dock crew",))
        unit = union.units[0]
        factories.create_account(Role.ORGANIZER, union=union, email="organizer@example.org")
        factories.create_account(Role.STEWARD, unit=unit, email=STEWARD, display_name="Rosa Steward")
        factories.create_account(Role.STEWARD, unit=unit, email=LATER, display_name="Dev Steward")
        factories.create_account(Role.MEMBER, unit=unit, email=MEMBER, display_name="Dana Docker")
        db.session.commit()
        built = Dock(unit.id, union.id)
        db.session.remove()
    return built


@dataclass
class Person:
    email: str
    page: Page
    sent: list[dict]


def _sign_in(browser, base: str, email: str) -> Person:
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
    return Person(email, page, sent)


def _shot(page: Page, folder: Path, name: str) -> None:
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 900})


def _own_code(page: Page) -> str:
    """The code the key page works out from the steward's key (the server writes none)."""
    code = page.locator("[data-grievance-fingerprint]")
    expect(code).to_have_text(re.compile(r"^[0-9A-F]{4}(-[0-9A-F]{4}){3}$"), timeout=SLOW)
    return code.inner_text()


def _make_key(page: Page, base: str, passphrase: str, button: str) -> str:
    if not page.url.endswith("/steward/report-key"):
        page.goto(f"{base}/steward/report-key")
    page.get_by_label("Choose a passphrase for your key").fill(passphrase)
    page.get_by_label("Type it again").fill(passphrase)
    with page.expect_navigation(timeout=SLOW):
        page.get_by_role("button", name=button).click()
    expect(page.get_by_text("Your key is made.")).to_be_visible()
    return _own_code(page)


def _open_as_steward(page: Page, passphrase: str) -> None:
    page.get_by_label("Your passphrase for members' reports").fill(passphrase)
    page.get_by_role("button", name="Open it here").click()
    expect(page.locator("[data-grievance-opened]")).to_be_visible(timeout=SLOW)


def test_a_member_reports_at_390px_and_the_steward_opens_it_with_nothing_in_the_clear_on_the_wire(
        app, browser, live_server, dock, screenshots):
    walk = Walk(live_server, None)
    steward = _sign_in(browser, live_server, STEWARD)
    member = _sign_in(browser, live_server, MEMBER)

    # The steward is told to make a key, and makes it on this device.
    page = steward.page
    page.get_by_role("link", name="reports from members").click()
    expect(page.get_by_text("You have no key for members' reports yet")).to_be_visible()
    walk.check(page, "steward", "reports from members, no key yet")
    page.get_by_role("link", name="Make your key").click()
    page.get_by_label("Choose a passphrase for your key").fill(PASSPHRASES[STEWARD])
    page.get_by_label("Type it again").fill(PASSPHRASES[STEWARD])
    walk.check(page, "steward", "the key page")
    _shot(page, screenshots, "01-steward-key")
    with page.expect_navigation(timeout=SLOW):
        page.get_by_role("button", name="Make my key").click()
    expect(page.get_by_text("Your key is made.")).to_be_visible()
    code = _own_code(page)
    # The steward checks that the code is their own key's: their passphrase opens that very key.
    page.get_by_text("Check that this code is your own key's").click()
    page.get_by_label("Your passphrase for members' reports").fill(PASSPHRASES[STEWARD])
    page.get_by_role("button", name="Check it").click()
    expect(page.get_by_text("Checked: your passphrase opens this key")).to_be_visible(timeout=SLOW)
    _shot(page, screenshots, "02-steward-key-made")

    # The member reports from their home page, anonymous to the steward.
    page = member.page
    page.get_by_role("link", name="Report a problem at work").click()
    expect(page.get_by_text("Rosa Steward")).to_be_visible()
    expect(page.locator("[data-steward-code]")).to_have_text([code])
    expect(page.get_by_text("Not yet able to read reports (no key made yet): Dev Steward.")).to_be_visible()
    walk.check(page, "member", "report a problem at work")
    page.get_by_role("button", name="Lock and send my report").click()
    expect(page.locator("[data-grievance-error]")).to_have_text("Choose what the problem is about.")
    page.get_by_label("What is it about?").select_option("wage_hour")
    page.get_by_label("What happened?").fill(WHAT)
    page.get_by_label("When did it happen?").select_option("month")
    page.get_by_label("The month").fill("2026-05")
    page.get_by_label("How many others does it happen to?").fill("6")
    page.get_by_label("What do you want done?").fill(WANTED)
    page.get_by_label("May your steward know it is you?").select_option("no")
    page.get_by_label("Choose a passphrase to read your stewards' answers").fill(PASSPHRASES[MEMBER])
    page.get_by_label("Type it again").fill(PASSPHRASES[MEMBER])
    _shot(page, screenshots, "03-member-report-form")
    page.get_by_role("button", name="Lock and send my report").click()
    expect(page.get_by_text("Your report is sent, sealed to your stewards.")).to_be_visible(timeout=SLOW)
    report_url = page.url
    walk.check(page, "member", "their report")
    page.get_by_label("Your passphrase for this report").fill(PASSPHRASES[MEMBER])
    page.get_by_role("button", name="Open them here").click()
    expect(page.get_by_text(WHAT)).to_be_visible(timeout=SLOW)
    expect(page.get_by_text("You chose not to say who you are.")).to_be_visible()
    _shot(page, screenshots, "04-member-report-opened")

    # The steward opens it with their passphrase, answers, and takes the first step.
    page = steward.page
    page.goto(f"{live_server}/units/{dock.unit_id}/grievances")
    walk.check(page, "steward", "reports from members")
    _shot(page, screenshots, "05-steward-list")
    page.get_by_role("link", name="Pay and hours (overtime, breaks, missing pay)").click()
    expect(page.get_by_role("button", name="Lock and send my answer")).to_be_disabled()
    page.get_by_label("Your passphrase for members' reports").fill(PASSPHRASES[STEWARD])
    page.get_by_role("button", name="Open it here").click()
    expect(page.get_by_text(WHAT)).to_be_visible(timeout=SLOW)
    expect(page.get_by_text("They chose not to say who they are.")).to_be_visible()
    expect(page.get_by_text("Dana Docker")).to_have_count(0)
    walk.check(page, "steward", "the report, opened")
    _shot(page, screenshots, "06-steward-report-opened")
    page.get_by_label("Your answer").fill(ANSWER)
    page.get_by_role("button", name="Lock and send my answer").click()
    expect(page.get_by_text("Your answer is sent, sealed to the member.")).to_be_visible(timeout=SLOW)
    page.get_by_label("Move it to").select_option("investigating")
    page.get_by_role("button", name="Save the step").click()
    expect(page.get_by_text("Moved to Investigating.")).to_be_visible()
    _shot(page, screenshots, "07-steward-step")

    # The member reads the answer with their own passphrase, and adds to the report.
    page = member.page
    page.goto(report_url)
    expect(page.get_by_text("Investigating").first).to_be_visible()
    page.get_by_label("Your passphrase for this report").fill(PASSPHRASES[MEMBER])
    page.get_by_role("button", name="Open them here").click()
    expect(page.get_by_text(ANSWER)).to_be_visible(timeout=SLOW)
    page.get_by_label("What you want to add").fill(ADDED)
    page.get_by_role("button", name="Lock and send", exact=True).click()
    expect(page.get_by_text("Added, sealed to your stewards.")).to_be_visible(timeout=SLOW)
    walk.check(page, "member", "their report, answered")
    _shot(page, screenshots, "08-member-answered")

    # A second steward makes their key now: the report was sealed before, so it is closed to them.
    later = _sign_in(browser, live_server, LATER)
    page = later.page
    later_code = _make_key(page, live_server, PASSPHRASES[LATER], "Make my key")
    page.goto(report_url.replace("/my/reports/", "/grievances/"))
    _open_as_steward(page, PASSPHRASES[LATER])
    expect(page.get_by_text("Not sealed to your key").first).to_be_visible(timeout=SLOW)
    expect(page.get_by_text(WHAT)).to_have_count(0)

    # The first steward opens the report: their page offers to pass it on, naming Dev with the code it works out.
    page = steward.page
    page.goto(report_url.replace("/my/reports/", "/grievances/"))
    _open_as_steward(page, PASSPHRASES[STEWARD])
    expect(page.get_by_text("Stewards who cannot open this report yet")).to_be_visible(timeout=SLOW)
    offered = page.locator("[data-grievance-pass-on-list] li")
    expect(offered).to_have_count(1)
    expect(offered).to_contain_text("Dev Steward")
    expect(offered.locator("[data-steward-code]")).to_have_text(later_code)
    walk.check(page, "steward", "the report, with a steward to pass it on to")
    _shot(page, screenshots, "09-steward-pass-on")
    page.get_by_role("button", name="Let them open it").click()
    expect(page.get_by_text("Done: those stewards can open it now.")).to_be_visible(timeout=SLOW)

    # Now the second steward reads the whole thread, and still nothing says who sent it.
    page = later.page
    page.reload()
    _open_as_steward(page, PASSPHRASES[LATER])
    for text in (WHAT, ANSWER, ADDED):
        expect(page.get_by_text(text)).to_be_visible(timeout=SLOW)
    expect(page.get_by_text("They chose not to say who they are.")).to_be_visible()
    expect(page.get_by_text("Dana Docker")).to_have_count(0)
    _shot(page, screenshots, "10-later-steward-reads")

    # The second steward loses their passphrase and makes a new key; the first passes the reports on again,
    # this time from the unit's list of reports.
    page.goto(f"{live_server}/steward/report-key")
    page.get_by_text("Make a new key (if you lost your passphrase)").click()
    newer_code = _make_key(page, live_server, LATER_AGAIN, "Make a new key")
    assert newer_code != later_code
    page = steward.page
    page.goto(f"{live_server}/units/{dock.unit_id}/grievances")
    expect(page.get_by_text("Stewards who cannot open earlier reports yet")).to_be_visible()
    expect(page.locator("[data-grievance-pass-on-list] [data-steward-code]")).to_have_text([newer_code])
    walk.check(page, "steward", "reports from members, with reports to pass on")
    _shot(page, screenshots, "11-steward-pass-on-list")
    page.get_by_label("Your passphrase for members' reports").fill(PASSPHRASES[STEWARD])
    page.get_by_role("button", name="Let them open these reports").click()
    expect(page.get_by_text("Done: those stewards can open these reports now.")).to_be_visible(timeout=SLOW)
    page = later.page
    page.goto(report_url.replace("/my/reports/", "/grievances/"))
    _open_as_steward(page, LATER_AGAIN)
    expect(page.get_by_text(WHAT)).to_be_visible(timeout=SLOW)
    assert not walk.problems, "\n".join(walk.problems)

    # What the server keeps is what the browsers sealed: it opens with their keys, here in Python.
    with app.app_context():
        grievance = db.session.scalar(sa.select(Grievance))
        assert grievance.step == Step.INVESTIGATING
        assert [m.kind for m in grievance.messages] == [MessageKind.REPORT, MessageKind.REPLY, MessageKind.ADDITION]
        secret = Scalar.from_bytes(open_with_passphrase(
            grievance.member_sealed_secret, PASSPHRASES[MEMBER],
            associated_data=reports.member_key_context(grievance.public_id)))
        texts = [reports.open_message(secret, m.envelope, services.context_of(grievance, m.kind))
                 for m in grievance.messages]
        report = json.loads(texts[0])
        assert (report["what"], report["wanted"], report["when"], report["others"], report["name"]) == (
            WHAT, WANTED, "2026-05", 6, None)
        assert json.loads(texts[1])["text"] == ANSWER and json.loads(texts[2])["text"] == ADDED
        rosa = accounts.find_account_by_email(STEWARD)
        assert len(keys.keys_of(rosa)) == 1
        # The codes the browsers showed are Python's codes of the keys the stored report is sealed to.
        sealed_to = reports.parse_message(grievance.messages[0].envelope).recipients
        assert reports.key_fingerprint(Point.from_bytes(sealed_to[0])) == code
        assert sealed_to[0] == keys.current_key(rosa).public_key
        dev = accounts.find_account_by_email(LATER)
        assert [reports.key_fingerprint(Point.from_bytes(k.public_key)) for k in keys.keys_of(dev)] == [
            later_code, newer_code]
        # Each message's key went to Dev's two keys as copies only: the server never saw a key in the clear.
        rosa_secret = Scalar.from_bytes(open_with_passphrase(keys.current_key(rosa).sealed_secret, PASSPHRASES[STEWARD],
                                                             associated_data=keys.key_context(rosa)))
        content_keys = [reports.content_key(rosa_secret, m.envelope, services.context_of(grievance, m.kind))
                        for m in grievance.messages]
        assert [len(m.copies) for m in grievance.messages] == [2, 2, 2]

    # Nothing written and no passphrase went anywhere: not in an address, a header or a body.
    posts = 0
    for person in (steward, member, later):
        for request in person.sent:
            posts += bool(request["body"])
            wire = request["url"] + json.dumps(request["headers"]) + request["body"].decode("utf-8", "replace")
            for secret in (WHAT, WANTED, ANSWER, ADDED, *PASSPHRASES.values(), LATER_AGAIN,
                           *(key.hex() for key in content_keys)):
                leaked = [v for v in _variants(secret) if v in wire]
                assert not leaked, f"{person.email}'s browser sent {secret[:20]!r} to {request['url']}"
            assert "Saturday overtime" not in wire and "timeclock" not in wire
    assert posts >= 9, ("the browsers posted the keys, the report, the answer, the step, the addition and the "
                        "copies twice")


def test_when_a_steward_makes_a_key_while_a_member_writes_the_page_shows_it_before_sealing_to_it(
        app, browser, live_server, dock, screenshots):
    """The server answers that the keys changed: the page names the new steward with the code it works out
    from the new key, seals nothing to it until the member sends again, and then seals to exactly the keys
    it shows."""
    with app.app_context():
        rosa_secret = grievance_helpers.steward_key(accounts.find_account_by_email(STEWARD))
        db.session.commit()
    member = _sign_in(browser, live_server, MEMBER)
    page = member.page
    page.goto(f"{live_server}/my/reports/new")
    codes = page.locator("[data-grievance-stewards] [data-steward-code]")
    expect(codes).to_have_text([reports.key_fingerprint(Point.base_times(rosa_secret))], timeout=SLOW)
    page.get_by_label("What is it about?").select_option("safety_health")
    page.get_by_label("What happened?").fill(WHAT)
    page.get_by_label("May your steward know it is you?").select_option("no")
    page.get_by_label("Choose a passphrase to read your stewards' answers").fill(PASSPHRASES[MEMBER])
    page.get_by_label("Type it again").fill(PASSPHRASES[MEMBER])
    # Meanwhile Dev makes a key.
    with app.app_context():
        dev_secret = grievance_helpers.steward_key(accounts.find_account_by_email(LATER))
        db.session.commit()
    page.get_by_role("button", name="Lock and send my report").click()
    expect(page.locator("[data-grievance-error]")).to_contain_text("The stewards' keys changed", timeout=SLOW)
    expected = [reports.key_fingerprint(Point.base_times(s)) for s in (rosa_secret, dev_secret)]
    expect(codes).to_have_text(expected)
    expect(page.locator("[data-grievance-stewards]")).to_contain_text("Dev Steward")
    expect(page.get_by_text("Not yet able to read reports")).to_be_hidden()
    _shot(page, screenshots, "01-keys-changed")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Grievance)) == 0
    page.get_by_role("button", name="Lock and send my report").click()
    expect(page.get_by_text("Your report is sent, sealed to your stewards.")).to_be_visible(timeout=SLOW)
    with app.app_context():
        grievance = db.session.scalar(sa.select(Grievance))
        assert list(reports.parse_message(grievance.messages[0].envelope).recipients) == [
            Point.base_times(rosa_secret).to_bytes(), Point.base_times(dev_secret).to_bytes(), grievance.member_key]
