"""A unit's demands and its bargaining summary, a page at a time, over HTTP: 25 to a
page in the unit's order, filters kept in the pager's links and in the answer
forms' return, a page past the last shown as the last, bad page numbers and
filters answered 400 with the reason (never a 500), and every visitor answered
as the authorization matrix says, outsiders included, whatever the parameters."""

from __future__ import annotations

import html
import re

import pytest
import sqlalchemy as sa

from core.extensions import db
from organizer.accounts import services as accounts
from organizer.charting.models import BargainingUnit
from organizer.demands import services as demands
from organizer.demands.models import Demand, DemandKind, EmployerResponse, Tier
from tests.organizer.demands.filling import fill
from tests.organizer.test_authorization_matrix import ACTORS
from tests.organizer.test_id_tampering import outsiders  # noqa: F401 - a fixture

PAGE_SIZE = demands.UNIT_DEMANDS_PAGE_SIZE


@pytest.fixture
def filled(app, world) -> list[int]:
    with app.app_context():
        return fill(world.unit_id, 60, password_of=world.organizer)


def _shown(page: str) -> list[int]:
    return [int(number) for number in re.findall(r'<article class="card demand" id="demand-(\d+)"', page)]


def _in_order(app, world, steward_email: str, filters: demands.DemandFilters = demands.DemandFilters()) -> list[int]:
    """The ids of every matching demand, in the unit's order, through the service's pages."""
    with app.app_context():
        unit = db.session.get(BargainingUnit, world.unit_id)
        steward = accounts.find_account_by_email(steward_email)
        first = demands.unit_demands_page(steward, unit, filters)
        return [item.demand.id for page in range(1, first.pages + 1)
                for item in demands.unit_demands_page(steward, unit, filters, page).items]


