"""`seed-scale`'s one-on-ones (organizer.demo_scale.seed_conversations): a fifth
of the unit spoken with and a tenth with a follow-up, a quarter of those done,
as rows that leave the chart as it was, and that the unit's page reads as it
reads conversations recorded through the service."""

from __future__ import annotations

import random
from datetime import timedelta

import sqlalchemy as sa

from core.extensions import db
from organizer import demo_scale
from organizer.charting import roster
from organizer.charting.models import Person
from organizer.conversations import services
from organizer.conversations.models import Conversation, FollowUp
from organizer.roles import Role
from tests import factories

HEADCOUNT = 60


def test_the_scale_seed_talks_with_a_fifth_and_sets_steps_for_a_tenth(app_ctx):
    union = factories.create_union(units=("Warehouse",))
    unit = union.units[0]
    for n in range(HEADCOUNT):
        factories.create_person(unit, assessment=n % 6, department_id=unit.departments[n % 2].id)
    organizer = factories.create_account(Role.ORGANIZER, union=union)
    chart_before = roster.of(unit).summary
    talked, stepped = demo_scale.seed_conversations(random.Random(7), unit, organizer)
    assert (talked, stepped) == (HEADCOUNT // 5, HEADCOUNT // 10)

    conversations = list(db.session.scalars(sa.select(Conversation).where(Conversation.unit_id == unit.id)))
    follow_ups = list(db.session.scalars(sa.select(FollowUp).where(FollowUp.unit_id == unit.id)))
    assert len(conversations) == talked and len(follow_ups) == stepped
    assert len({c.person_id for c in conversations}) == talked, "each with a coworker of their own"
    for conversation in conversations:
        person = db.session.get(Person, conversation.person_id)
        assert person.unit_id == unit.id
        assert conversation.assessment_before == conversation.assessment_after == person.assessment
    assert roster.of(unit).summary == chart_before, "the chart is left as it was"

    today = services.union_today(union)
    page = services.unit_conversations(organizer, unit, 30)
    assert page.open_count == sum(1 for f in follow_ups if f.is_open)
    recent = {c.person_id for c in conversations if c.held_on >= today - timedelta(days=30)}
    assert page.silence.not_spoken_to == HEADCOUNT - len(recent)
