"""Forms for surveys: defining one, adding questions, launching, answering,
and a trustee's passphrase. The answer form is built per survey from its
questions."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from flask_wtf import FlaskForm
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
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from organizer.errors import DomainError
from organizer.unit_surveys.services import SERVER_KEY_RISK
from surveys.ballot_box import CANT_SAY, MAX_COMMENT
from surveys.definitions import MAX_TRUSTEES, MIN_TRUSTEE_QUORUM, TRUSTEE_QUORUM_TOO_SMALL
from surveys.keys import MIN_PASSPHRASE
from surveys.models import KeyMode, Question, QuestionType, SurveyKind

CANT = "cant"

KIND_LABELS = {
    SurveyKind.PULSE: "Pulse: the unit's temperature (may repeat)",
    SurveyKind.ENDORSEMENT: "Endorsement: coworkers weigh a member's claims",
    SurveyKind.BARGAINING: "Bargaining: rank issue categories",
    SurveyKind.VOTE: "Vote: yes or no (e.g. strike authorization)",
}

QUESTION_TYPE_LABELS = {
    QuestionType.SCALE: "Scale 1–5",
    QuestionType.YES_NO: "Yes / no",
    QuestionType.SINGLE_CHOICE: "Single choice",
    QuestionType.MULTIPLE_CHOICE: "Multiple choice",
    QuestionType.FREE_TEXT: "Free text (comment)",
}


class SurveyForm(FlaskForm):
    kind = SelectField("Kind", choices=[(k.value, label) for k, label in KIND_LABELS.items()])
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    intro = TextAreaField("Introduction", validators=[Optional(), Length(max=2000)],
                          description="Shown above the questions. Say why you ask and who will see what.")
    key_mode = SelectField(
        "Who can decrypt the results", choices=[
            (KeyMode.TRUSTEES.value, "Trustees: t of the n stewards or organizers named at launch must take part, "
                                     "each with their passphrase (t at least 2)"),
            (KeyMode.SERVER_KEY.value, f"The server alone (one key holder), automatically at close: {SERVER_KEY_RISK}"),
        ])
    trustee_threshold = IntegerField(
        "Trustees needed to decrypt (t)",
        validators=[Optional(), NumberRange(MIN_TRUSTEE_QUORUM, MAX_TRUSTEES, message=TRUSTEE_QUORUM_TOO_SMALL)],
        description=f"With trustees: how many of them must take part, at least {MIN_TRUSTEE_QUORUM}.")
    release_threshold = IntegerField("Release threshold k", validators=[Optional(), NumberRange(2, 1000)])
    comment_threshold = IntegerField("Comments need at least", validators=[Optional(), NumberRange(2, 10000)])
    opens_at = DateTimeLocalField("Opens at (UTC)", validators=[Optional()], format="%Y-%m-%dT%H:%M",
                                  description="Leave empty to open at launch.")
    closes_at = DateTimeLocalField("Closes at (UTC)", validators=[Optional()], format="%Y-%m-%dT%H:%M",
                                   description="Leave empty to close it by hand.")
    recurrence_weeks = IntegerField("Repeat every N weeks (pulse)", validators=[Optional(), NumberRange(1, 52)])
    standard_questions = BooleanField("Start with the standard pulse questions", default=True)

    def validate_trustee_threshold(self, field: IntegerField) -> None:
        if self.key_mode.data == KeyMode.TRUSTEES.value and not field.data:
            raise ValidationError("Say how many trustees must take part.")


def survey_form_with_floors(union) -> SurveyForm:
    """The survey form, its k and comment threshold starting at the union's floors
    and saying what they are (the service refuses anything lower either way)."""
    form = SurveyForm(release_threshold=union.release_threshold, comment_threshold=union.comment_threshold)
    form.release_threshold.description = (
        f"No figure is shown unless at least k people answered. The union's floor: {union.release_threshold} "
        f"(endorsements {union.endorsement_threshold}); you may raise it, never go below. "
        "Empty: the floor for the survey's kind.")
    form.comment_threshold.description = (
        f"The union's floor for comments: {union.comment_threshold}; you may raise it, never go below.")
    return form


class QuestionForm(FlaskForm):
    type = SelectField("Type", choices=[(t.value, label) for t, label in QUESTION_TYPE_LABELS.items()])
    prompt = StringField("Question", validators=[DataRequired(), Length(max=500)])
    options = TextAreaField("Options, one per line", validators=[Optional(), Length(max=4000)],
                            description="For choices; for a scale, five labels from 1 to 5 (or leave empty).")
    max_choices = IntegerField("At most this many choices", default=1, validators=[Optional(), NumberRange(1, 20)])
    allows_cant_say = BooleanField("Offer \u201ccan't say\u201d")


class LaunchForm(FlaskForm):
    trustees = SelectMultipleField("Trustees", coerce=int, option_widget=widgets.CheckboxInput(),
                                   widget=widgets.ListWidget(prefix_label=False))


class TrusteeKeyForm(FlaskForm):
    passphrase = PasswordField("Trustee passphrase", validators=[DataRequired(), Length(min=MIN_PASSPHRASE, max=200)],
                               description="Separate from your password. Nobody can recover it: without it your "
                                           "share of a survey's key is lost.")
    confirm = PasswordField("Repeat it", validators=[DataRequired(), EqualTo("passphrase", "The passphrases differ.")])


class DecryptForm(FlaskForm):
    passphrase = PasswordField("Trustee passphrase", validators=[DataRequired(), Length(max=200)])


class _MultiCheckbox(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def answer_form_class(questions: list[Question]) -> type[FlaskForm]:
    """A form with one field per question, named q<id>. Built once per distinct
    set of questions (a launched survey's never change), not on every answer."""
    return _answer_form_class(tuple(
        _QuestionShape(q.id, q.type, q.prompt, tuple(q.options), q.max_choices, q.allows_cant_say)
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
    class AnswerForm(FlaskForm):
        pass

    for question in questions:
        cant = [(CANT, "Can't say")] if question.allows_cant_say else []
        name = f"q{question.id}"
        if question.type == QuestionType.FREE_TEXT:
            field = TextAreaField(question.prompt, validators=[Optional(), Length(max=MAX_COMMENT)],
                                  description="Optional. Comments are shown only in a shuffled batch, and only "
                                              "when enough people answered.")
        elif question.type == QuestionType.MULTIPLE_CHOICE:
            field = _MultiCheckbox(question.prompt, choices=[(str(i), o) for i, o in enumerate(question.options)] + cant,
                                   description=f"Choose up to {question.max_choices}.", validators=[Optional()])
        else:
            if question.type == QuestionType.SCALE:
                choices = [(str(i + 1), f"{i + 1} · {label}") for i, label in enumerate(question.options)]
            elif question.type == QuestionType.YES_NO:
                choices = [("yes", "Yes"), ("no", "No")]
            else:
                choices = [(str(i), option) for i, option in enumerate(question.options)]
            field = RadioField(question.prompt, choices=choices + cant,
                               validators=[InputRequired(message="Choose an answer.")])
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
        elif question.type == QuestionType.MULTIPLE_CHOICE:
            chosen = [value for value in (data or []) if value]
            if CANT in chosen:
                if len(chosen) > 1:
                    raise AnswerInvalid(field.name, "Choose options or \u201ccan't say\u201d, not both.")
                answers[question.id] = CANT_SAY
                continue
            if len(chosen) > question.max_choices:
                raise AnswerInvalid(field.name, f"Choose at most {question.max_choices}.")
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
        raise AnswerInvalid(field, "Choose one of the answers offered.")
    return int(value)
