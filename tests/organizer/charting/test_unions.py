"""Units, departments and shifts, and the figures on the union dashboard."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from core.extensions import db
from organizer.accounts import services as accounts
from organizer.charting import unions
from organizer.charting.models import BargainingUnit, Department, Shift
from organizer.errors import DomainError, NotAllowed
from tests import factories


def test_dashboard_shows_headcount_members_and_density(app, client, world, login):
    with app.app_context():
        unit = db.session.get(BargainingUnit, world.unit_id)
        for n in range(3):
            factories.create_person(unit, f"Member {n}", is_member=True)
        db.session.commit()
        [figures] = unions.unit_figures([unit])
        # Jordan, three members, and the people behind the steward and member accounts.
        assert (figures.headcount, figures.members) == (6, 3)
        assert figures.density == pytest.approx(0.5)
    login(client, world.organizer)
    page = client.get(f"/unions/{world.union_id}").data.decode()
    assert "Dock crew" in page and ">6<" in page and ">3<" in page and "50%" in page


def test_empty_unit_has_no_density_rather_than_zero(app_ctx, world):
    organizer = accounts.find_account_by_email(world.organizer)
    unit = unions.create_unit(organizer, db.session.get(BargainingUnit, world.unit_id).union, "Empty")
    [figures] = unions.unit_figures([unit])
    assert figures.density is None


def test_organizer_creates_a_unit_and_its_segments(app, client, world, login):
    login(client, world.organizer)
    response = client.post(f"/unions/{world.union_id}/units", data={"name": "Yard"})
    assert response.status_code == 302
    unit_path = response.headers["Location"]
    assert client.post(unit_path, data={"kind": "department", "name": "Gate"}).status_code == 302
    assert client.post(unit_path, data={"kind": "shift", "name": "Weekend"}).status_code == 302
    with app.app_context():
        unit = db.session.scalars(sa.select(BargainingUnit).where(BargainingUnit.name == "Yard")).one()
        assert [d.name for d in unit.departments] == ["Gate"]
        assert [s.name for s in unit.shifts] == ["Weekend"]


@pytest.mark.parametrize("data, message", [
    ({"name": ""}, b"This field is required"),
    ({"name": "y" * 121}, b"Keep it to 120 characters or fewer"),
    ({"name": "Dock crew"}, b"already has a unit with this name"),
])
def test_bad_unit_names_are_refused(app, client, world, login, data, message):
    login(client, world.organizer)
    response = client.post(f"/unions/{world.union_id}/units", data=data)
    assert response.status_code == 400 and message in response.data
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(BargainingUnit)) == 2


@pytest.mark.parametrize("data, message", [
    ({"kind": "department", "name": ""}, b"This field is required"),
    ({"kind": "floor", "name": "Roof"}, b"Not a valid choice"),
    ({"kind": "department", "name": "Loading"}, b"already has a department"),
    ({"kind": "shift", "name": "z" * 81}, b"Keep it to 80 characters or fewer: this has 81"),
])
def test_bad_segments_are_refused(app, client, world, login, data, message):
    login(client, world.organizer)
    response = client.post(f"/units/{world.unit_id}/segments", data=data)
    assert response.status_code == 400 and message in response.data
    with app.app_context():
        total = sum(db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in (Department, Shift))
        assert total == 8


def test_another_unions_organizer_cannot_change_the_union(app_ctx, world):
    other = accounts.find_account_by_email(world.other_organizer)
    unit = db.session.get(BargainingUnit, world.unit_id)
    with pytest.raises(NotAllowed):
        unions.create_unit(other, unit.union, "Sneaky")
    with pytest.raises(NotAllowed):
        unions.add_segment(other, unit, "shift", "Sneaky")


def test_union_names_are_unique(app_ctx, world):
    with pytest.raises(DomainError):
        unions.create_union("Harbor Workers United")


def test_steward_sees_their_unit_figures(client, world, login):
    login(client, world.steward)
    page = client.get(f"/steward/units/{world.unit_id}")
    assert page.status_code == 200 and b"Dock crew" in page.data and b"Density" in page.data
    assert b"Jordan Example" not in page.data, "stewards see figures, never the chart"


def test_member_home_shows_their_unit(client, world, login):
    login(client, world.member)
    page = client.get("/")
    assert b'Your unit: <span translate="no">Dock crew</span>' in page.data
    assert b"Organizing" not in page.data
