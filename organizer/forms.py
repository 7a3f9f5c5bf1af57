"""Forms: the shape of every input. Business rules (duplicates, scope) are the
services' to enforce; forms check presence, length and format."""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp, ValidationError

from organizer.accounts import PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH
from organizer.models import ASSESSMENT_LABELS, Role

_EMAIL_SHAPE = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"'.]{2,}$")
_PHONE_SHAPE = r"^\+?[0-9 ()./-]{6,30}$"
# The password rule itself lives in organizer.accounts; the forms only show it.
PASSWORD_MIN = PASSWORD_MIN_LENGTH
PASSWORD_MAX = PASSWORD_MAX_LENGTH


def _email_shape(form: FlaskForm, field: StringField) -> None:
    if field.data and not _EMAIL_SHAPE.match(field.data.strip()):
        raise ValidationError("Enter an email address like name@example.org.")


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def _no_control_characters(form: FlaskForm, field: StringField) -> None:
    if field.data and any(ord(ch) < 32 and ch not in "\n\r\t" for ch in field.data):
        raise ValidationError("Remove the control characters from this field.")


def _optional_id(value: object) -> int | None:
    """Select fields where an empty choice means 'none'; garbage also means a form error."""
    if value in (None, "", "None"):
        return None
    return int(value)  # a ValueError here becomes "Not a valid choice"


class ConfirmForm(FlaskForm):
    """A form with no fields: a button that still needs a CSRF token."""


class LoginForm(FlaskForm):
    email = StringField("Email", filters=[_strip], validators=[DataRequired(), Length(max=254), _email_shape])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=PASSWORD_MAX)])


# Presence only: length, common passwords and the person's own name or email
# are the service's rule (accounts.check_password_policy), so the command line
# and every form refuse the same passwords with the same words.
_new_password = [DataRequired()]
_NEW_PASSWORD_HINT = (f"At least {PASSWORD_MIN} characters, and not a common password or your own name or email. "
                      "A few unrelated words make a strong one.")


class AcceptInvitationForm(FlaskForm):
    display_name = StringField(
        "Display name", filters=[_strip],
        description="The name others see in Leverage. A pseudonym is fine.",
        validators=[DataRequired(), Length(max=60), _no_control_characters],
    )
    email = StringField(
        "Personal email", filters=[_strip],
        description="Use a personal address, never your work email.",
        validators=[DataRequired(), Length(max=254), _email_shape],
    )
    password = PasswordField("Password", description=_NEW_PASSWORD_HINT, validators=_new_password)
    confirm = PasswordField("Repeat the password", validators=[DataRequired(), EqualTo("password", "The passwords differ.")])


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[DataRequired(), Length(max=PASSWORD_MAX)])
    new_password = PasswordField("New password", description=_NEW_PASSWORD_HINT, validators=_new_password)
    confirm = PasswordField("Repeat the new password",
                            validators=[DataRequired(), EqualTo("new_password", "The passwords differ.")])


class DeleteAccountForm(FlaskForm):
    password = PasswordField("Your password", validators=[DataRequired(), Length(max=PASSWORD_MAX)])
    understood = BooleanField(
        "I understand: my sign-in, leverage profile and demands are deleted for good. "
        "My survey answers stay counted, and stay anonymous.",
        validators=[DataRequired(message="Tick the box to confirm.")])


class UnitForm(FlaskForm):
    name = StringField("Unit name", filters=[_strip], validators=[DataRequired(), Length(max=120), _no_control_characters])


class SegmentForm(FlaskForm):
    kind = SelectField("Kind", choices=[("department", "Department"), ("shift", "Shift")])
    name = StringField("Name", filters=[_strip], validators=[DataRequired(), Length(max=80), _no_control_characters])


class PersonForm(FlaskForm):
    name = StringField("Name", filters=[_strip], validators=[DataRequired(), Length(max=120), _no_control_characters])
    department_id = SelectField("Department", coerce=_optional_id, validate_choice=True)
    shift_id = SelectField("Shift", coerce=_optional_id, validate_choice=True)
    assessment = SelectField(
        "Assessment", coerce=int, default=0,
        choices=[(level, f"{level} · {label}") for level, label in ASSESSMENT_LABELS.items()],
    )
    is_member = BooleanField("Union member")
    card_signed_on = DateField("Card signed on", validators=[Optional()])
    email = StringField("Personal email", filters=[_strip],
                        validators=[Optional(), Length(max=254), _email_shape])
    phone = StringField("Personal phone", filters=[_strip],
                        validators=[Optional(), Regexp(_PHONE_SHAPE, message="Enter digits, spaces, + ( ) - only.")])
    notes = TextAreaField("Organizer notes", filters=[_strip], validators=[Optional(), Length(max=2000)])

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


class InviteForm(FlaskForm):
    role = SelectField("Role", choices=[(role.value, role.label) for role in Role], default=Role.MEMBER.value)


class SegmentRenameForm(FlaskForm):
    name = StringField("New name", filters=[_strip], validators=[DataRequired(), Length(max=80), _no_control_characters])
