"""Writers racing for the same rows, as web workers would: each job in its own
thread, app context, session and transaction, all starting at one barrier."""

from __future__ import annotations

import threading
from collections.abc import Callable

from flask import Flask

from core.extensions import db
from organizer.errors import DomainError


def at_once(app: Flask, jobs: list[Callable[[], object]], *, succeeded: str = "done") -> list[str]:
    """The outcome of each job: `succeeded` when it committed, "refused: <field>" for a
    refusal, "unexpected ..." for anything else (reported, not lost in a thread)."""
    outcomes: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(len(jobs))

    def run(job: Callable[[], object]) -> None:
        with app.app_context():
            start.wait()
            try:
                job()
                db.session.commit()
                outcome = succeeded
            except DomainError as refused:
                db.session.rollback()
                outcome = f"refused: {refused.field}"
            except Exception as error:  # noqa: BLE001 - reported by the test, not lost in a thread
                db.session.rollback()
                outcome = f"unexpected {type(error).__name__}: {error}"
            finally:
                db.session.remove()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a writer hung"
    return outcomes