def test_the_demands_come_25_to_a_page_in_the_units_order(app, world, login, filled):
    steward = login(app.test_client(), world.steward)
    with app.app_context():
        unit = db.session.get(BargainingUnit, world.unit_id)
        every = [d.id for d in demands.unit_demands(accounts.find_account_by_email(world.steward), unit)]
    assert _in_order(app, world, world.steward) == every
    first = steward.get(f"/units/{world.unit_id}/demands").get_data(as_text=True)
    assert _shown(first) == every[:PAGE_SIZE]
    assert f"Showing 1–{PAGE_SIZE} of {len(every)}" in first
    last = -(-len(every) // PAGE_SIZE)
    assert f'href="/units/{world.unit_id}/demands?page={last}"' in first
    second = steward.get(f"/units/{world.unit_id}/demands?page=2").get_data(as_text=True)
    assert _shown(second) == every[PAGE_SIZE:2 * PAGE_SIZE]
    past = steward.get(f"/units/{world.unit_id}/demands?page=9999")
    assert past.status_code == 200 and _shown(past.get_data(as_text=True)) == every[(last - 1) * PAGE_SIZE:]


def test_filters_choose_the_demands_and_stay_in_the_pagers_links(app, world, login, filled):
    steward = login(app.test_client(), world.steward)
    chosen = demands.DemandFilters(kind=DemandKind.DEMAND, answer=EmployerResponse.NO_ANSWER)
    expected = _in_order(app, world, world.steward, chosen)
    with app.app_context():
        for demand_id in expected:
            latest = db.session.get(Demand, demand_id).employer_response
            assert latest in (None, EmployerResponse.NO_ANSWER)
        others = db.session.scalars(sa.select(Demand).where(Demand.unit_id == world.unit_id,
                                                            Demand.id.not_in(expected))).all()
        assert all(d.kind == DemandKind.QUESTION or d.employer_response not in (None, EmployerResponse.NO_ANSWER)
                   for d in others)
    page = steward.get(f"/units/{world.unit_id}/demands?kind=demand&answer=no_answer").get_data(as_text=True)
    assert _shown(page) == expected[:PAGE_SIZE]
    if len(expected) > PAGE_SIZE:
        links = {html.unescape(link) for link in re.findall(r'href="(/units/\d+/demands\?[^"]*page=2[^"]*)"', page)}
        assert links and all("kind=demand" in link and "answer=no_answer" in link for link in links)
    by_tier = _in_order(app, world, world.steward, demands.DemandFilters(tier=Tier.PRIORITY))
    with app.app_context():
        assert by_tier and all(db.session.get(Demand, i).tier == Tier.PRIORITY for i in by_tier)


def test_the_answer_sent_from_a_page_returns_to_that_page_with_its_filters(app, world, login, filled):
    steward = login(app.test_client(), world.steward)
    expected = _in_order(app, world, world.steward, demands.DemandFilters(kind=DemandKind.DEMAND))
    demand_id = expected[PAGE_SIZE]  # the first demand of the second page
    page = steward.get(f"/units/{world.unit_id}/demands?kind=demand&page=2").get_data(as_text=True)
    action = html.unescape(re.search(rf'action="(/demands/{demand_id}/response[^"]*)"', page).group(1))
    assert "kind=demand" in action and "page=2" in action
    done = steward.post(action, data={f"demand{demand_id}-response": "supports", f"demand{demand_id}-note": "Yes"})
    assert done.status_code == 302
    location = done.headers["Location"]
    assert location.endswith(f"#demand-{demand_id}") and "kind=demand" in location and "page=2" in location
    with app.app_context():
        assert db.session.get(Demand, demand_id).employer_response == EmployerResponse.SUPPORTS
    # Tampered list parameters do not stop the answer: the steward goes back to the whole list.
    tampered = steward.post(f"/demands/{demand_id}/response?page=abc&kind=x",
                            data={f"demand{demand_id}-response": "partly", f"demand{demand_id}-note": "Some"})
    assert tampered.status_code == 302 and tampered.headers["Location"].endswith(
        f"/units/{world.unit_id}/demands#demand-{demand_id}")


def test_a_refused_answer_is_shown_beside_its_demand_even_when_the_filters_leave_it_out(app, world, login, filled):
    steward = login(app.test_client(), world.steward)
    questions = _in_order(app, world, world.steward, demands.DemandFilters(kind=DemandKind.QUESTION))
    demand_id = questions[-1]
    refused = steward.post(f"/demands/{demand_id}/response?kind=demand",
                           data={f"demand{demand_id}-response": "maybe"})
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert demand_id in _shown(page) and "Not a valid choice" in page


def test_combining_returns_to_the_page_that_lists_the_demand(app, world, login, filled):
    steward = login(app.test_client(), world.steward)
    every = _in_order(app, world, world.steward)
    demand_id = every[-1]
    with app.app_context():
        unit = db.session.get(BargainingUnit, world.unit_id)
        demand = db.session.get(Demand, demand_id)
        choices = demands.same_as_choices(accounts.find_account_by_email(world.steward), demand)
        others = [d for d in demands.unit_demands(accounts.find_account_by_email(world.steward), unit)
                  if d.id != demand_id and d.kind == demand.kind and d.same_as_id is None]
        assert [choice_id for choice_id, _ in choices] == [d.id for d in others]
    page = steward.get(f"/demands/{demand_id}/same-as").get_data(as_text=True)
    last = -(-len(every) // PAGE_SIZE)
    assert f'href="/units/{world.unit_id}/demands?page={last}#demand-{demand_id}"' in page


def test_the_endorsement_request_count_is_the_number_of_requests_listed(app, world, filled):
    with app.app_context():
        unit = db.session.get(BargainingUnit, world.unit_id)
        organizer = accounts.find_account_by_email(world.organizer)
        listed = demands.pending_requests(organizer, unit)
        assert len(listed) > 1 and demands.pending_request_count(organizer, unit) == len(listed)
        named = [r for r in listed if r.is_attributed]
        assert any(len(r.demands) > 1 for r in named) or named, "the filled unit has named requests"


#: The list's and the summary's query parameters, for every visitor: for the unit's readers a
#: bad value is a 400 with the reason, never a 500.
BAD_FOR_READERS = (302, 403, 400, 404, 400)
READERS_GET = (302, 403, 200, 404, 200)
LIST_QUERIES: dict[str, tuple[int, ...]] = {
    "demands?page=2": READERS_GET,
    "demands?page=99999999999999999999": READERS_GET,
    "demands?kind=question&tier=curious&category=pay&answer=supports": READERS_GET,
    "demands?answer=no_answer&page=1": READERS_GET,
    "demands?page=0": BAD_FOR_READERS,
    "demands?page=-3": BAD_FOR_READERS,
    "demands?page=abc": BAD_FOR_READERS,
    "demands?kind=everything": BAD_FOR_READERS,
    "demands?tier=%00": BAD_FOR_READERS,
    "demands?category=1": BAD_FOR_READERS,
    "demands?answer=maybe": BAD_FOR_READERS,
    "summary?page=3": READERS_GET,
    "summary?page=99999999999999999999": READERS_GET,
    "summary?page=0": BAD_FOR_READERS,
    "summary?page=one": BAD_FOR_READERS,
    "summary.pdf?outdated=yes": READERS_GET,
    "summary.pdf?outdated=%27%3Cb%3E": READERS_GET,
}


@pytest.mark.parametrize("actor", ACTORS)
def test_the_lists_parameters_answer_each_actor_as_expected(app, world, login, actor, filled):
    client = app.test_client()
    if actor != "anonymous":
        login(client, getattr(world, actor))
    mismatches = []
    for query, expected in LIST_QUERIES.items():
        response = client.get(f"/units/{world.unit_id}/{query}")
        want = expected[ACTORS.index(actor)]
        if response.status_code != want:
            mismatches.append(f"{query}: got {response.status_code}, expected {want}")
        elif want == 400 and not re.search(r"Pages start at 1|Not a valid choice|Not a valid integer",
                                           response.get_data(as_text=True)):
            mismatches.append(f"{query}: refused without saying why")
    assert not mismatches, "\n".join(mismatches)


def test_no_outsider_reaches_the_lists_through_their_parameters(app, world, login, outsiders, filled):  # noqa: F811
    failures = []
    for who, email in outsiders.items():
        client = login(app.test_client(), email)
        for query in LIST_QUERIES:
            response = client.get(f"/units/{world.unit_id}/{query}")
            if response.status_code not in (403, 404):
                failures.append(f"{who}: {query} answered {response.status_code}")
        for method, url in (("POST", f"/units/{world.unit_id}/summary/prepare-pdf"),
                            ("POST", f"/demands/{filled[0]}/response?page=2&kind=demand")):
            response = client.open(url, method=method)
            if response.status_code not in (403, 404):
                failures.append(f"{who}: {method} {url} answered {response.status_code}")
    assert not failures, "\n".join(failures)
