"""The forms of the strength page: a structure test, the union's evidence window,
and which pulse is the unit's temperature check."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, IntegerField, SelectField
from wtforms.validators import AnyOf, InputRequired, NumberRange, Optional

from organizer.strength.models import StructureTestKind


def enum_choices(enum_class) -> list[tuple[str, str]]:
    return [(member.value, member.label) for member in enum_class]


class StructureTestForm(FlaskForm):
    kind = SelectField("Action", choices=[(k.value, f"{k.label} (target {k.target:.0%})") for k in StructureTestKind])
    held_on = DateField("Held on", validators=[InputRequired(message="Give the day it took place.")])
    participants = IntegerField("Coworkers who took part", validators=[InputRequired(), NumberRange(min=0, max=100_000)])
    headcount = IntegerField("Headcount that day", validators=[Optional(), NumberRange(min=1, max=100_000)],
                             description="Leave empty to use the chart's headcount.")


WINDOW_PREFIX = "window"


class EvidenceWindowForm(FlaskForm):
    """How far back evidence counts toward the tier, for every unit of the union
    (the service holds it to `unions.EVIDENCE_WINDOW_RANGE`). Built with `prefix=WINDOW_PREFIX`:
    it sits on the strength page beside the structure test's form."""

    days = IntegerField("Count evidence from the last … days", validators=[
        InputRequired(message="Give a number of days."), NumberRange(min=1, max=10_000)],
        description="For every unit of the union. Older evidence stays listed as history.")


class TemperatureCheckForm(FlaskForm):
    """A button: count a one-off pulse as the unit's temperature check ("yes"), or stop ("no")."""

    counts = HiddenField(validators=[AnyOf(["yes", "no"])])
