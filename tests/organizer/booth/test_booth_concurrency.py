"""A ballot opened for checking and the same ballot cast at the same moment, on
PostgreSQL: for every such race exactly one side wins. Either the check is
recorded and the cast refused, or the ballot is stored and the check refused;
never a stored ballot whose randomness the page then reveals. Each side runs
in its own thread, app context, session and transaction, as web workers would.

SQLite lets one writer in at a time, so there is no race to test there: the
test skips on SQLite, and fails (never skips) when PostgreSQL was asked for."""

from __future__ import annotations

import base64
import threading
import time

import pytest
import sqlalchemy as sa

from core.extensions import db
from core.refusals import Refused
from organizer.accounts import services as accounts
from organizer.booth import services as booth
from organizer.booth.models import CheckedBallot
from organizer.charting.models import BargainingUnit
from organizer.roles import Role
from surveys import ballot_box
from surveys.models import Survey
from tests import factories
from tests.concurrency import postgresql_only
from tests.organizer.booth.builders import device_ballot, open_booth_survey, tracker_of

RACES = 24

postgresql = postgresql_only("a check and a cast race only on PostgreSQL; SQLite admits one writer at a time")


def _race(app, survey_id: int, email: str, body: dict, cast_looked: threading.Event | None = None) -> dict[str, str]:
    """Record the ballot as checked and cast it, from two threads released together; with
    `cast_looked`, the check starts only once the cast has looked for it (and not yet committed)."""
    start = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def side(name: str, act) -> None:
        with app.app_context():
            actor = accounts.find_account_by_email(email)
            survey = db.session.get(Survey, survey_id)
            start.wait()
            if name == "check" and cast_looked is not None:
                assert cast_looked.wait(30), "the cast never looked for the check"
            try:
                act(actor, survey)
                db.session.commit()
                outcomes[name] = "done"
            except Refused as refused:
                db.session.rollback()
                outcomes[name] = type(refused).__name__
            except Exception as error:  # noqa: BLE001 - reported by the test, not lost in a thread
                db.session.rollback()
                outcomes[name] = f"unexpected {type(error).__name__}: {error}"
            finally:
                db.session.remove()

    payload = base64.b64decode(body["payload"])
    threads = [
        threading.Thread(target=side, name="check", args=("check", lambda actor, survey: booth.record_checked(
            actor, survey, tracker_of(body)))),
        threading.Thread(target=side, name="cast", args=("cast", lambda actor, survey: booth.cast_from_device(
            actor, survey, payload, {}))),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a side hung"
    return outcomes


def _cast_waits_after_looking(monkeypatch) -> list[threading.Event]:
    """The worst moment for a check: the cast has looked for it and found none, and has not
    committed yet. The cast holds on there a while; each race's event tells its check to start."""
    events: list[threading.Event] = []
    looked = ballot_box._look_under_lock

    def then_wait(*args, **kwargs):
        seen = looked(*args, **kwargs)
        if threading.current_thread().name == "cast":
            assert args[4] is not None, "the cast looked without asking for the trackers opened for checking"
            events[-1].set()
            time.sleep(0.3)
        return seen

    monkeypatch.setattr(ballot_box, "_look_under_lock", then_wait)
    return events


@pytest.mark.parametrize("worst_case", [False, True], ids=["released together", "check after the cast looked"])
def test_a_check_and_a_cast_of_one_ballot_at_once_never_both_succeed(app, postgresql, world, monkeypatch,
                                                                      worst_case):
    events = _cast_waits_after_looking(monkeypatch) if worst_case else None
    races = 4 if worst_case else RACES
    unit = db.session.get(BargainingUnit, world.unit_id)
    emails = [f"racer{i}@example.org" for i in range(races)]
    for email in emails:
        factories.create_account(Role.MEMBER, unit=unit, email=email)
    survey = open_booth_survey(unit, world.organizer)
    bodies = [device_ballot(survey) for _ in emails]
    survey_id = survey.id
    db.session.commit()
    results = []
    for email, body in zip(emails, bodies):
        if events is not None:
            events.append(threading.Event())
        results.append(_race(app, survey_id, email, body, events[-1] if events else None))

    allowed = ({"check": "done", "cast": "BallotWasChecked"}, {"check": "AlreadyAnswered", "cast": "done"})
    assert all(outcome in allowed for outcome in results), [o for o in results if o not in allowed]
    db.session.expire_all()
    checked = set(db.session.scalars(sa.select(CheckedBallot.tracker)))
    survey = db.session.get(Survey, survey_id)
    stored = set(ballot_box.pending_pool(survey).fingerprints()) | set(ballot_box.fingerprints(survey))
    assert not checked & stored, "a ballot opened for checking was stored"
    assert len(checked) + len(stored) == races
    if worst_case:
        assert all(outcome["cast"] == "done" for outcome in results), "the check waited for the cast to commit"
