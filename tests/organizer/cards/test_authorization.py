"""Who may write what on the union card routes: every write, posted with good data
by every kind of visitor (anonymous, the card's signer, a coworker, a steward, an
organizer of the union and of another, a member elsewhere), gets the status the
policy gives it, and a refused write changes no table. The read routes are in
the app-wide matrix (tests/organizer/test_authorization_matrix.py), whose ids
are also tampered with by tests/organizer/test_id_tampering.py."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from core.extensions import db
from organizer.accounts import services as accounts
from organizer.audit.models import AuditEntry
from organizer.cards.models import UnionCard, UnionCardText
from organizer.charting.models import BargainingUnit, Union
from organizer.roles import Role
from tests import factories
from tests.organizer.cards.helpers import SIGNER, set_words, sign

VISITORS = ("anonymous", "signer", "coworker", "steward", "organizer", "other_organizer", "member_elsewhere")


@pytest.fixture
def place(app, world):
    with app.app_context():
        unit = db.session.get(BargainingUnit, world.unit_id)
        text = set_words(unit.union)
        card = sign(accounts.find_account_by_email(world.member), unit, text)
        emails = {"signer": world.member, "steward": world.steward, "organizer": world.organizer,
                  "other_organizer": world.other_organizer,
                  "coworker": factories.create_account(Role.MEMBER, unit=unit).email,
                  "member_elsewhere": factories.create_account(
                      Role.MEMBER, unit=db.session.get(BargainingUnit, world.other_unit_id)).email}
        db.session.commit()
        return {"card_id": card.id, "text_id": text.id, "digest": text.digest, "emails": emails}


def _tables() -> tuple[int, ...]:
    counts = tuple(db.session.scalar(sa.select(sa.func.count()).select_from(m))
                   for m in (UnionCard, UnionCardText, AuditEntry))
    withdrawn = sum(card.withdrawn_on is not None for card in db.session.scalars(sa.select(UnionCard)))
    return (*counts, withdrawn)


def _writes(world, place) -> dict[str, tuple[str, dict, tuple[int, ...]]]:
    """route -> (url, good data, status per visitor in VISITORS order)."""
    sign_data = {**SIGNER, "text_id": str(place["text_id"]), "text_digest": place["digest"]}
    return {
        # The coworker's first screen passes: it writes nothing and shows the second (200).
        "first screen": ("/my/card", sign_data, (302, 400, 200, 403, 403, 403, 400)),
        # The signer already holds a card (400); the member elsewhere signs in their own unit, whose
        # union has no words (400): neither reaches this unit.
        "second screen": ("/my/card/sign", sign_data, (302, 400, 302, 403, 403, 403, 400)),
        "withdraw": (f"/cards/{place['card_id']}/withdraw", {}, (302, 302, 404, 403, 403, 403, 404)),
        "words": (f"/unions/{world.union_id}/cards/words", {"text": "New words for the card."},
                  (302, 403, 403, 403, 302, 404, 403)),
        "paper card": (f"/people/{world.person_id}/paper-card",
                       {"legal_name": "Jordan Example", "signed_on": "2026-10-02", "email": "j@example.net",
                        "text_id": str(place["text_id"]), "holds_card": "y"},
                       (302, 403, 403, 403, 302, 404, 403)),
        "export": (f"/units/{world.unit_id}/cards/export/csv", {"understood": "y"},
                   (302, 403, 403, 403, 200, 404, 403)),
    }


@pytest.mark.parametrize("route", ["first screen", "second screen", "withdraw", "words", "paper card", "export"])
def test_each_write_answers_each_visitor_as_the_policy_says(app, world, place, login, route):
    url, data, statuses = _writes(world, place)[route]
    mismatches = []
    for visitor, expected in zip(VISITORS, statuses):
        with app.app_context():
            before = _tables()
        client = app.test_client()
        if visitor != "anonymous":
            login(client, place["emails"][visitor])
        response = client.post(url, data=data)
        if response.status_code != expected:
            mismatches.append(f"{visitor}: {response.status_code}, expected {expected}")
        with app.app_context():
            after = _tables()
        if response.status_code not in (200, 302) or visitor == "anonymous" or route == "first screen":
            if after != before:
                mismatches.append(f"{visitor}: refused, yet the tables changed {before} -> {after}")
        elif after == before:
            mismatches.append(f"{visitor}: allowed, yet nothing was written")
        with app.app_context():
            db.session.remove()
    assert not mismatches, "\n".join(mismatches)


def test_ids_of_another_union_reach_nothing(app, world, place, login):
    """The other union's organizer, with this union's ids in every card URL: 404, as for ids that do not exist."""
    client = login(app.test_client(), world.other_organizer)
    for url in (f"/unions/{world.union_id}/cards", f"/unions/{world.union_id}/cards/words",
                f"/units/{world.unit_id}/cards", f"/units/{world.unit_id}/cards?search=jordan",
                f"/people/{world.person_id}/paper-card", f"/units/{world.unit_id}/cards/export/pdf"):
        assert client.get(url).status_code == 404, url
    for url in (f"/unions/{world.union_id + 999}/cards", f"/units/{world.unit_id + 999}/cards",
                f"/people/{world.person_id + 999}/paper-card"):
        assert client.get(url).status_code == 404, url
    own = login(app.test_client(), world.organizer)
    assert own.get(f"/units/{world.unit_id}/cards/export/xlsx").status_code == 404
    assert own.get(f"/cards/{place['card_id']}/withdraw").status_code == 403, "an organizer withdraws no card"
    with app.app_context():
        assert db.session.get(Union, world.union_id) is not None
