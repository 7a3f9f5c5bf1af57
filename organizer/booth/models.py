"""Ballots opened for checking: the trackers the booth must never accept as cast.

A member may ask the booth to open a ballot instead of sending it (Benaloh's
challenge): the page reveals the randomness that encrypted it, so anyone can
confirm the ciphertext holds the answers shown. Such a ballot is a proof of how
its holder answered, so it must never count: the page tells the server its
tracker before it reveals anything, and the cast endpoint refuses a ballot
whose tracker is here.

A row holds the survey and a tracker, nothing else: no person, no time, no
order (the key is the tracker, a hash of random bytes). The ballot itself, its
answers and its randomness never reach the server."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db

#: A tracker is the SHA-256 of the ballot, in lowercase hex.
TRACKER_LENGTH = 64


class CheckedBallot(db.Model):
    """A ballot opened for checking, by its tracker: refused if it is ever cast."""

    __tablename__ = "booth_checked_ballots"

    #: The survey the ballot was made for.
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True)
    #: The opened ballot's tracker (hex SHA-256 of its bytes).
    tracker: Mapped[str] = mapped_column(sa.String(TRACKER_LENGTH), primary_key=True)
