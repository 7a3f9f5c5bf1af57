"""Sign-in, lockout, sessions and password changes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.clock import utcnow
from core.extensions import db
from organizer.accounts import services as accounts
from organizer.accounts.models import Account
from organizer.errors import LoginRefused
from tests.factories import PASSWORD


def _account(email: str) -> Account:
    return accounts.find_account_by_email(email)


def test_unknown_email_and_wrong_password_get_the_same_answer(client, world):
    unknown = client.post("/login", data={"email": "nobody@example.org", "password": PASSWORD})
    wrong = client.post("/login", data={"email": world.member, "password": "not the password"})
    assert unknown.status_code == wrong.status_code == 400
    assert unknown.data.replace(b"nobody@example.org", b"X") == wrong.data.replace(world.member.encode(), b"X")


def test_unknown_email_costs_one_password_check_like_a_known_one(app_ctx, world, monkeypatch):
    """Equal work is what makes the timing equal; the timing itself is measured, not asserted."""
    calls = []
    real = accounts.check_password_hash
    monkeypatch.setattr(accounts, "check_password_hash", lambda h, p: calls.append(h) or real(h, p))
    for email in ("nobody@example.org", world.member):
        with pytest.raises(LoginRefused):
            accounts.authenticate(email, "wrong password")
    assert len(calls) == 2


def test_email_lookup_ignores_case_and_spaces(client, world):
    response = client.post("/login", data={"email": "  MEMBER@Example.org ", "password": PASSWORD})
    assert response.status_code == 302


def test_five_failures_lock_the_account_even_for_the_right_password(app, client, world):
    for _ in range(5):
        assert client.post("/login", data={"email": world.member, "password": "wrong one"}).status_code == 400
    locked = client.post("/login", data={"email": world.member, "password": PASSWORD})
    assert locked.status_code == 400
    with app.app_context():
        account = _account(world.member)
        assert account.is_locked()
        assert account.locked_until - utcnow() <= timedelta(minutes=15)
        # Fifteen minutes later the lock has lapsed.
        account.locked_until = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert client.post("/login", data={"email": world.member, "password": PASSWORD}).status_code == 302


def test_four_failures_then_success_resets_the_count(app, client, world):
    for _ in range(4):
        client.post("/login", data={"email": world.member, "password": "wrong one"})
    assert client.post("/login", data={"email": world.member, "password": PASSWORD}).status_code == 302
    with app.app_context():
        assert _account(world.member).failed_login_count == 0


def test_session_cookie_changes_at_sign_in_and_old_cookie_dies_at_sign_out(app, client, world, login):
    client.get("/login")
    before = client.get_cookie("leverage_session")
    login(client, world.member)
    after = client.get_cookie("leverage_session")
    assert after is not None and (before is None or before.value != after.value)
    stolen = after.value
    client.post("/logout")
    thief = app.test_client()
    thief.set_cookie("leverage_session", stolen)
    assert thief.get("/").status_code == 302, "a cookie from before sign-out must no longer sign anyone in"


def test_signing_in_on_a_second_device_keeps_the_first(app, world, login):
    first, second = app.test_client(), app.test_client()
    login(first, world.member)
    login(second, world.member)
    assert first.get("/").status_code == second.get("/").status_code == 200
    second.post("/logout")
    assert second.get("/").status_code == 302
    assert first.get("/").status_code == 200, "signing out ends only that browser's session"


def test_password_change_signs_out_every_other_device(app, world, login):
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, world.member)
    login(phone, world.member)
    assert phone.post("/account/password", data={
        "current_password": PASSWORD, "new_password": "another long passphrase",
        "confirm": "another long passphrase"}).status_code == 302
    assert phone.get("/").status_code == 200
    assert laptop.get("/").status_code == 302


def test_sessions_expire_after_the_maximum_age(app, client, world, login):
    from datetime import timedelta

    from core.clock import today
    from organizer.accounts.models import AccountSession

    login(client, world.member)
    with app.app_context():
        db.session.execute(db.update(AccountSession).values(
            created_on=today() - timedelta(days=app.config["SESSION_MAX_AGE_DAYS"] + 1)))
        db.session.commit()
        assert accounts.purge_stale_sessions() == 1
        db.session.commit()
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("target, expected", [
    ("/account/password", "/account/password"),
    ("https://evil.example/phish", "/"),
    ("//evil.example/phish", "/"),
    ("/\\evil.example", "/"),
    ("javascript:alert(1)", "/"),
])
def test_next_only_redirects_within_the_site(client, world, target, expected):
    response = client.post(f"/login?next={target}", data={"email": world.member, "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_change_password(app, client, world, login):
    login(client, world.member)
    response = client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": "a brand new passphrase", "confirm": "a brand new passphrase"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200, "the session that changed the password stays signed in"
    client.post("/logout")
    assert client.post("/login", data={"email": world.member, "password": PASSWORD}).status_code == 400
    assert client.post("/login", data={"email": world.member,
                                       "password": "a brand new passphrase"}).status_code == 302


@pytest.mark.parametrize("data, message", [
    ({"current_password": "wrong", "new_password": "long enough now", "confirm": "long enough now"},
     b"current password is not correct"),
    ({"current_password": PASSWORD, "new_password": "short", "confirm": "short"}, b"Use between 10"),
    ({"current_password": PASSWORD, "new_password": "long enough now", "confirm": "different entirely"},
     b"The passwords differ"),
    ({"current_password": PASSWORD, "new_password": PASSWORD, "confirm": PASSWORD}, b"different from the current"),
    ({"current_password": PASSWORD, "new_password": "x" * 129, "confirm": "x" * 129}, b"Use between 10"),
])
def test_change_password_refusals(app, client, world, login, data, message):
    login(client, world.member)
    response = client.post("/account/password", data=data)
    assert response.status_code == 400
    assert message in response.data
    with app.app_context():
        assert accounts.check_password_hash(_account(world.member).password_hash, PASSWORD)


def test_passwords_are_hashed_with_scrypt(app_ctx, world):
    account = _account(world.member)
    assert account.password_hash.startswith("scrypt:")
    assert PASSWORD not in account.password_hash


def test_production_hashing_is_memory_hard():
    from config import ProductionConfig

    method, n, r, p = ProductionConfig.PASSWORD_HASH_METHOD.split(":")
    assert method == "scrypt" and int(n) * int(r) * 128 >= 32 * 1024 * 1024
