"""Defining surveys: drafts, their questions, and what each question accepts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

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
TRUSTEE_QUORUM_TOO_SMALL = (
    f"Unlocking the results needs at least {MIN_TRUSTEE_QUORUM} trustees (the trustee quorum, t): with one, a "
    "single person could read every answer. Raise it, or let the server unlock the results instead.")


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
        raise SurveyError("The release threshold k must be between 2 and 1000.", field="release_threshold")
    if settings.comment_threshold < settings.release_threshold:
        raise SurveyError("Comments need at least as many answers as any other result.", field="comment_threshold")
    if settings.key_mode == KeyMode.TRUSTEES:
        if not settings.trustee_threshold:
            raise SurveyError("Say how many trustees (t) must take part to decrypt.", field="trustee_threshold")
        if settings.trustee_threshold < MIN_TRUSTEE_QUORUM:
            raise SurveyError(TRUSTEE_QUORUM_TOO_SMALL, field="trustee_threshold")
        if settings.trustee_threshold > MAX_TRUSTEES:
            raise SurveyError(f"At most {MAX_TRUSTEES} trustees can share a key.", field="trustee_threshold")
    if settings.opens_at and settings.closes_at and settings.closes_at <= settings.opens_at:
        raise SurveyError("The survey must close after it opens.", field="closes_at")
    if settings.recurrence_weeks is not None:
        if settings.kind != SurveyKind.PULSE:
            raise SurveyError("Only pulse surveys recur.", field="recurrence_weeks")
        if not 1 <= settings.recurrence_weeks <= 52:
            raise SurveyError("Repeat every 1 to 52 weeks.", field="recurrence_weeks")


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
        raise SurveyError("Only a draft can be changed; this survey has been launched.")


def add_question(
    survey: Survey, *, type: QuestionType, prompt: str, options: list[str] | None = None,
    max_choices: int = 1, allows_cant_say: bool = False, subject_ref: str | None = None,
) -> Question:
    _require_draft(survey)
    if len(survey.questions) >= MAX_QUESTIONS:
        raise SurveyError(f"A survey has at most {MAX_QUESTIONS} questions.")
    prompt = prompt.strip()
    if not prompt:
        raise SurveyError("Write the question.", field="prompt")
    options = [option.strip() for option in (options or []) if option.strip()]
    if type == QuestionType.SCALE:
        options = _scale_labels(options)
    elif type == QuestionType.YES_NO:
        options = ["Yes", "No"]
    elif type in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE):
        if not 2 <= len(options) <= MAX_OPTIONS:
            raise SurveyError(f"Give between 2 and {MAX_OPTIONS} options, one per line.", field="options")
        if len({option.casefold() for option in options}) != len(options):
            raise SurveyError("Each option must be different.", field="options")
    else:
        options, allows_cant_say = [], False
    if type == QuestionType.MULTIPLE_CHOICE:
        if not 1 <= max_choices <= len(options):
            raise SurveyError("At most this many choices must be between 1 and the number of options.",
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
        raise SurveyError(f"A scale needs {SCALE_POINTS} labels, one per line from 1 to {SCALE_POINTS}; "
                          f"{len(given)} {'was' if len(given) == 1 else 'were'} given. Leave the box empty for "
                          f"\u201c{DEFAULT_SCALE_LABELS[0]}\u201d to \u201c{DEFAULT_SCALE_LABELS[-1]}\u201d.",
                          field="options")
    if len({label.casefold() for label in given}) != len(given):
        raise SurveyError("Each point of the scale needs its own label.", field="options")
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
        raise SurveyError("A vote needs a yes/no question: add one (for example "
                          f"\u201c{vote_prompt(survey.title)}\u201d) before launching.")


def remove_question(survey: Survey, question: Question) -> None:
    _require_draft(survey)
    if question.survey_id != survey.id:
        raise SurveyError("That question belongs to another survey.")
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
