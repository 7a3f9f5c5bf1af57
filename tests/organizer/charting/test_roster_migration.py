"""Migration 0015 builds the roster of every unit already charted: what it
stores is what the app itself would build by opening the people, so the
chart of an upgraded database is right from its first page; the downgrade
drops the table and nothing else."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from core.app import create_app
from core.extensions import db
from core.sealing import field_cipher
from organizer.charting import roster
from organizer.charting.models import BargainingUnit

BEFORE = "0014_employer_answer_history"


def _sealed(raw: bytes, purpose: str) -> bytes:
    return field_cipher().encrypt(raw, purpose.encode())


def _an_id(value: int | None, purpose: str) -> bytes:
    return _sealed(b" " * 20 if value is None else f"{value:020d}".encode(), purpose)


def _populate_at_0014() -> None:
    """Two units, one empty; coworkers with and without segments, an account linked to
    one of them and a staff organizer's unlinked one. Plain SQL: the models describe the
    newest schema (and flushing people writes rosters, whose table does not exist yet)."""
    run = db.session.execute
    run(sa.text("INSERT INTO unions (id, name, release_threshold, endorsement_threshold, comment_threshold,"
                " created_on, time_zone, evidence_window_days) VALUES (1, 'Old Union', 5, 3, 10, '2026-08-01',"
                " 'America/Chicago', 90)"))
    for unit_id, name in ((1, "Yard"), (2, "Empty shop")):
        run(sa.text("INSERT INTO bargaining_units (id, union_id, name, created_on) VALUES (:i, 1, :n, '2026-08-01')"),
            {"i": unit_id, "n": name})
    run(sa.text("INSERT INTO departments (id, unit_id, name) VALUES (3, 1, 'Loading'), (4, 1, 'Cranes')"))
    run(sa.text("INSERT INTO shifts (id, unit_id, name) VALUES (7, 1, 'Night')"))
    people = [(11, "Ada Member", 3, 7, 2, True, "ada@example.org", date(2026, 9, 1)),
              (12, "  Émile   Zola", None, None, 0, False, None, date(2026, 10, 5)),
              (13, "ben undecided", 4, None, 5, False, "ben@example.org", date(2026, 9, 20))]
    for person_id, name, department, shift, assessment, member, email, moved in people:
        run(sa.text(
            "INSERT INTO people (id, unit_id, department_id, shift_id, name, email, assessment, is_member,"
            " card_signed_on, charted_on, segment_changed_on) VALUES (:id, 1, :d, :s, :n, :e, :a, :m, :c, :ch, :mv)"), {
            "id": person_id, "d": _an_id(department, "person.department_id"),
            "s": _an_id(shift, "person.shift_id"), "n": _sealed(name.encode(), "person.name"),
            "e": _sealed(email.encode(), "person.email") if email else None,
            "a": _sealed(str(assessment).encode(), "person.assessment"),
            "m": _sealed(b"1" if member else b"0", "person.is_member"),
            "c": _sealed(b" " * 10, "person.card_signed_on"),
            "ch": _sealed(b"2026-08-01", "person.charted_on"),
            "mv": _sealed(moved.isoformat().encode(), "person.segment_changed_on")})
    account = ("INSERT INTO accounts (id, person_id, display_name, email, email_index, password_hash,"
               " failed_login_count, created_on, wants_email) VALUES (:id, :p, :n, :e, :i, 'x', 0, '2026-09-20', :w)")
    run(sa.text(account), {"id": 21, "p": _an_id(11, "account.person_id"), "n": _sealed(b"Ada", "account.display_name"),
                           "e": _sealed(b"ada@example.org", "account.email"), "i": b"a" * 32, "w": False})
    run(sa.text(account), {"id": 22, "p": _an_id(None, "account.person_id"), "n": _sealed(b"Staff", "account.display_name"),
                           "e": _sealed(b"staff@example.org", "account.email"), "i": b"s" * 32, "w": False})
    run(sa.text("INSERT INTO role_assignments (account_id, role, unit_id) VALUES (21, 'member', 1)"))
    run(sa.text("INSERT INTO role_assignments (account_id, role, union_id) VALUES (22, 'organizer', 1)"))
    db.session.commit()


def test_the_upgrade_builds_each_units_roster_as_the_app_would(tmp_path):
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'charted.db'}"})
    with app.app_context():
        upgrade(revision=BEFORE)
        _populate_at_0014()
        upgrade()
        for unit_id in (1, 2):
            unit = db.session.get(BargainingUnit, unit_id)
            stored = roster.of(unit)
            assert stored.is_stored, "the upgrade wrote it; nothing was rebuilt"
            rebuilt = roster._rebuilt(db.session(), unit_id)
            assert list(stored.entries()) == list(rebuilt.entries())
            assert roster.summaries([unit])[unit_id] == rebuilt.summary
        yard = roster.of(db.session.get(BargainingUnit, 1))
        assert yard.person_ids() == [11, 13, 12], "by name key: ada, ben, emile"
        assert yard.account_of(11) == 21 and yard.account_of(12) is None
        assert yard.matching(search="emile zola") == [12] and yard.matching(department_id=4) == [13]
        assert yard.summary.members == 1 and yard.summary.counts_by_assessment[5] == 1
        db.session.remove()

        downgrade(revision=BEFORE)
        with db.engine.connect() as connection:
            tables = sa.inspect(connection).get_table_names()
            assert "unit_rosters" not in tables and "people" in tables
            assert connection.execute(sa.text("SELECT count(*) FROM people")).scalar() == 3
        db.engine.dispose()
