"""The engine's read API: what a survey has released, as frozen values.

Callers (the union domain) read released results only through these functions,
never through the tally tables or their stored JSON: a released result holds
the whole group and the declared breakdowns, each with its respondents,
whether the release rules approved it and why not, and its counts keyed by
question. Participation is read here too, and only once a survey has closed
(PRIVACY.md invariants 9 and 10: no live count exists for anyone to watch).

Below the reads is the presentation every results page and export shares:
per question counts and shares with 95% Wilson intervals (a rank question's
as a ranking by points), participation, the breakdowns (withheld cells named,
never filled in), comments, and the trend across pulse rounds."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext, ngettext
from sqlalchemy.orm import joinedload

from core.charts import Point, Series, share_trend_chart
from core.extensions import db
from core.i18n import current_language, format_day
from surveys.definitions import PLACE_NAMES, ballot_questions
from surveys.models import (
    EligibleVoter,
    Question,
    QuestionType,
    ReleasedComment,
    Survey,
    SurveyKind,
    SurveyState,
    TallyGroup,
)
from surveys.release import SegmentPlan
from surveys.stats import wilson_interval

# -- the typed reads ------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionCounts:
    """The released counts of one question, slot by slot (options, then "can't say" if offered)."""

    question: Question
    counts: tuple[int, ...]


@dataclass(frozen=True)
class ReleasedGroup:
    """One group of respondents as released: the whole survey, or one cell of a breakdown."""

    #: The breakdown dimension, or None for the whole survey.
    dimension: str | None
    #: e.g. "Night"; the whole survey's label for the whole group.
    label: str
    #: How many respondents stand behind it (people, never answers).
    respondents: int
    #: How many could answer in it (the declared cells' eligible people).
    eligible: int
    #: Whether the release rules let it be decrypted and shown.
    is_approved: bool
    #: Why not, when not.
    withheld_reason: str | None
    #: Per question counts, in ballot order; None when withheld.
    questions: tuple[QuestionCounts, ...] | None

    @property
    def is_shown(self) -> bool:
        return self.questions is not None

    def counts_for(self, question: Question) -> tuple[int, ...] | None:
        """The counts of `question` in this group, or None when it is withheld or not a counted question."""
        return next((q.counts for q in self.questions or () if q.question.id == question.id), None)


@dataclass(frozen=True)
class ReleasedResult:
    """A released survey: its whole group and its breakdowns by dimension, in display order."""

    survey: Survey
    whole: ReleasedGroup
    #: dimension -> its groups, in the declared order.
    breakdowns: dict[str, tuple[ReleasedGroup, ...]]
    #: How many could answer (snapshot at launch).
    eligible: int

    @property
    def breakdown_groups(self) -> tuple[ReleasedGroup, ...]:
        """Every breakdown group, dimension by dimension."""
        return tuple(group for groups in self.breakdowns.values() for group in groups)

    def first_question(self, question_type: QuestionType) -> Question | None:
        return next((q for q in ballot_questions(self.survey) if q.type == question_type), None)


@dataclass(frozen=True)
class Participation:
    """How many could answer and how many did: known only once the survey has closed."""

    eligible: int
    answered: int


@dataclass(frozen=True)
class Breakdown:
    """The breakdown declared at launch: the dimensions kept and what was merged or dropped, in words."""

    dimensions: tuple[str, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ReleasedText:
    """One released comment, in its shuffled batch's order."""

    question_id: int
    text: str


def _eligible_by_cell(survey: Survey) -> dict[str, int]:
    return dict(db.session.execute(
        sa.select(EligibleVoter.cell, sa.func.count()).where(EligibleVoter.survey_id == survey.id)
        .group_by(EligibleVoter.cell)).all())


def _released_group(survey: Survey, group: TallyGroup, eligible: int) -> ReleasedGroup:
    questions = None
    if group.is_approved and group.counts is not None:
        # The stored JSON keys counts by the question id as a string; nothing outside this module sees that.
        questions = tuple(QuestionCounts(q, tuple(group.counts[str(q.id)])) for q in ballot_questions(survey))
    return ReleasedGroup(group.dimension, group.label, group.respondents, eligible, group.is_approved,
                         group.withheld_reason, questions)


