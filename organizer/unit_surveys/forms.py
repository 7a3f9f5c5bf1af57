"""Forms for surveys: defining one, adding questions, writing it again in
another language, launching (with the choice of where answers are locked),
answering, and a trustee's passphrase. The answer form and the wording form
are built per survey from its questions; the answer form words them in the
reader's language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from flask_babel import gettext, lazy_gettext, ngettext
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import (
    DataRequired,
    EqualTo,
    InputRequired,
    NumberRange,
    Optional,
    ValidationError,
)

from core import i18n, text
from core.clock import utcnow
from core.templating import untranslated
from core.timezones import DEFAULT_TIME_ZONE, to_local
from organizer.errors import DomainError
from organizer.unit_surveys.rank_answers import RankField, rank_help, ranking_answer
from organizer.unit_surveys.pay import STANDARD_TITLE, BandList, BandSteps, PayBasis, PaySurveyDetails
from organizer.unit_surveys.services import SERVER_KEY_RISK, device_encryption_by_default
from surveys.ballot_box import CANT_SAY, MAX_COMMENT
from surveys.definitions import (
    MAX_INTRO,
    MAX_PROMPT,
    MAX_TITLE,
    MAX_TRUSTEES,
    MIN_TRUSTEE_QUORUM,
    TRUSTEE_QUORUM_TOO_SMALL,
    QuestionWording,
    SurveyWording,
    default_scale_labels,
    language_name,
)
from surveys.keys import MIN_PASSPHRASE
from surveys.models import KeyMode, Question, QuestionType, SurveyKind
from surveys.pay import parse_amount

CANT = "cant"

KIND_LABELS = {
    SurveyKind.PULSE: lazy_gettext("Pulse: how the unit feels (can repeat)"),
    SurveyKind.ENDORSEMENT: lazy_gettext("Endorsement: coworkers back a member's claims and demands"),
    SurveyKind.BARGAINING: lazy_gettext("Bargaining: which issues come first"),
    SurveyKind.VOTE: lazy_gettext("Vote: yes or no (for example, to authorize a strike)"),
}

QUESTION_TYPE_LABELS = {
    QuestionType.SCALE: lazy_gettext("Scale from 1 to 5"),
    QuestionType.YES_NO: lazy_gettext("Yes or no"),
    QuestionType.SINGLE_CHOICE: lazy_gettext("Pick one"),
    QuestionType.MULTIPLE_CHOICE: lazy_gettext("Pick several"),
    QuestionType.FREE_TEXT: lazy_gettext("Written comment"),
    QuestionType.RANK: lazy_gettext("Put in order"),
}

#: The farthest ahead a survey may open or close: a later time is a typing slip
#: (a year of 2062), and a survey that waits that long answers nothing.
FURTHEST_AHEAD = timedelta(days=366)

KEY_MODE_CHOICES = [
    (KeyMode.SERVER_KEY.value, lazy_gettext("The server, by itself, when the survey closes (simplest): %(risk)s",
                                            risk=SERVER_KEY_RISK)),
    (KeyMode.TRUSTEES.value, lazy_gettext("Trustees: results are unlocked only when enough of the union's trustees "
                                          "take part, each on their own device, with the survey key they made "
                                          "together (safest)")),
]


class SurveyForm(FlaskForm):
    """A new survey's settings. Times are typed in the union's zone (`time_zone`,
    set by `survey_form_for`); the view turns them into UTC."""

    time_zone = DEFAULT_TIME_ZONE

    kind = SelectField(lazy_gettext("What kind of survey"),
                       choices=[(k.value, label) for k, label in KIND_LABELS.items()])
    # Each language named in its own words, as the language switch names it.
    language = SelectField(lazy_gettext("Written in"), choices=list(i18n.LANGUAGES.items()),
                           description=lazy_gettext("The language you write its title and questions in. Before "
                                                    "launching, you can write them again in the other language on "
                                                    "the survey's page: each member reads the one they read "
                                                    "Leverage in."))
    title = StringField(lazy_gettext("Title"), filters=[text.trim], validators=[DataRequired(), *text.name_rules(200)])
    intro = TextAreaField(lazy_gettext("Introduction"), filters=[text.trim, text.without_bidi_controls],
                          validators=[Optional(), *text.free_text_rules(2000)],
                          description=lazy_gettext("Shown above the questions. Say why you ask and who will see "
                                                   "what."))
    key_mode = RadioField(lazy_gettext("Who can unlock the results"), choices=KEY_MODE_CHOICES,
                          description=lazy_gettext("Answers are stored locked (encrypted). Only totals are ever "
                                                   "unlocked."))
    trustee_threshold = IntegerField(
        lazy_gettext("How many trustees must take part"),
        validators=[Optional(), NumberRange(MIN_TRUSTEE_QUORUM, MAX_TRUSTEES, message=TRUSTEE_QUORUM_TOO_SMALL)],
        description=lazy_gettext("Only with trustees: at least %(min)d. This is the t of \u201ct of n "
                                 "trustees\u201d: fewer than t cannot unlock the results, even together.",
                                 min=MIN_TRUSTEE_QUORUM))
    release_threshold = IntegerField(lazy_gettext("Show results only when at least this many people answered"),
                                     validators=[Optional(), NumberRange(2, 1000)])
    comment_threshold = IntegerField(lazy_gettext("Show written comments only when at least this many people "
                                                  "answered"),
                                     validators=[Optional(), NumberRange(2, 10000)])
    opens_at = DateTimeLocalField(lazy_gettext("Opens"), validators=[Optional()], format="%Y-%m-%dT%H:%M")
    closes_at = DateTimeLocalField(lazy_gettext("Closes"), validators=[Optional()], format="%Y-%m-%dT%H:%M")
    recurrence_weeks = IntegerField(lazy_gettext("Repeat every this many weeks (pulse only)"),
                                    validators=[Optional(), NumberRange(1, 52)],
                                    description=lazy_gettext("Leave empty for a survey that runs once."))
    standard_questions = BooleanField(
        lazy_gettext("Start with the standard questions"), default=True,
        description=lazy_gettext("Pulse: support for the union, willingness to act, the issues that matter most, "
                                 "and a comment. Bargaining: the parts of the job put in order, and how satisfied "
                                 "members are with each. Vote: the yes-or-no question. Other kinds start with no "
                                 "questions."))

    def validate_trustee_threshold(self, field: IntegerField) -> None:
        if self.key_mode.data == KeyMode.TRUSTEES.value and not field.data:
            raise ValidationError(gettext("Say how many trustees must take part."))

    def _local_now(self) -> datetime:
        return to_local(utcnow(), self.time_zone).replace(tzinfo=None)

    def validate_opens_at(self, field: DateTimeLocalField) -> None:
        now = self._local_now()
        if field.data and field.data.date() < now.date():
            raise ValidationError(gettext("That day has passed. Leave it empty to open the survey when you launch it."))
        if field.data and field.data > now + FURTHEST_AHEAD:
            raise ValidationError(gettext("Open it within a year from today."))

    def validate_closes_at(self, field: DateTimeLocalField) -> None:
        if not field.data:
            return
        now = self._local_now()
        if field.data <= now:
            raise ValidationError(gettext("That time has passed: choose a closing time still to come."))
        opens = self.opens_at.data if isinstance(self.opens_at.data, datetime) else now
        if field.data > max(opens, now) + FURTHEST_AHEAD:
            raise ValidationError(gettext("Close it within a year of its opening."))


def survey_form_for(union, *, trustees_ready: bool, union_key=None) -> SurveyForm:
    """The survey form for a union: k and the comment threshold start at its floors
    and say what they are (the service refuses anything lower either way), times
    read in its zone, and the results are unlocked by trustees only once the
    union's trustees have made its survey key; until then by the server, saying so."""
    form = SurveyForm(release_threshold=union.release_threshold, comment_threshold=union.comment_threshold,
                      language=i18n.current_language(),
                      key_mode=(KeyMode.TRUSTEES if trustees_ready else KeyMode.SERVER_KEY).value,
                      trustee_threshold=(union_key.threshold if union_key is not None
                                         else MIN_TRUSTEE_QUORUM if trustees_ready else None))
    form.time_zone = union.time_zone
    form.release_threshold.description = gettext(
        "The release threshold (k). The union's floor: %(floor)d (endorsements %(endorsements)d); you may raise "
        "it, never go below. Empty: the floor for the survey's kind.",
        floor=union.release_threshold, endorsements=union.endorsement_threshold)
    form.comment_threshold.description = gettext(
        "The comment threshold. The union's floor: %(floor)d; you may raise it, never go below. A sentence can "
        "give away who wrote it, so comments need more people than figures.", floor=union.comment_threshold)
    zone = union.time_zone.replace("_", " ")
    form.opens_at.description = _around_a_name(gettext("In %(zone)s time. Leave empty to open it when you launch it."),
                                               zone=zone)
    form.closes_at.description = _around_a_name(gettext("In %(zone)s time. Leave empty to close it by hand."), zone=zone)
    if union_key is not None:
        form.trustee_threshold.description = gettext(
            "The union's survey key, which its trustees made together, needs %(t)d of its %(n)d trustees: a "
            "survey unlocked by trustees uses it, with that number.", t=union_key.threshold,
            n=union_key.trustee_count)
    if not trustees_ready:
        form.key_mode.description = gettext(
            "The union's trustees have not made its survey key yet, so the server unlocks the results when the "
            "survey closes. That is simplest, but %(risk)s. For trustees instead, an organizer first starts the "
            "key ceremony on the union's Survey key page.", risk=SERVER_KEY_RISK)
    return form


