"""Loaders of invitations, for the union's organizers (see charting.loaders)."""

from __future__ import annotations

from flask_login import current_user

from organizer import policy
from organizer.accounts.models import Invitation
from organizer.charting.loaders import allowed_or_404, get_or_404


def get_invitation_for_organizer_or_404(invitation_id: int) -> Invitation:
    invitation = get_or_404(Invitation, invitation_id)
    return allowed_or_404(invitation, policy.organizes(current_user, invitation.person.unit))
