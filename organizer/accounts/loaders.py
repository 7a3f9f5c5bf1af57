"""Loaders of invitations, for the union's organizers (see charting.loaders)."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from organizer.accounts.models import Invitation
from organizer.charting.loaders import get_or_404


def get_invitation_for_organizer_or_404(invitation_id: int) -> Invitation:
    invitation = get_or_404(Invitation, invitation_id)
    if invitation.person.unit.union_id not in current_user.organizer_union_ids():
        abort(404)
    return invitation
