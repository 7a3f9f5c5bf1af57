"""Naming the organizing committee: organizers name a member or steward of the
unit for one or more of its departments, change them and remove them, each act
in the audit log; nobody else may, nobody from outside the unit can be named,
invitations never carry a seat, a removed department leaves every seat, the
departments of a seat are sealed on disk, and migration 0021 keeps every role."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade
from sqlalchemy.exc import IntegrityError

from core.app import create_app
from core.extensions import db
from organizer import policy
from organizer.accounts import committee, invitations
from organizer.accounts import services as accounts
from organizer.accounts.forms import InviteForm
from organizer.accounts.models import Account, RoleAssignment
from organizer.audit.models import AuditAction, AuditEntry
from organizer.charting import unions
from organizer.charting.models import BargainingUnit, Department, Person
from organizer.errors import DomainError, NotAllowed
from organizer.roles import Role
from tests import factories
from tests.factories import OrganizerOf
from tests.organizer.accounts.committee_helpers import seat_committee_member


def _seats() -> list[RoleAssignment]:
    return list(db.session.scalars(sa.select(RoleAssignment).where(RoleAssignment.role == Role.COMMITTEE)))


def _audit(action: AuditAction) -> list[str]:
    return [e.description for e in db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id))]


def _member_of(unit: BargainingUnit, name: str = "Dee Member") -> tuple[Account, Person]:
    account = factories.create_account(Role.MEMBER, unit=unit)
    person = db.session.get(Person, account.person_id)
    person.name = name
    db.session.flush()
    return account, person


def test_an_organizer_names_changes_and_removes_a_committee_member_each_in_the_audit_log(app_ctx, world):
    unit = db.session.get(BargainingUnit, world.unit_id)
    organizer = accounts.find_account_by_email(world.organizer)
    cranes, loading = unit.departments
    account, _ = _member_of(unit)

    seat = committee.name_to_committee(organizer, unit, account, [loading.id])
    assert seat.department_ids == {loading.id}
    assert account.committee_department_ids(unit.id) == {loading.id}
    assert policy.charts_department(account, unit, loading.id) and not policy.charts_department(account, unit, cranes.id)

    committee.name_to_committee(organizer, unit, account, [loading.id, cranes.id])
    committee.name_to_committee(organizer, unit, account, [cranes.id, loading.id])  # the same: nothing to record
    assert [s.department_ids for s in _seats()] == [{loading.id, cranes.id}], "one seat holds every department"
    assert _audit(AuditAction.COMMITTEE_NAMED) == [
        "Named Dee Member to the organizing committee for Loading.",
        "Named Dee Member to the organizing committee for Cranes, Loading (was Loading).",
    ]

    committee.remove_from_committee(organizer, unit, account)
    assert _seats() == [] and account.committee_department_ids(unit.id) == set()
    assert _audit(AuditAction.COMMITTEE_REMOVED) == [
        "Removed Dee Member from the organizing committee (was for Cranes, Loading)."]
    assert policy.is_member_of(account, unit), "they stay a member of the unit"
    with pytest.raises(DomainError, match="not on the organizing committee"):
        committee.remove_from_committee(organizer, unit, account)


def test_naming_from_the_coworkers_page_over_http(app, client, world, login):
    with app.app_context():
        unit = db.session.get(BargainingUnit, world.unit_id)
        cranes, loading = unit.departments
        _, person = _member_of(unit)
        person.department_id = loading.id
        db.session.commit()
        person_id, cranes_id, loading_id = person.id, cranes.id, loading.id
    login(client, world.organizer)
    page = client.get(f"/people/{person_id}/edit").get_data(as_text=True)
    assert "Organizing committee" in page and "Name to the organizing committee" in page
    # Their own department is ticked to begin with; the other is not.
    boxes = dict((value, "checked" in attributes) for attributes, value in re.findall(
        r'<input ([^>]*)name="departments" type="checkbox" value="(\d+)"', page))
    assert boxes == {str(loading_id): True, str(cranes_id): False}

    named = client.post(f"/people/{person_id}/committee", data={"departments": [loading_id, cranes_id]})
    assert named.status_code == 302 and named.headers["Location"] == f"/units/{world.unit_id}/committee"
    listed = client.get(named.headers["Location"]).get_data(as_text=True)
    assert "Dee Member is on the organizing committee for Cranes, Loading." in listed
    assert "Committee members (1)" in listed and "Dee Member</a>\n      · Cranes, Loading" in listed

    empty = client.post(f"/people/{person_id}/committee", data={})
    assert empty.status_code == 400 and "Tick at least one department." in empty.get_data(as_text=True)
    removed = client.post(f"/people/{person_id}/committee/remove")
    assert removed.status_code == 302
    assert "Nobody is on the committee yet." in client.get(removed.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        assert _seats() == []
        assert len(_audit(AuditAction.COMMITTEE_NAMED)) == 1 and len(_audit(AuditAction.COMMITTEE_REMOVED)) == 1


def test_only_the_unions_organizers_name_or_remove_committee_members(app, world, login):
    with app.app_context():
        seated = seat_committee_member(world)
        unit = db.session.get(BargainingUnit, world.unit_id)
        account, person = _member_of(unit)
        db.session.commit()
        person_id, account_id = person.id, account.id
        sitting = db.session.get(Account, seated.account_id)
        for email in (world.steward, world.member, seated.email, world.other_organizer):
            actor = accounts.find_account_by_email(email)
            with pytest.raises(NotAllowed):
                committee.name_to_committee(actor, unit, db.session.get(Account, account_id),
                                            {seated.own_department_id})
            with pytest.raises(NotAllowed):
                committee.remove_from_committee(actor, unit, sitting)
        db.session.rollback()
    for email, refused in ((world.steward, 403), (world.member, 403), (seated.email, 403),
                           (world.other_organizer, 404)):
        client = login(app.test_client(), email)
        assert client.post(f"/people/{person_id}/committee",
                           data={"departments": [seated.own_department_id]}).status_code == refused, email
        assert client.post(f"/people/{seated.own_coworker_id}/committee/remove").status_code == refused, email
        assert client.get(f"/units/{world.unit_id}/committee").status_code == refused, email
    with app.app_context():
        assert [s.account_id for s in _seats()] == [seated.account_id], "nothing named, nobody removed"
        assert len(_audit(AuditAction.COMMITTEE_NAMED)) == 1 and _audit(AuditAction.COMMITTEE_REMOVED) == []


def test_nobody_from_outside_the_unit_can_be_named(app_ctx, world):
    unit = db.session.get(BargainingUnit, world.unit_id)
    organizer = accounts.find_account_by_email(world.organizer)
    sibling = unions.create_unit(OrganizerOf(unit.union), unit.union, "Sibling unit")
    unions.add_segment(OrganizerOf(unit.union), sibling, "department", "Yard")
    elsewhere = db.session.get(BargainingUnit, world.other_unit_id)
    loading = unit.departments[1].id
    outsiders = {
        "a member of another union's unit": factories.create_account(Role.MEMBER, unit=elsewhere),
        "a member of a sibling unit": factories.create_account(Role.MEMBER, unit=sibling),
        "a steward of a sibling unit": factories.create_account(Role.STEWARD, unit=sibling),
        "an organizer, who holds no role in the unit": accounts.find_account_by_email(world.organizer),
    }
    for who, account in outsiders.items():
        with pytest.raises(DomainError, match="Only a member or steward of this unit"):
            committee.name_to_committee(organizer, unit, account, {loading})
        assert account.committee_department_ids(unit.id) == set(), who
    member, _ = _member_of(unit)
    for departments, words in (((), "Tick at least one department."),
                               ({sibling.departments[0].id}, "Choose departments of this unit."),
                               ({loading, elsewhere.departments[0].id}, "Choose departments of this unit.")):
        with pytest.raises(DomainError, match=words):
            committee.name_to_committee(organizer, unit, member, departments)
    # Naming a sibling unit's member for the sibling unit is no way into this one.
    committee.name_to_committee(organizer, sibling, outsiders["a member of a sibling unit"],
                                {sibling.departments[0].id})
    assert not policy.charts_in(outsiders["a member of a sibling unit"], unit)
    db.session.flush()
    assert [s.unit_id for s in _seats()] == [sibling.id]


def test_a_coworker_without_an_account_is_told_to_be_invited_first(app, client, world, login):
    login(client, world.organizer)
    with app.app_context():
        loading = db.session.get(BargainingUnit, world.unit_id).departments[1].id
    page = client.get(f"/people/{world.person_id}/edit").get_data(as_text=True)
    assert "invite them first" in page and "Name to the organizing committee" not in page
    refused = client.post(f"/people/{world.person_id}/committee", data={"departments": [loading]})
    assert refused.status_code == 400
    assert "Jordan Example has no account yet. Invite them first" in refused.get_data(as_text=True)
    with app.app_context():
        assert _seats() == [] and _audit(AuditAction.COMMITTEE_NAMED) == []


def test_invitations_never_give_a_seat(app, client, world, login):
    with app.test_request_context():
        assert Role.COMMITTEE.value not in {value for value, _ in InviteForm().role.choices}
    with app.app_context():
        organizer = accounts.find_account_by_email(world.organizer)
        with pytest.raises(DomainError, match="name them to the organizing committee"):
            invitations.invite(organizer, db.session.get(Person, world.person_id), Role.COMMITTEE)
    login(client, world.organizer)
    response = client.post(f"/people/{world.person_id}/invite", data={"role": "committee"})
    assert response.status_code == 400 and "Not a valid choice" in response.get_data(as_text=True)


def test_a_removed_department_leaves_every_seat(app, client, world, login):
    with app.app_context():
        seated = seat_committee_member(world)
        organizer = accounts.find_account_by_email(world.organizer)
        unit = db.session.get(BargainingUnit, world.unit_id)
        account = db.session.get(Account, seated.account_id)
        committee.name_to_committee(organizer, unit, account, {seated.own_department_id, seated.other_department_id})
        unions.remove_segment(organizer, db.session.get(Department, seated.other_department_id))
        db.session.commit()
        assert db.session.get(Account, seated.account_id).committee_department_ids(unit.id) == {
            seated.own_department_id}
        unions.remove_segment(organizer, db.session.get(Department, seated.own_department_id))
        # A department made now cannot inherit the seat, whatever id it gets.
        unions.add_segment(organizer, unit, "department", "Reefer")
        db.session.commit()
        account = db.session.get(Account, seated.account_id)
        assert account.committee_department_ids(unit.id) == set()
        assert not policy.charts_in(account, unit) and not policy.holds_one_on_ones(account, unit)
        assert [s.department_names for s in committee.committee_of(organizer, unit)] == [()], "the seat waits"
        assert _audit(AuditAction.COMMITTEE_REMOVED) == [], "only an organizer's act removes someone"
    login(client, seated.email)
    assert client.get(f"/units/{world.unit_id}/chart").status_code == 404
    home = client.get("/").get_data(as_text=True)
    assert "no department to chart yet" in home and 'aria-current="page">Organizing committee' not in home


def test_a_seats_departments_are_sealed_on_disk(app_ctx, world):
    seated = seat_committee_member(world)
    rows = db.session.execute(sa.text("SELECT role, department_ids FROM role_assignments")).all()
    sealed = [bytes(blob) for role, blob in rows if role == "committee"]
    assert len(sealed) == 1 and all(blob is None for role, blob in rows if role != "committee")
    assert f"{seated.own_department_id:020d}".encode() not in sealed[0]
    assert str(seated.own_department_id).encode() * 2 not in sealed[0]


def test_the_schema_keeps_departments_to_committee_seats(app_ctx, world):
    unit = db.session.get(BargainingUnit, world.unit_id)
    account_id = accounts.find_account_by_email(world.member).id

    def accepted(role: str, departments: bytes | None) -> bool:
        scope = (unit.union_id, None) if role == "organizer" else (None, unit.id)
        try:
            with db.session.begin_nested():
                db.session.execute(sa.text(
                    "INSERT INTO role_assignments (account_id, role, union_id, unit_id, department_ids)"
                    " VALUES (:a, :r, :union_id, :unit_id, :d)"),
                    {"a": account_id, "r": role, "union_id": scope[0], "unit_id": scope[1], "d": departments})
        except IntegrityError:
            return False
        return True

    assert accepted("committee", b"a sealed set")
    assert not accepted("committee", None), "a seat names its departments"
    assert not accepted("member", b"a sealed set") and not accepted("steward", b"a sealed set")
    assert not accepted("organizer", b"a sealed set")


def test_the_migration_keeps_every_role_and_its_downgrade_drops_only_seats(tmp_path):
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'roles.db'}"})
    with app.app_context():
        upgrade(revision="0020_conversations")
        # Plain SQL: the models describe the newest schema.
        for statement in (
                "INSERT INTO unions (id, name, release_threshold, endorsement_threshold, comment_threshold, created_on,"
                " time_zone, evidence_window_days) VALUES (1, 'Before', 5, 3, 10, '2026-11-01', 'UTC', 90)",
                "INSERT INTO bargaining_units (id, union_id, name, created_on) VALUES (1, 1, 'Dock', '2026-11-01')",
                "INSERT INTO accounts (id, person_id, display_name, email, email_index, password_hash,"
                " failed_login_count, created_on, wants_email) VALUES (1, x'00', x'00', x'00', x'01', 'x', 0,"
                " '2026-11-01', 0)",
                "INSERT INTO role_assignments (account_id, role, union_id) VALUES (1, 'organizer', 1)",
                "INSERT INTO role_assignments (account_id, role, unit_id) VALUES (1, 'member', 1)"):
            db.session.execute(sa.text(statement))
        db.session.commit()
        upgrade(revision="0021_committee")
        rows = sa.text("SELECT role, union_id, unit_id, department_ids FROM role_assignments ORDER BY role")
        assert db.session.execute(rows).all() == [("member", None, 1, None), ("organizer", 1, None, None)]
        db.session.execute(sa.text("INSERT INTO role_assignments (account_id, role, unit_id, department_ids)"
                                   " VALUES (1, 'committee', 1, x'00')"))
        db.session.commit()
        downgrade(revision="0020_conversations")
        left = sa.text("SELECT role, union_id, unit_id FROM role_assignments ORDER BY role")
        assert db.session.execute(left).all() == [("member", None, 1), ("organizer", 1, None)]
        db.engine.dispose()
