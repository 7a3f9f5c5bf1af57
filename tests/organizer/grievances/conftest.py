"""Fixtures of the report tests: the world's unit with two stewards who made keys, one who
has not, its member and five more coworkers with accounts, and the union's organizer.

`shop` builds them inside the test's app context, for service tests; `shop_ids` builds
them and leaves no context behind, for tests that make requests (a shared context would
share `g`, and so the signed-in account, across clients): such a test loads the accounts
again with `load(shop_ids)` inside a context of its own."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from core.extensions import db
from crypto.group import Scalar
from organizer.accounts import services as accounts
from organizer.accounts.models import Account
from organizer.charting.models import BargainingUnit
from organizer.roles import Role
from tests import factories
from tests.organizer.grievances.helpers import steward_key

SECOND = "second.steward@example.org"
KEYLESS = "keyless.steward@example.org"
OTHERS = tuple(f"coworker{i}@example.org" for i in range(5))


@dataclass(frozen=True)
class ShopIds:
    unit_id: int
    steward_secret: Scalar
    second_secret: Scalar
    organizer: str
    steward: str
    member: str
    second: str = SECOND
    keyless: str = KEYLESS
    others: tuple[str, ...] = OTHERS


@dataclass
class Shop:
    unit: BargainingUnit
    organizer: Account
    steward: Account
    steward_secret: Scalar
    second: Account
    second_secret: Scalar
    keyless: Account
    member: Account
    others: list[Account]


def _build(world) -> ShopIds:
    unit = db.session.get(BargainingUnit, world.unit_id)
    second = factories.create_account(Role.STEWARD, unit=unit, email=SECOND, display_name="Second Steward")
    factories.create_account(Role.STEWARD, unit=unit, email=KEYLESS, display_name="Keyless Steward")
    for email in OTHERS:
        factories.create_account(Role.MEMBER, unit=unit, email=email)
    ids = ShopIds(unit.id, steward_key(accounts.find_account_by_email(world.steward)), steward_key(second),
                  world.organizer, world.steward, world.member)
    db.session.commit()
    return ids


def load(ids: ShopIds) -> Shop:
    """The shop's rows, in the session of the app context now active."""
    find = accounts.find_account_by_email
    return Shop(db.session.get(BargainingUnit, ids.unit_id), find(ids.organizer), find(ids.steward), ids.steward_secret,
                find(ids.second), ids.second_secret, find(ids.keyless), find(ids.member),
                [find(email) for email in ids.others])


@pytest.fixture
def shop(app_ctx, world) -> Shop:
    return load(_build(world))


@pytest.fixture
def shop_ids(app, world) -> ShopIds:
    with app.app_context():
        ids = _build(world)
        db.session.remove()
    return ids


class ShopInContext:
    """The shop's rows, in an app context of a test's own that each use opens and closes
    (`with shop as s:`), between the requests a test makes."""

    def __init__(self, app, ids: ShopIds) -> None:
        self.app, self.ids = app, ids
        self.steward_secret, self.second_secret = ids.steward_secret, ids.second_secret

    def __enter__(self) -> Shop:
        self.context = self.app.app_context()
        self.context.push()
        return load(self.ids)

    def __exit__(self, *exc) -> None:
        db.session.remove()
        self.context.pop()


@pytest.fixture
def shop_between_requests(app, shop_ids) -> ShopInContext:
    return ShopInContext(app, shop_ids)
