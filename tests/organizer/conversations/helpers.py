"""Builders for the one-on-one tests: a conversation or a follow-up recorded through
the real services, with details distinctive enough to search a raw database for."""

from __future__ import annotations

import re
from datetime import date, timedelta

import sqlalchemy as sa

from core.extensions import db
from organizer.accounts.models import Account
from organizer.audit.models import AuditEntry
from organizer.charting.models import Person
from organizer.conversations import services
from organizer.conversations.models import Conversation, FollowUp

#: A note and a step no page, log or dump should show in the clear except to those who may read them.
NOTE = "Worried that Kowalczyk-Adeyemi in scheduling retaliates against night pickers"
STEP = "Bring Oyelaran-Fitzgerald a card before the Thursday huddle"


def words_of(html: str) -> str:
    """A page's words as a reader meets them: tags (names marked not to translate among them) left out."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def days_ago(person: Person, days: int) -> date:
    return services.union_today(person.unit.union) - timedelta(days=days)


def talk(actor: Account, person: Person, *, held_by: Account | None = None, days_back: int = 0,
         issues: tuple[str, ...] = ("pay", "scheduling"), assessment_after: int | None = None,
         note: str | None = NOTE, next_step: services.NextStep | None = None) -> Conversation:
    return services.record_conversation(actor, person, services.ConversationDetails(
        held_on=days_ago(person, days_back), held_by_id=(held_by or actor).id, issues=issues,
        assessment_after=person.assessment if assessment_after is None else assessment_after, note=note,
        next_step=next_step))


def step_for(owner: Account, person: Person, *, due_in: int = 3, step: str = STEP) -> services.NextStep:
    return services.NextStep(step=step, owner_id=owner.id, due_on=days_ago(person, -due_in))


def follow_up(actor: Account, person: Person, *, owner: Account | None = None, due_in: int = 3,
              step: str = STEP) -> FollowUp:
    return services.add_follow_up(actor, person, step_for(owner or actor, person, due_in=due_in, step=step))


def stored() -> tuple[int, int, int]:
    """Conversations, follow-ups and audit entries: what a refusal must leave as it was."""
    return tuple(db.session.scalar(sa.select(sa.func.count()).select_from(model))
                 for model in (Conversation, FollowUp, AuditEntry))
