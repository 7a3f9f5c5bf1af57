"""Bad input on the union card forms never gets a 500 and never leaves anything
half-written: random, huge and hostile values in every field of every card form
(a refused request stores nothing), and a refusal raised after the service has
already written and flushed (the real service runs, then a rule refuses), with
a commit hooked onto the end of the request, leaves no card, no version of the
words and no audit entry behind."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import request_finished
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.extensions import db
from organizer.accounts import services as accounts
from organizer.audit.models import AuditEntry
from organizer.cards import services
from organizer.cards.models import UnionCard, UnionCardText
from organizer.charting.models import BargainingUnit
from organizer.errors import DomainError
from organizer.roles import Role
from tests import factories
from tests.organizer.cards.helpers import SIGNER, set_words, sign

HOSTILE = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.sampled_from(["", " ", "0", "-1", "99999999999999999999", "NaN", "None", "<script>alert(1)</script>",
                     "' OR 1=1 --", "\x00", "\u202e", "=HYPERLINK(\"x\")", "2026-13-45", "1900-01-01", "9999-12-31",
                     "y", "on", SIGNER["legal_name"]]),
    st.text(min_size=2000, max_size=5000),
    st.integers().map(str),
)
FUZZ = settings(max_examples=25, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])


def _tables() -> tuple[int, int, int]:
    return tuple(db.session.scalar(sa.select(sa.func.count()).select_from(m))
                 for m in (UnionCard, UnionCardText, AuditEntry))


@pytest.fixture
def forms(app, world):
    """The card forms and their fields, with a signer who already holds a card to withdraw."""
    with app.app_context():
        unit = db.session.get(BargainingUnit, world.unit_id)
        text = set_words(unit.union)
        signer = factories.create_account(Role.MEMBER, unit=unit, email="signer@example.org")
        card = sign(signer, unit, text)
        db.session.commit()
        sign_fields = ["legal_name", "email", "phone", "typed_signature", "text_id", "text_digest"]
        return {
            "member": [("/my/card", sign_fields), ("/my/card/sign", sign_fields)],
            "signer": [(f"/cards/{card.id}/withdraw", ["csrf_token"])],
            "organizer": [(f"/unions/{world.union_id}/cards/words", ["text"]),
                          (f"/people/{world.person_id}/paper-card",
                           ["legal_name", "signed_on", "email", "phone", "text_id", "holds_card"]),
                          (f"/units/{world.unit_id}/cards/export/pdf", ["understood"]),
                          (f"/units/{world.unit_id}/cards/export/csv", ["understood"]),
                          (f"/units/{world.unit_id}/cards", ["search"])],
        }


def test_hostile_values_never_get_a_500_and_a_refusal_stores_nothing(app, world, forms, login):
    clients = {"member": login(app.test_client(), world.member),
               "signer": login(app.test_client(), "signer@example.org"),
               "organizer": login(app.test_client(), world.organizer)}
    targets = [(who, url, fields) for who, routes in forms.items() for url, fields in routes]

    @FUZZ
    @given(st.sampled_from(targets), st.data())
    def post(target, data):
        who, url, fields = target
        values = {field: data.draw(HOSTILE, label=field) for field in fields}
        with app.app_context():
            before = _tables()
        response = (clients[who].get(url, query_string=values) if url.endswith("/cards")
                    else clients[who].post(url, data=values))
        assert response.status_code < 500, f"{url} {values!r}: {response.status_code}"
        if 400 <= response.status_code < 500:
            with app.app_context():
                assert _tables() == before, f"{url} refused {values!r} yet stored something"

    post()


LATE = "Refused after the write, by a rule checked last."


def _refusing_after(real):
    def service(*args, **kwargs):
        real(*args, **kwargs)
        db.session.flush()
        raise DomainError(LATE)
    return service


@pytest.fixture
def commit_at_end_of_request(app):
    """Any later commit in the same request: it must find nothing left to store."""
    def commit(sender, response, **extra):
        db.session.commit()
    with request_finished.connected_to(commit, app):
        yield


def _late_cases(world, text_id: int, digest: str, card_id: int) -> dict[str, tuple[str, str, str, dict]]:
    """case -> (who, service, url, accepted data)."""
    return {
        "sign": ("coworker", "sign", "/my/card/sign",
                 {**SIGNER, "text_id": str(text_id), "text_digest": digest}),
        "withdraw": ("signer", "withdraw", f"/cards/{card_id}/withdraw", {}),
        "words": ("organizer", "set_card_text", f"/unions/{world.union_id}/cards/words", {"text": "Other words."}),
        "paper card": ("organizer", "record_paper_card", f"/people/{world.person_id}/paper-card",
                       {"legal_name": "Jordan Example", "signed_on": "2026-10-02", "email": "j@example.net",
                        "text_id": str(text_id), "holds_card": "y"}),
        "export": ("organizer", "export_cards", f"/units/{world.unit_id}/cards/export/pdf", {"understood": "y"}),
    }


@pytest.fixture
def late(app, world):
    with app.app_context():
        unit = db.session.get(BargainingUnit, world.unit_id)
        text = set_words(unit.union)
        card = sign(accounts.find_account_by_email(world.member), unit, text)
        coworker = factories.create_account(Role.MEMBER, unit=unit, email="coworker@example.org")
        db.session.commit()
        emails = {"signer": world.member, "coworker": coworker.email, "organizer": world.organizer}
        return _late_cases(world, text.id, text.digest, card.id), emails


def _stored(app) -> tuple:
    with app.app_context():
        cards = db.session.scalars(sa.select(UnionCard).order_by(UnionCard.id)).all()
        stored = (*_tables(), tuple((card.id, card.withdrawn_on) for card in cards))
        db.session.remove()
    return stored


@pytest.mark.parametrize("case", ["sign", "withdraw", "words", "paper card", "export"])
def test_a_refusal_after_the_write_rolls_the_write_back(app, world, late, login, monkeypatch, case,
                                                        commit_at_end_of_request):
    cases, emails = late
    who, attribute, url, data = cases[case]
    client = login(app.test_client(), emails[who])
    accepted = _stored(app)
    # The accepted input does write (so the check below can fail) ...
    monkeypatch.setattr(services, attribute, _refusing_after(getattr(services, attribute)))
    response = client.post(url, data=data, follow_redirects=True)
    assert response.status_code in (200, 400)
    assert LATE in response.get_data(as_text=True)
    # ... and refused after writing, it leaves nothing.
    assert _stored(app) == accepted


def test_the_late_refusal_would_have_stored_something(app, world, late, login):
    cases, emails = late
    for case, (who, _, url, data) in cases.items():
        client = login(app.test_client(), emails[who])
        before = _stored(app)
        response = client.post(url, data=data)
        assert response.status_code in (200, 302), case
        assert _stored(app) != before, case
