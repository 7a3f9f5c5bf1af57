"""A committee member who deletes their own account leaves the committee as any
removal does: with an entry in the unit's audit log, which the other officers
read. A refused deletion records nothing, and deleting an account that holds
no seat records no removal."""

from __future__ import annotations

import sqlalchemy as sa

from core.extensions import db
from organizer.accounts import services as accounts
from organizer.accounts.models import RoleAssignment
from organizer.audit.models import AuditAction, AuditEntry
from organizer.charting.models import Department, Person
from organizer.roles import Role
from tests.factories import PASSWORD
from tests.organizer.accounts.committee_helpers import seat_committee_member


def _removals() -> list[AuditEntry]:
    return list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == AuditAction.COMMITTEE_REMOVED)))


def test_deleting_ones_account_records_the_seats_removal(app, client, world, login):
    with app.app_context():
        seated = seat_committee_member(world)
        chart_name = db.session.get(Person, accounts.find_account_by_email(seated.email).person_id).name
        department = db.session.get(Department, seated.own_department_id).name
    login(client, seated.email)
    assert client.post("/account/delete", data={"password": "not the password", "understood": "y"}).status_code == 400
    with app.app_context():
        assert _removals() == [], "a refused deletion records nothing"
    response = client.post("/account/delete", data={"password": PASSWORD, "understood": "y"})
    assert response.status_code == 302
    with app.app_context():
        [entry] = _removals()
        assert entry.description == (f"{chart_name} left the organizing committee (was for {department}): "
                                     "they deleted their account.")
        assert (entry.unit_id, entry.actor_account_id) == (world.unit_id, None)
        assert db.session.scalars(sa.select(RoleAssignment).where(RoleAssignment.role == Role.COMMITTEE)).all() == []
    # The unit's other officers read it where they read every removal.
    steward = login(app.test_client(), world.steward)
    assert f"{chart_name} left the organizing committee" in steward.get(f"/units/{world.unit_id}/audit").data.decode()


def test_deleting_an_account_without_a_seat_records_no_removal(app_ctx, world):
    accounts.delete_account(accounts.find_account_by_email(world.member), PASSWORD)
    db.session.flush()
    assert _removals() == []