def _around_a_name(words: str, **names: str) -> Markup:
    """Translated words (their placeholders not yet filled) around names that are
    not the interface's (a time zone's), which browsers' translators leave alone."""
    return escape(words) % {key: untranslated(name) for key, name in names.items()}


class QuestionForm(FlaskForm):
    type = SelectField(lazy_gettext("Kind of answer"),
                       choices=[(t.value, label) for t, label in QUESTION_TYPE_LABELS.items()])
    prompt = StringField(lazy_gettext("Question"), filters=[text.trim, text.without_bidi_controls],
                         validators=[DataRequired(), text.MaxLength(500), text.no_control_characters,
                                     text.visible_words])
    options = TextAreaField(
        lazy_gettext("Options, one per line"), filters=[text.without_bidi_controls],
        validators=[Optional(), text.MaxLength(4000), text.no_control_characters])
    # Its help names the standard scale labels in the draft's own language: see `question_form_for`.
    max_choices = IntegerField(lazy_gettext("At most this many choices"), default=1,
                               validators=[Optional(), NumberRange(1, 20)],
                               description=lazy_gettext("For “pick several”: at most this many. For “put in "
                                                        "order”: how many places (the top 3, say)."))
    allows_cant_say = BooleanField(lazy_gettext("Offer \u201ccan't say\u201d"))

    def validate_options(self, field: TextAreaField) -> None:
        lines = [line for line in (field.data or "").splitlines() if line.strip()]
        if lines and self.type.data in (QuestionType.YES_NO.value, QuestionType.FREE_TEXT.value):
            raise ValidationError(gettext("This kind of question takes no options: clear the box, or choose "
                                          "\u201cPick one\u201d to offer your own answers."))
        for number, line in enumerate(lines, start=1):
            if not text.has_visible_text(line):
                raise ValidationError(gettext("Option %(number)d is only blank or invisible characters: write it, "
                                              "or remove the line.", number=number))


