"""Forms of claims, demands, employer responses and endorsement surveys. Their words are
`lazy_gettext`: a form class is built once, at import, and read in each visitor's language."""

from __future__ import annotations

from flask_babel import gettext, lazy_gettext
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


#: A box or an option holding a member's words, not the interface's (see `core.templating.untranslated`).
_AS_WRITTEN = {"translate": "no"}


def enum_choices(enum_class) -> list[tuple[str, str]]:
    return [(member.value, member.label) for member in enum_class]


class DemandForm(FlaskForm):
    text = TextAreaField(
        lazy_gettext("Your demand, as a question the employer must answer"),
        filters=[strip_text, rules.without_bidi_controls], render_kw=_AS_WRITTEN,
        description=lazy_gettext("For example: “Will you pay the night differential on every night shift? How, "
                                 "and from when?” Up to %(max)d characters.", max=DEMAND_TEXT[1]),
        validators=[DataRequired(), *rules.free_text_rules(DEMAND_TEXT[1], DEMAND_TEXT[0]), rules.visible_words,
                    rules.not_repeated])
    kind = RadioField(lazy_gettext("Kind"), choices=enum_choices(DemandKind), default=DemandKind.DEMAND.value)
    tier = RadioField(lazy_gettext("How important is it to you?"),
                      # TRANSLATORS: a tier's name, then what it means ("Priority: Strongly wanted; ...").
                      choices=[(t.value, lazy_gettext("%(tier)s: %(meaning)s", tier=t.label, meaning=t.meaning))
                               for t in Tier], default=Tier.IMPORTANT.value)
    basis = SelectField(lazy_gettext("What leverage does it rest on?"), choices=enum_choices(Basis),
                        description=lazy_gettext("Why the employer should say yes: your work, your growth, what "
                                                 "you need, what the whole unit needs, or what others are paid."))
    category = SelectField(lazy_gettext("Category"), choices=enum_choices(Category))
    claim_ids = SelectMultipleField(
        lazy_gettext("Claims from your profile it rests on"), coerce=int, validate_choice=True,
        description=lazy_gettext("Optional. Coworkers can endorse these claims too."))
    is_attributable = BooleanField(
        lazy_gettext("Stewards may show my name with this demand"),
        description=lazy_gettext("Leave it unticked to stay anonymous: stewards and summaries show it as from "
                                 "“a member”."))

    def set_claim_choices(self, claims) -> None:
        # The member's own words: marked so that a browser's translator leaves them as written.
        # Each starts with where it sits in the profile, so a demand for training or an
        # accommodation can find the need it answers among the achievements.
        self.claim_ids.choices = [(c.id, _claim_choice(c), _AS_WRITTEN) for c in claims]


def _claim_choice(claim) -> str:
    words = claim.text if len(claim.text) <= 80 else claim.text[:77] + "…"
    if claim.section is ClaimSection.NEED:
        return gettext("Need: %(words)s", words=words)
    if claim.section is ClaimSection.HIRE:
        return gettext("Hired for: %(words)s", words=words)
    return f"{claim.year}: {words}" if claim.year else words


_NOTHING_IN_PARTICULAR = ("", lazy_gettext("Nothing in particular"))


def _id_or_none(value) -> int | None:
    # The empty choice ("nothing in particular") is None; anything else must be a row id,
    # and a value that is neither is not among the choices, so `validate_choice` refuses it.
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


class ClaimForm(FlaskForm):
    section = SelectField(lazy_gettext("Part of your profile"), choices=enum_choices(ClaimSection))
    year = IntegerField(lazy_gettext("Year"), validators=[Optional(), NumberRange(min=FIRST_YEAR, max=9999)],
                        description=lazy_gettext("The year you were hired, or of the achievement. Needed for "
                                                 "performance."))
    text = TextAreaField(
        lazy_gettext("What you bring or need"), filters=[strip_text, rules.without_bidi_controls],
        render_kw=_AS_WRITTEN,
        description=lazy_gettext("The experience itself, never the name of a previous employer. "
                                 "For example: “Trained the four newest hires on the sorter.”"),
        validators=[DataRequired(), *rules.free_text_rules(CLAIM_TEXT[1], CLAIM_TEXT[0]), rules.visible_words,
                    rules.not_repeated])

    grew_from_id = SelectField(
        lazy_gettext("Grew from"), coerce=_id_or_none, validate_choice=True, choices=[_NOTHING_IN_PARTICULAR],
        description=lazy_gettext("For an achievement: which of your qualifications at hire it built on. "
                                 "Where the achievement backs a demand, stewards see what it grew from."))

    def validate_year(self, field: IntegerField) -> None:
        if field.data is not None and field.data > today().year:
            raise ValidationError(gettext("That year is still to come: give a year from %(first)d to %(last)d.",
                                          first=FIRST_YEAR, last=today().year))

    def set_qualification_choices(self, claims) -> None:
        self.grew_from_id.choices = qualification_choices(claims)


