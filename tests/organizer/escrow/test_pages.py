"""Stories in escrow over HTTP: the archive shows who wrote a story and when it
opens, never a word of it; a refused story (a day already past, no readers,
nothing written, too long) is a 400 with words and stores nothing; a story's
page is locked before its day, open after for its readers, a 403 for the
rest; a trustee's page hands out nothing before the day and its endpoint
refuses a part until then; the home page leads to all of it."""

from __future__ import annotations

import base64
import json
import re
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

import pytest
import sqlalchemy as sa

from core.extensions import db
from organizer.accounts.services import find_account_by_email
from organizer.audit.models import AuditAction, AuditEntry
from organizer.charting import unions
from organizer.charting.models import BargainingUnit, Union
from organizer.escrow import services
from organizer.escrow.models import Story, StoryReaders
from organizer.roles import Role
from tests import csrf, factories
from tests.organizer.escrow.builders import NAMES, TEXT, TITLE, StoryTrustee, save, trustee_key
from tests.surveys.helpers import run_job

DRIVER = "driver@example.org"
SECOND_STEWARD = "second.steward@example.org"


@dataclass(frozen=True)
class Site:
    union_id: int
    unit_id: int
    drivers_id: int


@pytest.fixture
def site(app, world) -> Site:
    with app.app_context():
        union = db.session.get(Union, world.union_id)
        unit = db.session.get(BargainingUnit, world.unit_id)
        drivers = unions.create_unit(factories.OrganizerOf(union), union, "Drivers")
        factories.create_account(Role.STEWARD, unit=unit, email=SECOND_STEWARD)
        factories.create_account(Role.MEMBER, unit=drivers, email=DRIVER)
        # k of 3: the unit's accounts are enough for its stories to keep their unit; Drivers' one is not.
        union.release_threshold = 3
        db.session.commit()
        built = Site(union.id, unit.id, drivers.id)
        db.session.remove()
    return built


@contextmanager
def services_of(app):
    """An app context for the services, left before the next request (requests must not share `g`)."""
    with app.app_context():
        yield
        db.session.commit()
        db.session.remove()


def _story(app, site, author: str, **changes) -> int:
    with services_of(app):
        union = db.session.get(Union, site.union_id)
        unit = db.session.get(BargainingUnit, site.unit_id)
        return save(find_account_by_email(author), union, unit, **changes).id


def _count(app) -> int:
    with app.app_context():
        found = db.session.scalar(sa.select(sa.func.count()).select_from(Story))
        db.session.remove()
    return found


def _form(site, **changes) -> dict:
    with_day = {"title": TITLE, "text": TEXT, "hidden_names": "Dwight Okafor-Lindqvist", "unit_id": str(site.unit_id),
                "readers": "unit", "opening": "on_date"}
    with_day.update(changes)
    return with_day


def _later(days: int) -> str:
    return (services.union_today("America/New_York") + timedelta(days=days)).isoformat()


def _page(response) -> str:
    return response.get_data(as_text=True)


# -- writing ------------------------------------------------------------------------------------------

def test_a_member_saves_a_story_and_the_archive_shows_who_and_when_but_no_word_of_it(app, world, site, login):
    client = login(app.test_client(), world.member)
    page = _page(client.get("/"))
    assert f'href="/unions/{site.union_id}/stories/new"' in page and "Save a story to tell later" in page
    form = client.get(f"/unions/{site.union_id}/stories/new")
    assert form.status_code == 200
    assert "the server&#39;s operator could" in _page(form) or "the server's operator could" in _page(form)
    saved = client.post(f"/unions/{site.union_id}/stories/new", data=_form(site, opens_on=_later(30)))
    assert saved.status_code == 302 and saved.headers["Location"] == f"/unions/{site.union_id}/stories"
    archive = _page(client.get(saved.headers["Location"]))
    assert "Saved and locked" in archive
    assert "Your story, from" in archive and "Dock crew" in archive and "you wrote it" in archive
    for words in (TITLE, *NAMES, "petition"):
        assert words not in archive
    with app.app_context():
        story = db.session.scalars(sa.select(Story)).one()
        assert story.readers == StoryReaders.UNIT and story.opens_on.isoformat() == _later(30)
        db.session.remove()


