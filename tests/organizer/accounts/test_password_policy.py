"""The password policy: one rule in the accounts service, obeyed by accepting
an invitation, changing a password and `flask create-organizer`, with a
refusal that says why in plain words."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from core.extensions import db
from organizer.accounts import services as accounts
from organizer.accounts.models import Account
from organizer.charting.models import Union
from organizer.errors import DomainError
from tests.factories import PASSWORD

DATA = accounts.COMMON_PASSWORDS_FILE.parent
EMAIL = "jordan.example@example.net"
NAME = "Night shift steward"


def _refusal(password: str, *, email: str = EMAIL, display_name: str = NAME) -> str:
    with pytest.raises(DomainError) as refused:
        accounts.check_password_policy(password, email=email, display_name=display_name, field="new_password")
    assert refused.value.field == "new_password", "the refusal belongs beside the password field"
    return refused.value.message


@pytest.mark.parametrize("password", ["a few words of mine", "x" * accounts.PASSWORD_MIN_LENGTH,
                                      "y" * accounts.PASSWORD_MAX_LENGTH, "Ünïcode pässphrase ✊"])
def test_a_good_password_passes(app_ctx, password):
    accounts.check_password_policy(password, email=EMAIL, display_name=NAME)


@pytest.mark.parametrize("password", ["", "short", "x" * (accounts.PASSWORD_MIN_LENGTH - 1),
                                      "y" * (accounts.PASSWORD_MAX_LENGTH + 1), "z" * 5000])
def test_too_short_or_too_long_is_refused_with_the_bounds(app_ctx, password):
    assert "Use between 10 and 128 characters" in _refusal(password)


@pytest.mark.parametrize("password", ["password123", "PASSWORD123", "Password123", "qwertyuiop", "QwErTyUiOp",
                                      "1234567890", "basketball", " Basketball "])
def test_a_common_password_is_refused_whatever_its_case(app_ctx, password):
    assert "list of common passwords" in _refusal(password)


@pytest.mark.parametrize("password", ["jordan.example", "JORDAN.EXAMPLE", "jordan.example@example.net",
                                      "Jordan.Example@Example.NET"])
def test_the_email_or_its_local_part_is_refused(app_ctx, password):
    assert "email address" in _refusal(password)


@pytest.mark.parametrize("password", ["Night shift steward", "night shift steward", "NIGHT SHIFT STEWARD"])
def test_the_display_name_is_refused(app_ctx, password):
    assert "display name" in _refusal(password)


def test_the_common_list_is_the_full_zxcvbn_list_lowercase_with_its_licence():
    lines = accounts.COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    assert len(lines) > 40_000, "the whole maintained list, not a sample"
    assert lines[:4] == ["123456", "password", "12345678", "qwerty"], "kept in the list's rank order"
    assert all(line == line.strip().lower() and line for line in lines)
    assert len(set(lines)) == len(lines)
    licence = (DATA / "common_passwords.LICENSE").read_text()
    assert "Permission is hereby granted" in licence and "Dropbox" in licence
    readme = (DATA / "README.md").read_text()
    assert "@zxcvbn-ts/language-common" in readme and "MIT" in readme
    assert re.search(r"\b4\.\d+\.\d+\b", readme), "the README names the version"


def _account_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Account))


def test_accepting_an_invitation_with_a_common_password_is_refused_and_creates_nothing(app, client, world, login):
    from tests.organizer.accounts.test_invitations import NEW_MEMBER, _invite_link

    path = _invite_link(client, login, world)
    with app.app_context():
        before = _account_count()
    response = client.post(path, data={**NEW_MEMBER, "password": "Password123", "confirm": "Password123"})
    assert response.status_code == 400
    assert b"list of common passwords" in response.data
    with app.app_context():
        assert _account_count() == before
    assert client.post(path, data=NEW_MEMBER).status_code == 302, \
        "the same link still works after a refusal: nothing was half-written"


def test_accepting_an_invitation_with_the_display_name_as_password_is_refused(app, client, world, login):
    from tests.organizer.accounts.test_invitations import NEW_MEMBER, _invite_link

    path = _invite_link(client, login, world)
    with app.app_context():
        before = _account_count()
    name = "Harbor night crew"
    response = client.post(path, data={**NEW_MEMBER, "display_name": name, "password": name, "confirm": name})
    assert response.status_code == 400 and b"display name" in response.data
    with app.app_context():
        assert _account_count() == before


@pytest.mark.parametrize("new, message", [
    ("letmein123", b"list of common passwords"),
    ("member@example.org", b"email address"),
    ("Dockside Jordan", b"display name"),
])
def test_changing_to_a_weak_password_is_refused(app, client, world, login, new, message):
    with app.app_context():
        accounts.find_account_by_email(world.member).display_name = "Dockside Jordan"
        db.session.commit()
    login(client, world.member)
    response = client.post("/account/password", data={"current_password": PASSWORD, "new_password": new,
                                                      "confirm": new})
    assert response.status_code == 400 and message in response.data
    with app.app_context():
        account = accounts.find_account_by_email(world.member)
        assert accounts.check_password_hash(account.password_hash, PASSWORD), "the old password still works"


@pytest.mark.parametrize("password, message", [
    ("qwertyuiop", "list of common passwords"),
    ("short", "Use between 10"),
    ("boss@example.net", "email address"),
    ("The Organizer", "display name"),
])
def test_create_organizer_obeys_the_same_policy(app, runner, password, message):
    result = runner.invoke(args=["create-organizer", "--union", "Bakery Workers", "--email", "boss@example.net",
                                 "--display-name", "The Organizer"], input=f"{password}\n{password}\n")
    assert result.exit_code != 0 and message in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Union)) == 0, "the union was rolled back"
