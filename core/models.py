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
def _configure_sqlite(dbapi_connection, connection_record) -> None:
    """SQLite as a real transactional database.

    Foreign keys (and so ON DELETE CASCADE) are enforced only when asked, per
    connection. And the sqlite3 driver begins transactions lazily on its own,
    which makes a SAVEPOINT's release commit at once: the driver is told to
    stay out of the way and SQLAlchemy emits BEGIN itself (the documented
    recipe), so a caller's rollback undoes everything, savepoints included."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()


@sa.event.listens_for(sa.engine.Engine, "begin")
def _begin_sqlite_transaction(connection: sa.Connection) -> None:
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN")
