"""Fixtures for the chart's pages: the world's organizer signed in, reading Leverage in Spanish."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from core.extensions import db
from organizer.accounts import services as accounts
from tests.csrf import sign_in


@pytest.fixture
def spanish_organizer(app, client, world, csrf_on) -> FlaskClient:
    """The world's organizer, reading Leverage in Spanish (their account's language), signed in."""
    with app.app_context():
        accounts.find_account_by_email(world.organizer).language = "es"
        db.session.commit()
    return sign_in(client, world.organizer)
