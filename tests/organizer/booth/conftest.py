"""Fixtures for the booth's tests: a booth survey launched to the world's unit."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from core.extensions import db
from organizer.charting.models import BargainingUnit
from tests.organizer.booth.builders import open_booth_survey


@pytest.fixture
def launch(app, world, crowd) -> Callable[..., int]:
    """Launch a booth survey (with `open_booth_survey`'s options) to the world's unit,
    whose crowd of members it asks; returns its id."""
    def launched(**options) -> int:
        with app.app_context():
            survey = open_booth_survey(db.session.get(BargainingUnit, world.unit_id), world.organizer, **options)
            db.session.commit()
            return survey.id
    return launched
