"""The account↔coworker link is sealed on the account; nothing else on disk may
carry it. PostgreSQL stamps each row a transaction writes or locks with that
transaction's id, so signing up must neither write nor lock the coworker's row."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from core.extensions import db
from organizer.accounts import invitations
from organizer.accounts import services as accounts
from organizer.charting import people
from organizer.charting.models import BargainingUnit
from organizer.roles import Role


def test_signing_up_leaves_no_transaction_stamp_on_the_coworkers_row(app_ctx, world):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("transaction ids are PostgreSQL's; SQLite writes no lock onto a row")
    organizer = accounts.find_account_by_email(world.organizer)
    unit = db.session.get(BargainingUnit, world.unit_id)
    person = people.add_person(organizer, unit, people.PersonDetails("Sam Stamp"))
    _, token = invitations.invite(organizer, person, Role.MEMBER)
    db.session.commit()
    person_id = person.id
    account = invitations.accept(token, display_name="Sam", email="sam.stamp@example.net",
                                 password="a long enough passphrase")
    db.session.commit()
    account_stamp = db.session.scalar(sa.text("SELECT xmin::text FROM accounts WHERE id = :a"), {"a": account.id})
    person_stamps = db.session.execute(sa.text("SELECT xmin::text, xmax::text FROM people WHERE id = :p"),
                                       {"p": person_id}).one()
    assert account_stamp not in person_stamps, "the coworker's row names the transaction that made their account"
