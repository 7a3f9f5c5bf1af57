"""A brief's tables: the brief, its worst cases, its coaches and their comments.

What a person writes here says what they will settle for: their walk-away point
read off a leaked backup is the employer's best card at the table. So every
word is sealed (core.sealing), names included, and so is the kind of brief
(a union member's or a job seeker's, see `Brief.source`): an account with a
job seeker's brief is an account preparing to leave, which an employer would
want to know of a member. A brief is found by a keyed hash of its kind and its
account (`owner_index`), so the kind is never needed in the clear.

What stays in the clear is structure: which row hangs from which, days, the
standard worst case a row answers (every brief starts with the same three), and
which account coaches which brief. That last is the residual risk: a copy of
the database shows that one account asked another to coach it, though not what
for nor a word of what either wrote. Coaching is by the author's invitation and
ends when they say so; a revoked coach's row stays (with the day), so their
comments keep their name and a second revocation is recognised as one.

The items (demands, preconditions) are not stored here at all: a brief reads
them from its source each time it is shown. Every row hangs from `accounts`
through ON DELETE CASCADE (the table is named, not imported), so deleting an
account deletes its briefs, and a coach's account deleted takes its coaching
with it (its comments stay, from "a former coach")."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from briefs.plan import StandardRisk
from core.clock import today
from core.columns import enum_column
from core.extensions import db
from core.sealing import SealedCode, SealedText


class SealedSourceKey(SealedCode):
    """A source's name (core.sealing.SealedCode, at a width that holds "candidate"): every
    kind seals to a blob of one size, so the blob does not tell a member's brief from a
    job seeker's."""

    cache_ok = True
    width = 16


class Brief(db.Model):
    """One person's brief of one kind: what they will ask first, what they can trade, where they walk away."""

    __tablename__ = "briefs"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The person whose brief it is.
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    #: Keyed hash (blind index) of the kind and the account: one brief of each kind per account,
    #: found without the kind in the clear.
    owner_index: Mapped[bytes] = mapped_column(sa.LargeBinary(32), unique=True)
    #: Which source's items it is about ("member", "candidate"). Sealed.
    source: Mapped[str] = mapped_column(SealedSourceKey("brief.source"))
    #: The author's name as it was when they last saved, for their coaches' pages. Sealed.
    author_name: Mapped[str] = mapped_column(SealedText("brief.author_name"))
    #: What to ask first, in the author's words; None: the suggestion from the tiers stands. Sealed.
    ask_first: Mapped[str | None] = mapped_column(SealedText("brief.ask_first"))
    #: What they can trade; None: the suggestion (the nice-to-haves) stands. Sealed.
    trade: Mapped[str | None] = mapped_column(SealedText("brief.trade"))
    #: The point where they walk away; only they can write it. Sealed.
    walk_away: Mapped[str | None] = mapped_column(SealedText("brief.walk_away"))
    #: Day it was started.
    created_on: Mapped[date] = mapped_column(default=today)
    #: Day it was last changed.
    updated_on: Mapped[date] = mapped_column(default=today)

    risks: Mapped[list[BriefRisk]] = relationship(
        back_populates="brief", cascade="all, delete-orphan", passive_deletes=True,
        order_by=lambda: (BriefRisk.position, BriefRisk.id))
    coaches: Mapped[list[BriefCoach]] = relationship(
        back_populates="brief", cascade="all, delete-orphan", passive_deletes=True, order_by="BriefCoach.id")
    comments: Mapped[list[BriefComment]] = relationship(
        back_populates="brief", cascade="all, delete-orphan", passive_deletes=True,
        order_by=lambda: (BriefComment.written_on, BriefComment.id))


class BriefRisk(db.Model):
    """One worst case of the pre-mortem, with the answer planned for it: a standard one
    (the same three for everyone) or one the author wrote."""

    __tablename__ = "brief_risks"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The brief it belongs to.
    brief_id: Mapped[int] = mapped_column(sa.ForeignKey("briefs.id", ondelete="CASCADE"), index=True)
    #: Which standard worst case it is; None for one the author wrote.
    standard: Mapped[StandardRisk | None] = mapped_column(enum_column(StandardRisk))
    #: The author's own worst case (None for a standard one). Sealed.
    worst_case: Mapped[str | None] = mapped_column(SealedText("brief_risk.worst_case"))
    #: What they will say or do if it happens. Sealed.
    response: Mapped[str | None] = mapped_column(SealedText("brief_risk.response"))
    #: Its place in the pre-mortem.
    position: Mapped[int] = mapped_column(default=0)

    brief: Mapped[Brief] = relationship(back_populates="risks")

    @property
    def key(self) -> str:
        """Names its answer's field: the standard case's value, or "own" and the row's id."""
        return self.standard.value if self.standard is not None else f"own{self.id}"

    @property
    def words(self) -> str:
        return str(self.standard.label) if self.standard is not None else self.worst_case or ""


class BriefCoach(db.Model):
    """A coaching invitation and, once someone accepted it, their coaching.

    The author makes a link holding a random token of 256 bits, of which only the
    SHA-256 is kept, and hands it to the person they choose by their own means. The
    first signed-in account the source allows (for a member's brief, an account of
    the same union; never the author) to open it and accept becomes the coach; the
    link then opens nothing more. It works for INVITATION_DAYS unless revoked. The
    coach reads the brief and comments until the author revokes them."""

    __tablename__ = "brief_coaches"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The brief to coach.
    brief_id: Mapped[int] = mapped_column(sa.ForeignKey("briefs.id", ondelete="CASCADE"), index=True)
    #: SHA-256 of the token in the link; the token is shown once and never stored.
    token_hash: Mapped[bytes] = mapped_column(sa.LargeBinary(32), unique=True)
    #: Day the link was made.
    invited_on: Mapped[date] = mapped_column(default=today)
    #: The last day the link can be accepted.
    expires_on: Mapped[date]
    #: The account that accepted it; None until someone did.
    coach_account_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    #: The coach's name as it was when they accepted, for the author's page and the comments. Sealed.
    coach_name: Mapped[str | None] = mapped_column(SealedText("brief_coach.name"))
    #: Day it was accepted.
    accepted_on: Mapped[date | None]
    #: Day the author revoked the link or the coaching.
    revoked_on: Mapped[date | None]

    brief: Mapped[Brief] = relationship(back_populates="coaches")

    @property
    def is_revoked(self) -> bool:
        return self.revoked_on is not None

    @property
    def is_coaching(self) -> bool:
        return self.coach_account_id is not None and not self.is_revoked

    def is_pending(self, on: date | None = None) -> bool:
        """A link that can still be accepted."""
        return self.coach_account_id is None and not self.is_revoked and (on or today()) <= self.expires_on


class BriefComment(db.Model):
    """A comment on a brief, by one of its coaches or by its author. A comment stays when
    its coach is revoked: the author keeps the advice they were given."""

    __tablename__ = "brief_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The brief commented on.
    brief_id: Mapped[int] = mapped_column(sa.ForeignKey("briefs.id", ondelete="CASCADE"), index=True)
    #: Who wrote it; None once their account is deleted.
    author_account_id: Mapped[int | None] = mapped_column(sa.ForeignKey("accounts.id", ondelete="SET NULL"))
    #: The comment. Sealed.
    text: Mapped[str] = mapped_column(SealedText("brief_comment.text"))
    #: Day it was written; a day, never a time.
    written_on: Mapped[date] = mapped_column(default=today)

    brief: Mapped[Brief] = relationship(back_populates="comments")
