"""Loaders of structure tests, for the union's organizers (see charting.loaders)."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from organizer.charting.loaders import get_or_404
from organizer.strength.models import StructureTest


def get_structure_test_for_organizer_or_404(test_id: int) -> StructureTest:
    test = get_or_404(StructureTest, test_id)
    if test.unit.union_id not in current_user.organizer_union_ids():
        abort(404)
    return test
