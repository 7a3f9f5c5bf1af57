"""The strength card and the coworker backing in plain words: their one presenter.

Every page that shows the card (through the `strength_card` macro) and every
export of the bargaining summary (Markdown, PDF) take their words from here, so
a figure cannot read one way on the page and another in the file handed to the
bargaining team. The page lays the pieces out as a card (a figure, the people
behind it, a help line, the precise term in a tooltip); an export writes them as
labelled lines (`lines()`), with the precise terms in a closing line.

Every share is written with the people behind it and of the whole unit (the
chart's headcount), never of the account holders alone; a figure few of the
unit stand behind says so.

The words are made when the card is read, in the language of that moment: the
page's reader, or the language an export is written `in_language` of."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from flask_babel import gettext, lazy_gettext, ngettext

from core.i18n import format_day, format_decimal, format_number, format_percent
from organizer.strength.models import StructureTestKind

if TYPE_CHECKING:
    from organizer.strength.metrics import Backing, Evidence, Share, UnitStrength
    from organizer.strength.models import StructureTest

#: How many structure tests the page lists, recent and earlier each; the exports list them all.
TESTS_ON_THE_PAGE = 5

READ_WITH_CARE = lazy_gettext("only a few of the unit answered — read with care")


def percent(value: float) -> str:
    """A share as a whole percentage, the way every figure of the card is written."""
    return format_percent(value)


def likely_between(share: Share) -> str:
    """A share's 95% interval in plain words (the term itself goes in a tooltip or a help line)."""
    return gettext("likely between %(low)s and %(high)s", low=percent(share.low), high=percent(share.high))


def _n(value: int) -> str:
    return format_number(value)


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
        return f"{self.kind}, {format_day(self.held_on)}: {self.share} ({self.turnout}), {self.outcome}"


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
        earlier = gettext("Earlier, not counted")
        lines = [(gettext("Tier"), f"{self.tier_label} ({self.tier_meaning})"),
                 (gettext("Tier rests on"), self.rests_on)]
        lines += [(gettext("The figures disagree"), text) for text in self.disagreements]
        lines.append((gettext("Counted"), self.window))
        lines += [(figure.name, figure.line) for figure in self.figures]
        lines += [(gettext("Structure test"), test.line) for test in self.tests]
        lines += [(earlier, test.line) for test in self.earlier_tests]
        lines += [(earlier, text) for text in self.earlier_other]
        if self.pulse_title is not None:
            lines.append((gettext("Temperature check"), gettext(
                "%(title)s, closed %(day)s, who could decrypt: %(who)s", title=self.pulse_title,
                day=format_day(self.pulse_closed_on), who=self.who_could_decrypt)))
        if self.not_counted is not None:
            lines.append((gettext("Not counted"), self.not_counted))
        lines.append((gettext("What the words mean"), self.terms))
        return lines


#: Who took part in each rung of the ladder, a sentence each: the action's name
#: sits in the middle of it, with the article and the gender its language gives it.
_TOOK_PART = {
    StructureTestKind.PETITION: lazy_gettext("%(count)s of %(total)s took part in the majority petition of %(day)s"),
    StructureTestKind.GEAR_DAY: lazy_gettext("%(count)s of %(total)s took part in the union gear day of %(day)s"),
    StructureTestKind.RALLY: lazy_gettext("%(count)s of %(total)s took part in the rally of %(day)s"),
    StructureTestKind.MOCK_STRIKE_VOTE: lazy_gettext(
        "%(count)s of %(total)s took part in the mock strike vote of %(day)s"),
    StructureTestKind.STRIKE: lazy_gettext("%(count)s of %(total)s took part in the strike of %(day)s"),
}

_FEW_TOOK_PART = {
    StructureTestKind.PETITION: lazy_gettext("only %(share)s of the unit took part in the majority petition of %(day)s"),
    StructureTestKind.GEAR_DAY: lazy_gettext("only %(share)s of the unit took part in the union gear day of %(day)s"),
    StructureTestKind.RALLY: lazy_gettext("only %(share)s of the unit took part in the rally of %(day)s"),
    StructureTestKind.MOCK_STRIKE_VOTE: lazy_gettext(
        "only %(share)s of the unit took part in the mock strike vote of %(day)s"),
    StructureTestKind.STRIKE: lazy_gettext("only %(share)s of the unit took part in the strike of %(day)s"),
}


