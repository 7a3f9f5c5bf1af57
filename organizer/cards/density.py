"""A unit's density: one figure, read the same way by every page that shows it
(the home page, the organizers' dashboard, the steward's unit page and the
strength card), and the words that say where it comes from.

Once a unit has any union card (signed in the app or recorded from paper,
withdrawn or not), its density is the coworkers on its chart who hold a valid
card, of its headcount: a signed card is evidence, a tick on the chart only an
organizer's word. A unit with no card at all reads the chart's member ticks.
The figure lives here, in the cards package, because it needs both the chart
(charting, below) and the cards; every package above reads it from here rather
than counting for itself, so no two pages can disagree about a unit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import lazy_gettext

from core.labels import LabelledEnum
from organizer.cards import services as union_cards
from organizer.charting import unions
from organizer.charting.models import BargainingUnit


class DensitySource(LabelledEnum):
    """What a unit's density counts, in the words shown beside it."""

    CARDS = "cards", lazy_gettext("from signed cards")
    CHART = "chart", lazy_gettext("from the chart")


@dataclass(frozen=True)
class Density:
    """A unit's density and what it rests on."""

    unit: BargainingUnit
    #: Everyone on the chart.
    headcount: int
    #: Coworkers counted: those holding a valid union card (source CARDS), else those the chart marks as members.
    counted: int
    source: DensitySource

    @property
    def from_cards(self) -> bool:
        return self.source is DensitySource.CARDS

    @property
    def share(self) -> float | None:
        """Counted / headcount; None for an empty chart rather than a misleading 0%."""
        return self.counted / self.headcount if self.headcount else None


def densities(units: Sequence[BargainingUnit]) -> list[Density]:
    """The density of each unit, in the order given. The chart's counts come from the
    rosters' summaries (one query for all the units); the cards' from each unit's cards
    (one query a unit, and its roster only when it has cards)."""
    found = []
    for figures in unions.unit_figures(list(units)):
        valid_cards = union_cards.valid_card_count(figures.unit)
        if valid_cards is None:
            found.append(Density(figures.unit, figures.headcount, figures.members, DensitySource.CHART))
        else:
            found.append(Density(figures.unit, figures.headcount, valid_cards, DensitySource.CARDS))
    return found


def density_of(unit: BargainingUnit) -> Density:
    [density] = densities([unit])
    return density
