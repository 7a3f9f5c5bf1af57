"""A refused change stores nothing: the views that once forgot to roll back
(creating a unit, adding a segment, charting a person, inviting, changing a
password) now run through core.views.unit_of_work.

Each case is refused twice. Once for real (a duplicate name, a wrong password):
the message sits beside its field and nothing is stored. And once late, after
the service has already written and flushed (the real service runs, then a rule
refuses): with a commit hooked onto the end of the request, standing for any
later commit in it, nothing may reach the database. Without the rollback, the
late case stores the half-made change."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa
from flask import request_finished

from core.extensions import db
from organizer.accounts import invitations
from organizer.accounts import services as accounts
from organizer.accounts.models import Account, AccountSession, Invitation
from organizer.audit.models import AuditEntry
from organizer.charting import people, unions
from organizer.charting.models import BargainingUnit, Department, Person
from organizer.errors import DomainError
from tests.factories import PASSWORD

LATE = "Refused after the write, by a rule checked last."


@dataclass(frozen=True)
class Case:
    #: Who signs in.
    who: str
    #: The form's address, from the ids and whether the input is the accepted one.
    url: Callable[[Any, bool], str]
    #: Input the real service refuses, and the words it refuses with.
    refused: dict[str, str]
    message: str
    #: Input the real service accepts and writes (the late refusal comes after it).
    accepted: dict[str, str]
    #: The service the view calls, as (module, name), to refuse after its real work.
    service: tuple[object, str]
    #: The field the late refusal names.
    field: str


NEW_PASSWORD = "a wholly different passphrase"

CASES = {
    "create unit": Case(
        "organizer", lambda w, ok: f"/unions/{w.union_id}/units", {"name": "Dock crew"},
        "already has a unit with this name", {"name": "Night crew"}, (unions, "create_unit"), "name"),
    "add segment": Case(
        "organizer", lambda w, ok: f"/units/{w.unit_id}/segments", {"kind": "department", "name": "Loading"},
        "already has a department named", {"kind": "department", "name": "Rigging"}, (unions, "add_segment"),
        "name"),
    "add person": Case(
        "organizer", lambda w, ok: f"/units/{w.unit_id}/people/new",
        {"name": "Sam Double", "assessment": "3", "email": "jordan@example.org"},
        "already has this email on the chart", {"name": "Robin New", "assessment": "3"},
        (people, "add_person"), "name"),
    "invite person": Case(
        "organizer", lambda w, ok: f"/people/{w.person_id if ok else w.account_holder_id}/invite", {"role": "member"},
        "already has an account", {"role": "member"}, (invitations, "invite"), "role"),
    "change password": Case(
        "member", lambda w, ok: "/account/password",
        {"current_password": "not my password at all", "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        "current password is not correct",
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        (accounts, "change_password"), "current_password"),
}


@dataclass(frozen=True)
class Ids:
    union_id: int
    unit_id: int
    person_id: int
    account_holder_id: int


@pytest.fixture
def ids(app, world) -> Ids:
    with app.app_context():
        # Jordan gets an email, so a second coworker with it is refused; the member's
        # charted coworker already has an account, so inviting them is refused.
        jordan = db.session.get(Person, world.person_id)
        people.update_person(_organizer(), jordan, people.PersonDetails(
            name=jordan.name, assessment=jordan.assessment, department_id=jordan.department_id,
            email="jordan@example.org"))
        member = accounts.find_account_by_email(world.member)
        holder = next(p for p in db.session.get(BargainingUnit, world.unit_id).people
                      if p.id != world.person_id and _has_account(p, member))
        db.session.commit()
        found = Ids(world.union_id, world.unit_id, world.person_id, holder.id)
        db.session.remove()
    return found


def _organizer():
    return accounts.find_account_by_email("organizer@example.org")


def _has_account(person: Person, account: Account) -> bool:
    return account.person_id == person.id


def _stored(app, world) -> dict[str, object]:
    """Everything a refused change could leave behind, read afresh."""
    with app.app_context():
        count = lambda model: db.session.scalar(sa.select(sa.func.count()).select_from(model))  # noqa: E731
        member = accounts.find_account_by_email(world.member)
        stored = {model.__name__: count(model) for model in
                  (BargainingUnit, Department, Person, Invitation, AccountSession, AuditEntry)}
        stored["member password"] = member.password_hash
        db.session.remove()
    return stored


def _refusing_after(real: Callable[..., object], field: str) -> Callable[..., object]:
    def service(*args, **kwargs):
        real(*args, **kwargs)
        db.session.flush()
        raise DomainError(LATE, field=field)
    return service


@pytest.fixture
def commit_at_end_of_request(app):
    """Any later commit in the same request: it must find nothing left to store."""
    def commit(sender, response, **extra):
        db.session.commit()
    with request_finished.connected_to(commit, app):
        yield


@pytest.mark.parametrize("name", CASES)
def test_a_real_refusal_shows_its_message_and_stores_nothing(app, client, login, world, ids, name,
                                                             commit_at_end_of_request):
    case = CASES[name]
    login(client, getattr(world, case.who))
    before = _stored(app, world)
    response = client.post(case.url(ids, False), data=case.refused)
    assert response.status_code == 400
    assert case.message in response.get_data(as_text=True)
    assert _stored(app, world) == before


@pytest.mark.parametrize("name", CASES)
def test_a_refusal_after_the_write_rolls_the_write_back(app, client, login, world, ids, name, monkeypatch,
                                                        commit_at_end_of_request):
    case = CASES[name]
    module, attribute = case.service
    monkeypatch.setattr(module, attribute, _refusing_after(getattr(module, attribute), case.field))
    login(client, getattr(world, case.who))
    before = _stored(app, world)
    response = client.post(case.url(ids, True), data=case.accepted)
    assert response.status_code == 400
    assert LATE in response.get_data(as_text=True)
    assert _stored(app, world) == before


def test_the_late_refusal_would_have_stored_something(app, client, login, world, ids, monkeypatch):
    """The check above can fail: the accepted input, not refused, does store."""
    for name, case in CASES.items():
        if case.who != "organizer":
            continue
        client = app.test_client()
        login(client, world.organizer)
        before = _stored(app, world)
        response = client.post(case.url(ids, True), data=case.accepted)
        assert response.status_code in (200, 302), name
        assert _stored(app, world) != before, name
