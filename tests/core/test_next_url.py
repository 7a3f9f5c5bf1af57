"""The `next` parameter after sign-in: only a path on this site, never a way
to send someone to another host (the classic open-redirect payloads)."""

from __future__ import annotations

import pytest

from core.views import safe_next_url

LOCAL = [
    "/",
    "/account/password",
    "/units/3/chart?department=2&shift=",
    "/search?q=two%20words",
    "/a%2Fb",
    "/people/7/edit#notes",
]

OPEN_REDIRECTS = [
    "///evil.example",
    "////evil.example",
    "//evil.example",
    "//evil.example/path",
    "/\\evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "/x\\..\\evil",
    "https://evil.example",
    "https:evil.example",
    "https:/evil.example",
    "http:\\\\evil.example",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "evil.example",
    "evil.example/path",
    " //evil.example",
    " /account",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "\t//evil.example",
    "/account\x00",
    "/\x7f/evil.example",
    "/\x85/evil.example",
    "/%2F%2Fevil.example",
    "/%2fevil.example",
    "/%5Cevil.example",
    "/%5cevil.example",
    "/%252F%252Fevil.example",
    "/%09/evil.example",
    "/%0d%0a/evil.example",
    "/%25252F%25252Fevil.example",
]


@pytest.mark.parametrize("target", LOCAL)
def test_a_path_on_this_site_is_kept_as_it_is(target):
    assert safe_next_url(target) == target


@pytest.mark.parametrize("target", OPEN_REDIRECTS)
def test_open_redirect_payloads_are_refused(target):
    assert safe_next_url(target) is None


@pytest.mark.parametrize("target", [None, ""])
def test_no_target_means_none(target):
    assert safe_next_url(target) is None


@pytest.mark.parametrize("target", ["///evil.example", "/%2F%2Fevil.example", "/\t/evil.example", "https:evil.example"])
def test_sign_in_with_a_hostile_next_lands_on_the_home_page(client, world, target):
    from tests.factories import PASSWORD

    response = client.post("/login", query_string={"next": target}, data={"email": world.member, "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
