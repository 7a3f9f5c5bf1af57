"""The raw bytes a database holds, for tests that search them for plaintext:
the SQLite files, or a data dump of PostgreSQL (pg_dump must exist then)."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa

from core.extensions import db


def raw_database(url: sa.URL) -> bytes:
    """Every byte the database holds: the SQLite files, or a data dump of PostgreSQL."""
    if url.get_backend_name() == "sqlite":
        with db.engine.connect() as connection:
            # Make SQLite write everything to the main file before reading it raw.
            connection.exec_driver_sql("PRAGMA wal_checkpoint(FULL)")
        path = Path(url.database)
        return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
    pg_dump = os.environ.get("LEVERAGE_PG_DUMP") or shutil.which("pg_dump") or next(
        iter(sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_dump"), reverse=True)), None)
    if pg_dump is None:
        pytest.fail("PostgreSQL is under test but pg_dump was not found (set LEVERAGE_PG_DUMP)")
    dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    return subprocess.run([pg_dump, "--data-only", dsn], check=True, capture_output=True).stdout