def released(survey: Survey) -> ReleasedResult | None:
    """The survey's released result, or None until it is released (nothing before release is a result)."""
    if survey.state != SurveyState.RELEASED or not survey.groups:
        return None
    first, *rest = survey.groups
    by_cell = _eligible_by_cell(survey) if rest else {}
    breakdowns: dict[str, list[ReleasedGroup]] = {}
    for group in rest:
        eligible = sum(by_cell.get(cell, 0) for cell in group.cells)
        breakdowns.setdefault(group.dimension or "", []).append(_released_group(survey, group, eligible))
    return ReleasedResult(survey, _released_group(survey, first, survey.eligible_count),
                          {dimension: tuple(groups) for dimension, groups in breakdowns.items()},
                          survey.eligible_count)


def _released_surveys(scope: str, kind: SurveyKind) -> sa.Select:
    return sa.select(Survey).where(Survey.scope == scope, Survey.kind == kind, Survey.state == SurveyState.RELEASED)


def latest_released(scope: str, kind: SurveyKind) -> ReleasedResult | None:
    """The most recently closed released survey of this kind in the scope."""
    survey = db.session.scalar(_released_surveys(scope, kind)
                               .order_by(Survey.closed_on.desc(), Survey.id.desc()).limit(1))
    return released(survey) if survey is not None else None


def released_surveys(scope: str, kind: SurveyKind) -> list[Survey]:
    """Every released survey of this kind in the scope, the most recently closed first
    (the surveys only: read each one's figures with `released`)."""
    return list(db.session.scalars(_released_surveys(scope, kind)
                                   .order_by(Survey.closed_on.desc(), Survey.id.desc())))


def latest_released_about(scope: str, kind: SurveyKind,
                          subject_refs: Iterable[str]) -> dict[str, tuple[Question, ReleasedResult]]:
    """For each subject ref, the question about it in the newest released survey (by id) of
    this kind in the scope, with that survey's result: one query for all of them."""
    refs = list(subject_refs)
    if not refs:
        return {}
    # Each survey's groups and questions come joined to it (`released` reads both): one
    # statement, however many surveys the items were put to, and whichever they are.
    rows = db.session.execute(
        sa.select(Question, Survey).join(Survey, Question.survey_id == Survey.id)
        .where(Question.subject_ref.in_(refs), Survey.scope == scope, Survey.kind == kind,
               Survey.state == SurveyState.RELEASED)
        .options(joinedload(Survey.groups), joinedload(Survey.questions))
        .order_by(Survey.id)).unique().all()
    latest: dict[str, tuple[Question, Survey]] = {}
    for question, survey in rows:
        latest[question.subject_ref] = (question, survey)  # ordered by id: the newest wins
    results: dict[int, ReleasedResult | None] = {}
    found = {}
    for ref, (question, survey) in latest.items():
        if survey.id not in results:
            results[survey.id] = released(survey)
        if results[survey.id] is not None:
            found[ref] = (question, results[survey.id])
    return found


def participation(survey: Survey) -> Participation | None:
    """Eligible and answered, once the survey is closed; None while it is open or a draft.

    Nobody sees a live count (PRIVACY.md invariants 9 and 10): watching it climb
    would let an organizer close right after one chosen coworker answered, or
    tell from the step who has just answered. The count comes from the tally
    formed at close, never from the ledger of an open survey."""
    if survey.state not in (SurveyState.CLOSED, SurveyState.RELEASED) or not survey.groups:
        return None
    return Participation(survey.eligible_count, survey.groups[0].respondents)


def declared_breakdown(survey: Survey) -> Breakdown | None:
    """The breakdown fixed at launch, or None before launch."""
    if survey.segment_plan is None:
        return None
    plan = SegmentPlan.from_json(survey.segment_plan)
    return Breakdown(plan.dimensions, plan.notes)


def released_comments(survey: Survey, limit: int | None = None) -> list[ReleasedText]:
    """The comments released with the survey, in their shuffled batch's order (none before
    release); the first `limit` of them in that order, when given."""
    if survey.state != SurveyState.RELEASED:
        return []
    # Columns, not rows as objects: a pulse of a large unit releases a thousand comments, and
    # as many objects held in the session until the request ends set off the garbage
    # collector's full pass (tens of milliseconds) every few requests.
    return [ReleasedText(question_id, text) for question_id, text in db.session.execute(
        sa.select(ReleasedComment.question_id, ReleasedComment.text).where(ReleasedComment.survey_id == survey.id)
        .order_by(ReleasedComment.position).limit(limit))]


