"""Defining surveys: drafts, their questions, what each question accepts, and
their wording in languages other than their own.

A survey is written in one language (`Survey.language`) and may be written again
in others: its title and intro, each question's prompt and options. Only the
words change: a question's type, its number of options and its id are the
same in every language, so a ballot has one shape whatever its member read
and one tally counts every language's answers. The standard questions' words
come from the catalogue, so they are written in every language the interface
is (`add_standard_question`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from flask_babel import gettext, lazy_gettext, ngettext

from core import i18n
from core.extensions import db
from crypto.ballot import QuestionSpec
from crypto.rank import MAX_CELLS as MAX_RANK_CELLS
from surveys.errors import SurveyError
from surveys.models import DEFAULT_COMMENT_THRESHOLD, KeyMode, Question, QuestionType, Survey, SurveyKind

SCALE_POINTS = 5
DEFAULT_SCALE_LABELS = ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"]
#: The same five, in each language (`default_scale_labels`).
STANDARD_SCALE_LABELS = (lazy_gettext("Strongly disagree"), lazy_gettext("Disagree"), lazy_gettext("Neutral"),
                         lazy_gettext("Agree"), lazy_gettext("Strongly agree"))
MAX_TITLE = 200
MAX_INTRO = 2000
MAX_PROMPT = 500
MAX_OPTIONS = 20
MAX_QUESTIONS = 40
#: The most places a rank question asks for: 20 options in 10 places are 200
#: encrypted cells, within a ballot's 255 (crypto.rank.MAX_CELLS), and a member
#: asked to order more than ten things orders the rest at random.
MAX_RANKED = 10
#: The places of a ranking as a page names them, from the first.
PLACE_NAMES = (lazy_gettext("1st"), lazy_gettext("2nd"), lazy_gettext("3rd"), lazy_gettext("4th"),
               lazy_gettext("5th"), lazy_gettext("6th"), lazy_gettext("7th"), lazy_gettext("8th"),
               lazy_gettext("9th"), lazy_gettext("10th"))
#: The kinds of question whose options are words (an organizer's, or the standard ones).
WORDED_OPTION_TYPES = (QuestionType.SCALE, QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE,
                       QuestionType.RANK)
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
    #: The language its title, intro and questions are written in.
    language: str = i18n.DEFAULT_LANGUAGE


@dataclass(frozen=True)
class SurveyWording:
    """A survey's title and intro in one language; either may be left out (None or empty)."""

    title: str | None = None
    intro: str | None = None


@dataclass(frozen=True)
class QuestionWording:
    """A question's prompt and options in one language. The options are as many
    as the question's own, in the same order (a scale's may be left out where the
    question has the standard labels: they come in the language)."""

    prompt: str
    options: tuple[str, ...] = ()


#: The languages' names as a sentence says them ("in Spanish"), in the reader's language.
LANGUAGE_NAMES = {"en": lazy_gettext("English"), "es": lazy_gettext("Spanish")}


def language_name(code: str) -> str:
    """`code`'s name in the reader's words ("Spanish", "español")."""
    return str(LANGUAGE_NAMES.get(code, i18n.LANGUAGES.get(code, code)))


def other_languages(survey: Survey) -> list[str]:
    """The interface's languages a survey can be written again in: all but its own."""
    return [code for code in i18n.LANGUAGES if code != survey.language]


T = TypeVar("T")


def in_each_language(word: Callable[[], T]) -> dict[str, T]:
    """`word()` once in each language of the interface, by code: the catalogue's
    words for something the app itself writes into a survey."""
    found = {}
    for code in i18n.LANGUAGES:
        with i18n.in_language(code):
            found[code] = word()
    return found


def default_scale_labels(language: str) -> list[str]:
    """The standard labels of a scale's five points, in `language`."""
    with i18n.in_language(language):
        return [str(label) for label in STANDARD_SCALE_LABELS]


