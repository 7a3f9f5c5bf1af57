"""Posting forms as a browser does, with the CSRF token the page gave: for the
tests that check a refusal comes from the form's rules, not from a missing
token (they run with the `csrf_on` fixture)."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.factories import PASSWORD

_TOKEN = re.compile(r'name="(?:[\w-]+-)?csrf_token" type="hidden" value="([^"]+)"')


def token_of(client: FlaskClient, page: str) -> str:
    """The CSRF token of the first form on `page` (every form of a session shares one)."""
    html = client.get(page).get_data(as_text=True)
    found = _TOKEN.search(html)
    assert found, f"{page} has no form with a CSRF token"
    return found.group(1)


def sign_in(client: FlaskClient, email: str, password: str = PASSWORD) -> FlaskClient:
    response = client.post("/login", data={"csrf_token": token_of(client, "/login"), "email": email,
                                           "password": password})
    assert response.status_code == 302, f"sign-in as {email} failed"
    return client


def post_form(client: FlaskClient, page: str, data: dict, action: str | None = None,
              token_field: str = "csrf_token") -> TestResponse:
    """Open `page`, then post `data` with its token to `action` (the page itself by default)."""
    return client.post(action or page, data={token_field: token_of(client, page), **data})
