"""A committee member holds one-on-ones for their own department and no other:
they record a conversation with a coworker of it and are refused (404, and
NotAllowed from the service) for a coworker of another department; they own
follow-ups there and see their own on their home page; the unit's counts and its
search hold their department's coworkers only."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from core.extensions import db
from organizer import policy
from organizer.accounts import committee
from organizer.accounts import services as accounts
from organizer.accounts.models import Account
from organizer.charting.models import BargainingUnit, Person
from organizer.conversations import services
from organizer.errors import DomainError, NotAllowed
from organizer.roles import Role
from tests import factories
from tests.organizer.conversations.helpers import STEP, follow_up, talk


@dataclass(frozen=True)
class Committee:
    #: The member named to the committee for the department of the world's coworker (Jordan).
    email: str
    member_id: int
    #: A coworker of the unit's other department.
    outside_id: int


@pytest.fixture
def seated(app, world) -> Committee:
    with app.app_context():
        unit = db.session.get(BargainingUnit, world.unit_id)
        jordan = db.session.get(Person, world.person_id)
        other_department = next(d for d in unit.departments if d.id != jordan.department_id)
        organizer, member = (accounts.find_account_by_email(e) for e in (world.organizer, world.member))
        committee.name_to_committee(organizer, unit, member, [jordan.department_id])
        outside = factories.create_person(unit, "Other Department", department_id=other_department.id)
        for n in range(5):
            factories.create_person(unit, f"Same Department {n}", department_id=jordan.department_id)
        db.session.commit()
        return Committee(world.member, member.id, outside.id)


def _member_and(world, seated):
    return accounts.find_account_by_email(seated.email), db.session.get(Person, world.person_id)


def test_a_committee_member_records_for_their_own_department(app, world, seated, login):
    client = login(app.test_client(), seated.email)
    with app.app_context():
        today = services.union_today(db.session.get(BargainingUnit, world.unit_id).union)
    assert client.get(f"/people/{world.person_id}/conversations/new").status_code == 200
    response = client.post(f"/people/{world.person_id}/conversations/new", data={
        "held_on": today.isoformat(), "held_by_id": str(seated.member_id), "issues": ["pay"],
        "assessment_after": "2", "note": "Talked at the gate."})
    assert response.status_code == 302
    with app.app_context():
        member, jordan = _member_and(world, seated)
        [conversation] = services.coworker_history(member, jordan).conversations
        assert conversation.held_by_id == seated.member_id


def test_and_is_refused_for_another_department(app, world, seated, login):
    client = login(app.test_client(), seated.email)
    for url in (f"/people/{seated.outside_id}/conversations", f"/people/{seated.outside_id}/conversations/new",
                f"/people/{seated.outside_id}/follow-ups/new"):
        assert client.get(url).status_code == 404, url
    with app.app_context():
        member = accounts.find_account_by_email(seated.email)
        outside = db.session.get(Person, seated.outside_id)
        with pytest.raises(NotAllowed):
            talk(member, outside)
        with pytest.raises(NotAllowed):
            services.coworker_history(member, outside)


def test_a_committee_member_owns_follow_ups_of_their_department_only(app, world, seated):
    with app.app_context():
        member, jordan = _member_and(world, seated)
        organizer = accounts.find_account_by_email(world.organizer)
        assert follow_up(organizer, jordan, owner=member, due_in=1).owner_id == member.id
        # The steward holds none: the steward's role is not the committee's.
        assert {h.id for h in services.holders_for(jordan)} == {organizer.id, member.id}
        outside = db.session.get(Person, seated.outside_id)
        with pytest.raises(DomainError, match="does not chart this coworker's department"):
            follow_up(organizer, outside, owner=member)
        assert member.id not in {h.id for h in services.holders_for(outside)}
        [due] = services.follow_ups_due(member)
        assert [item.step for item in due.due] == [STEP]


def test_the_unit_page_counts_and_finds_their_department_only(app, world, seated, login):
    with app.app_context():
        member, jordan = _member_and(world, seated)
        overview = services.unit_conversations(member, jordan.unit)
        # Jordan and the five others of the department; not the coworker of the other one.
        assert overview.silence.headcount == 6 and not overview.sees_whole_unit
        assert services.find_coworkers(member, jordan.unit, "department") != []
        assert {p.id for p in services.find_coworkers(member, jordan.unit, "department")}.isdisjoint(
            {seated.outside_id})
    client = login(app.test_client(), seated.email)
    page = client.get(f"/units/{world.unit_id}/conversations?search=other").get_data(as_text=True)
    assert "No one you chart has a name like that." in page


def test_the_holders_listed_are_exactly_those_the_policy_names(app, world, seated):
    """`holders` puts only some accounts to the policy (see its docstring): here every
    account of the database is put to it, so a policy that gave one-on-ones to another
    role would fail this test rather than leave its holders off the lists."""
    with app.app_context():
        unit = db.session.get(BargainingUnit, world.unit_id)
        factories.create_account(Role.ORGANIZER, union=unit.union)
        everyone = db.session.scalars(sa.select(Account)).all()
        assert {a.id for a in services.holders(unit)} == {a.id for a in everyone
                                                           if policy.holds_one_on_ones(a, unit)}
        assert len(services.holders(unit)) == 3  # the two organizers and the committee member
