"""What a copy of the database holds of one-on-ones: every field but the id and the
unit sealed, the fixed-width ones at one size whatever they hold (no issue or all
of them, a follow-up open or done), no foreign key to a coworker or an account;
and a coworker removed from the chart takes their conversations and follow-ups along."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from core.extensions import db
from core.sealing import field_cipher
from crypto.fields import FieldCipherError
from organizer.accounts import coworkers
from organizer.audit.models import AuditAction, AuditEntry
from organizer.charting import people
from organizer.charting.models import BargainingUnit, Person
from organizer.conversations import services
from organizer.conversations.models import Conversation, FollowUp
from organizer.ontology import Category
from tests import factories
from tests.organizer.conversations.helpers import follow_up, talk

#: (table, column) -> the purpose it is sealed under; each is one size whatever it holds.
FIXED_WIDTH = {
    ("conversations", "person_id"): "conversation.person_id",
    ("conversations", "held_by_id"): "conversation.held_by_id",
    ("conversations", "held_on"): "conversation.held_on",
    ("conversations", "issues"): "conversation.issues",
    ("conversations", "assessment_before"): "conversation.assessment_before",
    ("conversations", "assessment_after"): "conversation.assessment_after",
    ("follow_ups", "person_id"): "follow_up.person_id",
    ("follow_ups", "owner_id"): "follow_up.owner_id",
    ("follow_ups", "due_on"): "follow_up.due_on",
    ("follow_ups", "done_on"): "follow_up.done_on",
}


def test_fixed_width_fields_are_sealed_at_one_size_whatever_they_hold(talking):
    organizer, person = talking.organizer, talking.person
    other = factories.create_person(person.unit, "Another Coworker")
    talk(organizer, person, issues=(), assessment_after=0, days_back=300)
    talk(organizer, other, issues=tuple(c.value for c in Category), assessment_after=5)
    follow_up(organizer, person)
    services.mark_done(organizer, follow_up(organizer, other, due_in=200))
    db.session.commit()
    for (table, column), purpose in FIXED_WIDTH.items():
        blobs = [bytes(v) for v in db.session.execute(sa.text(f"SELECT {column} FROM {table}")).scalars()]
        assert len(blobs) == 2 and all(blobs), f"{table}.{column}: two sealed rows to compare"
        assert len({len(blob) for blob in blobs}) == 1, f"{table}.{column}: the blob's size tells values apart"
        for blob in blobs:
            field_cipher().decrypt(blob, purpose.encode())


def test_only_the_id_and_the_unit_stay_clear_and_nothing_points_to_a_person(app_ctx):
    inspector = sa.inspect(db.engine)
    for table in ("conversations", "follow_ups"):
        clear = {c["name"] for c in inspector.get_columns(table) if not isinstance(c["type"], sa.LargeBinary)}
        assert clear == {"id", "unit_id"}, table
        assert {fk["referred_table"] for fk in inspector.get_foreign_keys(table)} == {"bargaining_units"}


def test_a_sealed_value_moved_to_another_column_does_not_open(talking):
    talk(talking.organizer, talking.person)
    db.session.commit()
    db.session.execute(sa.text("UPDATE conversations SET person_id = held_by_id"))
    db.session.expire_all()
    with pytest.raises(FieldCipherError):
        db.session.scalars(sa.select(Conversation)).all()
    db.session.rollback()


def test_a_coworker_removed_from_the_chart_takes_their_notes_along(talking):
    organizer, person = talking.organizer, talking.person
    leaving = factories.create_person(person.unit, "Leaving Soon")
    talk(organizer, leaving)
    follow_up(organizer, leaving)
    kept_talk, kept_step = talk(organizer, person), follow_up(organizer, person)
    db.session.commit()
    coworkers.remove_person(organizer, leaving)
    db.session.commit()
    assert db.session.scalars(sa.select(Conversation.id)).all() == [kept_talk.id]
    assert db.session.scalars(sa.select(FollowUp.id)).all() == [kept_step.id]


def test_the_pages_open_stored_values_as_loading_a_row_opens_them(talking):
    """The unit's page opens the values it needs one by one (`SealedText.opener`), not
    whole rows: each reads what the loaded row reads, an open follow-up's sealed
    blank as None, and a value sealed for another column does not open at all."""
    organizer, person = talking.organizer, talking.person
    talk(organizer, person, issues=("pay", "career"), days_back=2)
    done, still_open = follow_up(organizer, person), follow_up(organizer, person, due_in=5)
    services.mark_done(organizer, done)
    db.session.flush()
    columns = (FollowUp.person_id, FollowUp.owner_id, FollowUp.due_on, FollowUp.done_on, FollowUp.step)
    stored = {row[0]: row[1:] for row in services._still_sealed(FollowUp, person.unit_id, *columns)}
    for row in (done, still_open):
        opened = [column.type.opener()(value) for column, value in zip(columns, stored[row.id], strict=True)]
        assert opened == [row.person_id, row.owner_id, row.due_on, row.done_on, row.step]
        assert all(isinstance(value, bytes) for value in stored[row.id]), "read as stored, sealed"
    assert stored[still_open.id][3] is not None and FollowUp.done_on.type.opener()(stored[still_open.id][3]) is None
    [(_, issues)] = services._still_sealed(Conversation, person.unit_id, Conversation.issues)
    assert Conversation.issues.type.opener()(issues) == [Category.PAY, Category.CAREER]
    with pytest.raises(FieldCipherError):
        FollowUp.due_on.type.opener()(stored[done.id][0])


def test_a_talk_that_moves_the_coworker_stamps_the_whole_chart_and_names_nobody_in_the_log(app_ctx, talking):
    """PostgreSQL stamps every row a transaction writes with its id: the conversation's row and a
    coworker's row written beside it alone would pair them in a copy of the database. The chart's
    other rows are written with it; and the audit log says a talk was held, never "Edited" whom."""
    unit = db.session.get(BargainingUnit, talking.person.unit_id)
    for n in range(4):
        people.add_person(talking.organizer, unit, people.PersonDetails(f"Other coworker {n}"))
    db.session.commit()
    entries_before = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))
    conversation = talk(talking.organizer, talking.person, assessment_after=4)
    db.session.commit()
    assert db.session.get(Person, talking.person.id).assessment == 4
    new_entries = db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id).offset(entries_before)).all()
    assert [entry.action for entry in new_entries] == [AuditAction.CONVERSATION_RECORDED]
    assert not any(talking.person.name in entry.description for entry in new_entries)
    if db.engine.dialect.name != "postgresql":
        return  # SQLite stamps no transaction onto a row
    stamp = db.session.scalar(sa.text("SELECT xmin::text FROM conversations WHERE id = :c"), {"c": conversation.id})
    stamped = db.session.scalars(sa.text("SELECT id FROM people WHERE unit_id = :u AND xmin::text = :s"),
                                 {"u": unit.id, "s": stamp}).all()
    everyone = db.session.scalars(sa.select(Person.id).where(Person.unit_id == unit.id)).all()
    assert sorted(stamped) == sorted(everyone) and len(everyone) >= 5
