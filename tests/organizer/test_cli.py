"""CLI commands: the demo seed and the bootstrap of a union's first organizer."""

from __future__ import annotations

import sqlalchemy as sa

from core.app import create_app
from core.extensions import db
from organizer.accounts import services as accounts
from organizer.accounts.models import Account
from organizer.charting.models import BargainingUnit, Person, Union
from organizer.demo import DEMO_PASSWORD
from organizer.roles import Role
from surveys.models import Survey


def test_seed_demo_creates_a_believable_union(app, runner, client, login):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "organizer@example.org" in result.output and DEMO_PASSWORD in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Union)) == 1
        units = db.session.scalars(sa.select(BargainingUnit)).all()
        assert 2 <= len(units) <= 3 and all(unit.departments and unit.shifts for unit in units)
        people = db.session.scalar(sa.select(sa.func.count()).select_from(Person))
        assert 130 <= people <= 170
        roles = {a.role for account in db.session.scalars(sa.select(Account)) for a in account.roles}
        assert roles == {Role.ORGANIZER, Role.STEWARD, Role.MEMBER, Role.COMMITTEE}
        members = sum(1 for a in db.session.scalars(sa.select(Account)) if a.has_role(Role.MEMBER))
        assert members >= 3
    login(client, "organizer@example.org", DEMO_PASSWORD)
    assert b"Riverside Logistics Workers" in client.get("/").data
    # Every round of the demo pulse is written in both languages, its title too.
    with app.app_context():
        pulses = db.session.scalars(sa.select(Survey).where(Survey.title == "Warehouse pulse")).all()
        assert len(pulses) >= 2 and all(p.translations["es"]["title"] == "Pulso del almacén" for p in pulses)


def test_seed_demo_if_empty_leaves_existing_data_alone(app, runner, world):
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0 and "already present" in result.output
    assert runner.invoke(args=["seed-demo"]).exit_code != 0
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Union)) == 2


def test_seed_demo_refuses_production(monkeypatch, tmp_path):
    from config import generate_secrets

    for name, value in {**generate_secrets(), "DATABASE_URL": f"sqlite:///{tmp_path}/p.db",
                        "LEVERAGE_MAIL_SERVER": "mail.internal", "LEVERAGE_BASE_URL": "https://leverage.example.org"}.items():
        monkeypatch.setenv(name, value)
    result = create_app("production").test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code != 0 and "production" in result.output


def test_create_organizer_bootstraps_a_union(app, runner, client, login):
    result = runner.invoke(args=["create-organizer", "--union", "Bakery Workers", "--email", "first@example.net",
                                 "--display-name", "First"], input="a long passphrase\na long passphrase\n")
    assert result.exit_code == 0, result.output
    with app.app_context():
        account = accounts.find_account_by_email("first@example.net")
        union = db.session.scalars(sa.select(Union)).one()
        assert account.organizer_union_ids() == {union.id}
    login(client, "first@example.net", "a long passphrase")
    again = runner.invoke(args=["create-organizer", "--union", "Bakery Workers", "--email", "first@example.net",
                                "--display-name", "Dup"], input="a long passphrase\na long passphrase\n")
    assert again.exit_code != 0 and "already exists" in again.output
    short = runner.invoke(args=["create-organizer", "--union", "X", "--email", "x@example.net",
                                "--display-name", "X"], input="short\nshort\n")
    assert short.exit_code != 0
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Union)) == 1
