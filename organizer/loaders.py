"""Object loaders: the second level of authorization. Each returns the object
only when the signed-in account may act on it, and answers 404 otherwise, so a
changed id in a URL reveals neither the data nor whether it exists."""

from __future__ import annotations

from typing import TypeVar

from flask import abort
from flask_login import current_user
from sqlalchemy.orm import joinedload

from core.extensions import db
from organizer.models import BargainingUnit, Claim, Demand, Invitation, Person, Role, StructureTest, Union
from organizer.unit_surveys import account_ref, unit_of, unit_scope_of
from surveys.models import Survey

M = TypeVar("M")


def _get_or_404(model: type[M], object_id: int) -> M:
    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    return obj


def get_union_for_organizer_or_404(union_id: int) -> Union:
    union = _get_or_404(Union, union_id)
    if union.id not in current_user.organizer_union_ids():
        abort(404)
    return union


def get_unit_for_organizer_or_404(unit_id: int) -> BargainingUnit:
    unit = _get_or_404(BargainingUnit, unit_id)
    if unit.union_id not in current_user.organizer_union_ids():
        abort(404)
    return unit


def get_unit_for_steward_or_404(unit_id: int) -> BargainingUnit:
    unit = _get_or_404(BargainingUnit, unit_id)
    if unit.id not in current_user.unit_ids_as(Role.STEWARD):
        abort(404)
    return unit


def get_person_for_organizer_or_404(person_id: int) -> Person:
    person = _get_or_404(Person, person_id)
    if person.unit.union_id not in current_user.organizer_union_ids():
        abort(404)
    return person


def get_invitation_for_organizer_or_404(invitation_id: int) -> Invitation:
    invitation = _get_or_404(Invitation, invitation_id)
    if invitation.person.unit.union_id not in current_user.organizer_union_ids():
        abort(404)
    return invitation


def _survey_and_unit_or_404(survey_id: int) -> tuple[Survey, BargainingUnit]:
    survey = _get_or_404(Survey, survey_id)
    unit = unit_of(survey)
    if unit is None:
        abort(404)
    return survey, unit


def get_survey_for_organizer_or_404(survey_id: int) -> tuple[Survey, BargainingUnit]:
    survey, unit = _survey_and_unit_or_404(survey_id)
    if unit.union_id not in current_user.organizer_union_ids():
        abort(404)
    return survey, unit


def get_survey_for_member_or_404(survey_id: int) -> Survey:
    """A survey of one of the member's units. Decided from the survey's scope
    alone, with its questions in the same query: this runs on every answer."""
    survey = db.session.get(Survey, survey_id, options=[joinedload(Survey.questions)])
    member_scopes = {unit_scope_of(unit_id) for unit_id in current_user.unit_ids_as(Role.MEMBER)}
    if survey is None or survey.scope not in member_scopes:
        abort(404)
    return survey


def get_survey_for_viewer_or_404(survey_id: int) -> tuple[Survey, BargainingUnit]:
    """Results are for the unit's members and stewards and the union's organizers."""
    survey, unit = _survey_and_unit_or_404(survey_id)
    if not (unit.union_id in current_user.organizer_union_ids()
            or unit.id in current_user.unit_ids_as(Role.STEWARD)
            or unit.id in current_user.unit_ids_as(Role.MEMBER)):
        abort(404)
    return survey, unit


def get_survey_for_trustee_or_404(survey_id: int) -> tuple[Survey, BargainingUnit]:
    survey, unit = _survey_and_unit_or_404(survey_id)
    if account_ref(current_user) not in {t.trustee_ref for t in survey.trustees}:
        abort(404)
    return survey, unit


def get_unit_for_demand_readers_or_404(unit_id: int) -> BargainingUnit:
    """All of a unit's demands are for its stewards and its union's organizers."""
    unit = _get_or_404(BargainingUnit, unit_id)
    if not (unit.id in current_user.unit_ids_as(Role.STEWARD) or unit.union_id in current_user.organizer_union_ids()):
        abort(404)
    return unit


def get_demand_for_author_or_404(demand_id: int) -> Demand:
    demand = _get_or_404(Demand, demand_id)
    if demand.account_id != current_user.id:
        abort(404)
    return demand


def get_claim_for_author_or_404(claim_id: int) -> Claim:
    claim = _get_or_404(Claim, claim_id)
    if claim.account_id != current_user.id:
        abort(404)
    return claim


def get_demand_for_steward_or_404(demand_id: int) -> Demand:
    demand = _get_or_404(Demand, demand_id)
    if demand.unit_id not in current_user.unit_ids_as(Role.STEWARD):
        abort(404)
    return demand


def get_structure_test_for_organizer_or_404(test_id: int) -> StructureTest:
    test = _get_or_404(StructureTest, test_id)
    if test.unit.union_id not in current_user.organizer_union_ids():
        abort(404)
    return test
