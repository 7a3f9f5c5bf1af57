"""Stories in escrow in Chromium, on a 390 px phone.

1. A union with no survey key: a member finds "Save a story to tell later" on
   their home page, writes a story with a name in brackets and another listed,
   for everyone in the unit, ten days away. The archive shows its author their
   own role, coworkers only where it comes from (Dock crew is too small to say
   "a member of" it), and when it opens, never its title. Before the day a coworker finds it locked.
   The clock moves ten days; the job opens it; the coworker finds it on their
   home page and reads it with both names hidden; the author reads every name;
   a driver of another unit is refused.
2. A union with a survey key (two stewards its trustees): a member writes a
   story. Before its day the trustees' page hands out nothing. The server's
   clock moves on, the browser's does not: the trustee's browser refuses by
   its own clock and sends nothing. The browser's clock moves too: each
   trustee gives their part in the browser, the passphrase never in any
   request; the second one's page leads to the story, names hidden.

Every page is checked at 390 and 1280 px (no sideways scroll, nothing past its
box, axe), with screenshots in test-artifacts/e2e/<test>/."""

from __future__ import annotations

import base64
import re
import urllib.parse
from dataclasses import dataclass
from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from core.clock import utcnow
from core.extensions import db
from core.jobs import registry_of
from organizer.accounts import services as accounts
from organizer.charting import unions
from organizer.charting.models import Union
from organizer.escrow import jobs, services
from organizer.escrow.models import Story, StoryPart
from organizer.roles import Role
from tests import factories
from tests.e2e.test_phone_width import Walk
from tests.surveys.ceremony_helpers import passphrase_of

pytestmark = pytest.mark.e2e

WRITER = "writer@example.org"
READER = "reader@example.org"
DRIVER = "driver@example.org"
STEWARDS = ("rosa@example.org", "dev@example.org")
TITLE = "The night the fans came back"
STORY = ("On Tuesday [Marisol Quintero] walked the petition down bay four.\n\n"
         "Dwight Okafor told the shift lead to his face: the fans stay on. By Friday they were.")
NAMES = ("Marisol Quintero", "Dwight Okafor")
SLOW = 60_000


@dataclass(frozen=True)
class Dock:
    union_id: int


@pytest.fixture
def dock(app) -> Dock:
    with app.app_context():
        union = factories.create_union("Harbor Workers United", units=("Dock crew",))
        unit = union.units[0]
        drivers = unions.create_unit(factories.OrganizerOf(union), union, "Drivers")
        factories.create_account(Role.ORGANIZER, union=union, email="organizer@example.org",
                                 display_name="Olga Organizer")
        for email, name in zip(STEWARDS, ("Rosa Steward", "Dev Steward"), strict=True):
            factories.create_account(Role.STEWARD, unit=unit, email=email, display_name=name)
        factories.create_account(Role.MEMBER, unit=unit, email=WRITER, display_name="Nightshift Writer")
        factories.create_account(Role.MEMBER, unit=unit, email=READER, display_name="Coworker Reader")
        factories.create_account(Role.MEMBER, unit=drivers, email=DRIVER, display_name="Route Driver")
        # Dock crew's four accounts are the union's k: its stories keep their unit; Drivers' one is not.
        union.release_threshold = 4
        db.session.commit()
        built = Dock(union.id)
        db.session.remove()
    return built


def _sign_in(browser, base: str, email: str) -> tuple[Page, list[dict]]:
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
    return page, sent


def _move_the_servers_clock(monkeypatch, days: int) -> None:
    later = utcnow() + timedelta(days=days)
    for module in (services, jobs):
        monkeypatch.setattr(module, "utcnow", lambda: later)


def _write_a_story(page: Page, base: str, walk: Walk, opens_on: str) -> None:
    page.goto(base + "/")
    page.get_by_role("link", name="Save a story to tell later").first.click()
    page.get_by_label("A title").fill(TITLE)
    page.get_by_label("The story", exact=True).fill(STORY)
    page.get_by_label("Other names to hide (optional)").fill(NAMES[1])
    page.get_by_label("The day it opens").fill(opens_on)
    walk.check(page, "writer", "/unions/N/stories/new")
    page.get_by_role("button", name="Lock it until its day").click()
    expect(page.get_by_text("Saved and locked.")).to_be_visible()
    archive = page.inner_text("main")
    assert "Your story, from Dock crew" in archive and "you wrote it" in archive
    assert TITLE not in archive and not any(name in archive for name in NAMES)
    walk.check(page, "writer", "/unions/N/stories")


def _story_id(app) -> int:
    with app.app_context():
        found = db.session.scalar(sa.select(Story.id))
        db.session.remove()
    return found


