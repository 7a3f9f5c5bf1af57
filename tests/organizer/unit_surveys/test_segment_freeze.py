"""The breakdown freeze (unit_surveys.SEGMENT_FREEZE_DAYS): a rogue organizer
who charts four puppets, moves them and a target into a fresh department
"Audit" and launches a pulse gets no "Audit" breakdown; coworkers who moved
long enough ago keep their segment."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from core.clock import today
from core.extensions import db
from organizer.accounts import coworkers
from organizer.accounts import services as accounts
from organizer.accounts.models import Account, RoleAssignment
from organizer.charting import people, unions
from organizer.charting.models import BargainingUnit, Person
from organizer.roles import Role
from organizer.unit_surveys import services as unit_surveys
from surveys import definitions
from surveys.models import KeyMode, SurveyKind
from surveys.release import SegmentPlan, candidate_groups
from tests import factories

K = 5


def _settle(account: Account, days_ago: int) -> None:
    """As if the coworker had been charted, placed and signed up `days_ago` days ago."""
    coworkers.person_of(account).segment_changed_on = today() - timedelta(days=days_ago)
    account.created_on = today() - timedelta(days=days_ago)


def _member(unit: BargainingUnit, name: str, **placement) -> Account:
    person = factories.create_person(unit, name, **placement)
    return accounts.create_account(display_name=name, email=f"{name.lower().replace(' ', '.')}@example.org",
                                   password=factories.PASSWORD, person=person,
                                   roles=[RoleAssignment(role=Role.MEMBER, unit_id=unit.id)])


@pytest.fixture
def floor(app_ctx, world):
    """Ten members charted, placed and signed up months ago: five in Loading, five in Cranes."""
    unit = db.session.get(BargainingUnit, world.unit_id)
    cranes, loading = unit.departments
    day, night = unit.shifts
    members = [_member(unit, f"Long Timer {n}", department_id=(loading if n < 5 else cranes).id,
                       shift_id=(day if n % 2 else night).id) for n in range(10)]
    for account in members:
        _settle(account, days_ago=200)
    # The world's own member has no department; settle them too, so only the moves below count.
    _settle(accounts.find_account_by_email(world.member), days_ago=200)
    db.session.flush()
    return unit, members


def _launch(world, unit: BargainingUnit) -> SegmentPlan:
    organizer = accounts.find_account_by_email(world.organizer)
    survey = unit_surveys.create(organizer, unit, definitions.SurveySettings(
        kind=SurveyKind.PULSE, title="Pulse", key_mode=KeyMode.SERVER_KEY, release_threshold=K),
        standard_questions=True)
    unit_surveys.launch_for_unit(organizer, survey)
    return SegmentPlan.from_json(survey.segment_plan)


def _stage_the_attack(world, unit: BargainingUnit, target: Account) -> list[Account]:
    organizer = accounts.find_account_by_email(world.organizer)
    audit = unions.add_segment(organizer, unit, "department", "Audit")
    puppets = [_member(unit, f"Puppet {n}", department_id=audit.id) for n in range(4)]
    person = coworkers.person_of(target)
    people.update_person(organizer, person, people.PersonDetails(
        name=person.name, department_id=audit.id, shift_id=person.shift_id, assessment=person.assessment,
        is_member=person.is_member))
    return puppets


def _department_groups(plan: SegmentPlan) -> set[str]:
    return {group.label for group in candidate_groups(plan) if group.dimension == "department"}


def test_a_department_filled_with_a_target_and_fresh_puppets_gets_no_breakdown(floor, world):
    unit, members = floor
    target = members[0]
    puppets = _stage_the_attack(world, unit, target)

    voters = unit_surveys.electorate(unit).voters
    for account in [target, *puppets]:
        assert voters[accounts.account_ref(account)] == {"department": None, "shift": None}
    plan = _launch(world, unit)
    assert "Audit" not in _department_groups(plan)
    assert all(cell.get("department") != "Audit" for cell in plan.cells.values())
    # The coworkers nobody moved still have their breakdown.
    assert "Cranes" in _department_groups(plan)


def test_coworkers_moved_more_than_the_freeze_ago_keep_their_segment(floor, world, monkeypatch):
    from organizer.charting import models

    unit, members = floor
    target = members[0]
    staged_on = today() - timedelta(days=unit_surveys.SEGMENT_FREEZE_DAYS + 1)
    monkeypatch.setattr(models, "today", lambda: staged_on)
    monkeypatch.setattr(people, "today", lambda: staged_on)
    puppets = _stage_the_attack(world, unit, target)
    for puppet in puppets:
        puppet.created_on = staged_on
    monkeypatch.undo()
    db.session.flush()

    voters = unit_surveys.electorate(unit).voters
    assert voters[accounts.account_ref(target)]["department"] == "Audit"
    assert "Audit" in _department_groups(_launch(world, unit)), (
        "a department settled for longer than the freeze is broken down like any other")


@pytest.mark.parametrize("segment_days, account_days, kept", [
    (unit_surveys.SEGMENT_FREEZE_DAYS - 1, 200, False),
    (unit_surveys.SEGMENT_FREEZE_DAYS, 200, True),
    (200, unit_surveys.SEGMENT_FREEZE_DAYS - 1, False),
    (200, unit_surveys.SEGMENT_FREEZE_DAYS, True),
    (0, 0, False),
])
def test_the_freeze_counts_both_the_move_and_the_account(floor, segment_days, account_days, kept):
    unit, members = floor
    account = members[0]
    coworkers.person_of(account).segment_changed_on = today() - timedelta(days=segment_days)
    account.created_on = today() - timedelta(days=account_days)
    db.session.flush()
    values = unit_surveys.electorate(unit).voters[accounts.account_ref(account)]
    assert (values == {"department": "Loading", "shift": "Night"}) is kept
    if not kept:
        assert values == {"department": None, "shift": None}


def test_the_freeze_is_named_with_its_threat():
    assert unit_surveys.SEGMENT_FREEZE_DAYS == 30
    doc = unit_surveys.electorate.__doc__
    assert "SEGMENT_FREEZE_DAYS" in doc and "puppet" in doc


def test_a_person_moved_today_by_any_path_restarts_the_freeze(floor, world):
    unit, members = floor
    organizer = accounts.find_account_by_email(world.organizer)
    person = coworkers.person_of(members[5])
    cranes = next(d for d in unit.departments if d.name == "Cranes")
    unions.remove_segment(organizer, cranes)
    db.session.flush()
    assert db.session.get(Person, person.id).segment_changed_on == today()
    assert unit_surveys.electorate(unit).voters[accounts.account_ref(members[5])]["department"] is None
    untouched = coworkers.person_of(members[0])
    assert untouched.segment_changed_on == today() - timedelta(days=200)
    assert isinstance(untouched.segment_changed_on, date)