def evidence_words(item: Evidence, chart_headcount: int) -> str:
    """One piece of evidence, with its own count and the headcount it is of (a structure
    test's headcount that day says so when the chart's is another)."""
    source = item.source.value
    day = format_day(item.day)
    if source == "membership":
        return ngettext("%(shown)s of the %(total)s coworkers on the chart is a member",
                        "%(shown)s of the %(total)s coworkers on the chart are members",
                        item.count, shown=_n(item.count), total=_n(item.total))
    if source == "union_cards":
        return ngettext("%(shown)s of the %(total)s coworkers on the chart holds a valid union card",
                        "%(shown)s of the %(total)s coworkers on the chart hold a valid union card",
                        item.count, shown=_n(item.count), total=_n(item.total))
    if source == "pulse":
        return gettext("%(count)s of %(total)s coworkers answered yes to the pulse “%(name)s” of %(day)s",
                       count=_n(item.count), total=_n(item.total), name=item.name, day=day)
    if source == "vote":
        return gettext("%(count)s of %(total)s coworkers voted yes in “%(name)s” of %(day)s",
                       count=_n(item.count), total=_n(item.total), name=item.name, day=day)
    total = (gettext("%(total)s (the headcount that day)", total=_n(item.total)) if item.total != chart_headcount
             else _n(item.total))
    return _TOOK_PART[item.test.kind] % {"count": _n(item.count), "total": total, "day": day}


def _with_share(item: Evidence, chart_headcount: int) -> str:
    return gettext("%(evidence)s — %(share)s of the unit", evidence=evidence_words(item, chart_headcount),
                   share=percent(item.share))


def _disagreement_words(item: Evidence) -> str:
    among = item.among_answered
    day = format_day(item.day)
    if among is not None:
        if item.source.value == "vote":
            return gettext("only %(share)s of the %(total)s who answered “%(name)s” of %(day)s voted yes "
                           "(%(likely)s)", share=percent(among.share), total=_n(among.total), name=item.name,
                           day=day, likely=likely_between(among))
        return gettext("only %(share)s of the %(total)s who answered “%(name)s” of %(day)s said yes (%(likely)s)",
                       share=percent(among.share), total=_n(among.total), name=item.name, day=day,
                       likely=likely_between(among))
    return _FEW_TOOK_PART[item.test.kind] % {"share": percent(item.share), "day": day}


def strength_card(st: UnitStrength) -> StrengthCard:
    """The card of a unit's strength, every word of it."""
    rests_on = (_with_share(st.rests_on, st.headcount) if st.rests_on is not None
                else gettext("no evidence from the last %(days)s days", days=_n(st.window_days)))
    window = gettext("evidence from the last %(days)s days (since %(day)s); older evidence is listed, not counted",
                     days=_n(st.window_days), day=format_day(st.window_start))
    tests = [_card_test(item.test) for item in st.recent_evidence if item.test is not None]
    earlier_tests = [_card_test(item.test) for item in st.history if item.test is not None]
    earlier_other = [_with_share(item, st.headcount) for item in st.history if item.test is None]
    return StrengthCard(
        str(st.tier.label), str(st.tier.meaning), st.tier.level, rests_on, [_disagreement_words(item) for item in st.disagreements],
        window, [_density(st), _support(st), _participation(st)], tests, earlier_tests, earlier_other,
        st.pulse.title if st.pulse is not None else None, st.pulse.closed_on if st.pulse is not None else None,
        st.key_mode_label, _not_counted(st))


#: What density is once a unit has union cards.
CARD_DENSITY_TERM = lazy_gettext(
    "Density: coworkers holding a valid union card (signed in the app or recorded from paper, and not withdrawn), "
    "of the unit's headcount (everyone on the chart). Once a unit has cards, the chart's “Union member” ticks are "
    "not counted.")


def _density(st: UnitStrength) -> CardFigure:
    name = gettext("Density")
    term = gettext("Density: union members of the unit's headcount (everyone on the chart).")
    if st.density is None:
        return CardFigure(name, None, gettext("no one charted yet"), term)
    if st.members_from_cards:
        return CardFigure(name, percent(st.density), ngettext(
            "%(shown)s of the %(headcount)s coworkers on the chart holds a valid union card (withdrawn cards do not "
            "count)",
            "%(shown)s of the %(headcount)s coworkers on the chart hold a valid union card (withdrawn cards do not "
            "count)", st.members, shown=_n(st.members), headcount=_n(st.headcount)), str(CARD_DENSITY_TERM))
    return CardFigure(name, percent(st.density), ngettext(
        "%(shown)s member of the %(headcount)s coworkers on the chart",
        "%(shown)s members of the %(headcount)s coworkers on the chart",
        st.members, shown=_n(st.members), headcount=_n(st.headcount)), term)


