"""Writers racing for the same rows, as web workers would: each job in its own
thread, app context, session and transaction, all starting at one barrier.

SQLite lets one writer in at a time, so a race needs PostgreSQL: tests that
need it take the fixture `postgresql_only` makes, which skips on SQLite and
fails (never skips) when PostgreSQL was asked for."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable

import pytest
from flask import Flask

from core.extensions import db
from core.refusals import Refused


def postgresql_only(why: str) -> Callable[..., None]:
    """A fixture (assign it to `postgresql`) that lets a test run only on PostgreSQL;
    `why` is the skip's reason on SQLite."""

    @pytest.fixture
    def postgresql(app_ctx) -> None:
        dialect = db.engine.dialect.name
        if dialect == "postgresql":
            return
        if os.environ.get("LEVERAGE_TEST_DATABASE_URL") or os.environ.get("LEVERAGE_REQUIRE_POSTGRES"):
            pytest.fail(f"PostgreSQL was asked for, but the database under test is {dialect}")
        pytest.skip(f"{why} (set LEVERAGE_TEST_DATABASE_URL to run this)")

    return postgresql


def _refused_field(refused: Refused) -> str:
    return f"refused: {refused.field}"


def at_once(app: Flask, jobs: list[Callable[[], object]], *, succeeded: str = "done",
            refusal: Callable[[Refused], str] = _refused_field) -> list[str]:
    """The outcome of each job, in the order of `jobs`: `succeeded` when it committed,
    `refusal(refused)` for a refusal ("refused: <field>" unless told), "unexpected ..."
    for anything else (reported, not lost in a thread)."""
    outcomes: list[str] = ["unfinished"] * len(jobs)
    start = threading.Barrier(len(jobs))

    def run(index: int, job: Callable[[], object]) -> None:
        with app.app_context():
            start.wait()
            try:
                job()
                db.session.commit()
                outcome = succeeded
            except Refused as refused:
                db.session.rollback()
                outcome = refusal(refused)
            except Exception as error:  # noqa: BLE001 - reported by the test, not lost in a thread
                db.session.rollback()
                outcome = f"unexpected {type(error).__name__}: {error}"
            finally:
                db.session.remove()
        outcomes[index] = outcome

    threads = [threading.Thread(target=run, args=(index, job)) for index, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a writer hung"
    return outcomes
