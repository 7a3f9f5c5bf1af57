"""The form that records a structure test."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField
from wtforms.validators import InputRequired, NumberRange, Optional

from organizer.strength.models import StructureTestKind


def enum_choices(enum_class) -> list[tuple[str, str]]:
    return [(member.value, member.label) for member in enum_class]


class StructureTestForm(FlaskForm):
    kind = SelectField("Action", choices=[(k.value, f"{k.label} (target {k.target:.0%})") for k in StructureTestKind])
    held_on = DateField("Held on", validators=[InputRequired(message="Give the day it took place.")])
    participants = IntegerField("Coworkers who took part", validators=[InputRequired(), NumberRange(min=0, max=100_000)])
    headcount = IntegerField("Headcount that day", validators=[Optional(), NumberRange(min=1, max=100_000)],
                             description="Leave empty to use the chart's headcount.")
