"""The members' bargaining priorities, as the bargaining summary follows them.

Where they come from. The unit's latest bargaining survey that ranks the
job-quality categories (`question_bank.category_ranking`, the bargaining
priorities' first question) and whose results the release rules let out: the
engine's released result with its whole group shown, so at least k answered
and no subtraction from earlier releases singles anyone out. A survey whose
whole group is withheld (too few answered, or differencing) is not released
in this sense: an older one that was stays in force, and with none the summary
is as it was without priorities.

What they do. The categories' Borda points (`surveys.results.place_points`:
m points for a first place down to 1 for the m-th) order the summary's
category sections, a tie keeping the order the scores give. And each category
weighs the score of every item in it by `1 + in_top / answered`: the share of
those who answered who put it in any of their places, so × 1 when nobody did
and × 2 when everyone did. Simple, monotone (more members putting a category
in their top places never lowers an item's score), and never below today's
score, so an item of a category members did not rank is not punished. Without
priorities the factor is 1: scores are exactly what they were.

What is kept. Numbers only (per category, how many put it in each place; how
many answered; the number of places; the survey's id and close day): the
stored ranked items (`ranking`) carry them in their header, so the scores, the
order and the lines each section shows come from one moment, and each reader
reads the lines in their own language. The survey's counts are those it
released to every reader of its results, nothing finer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext, ngettext

from core.i18n import format_day, format_number
from organizer.charting.models import BargainingUnit
from organizer.ontology import Category
from organizer.unit_surveys import question_bank
from organizer.unit_surveys.services import unit_scope
from surveys import results
from surveys.definitions import PLACE_NAMES
from surveys.models import SurveyKind


def _place_name(place: int) -> str:
    return str(PLACE_NAMES[place - 1]) if place <= len(PLACE_NAMES) else format_number(place)


@dataclass(frozen=True)
class CategoryPriority:
    """One category as the members ranked it."""

    category: Category
    #: How many put it in each place, the first place first.
    by_place: tuple[int, ...]
    #: Everyone who answered the survey ("can't say" included), as on its results page.
    answered: int
    #: 1 + how many categories have more points: tied categories share a place.
    place: int

    @property
    def points(self) -> int:
        return sum(worth * count for worth, count in zip(results.place_points(len(self.by_place)), self.by_place))

    @property
    def put_first(self) -> int:
        return self.by_place[0]

    @property
    def in_top(self) -> int:
        """Those who put it in any of the places asked for."""
        return sum(self.by_place)

    @property
    def factor(self) -> float:
        """What it multiplies the score of each of its items by (see the module docstring)."""
        return 1 + self.in_top / self.answered

    def line(self) -> str:
        """How the members ranked it, for under its heading: "Members ranked it 1st; 41 of 63 put it in their
        top 3. 20 put it first." """
        shown = {"place": _place_name(self.place),
                 "count": format_number(self.in_top), "answered": format_number(self.answered)}
        if len(self.by_place) == 1:
            return ngettext("Members ranked it %(place)s; %(count)s of %(answered)s put it first.",
                            "Members ranked it %(place)s; %(count)s of %(answered)s put it first.",
                            self.in_top, **shown)
        top = ngettext("Members ranked it %(place)s; %(count)s of %(answered)s put it in their top "
                       "%(places)s.",
                       "Members ranked it %(place)s; %(count)s of %(answered)s put it in their top "
                       "%(places)s.", self.in_top, places=format_number(len(self.by_place)), **shown)
        first = ngettext("%(count)s put it first.", "%(count)s put it first.", self.put_first,
                         count=format_number(self.put_first))
        return f"{top} {first}"


