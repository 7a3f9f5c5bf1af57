"""Loaders of a key ceremony for its trustees (see charting.loaders): anyone
else gets the same 404 as for a ceremony that does not exist."""

from __future__ import annotations

from flask_login import current_user

from organizer.accounts.services import account_ref
from organizer.charting.loaders import allowed_or_404
from surveys import ceremony
from surveys.ceremony import CeremonyStatus


def get_ceremony_for_trustee_or_404(ceremony_id: int) -> CeremonyStatus:
    status = ceremony.status(ceremony_id)
    return allowed_or_404(status, status is not None and account_ref(current_user) in status.trustee_refs)