def wording_form_for(survey, language: str) -> FlaskForm:
    """The form that writes a draft again in `language`: its title and intro, and
    each question's prompt and (for a scale or a choice) options, filled in with
    what is written in it already."""
    name = language_name(language)
    # What is typed is the survey's words, in `language`: browsers check its spelling in it, and leave it untranslated.
    typed = {"lang": language, "translate": "no"}
    fields: dict[str, object] = {
        "title": StringField(gettext("Title in %(language)s", language=name), filters=[text.trim],
                             validators=[Optional(), *text.name_rules(MAX_TITLE)], render_kw=typed),
        "intro": TextAreaField(gettext("Introduction in %(language)s", language=name),
                               filters=[text.trim, text.without_bidi_controls],
                               validators=[Optional(), *text.free_text_rules(MAX_INTRO)], render_kw=typed),
    }
    written = (survey.translations or {}).get(language, {})
    data = {"title": written.get("title", ""), "intro": written.get("intro", "")}
    for number, question in enumerate(survey.questions, start=1):
        fields[f"q{question.id}_prompt"] = StringField(
            gettext("Question %(number)d in %(language)s", number=number, language=name),
            filters=[text.trim, text.without_bidi_controls],
            validators=[Optional(), text.MaxLength(MAX_PROMPT), text.no_control_characters, text.visible_words],
            render_kw=typed)
        words = (question.translations or {}).get(language, {})
        data[f"q{question.id}_prompt"] = words.get("prompt", "")
        if question.type in CHOICE_TYPES:
            fields[f"q{question.id}_options"] = TextAreaField(
                gettext("Its options in %(language)s, one per line", language=name),
                filters=[text.without_bidi_controls], description=_options_help(survey, question, language),
                validators=[Optional(), text.MaxLength(4000), text.no_control_characters],
                render_kw={**typed, "rows": len(question.options) + 1})
            data[f"q{question.id}_options"] = "\n".join(words.get("options", []))
    form_class = type("WordingForm", (FlaskForm,), fields)
    return form_class(data=data)


