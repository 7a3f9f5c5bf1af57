"""The suite runs on the database it was asked to run on: CI's PostgreSQL run
must really be PostgreSQL, never a silent fall back to SQLite."""

from __future__ import annotations

import os

from core.extensions import db


def test_the_requested_database_is_the_one_under_test(app_ctx):
    dialect = db.engine.dialect.name
    if os.environ.get("LEVERAGE_REQUIRE_POSTGRES") or os.environ.get("LEVERAGE_TEST_DATABASE_URL"):
        assert dialect == "postgresql"
        assert db.session.execute(db.text("select version()")).scalar().startswith("PostgreSQL")
    else:
        assert dialect == "sqlite"
