"""Loaders of a unit's surveys, for its organizers, members, readers and trustees
(see charting.loaders)."""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy.orm import joinedload

from core.extensions import db
from organizer import policy
from organizer.accounts.services import account_ref
from organizer.charting.loaders import allowed_or_404, get_or_404
from organizer.charting.models import BargainingUnit
from organizer.roles import Role
from organizer.unit_surveys.services import unit_of, unit_scope_of
from surveys import keys
from surveys.models import Survey


def _survey_and_unit_or_404(survey_id: int) -> tuple[Survey, BargainingUnit]:
    survey = get_or_404(Survey, survey_id)
    unit = unit_of(survey)
    if unit is None:
        abort(404)
    return survey, unit


def get_survey_for_organizer_or_404(survey_id: int) -> tuple[Survey, BargainingUnit]:
    survey, unit = _survey_and_unit_or_404(survey_id)
    return allowed_or_404((survey, unit), policy.organizes(current_user, unit))


def get_survey_for_member_or_404(survey_id: int, *, with_questions: bool = True) -> Survey:
    """A survey of one of the member's units. Decided from the survey's scope
    alone, with its questions in the same query: this runs on every answer. The
    booth's endpoints need the survey's row alone (the ballot box knows a
    launched survey's questions already) and ask `with_questions=False`."""
    options = [joinedload(Survey.questions)] if with_questions else []
    survey = db.session.get(Survey, survey_id, options=options)
    member_scopes = {unit_scope_of(unit_id) for unit_id in current_user.unit_ids_as(Role.MEMBER)}
    if survey is None or survey.scope not in member_scopes:
        abort(404)
    return survey


def get_survey_for_viewer_or_404(survey_id: int) -> tuple[Survey, BargainingUnit]:
    """Results are for the unit's members and stewards and the union's organizers."""
    survey, unit = _survey_and_unit_or_404(survey_id)
    return allowed_or_404((survey, unit), policy.belongs_to(current_user, unit))


def get_survey_for_trustee_or_404(survey_id: int) -> tuple[Survey, BargainingUnit]:
    survey, unit = _survey_and_unit_or_404(survey_id)
    if account_ref(current_user) not in {t.trustee_ref for t in keys.trustees_of(survey)}:
        abort(404)
    return survey, unit
