"""Two organizers starting a union's first key ceremony at the same instant, on
PostgreSQL: exactly one ceremony is started, and the other organizer is told
one is already under way. Without a ceremony yet there is no ceremony row for
the second to wait on, so the union's own row is what they take turns on. Each
side runs in its own thread, app context, session and transaction, as web
workers would.

SQLite lets one writer in at a time, so there is no race to test there: the
test skips on SQLite, and fails (never skips) when PostgreSQL was asked for."""

from __future__ import annotations

import sqlalchemy as sa

from core.extensions import db
from organizer.accounts.services import find_account_by_email
from organizer.ceremony import services as ceremonies
from organizer.charting.models import Union
from organizer.roles import Role
from surveys.models import KeyCeremony
from tests import factories
from tests.concurrency import at_once, postgresql_only

RACES = 12

postgresql = postgresql_only("two ceremonies race only on PostgreSQL; SQLite admits one writer at a time")


def _union_with_two_organizers(race: int) -> tuple[int, list[str], list[int]]:
    """A union with two organizers (who will both start) and two stewards (trustees with them)."""
    union = factories.create_union(f"Race union {race}")
    organizers = [factories.create_account(Role.ORGANIZER, union=union, email=f"race{race}.organizer{n}@example.org")
                  for n in (1, 2)]
    stewards = [factories.create_account(Role.STEWARD, unit=union.units[0]) for _ in (1, 2)]
    db.session.commit()
    return union.id, [a.email for a in organizers], [a.id for a in (*organizers, *stewards)]


def _start_at_once(app, union_id: int, emails: list[str], trustee_ids: list[int]) -> list[str]:
    """Both organizers start a ceremony among the same trustees, released together; what each got."""
    def starting(email: str):
        return lambda: ceremonies.start(find_account_by_email(email), db.session.get(Union, union_id), trustee_ids, 2)

    return sorted(at_once(app, [starting(email) for email in emails], succeeded="started",
                          refusal=lambda refused: refused.message))


def test_two_first_ceremonies_started_at_the_same_instant_make_one(app, postgresql):
    for race in range(RACES):
        union_id, organizers, trustee_ids = _union_with_two_organizers(race)
        outcomes = _start_at_once(app, union_id, organizers, trustee_ids)
        assert outcomes[1] == "started" and "already under way" in outcomes[0], (race, outcomes)
        db.session.expire_all()
        started = db.session.scalar(sa.select(sa.func.count()).select_from(KeyCeremony).where(
            KeyCeremony.scope == f"union:{union_id}"))
        assert started == 1, f"race {race}: {started} ceremonies under way in one union"
