"""The form of a person's email notice setting."""

from __future__ import annotations

from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from wtforms import BooleanField


class NotificationSettingsForm(FlaskForm):
    wants_email = BooleanField(lazy_gettext("Email me when something needs me"))
