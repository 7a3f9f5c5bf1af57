"""Web security: headers on every response, cookie flags, CSRF, and no client
address in the logs."""

from __future__ import annotations

import logging

import pytest

from core.app import create_app
from core.security import SECURITY_HEADERS, RedactClientAddress

PAGES = ["/login", "/", "/invite/forged", "/no-such-page", "/static/css/app.css"]


@pytest.mark.parametrize("path", PAGES)
def test_security_headers_on_every_response(client, path):
    response = client.get(path)
    response.close()
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, f"{name} missing on {path}"
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp


def test_signed_in_pages_carry_the_headers_too(client, world, login):
    login(client, world.organizer)
    for path in ("/", f"/units/{world.unit_id}/chart", f"/unions/{world.union_id}"):
        response = client.get(path)
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Cache-Control"] == "no-store"


def test_pages_hold_no_inline_script_or_style(client, world, login):
    login(client, world.organizer)
    for path in ("/", f"/units/{world.unit_id}/chart", f"/people/{world.person_id}/edit"):
        html = client.get(path).data.decode()
        assert "<script>" not in html and "onclick=" not in html and "style=" not in html


def test_session_cookie_flags(client, world):
    response = client.post("/login", data={"email": world.member, "password": "correct horse battery staple"})
    # Sign-in sets two cookies now (the session and the device cookie): pick the session's.
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("leverage_session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_cookies_are_secure(monkeypatch, tmp_path):
    from config import generate_secrets

    for name, value in {**generate_secrets(), "DATABASE_URL": f"sqlite:///{tmp_path}/p.db",
                        "LEVERAGE_MAIL_SERVER": "mail.internal", "LEVERAGE_BASE_URL": "https://leverage.example.org"}.items():
        monkeypatch.setenv(name, value)
    app = create_app("production")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    response = app.test_client().get("/login")
    assert "Strict-Transport-Security" in response.headers


def test_post_without_csrf_token_is_refused(client, world, csrf_on):
    response = client.post("/login", data={"email": world.member, "password": "correct horse battery staple"})
    assert response.status_code == 400
    assert b"Form expired or forged" in response.data


def test_post_with_csrf_token_is_accepted(client, world, csrf_on):
    import re

    page = client.get("/login").data.decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"csrf_token": token, "email": world.member,
                                           "password": "correct horse battery staple"})
    assert response.status_code == 302


def test_signed_in_post_without_csrf_is_refused(app, client, world, login, csrf_on, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    login(client, world.organizer)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    assert client.post(f"/people/{world.person_id}/remove").status_code == 400
    assert client.post(f"/unions/{world.union_id}/units", data={"name": "X"}).status_code == 400


def test_dev_server_log_lines_lose_the_client_address():
    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1,
                               '203.0.113.9 - - [28/Nov/2026 10:00:00] "%s" %s %s', ("GET / HTTP/1.1", 200, "-"), None)
    RedactClientAddress().filter(record)
    assert "203.0.113.9" not in record.getMessage()


def test_unexpected_errors_answer_500_page_without_details(tmp_path):
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'boom.db'}"})

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret detail")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert b"secret detail" not in response.data and b"Nothing was saved" in response.data


@pytest.mark.parametrize("who", ["anonymous", "organizer", "member"])
def test_every_route_answers_with_the_security_headers(app, world, login, who):
    from tests.organizer.test_authorization_matrix import MATRIX, _ids

    ids = _ids(app, world)
    client = app.test_client()
    if who != "anonymous":
        login(client, getattr(world, who))
    missing = []
    for endpoint, (method, template, _) in sorted(MATRIX.items(), key=lambda i: (i[1][0] != "GET", i[0] == "auth.logout")):
        response = client.open(template.format(**ids), method=method)
        response.close()
        for name, value in SECURITY_HEADERS.items():
            if response.headers.get(name) != value:
                missing.append(f"{endpoint} ({response.status_code}) lacks {name}")
    assert not missing, "\n".join(missing)


def test_a_locked_account_stays_locked_across_new_sessions(app, world):
    from tests.factories import PASSWORD

    for _ in range(5):
        app.test_client().post("/login", data={"email": world.member, "password": "wrong guess"})
    for _ in range(3):
        fresh = app.test_client()
        assert fresh.post("/login", data={"email": world.member, "password": PASSWORD}).status_code == 400
        assert fresh.get("/").status_code == 302


def test_a_database_outage_answers_503_with_a_message_even_for_signed_in_visitors(app, client, world, login,
                                                                                   monkeypatch):
    """The error page must not itself need the database (loading the signed-in
    account again would fail and turn the clear 503 into a bare 500)."""
    from sqlalchemy.exc import OperationalError

    from core.extensions import login_manager

    login(client, world.organizer)

    def database_down(token):
        raise OperationalError("SELECT 1", {}, ConnectionRefusedError("database is down"))

    monkeypatch.setattr(login_manager, "_user_callback", database_down)
    response = client.get(f"/unions/{world.union_id}")
    assert response.status_code == 503
    assert b"The database is not answering right now. Nothing was saved" in response.data
    assert b"css/app.css" in response.data, "the full error page, not the last-resort fallback"
    assert response.headers["Content-Security-Policy"] == SECURITY_HEADERS["Content-Security-Policy"]
