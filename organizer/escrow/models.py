"""The tables of stories kept in escrow, the trustees' parts in opening them,
and the day each union was recognised.

What a copy of the database tells. A story's title, text and the names its
author hides exist only inside its seal (`crypto.escrow`, to the union's key
or to a key of the story's own), and that seal is itself sealed again with the
application key (`core.sealing`), so a copy without the key holds no byte of
either. Who wrote it and whom they named as readers are sealed ids, at one
width (the list of readers padded to one size whoever was named). Once a
story opens, its words are kept sealed with the application key for its
readers, and a server-held key is forgotten. Left in the clear is what the
union's archive shows everyone in the union before a story opens: its union,
its unit where at least k accounts were in it when it was saved (so that the
unit names nobody; the author's role is not kept at all), which kind of
readers it is for, the day it opens (or that it opens when the union is
recognised), the day it was saved, and whether it has opened. A trustee's part
is a proven partial decryption: fewer than the quorum's tell nothing.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.clock import today
from core.columns import enum_column
from core.extensions import db
from core.labels import LabelledEnum
from core.sealing import SealedBytes, SealedId, SealedText
from organizer.charting.models import BargainingUnit, Union


class StoryReaders(LabelledEnum):
    """Who may read a story once it opens (its author always may)."""

    UNION = "union", lazy_gettext("Everyone in the union")
    UNIT = "unit", lazy_gettext("Everyone in the unit")
    OFFICERS = "officers", lazy_gettext("The stewards and organizers")
    NAMED = "named", lazy_gettext("Only the people I choose")


class StoryOpening(LabelledEnum):
    """When a story may open."""

    ON_DATE = "on_date", lazy_gettext("On a day I choose")
    RECOGNISED = "recognised", lazy_gettext("When the union is recognised")


class StoryKey(LabelledEnum):
    """What a story is sealed to."""

    TRUSTEES = "trustees", lazy_gettext("The union's survey key, held by its trustees")
    SERVER = "server", lazy_gettext("A key the server keeps")


class StoryState(LabelledEnum):
    SEALED = "sealed", lazy_gettext("Locked until its day")
    OPENED = "opened", lazy_gettext("Opened")


#: The most accounts a story may name as its readers.
MAX_NAMED_READERS = 40


class SealedIdList(SealedText):
    """Account ids, sealed at one width however many (none included): the size of
    the blob must not tell a story for one named reader from one for forty."""

    cache_ok = True
    width = 12 * MAX_NAMED_READERS

    def _to_bytes(self, value: Any) -> bytes:
        raw = json.dumps(sorted(int(i) for i in value)).encode("ascii")
        if len(raw) > self.width:
            raise ValueError(f"{self.purpose}: too many ids for the sealed width of {self.width}")
        return raw.ljust(self.width)

    def _from_bytes(self, raw: bytes) -> Any:
        return tuple(json.loads(raw.decode("ascii")))


class Story(db.Model):
    """One story in escrow (see the module's docstring for what is sealed)."""

    __tablename__ = "escrow_stories"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The random id its seal is bound to (crypto.escrow.StoryTerms).
    public_id: Mapped[str] = mapped_column(sa.String(32), unique=True)
    #: The union whose archive lists it.
    union_id: Mapped[int] = mapped_column(sa.ForeignKey("unions.id", ondelete="CASCADE"), index=True)
    #: The unit it was written in, kept only where at least the union's k accounts are in it when
    #: it is saved (an organizer may also write for the whole union). The author's role is not kept:
    #: "a steward", beside a unit with one, would name her.
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("bargaining_units.id", ondelete="SET NULL"))
    #: The author's account. Sealed, with no foreign key.
    author_id: Mapped[int] = mapped_column(SealedId("escrow_story.author_id"))
    #: Who may read it once it opens.
    readers: Mapped[StoryReaders] = mapped_column(enum_column(StoryReaders))
    #: The accounts named as readers (empty unless `readers` is NAMED). Sealed at one width.
    named_reader_ids: Mapped[tuple[int, ...]] = mapped_column(SealedIdList("escrow_story.named_reader_ids"))
    #: On a day, or when the union is recognised.
    opening: Mapped[StoryOpening] = mapped_column(enum_column(StoryOpening))
    #: The first day it may open, in `time_zone` (None when it waits for recognition).
    opens_on: Mapped[date | None]
    #: The union's time zone when it was sealed: its day is counted there, as its seal says.
    time_zone: Mapped[str] = mapped_column(sa.String(64))
    #: What it is sealed to.
    key_mode: Mapped[StoryKey] = mapped_column(enum_column(StoryKey))
    #: The key ceremony whose joint key seals it (trustee mode).
    key_ceremony_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("survey_key_ceremonies.id", ondelete="SET NULL"))
    #: That joint key (crypto.threshold.ThresholdKey bytes: public), as it was at sealing.
    threshold_key: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    #: Server-key mode: the story's own secret key, sealed with the application key; forgotten once it opens.
    server_secret: Mapped[bytes | None] = mapped_column(SealedBytes("escrow_story.server_secret"), deferred=True)
    #: The sealed story (crypto.escrow), sealed again with the application key.
    sealed: Mapped[bytes] = mapped_column(SealedBytes("escrow_story.sealed"), deferred=True)
    #: Day it was saved (in UTC, as an account's `created_on`); days only.
    saved_on: Mapped[date] = mapped_column(default=today)
    state: Mapped[StoryState] = mapped_column(enum_column(StoryState), default=StoryState.SEALED)
    #: Day it opened.
    opened_on: Mapped[date | None]
    #: Once open: its words (the payload its seal held), sealed with the application key.
    opened_payload: Mapped[str | None] = mapped_column(SealedText("escrow_story.opened_payload"), deferred=True)
    #: Whether its trustees were told by email that the story waits for their part.
    trustees_told: Mapped[bool] = mapped_column(default=False)
    #: Whether its readers were told by email that it opened.
    readers_told: Mapped[bool] = mapped_column(default=False)

    union: Mapped[Union] = relationship()
    unit: Mapped[BargainingUnit | None] = relationship()
    parts: Mapped[list[StoryPart]] = relationship(back_populates="story", cascade="all, delete-orphan",
                                                  order_by="StoryPart.trustee_index")

    @property
    def is_open(self) -> bool:
        return self.state == StoryState.OPENED


class StoryPart(db.Model):
    """One trustee's proven partial decryption of a story's sealed point, given in their browser."""

    __tablename__ = "escrow_story_parts"

    story_id: Mapped[int] = mapped_column(sa.ForeignKey("escrow_stories.id", ondelete="CASCADE"), primary_key=True)
    #: The trustee's number in the story's key ceremony.
    trustee_index: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    #: crypto.threshold.PartialDecryption bytes.
    partial: Mapped[bytes] = mapped_column(sa.LargeBinary)
    given_on: Mapped[date] = mapped_column(default=today)

    story: Mapped[Story] = relationship(back_populates="parts")


class UnionRecognition(db.Model):
    """The day a union was recognised, as an organizer recorded it: stories that
    wait for it open from then on. Recorded once; the audit log says who did."""

    __tablename__ = "escrow_union_recognitions"

    union_id: Mapped[int] = mapped_column(sa.ForeignKey("unions.id", ondelete="CASCADE"), primary_key=True)
    #: The day the union was recognised (the employer's or the labour board's), in the union's zone.
    recognised_on: Mapped[date]
    #: Day it was recorded.
    recorded_on: Mapped[date] = mapped_column(default=today)