@dataclass(frozen=True)
class Priorities:
    """The released ranking of the categories that the summary follows."""

    survey_id: int
    closed_on: date | None
    #: Everyone who answered the survey.
    answered: int
    #: How many places each member could fill (m).
    places: int
    #: Every category (in the ontology's order) -> how many put it in each place.
    by_place: dict[Category, tuple[int, ...]]

    def points(self, category: Category) -> int:
        return self.of(category).points

    def of(self, category: Category) -> CategoryPriority:
        counts = self.by_place[category]
        points = {c: CategoryPriority(c, n, self.answered, 0).points for c, n in self.by_place.items()}
        place = 1 + sum(1 for other in points.values() if other > points[category])
        return CategoryPriority(category, counts, self.answered, place)

    def factor(self, category: Category) -> float:
        return self.of(category).factor

    def explanation(self) -> str:
        """The paragraph beside the score rule: where the order and the factor come from."""
        worth = " · ".join(
            ngettext("%(place)s place: %(num)d point", "%(place)s place: %(num)d points", points,
                     place=_place_name(place))
            for place, points in enumerate(results.place_points(self.places), 1))
        day = format_day(self.closed_on) if self.closed_on is not None else ""
        return ngettext(
            "The categories are in the order of the members' priorities, from the bargaining survey that closed "
            "on %(day)s, which %(count)s member answered; points: %(worth)s (a tie keeps the order of the highest "
            "score). Each item's score is multiplied by 1 + the share of them who put its category in their top "
            "%(places)s.",
            "The categories are in the order of the members' priorities, from the bargaining survey that closed "
            "on %(day)s, which %(count)s members answered; points: %(worth)s (a tie keeps the order of the highest "
            "score). Each item's score is multiplied by 1 + the share of them who put its category in their top "
            "%(places)s.", self.answered, day=day, count=format_number(self.answered), worth=worth,
            places=format_number(self.places))

    # -- as stored, in the header of the ranked items (`ranking.encode`) --------------------------

    def to_json(self) -> dict:
        return {"survey": self.survey_id, "closed_on": self.closed_on.isoformat() if self.closed_on else None,
                "answered": self.answered, "places": self.places,
                "by_place": {category.value: list(counts) for category, counts in self.by_place.items()}}

    @classmethod
    def from_json(cls, raw: dict) -> Priorities:
        """Read back what `to_json` wrote; anything else raises ValueError (or KeyError, TypeError)."""
        survey, answered, places = (_whole(raw[name]) for name in ("survey", "answered", "places"))
        if answered < 1 or places < 1:
            raise ValueError("priorities need someone who answered and a place")
        closed_on = date.fromisoformat(raw["closed_on"]) if raw["closed_on"] is not None else None
        stored = raw["by_place"]
        if not isinstance(stored, dict) or set(stored) != {category.value for category in Category}:
            raise ValueError("priorities must hold every category")
        by_place = {}
        for category in Category:
            counts = tuple(_whole(count) for count in stored[category.value])
            if len(counts) != places or sum(counts) > answered:
                raise ValueError(f"the counts of {category.value} do not fit {places} places and {answered} answers")
            by_place[category] = counts
        if sum(counts[0] for counts in by_place.values()) > answered:
            raise ValueError("more first places than members who answered")
        return cls(survey, closed_on, answered, places, by_place)


def _whole(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"{value!r} is not a count")
    return value


def factor(priorities: Priorities | None, category: Category) -> float:
    """What an item of `category` has its score multiplied by: 1 without priorities."""
    return priorities.factor(category) if priorities is not None else 1.0


def without_priorities() -> str:
    """The paragraph beside the score rule when no priorities survey is released."""
    return gettext("No bargaining priorities survey has been released for this unit yet, so the categories are in "
                   "the order of their highest score. Once one is released, the members' ranking orders the "
                   "categories and weighs each score.")


def latest_released(unit: BargainingUnit) -> Priorities | None:
    """The priorities of the unit's latest released bargaining survey that ranks the categories (see
    the module docstring), or None."""
    for survey in results.released_surveys(unit_scope(unit), SurveyKind.BARGAINING):
        question = question_bank.category_ranking(survey)
        if question is None:
            continue
        released = results.released(survey)
        counts = released.whole.counts_for(question) if released is not None else None
        if counts is None:
            continue  # withheld as a whole: not released for anyone, so not for the summary
        by_option = results.counts_by_option(question, counts)
        return Priorities(survey.id, survey.closed_on or survey.released_on, released.whole.respondents,
                          question.max_ranked, dict(zip(Category, by_option, strict=True)))
    return None
