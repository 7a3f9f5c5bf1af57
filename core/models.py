"""The declarative base every model derives from.

A naming convention gives every constraint a stable name, so Alembic can alter
and drop them on SQLite (batch mode) and PostgreSQL alike.
"""

import sqlite3

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


@sa.event.listens_for(sa.engine.Engine, "connect")
def _enforce_sqlite_foreign_keys(dbapi_connection, connection_record) -> None:
    """SQLite ignores foreign keys (and so ON DELETE CASCADE) unless asked, per
    connection. `secure_delete` zeroes what a delete or an update frees, so a
    copy of the file keeps no earlier version of a rewritten ballot pool or of
    the rows that the mix at close moved (PRIVACY.md invariant 1)."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA secure_delete = ON")
        cursor.close()


@sa.event.listens_for(sa.engine.Engine, "savepoint")
def _begin_before_sqlite_savepoint(connection: sa.Connection, name: str) -> None:
    """The sqlite3 driver begins a transaction only before a write, never before
    a SAVEPOINT; a savepoint outside a transaction becomes one, and releasing it
    commits at once, beyond the caller's rollback. So begin first. IMMEDIATE
    takes the write lock up front (waiting up to the busy timeout), because a
    savepoint here guards a write, and a deferred transaction that reads and
    then writes fails at once with "database is locked" under contention."""
    if connection.dialect.name != "sqlite":
        return
    driver = connection.connection.driver_connection
    if not driver.in_transaction:
        driver.execute("BEGIN IMMEDIATE")
