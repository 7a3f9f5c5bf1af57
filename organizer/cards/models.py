"""Union cards and the words they are signed under.

A union card says "I want this union to represent me". A labour board accepts
cards signed electronically as a showing of interest when it can check each
one: who signed (full legal name), how to reach them to confirm it (a personal
email and phone), when (date and time), what they signed (the card's exact
words), and how (electronically, through a signature act the signer performed
themselves; or on paper, and then who brought it in). `UnionCard` records
exactly that, and nothing more.

What is left out, on purpose (PRIVACY.md: store less). No IP address and no
browser or device description: a board does not need them to check a card,
and on a seized or leaked database they would tie a card to a home, a phone
or a workplace network, which is what an employer would look for. The time is
kept to the second only for cards signed in the app, because a board asks for
it; paper cards keep the day written on them. No copy of the words per card:
each card names the version of its union's words (`UnionCardText`) and holds
a SHA-256 digest of them, so the exact text signed can be shown and checked
against what was signed, and a later change of the words never rewrites an
old card.

What a copy of the database tells. Every card field is sealed under the
application key (names, contact details, the typed signature, the days and
the time, which version of the words, the coworker it belongs to, whether it
was withdrawn, and who recorded a paper card); the fixed-width ones (ids,
days, the time, on paper or not) are sealed at one size whether set or not,
so that a NULL cannot tell a withdrawn card from a valid one. Left in the
clear: each card's `id`, which orders cards by when they reached Leverage,
and its `unit_id`, which a unit's pages and exports need to list its cards
and which says how many cards (signed or since withdrawn) a unit has held,
not who signed them or how many still count. The residual: a card signed on
paper has no typed signature and no time, and a paper card may lack an email
or a phone, and those absences show as NULLs; on PostgreSQL a withdrawn
card's row has been rewritten, which its system columns show. None of that
says who signed.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.clock import today
from core.extensions import db
from core.sealing import SealedBool, SealedDate, SealedId, SealedText, sealed_none
from organizer.charting.models import BargainingUnit, Union


class SealedMoment(SealedDate):
    """A moment to the second, in naive UTC, sealed at one width (absence included)."""

    cache_ok = True
    width = 19

    def _to_bytes(self, value: datetime) -> bytes:
        return value.replace(microsecond=0).isoformat(timespec="seconds").encode("ascii")

    def _from_bytes(self, raw: bytes) -> datetime:
        return datetime.fromisoformat(raw.decode("ascii"))


def digest_of(text: str) -> str:
    """The SHA-256 of the card's words, as the card stores it (hex)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class UnionCardText(db.Model):
    """One version of a union's card words. Versions are only ever added: a card
    names the one it was signed under, which must keep saying what it said."""

    __tablename__ = "union_card_texts"
    __table_args__ = (sa.UniqueConstraint("union_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The union whose card it is.
    union_id: Mapped[int] = mapped_column(sa.ForeignKey("unions.id", ondelete="CASCADE"), index=True)
    #: 1 for the union's first words, then 2, 3 ...
    version: Mapped[int]
    #: The words a member reads and signs. Sealed.
    text: Mapped[str] = mapped_column(SealedText("union_card_text.text"))
    #: Day the organizers set these words; days only.
    set_on: Mapped[date] = mapped_column(default=today)

    union: Mapped[Union] = relationship()

    @property
    def digest(self) -> str:
        return digest_of(self.text)


class UnionCard(db.Model):
    """One coworker's union card, signed in the app or recorded from paper (see the
    module's docstring for what is kept, what is not, and why)."""

    __tablename__ = "union_cards"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The unit the coworker was charted in when the card was signed.
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("bargaining_units.id", ondelete="CASCADE"), index=True)
    #: The coworker on the chart the card belongs to. Sealed, with no foreign key (as `Account.person_id`).
    person_id: Mapped[int] = mapped_column(SealedId("union_card.person_id"))
    #: The version of the union's words signed (a `UnionCardText`). Sealed.
    text_id: Mapped[int] = mapped_column(SealedId("union_card.text_id"))
    #: SHA-256 of those words as the signer was shown them. Sealed.
    text_digest: Mapped[str] = mapped_column(SealedText("union_card.text_digest"))
    #: Full legal name, as the signer gave it. Sealed.
    legal_name: Mapped[str] = mapped_column(SealedText("union_card.legal_name"))
    #: Personal email, to confirm the signature with the signer. Sealed.
    email: Mapped[str | None] = mapped_column(SealedText("union_card.email"))
    #: Personal phone, to confirm the signature with the signer. Sealed.
    phone: Mapped[str | None] = mapped_column(SealedText("union_card.phone"))
    #: The name the signer typed as their signature (cards signed in the app). Sealed.
    typed_signature: Mapped[str | None] = mapped_column(SealedText("union_card.typed_signature"))
    #: Signed on paper (True) or in the app by the coworker, signed in to their own account. Sealed.
    on_paper: Mapped[bool] = mapped_column(SealedBool("union_card.on_paper"), default=False)
    #: Day signed: the server's day in the app, the day written on a paper card. Sealed.
    signed_on: Mapped[date] = mapped_column(SealedDate("union_card.signed_on"))
    #: When it was signed in the app, naive UTC to the second, set by the server. Sealed, absence included.
    signed_at: Mapped[datetime | None] = mapped_column(SealedMoment("union_card.signed_at"), default=sealed_none)
    #: The organizer's account that recorded a paper card. Sealed, absence included; no foreign key.
    recorded_by_id: Mapped[int | None] = mapped_column(SealedId("union_card.recorded_by_id"), default=sealed_none)
    #: Day the signer withdrew it; a withdrawn card is kept and no longer counts. Sealed, absence included.
    withdrawn_on: Mapped[date | None] = mapped_column(SealedDate("union_card.withdrawn_on"), default=sealed_none)

    unit: Mapped[BargainingUnit] = relationship()

    @property
    def is_valid(self) -> bool:
        """Counts toward density and goes into the exports: signed and not withdrawn."""
        return self.withdrawn_on is None
