"""One-on-one conversations with coworkers, and the follow-ups they lead to.

What a copy of the database tells. A conversation says that someone of the
union talked with a coworker about the job, what worried them and where they
stand: the employer would want nothing more. So every field is sealed under
the application key: the coworker, who spoke, the day, the issues raised, the
assessments before and after, and the note; a follow-up's coworker, owner,
next step, due day and the day it was done as well. The fixed-width ones (ids,
days, the issues, the done day) are sealed at one size whether set or not, so
that neither a NULL nor a blob's size tells an open follow-up from a done one
or two issues from five. Left in the clear: each row's `id`, which orders the
rows by when they reached Leverage, and its `unit_id`, which a unit's pages
need to find its rows and which says how many conversations and follow-ups a
unit has held, not with whom or about what. The residual: a note's and a
step's blobs are as long as their words (as every sealed free text is), and an
absent note shows as a NULL; on PostgreSQL a follow-up marked done has been
rewritten, which its system columns show. None of that says who was spoken to.
Nor does the chart: a talk that moves the coworker's assessment writes every
coworker row of the unit in its transaction, not theirs alone, which on
PostgreSQL would carry the conversation's transaction id
(`charting.people.reassess_after_talk`).

The coworker, who spoke and the owner are sealed ids with no foreign key (as
`Account.person_id`): the services check that each names someone of the unit.
A coworker removed from the chart takes their conversations and follow-ups
along (`_forget_the_removed`, below): the union keeps no notes on someone who
is no longer on its chart.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from core.extensions import db
from core.sealing import SealedDate, SealedId, SealedInt, SealedText, sealed_none
from organizer.charting.models import ASSESSMENT_LABELS, UNKNOWN_ASSESSMENT, BargainingUnit, Person
from organizer.ontology import Category


class SealedIssues(SealedText):
    """The job-quality categories a conversation raised, as their stored values, sealed
    at one width however many were raised (none included)."""

    cache_ok = True
    #: Room for every category of the ontology, with space to spare for new ones.
    width = 160

    def _to_bytes(self, value: Any) -> bytes:
        raw = ",".join(Category(item).value for item in value).encode("ascii")
        if len(raw) > self.width:
            raise ValueError(f"{self.purpose}: the issues do not fit the sealed width of {self.width}")
        return raw.ljust(self.width)

    def _from_bytes(self, raw: bytes) -> Any:
        words = raw.decode("ascii").strip()
        return [Category(value) for value in words.split(",")] if words else []


class Conversation(db.Model):
    """One one-on-one conversation with a coworker (see the module's docstring for what is sealed)."""

    __tablename__ = "conversations"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The unit whose chart lists the coworker.
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("bargaining_units.id", ondelete="CASCADE"), index=True)
    #: The coworker spoken with. Sealed, with no foreign key.
    person_id: Mapped[int] = mapped_column(SealedId("conversation.person_id"))
    #: The account that held the conversation (an organizer or a committee member). Sealed, no foreign key.
    held_by_id: Mapped[int] = mapped_column(SealedId("conversation.held_by_id"))
    #: Day it was held; days only. Sealed.
    held_on: Mapped[date] = mapped_column(SealedDate("conversation.held_on"))
    #: The job-quality categories the coworker raised. Sealed at one width.
    issues: Mapped[list[Category]] = mapped_column(SealedIssues("conversation.issues"))
    #: Where the coworker stood on the chart before it (ASSESSMENT_LABELS). Sealed.
    assessment_before: Mapped[int] = mapped_column(SealedInt("conversation.assessment_before"))
    #: Where they stand after it, as the chart now says too. Sealed.
    assessment_after: Mapped[int] = mapped_column(SealedInt("conversation.assessment_after"))
    #: What was said, in the organizer's words. Sealed.
    note: Mapped[str | None] = mapped_column(SealedText("conversation.note"))

    unit: Mapped[BargainingUnit] = relationship()

    @property
    def assessment_label(self) -> str:
        return ASSESSMENT_LABELS.get(self.assessment_after, UNKNOWN_ASSESSMENT)

    @property
    def assessment_changed(self) -> bool:
        return self.assessment_before != self.assessment_after


class FollowUp(db.Model):
    """A next step with a coworker: who does it, and by when (see the module's docstring)."""

    __tablename__ = "follow_ups"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The unit whose chart lists the coworker.
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("bargaining_units.id", ondelete="CASCADE"), index=True)
    #: The coworker it is about. Sealed, with no foreign key.
    person_id: Mapped[int] = mapped_column(SealedId("follow_up.person_id"))
    #: The account that does it: one who holds one-on-ones in the unit. Sealed, no foreign key.
    owner_id: Mapped[int] = mapped_column(SealedId("follow_up.owner_id"))
    #: The next step, in a few words. Sealed.
    step: Mapped[str] = mapped_column(SealedText("follow_up.step"))
    #: Day it is due. Sealed.
    due_on: Mapped[date] = mapped_column(SealedDate("follow_up.due_on"))
    #: Day it was marked done; None while open. Sealed, absence included.
    done_on: Mapped[date | None] = mapped_column(SealedDate("follow_up.done_on"), default=sealed_none)

    unit: Mapped[BargainingUnit] = relationship()

    @property
    def is_open(self) -> bool:
        return self.done_on is None


@event.listens_for(Session, "before_flush")
def _forget_the_removed(session: Session, flush_context, instances) -> None:
    """Delete the conversations and follow-ups of coworkers deleted in this flush, in
    the same flush. Their person ids are sealed, so SQL cannot pick their rows: each
    unit's rows are read (the id and the sealed person only) and matched here."""
    removed: dict[int, set[int]] = defaultdict(set)
    for obj in session.deleted:
        if isinstance(obj, Person) and obj.id is not None and obj.unit_id is not None:
            removed[obj.unit_id].add(obj.id)
    if not removed:
        return
    connection = session.connection()
    for model in (Conversation, FollowUp):
        for unit_id, person_ids in removed.items():
            rows = connection.execute(sa.select(model.id, model.person_id).where(model.unit_id == unit_id))
            doomed = [row_id for row_id, person_id in rows if person_id in person_ids]
            if doomed:
                connection.execute(sa.delete(model).where(model.id.in_(doomed)))
