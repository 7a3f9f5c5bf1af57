"""What has been announced: one row per survey and event, never one per recipient."""

from __future__ import annotations

import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.columns import enum_column
from core.extensions import db


class SurveyEvent(enum.StrEnum):
    """A moment in a survey's life that someone is told of by email."""

    OPENED = "opened"  #: it opened: its eligible members can answer
    TRUSTEES_NEEDED = "trustees_needed"  #: it closed with its totals ready, waiting for trustees' parts
    RELEASED = "released"  #: its results were released to the unit


class SurveyAnnouncement(db.Model):
    """A survey event whose notices were sent (to whoever had asked for them).

    The row says only that the event was announced: not to whom, nor when.
    Who got a notice follows from who had turned notices on, and storing it per
    person would add a record of who was asked to answer what."""

    __tablename__ = "survey_announcements"

    #: The survey.
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True)
    #: Which of its events.
    event: Mapped[SurveyEvent] = mapped_column(enum_column(SurveyEvent), primary_key=True)
