"""Invitations: the only way to get an account. Single use, expiring, unforgeable."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from core.clock import utcnow
from core.extensions import db
from organizer.accounts import coworkers, invitations
from organizer.accounts import services as accounts
from organizer.accounts.models import Account, Invitation, hash_token
from organizer.charting.models import Person
from organizer.errors import DomainError, InvitationInvalid, NotAllowed
from organizer.roles import Role
from tests import factories

NEW_MEMBER = {"display_name": "Night owl", "email": "owl@example.net",
              "password": "a long enough passphrase", "confirm": "a long enough passphrase"}


def _invite_link(client, login, world, role="member") -> str:
    login(client, world.organizer)
    response = client.post(f"/people/{world.person_id}/invite", data={"role": role})
    assert response.status_code == 200
    link = re.search(rb'value="(http://[^"]+/invite/[^"]+)"', response.data).group(1).decode()
    client.post("/logout")
    return link.split("localhost", 1)[1]


def test_organizer_invites_and_the_invitee_joins(app, client, world, login):
    path = _invite_link(client, login, world)
    page = client.get(path)
    assert page.status_code == 200 and b"Dock crew" in page.data
    response = client.post(path, data=NEW_MEMBER)
    assert response.status_code == 302
    home = client.get("/")
    assert b"Night owl" in home.data and b'Your unit: <span translate="no">Dock crew</span>' in home.data
    with app.app_context():
        account = accounts.find_account_by_email("owl@example.net")
        assert account.person_id == world.person_id
        assert [(a.role, a.unit_id) for a in account.roles] == [(Role.MEMBER, world.unit_id)]


def test_the_token_is_stored_only_as_a_hash(app, client, world, login):
    path = _invite_link(client, login, world)
    token = path.rsplit("/", 1)[1]
    with app.app_context():
        stored = db.session.scalars(sa.select(Invitation)).one()
        assert stored.token_hash == hash_token(token)
        assert token.encode() not in stored.token_hash


def test_an_invitation_works_once(app, client, world, login):
    path = _invite_link(client, login, world)
    assert client.post(path, data=NEW_MEMBER).status_code == 302
    client.post("/logout")
    again = client.post(path, data={**NEW_MEMBER, "email": "second@example.net"})
    assert again.status_code == 404  # the used invitation is gone, so it reads as unknown
    assert b"already been used" in again.data
    with app.app_context():  # nothing of the used invitation is kept to name its coworker
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Invitation)) == 0


def test_an_expired_invitation_shows_a_clear_page(app, client, world, login):
    path = _invite_link(client, login, world)
    with app.app_context():
        db.session.execute(sa.update(Invitation).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    response = client.get(path)
    assert response.status_code == 410
    assert b"expired" in response.data
    assert client.post(path, data=NEW_MEMBER).status_code == 410
    with app.app_context():
        assert accounts.find_account_by_email("owl@example.net") is None


def test_invitations_expire_after_seven_days(app_ctx, world):
    organizer = accounts.find_account_by_email(world.organizer)
    invitation, _ = invitations.invite(organizer, db.session.get(Person, world.person_id), Role.MEMBER)
    assert timedelta(days=6, hours=23) < invitation.expires_at - utcnow() <= timedelta(days=7)


@pytest.mark.parametrize("token", ["forged", "A" * 43, "../../etc/passwd", "x" * 500, "%00"])
def test_forged_tokens_get_a_clear_page(client, world, token):
    response = client.get(f"/invite/{token}")
    assert response.status_code == 404
    assert b"not valid" in response.data
    assert client.post(f"/invite/{token}", data=NEW_MEMBER).status_code == 404


def test_a_new_invitation_cancels_the_earlier_link(client, world, login):
    first = _invite_link(client, login, world)
    second = _invite_link(client, login, world)
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200


def test_revoked_invitation_stops_working(app, client, world, login):
    path = _invite_link(client, login, world)
    with app.app_context():
        invitation_id = db.session.scalars(sa.select(Invitation.id)).one()
    login(client, world.organizer)
    assert client.post(f"/invitations/{invitation_id}/revoke").status_code == 302
    client.post("/logout")
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("data, message", [
    ({**NEW_MEMBER, "display_name": ""}, b"This field is required"),
    ({**NEW_MEMBER, "display_name": "x" * 61}, b"Keep it to 60 characters or fewer: this has 61"),
    ({**NEW_MEMBER, "email": "not-an-email"}, b"Enter an email address"),
    ({**NEW_MEMBER, "email": "a@b"}, b"Enter an email address"),
    ({**NEW_MEMBER, "password": "short", "confirm": "short"}, b"Use between 10"),
    ({**NEW_MEMBER, "confirm": "something else entirely"}, b"The passwords differ"),
    ({**NEW_MEMBER, "email": "member@example.org"}, b"already exists"),
    ({**NEW_MEMBER, "display_name": "bad\x00name"}, b"control characters"),
    ({**NEW_MEMBER, "display_name": "\u200b\u3164\u200b"}, b"only blank or invisible characters"),
    ({**NEW_MEMBER, "display_name": "\u2800"}, b"only blank or invisible characters"),
    ({**NEW_MEMBER, "display_name": "..."}, b"only punctuation or symbols"),
    ({**NEW_MEMBER, "display_name": "Night \u202elwo"}, b"direction text is shown in"),
])
def test_bad_acceptance_is_refused_and_stores_nothing(app, client, world, login, data, message):
    path = _invite_link(client, login, world)
    response = client.post(path, data=data)
    assert response.status_code == 400
    assert message in response.data
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Account)) == 4
        assert db.session.scalars(sa.select(Invitation)).one().accepted_on is None
    assert client.get(path).status_code == 200, "a refused attempt must leave the link usable"


def test_only_the_unions_organizers_can_invite(app_ctx, world):
    other = accounts.find_account_by_email(world.other_organizer)
    with pytest.raises(NotAllowed):
        invitations.invite(other, db.session.get(Person, world.person_id), Role.MEMBER)


def test_a_coworker_with_an_account_cannot_be_invited_again(app_ctx, world):
    organizer = accounts.find_account_by_email(world.organizer)
    member = accounts.find_account_by_email(world.member)
    person = coworkers.person_of(member)
    assert person is not None, "the member's account is linked to their place on the chart"
    with pytest.raises(DomainError, match="already has an account"):
        invitations.invite(organizer, person, Role.STEWARD)
    # The link is sealed on the account: nothing but the account's own sealed
    # column says who it belongs to, and still the second account is refused.
    with pytest.raises(DomainError, match="already has an account"):
        accounts.create_account(display_name="Twin", email="twin@example.org", password=factories.PASSWORD,
                                person=person, roles=[accounts.role_for(person, Role.MEMBER)])


def test_an_account_for_a_coworker_holds_roles_in_their_unit_only(app_ctx, world):
    # The sealed link is found through the account's roles in the coworker's unit
    # (or union): an account whose roles lie elsewhere would hide its link.
    from organizer.accounts.models import RoleAssignment

    person = db.session.get(Person, world.person_id)
    with pytest.raises(DomainError, match="own unit or union"):
        accounts.create_account(display_name="Elsewhere", email="elsewhere@example.org",
                                password=factories.PASSWORD, person=person,
                                roles=[RoleAssignment(role=Role.MEMBER, unit_id=world.other_unit_id)])
    assert not coworkers.has_account(person)


def test_organizer_invitation_grants_the_union(app_ctx, world):
    organizer = accounts.find_account_by_email(world.organizer)
    _, token = invitations.invite(organizer, db.session.get(Person, world.person_id), Role.ORGANIZER)
    account = invitations.accept(token, display_name="New organizer", email="new@example.net",
                                 password="a long enough passphrase")
    assert account.organizer_union_ids() == {world.union_id}


def test_accepting_twice_in_one_race_fails_the_second(app_ctx, world):
    organizer = accounts.find_account_by_email(world.organizer)
    _, token = invitations.invite(organizer, db.session.get(Person, world.person_id), Role.MEMBER)
    invitations.accept(token, display_name="One", email="one@example.net", password="a long enough passphrase")
    with pytest.raises(InvitationInvalid):
        invitations.accept(token, display_name="Two", email="two@example.net", password="a long enough passphrase")


def test_purge_removes_only_expired_unused_invitations_and_is_idempotent(app_ctx, world):
    organizer = accounts.find_account_by_email(world.organizer)
    person = db.session.get(Person, world.person_id)
    expired, _ = invitations.invite(organizer, person, Role.MEMBER)
    expired.expires_at = utcnow() - timedelta(minutes=1)
    from tests import factories

    fresh, _ = invitations.invite(organizer, factories.create_person(person.unit), Role.MEMBER)
    db.session.commit()
    assert invitations.purge_expired_invitations() == 1
    assert invitations.purge_expired_invitations() == 0
    assert [i.id for i in db.session.scalars(sa.select(Invitation))] == [fresh.id]
