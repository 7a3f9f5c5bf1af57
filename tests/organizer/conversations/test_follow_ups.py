"""Follow-ups: an owner who holds one-on-ones here and nobody else, a due day within
reason, marking done once, and each owner's list of what is overdue and due soon."""

from __future__ import annotations

import pytest

from core.extensions import db
from organizer.accounts import services as accounts
from organizer.charting import unions
from organizer.conversations import services
from organizer.errors import DomainError
from organizer.roles import Role
from tests import factories
from tests.organizer.conversations.helpers import STEP, days_ago, follow_up, step_for, stored, talk


@pytest.fixture
def outsiders(talking, world):
    """Accounts that hold no one-on-ones in the world's unit."""
    return {"the other union's organizer": accounts.find_account_by_email(world.other_organizer),
            "the unit's steward": accounts.find_account_by_email(world.steward),
            "a member of the unit": accounts.find_account_by_email(world.member)}


@pytest.mark.parametrize("who", ["the other union's organizer", "the unit's steward", "a member of the unit"])
def test_an_owner_outside_the_union_is_refused_and_nothing_is_stored(talking, outsiders, who):
    before = stored()
    with pytest.raises(DomainError, match="outside the union") as refused:
        follow_up(talking.organizer, talking.person, owner=outsiders[who])
    assert refused.value.field == "owner_id"
    db.session.rollback()
    assert stored() == before


def test_an_owner_who_is_nobody_is_refused_in_the_same_words(talking):
    with pytest.raises(DomainError, match="outside the union"):
        services.add_follow_up(talking.organizer, talking.person,
                               services.NextStep(step=STEP, owner_id=987654, due_on=days_ago(talking.person, -1)))


def test_another_organizer_of_the_union_may_own_it(talking):
    second = factories.create_account(Role.ORGANIZER, union=talking.person.unit.union)
    assert follow_up(talking.organizer, talking.person, owner=second).owner_id == second.id


@pytest.mark.parametrize(("due_in", "refused"), [
    (-(services.FOLLOW_UP_DAYS_BACK + 1), "long past"),
    (services.FOLLOW_UP_DAYS_AHEAD + 1, "within the coming year"),
])
def test_a_due_day_beyond_reason_is_refused(talking, due_in, refused):
    with pytest.raises(DomainError, match=refused) as error:
        follow_up(talking.organizer, talking.person, due_in=due_in)
    assert error.value.field == "due_on"


def test_a_step_a_few_days_overdue_may_still_be_recorded(talking):
    made = follow_up(talking.organizer, talking.person, due_in=-services.FOLLOW_UP_DAYS_BACK)
    assert made.due_on == days_ago(talking.person, services.FOLLOW_UP_DAYS_BACK)


@pytest.mark.parametrize(("step", "refused"), [("   ", "what the next step is"), ("…!?", "what the next step is"),
                                               ("x" * (services.STEP_MAX + 1), "characters or fewer")])
def test_a_step_with_no_words_or_too_many_is_refused(talking, step, refused):
    with pytest.raises(DomainError, match=refused):
        follow_up(talking.organizer, talking.person, step=step)


def test_no_due_day_is_refused(talking):
    with pytest.raises(DomainError, match="Give the day it is due"):
        services.add_follow_up(talking.organizer, talking.person,
                               services.NextStep(step=STEP, owner_id=talking.organizer.id, due_on=None))


def test_marked_done_once_and_never_twice(talking):
    made = follow_up(talking.organizer, talking.person)
    db.session.commit()
    services.mark_done(talking.organizer, made)
    db.session.commit()
    assert made.done_on == services.union_today(talking.person.unit.union)
    with pytest.raises(DomainError, match="already marked done"):
        services.mark_done(talking.organizer, made)
    history = services.coworker_history(talking.organizer, talking.person)
    assert (history.open_follow_ups, history.done_follow_ups) == ([], [made])


def test_the_owners_list_holds_what_is_overdue_and_due_soon_and_nothing_else(talking):
    organizer, person = talking.organizer, talking.person
    second = factories.create_account(Role.ORGANIZER, union=person.unit.union)
    overdue = follow_up(organizer, person, due_in=-2, step="Overdue step")
    today = follow_up(organizer, person, due_in=0, step="Due today")
    soon = follow_up(organizer, person, due_in=services.DUE_SOON_DAYS, step="Due this week")
    follow_up(organizer, person, due_in=services.DUE_SOON_DAYS + 1, step="Due later")
    services.mark_done(organizer, follow_up(organizer, person, due_in=-1, step="Done already"))
    follow_up(organizer, person, owner=second, due_in=-1, step="Someone else's")
    [unit] = services.follow_ups_due(organizer)
    assert unit.unit.id == person.unit_id
    assert [item.follow_up_id for item in unit.overdue] == [overdue.id]
    assert [item.follow_up_id for item in unit.due] == [today.id, soon.id]
    assert unit.total == 3 and unit.more == 0
    assert [item.step for item in services.follow_ups_due(second)[0].overdue] == ["Someone else's"]


def test_the_owners_list_covers_every_unit_of_the_union(talking):
    union = talking.person.unit.union
    second_unit = unions.create_unit(factories.OrganizerOf(union), union, "Yard")
    elsewhere = factories.create_person(second_unit, "Yard Worker")
    follow_up(talking.organizer, elsewhere, due_in=1)
    follow_up(talking.organizer, talking.person, due_in=2)
    assert [due.unit.name for due in services.follow_ups_due(talking.organizer)] == ["Dock crew", "Yard"]


def test_a_step_given_with_a_conversation_is_held_to_the_same_rules(talking, outsiders):
    before = stored()
    with pytest.raises(DomainError, match="outside the union"):
        talk(talking.organizer, talking.person, assessment_after=4,
             next_step=step_for(outsiders["the unit's steward"], talking.person))
    db.session.rollback()
    # Refused before anything was written: no conversation, no chart edit.
    assert stored() == before
    assert talking.person.assessment == 2


def test_the_home_list_holds_the_first_few_and_counts_the_rest(talking):
    for n in range(services.HOME_FOLLOW_UPS_SHOWN + 2):
        follow_up(talking.organizer, talking.person, due_in=n % 3, step=f"Step {n}")
    [unit] = services.follow_ups_due(talking.organizer)
    shown = unit.overdue + unit.due
    assert len(shown) == services.HOME_FOLLOW_UPS_SHOWN and unit.more == 2
    assert [item.due_on for item in shown] == sorted(item.due_on for item in shown), "soonest first"
