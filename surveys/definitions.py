"""Defining surveys: drafts, their questions, and what each question accepts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext, lazy_gettext, ngettext

from core.extensions import db
from crypto.ballot import QuestionSpec
from surveys.errors import SurveyError
from surveys.models import DEFAULT_COMMENT_THRESHOLD, KeyMode, Question, QuestionType, Survey, SurveyKind

SCALE_POINTS = 5
DEFAULT_SCALE_LABELS = ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"]
MAX_OPTIONS = 20
MAX_QUESTIONS = 40
#: PRIVACY.md invariant 5 and 10: a quorum of one is one person who can read
#: everything, which is what the server-held key already is, said plainly.
MIN_TRUSTEE_QUORUM = 2
MAX_TRUSTEES = 50
TRUSTEE_QUORUM_TOO_SMALL = lazy_gettext(
    "Unlocking the results needs at least %(min)d trustees (the trustee quorum, t): with one, a "
    "single person could read every answer. Raise it, or let the server unlock the results instead.",
    min=MIN_TRUSTEE_QUORUM)


@dataclass(frozen=True)
class SurveySettings:
    kind: SurveyKind
    title: str
    key_mode: KeyMode
    release_threshold: int
    intro: str | None = None
    comment_threshold: int = DEFAULT_COMMENT_THRESHOLD
    trustee_threshold: int | None = None
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    recurrence_weeks: int | None = None


def _check_settings(settings: SurveySettings) -> None:
    if not 2 <= settings.release_threshold <= 1000:
        raise SurveyError(gettext("The release threshold k must be between %(low)d and %(high)d.", low=2, high=1000),
                          field="release_threshold")
    if settings.comment_threshold < settings.release_threshold:
        raise SurveyError(gettext("Comments need at least as many answers as any other result."),
                          field="comment_threshold")
    if settings.key_mode == KeyMode.TRUSTEES:
        if not settings.trustee_threshold:
            raise SurveyError(gettext("Say how many trustees (t) must take part to decrypt."),
                              field="trustee_threshold")
        if settings.trustee_threshold < MIN_TRUSTEE_QUORUM:
            raise SurveyError(TRUSTEE_QUORUM_TOO_SMALL, field="trustee_threshold")
        if settings.trustee_threshold > MAX_TRUSTEES:
            raise SurveyError(gettext("At most %(max)d trustees can share a key.", max=MAX_TRUSTEES),
                              field="trustee_threshold")
    if settings.opens_at and settings.closes_at and settings.closes_at <= settings.opens_at:
        raise SurveyError(gettext("The survey must close after it opens."), field="closes_at")
    if settings.recurrence_weeks is not None:
        if settings.kind != SurveyKind.PULSE:
            raise SurveyError(gettext("Only pulse surveys recur."), field="recurrence_weeks")
        if not 1 <= settings.recurrence_weeks <= 52:
            raise SurveyError(gettext("Repeat every %(low)d to %(high)d weeks.", low=1, high=52),
                              field="recurrence_weeks")


def create_survey(scope: str, settings: SurveySettings) -> Survey:
    _check_settings(settings)
    survey = Survey(scope=scope, **settings.__dict__)
    db.session.add(survey)
    db.session.flush()
    survey.series_id = survey.id
    return survey


def update_settings(survey: Survey, settings: SurveySettings) -> None:
    _require_draft(survey)
    _check_settings(settings)
    for name, value in settings.__dict__.items():
        setattr(survey, name, value)
    db.session.flush()


def _require_draft(survey: Survey) -> None:
    if not survey.is_editable:
        raise SurveyError(gettext("Only a draft can be changed; this survey has been launched."))


def add_question(
    survey: Survey, *, type: QuestionType, prompt: str, options: list[str] | None = None,
    max_choices: int = 1, allows_cant_say: bool = False, subject_ref: str | None = None,
) -> Question:
    _require_draft(survey)
    if len(survey.questions) >= MAX_QUESTIONS:
        raise SurveyError(gettext("A survey has at most %(max)d questions.", max=MAX_QUESTIONS))
    prompt = prompt.strip()
    if not prompt:
        raise SurveyError(gettext("Write the question."), field="prompt")
    options = [option.strip() for option in (options or []) if option.strip()]
    if type == QuestionType.SCALE:
        options = _scale_labels(options)
    elif type == QuestionType.YES_NO:
        options = ["Yes", "No"]
    elif type in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE):
        if not 2 <= len(options) <= MAX_OPTIONS:
            raise SurveyError(gettext("Give between %(low)d and %(high)d options, one per line.", low=2,
                                      high=MAX_OPTIONS), field="options")
        if len({option.casefold() for option in options}) != len(options):
            raise SurveyError(gettext("Each option must be different."), field="options")
    else:
        options, allows_cant_say = [], False
    if type == QuestionType.MULTIPLE_CHOICE:
        if not 1 <= max_choices <= len(options):
            raise SurveyError(gettext("At most this many choices must be between 1 and the number of options."),
                              field="max_choices")
    else:
        max_choices = 1
    question = Question(
        survey=survey, position=len(survey.questions), type=type, prompt=prompt, options=options,
        max_choices=max_choices, allows_cant_say=allows_cant_say, subject_ref=subject_ref,
    )
    db.session.add(question)
    db.session.flush()
    return question


def _scale_labels(given: list[str]) -> list[str]:
    """The labels an organizer wrote for the five points, kept as written, or the
    standard agreement labels when they wrote none. Any other number is refused
    rather than replaced: a scale whose words changed silently would be read
    against labels nobody chose."""
    if not given:
        return list(DEFAULT_SCALE_LABELS)
    if len(given) != SCALE_POINTS:
        raise SurveyError(ngettext(
            "A scale needs %(points)d labels, one per line from 1 to %(points)d; %(num)d was given. Leave the box "
            "empty for \u201c%(lowest)s\u201d to \u201c%(highest)s\u201d.",
            "A scale needs %(points)d labels, one per line from 1 to %(points)d; %(num)d were given. Leave the box "
            "empty for \u201c%(lowest)s\u201d to \u201c%(highest)s\u201d.",
            len(given), points=SCALE_POINTS, lowest=DEFAULT_SCALE_LABELS[0], highest=DEFAULT_SCALE_LABELS[-1]),
            field="options")
    if len({label.casefold() for label in given}) != len(given):
        raise SurveyError(gettext("Each point of the scale needs its own label."), field="options")
    return given


def vote_prompt(title: str) -> str:
    """The yes/no question of a vote, from the survey's title."""
    return f"Do you vote yes on \u201c{title.strip()}\u201d?"


