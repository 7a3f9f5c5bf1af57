"""One-on-one writes at the same moment, each in its own thread, session and
transaction, as web workers would: a follow-up marked done from two tabs is
marked once (the unit's roster lock serializes them, the second is refused), and
two conversations that move the same coworker at once each keep, as "before",
where the other left them, so the assessment history has no gap."""

from __future__ import annotations

import sqlalchemy as sa

from core.extensions import db
from organizer.accounts import services as accounts
from organizer.audit.models import AuditAction, AuditEntry
from organizer.charting.models import Person
from organizer.conversations import services
from organizer.conversations.models import Conversation, FollowUp
from tests.concurrency import at_once
from tests.organizer.conversations.helpers import follow_up, talk


def test_a_follow_up_marked_done_from_two_tabs_is_marked_once(app, world):
    with app.app_context():
        made = follow_up(accounts.find_account_by_email(world.organizer), db.session.get(Person, world.person_id))
        db.session.commit()
        follow_up_id = made.id

    def marking():
        services.mark_done(accounts.find_account_by_email(world.organizer), db.session.get(FollowUp, follow_up_id))

    assert sorted(at_once(app, [marking, marking, marking])) == ["done", "refused: None", "refused: None"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
            AuditEntry.action == AuditAction.FOLLOW_UP_DONE)) == 1
        db.session.remove()


def test_two_conversations_at_once_chain_their_assessments(app, world):
    def talking(after: int):
        def record():
            talk(accounts.find_account_by_email(world.organizer), db.session.get(Person, world.person_id),
                 assessment_after=after)
        return record

    assert at_once(app, [talking(1), talking(4)]) == ["done", "done"]
    with app.app_context():
        rows = db.session.scalars(sa.select(Conversation).order_by(Conversation.id)).all()
        first, second = rows
        assert first.assessment_before == 2, "the world's coworker starts at 2"
        assert second.assessment_before == first.assessment_after, "the second saw where the first left them"
        assert db.session.get(Person, world.person_id).assessment == second.assessment_after
        db.session.remove()