class GrewFromForm(FlaskForm):
    """Change which qualification at hire one achievement grew from."""

    grew_from_id = SelectField(lazy_gettext("Grew from"), coerce=_id_or_none, validate_choice=True,
                               choices=[_NOTHING_IN_PARTICULAR])

    def set_qualification_choices(self, claims) -> None:
        self.grew_from_id.choices = qualification_choices(claims)


def qualification_choices(claims) -> list:
    """The member's qualifications at hire to choose from, after "nothing in particular"."""
    choices = [_NOTHING_IN_PARTICULAR]
    for claim in claims:
        if claim.section is ClaimSection.HIRE:
            choices.append((claim.id, _claim_choice(claim), _AS_WRITTEN))
    return choices


class ResponseForm(FlaskForm):
    response = SelectField(lazy_gettext("The employer's answer"), choices=enum_choices(EmployerResponse))
    note = TextAreaField(lazy_gettext("How they answered"), filters=[strip_text, rules.without_bidi_controls],
                         render_kw=_AS_WRITTEN,
                         validators=[Optional(), *rules.free_text_rules(NOTE_MAX)])


class EndorsementLaunchForm(FlaskForm):
    request = HiddenField(validators=[DataRequired(), Length(max=64)])
    days_open = IntegerField(lazy_gettext("Days open"), default=7,
                             validators=[InputRequired(), NumberRange(min=ENDORSEMENT_DAYS[0], max=ENDORSEMENT_DAYS[1])])


class SameAsForm(FlaskForm):
    same_as = SelectField(lazy_gettext("Same demand as"), coerce=lambda v: None if v in (None, "", "None") else int(v),
                          validate_choice=True,
                          description=lazy_gettext("Combine it with another member's demand that asks the same "
                                                   "thing."))

    def set_choices(self, others: list[tuple[int, str]]) -> None:
        """`others`: (id, words) of the demands it may be combined with."""
        self.same_as.choices = [(None, gettext("— not combined —"))] + [
            (other_id, text if len(text) <= 70 else text[:67] + "…", _AS_WRITTEN) for other_id, text in others]


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
ANSWER_FILTER_CHOICES = [(None, lazy_gettext("Any")), (EmployerResponse.NO_ANSWER.value, lazy_gettext("No answer yet")),
                         *[(r.value, r.label) for r in EmployerResponse if r is not EmployerResponse.NO_ANSWER]]


class UnitDemandsFilterForm(FlaskForm):
    """Which page of a unit's demands, and which demands: read from the query string. A GET
    filter changes nothing, so it needs no CSRF token. A page past the last shows the last;
    a page that is not a whole number from 1, or a value not offered, is a form error."""

    class Meta:
        csrf = False

    kind = SelectField(lazy_gettext("Kind"), coerce=_enum_or_none(DemandKind), validate_choice=True,
                       choices=[(None, lazy_gettext("Any")), (DemandKind.DEMAND.value, lazy_gettext("Demands")),
                                (DemandKind.QUESTION.value, lazy_gettext("Questions"))])
    tier = SelectField(lazy_gettext("Tier"), coerce=_enum_or_none(Tier), validate_choice=True,
                       choices=[(None, lazy_gettext("Any")), *enum_choices(Tier)])
    category = SelectField(lazy_gettext("Category"), coerce=_enum_or_none(Category), validate_choice=True,
                           choices=[(None, lazy_gettext("Any")), *enum_choices(Category)])
    answer = SelectField(lazy_gettext("Answer"), coerce=_enum_or_none(EmployerResponse), validate_choice=True,
                         choices=ANSWER_FILTER_CHOICES)
    page = IntegerField(lazy_gettext("Page"), default=1,
                        validators=[Optional(), NumberRange(min=1, message=lazy_gettext("Pages start at 1."))])

    @property
    def filters(self) -> DemandFilters:
        return DemandFilters(kind=self.kind.data, tier=self.tier.data, category=self.category.data,
                             answer=self.answer.data)

    def query_args(self) -> dict[str, str]:
        """The filters as given, for links to the other pages of the same list."""
        given = {"kind": self.kind.data, "tier": self.tier.data, "category": self.category.data,
                 "answer": self.answer.data}
        return {name: value.value for name, value in given.items() if value is not None}
