"""Forms of the brief: the author's page, a worst case of their own, a comment, and
the buttons. Their words are `lazy_gettext`: a form class is built once, at import,
and read in each visitor's language. The limits are the services' (which enforce
them); the forms only say them."""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Optional

from briefs.services import (
    ASK_FIRST_MAX,
    COMMENT_MAX,
    RESPONSE_MAX,
    TRADE_MAX,
    WALK_AWAY_MAX,
    WORST_CASE,
    RiskView,
)
from core import text as rules

#: A box holding a person's own words, not the interface's (see `core.templating.untranslated`).
_AS_WRITTEN = {"translate": "no"}

_FILTERS = [rules.trim, rules.without_bidi_controls]


def _optional_text(label, most: int, description=None, rows: int = 3) -> TextAreaField:
    return TextAreaField(label, filters=_FILTERS, render_kw={**_AS_WRITTEN, "rows": rows}, description=description,
                         validators=[Optional(), *rules.free_text_rules(most), rules.visible_words])


class ButtonForm(FlaskForm):
    """A button that changes something (make a link, stop a coach): its CSRF token and nothing else."""


class BriefForm(FlaskForm):
    """The author's brief. `for_risks` adds one answer box per worst case."""

    ask_first = _optional_text(lazy_gettext("What to ask for first"), ASK_FIRST_MAX, lazy_gettext(
        "Suggested from your most important asks, one a line. Change the order and the words as you like; "
        "empty the box to get the suggestion back."), rows=7)
    trade = _optional_text(lazy_gettext("What you can give up"), TRADE_MAX, lazy_gettext(
        "Suggested from your nice-to-haves: what you could let go of to get the rest."), rows=4)
    walk_away = _optional_text(lazy_gettext("Your walk-away point"), WALK_AWAY_MAX, lazy_gettext(
        "The least you will accept. Below it, you say no. Only you can write this."))

    @classmethod
    def for_risks(cls, risks: Sequence[RiskView], **kwargs) -> BriefForm:
        """The form with an answer box for each of these worst cases, named by its key."""
        fields = {f"response_{risk.key}": TextAreaField(
            risk.words, filters=_FILTERS, render_kw=_AS_WRITTEN, description=risk.hint,
            validators=[Optional(), *rules.free_text_rules(RESPONSE_MAX), rules.visible_words]) for risk in risks}
        form_class = type("BriefFormWithRisks", (cls,), fields)
        form = form_class(**kwargs)
        if not form.is_submitted():
            for risk in risks:
                form[f"response_{risk.key}"].data = risk.response
        return form

    def responses(self, risks: Sequence[RiskView]) -> dict[str, str | None]:
        return {risk.key: self[f"response_{risk.key}"].data for risk in risks}

    def response_fields(self, risks: Sequence[RiskView]) -> list:
        return [self[f"response_{risk.key}"] for risk in risks]


class RiskForm(FlaskForm):
    """A worst case of the author's own, with the answer they plan."""

    worst_case = StringField(lazy_gettext("Another worst case"), filters=_FILTERS, render_kw=_AS_WRITTEN,
                             description=lazy_gettext("For example: “They ask who else is asking.”"),
                             validators=[DataRequired(), *rules.free_text_rules(WORST_CASE[1], WORST_CASE[0]),
                                         rules.visible_words])
    response = _optional_text(lazy_gettext("What you will say or do"), RESPONSE_MAX)


class CommentForm(FlaskForm):
    text = TextAreaField(lazy_gettext("Your comment"), filters=_FILTERS, render_kw=_AS_WRITTEN,
                         validators=[DataRequired(), *rules.free_text_rules(COMMENT_MAX), rules.visible_words])