def add_standard_vote_question(survey: Survey) -> Question:
    """The question a vote is for: yes or no, with no \u201ccan't say\u201d (whoever
    does not want to vote leaves the survey unanswered)."""
    return add_question(survey, type=QuestionType.YES_NO, prompt=vote_prompt(survey.title))


def require_ready_to_launch(survey: Survey) -> None:
    """Refuse a survey whose questions cannot give the result its kind promises:
    a vote needs a yes/no question."""
    if survey.kind == SurveyKind.VOTE and not any(q.type == QuestionType.YES_NO for q in survey.questions):
        raise SurveyError(gettext("A vote needs a yes/no question: add one (for example \u201c%(prompt)s\u201d) "
                                  "before launching.", prompt=vote_prompt(survey.title)))


def remove_question(survey: Survey, question: Question) -> None:
    _require_draft(survey)
    if question.survey_id != survey.id:
        raise SurveyError(gettext("That question belongs to another survey."))
    survey.questions.remove(question)
    db.session.flush()
    for position, remaining in enumerate(survey.questions):
        remaining.position = -1 - position  # two steps, so the unique (survey, position) never clashes
    db.session.flush()
    for position, remaining in enumerate(survey.questions):
        remaining.position = position
    db.session.flush()


def question_spec(question: Question) -> QuestionSpec:
    """What the crypto layer needs to know about a (non-text) question."""
    if question.type == QuestionType.SCALE:
        return QuestionSpec.scale(len(question.options), allows_cant_say=question.allows_cant_say)
    if question.type == QuestionType.YES_NO:
        return QuestionSpec.yes_no(allows_cant_say=question.allows_cant_say)
    if question.type == QuestionType.SINGLE_CHOICE:
        return QuestionSpec.single_choice(len(question.options), allows_cant_say=question.allows_cant_say)
    if question.type == QuestionType.MULTIPLE_CHOICE:
        return QuestionSpec.multiple_choice(len(question.options), question.max_choices,
                                            allows_cant_say=question.allows_cant_say)
    raise ValueError("free-text questions are sealed, not encrypted as vectors")


def ballot_questions(survey: Survey) -> list[Question]:
    """The questions whose answers go into the encrypted ballot, in order."""
    return [q for q in survey.questions if not q.is_free_text]


def surveys_in_scope(scope: str) -> list[Survey]:
    return list(db.session.scalars(sa.select(Survey).where(Survey.scope == scope).order_by(Survey.id.desc())))
