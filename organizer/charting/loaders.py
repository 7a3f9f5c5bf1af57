"""Object loaders: the second level of authorization. Each returns the object
only when the signed-in account may act on it, and answers 404 otherwise, so a
changed id in a URL reveals neither the data nor whether it exists. Whether
the account may is asked of organizer.policy, as the services ask it. The other
packages' loaders build on `get_or_404` and `allowed_or_404`."""

from __future__ import annotations

from typing import TypeVar

from flask import abort
from flask_login import current_user

from core.extensions import db
from organizer import policy
from organizer.charting.models import BargainingUnit, Person, Union

M = TypeVar("M")


def get_or_404(model: type[M], object_id: int) -> M:
    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    return obj


def allowed_or_404(obj: M, allowed: bool) -> M:
    """The object when the policy allows it, else 404: the same answer as for one that does not exist."""
    if not allowed:
        abort(404)
    return obj


def get_union_for_organizer_or_404(union_id: int) -> Union:
    union = get_or_404(Union, union_id)
    return allowed_or_404(union, policy.organizes(current_user, union))


def get_unit_for_organizer_or_404(unit_id: int) -> BargainingUnit:
    unit = get_or_404(BargainingUnit, unit_id)
    return allowed_or_404(unit, policy.organizes(current_user, unit))


def get_unit_for_steward_or_404(unit_id: int) -> BargainingUnit:
    unit = get_or_404(BargainingUnit, unit_id)
    return allowed_or_404(unit, policy.stewards(current_user, unit))


def get_unit_for_officer_or_404(unit_id: int) -> BargainingUnit:
    """A unit the account stewards, or whose union it organizes."""
    unit = get_or_404(BargainingUnit, unit_id)
    return allowed_or_404(unit, policy.is_officer_of(current_user, unit))


def get_person_for_organizer_or_404(person_id: int) -> Person:
    person = get_or_404(Person, person_id)
    return allowed_or_404(person, policy.organizes(current_user, person.unit))


def get_unit_for_charting_or_404(unit_id: int) -> BargainingUnit:
    """A unit whose chart the account opens: its union's organizers, and its committee
    members (whose pages then show their own departments only)."""
    unit = get_or_404(BargainingUnit, unit_id)
    return allowed_or_404(unit, policy.charts_in(current_user, unit))


def get_person_for_charting_or_404(person_id: int) -> Person:
    """A coworker the account charts: any of the union's, for its organizers; one of their
    own departments, for a committee member (another department's is as if it did not exist)."""
    person = get_or_404(Person, person_id)
    return allowed_or_404(person, policy.charts_department(current_user, person.unit, person.department_id))
