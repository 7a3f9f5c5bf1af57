"""What a released survey shows: per question counts and shares with 95%
Wilson intervals, participation, the declared breakdowns (withheld cells
named, never filled in), comments, and the trend across pulse rounds."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from core.charts import Point, Series, share_trend_chart
from core.extensions import db
from surveys.definitions import ballot_questions
from surveys.models import Question, QuestionType, ReleasedComment, Survey, SurveyState, TallyGroup
from surveys.stats import wilson_interval


@dataclass(frozen=True)
class OptionRow:
    label: str
    count: int
    share: float
    low: float
    high: float


@dataclass(frozen=True)
class QuestionResult:
    question: Question
    rows: list[OptionRow]


@dataclass(frozen=True)
class GroupResult:
    group: TallyGroup
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
    labels = list(question.options)
    if question.type == QuestionType.SCALE:
        labels = [f"{i + 1} · {label}" for i, label in enumerate(labels)]
    return labels + (["Can't say"] if question.allows_cant_say else [])


def _group_result(survey: Survey, group: TallyGroup) -> GroupResult:
    if not group.is_approved or group.counts is None:
        return GroupResult(group, None)
    results = []
    n = group.respondents
    for question in ballot_questions(survey):
        counts = group.counts[str(question.id)]
        rows = [OptionRow(label, count, count / n, *wilson_interval(count, n))
                for label, count in zip(_labels(question), counts, strict=True)]
        results.append(QuestionResult(question, rows))
    return GroupResult(group, results)


def results_of(survey: Survey) -> SurveyResults:
    if survey.state != SurveyState.RELEASED:
        raise ValueError("results exist only once released")
    groups = list(survey.groups)
    whole = _group_result(survey, groups[0])
    view = SurveyResults(survey, whole)
    for group in groups[1:]:
        view.breakdowns.setdefault(group.dimension or "", []).append(_group_result(survey, group))
    if survey.eligible_count:
        respondents = groups[0].respondents
        view.participation = OptionRow("Participation", respondents, respondents / survey.eligible_count,
                                       *wilson_interval(respondents, survey.eligible_count))
    for comment in db.session.scalars(sa.select(ReleasedComment).where(ReleasedComment.survey_id == survey.id)
                                      .order_by(ReleasedComment.position)):
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
    support, participation = [], []
    for round_ in rounds:
        whole = round_.groups[0] if round_.groups else None
        label = round_.closed_on.isoformat() if round_.closed_on else f"Round {round_.round_number}"
        if round_.eligible_count and whole is not None:
            n = whole.respondents
            participation.append(Point(label, n / round_.eligible_count, *wilson_interval(n, round_.eligible_count)))
        yes_no = next((q for q in ballot_questions(round_) if q.type == QuestionType.YES_NO), None)
        if whole is not None and whole.is_approved and whole.counts and yes_no is not None:
            yes = whole.counts[str(yes_no.id)][0]
            support.append(Point(label, yes / whole.respondents, *wilson_interval(yes, whole.respondents)))
    return Trend(len(rounds), support, participation)


def trend_chart(survey: Survey):
    """The trend as an SVG chart, once there are two rounds to compare."""
    trend = trend_of(survey)
    if trend.rounds < 2:
        return None
    return share_trend_chart(
        [Series("Answered yes", trend.support, "#8a1c2b"), Series("Participation", trend.participation, "#1a5fb4")],
        title="Support and participation by round")
