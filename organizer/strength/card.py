"""The strength card in plain words: the one presenter of a unit's strength.

Every page that shows the card (through the `strength_card` macro) and every
export of the bargaining summary (Markdown, PDF) take their words from here, so
a figure cannot read one way on the page and another in the file handed to the
bargaining team. The page lays the pieces out as a card (a figure, the people
behind it, a help line); an export writes them as labelled lines (`lines()`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from organizer.strength.models import StructureTestKind

if TYPE_CHECKING:
    from organizer.strength.metrics import Share, UnitStrength
    from organizer.strength.models import StructureTest

#: How many structure tests the page lists; the exports list them all.
TESTS_ON_THE_PAGE = 5


def percent(value: float) -> str:
    """A share as a whole percentage, the way every figure of the card is written."""
    return f"{value * 100:.0f}%"


def interval_text(share: Share) -> str:
    return f"95% interval {percent(share.low)}–{percent(share.high)}"


def share_line(share: Share | None, what: str) -> str:
    """A share with its interval and the people behind it, for an export's line."""
    if share is None:
        return "not yet known"
    return f"{percent(share.share)} ({interval_text(share)}; {share.count} of {share.total} {what})"


@dataclass(frozen=True)
class CardFigure:
    """One figure of the card: density, support or participation."""

    name: str
    #: The figure itself ("42%"), or None while it is not known.
    value: str | None
    #: The page's help line: who stands behind the figure, or why there is none.
    detail: str
    #: The figure as an export's line, with its interval and the people behind it.
    line: str


@dataclass(frozen=True)
class CardTest:
    """One structure test, as the card lists it."""

    kind: str
    held_on: date
    share: str
    #: "7 of 12": who took part of the unit's headcount.
    turnout: str
    #: "reached its target of 50%" or "short of its target of 50%".
    outcome: str
    #: What the target means when its number alone misleads (a petition needs a majority).
    target_note: str | None

    @property
    def line(self) -> str:
        return f"{self.kind}, {self.held_on}: {self.share} ({self.turnout}), {self.outcome}"


@dataclass(frozen=True)
class StrengthCard:
    tier_label: str
    tier_meaning: str
    #: 1 (building) to 5 (strike-ready), for the page's colour.
    tier_level: int
    #: What the tier rests on, in words.
    evidence: str
    figures: list[CardFigure]
    #: Recorded structure tests, newest first.
    tests: list[CardTest]
    #: The latest released pulse: its title, the day it closed, who could decrypt it.
    pulse_title: str | None
    pulse_closed_on: date | None
    who_could_decrypt: str | None

    @property
    def tests_on_the_page(self) -> list[CardTest]:
        return self.tests[:TESTS_ON_THE_PAGE]

    def lines(self) -> list[tuple[str, str]]:
        """The card as an export writes it: (label, text) lines."""
        lines = [("Tier", f"{self.tier_label}: {self.tier_meaning}"), ("Evidence", self.evidence)]
        lines += [(figure.name, figure.line) for figure in self.figures]
        lines += [("Structure test", test.line) for test in self.tests]
        if self.pulse_title is not None:
            lines.append(("Latest pulse", f"{self.pulse_title}, closed {self.pulse_closed_on}, "
                                          f"who could decrypt: {self.who_could_decrypt}"))
        return lines


def strength_card(st: UnitStrength) -> StrengthCard:
    """The card of a unit's strength, every word of it."""
    density_basis = f"{st.members} members of {st.headcount}"
    density = CardFigure(
        "Density", percent(st.density) if st.density is not None else None, density_basis,
        f"{percent(st.density)} ({density_basis})" if st.density is not None else "no one charted yet")
    if st.support is not None:
        support = CardFigure(
            "Support", percent(st.support.share),
            f"{interval_text(st.support)}, {st.support.count} of {st.support.total} answered yes",
            share_line(st.support, "answered yes"))
    else:
        support = CardFigure("Support", None, st.support_note or "", st.support_note or "not yet known")
    if st.participation is not None:
        participation = CardFigure(
            "Participation", percent(st.participation.share),
            f"{st.participation.count} of {st.participation.total} answered the latest pulse",
            share_line(st.participation, "answered the latest pulse"))
    else:
        participation = CardFigure("Participation", None, "no released pulse yet", share_line(None, ""))
    tests = [_card_test(test) for test in st.structure_tests]
    return StrengthCard(
        st.tier.label, st.tier.meaning, st.tier.level, st.tier_evidence, [density, support, participation], tests,
        st.pulse.title if st.pulse is not None else None, st.pulse.closed_on if st.pulse is not None else None,
        st.key_mode_label)


def _card_test(test: StructureTest) -> CardTest:
    reached = "reached" if test.met_target else "short of"
    return CardTest(test.kind.label, test.held_on, percent(test.share), f"{test.participants} of {test.headcount}",
                    f"{reached} its target of {percent(test.kind.target)}",
                    "a majority" if test.kind is StructureTestKind.PETITION else None)
