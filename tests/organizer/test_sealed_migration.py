"""Migration 0008 seals the quasi-identifiers of a database already in use:
the chart's membership, card dates, days charted, departments and shifts and
the accounts' links to their coworkers come through the upgrade sealed and
unchanged, and the downgrade gives them back in the clear."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from core.app import create_app
from core.clock import today
from core.extensions import db
from core.sealing import field_cipher

BEFORE = "0007_ballot_pool"
SEALING = "0008_sealed_quasi_identifiers"


def _sealed(text: str, purpose: str) -> bytes:
    return field_cipher().encrypt(text.encode(), purpose.encode())


def _populate_at_0007() -> dict[str, int]:
    """A union with a unit, two departments, a shift, two coworkers and two accounts,
    written with plain SQL: the models already describe the newest schema."""
    run = db.session.execute
    run(sa.text("INSERT INTO unions (id, name, release_threshold, created_on) VALUES (1, 'Old Union', 5, '2026-08-01')"))
    run(sa.text("INSERT INTO bargaining_units (id, union_id, name, created_on) VALUES (1, 1, 'Yard', '2026-08-01')"))
    run(sa.text("INSERT INTO departments (id, unit_id, name) VALUES (3, 1, 'Loading'), (4, 1, 'Cranes')"))
    run(sa.text("INSERT INTO shifts (id, unit_id, name) VALUES (7, 1, 'Night')"))
    person = ("INSERT INTO people (id, unit_id, department_id, shift_id, name, assessment, is_member,"
              " card_signed_on, charted_on) VALUES (:id, 1, :department, :shift, :name, :assessment, :member,"
              " :card, :charted)")
    run(sa.text(person), {"id": 11, "department": 3, "shift": 7, "name": _sealed("Ada Member", "person.name"),
                          "assessment": _sealed("2", "person.assessment"), "member": True,
                          "card": date(2026, 10, 2), "charted": date(2026, 9, 1)})
    run(sa.text(person), {"id": 12, "department": None, "shift": None,
                          "name": _sealed("Ben Undecided", "person.name"),
                          "assessment": _sealed("3", "person.assessment"), "member": False,
                          "card": None, "charted": date(2026, 9, 15)})
    account = ("INSERT INTO accounts (id, person_id, display_name, email, email_index, password_hash,"
               " failed_login_count, created_on) VALUES (:id, :person, :name, :email, :index, 'x', 0, '2026-09-20')")
    run(sa.text(account), {"id": 21, "person": 11, "name": _sealed("Ada", "account.display_name"),
                           "email": _sealed("ada@example.org", "account.email"), "index": b"a" * 32})
    run(sa.text(account), {"id": 22, "person": None, "name": _sealed("Staff", "account.display_name"),
                           "email": _sealed("staff@example.org", "account.email"), "index": b"s" * 32})
    run(sa.text("INSERT INTO role_assignments (account_id, role, unit_id) VALUES (21, 'member', 1)"))
    run(sa.text("INSERT INTO role_assignments (account_id, role, union_id) VALUES (22, 'organizer', 1)"))
    db.session.commit()


def _clear_rows() -> tuple[list, list]:
    people = db.session.execute(sa.text(
        "SELECT id, department_id, shift_id, is_member, card_signed_on, charted_on FROM people ORDER BY id")).all()
    links = db.session.execute(sa.text("SELECT id, person_id FROM accounts ORDER BY id")).all()
    return [tuple(row) for row in people], [tuple(row) for row in links]


def test_upgrading_a_populated_database_seals_its_values_and_the_downgrade_restores_them(tmp_path):
    from organizer.accounts.models import Account
    from organizer.charting.models import Person

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'in_use.db'}"})
    with app.app_context():
        upgrade(revision=BEFORE)
        _populate_at_0007()
        before = _clear_rows()

        upgrade(revision=SEALING)
        db.session.expire_all()
        ada, ben = db.session.get(Person, 11), db.session.get(Person, 12)
        assert (ada.department_id, ada.shift_id, ada.is_member, ada.card_signed_on, ada.charted_on) == (
            3, 7, True, date(2026, 10, 2), date(2026, 9, 1))
        assert (ben.department_id, ben.shift_id, ben.is_member, ben.card_signed_on, ben.charted_on) == (
            None, None, False, None, date(2026, 9, 15))
        assert (ada.name, ada.assessment) == ("Ada Member", 2), "the other sealed columns are untouched"
        # Nobody knows who was moved just before the upgrade: every breakdown waits out one freeze.
        assert ada.segment_changed_on == ben.segment_changed_on == today()
        # Only the column under test: the model's later columns (its roles' too) do not exist at this revision.
        link = [sa.orm.load_only(Account.person_id), sa.orm.noload(Account.roles)]
        assert db.session.get(Account, 21, options=link).person_id == 11
        assert db.session.get(Account, 22, options=link).person_id is None
        raw = db.session.execute(sa.text(
            "SELECT department_id, shift_id, is_member, card_signed_on, charted_on, segment_changed_on FROM people"
        )).all() + db.session.execute(sa.text("SELECT person_id FROM accounts")).all()
        assert all(isinstance(value, bytes) and len(value) > 16 for row in raw for value in row)
        # What the app writes after the upgrade, the downgrade reads too.
        # Through the columns' types rather than a flush: a flush of people also rewrites
        # their unit's roster (charting.roster), whose table comes at a later revision.
        db.session.execute(sa.update(Person).where(Person.id == ben.id).values(
            department_id=4, is_member=True, card_signed_on=date(2026, 11, 30)))
        db.session.commit()
        db.session.remove()

        downgrade(revision=BEFORE)
        people, links = _clear_rows()
        assert people[1][1:5] == (4, None, 1, "2026-11-30")
        assert (people[:1], links) == (before[0][:1], before[1])
        inspector = sa.inspect(db.engine)
        assert {fk["referred_table"] for fk in inspector.get_foreign_keys("people")} == {
            "bargaining_units", "departments", "shifts"}
        assert any(fk["referred_table"] == "people" for fk in inspector.get_foreign_keys("accounts"))
        db.session.remove()
        db.engine.dispose()
