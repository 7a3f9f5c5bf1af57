"""Recording a conversation: what is kept, the chart's assessment moved through the
chart's own service (its roster, and no audit entry of its own that would name the coworker), the coworker's history newest
first with the assessments it moved, and the audit entries that never say with
whom or what was said."""

from __future__ import annotations

import sqlalchemy as sa

from core.extensions import db
from organizer.audit.models import AuditAction, AuditEntry
from organizer.charting import roster
from organizer.charting.models import Person
from organizer.conversations import services
from organizer.conversations.models import Conversation
from organizer.ontology import Category
from organizer.roles import Role
from tests import factories
from tests.organizer.conversations.helpers import NOTE, STEP, days_ago, step_for, talk


def _actions() -> list[AuditAction]:
    return list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))


def test_a_conversation_keeps_what_was_said_and_moves_the_chart(talking):
    person = talking.person
    assert person.assessment == 2
    before = _actions()
    conversation = talk(talking.organizer, person, days_back=2, issues=("scheduling", "pay"), assessment_after=1)
    db.session.commit()
    db.session.expire_all()
    kept = db.session.get(Conversation, conversation.id)
    assert (kept.person_id, kept.held_by_id, kept.held_on) == (person.id, talking.organizer.id, days_ago(person, 2))
    # In the ontology's order, whatever order they were ticked in.
    assert kept.issues == [Category.PAY, Category.SCHEDULING]
    assert (kept.assessment_before, kept.assessment_after, kept.note) == (2, 1, NOTE)
    # The chart, and the roster that counts it, say where the coworker stands now.
    assert db.session.get(Person, person.id).assessment == 1
    assert roster.of(person.unit).entry(person.id).assessment == 1
    # One entry: "Edited <the coworker>" beside it would say with whom the talk was.
    assert _actions()[len(before):] == [AuditAction.CONVERSATION_RECORDED]


def test_the_audit_entry_names_neither_the_coworker_nor_what_was_said(talking):
    talk(talking.organizer, talking.person, assessment_after=5)
    entry = db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.action == AuditAction.CONVERSATION_RECORDED)).one()
    assert talking.organizer.display_name in entry.description
    for secret in (talking.person.name, NOTE, "Opposed", "Pay", "Scheduling", "assess"):
        assert secret not in entry.description


def test_an_unchanged_assessment_leaves_the_chart_alone(talking):
    before = _actions()
    talk(talking.organizer, talking.person)
    assert _actions()[len(before):] == [AuditAction.CONVERSATION_RECORDED]


def test_the_history_is_newest_first_and_lists_the_assessments_it_moved(talking):
    organizer, person = talking.organizer, talking.person
    talk(organizer, person, days_back=20, assessment_after=3, note="First talk")
    talk(organizer, person, days_back=10, note="Second talk")
    talk(organizer, person, days_back=1, assessment_after=1, note="Third talk")
    history = services.coworker_history(organizer, person)
    assert [c.note for c in history.conversations] == ["Third talk", "Second talk", "First talk"]
    assert [(c.before, c.after) for c in history.assessment_changes] == [(3, 1), (2, 3)]
    assert not history.changed_on_the_chart_since
    # An edit on the chart afterwards is told apart from what the conversations left.
    person.assessment = 4
    db.session.flush()
    assert services.coworker_history(organizer, person).changed_on_the_chart_since


def test_the_history_holds_only_this_coworkers_conversations(talking):
    other = factories.create_person(talking.person.unit, "Someone Else")
    talk(talking.organizer, other, note="About someone else")
    talk(talking.organizer, talking.person, note="About Jordan")
    assert [c.note for c in services.coworker_history(talking.organizer, talking.person).conversations] == [
        "About Jordan"]


def test_a_next_step_given_with_the_conversation_becomes_a_follow_up(talking):
    talk(talking.organizer, talking.person, next_step=step_for(talking.organizer, talking.person, due_in=4))
    history = services.coworker_history(talking.organizer, talking.person)
    [follow_up] = history.open_follow_ups
    assert (follow_up.step, follow_up.owner_id) == (STEP, talking.organizer.id)
    assert _actions()[-1] == AuditAction.FOLLOW_UP_ADDED


def test_someone_else_of_the_union_may_have_held_it(talking):
    second = factories.create_account(Role.ORGANIZER, union=talking.person.unit.union,
                                      display_name="Second Organizer")
    conversation = talk(talking.organizer, talking.person, held_by=second)
    assert conversation.held_by_id == second.id
    assert services.coworker_history(talking.organizer, talking.person).name_of(second.id) == "Second Organizer"
