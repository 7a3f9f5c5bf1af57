"""Changing an id in a URL never reaches another union's or unit's data.

A member, a steward and an organizer of a *different* union, and a member, a
steward and a committee member of a different unit of the *same* union, request
every route that takes an id, with the ids of the world's union A: none gets a
page (only 403 or 404). A committee member of the world's unit gets nothing of
a coworker outside their own department either."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from core.extensions import db
from organizer.accounts import committee
from organizer.accounts import services as accounts
from organizer.charting import unions
from organizer.charting.models import BargainingUnit, Person, Union
from organizer.roles import Role
from tests import factories
from tests.factories import OrganizerOf
from tests.organizer.accounts.committee_helpers import seat_committee_member
from tests.organizer.test_authorization_matrix import CHART_QUERIES, MATRIX, _ids

ROUTES_WITH_IDS = {endpoint: spec for endpoint, spec in MATRIX.items() if "{" in spec[1]
                   and endpoint != "auth.accept_invitation"}
#: Pages of the whole union, for everyone in it, a sibling unit's people included: the archive of
#: stories in escrow and writing one (a story's own page is for its chosen readers only).
UNION_WIDE = {"escrow.archive", "escrow.new_story"}
#: A coaching link of a member's brief is a capability, not an id: anyone of the author's union who holds
#: it may open it (and accept it); an outsider of the union is refused at once (403).
UNION_WIDE |= {"briefs.coach_invitation"}


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
            "committee member of a sibling unit": _committee_member_of(sibling, world),
        }
        db.session.commit()
    return emails


def _committee_member_of(unit: BargainingUnit, world) -> str:
    """A member of `unit` named to its committee for a department of its own."""
    organizer = OrganizerOf(unit.union)
    department = unions.add_segment(organizer, unit, "department", "Yard")
    account = factories.create_account(Role.MEMBER, unit=unit)
    committee.name_to_committee(accounts.find_account_by_email(world.organizer), unit, account, {department.id})
    return account.email


def test_no_outsider_reaches_data_by_changing_ids(app, world, login, outsiders):
    ids = _ids(app, world)
    failures = []
    for who, email in outsiders.items():
        client = login(app.test_client(), email)
        for endpoint, (method, template, _) in sorted(ROUTES_WITH_IDS.items(), key=lambda i: i[1][0] != "GET"):
            if endpoint in UNION_WIDE and who.endswith("of a sibling unit"):
                continue
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


def test_a_committee_member_reaches_no_other_departments_coworker_by_id(app, world, login):
    """Every route that takes a coworker, given one of another department (or of none), by a
    committee member of the unit: 403 or 404, and the coworker is left as they were."""
    with app.app_context():
        seated = seat_committee_member(world)
    ids = _ids(app, world)
    client = login(app.test_client(), seated.email)
    with_person = {endpoint: (method, template.replace("{member_person_id}", "{person_id}"), expected)
                   for endpoint, (method, template, expected) in ROUTES_WITH_IDS.items()
                   if "{person_id}" in template or "{member_person_id}" in template}
    failures = []
    for person_id in (seated.other_coworker_id, seated.unplaced_coworker_id):
        for endpoint, (method, template, _) in sorted(with_person.items(), key=lambda i: i[1][0] != "GET"):
            url = template.format(**{**ids, "person_id": person_id})
            response = client.open(url, method=method)
            if response.status_code not in (403, 404):
                failures.append(f"{method} {url} ({endpoint}) answered {response.status_code}")
        # A full, valid edit posted by id: the coworker stays where and as they were.
        edit = client.post(f"/people/{person_id}/edit", data={
            "name": "Renamed", "department_id": seated.own_department_id, "shift_id": "", "assessment": "1"})
        if edit.status_code != 404:
            failures.append(f"editing coworker {person_id} answered {edit.status_code}")
    assert not failures, "\n".join(failures)
    assert len(with_person) >= 9, "the coworker's routes were all checked"
    with app.app_context():
        other, unplaced = (db.session.get(Person, pid) for pid in (seated.other_coworker_id, seated.unplaced_coworker_id))
        assert (other.name, other.department_id, other.assessment) == (
            "Bo Other-Department", seated.other_department_id, 4)
        assert (unplaced.name, unplaced.department_id, unplaced.assessment) == ("Cy No-Department", None, 3)


def test_a_committee_member_charts_nobody_into_another_department(app, world, login):
    """Adding a coworker with another department's id, or another unit's: refused, nothing stored."""
    with app.app_context():
        seated = seat_committee_member(world)
        elsewhere = db.session.get(BargainingUnit, world.other_unit_id).departments[0].id
        before = db.session.scalar(sa.select(sa.func.count()).select_from(Person))
    client = login(app.test_client(), seated.email)
    for department in (seated.other_department_id, elsewhere, ""):
        response = client.post(f"/units/{world.unit_id}/people/new", data={
            "name": "Planted Person", "department_id": department, "shift_id": "", "assessment": "1"})
        assert response.status_code == 400, department
    assert client.post(f"/units/{world.other_unit_id}/people/new", data={
        "name": "Planted Person", "department_id": elsewhere, "shift_id": "", "assessment": "1"}).status_code == 404
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Person)) == before
