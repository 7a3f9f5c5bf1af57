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
