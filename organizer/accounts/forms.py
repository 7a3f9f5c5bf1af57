"""Forms of signing in, passwords, invitations, account deletion, the language
switch and naming the organizing committee. Their words are `lazy_gettext`: a
form class is built once, at import, and read in each visitor's language."""

from __future__ import annotations

from flask_babel import gettext, lazy_gettext
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, EqualTo, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from core import i18n, text
from organizer.accounts.services import PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH
from organizer.charting.forms import email_shape, strip_text
from organizer.roles import Role

# The password rule itself lives in organizer.accounts; the forms only show it.
PASSWORD_MIN = PASSWORD_MIN_LENGTH

PASSWORD_MAX = PASSWORD_MAX_LENGTH


class LoginForm(FlaskForm):
    email = StringField(lazy_gettext("Email"), filters=[strip_text],
                        validators=[DataRequired(), text.MaxLength(254), email_shape])
    password = PasswordField(lazy_gettext("Password"), validators=[DataRequired(), text.MaxLength(PASSWORD_MAX)])


# Presence only: length, common passwords and the person's own name or email
# are the service's rule (accounts.check_password_policy), so the command line
# and every form refuse the same passwords with the same words.
_new_password = [DataRequired()]

_NEW_PASSWORD_HINT = lazy_gettext("At least %(min)d characters, and not a common password or your own name or "
                                  "email. A few unrelated words make a strong one.", min=PASSWORD_MIN)

_PASSWORDS_DIFFER = lazy_gettext("The passwords differ.")


class AcceptInvitationForm(FlaskForm):
    display_name = StringField(
        lazy_gettext("Display name"), filters=[strip_text],
        description=lazy_gettext("The name others see in Leverage. A made-up name is fine."),
        validators=[DataRequired(), *text.name_rules(60)],
    )
    email = StringField(
        lazy_gettext("Personal email"), filters=[strip_text],
        description=lazy_gettext("Use a personal address, never your work email: your employer can read that one."),
        validators=[DataRequired(), text.MaxLength(254), email_shape],
    )
    password = PasswordField(lazy_gettext("Password"), description=_NEW_PASSWORD_HINT, validators=_new_password)
    confirm = PasswordField(lazy_gettext("Repeat the password"),
                            validators=[DataRequired(), EqualTo("password", _PASSWORDS_DIFFER)])


class JoinWithAccountForm(FlaskForm):
    """Someone already signed in (an account made to look for work) takes an
    invitation with that account; the password says it is really them."""
    password = PasswordField(lazy_gettext("Your password"), validators=[DataRequired(), text.MaxLength(PASSWORD_MAX)])


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(lazy_gettext("Current password"),
                                     validators=[DataRequired(), text.MaxLength(PASSWORD_MAX)])
    new_password = PasswordField(lazy_gettext("New password"), description=_NEW_PASSWORD_HINT,
                                 validators=_new_password)
    confirm = PasswordField(lazy_gettext("Repeat the new password"),
                            validators=[DataRequired(), EqualTo("new_password", _PASSWORDS_DIFFER)])


class DeleteAccountForm(FlaskForm):
    password = PasswordField(lazy_gettext("Your password"), validators=[DataRequired(), text.MaxLength(PASSWORD_MAX)])
    understood = BooleanField(
        lazy_gettext("I understand: my sign-in, leverage profile and demands are deleted for good. "
                     "My survey answers stay counted, and stay anonymous."),
        validators=[DataRequired(message=lazy_gettext("Tick the box to confirm."))])


#: The roles an invitation gives. A committee seat is not one of them: it names departments,
#: and is given to someone who already signs in (organizer.accounts.committee).
INVITED_ROLES = (Role.ORGANIZER, Role.STEWARD, Role.MEMBER)


class InviteForm(FlaskForm):
    role = SelectField(lazy_gettext("Role"), choices=[(role.value, role.label) for role in INVITED_ROLES],
                       default=Role.MEMBER.value)
    email = StringField(
        lazy_gettext("Their personal email (optional)"), filters=[strip_text],
        description=lazy_gettext("Leverage emails the link there once and keeps no copy of the address. "
                                 "Never a work address. Leave it empty to share the link yourself."),
        validators=[Optional(), text.MaxLength(254), email_shape],
    )
    language = SelectField(
        lazy_gettext("Language of the email"), choices=list(i18n.LANGUAGES.items()), default=i18n.current_language,
        description=lazy_gettext("The invitation page opens in the language of their phone or computer, "
                                 "and they can switch it there."))


class LanguageForm(FlaskForm):
    """The language switch on every page (templates/base.html). Its fields carry
    a prefix, since the page it sits on has forms of its own."""

    language = SelectField(choices=list(i18n.LANGUAGES.items()))
    #: The page to go back to, now in the chosen language.
    next = HiddenField()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, prefix="language", **kwargs)


def _at_least_one_department(form: FlaskForm, field: SelectMultipleField) -> None:
    # Not DataRequired: its `required` flag would make the browser ask for every box.
    if not field.data:
        raise ValidationError(gettext("Tick at least one department."))


class CommitteeForm(FlaskForm):
    """The departments a committee member charts (`departments` choices: the unit's)."""

    departments = SelectMultipleField(
        lazy_gettext("Departments they chart"), coerce=int, validate_choice=True,
        widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
        validators=[_at_least_one_department],
        description=lazy_gettext("They see and chart the coworkers of these departments only, and hold their "
                                 "one-on-ones."))

    def set_departments(self, departments: list) -> None:
        self.departments.choices = [(d.id, d.name) for d in departments]
