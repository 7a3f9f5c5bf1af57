"""Object loaders for reports (see organizer.charting.loaders): a report is
found by its public id and handed over only to the member who sent it, or to
a steward of its unit; anyone else, an organizer who is not a steward among
them, gets the 404 a report that does not exist gets."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort
from flask_login import current_user

from core.extensions import db
from organizer import policy
from organizer.charting.loaders import allowed_or_404, get_or_404
from organizer.grievances.models import Grievance, Referral
from organizer.grievances.services import REPORT_ID, is_reporter


def _by_public_id(public_id: str) -> Grievance:
    if not REPORT_ID.match(public_id or ""):
        abort(404)
    grievance = db.session.scalar(sa.select(Grievance).where(Grievance.public_id == public_id))
    if grievance is None:
        abort(404)
    return grievance


def get_report_for_its_member_or_404(public_id: str) -> Grievance:
    grievance = _by_public_id(public_id)
    return allowed_or_404(grievance, is_reporter(current_user, grievance))


def get_grievance_for_steward_or_404(public_id: str) -> Grievance:
    grievance = _by_public_id(public_id)
    return allowed_or_404(grievance, policy.handles_grievances(current_user, grievance.unit))


def get_referral_for_organizer_or_404(referral_id: int) -> Referral:
    referral = get_or_404(Referral, referral_id)
    return allowed_or_404(referral, policy.sets_grievance_rules(current_user, referral.union))
