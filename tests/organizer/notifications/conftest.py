"""The outbox, emptied for each test."""

from __future__ import annotations

import pytest

from tests.organizer.notifications.builders import Outbox


@pytest.fixture
def outbox(app) -> Outbox:
    return Outbox(app)