def test_a_member_saves_a_story_and_after_its_day_a_coworker_reads_it(
        app, browser, live_server, dock, screenshots, monkeypatch):
    walk = Walk(live_server, screenshots)
    writer, _ = _sign_in(browser, live_server, WRITER)
    opens_on = (services.union_today("America/New_York") + timedelta(days=10)).isoformat()
    expect(writer.get_by_text("the server's operator could")).to_have_count(0)
    _write_a_story(writer, live_server, walk, opens_on)
    expect(writer.get_by_text("the server's operator could")).to_be_visible()
    story_id = _story_id(app)

    reader, _ = _sign_in(browser, live_server, READER)
    reader.goto(f"{live_server}/stories/{story_id}")
    expect(reader.get_by_text("This story is locked.")).to_be_visible()
    assert TITLE not in reader.inner_text("main")
    walk.check(reader, "reader", "/stories/N (locked)")

    _move_the_servers_clock(monkeypatch, 10)
    assert registry_of(app).run(app, "open_due_stories") == 1

    reader.goto(live_server + "/")
    expect(reader.get_by_text("Stories now open for you")).to_be_visible()
    walk.check(reader, "reader", "/ (a story opened)")
    # To anyone but its author a story comes "from" a place and never "by" anyone (escrow.services.Byline).
    expect(reader.get_by_text(re.compile("A story by"))).to_have_count(0)
    reader.get_by_role("link", name=re.compile(r"^A story from Dock crew")).first.click()
    expect(reader.get_by_role("heading", name="The night the fans came back")).to_be_visible()
    text = reader.inner_text("main")
    assert "walked the petition down bay four" in text and text.count("name hidden") == 2
    assert not any(name in text for name in NAMES)
    walk.check(reader, "reader", "/stories/N (open)")

    writer.goto(f"{live_server}/stories/{story_id}")
    mine = writer.inner_text("main")
    assert all(name in mine for name in NAMES) and "names you hid are marked" in mine
    walk.check(writer, "writer", "/stories/N (the author)")

    driver, _ = _sign_in(browser, live_server, DRIVER)
    response = driver.goto(f"{live_server}/stories/{story_id}")
    assert response.status == 403
    expect(driver.get_by_text("This story is for the readers its author chose.")).to_be_visible()
    assert "petition" not in driver.inner_text("main")
    walk.check(driver, "driver", "/stories/N (not for them)")
    assert walk.problems == []


def _variants(text: str) -> set[str]:
    raw = text.encode()
    return {text, urllib.parse.quote_plus(text), urllib.parse.quote(text), base64.b64encode(raw).decode(), raw.hex()}


def _give_part(page: Page, base: str, story_id: int, passphrase: str, walk: Walk, who: str) -> None:
    page.goto(f"{base}/stories/{story_id}/open")
    expect(page.locator("[data-escrow-checked]")).to_be_visible(timeout=SLOW)
    page.get_by_label("Your passphrase for the survey key").fill(passphrase)
    walk.check(page, who, "/stories/N/open (due)")
    page.get_by_role("button", name="Give my part").click()


def test_trustees_open_a_story_in_their_browsers_only_once_its_day_has_come_by_their_own_clock(
        app, browser, live_server, dock, screenshots, monkeypatch):
    walk = Walk(live_server, screenshots)
    with app.app_context():
        union = db.session.get(Union, dock.union_id)
        trustees = [accounts.find_account_by_email(email) for email in STEWARDS]
        factories.finished_ceremony(union, trustees)
        passphrases = [passphrase_of(accounts.account_ref(t)) for t in trustees]
        db.session.commit()
        db.session.remove()
    writer, _ = _sign_in(browser, live_server, WRITER)
    opens_on = (services.union_today("America/New_York") + timedelta(days=10)).isoformat()
    _write_a_story(writer, live_server, walk, opens_on)
    expect(writer.get_by_text("Locked with the union's survey key.")).to_be_visible()
    story_id = _story_id(app)

    rosa, rosa_sent = _sign_in(browser, live_server, STEWARDS[0])
    rosa.goto(f"{live_server}/stories/{story_id}/open")
    expect(rosa.get_by_text("Its day has not come")).to_be_visible()
    expect(rosa.get_by_label("Your passphrase for the survey key")).to_have_count(0)
    walk.check(rosa, "trustee", "/stories/N/open (not yet)")

    # The server's clock moves on and hands out the task; this browser's clock has not: it refuses, sends nothing.
    _move_the_servers_clock(monkeypatch, 10)
    rosa.goto(f"{live_server}/stories/{story_id}/open")
    expect(rosa.get_by_text("By this device's clock the story's day has not come")).to_be_visible(timeout=SLOW)
    expect(rosa.get_by_role("button", name="Give my part")).to_be_disabled()
    walk.check(rosa, "trustee", "/stories/N/open (refused by the device)")
    assert not [r for r in rosa_sent if r["url"].endswith(f"/stories/{story_id}/part")]

    # The browsers' clocks reach the day too: each trustee gives their part there.
    later = utcnow() + timedelta(days=10)
    dev, dev_sent = _sign_in(browser, live_server, STEWARDS[1])
    for page in (rosa, dev):
        page.clock.set_fixed_time(later)
    _give_part(rosa, live_server, story_id, passphrases[0], walk, "trustee")
    expect(rosa.get_by_text("You have given your part.")).to_be_visible(timeout=SLOW)
    _give_part(dev, live_server, story_id, passphrases[1], walk, "second trustee")
    dev.wait_for_url(f"{live_server}/stories/{story_id}", timeout=SLOW)
    text = dev.inner_text("main")
    assert "walked the petition down bay four" in text and not any(name in text for name in NAMES)
    walk.check(dev, "second trustee", "/stories/N (opened by the trustees)")
    with app.app_context():
        assert db.session.get(Story, story_id).is_open
        assert db.session.scalar(sa.select(sa.func.count()).select_from(StoryPart)) == 2
        db.session.remove()

    for sent, passphrase in ((rosa_sent, passphrases[0]), (dev_sent, passphrases[1])):
        for request in sent:
            blob = request["url"] + repr(request["headers"]) + request["body"].decode("latin-1")
            assert not any(v in blob for v in _variants(passphrase)), request["url"]
    writer.goto(f"{live_server}/stories/{story_id}")
    assert all(name in writer.inner_text("main") for name in NAMES)
    assert walk.problems == []
