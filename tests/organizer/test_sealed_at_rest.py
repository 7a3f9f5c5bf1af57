"""PRIVACY.md invariant 6: after people are charted and accounts made, the raw
database (the SQLite file, or a pg_dump of PostgreSQL) holds none of their
names, emails, phones, notes or display names."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from core.extensions import db
from organizer.models import Account, BargainingUnit, Person, Role
from tests import factories
from tests.dumps import raw_database

SECRETS = {
    "name": "Wilhelmina Zarathustra-Okonkwo",
    "email": "wilhelmina.secret@example.net",
    "phone": "+1 555 0199 7788",
    "notes": "Quietly leading the night-shift petition",
    "display_name": "Pseudonym Marigold Quasar",
    "account_email": "marigold.quasar@example.net",
}


def test_personal_data_never_reaches_the_database_in_the_clear(app, world):
    with app.app_context():
        unit = db.session.get(BargainingUnit, world.unit_id)
        person = factories.create_person(unit, SECRETS["name"], email=SECRETS["email"],
                                         phone=SECRETS["phone"], notes=SECRETS["notes"], assessment=5)
        factories.create_account(Role.MEMBER, unit=unit, email=SECRETS["account_email"],
                                 display_name=SECRETS["display_name"])
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
