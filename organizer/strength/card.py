"""The strength card and the coworker backing in plain words: their one presenter.

Every page that shows the card (through the `strength_card` macro) and every
export of the bargaining summary (Markdown, PDF) take their words from here, so
a figure cannot read one way on the page and another in the file handed to the
bargaining team. The page lays the pieces out as a card (a figure, the people
behind it, a help line, the precise term in a tooltip); an export writes them as
labelled lines (`lines()`), with the precise terms in a closing line.

Every share is written with the people behind it and of the whole unit (the
chart's headcount), never of the account holders alone; a figure few of the
unit stand behind says so."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from organizer.strength.models import StructureTestKind

if TYPE_CHECKING:
    from organizer.strength.metrics import Backing, Evidence, Share, UnitStrength
    from organizer.strength.models import StructureTest

#: How many structure tests the page lists, recent and earlier each; the exports list them all.
TESTS_ON_THE_PAGE = 5

READ_WITH_CARE = "only a few of the unit answered — read with care"


def percent(value: float) -> str:
    """A share as a whole percentage, the way every figure of the card is written."""
    return f"{value * 100:.0f}%"


def likely_between(share: Share) -> str:
    """A share's 95% interval in plain words (the term itself goes in a tooltip or a help line)."""
    return f"likely between {percent(share.low)} and {percent(share.high)}"


@dataclass(frozen=True)
class CardFigure:
    """One figure of the card: density, support or participation."""

    name: str
    #: The figure itself ("42%"), or None while it is not known.
    value: str | None
    #: The page's help line: who stands behind the figure, or why there is none.
    detail: str
    #: What the figure is, in the precise terms: the page's tooltip, the export's closing line.
    term: str
    #: A warning the figure carries, e.g. that few of the unit stand behind it.
    caution: str | None = None

    @property
    def line(self) -> str:
        """The figure as an export's line."""
        text = f"{self.value}: {self.detail}" if self.value is not None else self.detail
        return f"{text}; {self.caution}" if self.caution else text


@dataclass(frozen=True)
class CardTest:
    """One structure test, as the card lists it."""

    kind: str
    held_on: date
    share: str
    #: "7 of 12": who took part of the unit's headcount that day.
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
    #: The evidence the tier rests on, in words, with its share of the unit.
    rests_on: str
    #: Recent figures that read far below the tier, each in words.
    disagreements: list[str]
    #: Which evidence counts: the union's window, in words.
    window: str
    figures: list[CardFigure]
    #: Structure tests inside the window, newest first.
    tests: list[CardTest]
    #: Structure tests before the window, newest first: history, not counted.
    earlier_tests: list[CardTest]
    #: Other evidence before the window (an old pulse or vote), in words.
    earlier_other: list[str]
    #: The temperature check: its title, the day it closed, who could decrypt it.
    pulse_title: str | None
    pulse_closed_on: date | None
    who_could_decrypt: str | None
    #: A newer one-off pulse that the figures leave out, and why.
    not_counted: str | None

    @property
    def tests_on_the_page(self) -> list[CardTest]:
        return self.tests[:TESTS_ON_THE_PAGE]

    @property
    def earlier_tests_on_the_page(self) -> list[CardTest]:
        return self.earlier_tests[:TESTS_ON_THE_PAGE]

    @property
    def has_history(self) -> bool:
        return bool(self.earlier_tests or self.earlier_other)

    @property
    def terms(self) -> str:
        """The precise terms behind the plain words, as one help line."""
        return " ".join(figure.term for figure in self.figures)

    def lines(self) -> list[tuple[str, str]]:
        """The card as an export writes it: (label, text) lines."""
        lines = [("Tier", f"{self.tier_label} ({self.tier_meaning})"), ("Tier rests on", self.rests_on)]
        lines += [("The figures disagree", text) for text in self.disagreements]
        lines.append(("Counted", self.window))
        lines += [(figure.name, figure.line) for figure in self.figures]
        lines += [("Structure test", test.line) for test in self.tests]
        lines += [("Earlier, not counted", test.line) for test in self.earlier_tests]
        lines += [("Earlier, not counted", text) for text in self.earlier_other]
        if self.pulse_title is not None:
            lines.append(("Temperature check", f"{self.pulse_title}, closed {self.pulse_closed_on}, "
                                               f"who could decrypt: {self.who_could_decrypt}"))
        if self.not_counted is not None:
            lines.append(("Not counted", self.not_counted))
        lines.append(("What the words mean", self.terms))
        return lines


