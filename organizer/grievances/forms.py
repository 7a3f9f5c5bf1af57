"""Forms of reports and grievances. What the member and the steward write never
reaches a form: the page's fields for it have no name, so a browser cannot
send them, and the script posts only what it sealed (an envelope and keys, as
base64, in hidden fields). The forms carry that, the kind of problem (which
the server counts), a step and its days, and a union's rules and referral
list. Shapes are checked here; the services check the rest and refuse in words."""

from __future__ import annotations

import base64
import binascii
import json

from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, NumberRange, Optional

from core import text
from organizer.charting.forms import strip_text
from organizer.errors import DomainError
from organizer.grievances import rules
from organizer.grievances.copies import MOST_COPIES_PER_POST, PostedCopy
from organizer.grievances.keys import MadeKey
from organizer.grievances.models import OPEN_STEPS, ProblemKind, Step
from organizer.grievances.services import Filing, StepChange

#: A sealed message's base64 is never longer than this (crypto.reports.MAX_PADDED and its keys).
MAX_BASE64 = 64 * 1024

_NOT_SEALED = lazy_gettext("This page seals what you write on your own phone or computer before it is sent, and "
                           "that needs JavaScript. Nothing was sent. Turn JavaScript on, or use another browser.")


def _bytes(value: object, field: str) -> bytes:
    """A hidden field's base64, or a refusal that says the page's script did not run."""
    if not isinstance(value, str) or not value or len(value) > MAX_BASE64:
        raise DomainError(_NOT_SEALED, field=field)
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise DomainError(_NOT_SEALED, field=field) from None


def _made_key(form: FlaskForm, prefix: str) -> MadeKey:
    return MadeKey(_bytes(getattr(form, f"{prefix}key").data, f"{prefix}key"),
                   _bytes(getattr(form, f"{prefix}key_proof").data, f"{prefix}key"),
                   _bytes(getattr(form, f"{prefix}sealed_secret").data, f"{prefix}key"))


class StewardKeyForm(FlaskForm):
    """A steward's key, as their browser made it."""

    key = HiddenField()
    key_proof = HiddenField()
    sealed_secret = HiddenField()

    def made_key(self) -> MadeKey:
        return _made_key(self, "")


KIND_CHOICES = [("", lazy_gettext("Choose one…")), *((kind.value, kind.label) for kind in ProblemKind)]


class ReportForm(FlaskForm):
    """A report: its kind in the clear (it is counted), the rest sealed in the browser."""

    report_id = HiddenField()
    kind = SelectField(lazy_gettext("What is it about?"), choices=KIND_CHOICES, validate_choice=False,
                       validators=[InputRequired(lazy_gettext("Choose what the problem is about."))])
    envelope = HiddenField()
    member_key = HiddenField()
    member_key_proof = HiddenField()
    member_sealed_secret = HiddenField()

    def filing(self) -> Filing:
        return Filing(report_id=self.report_id.data or "", kind=self.kind.data or "",
                      envelope=_bytes(self.envelope.data, "envelope"), member_key=_made_key(self, "member_"))


class AdditionForm(FlaskForm):
    """What the member adds, sealed; with a new key of theirs when they lost their passphrase."""

    envelope = HiddenField()
    new_member_key = HiddenField()
    new_member_key_proof = HiddenField()
    new_member_sealed_secret = HiddenField()

    def envelope_bytes(self) -> bytes:
        return _bytes(self.envelope.data, "envelope")

    def new_key(self) -> MadeKey | None:
        return _made_key(self, "new_member_") if self.new_member_key.data else None


class ReplyForm(FlaskForm):
    """A steward's answer, sealed."""

    envelope = HiddenField()

    def envelope_bytes(self) -> bytes:
        return _bytes(self.envelope.data, "envelope")


class CopiesForm(FlaskForm):
    """Copies of a thread's keys for newer stewards, made in a steward's browser: JSON, a list of
    {"message": its place in the thread, "copy": base64}."""

    copies = HiddenField()

    def posted(self) -> list[PostedCopy]:
        data = self.copies.data
        if not isinstance(data, str) or not data or len(data) > MAX_BASE64:
            raise DomainError(_NOT_SEALED, field="copies")
        try:
            items = json.loads(data)
        except (ValueError, RecursionError):  # RecursionError: JSON nested deeper than Python parses
            raise DomainError(_NOT_SEALED, field="copies") from None
        if not isinstance(items, list) or len(items) > MOST_COPIES_PER_POST:
            raise DomainError(_NOT_SEALED, field="copies")
        if not all(isinstance(item, dict) and type(item.get("message")) is int for item in items):
            raise DomainError(_NOT_SEALED, field="copies")
        return [PostedCopy(item["message"], _bytes(item.get("copy"), "copies")) for item in items]


class StepForm(FlaskForm):
    step = SelectField(lazy_gettext("Move it to"), validate_choice=False,
                       validators=[InputRequired(lazy_gettext("Choose the step it moves to."))])
    began_on = DateField(lazy_gettext("Day this step began"), validators=[Optional()],
                         description=lazy_gettext("Leave it empty for today."))
    due_on = DateField(lazy_gettext("Its deadline, if the contract sets another"), validators=[Optional()],
                       description=lazy_gettext("Leave it empty to use the union's days for this step."))

    def set_steps(self, current: Step) -> None:
        self.step.choices = [(step.value, step.label) for step in current.moves_to()]

    def change(self) -> StepChange:
        return StepChange(self.step.data or "", self.began_on.data, self.due_on.data)


def _days_field(step: Step) -> IntegerField:
    low, high = rules.DAYS_RANGE
    return IntegerField(step.label, validators=[
        InputRequired(lazy_gettext("Give the days allowed.")),
        NumberRange(low, high, lazy_gettext("From %(min)s to %(max)s days."))])


class RulesForm(FlaskForm):
    """The days allowed at each open step, and from when reports are counted."""

    days_received = _days_field(Step.RECEIVED)
    days_investigating = _days_field(Step.INVESTIGATING)
    days_step_1 = _days_field(Step.STEP_1)
    days_step_2 = _days_field(Step.STEP_2)
    days_arbitration = _days_field(Step.ARBITRATION)
    counted_since = DateField(lazy_gettext("Count reports filed from"),
                              validators=[InputRequired(lazy_gettext("Give the day to count from."))],
                              description=lazy_gettext("The strength page and the bargaining summary say how many "
                                                       "members reported since this day."))

    def day_fields(self) -> list:
        return [getattr(self, f"days_{step.value}") for step in OPEN_STEPS]

    def deadlines(self) -> rules.Deadlines:
        return rules.Deadlines({step: getattr(self, f"days_{step.value}").data for step in OPEN_STEPS},
                               self.counted_since.data)


class ReferralForm(FlaskForm):
    name = StringField(lazy_gettext("Name"), filters=[strip_text],
                       validators=[InputRequired(lazy_gettext("Give its name.")), *text.name_rules(rules.NAME_MAX)],
                       description=lazy_gettext("For example: the state labor department's wage claims office."))
    helps_with = StringField(lazy_gettext("What it helps with"), filters=[strip_text, text.without_bidi_controls],
                             validators=[InputRequired(lazy_gettext("Say what it helps with.")),
                                         *text.free_text_rules(rules.HELPS_WITH_MAX)])
    reach = StringField(lazy_gettext("How to reach it"), filters=[strip_text, text.without_bidi_controls],
                        validators=[InputRequired(lazy_gettext("Give a phone number or an address.")),
                                    *text.free_text_rules(rules.REACH_MAX)],
                        description=lazy_gettext("A phone number, a street address or a web address."))

