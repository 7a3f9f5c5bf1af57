"""A committee member of the world's unit and three coworkers around them, for
the tests of committee roles (naming, the chart's scope, changed ids)."""

from __future__ import annotations

from dataclasses import dataclass

from core.extensions import db
from organizer.accounts import committee
from organizer.accounts import services as accounts
from organizer.charting.models import BargainingUnit
from organizer.roles import Role
from tests import factories

COMMITTEE_EMAIL = "committee.member@example.org"


@dataclass(frozen=True)
class Seated:
    """Ids and the email of the committee member and the coworkers the tests look for."""

    email: str
    account_id: int
    #: The department they are named for, and another of the unit.
    own_department_id: int
    other_department_id: int
    #: Coworkers charted in their department, in the other one, and in none.
    own_coworker_id: int
    other_coworker_id: int
    unplaced_coworker_id: int


def seat_committee_member(world) -> Seated:
    """Inside an app context: a member of the world's unit named to its committee for its
    first department (Cranes, by name order), with a coworker in each department and one
    in none. Committed."""
    unit = db.session.get(BargainingUnit, world.unit_id)
    own, other = unit.departments[0], unit.departments[1]
    account = factories.create_account(Role.MEMBER, unit=unit, email=COMMITTEE_EMAIL, display_name="Sam")
    committee.name_to_committee(accounts.find_account_by_email(world.organizer), unit, account, {own.id})
    mine = factories.create_person(unit, "Ana Own-Department", department_id=own.id, assessment=1)
    theirs = factories.create_person(unit, "Bo Other-Department", department_id=other.id, assessment=4)
    nowhere = factories.create_person(unit, "Cy No-Department", assessment=3)
    db.session.commit()
    return Seated(COMMITTEE_EMAIL, account.id, own.id, other.id, mine.id, theirs.id, nowhere.id)
