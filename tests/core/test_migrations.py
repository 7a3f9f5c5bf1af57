"""Migrations are the schema: upgrading an empty database gives exactly the
models' tables, and the chain goes down and up again cleanly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from core.app import create_app
from core.extensions import db


def _differences() -> list:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_upgraded_database_matches_the_models(app_ctx):
    # The session database was built from empty by `flask db upgrade` alone (see conftest).
    assert _differences() == []


def test_downgrade_to_empty_and_upgrade_again(tmp_path):
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'roundtrip.db'}"})
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        with db.engine.connect() as connection:
            tables = set(db.inspect(connection).get_table_names()) - {"alembic_version"}
        assert tables == set()
        upgrade()
        assert _differences() == []
        db.engine.dispose()


def test_create_app_never_touches_the_schema(tmp_path):
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'untouched.db'}"})
    with app.app_context():
        with db.engine.connect() as connection:
            assert db.inspect(connection).get_table_names() == []
        db.engine.dispose()


def test_upgrading_a_populated_database_keeps_its_rows(tmp_path):
    """Batch migrations on SQLite rebuild tables; rows that point at them (with
    ON DELETE CASCADE) must survive the rebuild."""
    import sqlalchemy as sa

    from organizer.accounts.models import Account, RoleAssignment
    from organizer.roles import Role

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'populated.db'}"})
    with app.app_context():
        upgrade(revision="0002_survey_engine")
        # Written with plain SQL: the models (and services, which write audit entries) describe the newest schema.
        db.session.execute(sa.text("INSERT INTO unions (id, name, release_threshold, created_on)"
                                   " VALUES (1, 'Before the upgrade', 5, '2026-11-01')"))
        db.session.execute(sa.text("INSERT INTO bargaining_units (id, union_id, name, created_on)"
                                   " VALUES (1, 1, 'Dock crew', '2026-11-01')"))
        db.session.execute(sa.text(
            "INSERT INTO accounts (id, display_name, email, email_index, password_hash, session_token_hash,"
            " failed_login_count, created_on) VALUES (1, :blob, :blob, :index, 'x', :token, 0, '2026-11-01')"),
            {"blob": b"sealed", "index": b"i" * 32, "token": b"t" * 32})
        db.session.execute(sa.text("INSERT INTO role_assignments (account_id, role, union_id) VALUES (1, 'organizer', :u)"),
                           {"u": 1})
        db.session.commit()
        upgrade()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(RoleAssignment)) == 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Account)) == 1
        assert db.session.scalars(sa.select(RoleAssignment.role)).one() == Role.ORGANIZER
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1, "enforced again after migrating"
        db.engine.dispose()


def test_the_endorsement_state_is_read_from_the_columns_that_implied_it(tmp_path):
    """0010 turns the two nullable columns into the state they meant."""
    import sqlalchemy as sa

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'endorsements.db'}"})
    with app.app_context():
        upgrade(revision="0009_policy_floors_audit")
        db.session.execute(sa.text("INSERT INTO accounts (id, display_name, email, email_index, password_hash,"
                                   " failed_login_count, created_on) VALUES (1, :b, :b, :i, 'x', 0, '2026-11-01')"),
                           {"b": b"sealed", "i": b"i" * 32})
        db.session.execute(sa.text(
            "INSERT INTO surveys (id, scope, kind, title, key_mode, release_threshold, comment_threshold, state,"
            " round_number, eligible_count) VALUES (7, 'unit:1', 'endorsement', 'Back it', 'server_key', 3, 10,"
            " 'open', 1, 0)"))
        rows = [(1, None, None), (2, "2026-11-02", None), (3, "2026-11-02", 7)]
        for claim_id, requested_on, survey_id in rows:
            db.session.execute(sa.text(
                "INSERT INTO claims (id, account_id, section, text, created_on, endorsement_requested_on,"
                " endorsement_survey_id) VALUES (:id, 1, 'hire', :t, '2026-11-01', :r, :s)"),
                {"id": claim_id, "t": b"sealed", "r": requested_on, "s": survey_id})
        db.session.commit()
        upgrade()
        states = dict(db.session.execute(sa.text("SELECT id, endorsement_state FROM claims")).all())
        assert states == {1: "not_asked", 2: "requested", 3: "surveyed"}
        db.engine.dispose()
