"""Stories in escrow through their services, in both modes: nothing opens before
its day (not for the server, not for the job, not for the trustees); on the day
it opens for the readers its author chose and for nobody else; the names the
author hid reach nobody but the author."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from flask import render_template_string

from core.extensions import db
from crypto.threshold import PartialDecryption
from organizer.audit.models import AuditAction, AuditEntry
from organizer.errors import DomainError, NotAllowed
from organizer.charting import unions
from organizer.escrow import jobs, services
from organizer.escrow.models import Story, StoryKey, StoryOpening, StoryPart, StoryReaders, StoryState
from organizer.escrow.redaction import plain_text
from organizer.roles import Role
from tests import factories
from tests.organizer.escrow.builders import NAMES, TITLE, StoryTrustee, save, trustee_key
from tests.surveys.helpers import run_job


def words_of(page: services.StoryPage) -> str:
    """Everything a reader is given of a story, as text (a hidden name as "∎")."""
    return "\n".join([plain_text(page.title, "∎"), *(plain_text(p, "∎") for p in page.paragraphs)])


# -- the server's key -------------------------------------------------------------------------------

def test_without_a_survey_key_a_story_is_sealed_to_a_key_the_server_opens_only_on_its_day(app, people, clock):
    story = save(people.member, people.union, people.unit)
    db.session.commit()
    assert story.key_mode == StoryKey.SERVER and story.server_secret is not None
    assert story.state == StoryState.SEALED
    assert not services.open_with_server_key(story)
    assert run_job(app, "open_due_stories") == 0
    # The day before, by the union's clock: still nothing.
    clock.days_later(9)
    assert run_job(app, "open_due_stories") == 0
    story = db.session.get(Story, story.id)
    assert not story.is_open and story.opened_payload is None
    assert services.story_page(people.member, story).paragraphs is None
    clock.days_later(1)
    assert run_job(app, "open_due_stories") == 1
    assert run_job(app, "open_due_stories") == 0, "a second run opens nothing again"
    story = db.session.get(Story, story.id)
    assert story.is_open and story.server_secret is None, "the server forgets the key once it has opened the story"
    assert words_of(services.story_page(people.member, story)).startswith(TITLE)


def test_once_open_a_story_reads_for_its_chosen_readers_only_with_the_hidden_names_for_its_author_alone(
        app, people, clock):
    story = save(people.member, people.union, people.unit)
    db.session.commit()
    clock.days_later(10)
    run_job(app, "open_due_stories")
    story = db.session.get(Story, story.id)
    mine = words_of(services.story_page(people.member, story))
    assert all(name in mine for name in NAMES), "the author reads every name"
    assert "[" not in mine, "the brackets are marks, not words"
    for reader in (people.coworker, people.steward, people.organizer):
        theirs = words_of(services.story_page(reader, story))
        assert not any(name in theirs for name in NAMES), reader.email
        assert "∎ walked the petition down bay four" in theirs and "∎ told the shift lead" in theirs
        assert theirs.startswith("How ∎ won the heat breaks")
    with pytest.raises(NotAllowed):
        services.story_page(people.member_elsewhere, story)
    with pytest.raises(NotAllowed):
        services.story_page(people.outsider, story)


@pytest.mark.parametrize(("readers", "admitted", "refused"), [
    (StoryReaders.UNION, ("coworker", "steward", "second_steward", "organizer", "member_elsewhere"), ("outsider",)),
    (StoryReaders.UNIT, ("coworker", "steward", "second_steward", "organizer"), ("member_elsewhere", "outsider")),
    (StoryReaders.OFFICERS, ("steward", "second_steward", "organizer"), ("coworker", "member_elsewhere", "outsider")),
    (StoryReaders.NAMED, ("second_steward",), ("coworker", "steward", "organizer", "member_elsewhere", "outsider")),
])
def test_each_kind_of_readers_takes_in_whom_it_says(app, people, clock, readers, admitted, refused):
    named = (people.second_steward.id,) if readers == StoryReaders.NAMED else ()
    story = save(people.member, people.union, people.unit, readers=readers, reader_ids=named)
    db.session.commit()
    for who in admitted + refused:
        assert not services.may_read(getattr(people, who), story), f"{who} reads it before its day"
        assert services.is_among_readers(getattr(people, who), story) == (who in admitted), who
    clock.days_later(10)
    run_job(app, "open_due_stories")
    story = db.session.get(Story, story.id)
    for who in admitted:
        assert services.may_read(getattr(people, who), story), who
    for who in refused:
        assert not services.may_read(getattr(people, who), story), who
    assert services.may_read(people.member, story), "the author always"
    assert {a.id for a in services.readers_of(story)} == {people.member.id} | {getattr(people, w).id for w in admitted}


def test_an_account_made_after_the_story_is_neither_its_author_nor_a_named_reader(app, people, clock):
    story = save(people.member, people.union, people.unit, readers=StoryReaders.NAMED,
                 reader_ids=(people.second_steward.id,))
    db.session.commit()
    clock.days_later(10)
    run_job(app, "open_due_stories")
    story = db.session.get(Story, story.id)
    people.second_steward.created_on = story.saved_on + timedelta(days=1)
    people.member.created_on = story.saved_on + timedelta(days=1)
    assert not services.may_read(people.second_steward, story)
    assert not services.is_author(people.member, story)


# -- the trustees -----------------------------------------------------------------------------------

@pytest.fixture
def trustees(people):
    trustee_key(people.union, [people.steward, people.organizer])
    db.session.commit()
    return [StoryTrustee(people.steward), StoryTrustee(people.organizer)]


def test_with_a_survey_key_a_story_opens_only_on_its_day_and_only_with_two_trustees(app, people, clock, trustees):
    story = save(people.member, people.union, people.unit)
    db.session.commit()
    assert story.key_mode == StoryKey.TRUSTEES and story.server_secret is None
    assert story.key_ceremony_id == services.key_ceremony_of(story).id
    # Before the day the server hands out nothing to decrypt, and refuses a part made anyway.
    screen = services.trustee_screen(people.steward, story)
    assert screen.task is None and not screen.is_due
    material = services.ceremony.material_for(story.key_ceremony_id, services.account_ref(people.steward))
    early = trustees[0].part_from_material(story, material)
    with pytest.raises(DomainError, match="day has not come"):
        services.give_part(people.steward, story, early)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StoryPart)) == 0
    # The job never opens a trustee story, however late.
    clock.days_later(400)
    assert run_job(app, "open_due_stories") == 0
    story = db.session.get(Story, story.id)
    assert not story.is_open
    part = trustees[0].part(story)
    assert services.give_part(people.steward, story, part) == 1
    db.session.commit()
    assert not story.is_open, "one trustee alone opens nothing"
    assert services.trustee_screen(people.steward, story).task is None, "nothing more to hand this trustee"
    with pytest.raises(DomainError, match="already"):
        services.give_part(people.steward, story, part)
    db.session.rollback()
    assert trustees[1].give(story) == 2
    db.session.commit()
    story = db.session.get(Story, story.id)
    assert story.is_open
    assert all(name in words_of(services.story_page(people.member, story)) for name in NAMES)
    assert not any(name in words_of(services.story_page(people.coworker, story)) for name in NAMES)


def test_a_part_that_is_not_of_this_story_or_not_this_trustees_is_refused(app, people, clock, trustees):
    story = save(people.member, people.union, people.unit)
    other = save(people.member, people.union, people.unit, title="Another story")
    db.session.commit()
    clock.days_later(10)
    of_the_other = trustees[0].part(other)
    for bad in (of_the_other, b"", b"\x01" * 97, trustees[0].part(story)[:-1]):
        with pytest.raises(DomainError):
            services.give_part(people.steward, story, bad)
        db.session.rollback()
    # The organizer's part, posted as the steward's.
    theirs = PartialDecryption.from_bytes(trustees[1].part(story))
    with pytest.raises(DomainError):
        services.give_part(people.steward, story, theirs.to_bytes())
    db.session.rollback()
    with pytest.raises(NotAllowed):
        services.give_part(people.second_steward, story, trustees[0].part(story))
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StoryPart)) == 0


def test_trustees_are_told_once_when_a_story_is_due_and_readers_once_when_it_opens(app, people, clock, trustees,
                                                                                    monkeypatch):
    sent = []
    monkeypatch.setattr(jobs.notifications, "notify", lambda accounts, template: sent.append(
        (template, sorted(a.email for a in accounts))) or 0)
    story = save(people.member, people.union, people.unit, readers=StoryReaders.OFFICERS)
    db.session.commit()
    run_job(app, "open_due_stories")
    assert sent == []
    clock.days_later(10)
    run_job(app, "open_due_stories")
    run_job(app, "open_due_stories")
    assert sent == [(jobs.TRUSTEES_NOTICE, sorted([people.steward.email, people.organizer.email]))]
    story = db.session.get(Story, story.id)
    for trustee in trustees:
        trustee.give(story)
    db.session.commit()
    run_job(app, "open_due_stories")
    run_job(app, "open_due_stories")
    assert sent[1:] == [(jobs.READERS_NOTICE, sorted([people.member.email, people.steward.email,
                                                      people.second_steward.email, people.organizer.email]))]


def test_a_story_that_waits_for_recognition_opens_once_an_organizer_records_it(app, people, clock, trustees):
    story = save(people.member, people.union, people.unit, opening=StoryOpening.RECOGNISED, opens_on=None)
    db.session.commit()
    clock.days_later(3000)
    assert services.trustee_screen(people.steward, story).task is None
    with pytest.raises(NotAllowed):
        services.record_recognition(people.steward, people.union, services.union_today(people.union.time_zone))
    db.session.rollback()
    today = services.union_today(people.union.time_zone)
    with pytest.raises(DomainError, match="not come yet"):
        services.record_recognition(people.organizer, people.union, today + timedelta(days=1))
    db.session.rollback()
    services.record_recognition(people.organizer, people.union, today)
    db.session.commit()
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == AuditAction.UNION_RECOGNISED)).one()
    assert entry.actor_account_id == people.organizer.id and "1 story" in entry.description
    with pytest.raises(DomainError, match="already"):
        services.record_recognition(people.organizer, people.union, today)
    db.session.rollback()
    task = services.trustee_screen(people.steward, story).task
    assert task["recognised_on"] == today.isoformat() and task["terms"]["when_recognised"] is True
    for trustee in trustees:
        trustee.give(story)
    db.session.commit()
    assert db.session.get(Story, story.id).is_open
    with pytest.raises(DomainError, match="recognised on"):
        save(people.member, people.union, people.unit, opening=StoryOpening.RECOGNISED, opens_on=None)


def test_a_server_key_story_that_waits_for_recognition_opens_with_the_job_after_it(app, people, clock):
    story = save(people.member, people.union, people.unit, opening=StoryOpening.RECOGNISED, opens_on=None)
    db.session.commit()
    clock.days_later(1000)
    assert run_job(app, "open_due_stories") == 0
    services.record_recognition(people.organizer, people.union, services.union_today(people.union.time_zone))
    assert run_job(app, "open_due_stories") == 1
    assert db.session.get(Story, story.id).is_open


# -- bad input ----------------------------------------------------------------------------------------

def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Story))


@pytest.mark.parametrize(("changes", "field"), [
    ({"text": "   "}, "text"),
    ({"text": "x" * (services.TEXT_MAX + 1)}, "text"),
    ({"title": "…!"}, "title"),
    ({"title": "t" * (services.TITLE_MAX + 1)}, "title"),
    ({"hidden_names": tuple(f"Name {i}" for i in range(services.HIDDEN_NAMES_MAX + 1))}, "hidden_names"),
    ({"hidden_names": ("x" * 61,)}, "hidden_names"),
    ({"opens_on": None}, "opens_on"),
    ({"readers": StoryReaders.NAMED, "reader_ids": ()}, "reader_ids"),
    ({"unit_id": None}, "unit_id"),
])
def test_bad_input_is_refused_beside_its_field_and_nothing_is_stored(app, people, changes, field):
    with pytest.raises(DomainError) as refused:
        save(people.member, people.union, people.unit, **changes)
    assert refused.value.field == field
    db.session.rollback()
    assert _count() == 0


def test_a_day_before_today_where_the_union_works_is_refused(app, people, clock):
    # At 11:00 UTC on 1 March it is already 2 March in Kiritimati (UTC+14), and midnight of 1 March
    # in Pago Pago (UTC-11).
    clock.set(datetime(2027, 3, 1, 11, 0))
    people.union.time_zone = "Pacific/Kiritimati"
    with pytest.raises(DomainError, match="already past") as refused:
        save(people.member, people.union, people.unit, opens_on=datetime(2027, 3, 1).date())
    assert refused.value.field == "opens_on"
    db.session.rollback()
    people.union.time_zone = "Pacific/Pago_Pago"
    story = save(people.member, people.union, people.unit, opens_on=datetime(2027, 3, 1).date())
    assert story.time_zone == "Pacific/Pago_Pago"
    with pytest.raises(DomainError, match="already past"):
        save(people.member, people.union, people.unit, opens_on=datetime(2027, 2, 28).date())
    with pytest.raises(DomainError, match="within"):
        save(people.member, people.union, people.unit, opens_on=datetime(2060, 1, 1).date())


def test_readers_that_take_in_nobody_but_the_author_are_refused(app, people):
    # Naming only oneself, or nobody: the story would be for its author alone.
    for named in ((people.member.id,), ()):
        with pytest.raises(DomainError) as refused:
            save(people.member, people.union, people.unit, readers=StoryReaders.NAMED, reader_ids=named)
        assert refused.value.field == "reader_ids"
        db.session.rollback()
    assert _count() == 0
    # Everyone in a unit where the author is alone: refused, as it would tell its readers who
    # wrote it, and everyone else that they are not among them (see the byline's test).
    empty = unions.create_unit(factories.OrganizerOf(people.union), people.union, "Night yard")
    alone = factories.create_account(Role.MEMBER, unit=empty)
    db.session.refresh(people.union)
    with pytest.raises(DomainError, match="Fewer than 3 people of Night yard") as refused:
        save(alone, people.union, empty, readers=StoryReaders.UNIT)
    assert refused.value.field == "readers"
    db.session.rollback()
    assert _count() == 0


def test_only_people_of_the_union_write_in_its_archive_and_only_in_their_own_unit(app, people):
    with pytest.raises(NotAllowed):
        save(people.outsider, people.union, people.unit)
    db.session.rollback()
    with pytest.raises(NotAllowed):
        save(people.member, people.union, people.other_unit)
    db.session.rollback()
    with pytest.raises(DomainError):
        save(people.member, people.union, people.unit, readers=StoryReaders.NAMED,
             reader_ids=(people.member_elsewhere.id,))
    db.session.rollback()
    assert _count() == 0
    # An organizer writes for the whole union, or for any unit, and names any of its accounts.
    assert save(people.organizer, people.union, None, readers=StoryReaders.UNION).unit_id is None
    assert save(people.organizer, people.union, people.unit, readers=StoryReaders.NAMED,
                reader_ids=(people.member_elsewhere.id,)).unit_id == people.unit.id


# -- what the archive says of the author -----------------------------------------------------------------

def _byline(reader, story) -> tuple[bool, str | None]:
    byline = services.entry_of(reader, story).byline
    return byline.mine, byline.place


def _said(app, reader, story) -> str:
    with app.test_request_context():
        return render_template_string('{% from "escrow/_entry.html" import byline, for_whom %}'
                                      '{{ byline(e) }} · {{ for_whom(e) }}', e=services.entry_of(reader, story))


def test_the_archive_never_says_who_wrote_a_story_and_says_its_place_only_where_k_accounts_are(app, people):
    """No role, ever: "a steward of Dock crew" named its one steward, and saying the role only
    where k hold it told, by its absence, that a story was not a member's. The unit is kept only
    where k accounts are in it when the story is saved, and said only while it still has k."""
    unit, union = people.unit, people.union
    assert union.release_threshold == 3
    steward_story = save(people.second_steward, union, unit)
    member_story = save(people.member, union, unit)
    for story in (steward_story, member_story):
        assert _byline(people.member_elsewhere, story) == (False, unit.name)
        assert _said(app, people.member_elsewhere, story) == (
            f'A story from <span translate="no">{unit.name}</span> · for everyone in '
            f'<span translate="no">{unit.name}</span>')
    assert _byline(people.second_steward, steward_story) == (True, unit.name)
    assert _said(app, people.second_steward, steward_story).startswith("Your story, from")
    # Nothing of the author's role is on disk either.
    assert "voice" not in {c["name"] for c in sa.inspect(db.engine).get_columns("escrow_stories")}

    # Drivers has one account: its member's story keeps no unit, and is the union's.
    driver_story = save(people.member_elsewhere, union, people.other_unit, readers=StoryReaders.UNION)
    assert driver_story.unit_id is None
    assert _byline(people.member, driver_story) == (False, union.name)
    # It stays the union's when Drivers grows: whoever saw it before would learn it came from one of few.
    for n in range(3):
        factories.create_account(Role.MEMBER, unit=people.other_unit, email=f"new.driver{n}@example.org")
    assert _byline(people.member, driver_story) == (False, union.name)
    # An organizer's story for the whole union reads the same as the driver's.
    union_story = save(people.organizer, union, None, readers=StoryReaders.UNION)
    assert _byline(people.member, union_story) == _byline(people.member, driver_story)
    # A unit that falls below k after a story is saved is no longer said.
    union.release_threshold = 6
    assert _byline(people.member_elsewhere, member_story) == (False, union.name)
    # A union with fewer than k accounts in all: the story is "a story", from nowhere said.
    union.release_threshold = 50
    assert _byline(people.member, union_story) == (False, None)
    assert _said(app, people.member, union_story).startswith("A story ·")
    assert _byline(people.organizer, union_story) == (True, union.name)