def _check_settings(settings: SurveySettings) -> None:
    if settings.language not in i18n.LANGUAGES:
        raise SurveyError(gettext("Choose one of the languages offered."), field="language")
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
    if settings.language != survey.language and _written_in(survey, settings.language):
        raise SurveyError(gettext("This survey already has a wording in %(language)s, so it cannot be written in "
                                  "%(language)s too.",
                                  language=language_name(settings.language)), field="language")
    for name, value in settings.__dict__.items():
        setattr(survey, name, value)
    db.session.flush()


def _require_draft(survey: Survey) -> None:
    if not survey.is_editable:
        raise SurveyError(gettext("Only a draft can be changed; this survey has been launched."))


def add_question(
    survey: Survey, *, type: QuestionType, prompt: str, options: list[str] | None = None,
    max_choices: int = 1, allows_cant_say: bool = False, subject_ref: str | None = None,
    translations: Mapping[str, QuestionWording] | None = None, most_options: int = MAX_OPTIONS,
    max_ranked: int | None = None,
) -> Question:
    """Add a question in the survey's own language, and, in `translations`, in
    others (each checked as `write_wording` checks it). `most_options` lets the
    app's own questions (a pay survey's bands) hold more options than a
    question an organizer types, up to what a ballot can carry. A rank question
    takes its number of places as `max_ranked` (or, as the question form sends
    it, `max_choices`)."""
    _require_draft(survey)
    if len(survey.questions) >= MAX_QUESTIONS:
        raise SurveyError(gettext("A survey has at most %(max)d questions.", max=MAX_QUESTIONS))
    prompt = prompt.strip()
    if not prompt:
        raise SurveyError(gettext("Write the question."), field="prompt")
    options = [option.strip() for option in (options or []) if option.strip()]
    if type == QuestionType.SCALE:
        options = _scale_labels(options, survey.language)
    elif type == QuestionType.YES_NO:
        options = ["Yes", "No"]
    elif type in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE, QuestionType.RANK):
        if not 2 <= len(options) <= most_options:
            raise SurveyError(gettext("Give between %(low)d and %(high)d options, one per line.", low=2,
                                      high=most_options), field="options")
        if len({option.casefold() for option in options}) != len(options):
            raise SurveyError(gettext("Each option must be different."), field="options")
    else:
        options, allows_cant_say = [], False
    if type == QuestionType.MULTIPLE_CHOICE:
        if not 1 <= max_choices <= len(options):
            raise SurveyError(gettext("At most this many choices must be between 1 and the number of options."),
                              field="max_choices")
    elif type == QuestionType.RANK:
        max_choices = _places(max_ranked if max_ranked is not None else max_choices, len(options))
    else:
        max_choices = 1
    number = len(survey.questions) + 1
    worded = {}
    for language, wording in (translations or {}).items():
        _require_other_language(survey, language)
        checked = _checked_wording(survey, type, options, language, wording, number, field_prefix="")
        if checked is not None:
            worded[language] = checked
    question = Question(
        survey=survey, position=len(survey.questions), type=type, prompt=prompt, options=options,
        max_choices=max_choices, allows_cant_say=allows_cant_say, subject_ref=subject_ref, translations=worded,
    )
    db.session.add(question)
    db.session.flush()
    return question


