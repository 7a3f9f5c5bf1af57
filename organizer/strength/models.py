"""Structure tests: the collective actions organizers record, as counts only; and
the one-off pulses organizers chose to count as a unit's temperature check."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.clock import today
from core.columns import enum_column
from core.extensions import db
from core.labels import LabelledEnum
from organizer.charting.models import BargainingUnit


# -- structure tests ------------------------------------------------------------------------------

class StructureTestKind(LabelledEnum):
    """Collective actions on the organizing ladder, each with the share of the
    unit it should reach before the campaign climbs to the next."""

    PETITION = "petition", lazy_gettext("Majority petition")
    GEAR_DAY = "gear_day", lazy_gettext("Union gear day")
    RALLY = "rally", lazy_gettext("Rally")
    MOCK_STRIKE_VOTE = "mock_strike_vote", lazy_gettext("Mock strike vote")
    STRIKE = "strike", lazy_gettext("Strike")

    @property
    def target(self) -> float:
        """The share of the unit a test of this kind should reach (a petition needs a majority)."""
        return {"petition": 0.5, "gear_day": 0.6, "rally": 0.75, "mock_strike_vote": 0.85, "strike": 0.9}[self.value]


class StructureTest(db.Model):
    """A collective action organizers recorded, with how many in the unit took part (a count, never names)."""

    __tablename__ = "structure_tests"
    __table_args__ = (sa.CheckConstraint("headcount > 0 AND participants >= 0 AND participants <= headcount",
                                         name="participants_within_headcount"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The unit that acted.
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("bargaining_units.id", ondelete="CASCADE"), index=True)
    #: Which rung of the ladder.
    kind: Mapped[StructureTestKind] = mapped_column(enum_column(StructureTestKind))
    #: Day it took place.
    held_on: Mapped[date]
    #: How many coworkers of the unit took part.
    participants: Mapped[int]
    #: The unit's headcount that day (the chart's, unless the organizer knew better).
    headcount: Mapped[int]

    unit: Mapped[BargainingUnit] = relationship()

    @property
    def share(self) -> float:
        return self.participants / self.headcount

    @property
    def met_target(self) -> bool:
        # A petition needs a majority (more than half); every other rung, at least its share.
        if self.kind == StructureTestKind.PETITION:
            return self.share > self.kind.target
        return self.share >= self.kind.target


# -- the unit's temperature check ----------------------------------------------------------------

class TemperatureCheck(db.Model):
    """A one-off pulse an organizer chose to count as the unit's temperature check.

    A recurring pulse is the temperature check by itself; a one-off pulse (a
    quick question to the night shift, say) would otherwise replace its figures
    on every strength card the moment it is released. It counts only once an
    organizer marks it here, and the card says which pulse its figures are from."""

    __tablename__ = "temperature_checks"

    #: The pulse that counts (a survey of the engine; removed with it).
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True)
    #: The unit whose temperature it takes.
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("bargaining_units.id", ondelete="CASCADE"), index=True)
    #: Day an organizer marked it; days only.
    marked_on: Mapped[date] = mapped_column(default=today)
