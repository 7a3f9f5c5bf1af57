"""What has been announced about a key ceremony: one row per ceremony, step and
kind of notice, never one per recipient (as `notifications.models`)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.columns import enum_column
from core.extensions import db
from core.labels import LabelledEnum


class CeremonyNotice(LabelledEnum):
    """Which email a step of a ceremony sent to the trustees it waited for."""

    YOUR_TURN = "your_turn", "Your turn"
    REMINDER = "reminder", "Reminder"


class CeremonyAnnouncement(db.Model):
    """A notice about one step of a ceremony that was sent (to whoever of the
    trustees it waited for had asked for notices). Days and names are not kept:
    who was written to follows from the ceremony's public progress."""

    __tablename__ = "ceremony_announcements"

    #: The ceremony (the engine's id).
    ceremony_id: Mapped[int] = mapped_column(
        sa.ForeignKey("survey_key_ceremonies.id", ondelete="CASCADE"), primary_key=True)
    #: The step it was about: joining, dealing or checking.
    step: Mapped[str] = mapped_column(sa.String(24), primary_key=True)
    #: Which notice.
    notice: Mapped[CeremonyNotice] = mapped_column(enum_column(CeremonyNotice), primary_key=True)
