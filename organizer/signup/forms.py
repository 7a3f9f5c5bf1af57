"""The sign-up forms: an address to confirm, then a name and password (the
invitation's form: the same rules for every new account)."""

from __future__ import annotations

from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired

from core import text
from organizer.accounts.forms import AcceptInvitationForm
from organizer.charting.forms import email_shape, strip_text


class SignUpForm(FlaskForm):
    email = StringField(
        lazy_gettext("Personal email"), filters=[strip_text],
        description=lazy_gettext("Leverage sends a link there to check it is yours. Never a work address."),
        validators=[DataRequired(), text.MaxLength(254), email_shape])


class FinishSignUpForm(AcceptInvitationForm):
    """Name, the address again (the link must have been sent to it), and a password."""
