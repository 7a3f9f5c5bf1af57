"""Forms of a candidate's profile, experiences, jobs and card, and the employer's
filter and answers on the card. Their words are `lazy_gettext`: a form class is
built once, at import, and read in each visitor's language. The limits are the
services' (which enforce them); the forms only say them."""

from __future__ import annotations

from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from candidates import experiences, jobs, profiles, sharing
from candidates.models import CARD_RESPONSES, PREFERENCE_TIERS, IncomeBand, LookingStatus, PreferenceAspect, ProofKind
from core import text as rules
from ontology import Category, DemandKind, Tier

#: A box holding a person's own words, not the interface's (see `core.templating.untranslated`).
_AS_WRITTEN = {"translate": "no"}

_TEXT_FILTERS = [rules.trim, rules.without_bidi_controls]

#: What each tier means for someone choosing a job (a member's tiers speak of striking).
TIER_MEANINGS = {
    Tier.DEALBREAKER: lazy_gettext("I would turn the job down without it"),
    Tier.PRIORITY: lazy_gettext("Strongly wanted; I would give up other things for it"),
    Tier.IMPORTANT: lazy_gettext("Matters to me; worth asking for"),
    Tier.NICE_TO_HAVE: lazy_gettext("Welcome, but I would not give anything up for it"),
    Tier.CURIOUS: lazy_gettext("Information wanted, no stake (questions only)"),
}


def _choices(members) -> list[tuple[str, str]]:
    return [(member.value, member.label) for member in members]


def _tier_choices(tiers) -> list[tuple[str, str]]:
    # TRANSLATORS: a tier's name, then what it means for a job seeker ("Priority: Strongly wanted; ...").
    return [(t.value, lazy_gettext("%(tier)s: %(meaning)s", tier=t.label, meaning=TIER_MEANINGS[t])) for t in tiers]


def _free_text(label, most: int, *, required: bool = True, least: int = -1, description=None, area: bool = True,
               too_long=None):
    kind = TextAreaField if area else StringField
    first = [DataRequired()] if required else [Optional()]
    length = [rules.MaxLength(most, least, message=too_long), rules.no_control_characters] if too_long else \
        rules.free_text_rules(most, least)
    return kind(label, filters=_TEXT_FILTERS, render_kw=_AS_WRITTEN, description=description,
                validators=[*first, *length, rules.visible_words])


#: A whole web page pasted for a listing is told apart from a long listing.
_LISTING_TOO_LONG = lazy_gettext("This is %(length)d characters long: paste only the listing's requirements, up to "
                                 "%(max)d characters.")


class ButtonForm(FlaskForm):
    """A button that changes something (remove, stop a link): its CSRF token and nothing else."""


class LookingForm(FlaskForm):
    looking = RadioField(
        lazy_gettext("Are you looking for a job?"), validators=[InputRequired()],
        choices=[(s.value, lazy_gettext("%(status)s: %(meaning)s", status=s.label, meaning=s.meaning))
                 for s in LookingStatus],
        description=lazy_gettext("The first thing an employer reads on your card. “Not looking” is leverage: "
                                 "an offer has to be worth your while."))


class PreferenceForm(FlaskForm):
    aspect = SelectField(lazy_gettext("What it is about"), choices=_choices(PreferenceAspect))
    text = _free_text(
        lazy_gettext("Your preference"), profiles.PREFERENCE_TEXT, area=False,
        description=lazy_gettext("For example: “Within 40 minutes by bus”, “Remote or hybrid”, “Days only, no "
                                 "nights”, “At least 24 an hour”, “Forklift work”."))
    tier = RadioField(lazy_gettext("How much does it weigh?"), choices=_tier_choices(PREFERENCE_TIERS),
                      default=Tier.IMPORTANT.value, validators=[InputRequired()])


class ProofForm(FlaskForm):
    kind = SelectField(lazy_gettext("Kind of work"), choices=_choices(ProofKind))
    description = _free_text(
        lazy_gettext("What the work is"), profiles.PROOF_DESCRIPTION,
        description=lazy_gettext("No need to name clients or platforms: “Bookkeeping for six small shops”, "
                                 "“A cooking channel”."))
    size = _free_text(lazy_gettext("How big"), profiles.PROOF_SIZE, required=False, area=False,
                      description=lazy_gettext("For example: “about 40 regular clients”, “12,000 subscribers”."))
    duration = _free_text(lazy_gettext("For how long"), profiles.PROOF_DURATION, required=False, area=False,
                          description=lazy_gettext("For example: “three years”."))
    income = SelectField(lazy_gettext("What it brings in"), choices=_choices(IncomeBand),
                         default=IncomeBand.UNSAID.value)
    names_on_purpose = BooleanField(lazy_gettext("I name clients or platforms on purpose"),
                                    description=lazy_gettext("Leave it unticked and Leverage warns you when the "
                                                             "words seem to name one."))