#: The kinds of question whose options an organizer writes (yes and no are the interface's words).
CHOICE_TYPES = (QuestionType.SCALE, QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE, QuestionType.RANK)


def _options_help(survey, question: Question, language: str) -> str:
    if question.type == QuestionType.SCALE and question.options == default_scale_labels(survey.language):
        labels = default_scale_labels(language)
        words = gettext("Leave it empty for the standard labels in %(language)s, from \u201c%(lowest)s\u201d to "
                        "\u201c%(highest)s\u201d.")
        # The labels are the survey's words, not the interface's: marked so, around translated words.
        return escape(words) % {"language": language_name(language), "lowest": untranslated(labels[0]),
                                "highest": untranslated(labels[-1])}
    return ngettext("%(num)d option, in the same order as above.", "%(num)d options, in the same order as above.",
                    len(question.options))


def wording_from(form: FlaskForm, survey) -> tuple[SurveyWording, dict[int, QuestionWording]]:
    """The engine's wording from a validated wording form."""
    questions = {}
    for question in survey.questions:
        options = getattr(form, f"q{question.id}_options", None)
        lines = tuple(line for line in (options.data or "").splitlines() if line.strip()) if options else ()
        questions[question.id] = QuestionWording(getattr(form, f"q{question.id}_prompt").data or "", lines)
    return SurveyWording(form.title.data, form.intro.data), questions


def question_form_for(survey, **kwargs) -> QuestionForm:
    """The question form of a draft, its help naming the standard scale labels in
    the survey's own language (what an empty box gives), as the survey's words."""
    form = QuestionForm(**kwargs)
    labels = default_scale_labels(survey.language)
    form.options.description = _around_a_name(
        gettext("For \u201cpick one\u201d and \u201cpick several\u201d. For a scale: five labels, from 1 to 5, or "
                "leave it empty for \u201c%(lowest)s\u201d to \u201c%(highest)s\u201d."),
        lowest=labels[0], highest=labels[-1])
    return form


class LaunchForm(FlaskForm):
    device_encryption_required = BooleanField(
        lazy_gettext("Answers must be locked on the member's own phone or computer"),
        description=lazy_gettext("Then nobody running the server can read an answer, even as it arrives. Members "
                                 "need a browser with JavaScript on (any recent phone has one); without it they "
                                 "cannot answer. Left unticked, a member without JavaScript can still answer, and "
                                 "the server locks their answers as they arrive."))


def launch_form_for(survey) -> LaunchForm:
    """The launch form, its device-encryption box ticked for a vote to begin with."""
    return LaunchForm(device_encryption_required=device_encryption_by_default(survey.kind))


class TrusteeKeyForm(FlaskForm):
    passphrase = PasswordField(lazy_gettext("Trustee passphrase"),
                               validators=[DataRequired(), text.MaxLength(200, min=MIN_PASSPHRASE)],
                               description=lazy_gettext("At least %(min)d characters, and not your password. "
                                                        "Nobody can recover it: without it, your part of each "
                                                        "survey's key is lost.", min=MIN_PASSPHRASE))
    confirm = PasswordField(lazy_gettext("Repeat it"),
                            validators=[DataRequired(), EqualTo("passphrase", lazy_gettext("The passphrases differ."))])


