"""Fixtures of the one-on-one tests: the world's organizer and coworker, inside an app context."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from core.extensions import db
from organizer.accounts import services as accounts
from organizer.accounts.models import Account
from organizer.charting.models import Person


@dataclass
class Talking:
    organizer: Account
    person: Person


@pytest.fixture
def talking(app_ctx, world) -> Talking:
    return Talking(accounts.find_account_by_email(world.organizer), db.session.get(Person, world.person_id))