def _places(places: int, options: int) -> int:
    """A rank question's number of places, refused unless it is 1 to the number of its options (and MAX_RANKED)."""
    if not isinstance(places, int) or places < 1:
        raise SurveyError(gettext("Ask for at least 1 place: how many options each member puts in order."),
                          field="max_choices")
    if places > options:
        raise SurveyError(ngettext(
            "A ranking cannot have more places than options: this question has %(num)d option, so ask for at "
            "most %(num)d place.",
            "A ranking cannot have more places than options: this question has %(num)d options, so ask for at "
            "most %(num)d places.", options), field="max_choices")
    if places > MAX_RANKED or options * places > MAX_RANK_CELLS:
        raise SurveyError(gettext("Ask members to put at most %(max)d options in order.",
                                  max=min(MAX_RANKED, MAX_RANK_CELLS // options)), field="max_choices")
    return places


def add_standard_question(survey: Survey, *, type: QuestionType, word: Callable[[], QuestionWording],
                          **shape: Any) -> Question:
    """A question the app writes itself, whose words come from the catalogue
    (`word()` says them in the language it is called in): written in the
    survey's own language and, the same, in each of the others."""
    wordings = in_each_language(word)
    own = wordings.pop(survey.language)
    return add_question(survey, type=type, prompt=own.prompt, options=list(own.options), translations=wordings,
                        **shape)


def _scale_labels(given: list[str], language: str = i18n.DEFAULT_LANGUAGE) -> list[str]:
    """The labels an organizer wrote for the five points, kept as written, or the
    standard agreement labels (in the survey's language) when they wrote none.
    Any other number is refused rather than replaced: a scale whose words changed
    silently would be read against labels nobody chose."""
    if not given:
        return default_scale_labels(language)
    if len(given) != SCALE_POINTS:
        raise SurveyError(ngettext(
            "A scale needs %(points)d labels, one per line from 1 to %(points)d; %(num)d was given. Leave the box "
            "empty for \u201c%(lowest)s\u201d to \u201c%(highest)s\u201d.",
            "A scale needs %(points)d labels, one per line from 1 to %(points)d; %(num)d were given. Leave the box "
            "empty for \u201c%(lowest)s\u201d to \u201c%(highest)s\u201d.",
            len(given), points=SCALE_POINTS, lowest=default_scale_labels(language)[0],
            highest=default_scale_labels(language)[-1]),
            field="options")
    if len({label.casefold() for label in given}) != len(given):
        raise SurveyError(gettext("Each point of the scale needs its own label."), field="options")
    return given


def vote_prompt(title: str) -> str:
    """The yes/no question of a vote, from the survey's title, in the language of the moment."""
    return gettext("Do you vote yes on \u201c%(title)s\u201d?", title=title.strip())


def add_standard_vote_question(survey: Survey) -> Question:
    """The question a vote is for: yes or no, with no \u201ccan't say\u201d (whoever
    does not want to vote leaves the survey unanswered), in every language, each
    around the title in that language where it has one."""
    return add_standard_question(survey, type=QuestionType.YES_NO, word=lambda: QuestionWording(
        vote_prompt(survey.title_in(i18n.current_language()))))


def require_ready_to_launch(survey: Survey) -> None:
    """Refuse a survey whose questions cannot give the result its kind promises:
    a vote needs a yes/no question."""
    if survey.kind == SurveyKind.VOTE and not any(q.type == QuestionType.YES_NO for q in survey.questions):
        raise SurveyError(gettext("A vote needs a yes/no question: add one (for example \u201c%(prompt)s\u201d) "
                                  "before launching.", prompt=vote_prompt(survey.title_in(i18n.current_language()))))


# -- the wording in other languages -----------------------------------------------------------------

def _require_other_language(survey: Survey, language: str) -> None:
    if language not in i18n.LANGUAGES:
        raise SurveyError(gettext("Choose one of the languages offered."))
    if language == survey.language:
        raise SurveyError(gettext("This survey is written in %(language)s already.",
                                  language=language_name(language)))


def _written_in(survey: Survey, language: str) -> bool:
    return language in (survey.translations or {}) or any(language in (q.translations or {})
                                                          for q in survey.questions)


def _without(translations: Mapping[str, Any] | None, language: str, wording: Any) -> dict[str, Any]:
    """`translations` with `language` replaced by `wording` (or removed, for none): a
    new dict, so that the JSON column sees the change."""
    kept = {code: value for code, value in (translations or {}).items() if code != language}
    return {**kept, language: wording} if wording else kept


def write_wording(survey: Survey, language: str, wording: SurveyWording,
                  questions: Mapping[int, QuestionWording | None] | None = None) -> None:
    """Write a draft's title and intro in `language` (not its own), and, unless
    `questions` is None, each question's prompt and options: every question,
    by id; one left out, or with an empty prompt, has no words in `language`,
    and its readers read the survey's own. Everything is checked before anything
    is written, so a refusal leaves the wording as it was."""
    _require_draft(survey)
    _require_other_language(survey, language)
    title, intro = (wording.title or "").strip(), (wording.intro or "").strip()
    if len(title) > MAX_TITLE:
        raise SurveyError(gettext("Keep the title to %(max)d characters.", max=MAX_TITLE), field="title")
    if len(intro) > MAX_INTRO:
        raise SurveyError(gettext("Keep the introduction to %(max)d characters.", max=MAX_INTRO), field="intro")
    checked: dict[int, dict[str, Any] | None] = {}
    if questions is not None:
        if set(questions) - {q.id for q in survey.questions}:
            raise SurveyError(gettext("That question belongs to another survey."))
        for number, question in enumerate(survey.questions, start=1):
            checked[question.id] = _checked_wording(survey, question.type, question.options, language,
                                                    questions.get(question.id), number,
                                                    field_prefix=f"q{question.id}_")
    survey.translations = _without(survey.translations, language,
                                   {key: value for key, value in (("title", title), ("intro", intro)) if value})
    for question in survey.questions:
        if question.id in checked:
            question.translations = _without(question.translations, language, checked[question.id])
    db.session.flush()


def _checked_wording(survey: Survey, type: QuestionType, options: list[str], language: str,
                     wording: QuestionWording | None, number: int, *, field_prefix: str) -> dict[str, Any] | None:
    """A question's words in `language`, checked against the question (its type and
    its options in the survey's language); None when it has none."""
    prompt = (wording.prompt if wording is not None else "").strip()
    given = [option.strip() for option in (wording.options if wording is not None else ()) if option.strip()]
    name = language_name(language)
    if not prompt:
        if given:
            raise SurveyError(gettext("Question %(number)d: write the question in %(language)s too, or clear its "
                                      "options.", number=number, language=name), field=f"{field_prefix}prompt")
        return None
    if len(prompt) > MAX_PROMPT:
        raise SurveyError(gettext("Question %(number)d: keep it to %(max)d characters.", number=number,
                                  max=MAX_PROMPT), field=f"{field_prefix}prompt")
    if type not in WORDED_OPTION_TYPES:
        return {"prompt": prompt, "options": []}
    if not given and type == QuestionType.SCALE and options == default_scale_labels(survey.language):
        given = default_scale_labels(language)
    if len(given) != len(options):
        raise SurveyError(ngettext(
            "Question %(number)d has %(expected)d options, and its wording in %(language)s must have as many, one "
            "per line in the same order; %(num)d was given.",
            "Question %(number)d has %(expected)d options, and its wording in %(language)s must have as many, one "
            "per line in the same order; %(num)d were given.",
            len(given), number=number, expected=len(options), language=name), field=f"{field_prefix}options")
    if len({option.casefold() for option in given}) != len(given):
        raise SurveyError(gettext("Question %(number)d: each option must be different in %(language)s too.",
                                  number=number, language=name), field=f"{field_prefix}options")
    return {"prompt": prompt, "options": given}


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
    if question.type == QuestionType.RANK:
        return QuestionSpec.rank(len(question.options), question.max_ranked, allows_cant_say=question.allows_cant_say)
    raise ValueError("free-text questions are sealed, not encrypted as vectors")


def ballot_questions(survey: Survey) -> list[Question]:
    """The questions whose answers go into the encrypted ballot, in order."""
    return [q for q in survey.questions if not q.is_free_text]


def surveys_in_scope(scope: str) -> list[Survey]:
    return list(db.session.scalars(sa.select(Survey).where(Survey.scope == scope).order_by(Survey.id.desc())))
