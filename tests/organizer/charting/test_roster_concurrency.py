"""Organizers charting the same unit at the same moment: each in its own thread,
app context, session and transaction, as web workers would. The unit's roster
is rewritten whole by every change, so without its lock one writer would write
back a copy that misses the other's people; and two people of the same name
would both pass the duplicate check. On PostgreSQL the lock is the unit's row
(FOR NO KEY UPDATE); on SQLite the write lock taken up front; both run here."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from flask import Flask

from core.extensions import db
from organizer.accounts import services as accounts
from organizer.charting import people, roster
from organizer.charting.models import BargainingUnit, Person
from tests.concurrency import at_once

THREADS = 6


def _at_once(app: Flask, jobs: list[Callable[[], object]]) -> list[str]:
    """Run each job in its own thread and transaction, all starting together; the outcome of each."""
    return at_once(app, jobs, succeeded="charted")


def _adding(world, names: list[str]) -> Callable[[], object]:
    def add() -> None:
        organizer = accounts.find_account_by_email(world.organizer)
        unit = db.session.get(BargainingUnit, world.unit_id)
        for name in names:
            people.add_person(organizer, unit, people.PersonDetails(name=name))
    return add


def test_organizers_charting_one_unit_at_once_lose_nobody_from_its_roster(app, world):
    batches = [[f"Writer {thread} Person {n}" for n in range(4)] for thread in range(THREADS)]
    outcomes = _at_once(app, [_adding(world, names) for names in batches])
    assert outcomes == ["charted"] * THREADS
    with app.app_context():
        unit = db.session.get(BargainingUnit, world.unit_id)
        listed = roster.of(unit)
        assert listed.is_stored
        charted = set(db.session.scalars(sa.select(Person.id).where(Person.unit_id == unit.id)))
        assert set(listed.person_ids()) == charted
        assert len(charted) == 3 + THREADS * 4  # Jordan and the steward's and member's coworkers, and every batch
        db.session.remove()


def test_the_same_name_added_at_once_is_charted_once(app, world):
    outcomes = _at_once(app, [_adding(world, ["Sam Same"]) for _ in range(THREADS)])
    assert sorted(outcomes) == ["charted"] + ["refused: name"] * (THREADS - 1)
    with app.app_context():
        unit = db.session.get(BargainingUnit, world.unit_id)
        names = [p.name for p in db.session.scalars(sa.select(Person).where(Person.unit_id == unit.id))]
        assert names.count("Sam Same") == 1
        assert len(roster.of(unit).named(roster.name_key("Sam Same"))) == 1
        db.session.remove()
