"""The bargaining summary's query string: which page of it."""

from __future__ import annotations

from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.validators import NumberRange, Optional


class SummaryPageForm(FlaskForm):
    """Read from the query string; a GET changes nothing, so it needs no CSRF token.
    A page past the last shows the last; one that is not a whole number from 1 is a form error."""

    class Meta:
        csrf = False

    page = IntegerField(lazy_gettext("Page"), default=1,
                        validators=[Optional(), NumberRange(min=1, message=lazy_gettext("Pages start at 1."))])
