"""The forms of one-on-ones: a conversation (with an optional next step), a
follow-up on its own, and the unit page's two questions (how many days, and
whose name). Forms check shape; the services check the rules (who may speak or
own a step, which days, which issues), so an account id or an issue the list
does not offer reaches the service, which refuses it in words."""

from __future__ import annotations

from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from core import text
from organizer.charting.forms import strip_text
from organizer.charting.models import ASSESSMENT_LABELS
from organizer.conversations import services
from organizer.ontology import Category


def _account_id(value: object) -> int:
    """An account chosen from a list; anything that is not a number names nobody (0),
    which the service refuses with its own words."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _accounts_field(label, description=None) -> SelectField:
    return SelectField(label, coerce=_account_id, validate_choice=False, description=description)


def _next_step_field(label, required: bool) -> StringField:
    presence = (InputRequired(message=lazy_gettext("Say what the next step is, in a few words.")) if required
                else Optional())
    return StringField(label, filters=[strip_text], validators=[presence, *text.name_rules(services.STEP_MAX)],
                       description=lazy_gettext("One line, for example: “Bring a union card to sign on Friday”."))


def _set_holders(field: SelectField, holders: list) -> None:
    # Display names are people's own words: browsers' translators leave them as they are.
    field.choices = [(account.id, account.display_name, {"translate": "no"}) for account in holders]


class _StepFields:
    """What a next step needs, shared by both forms."""

    owner_id = _accounts_field(lazy_gettext("Who does it"), lazy_gettext(
        "Someone who holds one-on-ones with this coworker. It goes on their home page when it is due."))
    due_on = DateField(lazy_gettext("Due on"), validators=[Optional()])

    def next_step_given(self) -> services.NextStep | None:
        if not self.next_step.data:
            return None
        return services.NextStep(step=self.next_step.data, owner_id=self.owner_id.data, due_on=self.due_on.data)


class ConversationForm(_StepFields, FlaskForm):
    held_on = DateField(lazy_gettext("Day of the conversation"),
                        validators=[InputRequired(message=lazy_gettext("Give the day."))])
    held_by_id = _accounts_field(lazy_gettext("Who spoke with them"))
    issues = SelectMultipleField(lazy_gettext("Issues they raised"), choices=[(c.value, c.label) for c in Category],
                                 validate_choice=False, widget=ListWidget(prefix_label=False),
                                 option_widget=CheckboxInput(), description=lazy_gettext("Tick every one that came up."))
    assessment_after = SelectField(
        lazy_gettext("Where they stand now"), coerce=int, validate_choice=True,
        # TRANSLATORS: a level of the assessment and its words, as in "2 · Supporter".
        choices=[(level, lazy_gettext("%(level)d · %(label)s", level=level, label=label))
                 for level, label in ASSESSMENT_LABELS.items()],
        description=lazy_gettext("This becomes their assessment on the chart."))
    note = TextAreaField(lazy_gettext("Note"), filters=[strip_text, text.without_bidi_controls],
                         validators=[Optional(), *text.free_text_rules(services.NOTE_MAX)],
                         description=lazy_gettext("What was said, in your words. Stored encrypted; only those who "
                                                  "chart this coworker read it."))
    next_step = _next_step_field(lazy_gettext("Next step (if there is one)"), required=False)

    def set_holders(self, holders: list) -> None:
        _set_holders(self.held_by_id, holders)
        _set_holders(self.owner_id, holders)

    def details(self) -> services.ConversationDetails:
        return services.ConversationDetails(
            held_on=self.held_on.data, held_by_id=self.held_by_id.data, issues=tuple(self.issues.data or ()),
            assessment_after=self.assessment_after.data, note=self.note.data or None,
            next_step=self.next_step_given())


class FollowUpForm(_StepFields, FlaskForm):
    next_step = _next_step_field(lazy_gettext("Next step"), required=True)

    def set_holders(self, holders: list) -> None:
        _set_holders(self.owner_id, holders)

    def step(self) -> services.NextStep:
        return services.NextStep(step=self.next_step.data or "", owner_id=self.owner_id.data,
                                 due_on=self.due_on.data)


_DAYS_RANGE = lazy_gettext("Choose from 1 to %(most)d days.", most=services.SILENCE_DAYS_MAX)


class SilenceForm(FlaskForm):
    """Read from the query string: a question about the page changes nothing, so no CSRF token."""

    class Meta:
        csrf = False

    days = IntegerField(lazy_gettext("Not spoken to in how many days"), default=services.DEFAULT_SILENCE_DAYS, validators=[
        Optional(), NumberRange(1, services.SILENCE_DAYS_MAX, message=_DAYS_RANGE)])

    @property
    def chosen_days(self) -> int:
        return self.days.data or services.DEFAULT_SILENCE_DAYS


class CoworkerSearchForm(FlaskForm):
    """Read from the query string, as the chart's own search."""

    class Meta:
        csrf = False

    search = StringField(lazy_gettext("Find a coworker"), filters=[strip_text],
                         validators=[Optional(), text.MaxLength(120), text.no_control_characters],
                         description=lazy_gettext("Part of their name. Capitals and accents do not matter."))
