"""Loaders of union cards (see charting.loaders): a card only for the coworker who
signed it, 404 for anyone else, so a changed id says nothing of whose card it is."""

from __future__ import annotations

from flask_login import current_user

from organizer.cards import services
from organizer.cards.models import UnionCard
from organizer.charting.loaders import allowed_or_404, get_or_404


def get_card_for_signer_or_404(card_id: int) -> UnionCard:
    card = get_or_404(UnionCard, card_id)
    return allowed_or_404(card, services.is_signer(current_user, card))
