"""Forms of the chart and the union's settings, and the helpers every feature's
forms share. Business rules (duplicates, scope) are the services' to enforce;
forms check presence, length and format."""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from organizer.charting.models import ASSESSMENT_LABELS
from organizer.charting.people import PersonDetails

_EMAIL_SHAPE = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"'.]{2,}$")

_PHONE_SHAPE = r"^\+?[0-9 ()./-]{6,30}$"


def _email_shape(form: FlaskForm, field: StringField) -> None:
    if field.data and not _EMAIL_SHAPE.match(field.data.strip()):
        raise ValidationError("Enter an email address like name@example.org.")


def strip_text(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def no_control_characters(form: FlaskForm, field: StringField) -> None:
    if field.data and any(ord(ch) < 32 and ch not in "\n\r\t" for ch in field.data):
        raise ValidationError("Remove the control characters from this field.")


def _optional_id(value: object) -> int | None:
    """Select fields where an empty choice means 'none'; garbage also means a form error."""
    if value in (None, "", "None"):
        return None
    return int(value)  # a ValueError here becomes "Not a valid choice"


class ConfirmForm(FlaskForm):
    """A form with no fields: a button that still needs a CSRF token."""


class UnitForm(FlaskForm):
    name = StringField("Unit name", filters=[strip_text], validators=[DataRequired(), Length(max=120), no_control_characters])


class SegmentForm(FlaskForm):
    kind = SelectField("Kind", choices=[("department", "Department"), ("shift", "Shift")])
    name = StringField("Name", filters=[strip_text], validators=[DataRequired(), Length(max=80), no_control_characters])


class PersonForm(FlaskForm):
    name = StringField("Name", filters=[strip_text], validators=[DataRequired(), Length(max=120), no_control_characters])
    department_id = SelectField("Department", coerce=_optional_id, validate_choice=True)
    shift_id = SelectField("Shift", coerce=_optional_id, validate_choice=True)
    assessment = SelectField(
        "Assessment", coerce=int, default=0,
        choices=[(level, f"{level} · {label}") for level, label in ASSESSMENT_LABELS.items()],
    )
    is_member = BooleanField("Union member")
    card_signed_on = DateField("Card signed on", validators=[Optional()])
    email = StringField("Personal email", filters=[strip_text],
                        validators=[Optional(), Length(max=254), _email_shape])
    phone = StringField("Personal phone", filters=[strip_text],
                        validators=[Optional(), Regexp(_PHONE_SHAPE, message="Enter digits, spaces, + ( ) - only.")])
    notes = TextAreaField("Organizer notes", filters=[strip_text], validators=[Optional(), Length(max=2000)])

    def set_unit_choices(self, departments: list, shifts: list) -> None:
        self.department_id.choices = [(None, "—")] + [(d.id, d.name) for d in departments]
        self.shift_id.choices = [(None, "—")] + [(s.id, s.name) for s in shifts]


class ChartFilterForm(FlaskForm):
    """Read from the query string; a GET filter changes nothing, so it needs no CSRF token."""

    class Meta:
        csrf = False

    department = SelectField("Department", coerce=_optional_id, validate_choice=True)
    shift = SelectField("Shift", coerce=_optional_id, validate_choice=True)
    assessment = SelectField(
        "Assessment", coerce=_optional_id, validate_choice=True,
        choices=[(None, "Any")] + [(level, f"{level} · {label}") for level, label in ASSESSMENT_LABELS.items()],
    )
    membership = SelectField("Member", default="", choices=[("", "Any"), ("yes", "Members"), ("no", "Not members")])

    @property
    def is_member(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.membership.data)

    def set_unit_choices(self, departments: list, shifts: list) -> None:
        self.department.choices = [(None, "Any")] + [(d.id, d.name) for d in departments]
        self.shift.choices = [(None, "Any")] + [(s.id, s.name) for s in shifts]


class SegmentRenameForm(FlaskForm):
    name = StringField("New name", filters=[strip_text], validators=[DataRequired(), Length(max=80), no_control_characters])


class FloorsForm(FlaskForm):
    """A union's privacy floors (the service refuses values below PRIVACY.md's defaults)."""

    results = IntegerField("Results of pulse, bargaining and vote surveys: at least", validators=[
        InputRequired(), NumberRange(2, 1000)])
    endorsements = IntegerField("Endorsement results: at least", validators=[InputRequired(), NumberRange(2, 1000)])
    comments = IntegerField("Comments: at least", validators=[InputRequired(), NumberRange(2, 10000)])


def person_details(form: PersonForm) -> PersonDetails:
    """What the person form says, as the chart service takes it."""
    return PersonDetails(
        name=form.name.data, department_id=form.department_id.data, shift_id=form.shift_id.data,
        assessment=form.assessment.data, is_member=form.is_member.data, card_signed_on=form.card_signed_on.data,
        email=form.email.data or None, phone=form.phone.data or None, notes=form.notes.data or None,
    )
