"""Taking a grievance through its steps: in order only, with deadlines from the
union's days (or the contract's own), never a deadline already past, and a
sealed log of every step."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from core.clock import today
from core.extensions import db
from organizer.errors import DomainError, NotAllowed
from organizer.grievances import rules, services
from organizer.grievances.models import DEFAULT_DAYS, OPEN_STEPS, Grievance, Step, StepTaken
from organizer.grievances.services import StepChange
from tests.organizer.grievances.helpers import file


def _move(shop, grievance, step: Step, began_on=None, due_on=None):
    return services.move(shop.steward, grievance, StepChange(step.value, began_on, due_on))


@pytest.fixture
def filed(shop):
    grievance = file(shop.member, shop.unit).grievance
    db.session.commit()
    return grievance


def test_each_open_step_follows_the_last_and_any_open_step_may_end_it():
    assert [s.next_in_order for s in OPEN_STEPS] == [*OPEN_STEPS[1:], None]
    for step in OPEN_STEPS:
        assert step.moves_to()[-2:] == [Step.RESOLVED, Step.WITHDRAWN]
        assert not step.can_move_to(step)
    assert Step.RESOLVED.moves_to() == Step.WITHDRAWN.moves_to() == []
    assert not Step.RECEIVED.can_move_to(Step.STEP_1)


def test_a_grievance_goes_through_every_step_with_the_unions_days(shop, filed):
    assert filed.due_on == today() + timedelta(days=DEFAULT_DAYS[Step.RECEIVED])
    for step in OPEN_STEPS[1:]:
        _move(shop, filed, step)
        assert (filed.step, filed.step_on, filed.due_on) == (step, today(), today() + timedelta(days=DEFAULT_DAYS[step]))
    _move(shop, filed, Step.RESOLVED)
    db.session.commit()
    grievance = db.session.get(Grievance, filed.id)
    assert grievance.step == Step.RESOLVED and grievance.due_on is None
    assert [t.step for t in grievance.steps] == [*OPEN_STEPS, Step.RESOLVED]
    assert [t.by_id for t in grievance.steps] == [None] + [shop.steward.id] * 5


def test_a_step_out_of_order_is_refused_and_nothing_changes(shop, filed):
    for step in (Step.STEP_1, Step.STEP_2, Step.ARBITRATION, Step.RECEIVED):
        with pytest.raises(DomainError) as refused:
            _move(shop, filed, step)
        db.session.rollback()
        assert refused.value.field == "step"
        assert "the next step is Investigating" in refused.value.message
    assert db.session.get(Grievance, filed.id).step == Step.RECEIVED
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StepTaken)) == 1
    for bad in ("", "step_3", "RESOLVED"):
        with pytest.raises(DomainError):
            services.move(shop.steward, filed, StepChange(bad, None, None))
        db.session.rollback()


def test_an_ended_grievance_takes_no_more_steps(shop, filed):
    _move(shop, filed, Step.WITHDRAWN)
    db.session.commit()
    for step in Step:
        with pytest.raises(DomainError, match="has ended"):
            _move(shop, filed, step)
        db.session.rollback()
    with pytest.raises(DomainError):
        services.withdraw(shop.member, filed)


def test_after_arbitration_only_an_end(shop, filed):
    for step in OPEN_STEPS[1:]:
        _move(shop, filed, step)
    assert Step.ARBITRATION.moves_to() == [Step.RESOLVED, Step.WITHDRAWN]


def test_the_contracts_own_deadline_wins_and_a_past_one_is_refused(shop, filed):
    _move(shop, filed, Step.INVESTIGATING, due_on=today() + timedelta(days=3))
    assert filed.due_on == today() + timedelta(days=3)
    db.session.commit()
    for due_on in (today() - timedelta(days=1), date(2000, 1, 1)):
        with pytest.raises(DomainError, match="has passed already") as refused:
            _move(shop, filed, Step.STEP_1, due_on=due_on)
        db.session.rollback()
        assert refused.value.field == "due_on"
    # A step recorded as begun long ago, whose days have run out: its deadline would be past, so it is refused
    # too, beside the day it began.
    long_ago = today() - timedelta(days=DEFAULT_DAYS[Step.STEP_1] + 1)
    grievance = db.session.get(Grievance, filed.id)
    grievance.step_on = long_ago - timedelta(days=5)
    db.session.commit()
    with pytest.raises(DomainError, match="has passed already") as refused:
        services.move(shop.steward, grievance, StepChange(Step.STEP_1.value, long_ago, None))
    db.session.rollback()
    assert refused.value.field == "began_on"
    assert db.session.get(Grievance, filed.id).step == Step.INVESTIGATING


def test_a_step_begins_neither_in_the_future_nor_before_the_last(shop, filed):
    with pytest.raises(DomainError, match="not on a day still to come"):
        _move(shop, filed, Step.INVESTIGATING, began_on=today() + timedelta(days=1))
    db.session.rollback()
    with pytest.raises(DomainError, match="before the one it follows"):
        _move(shop, db.session.get(Grievance, filed.id), Step.INVESTIGATING, began_on=today() - timedelta(days=1))
    db.session.rollback()
    with pytest.raises(DomainError, match="no deadline"):
        _move(shop, db.session.get(Grievance, filed.id), Step.RESOLVED, due_on=today() + timedelta(days=2))


def test_the_unions_days_set_the_next_deadlines(shop, filed):
    deadlines = rules.deadlines_of(shop.unit.union)
    rules.set_deadlines(shop.organizer, shop.unit.union, rules.Deadlines(
        {**deadlines.days, Step.INVESTIGATING: 3}, deadlines.counted_since))
    _move(shop, filed, Step.INVESTIGATING)
    assert filed.due_on == today() + timedelta(days=3)


def test_only_the_units_stewards_move_it(shop, filed):
    for someone in (shop.organizer, shop.member, shop.others[0]):
        with pytest.raises(NotAllowed):
            services.move(someone, filed, StepChange(Step.INVESTIGATING.value, None, None))
        db.session.rollback()


def test_the_unions_rules_refuse_days_out_of_range_and_counting_from_the_future(shop):
    union = shop.unit.union
    stored = rules.deadlines_of(union)
    for days in (0, 366, -3):
        with pytest.raises(DomainError) as refused:
            rules.set_deadlines(shop.organizer, union, rules.Deadlines({**stored.days, Step.STEP_2: days},
                                                                       stored.counted_since))
        assert refused.value.field == "days_step_2"
    for since in (today() + timedelta(days=1), date(1999, 1, 1)):
        with pytest.raises(DomainError) as refused:
            rules.set_deadlines(shop.organizer, union, rules.Deadlines(stored.days, since))
        assert refused.value.field == "counted_since"
    with pytest.raises(NotAllowed):
        rules.set_deadlines(shop.steward, union, stored)
