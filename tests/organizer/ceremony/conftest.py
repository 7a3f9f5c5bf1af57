"""Fixtures for the union's survey key: cheap passphrase sealing (as for the
engine's tests), the outbox, and a union with three possible trustees."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from core.extensions import db
from crypto import sealing
from organizer.charting.models import BargainingUnit
from organizer.roles import Role
from tests import factories
from tests.organizer.notifications.builders import Outbox
from tests.surveys.conftest import FAST_SCRYPT


@pytest.fixture(autouse=True)
def _fast_passphrase_sealing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sealing.seal_with_passphrase.__kwdefaults__, "params", FAST_SCRYPT)


@pytest.fixture
def outbox(app) -> Outbox:
    return Outbox(app)


SECOND_STEWARD = "steward2@example.org"


@dataclass(frozen=True)
class Trustees:
    """The world's organizer and steward, and a second steward: emails, in the order a ceremony numbers them."""

    emails: tuple[str, ...]


@pytest.fixture
def trustees(app, world, crowd) -> Trustees:
    """Three possible trustees in the world's union (and the crowd, so that a survey can reach k = 5)."""
    with app.app_context():
        unit = db.session.get(BargainingUnit, world.unit_id)
        factories.create_account(Role.STEWARD, unit=unit, email=SECOND_STEWARD, display_name="Sam Second")
        db.session.commit()
    return Trustees((world.organizer, world.steward, SECOND_STEWARD))