@pytest.mark.parametrize(("changes", "says"), [
    ({"opens_on": "yesterday"}, "That day is already past"),
    ({"text": "   "}, "Write the story: it is empty."),
    ({"text": "w" * (services.TEXT_MAX + 1)}, "Keep it to 20000 characters or fewer"),
    ({"readers": "named"}, "Nobody but you could read it"),
    ({"opens_on": ""}, "Choose the day it may be told."),
    ({"unit_id": "999"}, "Not a valid choice"),
    ({"readers": "everyone"}, "Not a valid choice"),
])
def test_a_refused_story_is_a_400_with_words_and_nothing_is_stored(app, world, site, login, changes, says):
    if changes.get("opens_on") == "yesterday":
        changes = {"opens_on": _later(-1)}
    client = login(app.test_client(), world.member)
    data = _form(site, opens_on=_later(5))
    data.update(changes)
    response = client.post(f"/unions/{site.union_id}/stories/new", data=data)
    assert response.status_code == 400
    assert says in _page(response)
    assert _count(app) == 0


def test_outsiders_reach_neither_the_archive_nor_its_stories(app, world, site, login):
    story_id = _story(app, site, world.member, opens_on=services.union_today("America/New_York"))
    client = login(app.test_client(), world.other_organizer)
    for url in (f"/unions/{site.union_id}/stories", f"/unions/{site.union_id}/stories/new", f"/stories/{story_id}",
                f"/stories/{story_id}/open"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/unions/{site.union_id}/stories/new", data=_form(site, opens_on=_later(1))).status_code == 404
    assert _count(app) == 1


# -- reading --------------------------------------------------------------------------------------------

def test_a_story_is_locked_before_its_day_and_then_opens_for_its_readers_only(app, world, site, login, clock):
    story_id = _story(app, site, world.member)
    member, coworker_steward, driver = (login(app.test_client(), email) for email in (world.member, world.steward,
                                                                                       DRIVER))
    for client in (member, coworker_steward):
        page = client.get(f"/stories/{story_id}")
        assert page.status_code == 200
        assert "This story is locked" in _page(page) and TITLE not in _page(page)
    # The driver is in the union but not among its readers: the archive lists it, unlinked; its page refuses.
    before = driver.get(f"/stories/{story_id}")
    assert before.status_code == 403 and "for the readers its author chose" in _page(before)
    listed = _page(driver.get(f"/unions/{site.union_id}/stories"))
    # Dock crew has fewer than k accounts: its "member" would narrow the author to a few, so the role is not said.
    assert "A story by" not in listed and "A story from" in listed and f'href="/stories/{story_id}"' not in listed
    assert "not among its readers" in listed
    clock.days_later(10)
    with services_of(app):
        run_job(app, "open_due_stories")
    mine = _page(member.get(f"/stories/{story_id}"))
    assert "How <mark" in mine and "</mark> won the heat breaks" in mine
    assert all(f">{name}</mark>" in mine for name in NAMES) and "names you hid are marked" in mine
    theirs = coworker_steward.get(f"/stories/{story_id}")
    assert theirs.status_code == 200
    assert "name hidden" in _page(theirs) and "walked the petition down bay four" in _page(theirs)
    assert not any(name in _page(theirs) for name in NAMES)
    refused = driver.get(f"/stories/{story_id}")
    assert refused.status_code == 403 and "for the readers its author chose" in _page(refused)
    assert "walked the petition" not in _page(refused)
    home = _page(coworker_steward.get("/"))
    assert "Stories now open for you" in home and f'href="/stories/{story_id}"' in home
    assert f'href="/stories/{story_id}"' not in _page(driver.get("/"))


# -- the trustees ---------------------------------------------------------------------------------------

def _task(page: str) -> dict | None:
    found = re.search(r'<script type="application/json" id="escrow-task">(.*?)</script>', page, re.S)
    return json.loads(found.group(1)) if found else None


def _post_part(client, story_id: int, part: bytes):
    """As the page's script posts it: JSON, with the page's CSRF token in a header."""
    page = _page(client.get(f"/stories/{story_id}/open"))
    token = re.search(r'data-csrf="([^"]+)"', page).group(1)
    return client.post(f"/stories/{story_id}/part", json={"partial": base64.b64encode(part).decode()},
                       headers={"X-CSRFToken": token})


def test_the_trustees_page_and_endpoint_refuse_until_the_day_and_then_open_the_story(app, world, site, clock,
                                                                                   csrf_on):
    with services_of(app):
        union = db.session.get(Union, site.union_id)
        trustee_key(union, [find_account_by_email(world.steward), find_account_by_email(world.organizer)])
    story_id = _story(app, site, world.member)
    steward = csrf.sign_in(app.test_client(), world.steward)
    page = steward.get(f"/stories/{story_id}/open")
    assert page.status_code == 200 and _task(_page(page)) is None
    assert "Its day has not come" in _page(page)
    with services_of(app):
        story = db.session.get(Story, story_id)
        me = find_account_by_email(world.steward)
        early = StoryTrustee(me).part_from_material(story, services.ceremony.material_for(
            story.key_ceremony_id, services.account_ref(me)))
    opens_on = _later(10)
    refused = _post_part(steward, story_id, early)
    assert refused.status_code == 400 and "day has not come" in refused.get_json()["error"]
    unsigned = steward.post(f"/stories/{story_id}/part", json={"partial": base64.b64encode(early).decode()})
    assert unsigned.status_code == 400 and "expired" in unsigned.get_json()["error"]
    clock.days_later(10)
    task = _task(_page(steward.get(f"/stories/{story_id}/open")))
    assert task["terms"]["opens_on"] == opens_on and task["terms"]["story_id"] == _public_id(app, story_id)
    assert "passphrase" not in json.dumps(task).lower().replace("sealed_secret", "")
    with services_of(app):
        part = StoryTrustee(find_account_by_email(world.steward)).part(db.session.get(Story, story_id))
    given = _post_part(steward, story_id, part)
    assert given.status_code == 201 and given.get_json() == {"given": 1, "opened": False, "story": None}
    organizer = csrf.sign_in(app.test_client(), world.organizer)
    assert "Stories waiting for your part as trustee" in _page(organizer.get("/"))
    with services_of(app):
        part = StoryTrustee(find_account_by_email(world.organizer)).part(db.session.get(Story, story_id))
    opened = _post_part(organizer, story_id, part)
    assert opened.status_code == 201 and opened.get_json() == {"given": 2, "opened": True,
                                                               "story": f"/stories/{story_id}"}
    assert "won the heat breaks" in _page(csrf.sign_in(app.test_client(), world.member).get(f"/stories/{story_id}"))
    assert "there is nothing left to do" in _page(steward.get(f"/stories/{story_id}/open"))


def _public_id(app, story_id: int) -> str:
    with app.app_context():
        found = db.session.get(Story, story_id).public_id
        db.session.remove()
    return found


def test_an_organizer_records_the_recognition_once_and_the_audit_log_says_so(app, world, site, login):
    today = services.union_today("America/New_York").isoformat()
    member = login(app.test_client(), world.member)
    assert member.post(f"/unions/{site.union_id}/recognition",
                       data={"recognised_on": today, "understood": "y"}).status_code == 403
    organizer = login(app.test_client(), world.organizer)
    unticked = organizer.post(f"/unions/{site.union_id}/recognition", data={"recognised_on": today})
    assert unticked.status_code == 400 and "Tick the box" in _page(unticked)
    done = organizer.post(f"/unions/{site.union_id}/recognition", data={"recognised_on": today, "understood": "y"})
    assert done.status_code == 302
    again = organizer.post(f"/unions/{site.union_id}/recognition", data={"recognised_on": today, "understood": "y"})
    assert again.status_code == 400 and "recorded already" in _page(again)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
            AuditEntry.action == AuditAction.UNION_RECOGNISED)) == 1
        db.session.remove()
    assert "The union was recognised on" in _page(organizer.get(f"/unions/{site.union_id}/stories"))
