"""The forms of the strength page: a structure test, the union's evidence window,
and which pulse is the unit's temperature check."""

from __future__ import annotations

from flask_babel import gettext, lazy_gettext
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, IntegerField, SelectField
from wtforms.validators import AnyOf, InputRequired, NumberRange, Optional

from core.i18n import format_percent
from organizer.strength.models import StructureTestKind


def enum_choices(enum_class) -> list[tuple[str, str]]:
    return [(member.value, member.label) for member in enum_class]


def structure_test_choices() -> list[tuple[str, str]]:
    """Each rung with its target ("Rally (target 75%)"), in the language of the request."""
    return [(k.value, gettext("%(action)s (target %(target)s)", action=k.label, target=format_percent(k.target)))
            for k in StructureTestKind]


class StructureTestForm(FlaskForm):
    kind = SelectField(lazy_gettext("Action"), choices=structure_test_choices)
    held_on = DateField(lazy_gettext("Held on"),
                        validators=[InputRequired(message=lazy_gettext("Give the day it took place."))])
    participants = IntegerField(lazy_gettext("Coworkers who took part"),
                                validators=[InputRequired(), NumberRange(min=0, max=100_000)])
    headcount = IntegerField(lazy_gettext("Headcount that day"),
                             validators=[Optional(), NumberRange(min=1, max=100_000)],
                             description=lazy_gettext("Leave empty to use the chart's headcount."))


WINDOW_PREFIX = "window"


class EvidenceWindowForm(FlaskForm):
    """How far back evidence counts toward the tier, for every unit of the union
    (the service holds it to `unions.EVIDENCE_WINDOW_RANGE`). Built with `prefix=WINDOW_PREFIX`:
    it sits on the strength page beside the structure test's form."""

    days = IntegerField(lazy_gettext("Count evidence from the last … days"), validators=[
        InputRequired(message=lazy_gettext("Give a number of days.")), NumberRange(min=1, max=10_000)],
        description=lazy_gettext("For every unit of the union. Older evidence stays listed as history."))


class TemperatureCheckForm(FlaskForm):
    """A button: count a one-off pulse as the unit's temperature check ("yes"), or stop ("no")."""

    counts = HiddenField(validators=[AnyOf(["yes", "no"])])
