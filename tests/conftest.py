"""Shared fixtures: one app and database per session (built by running the
migrations on an empty database), tables emptied after every test, a client,
a CLI runner, a sign-in helper and a small world of two unions (see factories.py).

The database is SQLite in a temporary folder unless LEVERAGE_TEST_DATABASE_URL
names a PostgreSQL database; an unreachable PostgreSQL fails the run (never a
silent skip). Under pytest-xdist (`make test` runs one worker per core) each
worker has a database of its own: SQLite in its own temporary folder, and on
PostgreSQL a database named after the worker beside the one named, made when
missing.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from core.app import create_app
from core.extensions import db, limiter
from organizer.charting.models import BargainingUnit
from organizer.roles import Role
from tests import factories
from tests.factories import PASSWORD


def _database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("LEVERAGE_TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    try:
        engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(sa.text("select 1"))
            url = _worker_database(connection, sa.make_url(url))
        engine.dispose()
    except Exception as exc:  # noqa: BLE001 - any failure to connect must stop the run
        pytest.exit(f"LEVERAGE_TEST_DATABASE_URL is set but PostgreSQL is unreachable: {exc}", returncode=3)
    return url


def _worker_database(connection: sa.Connection, url: sa.URL) -> str:
    """The database this xdist worker uses: the one named when tests run in one
    process, else `<name>_<worker>`, created on first use (workers drop and
    rebuild its schema, so parallel workers never share a table)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url.render_as_string(hide_password=False)
    name = f"{url.database}_{worker}"
    exists = connection.execute(sa.text("select 1 from pg_database where datname = :name"), {"name": name}).first()
    if exists is None:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session", autouse=True)
def _instance_path(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Every app built by the tests keeps its generated secrets in a temporary folder."""
    os.environ["LEVERAGE_INSTANCE_PATH"] = str(tmp_path_factory.mktemp("instance"))


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    url = _database_url(tmp_path_factory)
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False})
    with app.app_context():
        _reset_schema()
        from flask_migrate import upgrade

        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


def _reset_schema() -> None:
    """A PostgreSQL test database may hold an earlier run's tables; start from empty."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA public CASCADE"))
            connection.execute(sa.text("CREATE SCHEMA public"))


@pytest.fixture(autouse=True)
def _clean_tables(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "app" not in request.fixturenames:
        return
    app: Flask = request.getfixturevalue("app")
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())
    limiter.reset()  # sign-in budgets (in memory) start afresh too


@pytest.fixture
def app_ctx(app: Flask) -> Iterator[Flask]:
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


@pytest.fixture
def csrf_on(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


@pytest.fixture
def login(app: Flask) -> Callable[..., FlaskClient]:
    def sign_in(client: FlaskClient, email: str, password: str = PASSWORD) -> FlaskClient:
        response = client.post("/login", data={"email": email, "password": password})
        assert response.status_code == 302, f"sign-in as {email} failed"
        return client

    return sign_in


@dataclass(frozen=True)
class World:
    """Two unions: A, with a unit, a charted coworker and one account per role,
    and B, another campaign with its own organizer. Ids and emails only: view
    tests make requests without holding an app context (a shared context would
    share `g`, and so the signed-in user, across requests)."""

    union_id: int
    unit_id: int
    other_union_id: int
    other_unit_id: int
    person_id: int
    organizer: str = "organizer@example.org"
    steward: str = "steward@example.org"
    member: str = "member@example.org"
    other_organizer: str = "other@example.org"


@pytest.fixture
def world(app: Flask) -> World:
    with app.app_context():
        union = factories.create_union("Harbor Workers United", units=("Dock crew",))
        other = factories.create_union("Other Campaign", units=("Elsewhere",))
        unit, other_unit = union.units[0], other.units[0]
        factories.create_account(Role.ORGANIZER, union=union, email=World.organizer)
        factories.create_account(Role.STEWARD, unit=unit, email=World.steward)
        factories.create_account(Role.MEMBER, unit=unit, email=World.member)
        factories.create_account(Role.ORGANIZER, union=other, email=World.other_organizer)
        person = factories.create_person(unit, "Jordan Example", assessment=2,
                                         department_id=unit.departments[0].id)
        db.session.commit()
        built = World(union_id=union.id, unit_id=unit.id, other_union_id=other.id,
                      other_unit_id=other_unit.id, person_id=person.id)
        db.session.remove()
    return built


@pytest.fixture
def crowd(app, world) -> list[str]:
    """Six more members with accounts in the world's unit: enough for a survey with k = 5."""
    emails = [f"worker{i}@example.org" for i in range(6)]
    with app.app_context():
        unit = db.session.get(BargainingUnit, world.unit_id)
        for email in emails:
            factories.create_account(Role.MEMBER, unit=unit, email=email)
        db.session.commit()
    return emails
