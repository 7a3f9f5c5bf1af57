"""The sessions are written again, hourly, in one transaction and in random order
(`accounts.mix_sessions`): a sign-in's row must not stay dated and ordered by its
moment, next to the unattributed act written after it. Nobody is signed in or
out by it."""

from __future__ import annotations

import sqlalchemy as sa

from core.extensions import db
from organizer.accounts.models import AccountSession
from organizer.charting.models import BargainingUnit
from organizer.roles import Role
from tests import factories
from tests.surveys.helpers import run_job


def _signed_in(app, login, world, count: int):
    clients = []
    with app.app_context():
        unit = db.session.get(BargainingUnit, world.unit_id)
        emails = [factories.create_account(Role.MEMBER, unit=unit, email=f"mixed{n}@example.org").email
                  for n in range(count)]
        db.session.commit()
        db.session.remove()
    for email in emails:
        clients.append(login(app.test_client(), email))
    return clients


def _rows(app) -> list[tuple]:
    """The sessions' rows in the order the storage keeps them, with its stamp of each."""
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            query = "SELECT token_hash, xmin::text FROM account_sessions ORDER BY ctid"
        else:
            query = "SELECT token_hash, rowid FROM account_sessions ORDER BY rowid"
        found = [tuple(row) for row in db.session.execute(sa.text(query))]
        db.session.remove()
    return found


def test_mixing_keeps_everyone_signed_in_and_out_as_they_were(app, login, world):
    clients = _signed_in(app, login, world, 6)
    leaving = clients.pop()
    assert leaving.post("/logout").status_code in (302, 303)
    with app.app_context():
        assert run_job(app, "mix_sessions") == len(clients)
        db.session.remove()
    for client in clients:
        assert client.get("/").status_code == 200
    assert leaving.get("/").status_code == 302
    # Signing out after a mix still ends the session, whatever row now holds it.
    clients[0].post("/logout")
    assert clients[0].get("/").status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AccountSession)) == len(clients) - 1
        db.session.remove()


def test_after_mixing_no_session_keeps_the_stamp_or_place_of_its_sign_in(app, login, world):
    _signed_in(app, login, world, 30)
    before = _rows(app)
    with app.app_context():
        assert run_job(app, "mix_sessions") == 30
        db.session.remove()
    after = _rows(app)
    assert sorted(token for token, _ in after) == sorted(token for token, _ in before)
    assert [token for token, _ in after] != [token for token, _ in before], "stored in the order of the sign-ins"
    stamps = {stamp for _, stamp in after}
    with app.app_context():
        on_postgresql = db.engine.dialect.name == "postgresql"
    if on_postgresql:
        assert len(stamps) == 1, "each session still carries the transaction of its sign-in"
    else:
        # The rowids are handed out again in the mixed order (SQLite starts from 1 in an emptied table).
        kept = sum(dict(before)[token] == rowid for token, rowid in after)
        assert kept < len(after) // 2, "most sessions kept the rowid of their sign-in"
