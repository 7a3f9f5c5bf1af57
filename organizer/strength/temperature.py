"""The unit's temperature check: the pulses whose support and participation the
strength card headlines, and whose rounds the trend draws.

A recurring pulse is the temperature check by itself: the same questions to the
same unit on a schedule, so one round compares with the last. A one-off pulse
may ask a few people something else entirely; left to itself it would replace
the headline the day it is released. It counts only when an organizer marks it
as the unit's temperature check, and the card names any newer one-off pulse it
leaves out, so that nothing is replaced, or left out, silently."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext, lazy_gettext

from core.extensions import db
from organizer import policy
from organizer.audit import services as audit
from organizer.audit.models import AuditAction
from organizer.accounts.models import Account
from organizer.charting.models import BargainingUnit
from organizer.errors import DomainError
from organizer.strength.models import TemperatureCheck
from organizer.unit_surveys.services import unit_of, unit_scope
from surveys import results
from surveys.models import Survey, SurveyKind, SurveyState

_ORGANIZERS_ONLY = lazy_gettext("Only the union's organizers choose the unit's temperature check.")


def is_recurring(survey: Survey) -> bool:
    return survey.recurrence_weeks is not None


def marked_survey_ids(unit: BargainingUnit) -> set[int]:
    """The one-off pulses organizers marked as the unit's temperature check."""
    return set(db.session.scalars(sa.select(TemperatureCheck.survey_id).where(TemperatureCheck.unit_id == unit.id)))


def counts_as_temperature_check(survey: Survey, marked: set[int]) -> bool:
    return survey.kind == SurveyKind.PULSE and (is_recurring(survey) or survey.id in marked)


def one_off_pulses(unit: BargainingUnit) -> list[tuple[Survey, bool]]:
    """The unit's released one-off pulses, newest first, each with whether it counts."""
    marked = marked_survey_ids(unit)
    return [(survey, survey.id in marked) for survey in results.released_surveys(unit_scope(unit), SurveyKind.PULSE)
            if not is_recurring(survey)]


def set_temperature_check(actor: Account, survey: Survey, counts: bool) -> bool:
    """Count a released one-off pulse as the unit's temperature check, or stop counting it.
    Returns whether it counts now."""
    unit = unit_of(survey)
    if unit is None:
        raise DomainError(gettext("This survey belongs to no bargaining unit."))
    policy.require_organizer(actor, unit, _ORGANIZERS_ONLY)
    if survey.kind != SurveyKind.PULSE:
        raise DomainError(gettext("Only a pulse survey takes the unit's temperature."))
    if is_recurring(survey):
        raise DomainError(gettext("A recurring pulse is the unit's temperature check already."))
    if survey.state != SurveyState.RELEASED:
        raise DomainError(gettext("Only a pulse whose results are released can count."))
    mark = db.session.get(TemperatureCheck, survey.id)
    if counts == (mark is not None):
        return counts
    if counts:
        db.session.add(TemperatureCheck(survey_id=survey.id, unit_id=unit.id))
    else:
        db.session.delete(mark)
    db.session.flush()
    # Choosing which pulse the headline rests on could flatter it: the other officers see it.
    audit.record(actor, AuditAction.TEMPERATURE_CHECK_MARKED,
                 f"“{survey.title}” {'now counts' if counts else 'no longer counts'} as the temperature check.",
                 unit=unit)
    return counts