def released_comment_count(survey: Survey) -> int:
    """How many comments were released with the survey (none before release)."""
    if survey.state != SurveyState.RELEASED:
        return 0
    return db.session.scalar(sa.select(sa.func.count()).select_from(ReleasedComment)
                             .where(ReleasedComment.survey_id == survey.id))


# -- the presentation of a released survey -------------------------------------------------------


@dataclass(frozen=True)
class OptionRow:
    label: str
    count: int
    share: float
    low: float
    high: float


@dataclass(frozen=True)
class RankedOption:
    """One option of a rank question, as released."""

    label: str
    #: Its index among the question's options.
    option: int
    #: How many put it in each place, the first place first.
    by_place: tuple[int, ...]
    #: Its points (`place_points`): what orders the ranking.
    points: int
    #: Those who put it in any of the places, as a share of everyone who answered, with its interval.
    chosen: OptionRow


@dataclass(frozen=True)
class RankResult:
    """A rank question's released counts as a ranking: options by points, most first."""

    places: int
    options: list[RankedOption]
    #: Those who put nothing in order (“can't say”), where the question offers it.
    cant_say: OptionRow | None

    @property
    def points(self) -> tuple[int, ...]:
        return place_points(self.places)

    @property
    def place_names(self) -> list[str]:
        return [str(name) for name in PLACE_NAMES[:self.places]]

    def scoring(self) -> str:
        """How the points are counted, in a sentence for the page."""
        worth = " · ".join(
            ngettext("%(place)s place: %(num)d point", "%(place)s place: %(num)d points", points, place=name)
            for name, points in zip(self.place_names, self.points))
        return gettext("Points (a Borda count): %(worth)s. Options are in order of points; a tie goes to the one "
                       "more people put first.", worth=worth)

    def chosen_heading(self) -> str:
        if self.places == 1:
            return gettext("Put it first")
        return gettext("In their top %(num)d", num=self.places)


@dataclass(frozen=True)
class QuestionResult:
    question: Question
    rows: list[OptionRow]
    #: A rank question's ranking (its `rows` are then each option's `chosen`, in the ranking's order).
    ranking: RankResult | None = None


@dataclass(frozen=True)
class GroupResult:
    group: ReleasedGroup
    questions: list[QuestionResult] | None

    @property
    def is_shown(self) -> bool:
        return self.questions is not None


@dataclass
class SurveyResults:
    survey: Survey
    whole: GroupResult
    breakdowns: dict[str, list[GroupResult]] = field(default_factory=dict)
    comments: dict[int, list[str]] = field(default_factory=dict)
    participation: OptionRow | None = None
    trend_chart: object | None = None


def _labels(question: Question) -> list[str]:
    """The words of each slot, in the reader's language: the interface's own (yes and
    no, "can't say") from the catalogue, the options as the survey was written in it
    (or in its own language, where it was not)."""
    labels = question.options_in(current_language())
    if question.type == QuestionType.SCALE:
        labels = [f"{i + 1} · {label}" for i, label in enumerate(labels)]
    elif question.type == QuestionType.YES_NO:
        labels = [gettext("Yes"), gettext("No")]
    return labels + ([gettext("Can't say")] if question.allows_cant_say else [])


def place_points(places: int) -> tuple[int, ...]:
    """What each place of a ranking is worth, from the first: m points for a first
    place down to 1 for the m-th (a Borda count over the places asked for; an
    option left out scores nothing). The proofs of crypto.rank make every ballot
    fill its places in order, so a place means the same on every ballot."""
    return tuple(range(places, 0, -1))


def counts_by_option(question: Question, counts: tuple[int, ...]) -> tuple[tuple[int, ...], ...]:
    """A rank question's released counts, per option: how many put it in each place."""
    places = question.max_ranked
    if len(counts) != len(question.options) * places:
        raise ValueError("these counts are not the cells of this rank question")
    return tuple(tuple(counts[i * places:(i + 1) * places]) for i in range(len(question.options)))


