"""Every route's `<int:...>` takes only ids a row can have: a number past the
largest an INTEGER column holds (PostgreSQL's is 32 bits) is a 404 before any
view or query runs, never a 500 from the database refusing the comparison."""

from __future__ import annotations

import pytest
from werkzeug.routing import IntegerConverter

from core.columns import LARGEST_ROW_ID

#: Past PostgreSQL's INTEGER, past SQLite's 64-bit INTEGER, and zero (no row is 0).
IMPOSSIBLE_IDS = (LARGEST_ROW_ID + 1, 10**20, 0)


def _routes_with_ids(app) -> list[tuple[str, str, list[str]]]:
    found = []
    for rule in app.url_map.iter_rules():
        id_args = [name for name, converter in rule._converters.items() if isinstance(converter, IntegerConverter)]
        if id_args and len(id_args) == len(rule.arguments):
            method = "GET" if "GET" in rule.methods else "POST"
            found.append((rule.endpoint, method, id_args))
    return found


def test_the_app_has_routes_with_ids_to_check(app):
    assert len(_routes_with_ids(app)) > 20


@pytest.mark.parametrize("impossible", IMPOSSIBLE_IDS)
def test_an_id_no_row_can_have_is_a_404_on_every_route(app, world, login, impossible):
    client = login(app.test_client(), world.organizer)
    answers = {}
    with app.test_request_context():
        for endpoint, method, id_args in _routes_with_ids(app):
            path = app.url_map.bind("localhost").build(endpoint, {name: impossible for name in id_args})
            response = client.open(path, method=method)
            answers[endpoint] = response.status_code
    assert {endpoint: code for endpoint, code in answers.items() if code != 404} == {}


def test_every_id_a_row_can_have_reaches_the_view(app):
    urls = app.url_map.bind("localhost")
    for possible in (1, LARGEST_ROW_ID):
        endpoint, arguments = urls.match(f"/units/{possible}/conversations")
        assert arguments == {"unit_id": possible}