class ExperienceForm(FlaskForm):
    what = _free_text(
        lazy_gettext("What you did"), experiences.EXPERIENCE_WHAT[1], least=experiences.EXPERIENCE_WHAT[0],
        description=lazy_gettext("The work itself, never the employer: “Ran the night loading dock”, not where."))
    achieved = _free_text(lazy_gettext("What came of it"), experiences.EXPERIENCE_ACHIEVED, required=False,
                          description=lazy_gettext("For example: “Cut missed trucks from five a week to one.”"))
    skills = _free_text(lazy_gettext("Skills it used"), experiences.EXPERIENCE_SKILLS, required=False, area=False,
                        description=lazy_gettext("Separated by commas: “forklift, scheduling, training”."))
    scale = _free_text(lazy_gettext("How big"), experiences.EXPERIENCE_SCALE, required=False, area=False,
                       description=lazy_gettext("For example: “a crew of 6, 40 trucks a night”."))
    years = IntegerField(lazy_gettext("For how many years"),
                         validators=[Optional(), NumberRange(min=0, max=experiences.MOST_YEARS)],
                         description=lazy_gettext("0 for under a year."))


class PreconditionForm(FlaskForm):
    text = _free_text(
        lazy_gettext("Your precondition or question, as a question the employer must answer"),
        profiles.PRECONDITION_TEXT[1], least=profiles.PRECONDITION_TEXT[0],
        description=lazy_gettext("For example: “Will you put the pay and the schedule in the offer letter?” or "
                                 "“How many people left this job last year?”"))
    kind = RadioField(lazy_gettext("Kind"), choices=_choices(DemandKind), default=DemandKind.DEMAND.value,
                      validators=[InputRequired()])
    tier = RadioField(lazy_gettext("How much does it weigh?"), choices=_tier_choices(Tier),
                      default=Tier.IMPORTANT.value, validators=[InputRequired()])
    category = SelectField(lazy_gettext("Category"), choices=_choices(Category))


class JobForm(FlaskForm):
    title = _free_text(lazy_gettext("The job, in your words"), jobs.JOB_TITLE, area=False,
                       description=lazy_gettext("For example: “Shift lead, parcel hub”. Only you see it."))
    listing = _free_text(
        lazy_gettext("The listing's requirements (optional now)"), jobs.LISTING_MAX, required=False,
        too_long=_LISTING_TOO_LONG,
        description=lazy_gettext("Paste or type them, one per line. Bullets and numbers are fine."))


class RequirementsForm(FlaskForm):
    listing = _free_text(lazy_gettext("More requirements"), jobs.LISTING_MAX, too_long=_LISTING_TOO_LONG,
                         description=lazy_gettext("Paste or type them, one per line."))


class MatchForm(FlaskForm):
    #: Any number: whose experience it is, a loader decides (someone else's is a 404, not a form error).
    experience_id = SelectField(lazy_gettext("Experience that meets it"), coerce=int, validate_choice=False,
                                validators=[InputRequired()])
    how = _free_text(lazy_gettext("How it meets it, in a sentence"), jobs.MATCH_HOW, area=False)

    def set_experience_choices(self, own) -> None:
        self.experience_id.choices = [(e.id, e.what if len(e.what) <= 70 else e.what[:67] + "…", _AS_WRITTEN)
                                      for e in own]


class ContactForm(FlaskForm):
    contact = _free_text(
        lazy_gettext("Contact details for this employer (optional)"), jobs.CONTACT, required=False,
        description=lazy_gettext("Only if you want them to reach you: a personal email or phone. Leave it empty "
                                 "and the card shows none."))


class ShareForm(FlaskForm):
    days = RadioField(lazy_gettext("The link works for"), coerce=int, default=14, validators=[InputRequired()],
                      choices=[(days, lazy_gettext("%(days)d days", days=days)) for days in sharing.LINK_DAYS])


class CardFilterForm(FlaskForm):
    """The employer's filter: a GET, so it works without script and without a token to post."""

    class Meta:
        csrf = False

    need = SelectMultipleField(lazy_gettext("Show the experience for these requirements"), coerce=int,
                               widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())

    def set_requirements(self, requirements) -> None:
        self.need.choices = [(met.requirement.id, met.requirement.text) for met in requirements]


class AnswerForm(FlaskForm):
    response = RadioField(lazy_gettext("Your answer"), choices=_choices(CARD_RESPONSES), validators=[InputRequired()])
    how = _free_text(lazy_gettext("How (optional)"), sharing.ANSWER_HOW, required=False,
                     description=lazy_gettext("Say how, or on what terms. The candidate reads it as written."))
