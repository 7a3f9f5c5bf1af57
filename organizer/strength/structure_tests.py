"""Structure tests: the collective actions organizers record for a unit, with how
many coworkers took part. They are evidence of strength (PRODUCT.md's ladder:
petition, gear day, rally, mock strike vote, strike), recorded as counts only,
and only when the counts could be true of this unit on that day."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext, lazy_gettext, ngettext

from core.clock import today
from core.i18n import format_day, format_number
from core.extensions import db
from organizer import policy
from organizer.accounts.models import Account
from organizer.charting import unions
from organizer.charting.models import BargainingUnit
from organizer.errors import DomainError
from organizer.strength.models import StructureTest, StructureTestKind


@dataclass(frozen=True)
class ActionDetails:
    kind: StructureTestKind
    held_on: date
    participants: int
    #: The unit's headcount that day; the chart's headcount when not given.
    headcount: int | None = None


_ORGANIZERS_ONLY = lazy_gettext("Only the union's organizers record structure tests.")

#: A headcount that day this far from the chart's is a typing slip or a chart out of date: either
#: way the test's share would not be a share of the unit the other figures describe.
HEADCOUNT_RANGE = (0.5, 1.5)


def headcount_bounds(chart_headcount: int) -> tuple[int, int]:
    """The headcounts that day accepted beside the chart's."""
    low, high = HEADCOUNT_RANGE
    return max(1, math.ceil(chart_headcount * low)), math.floor(chart_headcount * high)


def record(actor: Account, unit: BargainingUnit, details: ActionDetails) -> StructureTest:
    """Record an action, refusing numbers that would describe some other unit or some other time:
    every share the tier is read from must be a share of this unit, on a day it could have acted."""
    policy.require_organizer(actor, unit, _ORGANIZERS_ONLY)
    if details.held_on > today():
        raise DomainError(gettext("Record an action once it has taken place."), field="held_on")
    started = unit.union.created_on
    if details.held_on < started:
        raise DomainError(gettext("%(union)s was set up here on %(day)s: record actions held since then.",
                                  union=unit.union.name, day=format_day(started)), field="held_on")
    [figures] = unions.unit_figures([unit])
    chart = figures.headcount
    if chart < 1:
        raise DomainError(gettext("Chart the unit's coworkers first: a structure test is a share of the unit on "
                                  "the chart."), field="headcount")
    headcount = details.headcount if details.headcount is not None else chart
    low, high = headcount_bounds(chart)
    if not low <= headcount <= high:
        raise DomainError(ngettext(
            "The chart lists %(shown)s coworker, so the headcount that day should be between %(low)s and %(high)s. "
            "If the unit really changed that much, bring the chart up to date first: every figure is read against it.",
            "The chart lists %(shown)s coworkers, so the headcount that day should be between %(low)s and %(high)s. "
            "If the unit really changed that much, bring the chart up to date first: every figure is read against it.",
            chart, shown=format_number(chart), low=format_number(low), high=format_number(high)), field="headcount")
    if not 0 <= details.participants <= headcount:
        raise DomainError(gettext("Between 0 and the headcount that day (%(headcount)s) can take part.",
                                  headcount=format_number(headcount)), field="participants")
    test = StructureTest(unit_id=unit.id, kind=details.kind, held_on=details.held_on,
                         participants=details.participants, headcount=headcount)
    db.session.add(test)
    db.session.flush()
    return test


def remove(actor: Account, test: StructureTest) -> None:
    policy.require_organizer(actor, test.unit, _ORGANIZERS_ONLY)
    db.session.delete(test)
    db.session.flush()