def evidence_words(item: Evidence, chart_headcount: int) -> str:
    """One piece of evidence, with its own count and the headcount it is of (a structure
    test's headcount that day says so when the chart's is another)."""
    source = item.source.value
    if source == "membership":
        return f"{item.count} of the {item.total} coworkers on the chart are members"
    if source == "union_cards":
        holds = "holds" if item.count == 1 else "hold"
        return f"{item.count} of the {item.total} coworkers on the chart {holds} a valid union card"
    if source == "pulse":
        return f"{item.count} of {item.total} coworkers answered yes to the pulse “{item.name}” of {item.day}"
    if source == "vote":
        return f"{item.count} of {item.total} coworkers voted yes in “{item.name}” of {item.day}"
    that_day = " (the headcount that day)" if item.total != chart_headcount else ""
    return f"{item.count} of {item.total}{that_day} took part in the {item.name.lower()} of {item.day}"


def _with_share(item: Evidence, chart_headcount: int) -> str:
    return f"{evidence_words(item, chart_headcount)} — {percent(item.share)} of the unit"


def _disagreement_words(item: Evidence) -> str:
    among = item.among_answered
    if among is not None:
        said = "voted yes" if item.source.value == "vote" else "said yes"
        return (f"only {percent(among.share)} of the {among.total} who answered “{item.name}” of {item.day} "
                f"{said} ({likely_between(among)})")
    return f"only {percent(item.share)} of the unit took part in the {item.name.lower()} of {item.day}"


def strength_card(st: UnitStrength) -> StrengthCard:
    """The card of a unit's strength, every word of it."""
    rests_on = (_with_share(st.rests_on, st.headcount) if st.rests_on is not None
                else f"no evidence from the last {st.window_days} days")
    window = (f"evidence from the last {st.window_days} days (since {st.window_start}); "
              "older evidence is listed, not counted")
    tests = [_card_test(item.test) for item in st.recent_evidence if item.test is not None]
    earlier_tests = [_card_test(item.test) for item in st.history if item.test is not None]
    earlier_other = [_with_share(item, st.headcount) for item in st.history if item.test is None]
    return StrengthCard(
        st.tier.label, st.tier.meaning, st.tier.level, rests_on, [_disagreement_words(item) for item in st.disagreements],
        window, [_density(st), _support(st), _participation(st)], tests, earlier_tests, earlier_other,
        st.pulse.title if st.pulse is not None else None, st.pulse.closed_on if st.pulse is not None else None,
        st.key_mode_label, _not_counted(st))


#: What density is once a unit has union cards.
CARD_DENSITY_TERM = ("Density: coworkers holding a valid union card (signed in the app or recorded from paper, "
                     "and not withdrawn), of the unit's headcount (everyone on the chart). Once a unit has cards, "
                     "the chart's “Union member” ticks are not counted.")


def _density(st: UnitStrength) -> CardFigure:
    term = "Density: union members of the unit's headcount (everyone on the chart)."
    if st.density is None:
        return CardFigure("Density", None, "no one charted yet", term)
    if st.members_from_cards:
        holds = "holds" if st.members == 1 else "hold"
        return CardFigure("Density", percent(st.density), f"{st.members} of the {st.headcount} coworkers on the "
                          f"chart {holds} a valid union card (withdrawn cards do not count)", CARD_DENSITY_TERM)
    return CardFigure("Density", percent(st.density), f"{st.members} members of the {st.headcount} coworkers on the chart",
                      term)


