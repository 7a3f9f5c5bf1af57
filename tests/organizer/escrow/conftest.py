"""Fixtures of the escrow's tests: the clock the escrow reads, and the world's
accounts and places at hand."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from core.extensions import db
from organizer.accounts.models import Account
from organizer.accounts.services import find_account_by_email
from organizer.charting.models import BargainingUnit, Union
from organizer.roles import Role
from tests import factories
from tests.organizer.escrow.builders import Clock


@pytest.fixture
def clock(monkeypatch) -> Clock:
    return Clock(monkeypatch)


@dataclass
class People:
    """The world's union and unit, its accounts, a second unit with a member of its own,
    a second steward (so two trustees can hold the union's key), and another union's organizer.
    The union's k is 3: the unit's four accounts are enough for a story written in it to keep
    its unit (`escrow.services._said_unit`); the second unit's one is not."""

    union: Union
    unit: BargainingUnit
    other_unit: BargainingUnit
    organizer: Account
    steward: Account
    second_steward: Account
    member: Account
    coworker: Account
    member_elsewhere: Account
    outsider: Account


@pytest.fixture
def people(app_ctx, world) -> People:
    union = db.session.get(Union, world.union_id)
    unit = db.session.get(BargainingUnit, world.unit_id)
    from organizer.charting import unions

    other_unit = unions.create_unit(factories.OrganizerOf(union), union, "Drivers")
    found = People(
        union=union, unit=unit, other_unit=other_unit,
        organizer=find_account_by_email(world.organizer), steward=find_account_by_email(world.steward),
        second_steward=factories.create_account(Role.STEWARD, unit=unit, email="second.steward@example.org"),
        member=find_account_by_email(world.member),
        coworker=factories.create_account(Role.MEMBER, unit=unit, email="coworker@example.org"),
        member_elsewhere=factories.create_account(Role.MEMBER, unit=other_unit, email="driver@example.org"),
        outsider=find_account_by_email(world.other_organizer))
    union.release_threshold = 3
    db.session.commit()
    db.session.refresh(union)
    return found
