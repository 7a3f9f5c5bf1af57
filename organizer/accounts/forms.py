"""Forms of signing in, passwords, invitations and account deletion."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Optional

from core import text
from organizer.accounts.services import PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH
from organizer.charting.forms import email_shape, strip_text
from organizer.roles import Role

# The password rule itself lives in organizer.accounts; the forms only show it.
PASSWORD_MIN = PASSWORD_MIN_LENGTH

PASSWORD_MAX = PASSWORD_MAX_LENGTH


class LoginForm(FlaskForm):
    email = StringField("Email", filters=[strip_text], validators=[DataRequired(), text.MaxLength(254), email_shape])
    password = PasswordField("Password", validators=[DataRequired(), text.MaxLength(PASSWORD_MAX)])


# Presence only: length, common passwords and the person's own name or email
# are the service's rule (accounts.check_password_policy), so the command line
# and every form refuse the same passwords with the same words.
_new_password = [DataRequired()]

_NEW_PASSWORD_HINT = (f"At least {PASSWORD_MIN} characters, and not a common password or your own name or email. "
                      "A few unrelated words make a strong one.")


class AcceptInvitationForm(FlaskForm):
    display_name = StringField(
        "Display name", filters=[strip_text],
        description="The name others see in Leverage. A made-up name is fine.",
        validators=[DataRequired(), *text.name_rules(60)],
    )
    email = StringField(
        "Personal email", filters=[strip_text],
        description="Use a personal address, never your work email: your employer can read that one.",
        validators=[DataRequired(), text.MaxLength(254), email_shape],
    )
    password = PasswordField("Password", description=_NEW_PASSWORD_HINT, validators=_new_password)
    confirm = PasswordField("Repeat the password", validators=[DataRequired(), EqualTo("password", "The passwords differ.")])


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[DataRequired(), text.MaxLength(PASSWORD_MAX)])
    new_password = PasswordField("New password", description=_NEW_PASSWORD_HINT, validators=_new_password)
    confirm = PasswordField("Repeat the new password",
                            validators=[DataRequired(), EqualTo("new_password", "The passwords differ.")])


class DeleteAccountForm(FlaskForm):
    password = PasswordField("Your password", validators=[DataRequired(), text.MaxLength(PASSWORD_MAX)])
    understood = BooleanField(
        "I understand: my sign-in, leverage profile and demands are deleted for good. "
        "My survey answers stay counted, and stay anonymous.",
        validators=[DataRequired(message="Tick the box to confirm.")])


class InviteForm(FlaskForm):
    role = SelectField("Role", choices=[(role.value, role.label) for role in Role], default=Role.MEMBER.value)
    email = StringField(
        "Their personal email (optional)", filters=[strip_text],
        description="Leverage emails the link there once and keeps no copy of the address. "
                    "Never a work address. Leave it empty to share the link yourself.",
        validators=[Optional(), text.MaxLength(254), email_shape],
    )
