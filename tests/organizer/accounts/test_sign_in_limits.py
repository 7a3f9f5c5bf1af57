"""Sign-in that cannot be guessed at scale or used to lock anyone out:
budgets per email (known or not), over all sign-ins and per device, checked
before any password work, and OWASP's device cookies so that strangers'
failures never lock out a browser the owner has signed in with."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from core.clock import today
from core.extensions import db
from organizer.accounts import services as accounts
from tests.factories import PASSWORD

COOKIE = "leverage_device"
LIMITS = {"LOGIN_ACCOUNT_LIMIT": "10 per 15 minutes", "LOGIN_DEVICE_LIMIT": "5 per 15 minutes",
          "LOGIN_GLOBAL_LIMIT": "300 per minute", "LOGIN_MAX_FAILURES": 5}


@pytest.fixture(autouse=True)
def _production_budgets(app, monkeypatch):
    """The tests below count attempts against the shipped budgets."""
    from config import BaseConfig

    for name in LIMITS:
        assert getattr(BaseConfig, name) == LIMITS[name], f"{name} changed: update these tests' arithmetic"
        monkeypatch.setitem(app.config, name, LIMITS[name])


def _attempt(client, email: str, password: str = "not the password"):
    return client.post("/login", data={"email": email, "password": password})


def _owner_browser(app, login, email: str):
    """A browser that has signed in to the account once, then signed out."""
    browser = app.test_client()
    login(browser, email)
    browser.post("/logout")
    assert browser.get_cookie(COOKIE, path="/login") is not None
    return browser


def _failed_count(app, email: str) -> int:
    with app.app_context():
        return accounts.find_account_by_email(email).failed_login_count


def _is_locked(app, email: str) -> bool:
    with app.app_context():
        return accounts.find_account_by_email(email).is_locked()


def test_a_successful_sign_in_leaves_a_signed_httponly_strict_device_cookie(app, client, world, login):
    response = client.post("/login", data={"email": world.member, "password": PASSWORD})
    assert response.status_code == 302
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(COOKIE + "="))
    assert "HttpOnly" in header and "SameSite=Strict" in header and "Path=/login" in header
    assert "Secure" not in header, "plain http in development and tests"
    value = client.get_cookie(COOKIE, path="/login").value
    with app.app_context():
        digest = accounts.find_account_by_email(world.member).email_index
    assert "member" not in value and digest.hex() not in value, "the cookie names the account only through an HMAC"
    assert re.fullmatch(r"\d+\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}", value)


def test_a_failed_sign_in_sets_no_device_cookie(client, world):
    response = _attempt(client, world.member)
    assert response.status_code == 400
    assert not any(h.startswith(COOKIE + "=") for h in response.headers.getlist("Set-Cookie"))


def test_the_device_cookie_is_secure_in_production(app, client, world, monkeypatch):
    from config import ProductionConfig

    assert ProductionConfig.DEVICE_COOKIE_SECURE is True
    monkeypatch.setitem(app.config, "DEVICE_COOKIE_SECURE", True)
    response = client.post("/login", data={"email": world.member, "password": PASSWORD})
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(COOKIE + "="))
    assert "Secure" in header


def test_strangers_failures_lock_out_untrusted_browsers_but_not_the_owners(app, world, login):
    owner = _owner_browser(app, login, world.member)
    stranger = app.test_client()
    for _ in range(5):
        assert _attempt(stranger, world.member).status_code == 400
    assert _is_locked(app, world.member)
    new_phone = app.test_client()
    assert _attempt(new_phone, world.member, PASSWORD).status_code == 400, "an untrusted browser is locked out"
    assert _attempt(owner, world.member, PASSWORD).status_code == 302, "the owner's browser is not"
    assert _is_locked(app, world.member), "the owner's sign-in does not lift the lock on an attack in progress"


def test_strangers_spending_the_emails_whole_budget_still_leave_the_owner_in(app, world, login):
    owner = _owner_browser(app, login, world.member)
    for _ in range(10):
        assert _attempt(app.test_client(), world.member).status_code == 400
    assert _attempt(app.test_client(), world.member, PASSWORD).status_code == 429
    assert _attempt(owner, world.member, PASSWORD).status_code == 302


def test_the_owners_own_wrong_guesses_spend_only_their_device_budget(app, world, login):
    owner = _owner_browser(app, login, world.member)
    for _ in range(5):
        assert _attempt(owner, world.member).status_code == 400
    assert _attempt(owner, world.member, PASSWORD).status_code == 429, "the device's own budget is spent"
    assert _failed_count(app, world.member) == 0 and not _is_locked(app, world.member), \
        "a trusted browser's failures never count towards the account's lock"
    assert _attempt(app.test_client(), world.member, PASSWORD).status_code == 302, \
        "other browsers are not affected by the owner's typos"


def test_a_new_sign_in_gives_the_device_a_fresh_budget(app, world, login):
    owner = _owner_browser(app, login, world.member)
    for _ in range(4):
        assert _attempt(owner, world.member).status_code == 400
    assert _attempt(owner, world.member, PASSWORD).status_code == 302
    owner.post("/logout")
    for _ in range(4):
        assert _attempt(owner, world.member).status_code == 400, "the fresh token has its own five attempts"


def test_a_device_cookie_for_one_account_does_not_shelter_guesses_at_another(app, world, login):
    owner = _owner_browser(app, login, world.member)
    for _ in range(5):
        assert _attempt(owner, world.steward).status_code == 400
    assert _is_locked(app, world.steward), "for the steward's account this browser is a stranger"
    assert _attempt(owner, world.member, PASSWORD).status_code == 302


def test_one_browser_remembers_several_accounts(app, world, login):
    shared = app.test_client()
    for email in (world.member, world.steward):
        login(shared, email)
        shared.post("/logout")
    for email in (world.member, world.steward):
        for _ in range(5):
            _attempt(app.test_client(), email)
        assert _is_locked(app, email)
        assert _attempt(shared, email, PASSWORD).status_code == 302
        shared.post("/logout")


@pytest.mark.parametrize("forgery", ["tampered tag", "other nonce", "expired", "garbage", "wrong key"])
def test_a_forged_or_stale_device_cookie_earns_no_trust(app, world, login, forgery, monkeypatch):
    owner = _owner_browser(app, login, world.member)
    token = owner.get_cookie(COOKIE, path="/login").value
    day, nonce, tag = token.split(".")
    with app.app_context():
        assert accounts.trusted_device_token(token, world.member) == token
        forged = {
            "tampered tag": f"{day}.{nonce}.{tag[:-2]}{'AA' if tag[-2:] != 'AA' else 'BA'}",
            "other nonce": f"{day}.{nonce[:-2]}{'AA' if nonce[-2:] != 'AA' else 'BA'}.{tag}",
            "expired": _token_issued(app, world.member, today() - timedelta(days=181)),
            "garbage": "1.2.3~" + "x" * 300,
            "wrong key": None,
        }[forgery]
        if forgery == "wrong key":
            monkeypatch.setitem(app.config, "SECRET_KEY", "another secret key of at least 32 characters")
            forged = token
        assert accounts.trusted_device_token(forged, world.member) is None
    owner.set_cookie(COOKIE, forged, path="/login")
    for _ in range(5):
        _attempt(app.test_client(), world.member)
    assert _attempt(owner, world.member, PASSWORD).status_code == 400, "treated like any untrusted browser"


def _token_issued(app, email: str, day) -> str:
    from organizer.accounts import services as accounts

    account = accounts.find_account_by_email(email)
    real_today = accounts.today
    try:
        accounts.today = lambda: day
        return accounts.remember_device(None, account)
    finally:
        accounts.today = real_today


def test_signing_in_with_the_right_password_spends_nothing_of_the_emails_budget(app, world):
    for _ in range(12):
        browser = app.test_client()
        assert _attempt(browser, world.member, PASSWORD).status_code == 302
        browser.post("/logout")
    for _ in range(5):
        assert _attempt(app.test_client(), world.member).status_code == 400
    assert _attempt(app.test_client(), world.member, PASSWORD).status_code == 400, "locked after five failures"


def test_unknown_emails_are_limited_exactly_like_known_ones(app, world):
    answers = {}
    for email in ("nobody@example.org", world.member):
        browser = app.test_client()
        answers[email] = [(r.status_code, r.data.replace(email.encode(), b"X"))
                          for r in (_attempt(browser, email) for _ in range(12))]
    assert [code for code, _ in answers[world.member]] == [400] * 10 + [429] * 2
    assert answers["nobody@example.org"] == answers[world.member], "same codes, same pages, for both"


def test_the_email_budget_ignores_case_and_spaces(app, world):
    for spelling in ["member@example.org", " MEMBER@example.org", "Member@Example.Org "] * 4:
        response = _attempt(app.test_client(), spelling)
    assert response.status_code == 429


def test_the_global_budget_applies_across_accounts(app, world, login, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_GLOBAL_LIMIT", "4 per minute")
    owner = _owner_browser(app, login, world.member)  # the owner's first sign-in spends one of the four
    for n in range(3):
        assert _attempt(app.test_client(), f"guess{n}@example.org").status_code == 400
    assert _attempt(app.test_client(), "guess9@example.org").status_code == 429
    assert _attempt(app.test_client(), world.steward, PASSWORD).status_code == 429, "known accounts too"
    assert _attempt(owner, world.member, PASSWORD).status_code == 302, "a trusted browser keeps its own budget"


def test_a_refused_attempt_does_no_password_work_and_changes_nothing(app, world, monkeypatch):
    for _ in range(10):
        _attempt(app.test_client(), world.member)
    for _ in range(10):
        _attempt(app.test_client(), "nobody@example.org")
    checks = []
    real = accounts.check_password_hash
    monkeypatch.setattr(accounts, "check_password_hash", lambda h, p: checks.append(h) or real(h, p))
    with app.app_context():
        before = accounts.find_account_by_email(world.member)
        state = (before.failed_login_count, before.locked_until)
    pages = []
    for email in (world.member, "nobody@example.org"):
        response = _attempt(app.test_client(), email, PASSWORD)
        assert response.status_code == 429
        pages.append(response.data.replace(email.encode(), b"X"))
    assert checks == [], "a 429 is answered before any password hash is checked"
    with app.app_context():
        after = accounts.find_account_by_email(world.member)
        assert (after.failed_login_count, after.locked_until) == state
    assert pages[0] == pages[1], "the 429 page is the same whether or not the account exists"
    assert b"Too many sign-in attempts" in pages[0] and b"minutes" in pages[0]


def test_a_too_many_page_carries_the_security_headers(app, world):
    from core.security import SECURITY_HEADERS

    for _ in range(11):
        response = _attempt(app.test_client(), "nobody@example.org")
    assert response.status_code == 429
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value


def test_signing_in_pages_and_budgets_never_count_gets(app, world):
    browser = app.test_client()
    for _ in range(20):
        assert browser.get("/login").status_code == 200
    assert _attempt(browser, world.member, PASSWORD).status_code == 302


def test_the_rate_limit_store_is_configurable_and_memory_by_default(tmp_path):
    from config import generate_secrets, load_settings

    assert load_settings("testing", str(tmp_path), generate_secrets())["RATELIMIT_STORAGE_URI"] == "memory://"
    environ = {**generate_secrets(), "DATABASE_URL": "postgresql://db/leverage",
               "LEVERAGE_MAIL_SERVER": "mail.internal", "LEVERAGE_BASE_URL": "https://leverage.example.org",
               "LEVERAGE_RATELIMIT_STORAGE_URI": "memcached://cache.internal:11211"}
    settings = load_settings("production", str(tmp_path), environ)
    assert settings["RATELIMIT_STORAGE_URI"] == "memcached://cache.internal:11211"


def test_no_code_or_test_reads_the_client_address():
    root = Path(__file__).resolve().parents[3]
    banned = ("remote" + "_addr", "get_remote" + "_address", "REMOTE" + "_ADDR", "X-Forwarded" + "-For",
              "access" + "_route")
    offenders = []
    for folder in ("core", "crypto", "surveys", "organizer", "candidates", "tests", "bench"):
        for path in (root / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            offenders += [f"{path.relative_to(root)}: {word}" for word in banned if word in text]
    for path in (root / "config.py", root / "wsgi.py"):
        offenders += [f"{path.name}: {word}" for word in banned if word in path.read_text(encoding="utf-8")]
    assert not offenders, "\n".join(offenders)
