"""The question bank: standard surveys an organizer starts in two clicks (one
to make the draft, one to launch it from its preview), each written in every
language of the interface from the catalogue, as the standard pulse is.

* **Bargaining priorities** (a bargaining survey): the job-quality categories of
  the importance ontology put in order, up to three (a rank question, so the
  sums say how many put each category first, second and third: the ranking
  the summary can follow), then how satisfied each member is today with each
  category, 1 to 5, and a comment. Three places, not five: nine categories are
  few enough to read at once, and a member's fourth and fifth choices say
  little about what to fight for first while costing a third more to lock.
* **Stay interview** (a one-off pulse): what would make you want to stay,
  the six reasons that retention studies find again and again, put in order,
  up to three; whether you see yourself here in a year; and a comment. A rank
  rather than a multiple choice: the organizing committee needs what comes
  first, and "flexible schedule" chosen by everyone as one of four says less
  than "flexible schedule, first for half of you". It is a pulse, not a
  bargaining survey, so that it never takes the place of the bargaining
  priorities that order the summary; a one-off pulse counts in the unit's
  strength only if an organizer marks it so.

The options of the category ranking are the categories' own labels, as the
pulse's top issues are (released surveys keep these strings), so a reader can
find that question among a survey's questions (`category_ranking`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import gettext, lazy_gettext
from flask_babel.speaklater import LazyString

from core import i18n
from organizer.errors import DomainError
from organizer.ontology import Category
from surveys import definitions
from surveys.definitions import QuestionWording, SurveyWording
from surveys.models import Question, QuestionType, Survey, SurveyKind

#: How many categories a member puts in order in the bargaining priorities.
PRIORITY_PLACES = 3
PRIORITIES_PROMPT = lazy_gettext("Which parts of the job should we bargain for first? Put up to three in order.")
#: Said with each category's label.
SATISFACTION_PROMPT = lazy_gettext("%(category)s: how satisfied are you today?")
SATISFACTION_LABELS = (lazy_gettext("Very dissatisfied"), lazy_gettext("Dissatisfied"),
                       lazy_gettext("Neither satisfied nor dissatisfied"), lazy_gettext("Satisfied"),
                       lazy_gettext("Very satisfied"))
BARGAINING_COMMENT_PROMPT = lazy_gettext("Anything else the bargaining committee should hear?")

#: How many reasons a member puts in order in the stay interview.
STAY_PLACES = 3
STAY_PROMPT = lazy_gettext("What would make you want to stay? Put up to three in order.")
STAY_REASONS = (lazy_gettext("Better feedback on my work"), lazy_gettext("A more flexible schedule"),
                lazy_gettext("Training"), lazy_gettext("Experience in other kinds of work"),
                lazy_gettext("Creative work"), lazy_gettext("Working with strong colleagues"))
STAY_YEAR_PROMPT = lazy_gettext("I see myself still working here a year from now.")
STAY_COMMENT_PROMPT = lazy_gettext("What would make you more likely to stay, or to leave?")


def category_labels() -> tuple[str, ...]:
    """The job-quality categories, in the language of the moment."""
    return tuple(str(category.label) for category in Category)


def _words(prompt: LazyString | str, options: tuple = ()) -> Callable[[], QuestionWording]:
    return lambda: QuestionWording(str(prompt), tuple(str(option) for option in options))


def add_bargaining_questions(survey: Survey) -> None:
    """The bargaining priorities' questions (see the module docstring)."""
    definitions.add_standard_question(survey, type=QuestionType.RANK, max_ranked=PRIORITY_PLACES,
                                      allows_cant_say=True,
                                      word=lambda: QuestionWording(str(PRIORITIES_PROMPT), category_labels()))
    for category in Category:
        definitions.add_standard_question(
            survey, type=QuestionType.SCALE, allows_cant_say=True,
            word=lambda category=category: QuestionWording(
                str(SATISFACTION_PROMPT) % {"category": str(category.label)},
                tuple(str(label) for label in SATISFACTION_LABELS)))
    definitions.add_standard_question(survey, type=QuestionType.FREE_TEXT, word=_words(BARGAINING_COMMENT_PROMPT))


def add_stay_interview_questions(survey: Survey) -> None:
    """The stay interview's questions (see the module docstring)."""
    definitions.add_standard_question(survey, type=QuestionType.RANK, max_ranked=STAY_PLACES, allows_cant_say=True,
                                      word=_words(STAY_PROMPT, STAY_REASONS))
    # No options: the standard agreement labels, in each language.
    definitions.add_standard_question(survey, type=QuestionType.SCALE, allows_cant_say=True,
                                      word=_words(STAY_YEAR_PROMPT))
    definitions.add_standard_question(survey, type=QuestionType.FREE_TEXT, word=_words(STAY_COMMENT_PROMPT))


@dataclass(frozen=True)
class StandardSurvey:
    """One survey of the bank, as the unit's surveys page offers it."""

    key: str
    kind: SurveyKind
    title: LazyString
    intro: LazyString
    #: What it asks, in a line beside its button.
    about: LazyString
    #: The button's words.
    button: LazyString
    add_questions: Callable[[Survey], None]


STANDARD_SURVEYS: dict[str, StandardSurvey] = {
    standard.key: standard for standard in (
        StandardSurvey(
            "bargaining", SurveyKind.BARGAINING, lazy_gettext("Bargaining priorities"),
            lazy_gettext("What should we bargain for first? Put the parts of the job that matter most to you in "
                         "order, then say how satisfied you are with each one today."),
            lazy_gettext("Members put the nine parts of the job in order (their top three) and say how satisfied "
                         "they are with each, 1 to 5."),
            lazy_gettext("Start a bargaining survey"), add_bargaining_questions),
        StandardSurvey(
            "stay", SurveyKind.PULSE, lazy_gettext("Stay interview"),
            lazy_gettext("What would make you want to stay in this job? Your answers show the organizing committee "
                         "what to push for first."),
            lazy_gettext("Members put what would make them stay in order (their top three: feedback, a flexible "
                         "schedule, training, other kinds of work, creative work, strong colleagues) and say "
                         "whether they see themselves here in a year."),
            lazy_gettext("Start a stay interview"), add_stay_interview_questions),
    )
}


def standard_survey(key: str) -> StandardSurvey:
    standard = STANDARD_SURVEYS.get(key)
    if standard is None:
        raise DomainError(gettext("There is no such standard survey."))
    return standard


def fill(survey: Survey, standard: StandardSurvey) -> None:
    """A new draft made from `standard`: its questions, and its title and
    introduction in each of the interface's other languages (its own are the
    draft's already)."""
    standard.add_questions(survey)
    for language in definitions.other_languages(survey):
        with i18n.in_language(language):
            wording = SurveyWording(str(standard.title), str(standard.intro))
        definitions.write_wording(survey, language, wording)


def category_ranking(survey: Survey) -> Question | None:
    """The survey's ranking of the job-quality categories (the bargaining
    priorities' first question), or None: a rank question whose options are the
    categories' labels, in the survey's own language."""
    with i18n.in_language(survey.language):
        labels = list(category_labels())
    return next((question for question in survey.questions
                 if question.type == QuestionType.RANK and list(question.options) == labels), None)