def _pulse_caution(st: UnitStrength) -> str | None:
    cautions = []
    if st.participation is not None and st.participation.is_small_share:
        cautions.append(READ_WITH_CARE)
    if st.pulse is not None and not st.pulse_is_recent:
        cautions.append(f"from a pulse more than {st.window_days} days old: shown, not counted in the tier")
    return "; ".join(cautions) or None


def _support(st: UnitStrength) -> CardFigure:
    term = ("Support: the share answering yes to the temperature check's first yes/no question; "
            "“likely between” gives its 95% confidence interval (Wilson score).")
    if st.support is None:
        return CardFigure("Support", None, st.support_note or "not yet known", term)
    unit = st.participation.headcount
    return CardFigure(
        "Support", percent(st.support.share),
        f"{st.support.count} of the {st.support.total} who answered said yes ({st.support.count} of the unit's "
        f"{unit}); {likely_between(st.support)} of the whole unit", term, _pulse_caution(st))


def _participation(st: UnitStrength) -> CardFigure:
    term = "Participation: who answered the temperature check, of the unit's headcount on the chart."
    counted = st.participation
    if counted is None:
        return CardFigure("Participation", None, "no temperature check released yet", term)
    with_accounts = "1 of them has an account" if counted.with_accounts == 1 else \
        f"{counted.with_accounts} of them have accounts"
    return CardFigure("Participation", percent(counted.share),
                      f"{counted.answered} of {counted.headcount} coworkers answered ({with_accounts})", term,
                      _pulse_caution(st))


def _not_counted(st: UnitStrength) -> str | None:
    survey = st.one_off_pulse
    if survey is None:
        return None
    return (f"the one-off pulse “{survey.title}” (closed {survey.closed_on}): only the unit's temperature check "
            "counts here, a recurring pulse or one an organizer marks on the unit's Strength page")


def _card_test(test: StructureTest) -> CardTest:
    reached = "reached" if test.met_target else "short of"
    return CardTest(test.kind.label, test.held_on, percent(test.share), f"{test.participants} of {test.headcount}",
                    f"{reached} its target of {percent(test.kind.target)}",
                    "a majority" if test.kind is StructureTestKind.PETITION else None)


# -- coworker backing -----------------------------------------------------------------------------

AGREE_TERM = ("The share who agree: coworkers who answered 4 (agree) or 5 (strongly agree) on the scale "
              "of 1 to 5, of those who gave an answer (“can't say” left out).")

AVERAGE_TERM = "Mean agreement: the average answer, from 1 (strongly disagree) to 5 (strongly agree)."


@dataclass(frozen=True)
class BackingWords:
    """A claim's or demand's coworker backing, in the words people read it as."""

    #: "5 of 6 coworkers agree"; None while coworkers have not weighed it.
    headline: str | None
    #: "on average 4.2 of 5".
    average: str | None
    #: Pending or missing: "Coworkers are weighing in until 12 Dec 2026." (may be empty when known).
    note: str
    #: The precise terms behind the headline and the average, for their tooltips.
    agree_term: str = AGREE_TERM
    average_term: str = AVERAGE_TERM

    @property
    def line(self) -> str:
        """The backing as an export's line."""
        if self.headline is None:
            return self.note
        text = f"{self.headline} (answered agree or strongly agree); {self.average}"
        return f"{text}; {self.note}" if self.note else text


def backing_words(backing: Backing) -> BackingWords:
    if not backing.is_known:
        return BackingWords(None, None, backing.note)
    if backing.agree is None:
        headline = f"{backing.answers} coworkers answered"
    else:
        headline = f"{backing.agree} of {backing.answers} coworkers agree"
    return BackingWords(headline, f"on average {backing.mean_agreement:.1f} of 5", backing.note)