class DecryptForm(FlaskForm):
    passphrase = PasswordField(lazy_gettext("Trustee passphrase"), validators=[DataRequired(), text.MaxLength(200)])


class _MultiCheckbox(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def answer_form_class(questions: list[Question], language: str | None = None) -> type[FlaskForm]:
    """A form with one field per question, named q<id>, worded in `language` (the
    reader's, by default) where the survey is written in it. Built once per distinct
    set of questions and words (a launched survey's never change), not on every
    answer. The fields and their values are the same in every language: only labels differ."""
    language = language or i18n.current_language()
    return _answer_form_class(tuple(
        _QuestionShape(q.id, q.type, q.prompt_in(language), tuple(q.options_in(language)), q.max_choices,
                       q.allows_cant_say)
        for q in questions))


@dataclass(frozen=True)
class _QuestionShape:
    """Everything the answer form takes from a question: the key of the cache."""

    id: int
    type: QuestionType
    prompt: str
    options: tuple[str, ...]
    max_choices: int
    allows_cant_say: bool


@lru_cache(maxsize=256)
def _answer_form_class(questions: tuple[_QuestionShape, ...]) -> type[FlaskForm]:
    # Built once for every reader: its words are lazy, and read in each reader's language.
    class AnswerForm(FlaskForm):
        pass

    for question in questions:
        cant = [(CANT, lazy_gettext("Can't say"))] if question.allows_cant_say else []
        name = f"q{question.id}"
        if question.type == QuestionType.FREE_TEXT:
            field = TextAreaField(question.prompt, filters=[text.without_bidi_controls],
                                  validators=[Optional(), text.MaxLength(MAX_COMMENT)],
                                  description=lazy_gettext("Optional. Comments are shown only in a shuffled "
                                                           "batch, and only when enough people answered."))
        elif question.type == QuestionType.RANK:
            field = RankField(question.prompt, options=question.options, places=question.max_choices,
                              allows_cant_say=question.allows_cant_say, description=rank_help(question.max_choices))
        elif question.type == QuestionType.MULTIPLE_CHOICE:
            field = _MultiCheckbox(question.prompt, choices=[(str(i), o) for i, o in enumerate(question.options)] + cant,
                                   description=lazy_gettext("Choose up to %(num)d.", num=question.max_choices),
                                   validators=[Optional()])
        else:
            if question.type == QuestionType.SCALE:
                choices = [(str(i + 1), f"{i + 1} · {label}") for i, label in enumerate(question.options)]
            elif question.type == QuestionType.YES_NO:
                choices = [("yes", lazy_gettext("Yes")), ("no", lazy_gettext("No"))]
            else:
                choices = [(str(i), option) for i, option in enumerate(question.options)]
            field = RadioField(question.prompt, choices=choices + cant,
                               validators=[InputRequired(message=lazy_gettext("Choose an answer."))])
        setattr(AnswerForm, name, field)
    return AnswerForm


class AnswerInvalid(DomainError):
    """An answer the form let through but the question cannot take, named by its
    field: a refusal like any other, so the unit of work puts it beside the field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message, field=field)


def answers_from(form: FlaskForm, questions: list[Question]) -> dict[int, object]:
    """The engine's answers from a validated form; AnswerInvalid names a bad field.

    A checkbox list marked Optional() accepts an empty value (Optional clears the
    choice check), so every value is checked again here rather than trusted."""
    answers: dict[int, object] = {}
    for question in questions:
        field = getattr(form, f"q{question.id}")
        data = field.data
        if question.type == QuestionType.FREE_TEXT:
            answers[question.id] = (data or "").strip()
        elif question.type == QuestionType.RANK:
            answers[question.id] = ranking_answer(field, question)
        elif question.type == QuestionType.MULTIPLE_CHOICE:
            chosen = [value for value in (data or []) if value]
            if CANT in chosen:
                if len(chosen) > 1:
                    raise AnswerInvalid(field.name, gettext("Choose options or \u201ccan't say\u201d, not both."))
                answers[question.id] = CANT_SAY
                continue
            if len(chosen) > question.max_choices:
                raise AnswerInvalid(field.name, gettext("Choose at most %(num)d.", num=question.max_choices))
            answers[question.id] = [_option_index(field.name, value, len(question.options)) for value in chosen]
        elif data == CANT:
            answers[question.id] = CANT_SAY
        elif question.type == QuestionType.YES_NO:
            answers[question.id] = data == "yes"
        else:
            # Scale answers run 1..n, choices 0..n-1 (as the form's values are built above).
            top = len(question.options) + (1 if question.type == QuestionType.SCALE else 0)
            answers[question.id] = _option_index(field.name, data, top)
    return answers


def _option_index(field: str, value: object, limit: int) -> int:
    if not isinstance(value, str) or not value.isdigit() or int(value) >= limit:
        raise AnswerInvalid(field, gettext("Choose one of the answers offered."))
    return int(value)


# -- pay surveys ----------------------------------------------------------------------------------

BAND_MODES = [("steps", lazy_gettext("Bands of one width, from a lowest pay up")),
              ("list", lazy_gettext("My own list of bands, one a line"))]


def _amount(form, field) -> None:
    if field.data and parse_amount(field.data) is None:
        raise ValidationError(gettext("Write an amount, such as 15 or 15.50."))


class PaySurveyForm(FlaskForm):
    """A pay survey's settings: its basis, the unit's roles and the pay bands. The bands
    are checked (gaps, overlaps, widths, how many) by the service, beside this form."""

    title = StringField(lazy_gettext("Title"), filters=[text.trim], validators=[DataRequired(), *text.name_rules(200)])
    language = SelectField(lazy_gettext("Written in"), choices=list(i18n.LANGUAGES.items()))
    intro = TextAreaField(lazy_gettext("Introduction"), filters=[text.trim, text.without_bidi_controls],
                          validators=[Optional(), *text.free_text_rules(2000)],
                          description=lazy_gettext("Shown above the questions. Say why you ask and who will see "
                                                   "what."))
    basis = RadioField(lazy_gettext("Ask pay"), choices=[(b.value, b.label) for b in PayBasis],
                       default=PayBasis.HOURLY.value,
                       description=lazy_gettext("One survey asks one of the two, so no figure mixes pay by the hour "
                                                "with pay by the year. Where some are paid each way, run one of each."))
    roles = TextAreaField(lazy_gettext("Roles in this unit, one a line"),
                          filters=[text.without_bidi_controls],
                          validators=[DataRequired(), text.MaxLength(3000), text.no_control_characters],
                          description=lazy_gettext("Job titles or classifications, as coworkers say them. Each member "
                                                   "chooses their own on their “Your role” page. A role with fewer "
                                                   "people than the results need counts under “Other roles”."),
                          render_kw={"rows": 5})
    band_mode = RadioField(lazy_gettext("How to set them"), choices=BAND_MODES, default="steps")
    band_start = StringField(lazy_gettext("Lowest band starts at"), filters=[text.trim], default="15",
                             validators=[Optional(), text.MaxLength(20), _amount])
    band_width = StringField(lazy_gettext("Each band is this wide"), filters=[text.trim], default="1",
                             validators=[Optional(), text.MaxLength(20), _amount],
                             description=lazy_gettext("For example 1 by the hour, or 5000 by the year."))
    band_count = IntegerField(lazy_gettext("How many bands"), default=25,
                              validators=[Optional(), NumberRange(1, 1000)])
    open_top = BooleanField(lazy_gettext("Add a top band for everything above: “… and over”"), default=True)
    band_list = TextAreaField(lazy_gettext("Bands, one a line, lowest first"),
                              validators=[Optional(), text.MaxLength(3000), text.no_control_characters],
                              description=lazy_gettext("For example 15-16, 16-17.50, 17.50-20, and 20+ for a top band "
                                                       "with no end. Each band starts where the one before ends."),
                              render_kw={"rows": 5})
    with_tenure = BooleanField(lazy_gettext("Also ask how long they have worked here"), default=True)
    with_hours = BooleanField(lazy_gettext("Also ask their usual hours a week"), default=True)
    key_mode = RadioField(lazy_gettext("Who can unlock the results"), choices=KEY_MODE_CHOICES)
    trustee_threshold = IntegerField(
        lazy_gettext("How many trustees must take part"),
        validators=[Optional(), NumberRange(MIN_TRUSTEE_QUORUM, MAX_TRUSTEES, message=TRUSTEE_QUORUM_TOO_SMALL)])
    release_threshold = IntegerField(lazy_gettext("Show a role's pay only when at least this many in it answered"),
                                     validators=[Optional(), NumberRange(2, 1000)])

    def validate_trustee_threshold(self, field: IntegerField) -> None:
        if self.key_mode.data == KeyMode.TRUSTEES.value and not field.data:
            raise ValidationError(gettext("Say how many trustees must take part."))

    def validate_band_list(self, field: TextAreaField) -> None:
        if self.band_mode.data == "list" and not (field.data or "").strip():
            raise ValidationError(gettext("Write the bands, one a line."))

    def validate_band_start(self, field: StringField) -> None:
        if self.band_mode.data == "steps" and not field.data:
            raise ValidationError(gettext("Say where the lowest band starts."))

    def validate_band_width(self, field: StringField) -> None:
        if self.band_mode.data == "steps" and not field.data:
            raise ValidationError(gettext("Say how wide each band is."))

    def validate_band_count(self, field: IntegerField) -> None:
        if self.band_mode.data == "steps" and not field.data:
            raise ValidationError(gettext("Say how many bands."))

    def details(self):
        """The service's input from the validated form."""
        if self.band_mode.data == "list":
            bands = BandList(self.band_list.data or "")
        else:
            bands = BandSteps(parse_amount(self.band_start.data), parse_amount(self.band_width.data),
                              self.band_count.data, open_top=bool(self.open_top.data))
        return PaySurveyDetails(
            title=self.title.data, basis=PayBasis(self.basis.data), roles=tuple((self.roles.data or "").splitlines()),
            bands=bands, with_tenure=bool(self.with_tenure.data), with_hours=bool(self.with_hours.data),
            key_mode=KeyMode(self.key_mode.data), release_threshold=self.release_threshold.data,
            trustee_threshold=self.trustee_threshold.data if self.key_mode.data == KeyMode.TRUSTEES.value else None,
            intro=self.intro.data or None, language=self.language.data)


def pay_survey_form_for(union, roles: list[str], *, trustees_ready: bool, union_key=None) -> PaySurveyForm:
    """The pay survey form of a unit: its declared roles, k at the union's floor, the
    title in the reader's language, trustees only once the union's survey key is made."""
    form = PaySurveyForm(title=str(STANDARD_TITLE), language=i18n.current_language(), roles="\n".join(roles),
                         release_threshold=union.release_threshold,
                         key_mode=(KeyMode.TRUSTEES if trustees_ready else KeyMode.SERVER_KEY).value,
                         trustee_threshold=union_key.threshold if union_key is not None else None)
    form.release_threshold.description = gettext(
        "The release threshold (k). The union's floor: %(floor)d; you may raise it, never go below.",
        floor=union.release_threshold)
    if not trustees_ready:
        form.key_mode.description = gettext(
            "The union's trustees have not made its survey key yet, so the server unlocks the results when the "
            "survey closes. That is simplest, but %(risk)s.", risk=SERVER_KEY_RISK)
    return form


NO_ROLE = "none"


class RoleChoiceForm(FlaskForm):
    """A member's own role: one of the unit's, by its place in the list, or none."""

    role = RadioField(lazy_gettext("Your role"), validators=[InputRequired(message=lazy_gettext("Choose one."))])
    roles: list[str] = []

    def chosen_role(self) -> str | None:
        value = self.role.data or NO_ROLE
        return self.roles[int(value)] if value.isdigit() and int(value) < len(self.roles) else None


def role_choice_form_for(roles: list[str], chosen: str | None, **kwargs) -> RoleChoiceForm:
    folded = [role.casefold() for role in roles]
    now = str(folded.index(chosen.casefold())) if chosen and chosen.casefold() in folded else NO_ROLE
    form = RoleChoiceForm(role=now, **kwargs)
    form.roles = list(roles)
    form.role.choices = [(str(i), untranslated(role)) for i, role in enumerate(roles)] + [
        (NO_ROLE, gettext("I would rather not say"))]
    return form
