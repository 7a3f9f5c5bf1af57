"""Structure tests: the collective actions organizers record for a unit, with how
many coworkers took part. They are evidence of strength (PRODUCT.md's ladder:
petition, gear day, rally, mock strike vote, strike), recorded as counts only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from core.clock import today
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


_ORGANIZERS_ONLY = "Only the union's organizers record structure tests."


def record(actor: Account, unit: BargainingUnit, details: ActionDetails) -> StructureTest:
    policy.require_organizer(actor, unit, _ORGANIZERS_ONLY)
    if details.held_on > today():
        raise DomainError("Record an action once it has taken place.", field="held_on")
    headcount = details.headcount
    if headcount is None:
        [figures] = unions.unit_figures([unit])
        headcount = figures.headcount
    if headcount < 1:
        raise DomainError("Give the unit's headcount that day (the chart is empty).", field="headcount")
    if not 0 <= details.participants <= headcount:
        raise DomainError(f"Between 0 and the headcount ({headcount}) can take part.", field="participants")
    test = StructureTest(unit_id=unit.id, kind=details.kind, held_on=details.held_on,
                         participants=details.participants, headcount=headcount)
    db.session.add(test)
    db.session.flush()
    return test


def remove(actor: Account, test: StructureTest) -> None:
    policy.require_organizer(actor, test.unit, _ORGANIZERS_ONLY)
    db.session.delete(test)
    db.session.flush()
