"""The chart over HTTP, page by page: pages of a chosen size in name order, links
that keep the filters, a name search that ignores case and accents, and bad
page numbers, sizes and search terms answered with a 400 (or, for a page past
the end, the last page), never a 500."""

from __future__ import annotations

import html
import re

import pytest

from core.extensions import db
from organizer.accounts import services as accounts
from organizer.charting import people
from organizer.charting.models import BargainingUnit


@pytest.fixture
def crowded(app, world):
    """Sixty coworkers named "Person 00" to "Person 59", every third a member."""
    with app.app_context():
        organizer = accounts.find_account_by_email(world.organizer)
        people.add_many(organizer, db.session.get(BargainingUnit, world.unit_id), [
            people.PersonDetails(name=f"Person {n:02d}", is_member=n % 3 == 0, assessment=n % 6) for n in range(60)])
        people.add_many(organizer, db.session.get(BargainingUnit, world.unit_id), [
            people.PersonDetails(name="José Díaz"), people.PersonDetails(name="Zoë O'Brien")])
        db.session.commit()
    return world


def _names(page: bytes) -> list[str]:
    return [html.unescape(name) for name in re.findall(r"/edit\">([^<]+)</a></th>", page.decode())]


def test_the_chart_lists_one_page_at_a_time_in_name_order(app, client, crowded, login):
    login(client, crowded.organizer)
    unit = crowded.unit_id
    first = client.get(f"/units/{unit}/chart?search=person")
    assert first.status_code == 200
    assert _names(first.data) == [f"Person {n:02d}" for n in range(50)]
    assert b"Coworkers (60 match)" in first.data and b"Showing 1\xe2\x80\x9350 of 60" in first.data
    # The link to the next page keeps the search.
    assert f'href="/units/{unit}/chart?page=2&amp;search=person"'.encode() in first.data
    second = client.get(f"/units/{unit}/chart?search=person&page=2")
    assert _names(second.data) == [f"Person {n:02d}" for n in range(50, 60)]
    third_of_25 = client.get(f"/units/{unit}/chart?search=person&per_page=25&page=3")
    assert _names(third_of_25.data) == [f"Person {n:02d}" for n in range(50, 60)]
    assert b"per_page=25" in third_of_25.data, "links keep a chosen page size"
    # The counts describe the whole unit on every page.
    assert first.data.count(b'class="count"') == second.data.count(b'class="count"') == 6


def test_a_page_past_the_end_shows_the_last(app, client, crowded, login):
    login(client, crowded.organizer)
    page = client.get(f"/units/{crowded.unit_id}/chart?search=person&page=99")
    assert page.status_code == 200
    assert _names(page.data) == [f"Person {n:02d}" for n in range(50, 60)]
    assert b"page 2 of 2" in page.data


def test_filters_and_search_combine(app, client, crowded, login):
    login(client, crowded.organizer)
    members = client.get(f"/units/{crowded.unit_id}/chart?search=PERSON&membership=yes&per_page=100")
    assert _names(members.data) == [f"Person {n:02d}" for n in range(0, 60, 3)]
    assert _names(client.get(f"/units/{crowded.unit_id}/chart?search=person+0&assessment=5").data) == ["Person 05"]


@pytest.mark.parametrize("search, found", [
    ("jose", ["José Díaz"]), ("DÍAZ", ["José Díaz"]), ("  jose   diaz ", ["José Díaz"]),
    ("zoe o'b", ["Zoë O'Brien"]), ("o'brien", ["Zoë O'Brien"]), ("nobody like this", []),
])
def test_the_name_search_ignores_case_accents_and_spacing(app, client, crowded, login, search, found):
    login(client, crowded.organizer)
    page = client.get(f"/units/{crowded.unit_id}/chart", query_string={"search": search})
    assert page.status_code == 200
    assert _names(page.data) == found
    if not found:
        assert b"Nobody matches this filter" in page.data


@pytest.mark.parametrize("query", [
    {"search": "%"}, {"search": "_"}, {"search": "'; DROP TABLE people; --"}, {"search": "<script>alert(1)</script>"},
    {"search": "名前"}, {"search": "\u200b"}, {"search": "   "}, {"search": "x" * 120}, {"page": "1"},
    {"page": "99999999999999999999"}, {"per_page": "200"}, {"search": ""}, {"page": ""},
])
def test_odd_but_harmless_parameters_show_a_page(app, client, crowded, login, query):
    login(client, crowded.organizer)
    page = client.get(f"/units/{crowded.unit_id}/chart", query_string=query)
    assert page.status_code == 200
    assert b"<script>alert(1)</script>" not in page.data


@pytest.mark.parametrize("query, message", [
    ({"page": "0"}, b"Pages start at 1"), ({"page": "-3"}, b"Pages start at 1"),
    ({"page": "abc"}, b"Not a valid integer"), ({"page": "1.5"}, b"Not a valid integer"),
    ({"page": "9" * 5000}, b"Not a valid integer"),
    ({"per_page": "7"}, b"Not a valid choice"), ({"per_page": "1000000"}, b"Not a valid choice"),
    ({"per_page": "lots"}, b"Invalid Choice"),
    ({"search": "x" * 121}, b"120 characters or fewer"), ({"search": "a\x01b"}, b"Remove the control characters"),
    ({"department": "abc"}, b"Invalid Choice"), ({"department": "999999"}, b"Not a valid choice"),
])
def test_bad_parameters_are_a_400_with_the_reason(app, client, crowded, login, query, message):
    login(client, crowded.organizer)
    page = client.get(f"/units/{crowded.unit_id}/chart", query_string=query)
    assert page.status_code == 400
    assert message in page.data
    assert not _names(page.data), "no coworker is listed beside a refused filter"


def test_the_account_column_names_the_accounts_roles(app, client, world, login):
    login(client, world.organizer)
    page = client.get(f"/units/{world.unit_id}/chart").data.decode()
    rows = {name: row for row in page.split("<tr>")[2:] for name in _names(row.encode())}
    accounts_shown = {name: re.search(r"Has account <span class=\"muted\">\(([^)]*)\)", row) for name, row in rows.items()}
    held = sorted(match.group(1) for match in accounts_shown.values() if match)
    assert held == ["Member", "Steward"]
    assert "Invite" in rows["Jordan Example"] and not accounts_shown["Jordan Example"]