def _pulse_caution(st: UnitStrength) -> str | None:
    cautions = []
    if st.participation is not None and st.participation.is_small_share:
        cautions.append(str(READ_WITH_CARE))
    if st.pulse is not None and not st.pulse_is_recent:
        cautions.append(gettext("from a pulse more than %(days)s days old: shown, not counted in the tier",
                                days=_n(st.window_days)))
    return "; ".join(cautions) or None


def _support(st: UnitStrength) -> CardFigure:
    name = gettext("Support")
    term = gettext("Support: the share answering yes to the temperature check's first yes/no question; "
                   "“likely between” gives its %(level)s confidence interval (Wilson score).", level=percent(0.95))
    if st.support is None:
        return CardFigure(name, None, st.support_note or gettext("not yet known"), term)
    unit = st.participation.headcount
    return CardFigure(
        name, percent(st.support.share),
        gettext("%(count)s of the %(total)s who answered said yes (%(count)s of the unit's %(unit)s); %(likely)s of "
                "the whole unit", count=_n(st.support.count), total=_n(st.support.total), unit=_n(unit),
                likely=likely_between(st.support)), term, _pulse_caution(st))


def _participation(st: UnitStrength) -> CardFigure:
    name = gettext("Participation")
    term = gettext("Participation: who answered the temperature check, of the unit's headcount on the chart.")
    counted = st.participation
    if counted is None:
        return CardFigure(name, None, gettext("no temperature check released yet"), term)
    return CardFigure(name, percent(counted.share), ngettext(
        "%(answered)s of %(headcount)s coworkers answered (%(shown)s of them has an account)",
        "%(answered)s of %(headcount)s coworkers answered (%(shown)s of them have accounts)",
        counted.with_accounts, answered=_n(counted.answered), headcount=_n(counted.headcount),
        shown=_n(counted.with_accounts)), term, _pulse_caution(st))


def _not_counted(st: UnitStrength) -> str | None:
    survey = st.one_off_pulse
    if survey is None:
        return None
    return gettext("the one-off pulse “%(title)s” (closed %(day)s): only the unit's temperature check counts here, "
                   "a recurring pulse or one an organizer marks on the unit's Strength page",
                   title=survey.title, day=format_day(survey.closed_on))


def _card_test(test: StructureTest) -> CardTest:
    target = percent(test.kind.target)
    outcome = (gettext("reached its target of %(target)s", target=target) if test.met_target
               else gettext("short of its target of %(target)s", target=target))
    return CardTest(str(test.kind.label), test.held_on, percent(test.share),
                    gettext("%(participants)s of %(headcount)s", participants=_n(test.participants),
                            headcount=_n(test.headcount)),
                    outcome, gettext("a majority") if test.kind is StructureTestKind.PETITION else None)


# -- coworker backing -----------------------------------------------------------------------------

AGREE_TERM = lazy_gettext("The share who agree: coworkers who answered 4 (agree) or 5 (strongly agree) on the "
                          "scale of 1 to 5, of those who gave an answer (“can't say” left out).")

AVERAGE_TERM = lazy_gettext("Mean agreement: the average answer, from 1 (strongly disagree) to 5 (strongly agree).")


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
        text = gettext("%(headline)s (answered agree or strongly agree); %(average)s", headline=self.headline,
                       average=self.average)
        return f"{text}; {self.note}" if self.note else text


def backing_words(backing: Backing) -> BackingWords:
    if not backing.is_known:
        return BackingWords(None, None, str(backing.note))
    if backing.agree is None:
        headline = ngettext("%(shown)s coworker answered", "%(shown)s coworkers answered", backing.answers,
                            shown=_n(backing.answers))
    else:
        headline = ngettext("%(agree)s of %(answers)s coworkers agrees", "%(agree)s of %(answers)s coworkers agree",
                            backing.agree, agree=_n(backing.agree), answers=_n(backing.answers))
    average = gettext("on average %(mean)s of 5", mean=format_decimal(backing.mean_agreement, 1))
    return BackingWords(headline, average, str(backing.note))
