"""Loaders of structure tests, for the union's organizers (see charting.loaders)."""

from __future__ import annotations

from flask_login import current_user

from organizer import policy
from organizer.charting.loaders import allowed_or_404, get_or_404
from organizer.strength.models import StructureTest


def get_structure_test_for_organizer_or_404(test_id: int) -> StructureTest:
    test = get_or_404(StructureTest, test_id)
    return allowed_or_404(test, policy.organizes(current_user, test.unit))
