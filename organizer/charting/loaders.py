"""Object loaders: the second level of authorization. Each returns the object
only when the signed-in account may act on it, and answers 404 otherwise, so a
changed id in a URL reveals neither the data nor whether it exists. The other
packages' loaders build on `get_or_404`."""

from __future__ import annotations

from typing import TypeVar

from flask import abort
from flask_login import current_user

from core.extensions import db
from organizer.charting.models import BargainingUnit, Person, Union
from organizer.roles import Role

M = TypeVar("M")


def get_or_404(model: type[M], object_id: int) -> M:
    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    return obj


def get_union_for_organizer_or_404(union_id: int) -> Union:
    union = get_or_404(Union, union_id)
    if union.id not in current_user.organizer_union_ids():
        abort(404)
    return union


def get_unit_for_organizer_or_404(unit_id: int) -> BargainingUnit:
    unit = get_or_404(BargainingUnit, unit_id)
    if unit.union_id not in current_user.organizer_union_ids():
        abort(404)
    return unit


def get_unit_for_steward_or_404(unit_id: int) -> BargainingUnit:
    unit = get_or_404(BargainingUnit, unit_id)
    if unit.id not in current_user.unit_ids_as(Role.STEWARD):
        abort(404)
    return unit


def get_person_for_organizer_or_404(person_id: int) -> Person:
    person = get_or_404(Person, person_id)
    if person.unit.union_id not in current_user.organizer_union_ids():
        abort(404)
    return person
