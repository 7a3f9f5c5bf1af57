"""PRIVACY.md invariant 6: after people are charted and accounts made, the raw
database (the SQLite file, or a pg_dump of PostgreSQL) holds none of their
names, emails, phones, notes, display names, conversation notes or follow-ups."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from core.extensions import db
from organizer.accounts.models import Account
from organizer.charting.models import BargainingUnit, Person
from organizer.conversations import services as conversations
from organizer.roles import Role
from tests import factories
from tests.dumps import raw_database

SECRETS = {
    "name": "Wilhelmina Zarathustra-Okonkwo",
    "email": "wilhelmina.secret@example.net",
    "phone": "+1 555 0199 7788",
    "notes": "Quietly leading the night-shift petition",
    "display_name": "Pseudonym Marigold Quasar",
    "account_email": "marigold.quasar@example.net",
    "conversation_note": "Said the shift lead keeps a list of who talks union",
    "follow_up_step": "Meet Wilhelmina at the bus stop after the night shift",
}


def test_personal_data_never_reaches_the_database_in_the_clear(app, world):
    with app.app_context():
        unit = db.session.get(BargainingUnit, world.unit_id)
        person = factories.create_person(unit, SECRETS["name"], email=SECRETS["email"],
                                         phone=SECRETS["phone"], notes=SECRETS["notes"], assessment=5)
        factories.create_account(Role.MEMBER, unit=unit, email=SECRETS["account_email"],
                                 display_name=SECRETS["display_name"])
        organizer, day = factories.create_account(Role.ORGANIZER, union=unit.union), conversations.union_today(unit.union)
        conversations.record_conversation(organizer, person, conversations.ConversationDetails(
            held_on=day, held_by_id=organizer.id, issues=("pay",), assessment_after=5, note=SECRETS["conversation_note"],
            next_step=conversations.NextStep(SECRETS["follow_up_step"], organizer.id, day)))
        db.session.commit()
        # The app itself reads everything back.
        db.session.expire_all()
        assert db.session.get(Person, person.id).notes == SECRETS["notes"]
        assert db.session.scalars(sa.select(Account).where(
            Account.display_name.is_not(None))).all()
        raw = raw_database(db.engine.url)
    assert len(raw) > 0
    for label, secret in SECRETS.items():
        for encoding in ("utf-8", "utf-16-le"):
            assert secret.encode(encoding) not in raw, f"{label} is readable in the raw database"
    # A control: plain, non-personal data *is* found, so the search itself works.
    assert b"Harbor Workers United" in raw


def test_assessment_is_not_stored_as_a_number(app_ctx, world):
    raw = db.session.execute(sa.text("SELECT assessment FROM people")).scalars().all()
    assert raw and all(isinstance(value, (bytes, memoryview)) and len(bytes(value)) > 16 for value in raw)


def test_sealed_value_copied_into_another_column_does_not_open(app_ctx, world):
    from crypto.fields import FieldCipherError

    db.session.execute(sa.text("UPDATE people SET notes = name"))
    db.session.expire_all()
    with pytest.raises(FieldCipherError):
        db.session.scalars(sa.select(Person)).all()
    db.session.rollback()


def test_no_column_can_hold_an_ip_address_or_a_work_email(app):
    from core.extensions import db as database

    names = {column.name for table in database.metadata.tables.values() for column in table.columns}
    assert not {n for n in names if "ip" == n or "ip_" in n or "address" in n or "work_email" in n}


#: Quasi-identifiers an employer could join with its HR roster, and the purpose each is sealed under.
QUASI_IDENTIFIERS = {
    ("people", "department_id"): "person.department_id",
    ("people", "shift_id"): "person.shift_id",
    ("people", "is_member"): "person.is_member",
    ("people", "card_signed_on"): "person.card_signed_on",
    ("people", "charted_on"): "person.charted_on",
    ("people", "segment_changed_on"): "person.segment_changed_on",
    ("accounts", "person_id"): "account.person_id",
}


def _chart_members_and_others(world) -> tuple[Person, Person]:
    from datetime import date

    unit = db.session.get(BargainingUnit, world.unit_id)
    member = factories.create_person(unit, "Card Carrier", is_member=True, card_signed_on=date(2019, 7, 23),
                                     department_id=unit.departments[1].id, shift_id=unit.shifts[1].id)
    other = factories.create_person(unit, "Not Yet Signed")
    db.session.commit()
    return member, other


def test_quasi_identifiers_are_sealed_blobs_that_say_nothing_by_size_or_null(app_ctx, world):
    from core.sealing import field_cipher

    _chart_members_and_others(world)
    for (table, column), purpose in QUASI_IDENTIFIERS.items():
        raw = db.session.execute(sa.text(f"SELECT {column} FROM {table}")).scalars().all()
        assert raw, f"{table}.{column} has rows to look at"
        assert all(isinstance(value, (bytes, memoryview)) for value in raw), (
            f"{table}.{column} holds a clear value or a NULL")
        blobs = [bytes(value) for value in raw]
        # Members and non-members, people with and without a department, staff
        # organizers without a person: one size for all.
        assert len({len(blob) for blob in blobs}) == 1, f"{table}.{column}: the blob's size tells values apart"
        for blob in blobs:
            field_cipher().decrypt(blob, purpose.encode())  # sealed under its own purpose


def test_the_raw_database_holds_no_card_date_and_no_join_from_account_to_person(app, world):
    with app.app_context():
        member, _ = _chart_members_and_others(world)
        raw = raw_database(db.engine.url)
        # Compared as text, so the join is tried on both databases (PostgreSQL would
        # refuse bytea = integer outright, SQLite compares anything).
        linked = db.session.execute(sa.text(
            "SELECT count(*) FROM accounts JOIN people "
            "ON CAST(accounts.person_id AS TEXT) = CAST(people.id AS TEXT)")).scalar()
    for encoding in ("utf-8", "utf-16-le"):
        assert "2019-07-23".encode(encoding) not in raw
        assert "20190723".encode(encoding) not in raw
    assert linked == 0, "SQL can no longer join an account to its coworker"


def test_the_schema_has_no_clear_quasi_identifier_or_link(app_ctx):
    inspector = sa.inspect(db.engine)
    for (table, column) in QUASI_IDENTIFIERS:
        [found] = [c for c in inspector.get_columns(table) if c["name"] == column]
        assert isinstance(found["type"], sa.LargeBinary), f"{table}.{column} is {found['type']}, not a sealed blob"
    people_refs = {fk["referred_table"] for fk in inspector.get_foreign_keys("people")}
    assert people_refs == {"bargaining_units"}, "people point to nothing but their unit"
    assert not [fk for fk in inspector.get_foreign_keys("accounts") if fk["referred_table"] == "people"]
    unique_columns = {c for uq in inspector.get_unique_constraints("accounts") for c in uq["column_names"]}
    unique_columns |= {c for ix in inspector.get_indexes("accounts") if ix["unique"] for c in ix["column_names"]}
    assert "person_id" not in unique_columns
    # Nothing on a coworker's row says whether they have an account.
    person_columns = {c["name"] for c in inspector.get_columns("people")}
    assert not {name for name in person_columns if "account" in name or "user" in name or "login" in name}
    clear = {c["name"] for c in inspector.get_columns("people") if not isinstance(c["type"], sa.LargeBinary)}
    assert clear == {"id", "unit_id"}, "only the columns a query needs stay clear (see the Person docstring)"


def test_a_sealed_link_copied_into_another_column_does_not_open(app_ctx, world):
    from crypto.fields import FieldCipherError

    _chart_members_and_others(world)
    # The department id blob moved into the shift column (or the account's link) is refused, not read.
    db.session.execute(sa.text("UPDATE people SET shift_id = department_id"))
    db.session.expire_all()
    with pytest.raises(FieldCipherError):
        db.session.scalars(sa.select(Person)).all()
    db.session.rollback()
