"""What organizers do with union cards, over HTTP with CSRF on: write the card's
words (a new version each time; a signed card keeps its own), find a coworker
on the chart and record their paper card (marked on paper, with who recorded
it and the day on the card), and see the unit's cards. Bad input is refused
with a message and stores nothing; the audit log names no signer."""

from __future__ import annotations

import html
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from core.clock import today
from core.extensions import db
from organizer.accounts import services as accounts
from organizer.audit.models import AuditAction, AuditEntry
from organizer.cards import services
from organizer.cards.models import UnionCard, UnionCardText, digest_of
from organizer.charting.models import BargainingUnit, Person, Union
from organizer.errors import DomainError, NotAllowed
from tests import factories
from tests.csrf import post_form, sign_in
from tests.organizer.cards.helpers import WORDS, paper_card, set_words, sign


def _counts() -> tuple[int, int, int]:
    return tuple(db.session.scalar(sa.select(sa.func.count()).select_from(model))
                 for model in (UnionCard, UnionCardText, AuditEntry))


def _page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


# -- the card's words -----------------------------------------------------------------------------

def test_organizers_write_the_words_and_each_change_is_a_new_version(app, client, world, csrf_on):
    sign_in(client, world.organizer)
    url = f"/unions/{world.union_id}/cards/words"
    assert "Members cannot sign a card until you write its words" in _page(client.get(f"/unions/{world.union_id}/cards"))
    response = post_form(client, url, {"text": f"  {WORDS}\r\n\r\nSecond paragraph.  "})
    assert response.status_code == 302
    with app.app_context():
        [first] = db.session.scalars(sa.select(UnionCardText)).all()
        assert first.version == 1 and first.text == f"{WORDS}\n\nSecond paragraph."
        union = db.session.get(Union, world.union_id)
        card = sign(accounts.find_account_by_email(world.member), union.units[0], first)
        db.session.commit()
        card_id = card.id
    assert post_form(client, url, {"text": "I want the union to represent me."}).status_code == 302
    with app.app_context():
        versions = services.text_versions(db.session.get(Union, world.union_id))
        assert [v.version for v in versions] == [2, 1]
        card = db.session.get(UnionCard, card_id)
        signed = db.session.get(UnionCardText, card.text_id)
        assert signed.version == 1 and card.text_digest == digest_of(signed.text) == signed.digest
        entries = db.session.scalars(sa.select(AuditEntry).where(
            AuditEntry.action == AuditAction.CARD_TEXT_CHANGED)).all()
        assert len(entries) == 2 and all(entry.union_id == world.union_id for entry in entries)
    overview = _page(client.get(f"/unions/{world.union_id}/cards"))
    assert "I want the union to represent me." in overview and "Version 2" in overview


@pytest.mark.parametrize("words, message", [
    ("", "Write the words a coworker signs."),
    ("   \u200b ", "only blank or invisible characters"),
    ("x" * 3001, "3000 characters or fewer"),
    ("I want \u202ethe union", "direction"),
    ("a\x00b", "control characters"),
])
def test_bad_words_are_refused_and_nothing_is_stored(app, client, world, login, words, message):
    login(client, world.organizer)
    with app.app_context():
        before = _counts()
    response = client.post(f"/unions/{world.union_id}/cards/words", data={"text": words})
    assert response.status_code == 400 and message in _page(response)
    with app.app_context():
        assert _counts() == before


def test_the_same_words_again_make_no_new_version(app, world):
    with app.app_context():
        union = db.session.get(Union, world.union_id)
        set_words(union)
        with pytest.raises(DomainError, match="nothing changed"):
            set_words(union, WORDS + "\n")
        assert [v.version for v in services.text_versions(union)] == [1]


def test_only_the_unions_organizers_write_its_words(app, world):
    with app.app_context():
        union = db.session.get(Union, world.union_id)
        for email in (world.other_organizer, world.steward, world.member):
            with pytest.raises(NotAllowed):
                services.set_card_text(accounts.find_account_by_email(email), union, WORDS)


# -- paper cards ----------------------------------------------------------------------------------

@pytest.fixture
def versions(app, world):
    with app.app_context():
        union = db.session.get(Union, world.union_id)
        first = set_words(union)
        second = set_words(union, "Shorter words of the second printing.")
        db.session.commit()
        return first.id, second.id


def test_an_organizer_finds_a_coworker_and_records_their_paper_card(app, client, world, versions, csrf_on):
    sign_in(client, world.organizer)
    found = _page(client.get(f"/units/{world.unit_id}/cards?search=jordan"))
    assert "Jordan Example" in found and f"/people/{world.person_id}/paper-card" in found
    page = f"/people/{world.person_id}/paper-card"
    form = _page(client.get(page))
    assert 'value="Jordan Example"' in form and "Version 2" in form and "Version 1" in form
    on_the_card = date(2026, 10, 2)
    response = post_form(client, page, {
        "legal_name": "Jordan A. Example", "signed_on": on_the_card.isoformat(), "email": "",
        "phone": "+1 555 0100 2000", "text_id": str(versions[0]), "holds_card": "y"})
    assert response.status_code == 302 and response.headers["Location"] == f"/units/{world.unit_id}/cards"
    with app.app_context():
        [card] = db.session.scalars(sa.select(UnionCard)).all()
        organizer = accounts.find_account_by_email(world.organizer)
        assert card.on_paper and card.recorded_by_id == organizer.id and card.signed_on == on_the_card
        assert card.signed_at is None and card.typed_signature is None
        assert (card.person_id, card.legal_name, card.email, card.phone) == (
            world.person_id, "Jordan A. Example", None, "+1 555 0100 2000")
        assert card.text_id == versions[0], "the words printed on that card, not the newest"
        [entry] = db.session.scalars(sa.select(AuditEntry).where(
            AuditEntry.action == AuditAction.CARD_RECORDED_ON_PAPER)).all()
        assert entry.actor_account_id == organizer.id and entry.unit_id == world.unit_id
        assert "Jordan" not in entry.description and "2026" not in entry.description, "the log names no signer"
    listing = _page(client.get(f"/units/{world.unit_id}/cards"))
    assert "Jordan A. Example" in listing and "On paper, recorded by" in listing and "2 Oct 2026, on paper" in listing
    again = _page(client.get(f"/units/{world.unit_id}/cards?search=jordan"))
    assert "has a card that counts (on paper, 2 Oct 2026)" in again


