"""The raw database (the SQLite file, or a pg_dump of PostgreSQL) carries no
word of a story, before it opens or after, in either mode: not its title, its
text, the names its author hid, nor whom it names as readers. Nor do the
emails that say a story waits or opened."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from core.extensions import db
from organizer.escrow.models import Story, StoryReaders
from tests.dumps import raw_database
from tests.organizer.escrow.builders import NAMES, TEXT, TITLE, StoryTrustee, save, trustee_key
from tests.organizer.notifications.builders import Outbox, turn_on_email
from tests.surveys.helpers import run_job

SECRETS = [TITLE, *NAMES, "walked the petition down bay four", "By Friday the heat breaks were in the schedule",
           "heat breaks"]


def _assert_no_story_in(raw: bytes) -> None:
    assert len(raw) > 0
    for secret in SECRETS:
        for encoding in ("utf-8", "utf-16-le", "ascii"):
            try:
                encoded = secret.encode(encoding)
            except UnicodeEncodeError:
                continue
            assert encoded not in raw, f"{secret!r} is readable in the raw database ({encoding})"
    assert b"Harbor Workers United" in raw, "the search itself works: the union's name is there in the clear"


@pytest.mark.parametrize("mode", ["server", "trustees"])
def test_no_word_of_a_story_reaches_the_database_before_or_after_it_opens(app, people, clock, mode):
    outbox = Outbox(app)
    if mode == "trustees":
        trustee_key(people.union, [people.steward, people.organizer])
    turn_on_email(people.member.email, people.steward.email, people.organizer.email, people.coworker.email,
                  people.second_steward.email)
    story = save(people.member, people.union, people.unit, readers=StoryReaders.NAMED,
                 reader_ids=(people.steward.id, people.second_steward.id))
    db.session.commit()
    _assert_no_story_in(raw_database(db.engine.url))
    clock.days_later(10)
    run_job(app, "open_due_stories")
    if mode == "trustees":
        for trustee in (StoryTrustee(people.steward), StoryTrustee(people.organizer)):
            trustee.give(db.session.get(Story, story.id))
        db.session.commit()
        run_job(app, "open_due_stories")
    story = db.session.get(Story, story.id)
    assert story.is_open and story.readers_told
    raw = raw_database(db.engine.url)
    _assert_no_story_in(raw)
    # Whom the story names is sealed too: their ids are nowhere as a list.
    named = f"[{people.steward.id}, {people.second_steward.id}]".encode()
    assert named not in raw
    letters = outbox.raw()
    assert outbox.to(people.steward.email) and not outbox.to(people.coworker.email), "its readers are told"
    for secret in SECRETS:
        assert secret.encode() not in letters
    assert people.union.name.encode() not in letters and people.unit.name.encode() not in letters


def test_the_sealed_columns_are_blobs_of_one_size_whoever_is_named(app, people):
    save(people.member, people.union, people.unit, readers=StoryReaders.NAMED, reader_ids=(people.steward.id,))
    save(people.member, people.union, people.unit, readers=StoryReaders.NAMED,
         reader_ids=(people.steward.id, people.organizer.id, people.second_steward.id))
    save(people.member, people.union, people.unit)
    db.session.commit()
    for column in ("author_id", "named_reader_ids"):
        blobs = [bytes(v) for v in db.session.execute(sa.text(f"SELECT {column} FROM escrow_stories")).scalars()]
        assert len(blobs) == 3 and len({len(b) for b in blobs}) == 1, column
    sealed = [bytes(v) for v in db.session.execute(sa.text("SELECT sealed FROM escrow_stories")).scalars()]
    assert all(TEXT[:20].encode() not in blob for blob in sealed)
