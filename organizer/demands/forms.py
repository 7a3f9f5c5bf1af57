"""Forms of claims, demands, employer responses and endorsement surveys."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from core import text as rules
from core.clock import today
from organizer.charting.forms import strip_text
from organizer.demands.models import Basis, Category, ClaimSection, DemandKind, EmployerResponse, Tier
from organizer.demands.services import CLAIM_TEXT, DEMAND_TEXT, ENDORSEMENT_DAYS, FIRST_YEAR, NOTE_MAX, DemandFilters


def enum_choices(enum_class) -> list[tuple[str, str]]:
    return [(member.value, member.label) for member in enum_class]


class DemandForm(FlaskForm):
    text = TextAreaField(
        "Your demand, as a question the employer must answer", filters=[strip_text, rules.without_bidi_controls],
        description="For example: “Will you pay the night differential on every night shift? How, and from when?” "
                    f"Up to {DEMAND_TEXT[1]} characters.",
        validators=[DataRequired(), *rules.free_text_rules(DEMAND_TEXT[1], DEMAND_TEXT[0]), rules.visible_words,
                    rules.not_repeated])
    kind = RadioField("Kind", choices=enum_choices(DemandKind), default=DemandKind.DEMAND.value)
    tier = RadioField("How important is it to you?",
                      choices=[(t.value, f"{t.label}: {t.meaning}") for t in Tier], default=Tier.IMPORTANT.value)
    basis = SelectField("What leverage does it rest on?", choices=enum_choices(Basis),
                        description="Why the employer should say yes: your work, your growth, what you need, "
                                    "what the whole unit needs, or what others are paid.")
    category = SelectField("Category", choices=enum_choices(Category))
    claim_ids = SelectMultipleField(
        "Claims from your profile it rests on", coerce=int, validate_choice=True,
        description="Optional. Coworkers can endorse these claims too.")
    is_attributable = BooleanField(
        "Stewards may show my name with this demand",
        description="Leave it unticked to stay anonymous: stewards and summaries show it as from “a member”.")

    def set_claim_choices(self, claims) -> None:
        self.claim_ids.choices = [(c.id, c.text if len(c.text) <= 80 else c.text[:77] + "…") for c in claims]


class ClaimForm(FlaskForm):
    section = SelectField("Part of your profile", choices=enum_choices(ClaimSection))
    year = IntegerField("Year", validators=[Optional(), NumberRange(min=FIRST_YEAR, max=9999)],
                        description="The year you were hired, or of the achievement. Needed for performance.")
    text = TextAreaField(
        "What you bring or need", filters=[strip_text, rules.without_bidi_controls],
        description="The experience itself, never the name of a previous employer. "
                    "For example: “Trained the four newest hires on the sorter.”",
        validators=[DataRequired(), *rules.free_text_rules(CLAIM_TEXT[1], CLAIM_TEXT[0]), rules.visible_words,
                    rules.not_repeated])

    def validate_year(self, field: IntegerField) -> None:
        if field.data is not None and field.data > today().year:
            raise ValidationError(f"That year is still to come: give a year from {FIRST_YEAR} to {today().year}.")


class ResponseForm(FlaskForm):
    response = SelectField("The employer's answer", choices=enum_choices(EmployerResponse))
    note = TextAreaField("How they answered", filters=[strip_text, rules.without_bidi_controls],
                         validators=[Optional(), *rules.free_text_rules(NOTE_MAX)])


class EndorsementLaunchForm(FlaskForm):
    request = HiddenField(validators=[DataRequired(), Length(max=64)])
    days_open = IntegerField("Days open", default=7,
                             validators=[InputRequired(), NumberRange(min=ENDORSEMENT_DAYS[0], max=ENDORSEMENT_DAYS[1])])


class SameAsForm(FlaskForm):
    same_as = SelectField("Same demand as", coerce=lambda v: None if v in (None, "", "None") else int(v),
                          validate_choice=True,
                          description="Combine it with another member's demand that asks the same thing.")

    def set_choices(self, others: list[tuple[int, str]]) -> None:
        """`others`: (id, words) of the demands it may be combined with."""
        self.same_as.choices = [(None, "— not combined —")] + [
            (other_id, text if len(text) <= 70 else text[:67] + "…") for other_id, text in others]


def _enum_or_none(enum_class):
    """A select of an enum's values where the empty choice lets any through. Anything else is
    kept as given, which matches no choice: the form says "Not a valid choice"."""
    def coerce(value: object):
        if value in (None, "", "None") or isinstance(value, enum_class):
            return value or None
        try:
            return enum_class(value)
        except ValueError:
            return str(value)
    return coerce


#: The employer's answer as the filter of a unit's demands names it (NO_ANSWER takes in "none recorded").
ANSWER_FILTER_CHOICES = [(None, "Any"), (EmployerResponse.NO_ANSWER.value, "No answer yet"),
                         *[(r.value, r.label) for r in EmployerResponse if r is not EmployerResponse.NO_ANSWER]]


class UnitDemandsFilterForm(FlaskForm):
    """Which page of a unit's demands, and which demands: read from the query string. A GET
    filter changes nothing, so it needs no CSRF token. A page past the last shows the last;
    a page that is not a whole number from 1, or a value not offered, is a form error."""

    class Meta:
        csrf = False

    kind = SelectField("Kind", coerce=_enum_or_none(DemandKind), validate_choice=True,
                       choices=[(None, "Any"), (DemandKind.DEMAND.value, "Demands"),
                                (DemandKind.QUESTION.value, "Questions")])
    tier = SelectField("Tier", coerce=_enum_or_none(Tier), validate_choice=True,
                       choices=[(None, "Any"), *enum_choices(Tier)])
    category = SelectField("Category", coerce=_enum_or_none(Category), validate_choice=True,
                           choices=[(None, "Any"), *enum_choices(Category)])
    answer = SelectField("Answer", coerce=_enum_or_none(EmployerResponse), validate_choice=True,
                         choices=ANSWER_FILTER_CHOICES)
    page = IntegerField("Page", default=1, validators=[Optional(), NumberRange(min=1, message="Pages start at 1.")])

    @property
    def filters(self) -> DemandFilters:
        return DemandFilters(kind=self.kind.data, tier=self.tier.data, category=self.category.data,
                             answer=self.answer.data)

    def query_args(self) -> dict[str, str]:
        """The filters as given, for links to the other pages of the same list."""
        given = {"kind": self.kind.data, "tier": self.tier.data, "category": self.category.data,
                 "answer": self.answer.data}
        return {name: value.value for name, value in given.items() if value is not None}
