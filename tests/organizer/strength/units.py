"""Hand-built units for the strength tests: a chart of a chosen size, a union set up
long enough ago for old evidence, released pulses closed on chosen days, and
structure tests held on chosen days. Call inside an app context."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import count

from core.clock import today
from core.extensions import db
from organizer.charting.models import BargainingUnit
from organizer.roles import Role
from organizer.strength import structure_tests
from organizer.strength.models import StructureTestKind
from organizer.unit_surveys.services import unit_scope
from surveys import ballot_box, tally
from surveys.models import Survey
from tests import factories
from tests.surveys.helpers import answers, launched_pulse


#: Each pulse gets voters of its own: two releases over the same people would meet the
#: engine's differencing rule, which is not what these tests are about.
_pulses = count(1)


def days_ago(days: int) -> date:
    return today() - timedelta(days=days)


def charted_unit(headcount: int, *, members: int = 0, set_up_days_ago: int = 400):
    """A unit of `headcount` charted coworkers (`members` of them members), in a union set up
    `set_up_days_ago` days ago, with its organizer."""
    union = factories.create_union(units=("Warehouse",))
    union.created_on = days_ago(set_up_days_ago)
    unit = union.units[0]
    for n in range(headcount):
        factories.create_person(unit, is_member=n < members)
    organizer = factories.create_account(Role.ORGANIZER, union=union)
    db.session.flush()
    return unit, organizer


def released_pulse(unit: BargainingUnit, *, with_accounts: int, answered: int, yes: int, closed_days_ago: int = 7,
                   recurring: bool = True, title: str = "Pulse", next_round_of: Survey | None = None) -> Survey:
    """A pulse sent to `with_accounts` people, `answered` of whom answered, `yes` of them yes;
    released, and dated as closed `closed_days_ago` days ago (the next round of `next_round_of`'s
    series, when given)."""
    batch = next(_pulses)
    voters = {f"voter:{batch}:{n}": {"department": None} for n in range(with_accounts)}
    survey = launched_pulse(voters, dimensions=(), k=5, scope=unit_scope(unit), with_comment=False,
                            recurrence_weeks=4 if recurring else None)
    survey.title = title
    for n, ref in enumerate(list(voters)[:answered]):
        ballot_box.cast(survey, ref, answers(survey, n < yes, 3))
    tally.close(survey)
    tally.release_with_server_key(survey)
    survey.closed_on = days_ago(closed_days_ago)
    if next_round_of is not None:
        survey.series_id, survey.round_number = next_round_of.series_id, next_round_of.round_number + 1
    db.session.flush()
    return survey


def held(organizer, unit: BargainingUnit, kind: StructureTestKind, participants: int, *, days_ago_held: int,
         headcount: int | None = None):
    return structure_tests.record(organizer, unit, structure_tests.ActionDetails(
        kind, days_ago(days_ago_held), participants, headcount))