def rank_result(question: Question, counts: tuple[int, ...], respondents: int) -> RankResult:
    """The ranking a rank question's counts give: per option its counts by place,
    points and the share who put it in any place (95% Wilson interval), ordered by
    points, then by first places, then as the question lists them."""
    points = place_points(question.max_ranked)
    labels = question.options_in(current_language())
    ranked = []
    for index, by_place in enumerate(counts_by_option(question, counts)):
        chosen = sum(by_place)
        ranked.append(RankedOption(labels[index], index, by_place, sum(p * c for p, c in zip(points, by_place)),
                                   OptionRow(labels[index], chosen, chosen / respondents,
                                             *wilson_interval(chosen, respondents))))
    ranked.sort(key=lambda option: (-option.points, -option.by_place[0], option.option))
    cant_say = None
    if question.allows_cant_say:
        # Every ballot fills the first place unless it says "can't say" (crypto.rank).
        blank = respondents - sum(option.by_place[0] for option in ranked)
        cant_say = OptionRow(gettext("Can't say"), blank, blank / respondents, *wilson_interval(blank, respondents))
    return RankResult(question.max_ranked, ranked, cant_say)


def _group_result(group: ReleasedGroup) -> GroupResult:
    if not group.is_shown:
        return GroupResult(group, None)
    n = group.respondents
    results = []
    for counted in group.questions:
        if counted.question.type == QuestionType.RANK:
            ranking = rank_result(counted.question, counted.counts, n)
            rows = [option.chosen for option in ranking.options] + ([ranking.cant_say] if ranking.cant_say else [])
            results.append(QuestionResult(counted.question, rows, ranking))
            continue
        rows = [OptionRow(label, count, count / n, *wilson_interval(count, n))
                for label, count in zip(_labels(counted.question), counted.counts, strict=True)]
        results.append(QuestionResult(counted.question, rows))
    return GroupResult(group, results)


def results_of(survey: Survey) -> SurveyResults:
    result = released(survey)
    if result is None:
        raise ValueError("results exist only once released")
    view = SurveyResults(survey, _group_result(result.whole))
    for dimension, groups in result.breakdowns.items():
        view.breakdowns[dimension] = [_group_result(group) for group in groups]
    if result.eligible:
        respondents = result.whole.respondents
        view.participation = OptionRow("Participation", respondents, respondents / result.eligible,
                                       *wilson_interval(respondents, result.eligible))
    for comment in released_comments(survey):
        view.comments.setdefault(comment.question_id, []).append(comment.text)
    view.trend_chart = trend_chart(survey)
    return view


@dataclass(frozen=True)
class Trend:
    """Support (the first yes/no question's "yes") and participation, one point per released round."""

    rounds: int
    support: list[Point]
    participation: list[Point]


def trend_of(survey: Survey) -> Trend:
    rounds = list(db.session.scalars(sa.select(Survey).where(
        Survey.series_id == survey.series_id, Survey.state == SurveyState.RELEASED).order_by(Survey.round_number)))
    support, participation_points = [], []
    for round_ in rounds:
        result = released(round_)
        label = (format_day(round_.closed_on) if round_.closed_on
                 else gettext("Round %(number)d", number=round_.round_number))
        if result is None:
            continue
        whole = result.whole
        if result.eligible:
            n = whole.respondents
            participation_points.append(Point(label, n / result.eligible, *wilson_interval(n, result.eligible)))
        yes_no = result.first_question(QuestionType.YES_NO)
        counts = whole.counts_for(yes_no) if yes_no is not None else None
        if counts:
            yes = counts[0]
            support.append(Point(label, yes / whole.respondents, *wilson_interval(yes, whole.respondents)))
    return Trend(len(rounds), support, participation_points)


def trend_chart(survey: Survey):
    """The trend as an SVG chart, once there are two rounds to compare."""
    trend = trend_of(survey)
    if trend.rounds < 2:
        return None
    return share_trend_chart(
        # Both shares are of the people the round asked (members with accounts), which the
        # engine knows; the whole unit's headcount is the union's to state beside it.
        [Series(gettext("Answered yes, of those who answered"), trend.support, "#8a1c2b"),
         Series(gettext("Answered, of those asked"), trend.participation, "#1a5fb4")],
        title=gettext("Support and participation by round, among members with accounts"))
