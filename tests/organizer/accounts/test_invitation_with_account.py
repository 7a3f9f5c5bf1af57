"""An invitation taken by the account someone already signs in with (one made
to look for work): the same person keeps one sign-in, their password says it is
them, and an account that already belongs to a union is never relinked."""

from __future__ import annotations

import sqlalchemy as sa

from candidates import profiles
from candidates.models import LookingStatus
from core.extensions import db
from organizer.accounts import coworkers
from organizer.accounts import services as accounts
from organizer.accounts.models import AccountSession, Invitation
from organizer.charting.models import Person
from organizer.roles import Role
from tests.candidates.builders import CANDIDATE, candidate_account
from tests.factories import PASSWORD
from tests.organizer.accounts.test_invitations import _invite_link


def _job_seeker(app) -> int:
    with app.app_context():
        account = candidate_account()
        profiles.set_looking(account, LookingStatus.OPEN_TO_OFFERS)
        db.session.commit()
        return account.id


def _invitations_left(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Invitation))


def test_a_job_seeker_joins_with_the_account_they_sign_in_with(app, client, world, login):
    path = _invite_link(client, login, world)
    account_id = _job_seeker(app)
    login(client, CANDIDATE)
    page = client.get(path)
    assert page.status_code == 200
    assert b"Join with this account" in page.data and b"Create my account" not in page.data

    joined = client.post(path, data={"password": PASSWORD})
    assert joined.status_code == 302
    home = client.get("/")
    assert b'Your unit: <span translate="no">Dock crew</span>' in home.data
    with app.app_context():
        account = accounts.find_account_by_email(CANDIDATE)
        assert account.id == account_id  # one sign-in: no second account was made
        assert account.person_id == world.person_id
        assert [(a.role, a.unit_id) for a in account.roles] == [(Role.MEMBER, world.unit_id)]
        assert coworkers.has_account(db.session.get(Person, world.person_id))  # the roster knows the link
        assert profiles.profile_of(account).looking == LookingStatus.OPEN_TO_OFFERS  # the job search stays
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AccountSession)
                                 .where(AccountSession.account_id == account_id)) == 1
    assert _invitations_left(app) == 0
    assert client.get("/candidate").status_code == 200


def test_a_wrong_password_joins_nothing_and_keeps_the_invitation(app, client, world, login):
    path = _invite_link(client, login, world)
    _job_seeker(app)
    login(client, CANDIDATE)
    refused = client.post(path, data={"password": "not the password at all"})
    assert refused.status_code == 400 and b"That password is not correct." in refused.data
    with app.app_context():
        account = accounts.find_account_by_email(CANDIDATE)
        assert account.person_id is None and account.roles == []
    assert _invitations_left(app) == 1


def test_an_account_of_a_union_is_never_relinked_by_another_invitation(app, client, world, login):
    path = _invite_link(client, login, world)
    login(client, world.member)
    page = client.get(path)
    assert b"already belongs to a union" in page.data and b"Join with this account" not in page.data
    refused = client.post(path, data={"password": PASSWORD})
    assert refused.status_code == 400 and b"already belongs to a union" in refused.data
    with app.app_context():
        member = accounts.find_account_by_email(world.member)
        assert member.person_id != world.person_id
        assert not coworkers.has_account(db.session.get(Person, world.person_id))
    assert _invitations_left(app) == 1


def test_signed_out_the_page_says_how_to_join_with_an_account_one_has(client, world, login):
    path = _invite_link(client, login, world)
    page = client.get(path)
    assert b"Create my account" in page.data and b"then open this invitation link again" in page.data