@pytest.mark.parametrize("changes, message", [
    ({"signed_on": (today() + timedelta(days=3)).isoformat()}, "cannot be a day still to come"),
    ({"signed_on": "1949-12-31"}, "Give the day written on the card"),
    ({"signed_on": "2026-13-45"}, "Not a valid date value"),
    ({"signed_on": ""}, "Give the date written on the card."),
    ({"email": "", "phone": ""}, "Copy the email or the phone"),
    ({"email": "nope"}, "Enter an email address"),
    ({"legal_name": ""}, "Give the full legal name."),
    ({"holds_card": ""}, "Record a card only from the signed paper card."),
    ({"text_id": "abc"}, "Invalid Choice"),
    ({"text_id": "999999"}, "Not a valid choice"),
])
def test_bad_paper_cards_are_refused_and_nothing_is_stored(app, client, world, versions, login, changes, message):
    login(client, world.organizer)
    with app.app_context():
        before = _counts()
    data = {"legal_name": "Jordan Example", "signed_on": "2026-10-02", "email": "jordan@example.net", "phone": "",
            "text_id": str(versions[0]), "holds_card": "y", **changes}
    response = client.post(f"/people/{world.person_id}/paper-card", data=data)
    assert response.status_code == 400 and message in _page(response)
    with app.app_context():
        assert _counts() == before


def test_a_paper_card_for_a_coworker_holding_a_card_is_refused(app, client, world, versions, login):
    with app.app_context():
        unit = db.session.get(BargainingUnit, world.unit_id)
        member = accounts.find_account_by_email(world.member)
        sign(member, unit, db.session.get(UnionCardText, versions[1]))
        db.session.commit()
        person_id = member.person_id
        before = _counts()
    login(client, world.organizer)
    page = _page(client.get(f"/people/{person_id}/paper-card"))
    assert "already has a card that counts" in page and "Record the paper card" not in page
    response = client.post(f"/people/{person_id}/paper-card", data={
        "legal_name": "Someone", "signed_on": "2026-10-02", "email": "x@example.net", "text_id": str(versions[0]),
        "holds_card": "y"})
    assert response.status_code == 400 and "already has a card that counts" in _page(response)
    with app.app_context():
        assert _counts() == before
        organizer = accounts.find_account_by_email(world.organizer)
        with pytest.raises(DomainError, match="already has a union card that counts, signed"):
            paper_card(organizer, db.session.get(Person, person_id), db.session.get(UnionCardText, versions[0]))


def test_another_unions_words_or_coworker_cannot_be_used(app, world, versions):
    with app.app_context():
        organizer = accounts.find_account_by_email(world.organizer)
        other_union = db.session.get(Union, world.other_union_id)
        foreign_words = set_words(other_union, "Another union's words.")
        person = db.session.get(Person, world.person_id)
        with pytest.raises(DomainError, match="Choose the words printed on the paper card"):
            paper_card(organizer, person, foreign_words)
        stranger = factories.create_person(other_union.units[0], "Far Away")
        with pytest.raises(NotAllowed):
            paper_card(organizer, stranger, foreign_words)
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(UnionCard)) == 0


def test_a_search_with_bad_input_is_a_400_not_a_500(app, client, world, login):
    login(client, world.organizer)
    assert client.get(f"/units/{world.unit_id}/cards?search=%01").status_code == 400
    assert client.get(f"/units/{world.unit_id}/cards?search=" + "x" * 500).status_code == 400
    nobody = client.get(f"/units/{world.unit_id}/cards?search=zzqq")
    assert nobody.status_code == 200 and "No one on the chart has a name like that" in _page(nobody)


def test_the_unit_page_counts_valid_and_withdrawn_cards(app, client, world, versions, login):
    with app.app_context():
        unit = db.session.get(BargainingUnit, world.unit_id)
        organizer = accounts.find_account_by_email(world.organizer)
        member = accounts.find_account_by_email(world.member)
        paper_card(organizer, db.session.get(Person, world.person_id), db.session.get(UnionCardText, versions[0]))
        card = sign(member, unit, db.session.get(UnionCardText, versions[1]))
        services.withdraw(member, card)
        db.session.commit()
    page = _page(login(client, world.organizer).get(f"/units/{world.unit_id}/cards"))
    assert "Withdrawn cards" in page and "Philomena Quartermaine-Obuya" in page
    union_page = _page(client.get(f"/unions/{world.union_id}/cards"))
    assert 'Dock crew</span>: cards' in union_page
    with app.app_context():
        [counts] = [c for c in services.union_card_counts(accounts.find_account_by_email(world.organizer),
                                                           db.session.get(Union, world.union_id))
                    if c.unit.id == world.unit_id]
        assert (counts.valid, counts.withdrawn) == (1, 1)
