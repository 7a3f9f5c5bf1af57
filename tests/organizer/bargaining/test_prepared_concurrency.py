"""Members writing demands and a steward recording answers in one unit at the same
moment, each in its own thread, app context, session and transaction, as web
workers would. Every commit ranks the unit's summary again and stores it whole,
so without the unit's lock one writer would store a ranking that misses the
other's change. On PostgreSQL the lock is the unit's row (FOR NO KEY UPDATE);
on SQLite the write lock the writing transaction holds; both run here."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from flask import Flask

from core.extensions import db
from organizer.accounts import services as accounts
from organizer.bargaining import ranking
from organizer.bargaining.models import PreparedSummary
from organizer.charting.models import BargainingUnit
from organizer.demands import services as demands
from organizer.demands.models import Basis, Category, Demand, DemandKind, EmployerResponse, Tier
from tests.concurrency import at_once


def _at_once(app: Flask, jobs: list[Callable[[], object]]) -> list[str]:
    """Run each job in its own thread and transaction, all starting together; the outcome of each."""
    return at_once(app, jobs, succeeded="done")


def _writing(email: str, text: str) -> Callable[[], object]:
    def write() -> None:
        author = accounts.find_account_by_email(email)
        demands.create_demand(author, demands.DemandDetails(DemandKind.DEMAND, Tier.PRIORITY, Basis.COLLECTIVE,
                                                            Category.PAY, text))
    return write


def _answering(email: str, demand_id: int) -> Callable[[], object]:
    def answer() -> None:
        demands.record_response(accounts.find_account_by_email(email), db.session.get(Demand, demand_id),
                                EmployerResponse.REFUSES, "Not this year")
    return answer


def test_writers_of_one_unit_at_once_leave_its_summary_with_every_change(app, world, crowd):
    with app.app_context():
        _writing(world.member, "Will you pay nights extra?")()
        db.session.commit()
        first = db.session.scalar(sa.select(Demand.id))
    jobs = [_writing(email, f"Will you answer coworker {n}?") for n, email in enumerate(crowd)]
    jobs.append(_answering(world.steward, first))
    assert _at_once(app, jobs) == ["done"] * len(jobs)
    with app.app_context():
        unit = db.session.get(BargainingUnit, world.unit_id)
        stored = db.session.execute(sa.select(PreparedSummary.items)
                                    .where(PreparedSummary.unit_id == unit.id)).scalar()
        items = ranking.StoredRanking.decode(stored).ranked().items
        assert len(items) == len(crowd) + 1
        assert stored == ranking.encode(ranking.rank(unit))
        [answered] = [item for item in items if item.demand.id == first]
        assert answered.demand.employer_response == EmployerResponse.REFUSES
        db.session.remove()
