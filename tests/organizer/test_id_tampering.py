"""Changing an id in a URL never reaches another union's or unit's data.

A member, a steward and an organizer of a *different* union, and a member of a
different unit of the *same* union, request every route that takes an id, with
the ids of the world's union A: none gets a page (only 403 or 404)."""

from __future__ import annotations

import pytest

from core.extensions import db
from organizer.charting import unions
from organizer.charting.models import BargainingUnit, Union
from organizer.roles import Role
from tests import factories
from tests.factories import OrganizerOf
from tests.organizer.test_authorization_matrix import CHART_QUERIES, MATRIX, _ids

ROUTES_WITH_IDS = {endpoint: spec for endpoint, spec in MATRIX.items() if "{" in spec[1]
                   and endpoint != "auth.accept_invitation"}


@pytest.fixture
def outsiders(app, world):
    with app.app_context():
        other_union = db.session.get(Union, world.other_union_id)
        other_unit = db.session.get(BargainingUnit, world.other_unit_id)
        sibling = unions.create_unit(OrganizerOf(db.session.get(Union, world.union_id)),
                                     db.session.get(Union, world.union_id), "Sibling unit")
        emails = {
            "member elsewhere": factories.create_account(Role.MEMBER, unit=other_unit).email,
            "steward elsewhere": factories.create_account(Role.STEWARD, unit=other_unit).email,
            "member of a sibling unit": factories.create_account(Role.MEMBER, unit=sibling).email,
            "steward of a sibling unit": factories.create_account(Role.STEWARD, unit=sibling).email,
            "organizer elsewhere": factories.create_account(Role.ORGANIZER, union=other_union).email,
        }
        db.session.commit()
    return emails


def test_no_outsider_reaches_data_by_changing_ids(app, world, login, outsiders):
    ids = _ids(app, world)
    failures = []
    for who, email in outsiders.items():
        client = login(app.test_client(), email)
        for endpoint, (method, template, _) in sorted(ROUTES_WITH_IDS.items(), key=lambda i: i[1][0] != "GET"):
            url = template.format(**ids)
            response = client.open(url, method=method)
            if response.status_code not in (403, 404):
                failures.append(f"{who}: {method} {url} ({endpoint}) answered {response.status_code}")
    assert not failures, "\n".join(failures)
    assert len(ROUTES_WITH_IDS) >= 15, "the routes with ids were all checked"


def test_no_outsider_reaches_a_chart_through_its_parameters(app, world, login, outsiders):
    failures = []
    for who, email in outsiders.items():
        client = login(app.test_client(), email)
        for query in CHART_QUERIES:
            response = client.get(f"/units/{world.unit_id}/chart{query}")
            if response.status_code not in (403, 404):
                failures.append(f"{who}: chart{query} answered {response.status_code}")
    assert not failures, "\n".join(failures)


def test_a_chart_filtered_by_another_units_segment_is_refused(app, world, login):
    with app.app_context():
        other_unit = db.session.get(BargainingUnit, world.other_unit_id)
        factories.create_person(other_unit, "Elsewhere Person", department_id=other_unit.departments[0].id,
                                shift_id=other_unit.shifts[0].id)
        foreign = {"department": other_unit.departments[0].id, "shift": other_unit.shifts[0].id}
        db.session.commit()
    client = login(app.test_client(), world.organizer)
    for name, segment_id in foreign.items():
        response = client.get(f"/units/{world.unit_id}/chart?{name}={segment_id}")
        assert response.status_code == 400
        assert b"Not a valid choice" in response.data and b"Elsewhere Person" not in response.data
