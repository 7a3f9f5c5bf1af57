"""Signing oneself up for a job search: the address is confirmed by a mailed link
before any account exists; the page says the same whether or not the address has
an account; the account made holds no role and sees nothing of any union; a link
for another address, an old link or a forged one does nothing; requests for mail
are rate limited."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
import sqlalchemy as sa

from core.clock import today
from core.extensions import db
from organizer.accounts import services as accounts
from organizer.accounts.models import Account
from organizer.signup import services as signup
from tests.factories import PASSWORD
from tests.organizer.notifications.builders import Outbox

NEWCOMER = "newcomer.home@example.net"


@pytest.fixture
def outbox(app) -> Outbox:
    return Outbox(app)


def _link_in(message) -> str:
    return re.search(r"http://\S+/sign-up/(\S+)", message.get_content()).group(1)


def _accounts(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Account))


def _without_tokens(html: str) -> str:
    return re.sub(r'value="[^"]*"', "", html)


def _finish(client, token: str, email: str = NEWCOMER, password: str = PASSWORD):
    return client.post(f"/sign-up/{token}", data={"display_name": "Newcomer", "email": email, "password": password,
                                                   "confirm": password})


def test_a_newcomer_confirms_their_address_and_gets_an_account_with_no_role(app, world, outbox):
    client = app.test_client()
    before = _accounts(app)
    sent = client.post("/sign-up", data={"email": NEWCOMER})
    assert sent.status_code == 200 and "a link is on its way" in sent.get_data(as_text=True)
    assert _accounts(app) == before, "nothing is stored before the address is confirmed"
    [message] = outbox.to(NEWCOMER)
    made = _finish(client, _link_in(message))
    assert made.status_code == 302 and made.headers["Location"] == "/candidate"
    with app.app_context():
        account = accounts.find_account_by_email(NEWCOMER)
        assert account.roles == [] and account.person_id is None
    # Signed in, with a job search to start and no union page open to it.
    assert client.get("/candidate").status_code == 200
    for page in (f"/unions/{world.union_id}", f"/units/{world.unit_id}/chart", "/my/demands",
                 f"/steward/units/{world.unit_id}", f"/units/{world.unit_id}/demands"):
        assert client.get(page).status_code in (403, 404), page


def test_an_address_with_an_account_gets_the_same_page_and_a_note_instead_of_a_link(app, world, outbox):
    client = app.test_client()
    for_new = client.post("/sign-up", data={"email": NEWCOMER}).get_data(as_text=True)
    for_member = client.post("/sign-up", data={"email": world.member}).get_data(as_text=True)
    assert _without_tokens(for_new) == _without_tokens(for_member), "the page must not tell who has an account"
    [note] = outbox.to(world.member)
    assert "/sign-up/" not in note.get_content() and "has one already" in " ".join(note.get_content().split())


def test_the_link_works_only_for_the_address_it_was_sent_to(app, outbox):
    client = app.test_client()
    client.post("/sign-up", data={"email": NEWCOMER})
    token = _link_in(outbox.to(NEWCOMER)[0])
    other = _finish(client, token, email="someone.else@example.net")
    assert other.status_code == 400
    assert "sent to another address" in unescape(other.get_data(as_text=True))
    assert accounts_for(app, "someone.else@example.net") is None


def accounts_for(app, email: str):
    with app.app_context():
        found = accounts.find_account_by_email(email)
        db.session.remove()
    return found


def test_a_second_use_finds_the_address_taken(app, outbox):
    client = app.test_client()
    client.post("/sign-up", data={"email": NEWCOMER})
    token = _link_in(outbox.to(NEWCOMER)[0])
    assert _finish(client, token).status_code == 302
    again = _finish(app.test_client(), token)
    assert again.status_code == 400 and "already exists" in again.get_data(as_text=True)


def test_an_old_or_forged_link_does_nothing(app):
    with app.test_request_context():
        token = signup.make_token(NEWCOMER)
    old = today() - timedelta(days=signup.SIGN_UP_VALID_DAYS + 1)
    day, nonce, tag = token.split(".")
    client = app.test_client()
    for bad in (f"{old.toordinal()}.{nonce}.{tag}", "nonsense", "1.2.3", f"9999999.{nonce}.{tag}",
                f"{day}.{nonce[:-2]}.{tag}"):
        assert client.get(f"/sign-up/{bad}").status_code == 410, bad
        assert _finish(client, bad).status_code == 410, bad
    # A forged tag looks like any link until an address is typed; then it opens nothing.
    forged = f"{day}.{nonce}.{'A' * len(tag)}"
    assert client.get(f"/sign-up/{forged}").status_code == 200
    assert _finish(client, forged).status_code == 400
    assert accounts_for(app, NEWCOMER) is None


def test_a_password_the_policy_refuses_makes_no_account(app, outbox):
    client = app.test_client()
    client.post("/sign-up", data={"email": NEWCOMER})
    token = _link_in(outbox.to(NEWCOMER)[0])
    assert _finish(client, token, password="password123").status_code == 400
    assert accounts_for(app, NEWCOMER) is None


def test_requests_for_mail_are_rate_limited_per_address(app, outbox, monkeypatch):
    monkeypatch.setitem(app.config, "SIGN_UP_ADDRESS_LIMIT", "2 per hour")
    client = app.test_client()
    statuses = [client.post("/sign-up", data={"email": NEWCOMER}).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert len(outbox.to(NEWCOMER)) == 2
    # Another address has its own budget.
    assert client.post("/sign-up", data={"email": "another@example.net"}).status_code == 200


def test_the_sign_in_page_points_job_seekers_to_sign_up(app):
    html = app.test_client().get("/login").get_data(as_text=True)
    assert 'href="/sign-up"' in html
