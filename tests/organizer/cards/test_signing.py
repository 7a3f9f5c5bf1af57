"""A member signs a union card over HTTP, with CSRF on, in two screens: the
details and a typed signature, then "I sign this card" beside the words. The
server sets the date and time; nothing is stored before the second screen; a
second card while one stands, a signature that is not the legal name, words
changed between the screens and tampered hidden fields are refused with a
message, never a 500."""

from __future__ import annotations

import html
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from core.clock import utcnow
from core.extensions import db
from organizer.accounts import services as accounts
from organizer.cards import services
from organizer.cards.models import UnionCard, digest_of
from organizer.charting.models import BargainingUnit, Union
from organizer.errors import DomainError, NotAllowed
from tests.csrf import sign_in
from tests.organizer.cards.helpers import SIGNER, WORDS, first_screen, form_on, set_words, sign, sign_over_http


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(UnionCard))


@pytest.fixture
def words(app, world):
    with app.app_context():
        text = set_words(db.session.get(Union, world.union_id))
        db.session.commit()
        return text.id


def test_a_member_signs_in_two_screens_and_the_server_sets_the_time(app, client, world, words, csrf_on):
    sign_in(client, world.member)
    page = client.get("/my/card").get_data(as_text=True)
    assert "Step 1 of 2: read the card" in page and "Portside Logistics" in page

    confirm = first_screen(client)
    assert confirm.status_code == 200
    second = confirm.get_data(as_text=True)
    assert "I sign this card" in second and "Portside Logistics" in second and SIGNER["legal_name"] in second
    with app.app_context():
        assert _count() == 0, "the first screen stores nothing"

    before = utcnow().replace(microsecond=0)
    done = client.post("/my/card/sign", data=form_on(second, "/my/card/sign"))
    assert done.status_code == 302 and done.headers["Location"] == "/my/card"
    with app.app_context():
        [card] = db.session.scalars(sa.select(UnionCard)).all()
        member = accounts.find_account_by_email(world.member)
        assert card.person_id == member.person_id and card.unit_id == world.unit_id
        assert (card.legal_name, card.email, card.phone) == (SIGNER["legal_name"], SIGNER["email"], SIGNER["phone"])
        assert card.typed_signature == "philomena QUARTERMAINE-obuya"  # as typed, spaces tidied
        assert not card.on_paper and card.recorded_by_id is None and card.withdrawn_on is None
        assert card.text_id == words and card.text_digest == digest_of(WORDS)
        assert before <= card.signed_at <= utcnow() and card.signed_at.microsecond == 0
    shown = client.get("/my/card").get_data(as_text=True)
    assert "Your union card is signed" in shown and "Your card counts" in shown and "Withdraw my card" in shown


def test_the_card_the_page_shows_is_the_one_signed_after_the_words_change(app, client, world, words, login):
    login(client, world.member)
    assert sign_over_http(client).status_code == 302
    with app.app_context():
        set_words(db.session.get(Union, world.union_id), "New words: I want the union, full stop.")
        db.session.commit()
    page = client.get("/my/card").get_data(as_text=True)
    assert "Portside Logistics" in page and "New words" not in page


def test_a_second_card_while_one_stands_is_refused_with_a_message(app, client, world, words, login):
    login(client, world.member)
    assert sign_over_http(client).status_code == 302
    page = client.get("/my/card").get_data(as_text=True)
    assert "Next: check and sign" not in page, "the page offers no second card"
    with app.app_context():
        text = services.current_text(db.session.get(Union, world.union_id))
        posted = {**SIGNER, "text_id": str(text.id), "text_digest": text.digest}
    again = client.post("/my/card", data=posted)
    assert again.status_code == 400
    assert "You already signed a union card" in again.get_data(as_text=True)
    # A second screen kept open in another tab, posted after the first card: refused too.
    with app.app_context():
        text = services.current_text(db.session.get(Union, world.union_id))
        member = accounts.find_account_by_email(world.member)
        with pytest.raises(DomainError, match="already signed"):
            sign(member, db.session.get(BargainingUnit, world.unit_id), text)
        db.session.rollback()
        assert _count() == 1


def test_a_second_tab_of_the_second_screen_signs_nothing_more(app, client, world, words, login):
    login(client, world.member)
    second = first_screen(client).get_data(as_text=True)
    inputs = form_on(second, "/my/card/sign")
    assert client.post("/my/card/sign", data=inputs).status_code == 302
    twice = client.post("/my/card/sign", data=inputs)
    assert twice.status_code == 400 and "You already signed a union card" in twice.get_data(as_text=True)
    with app.app_context():
        assert _count() == 1


@pytest.mark.parametrize("overrides, message", [
    ({"typed_signature": "Philomena Q. Obuya"}, "Your signature must be your full legal name"),
    ({"typed_signature": "Philoména Quartermaine-Obuya"}, "Your signature must be your full legal name"),
    ({"legal_name": "   "}, "Give the full legal name."),
    ({"legal_name": "\u200b\u3164"}, "only blank or invisible characters"),
    ({"legal_name": "Jordan\u202egnikcap"}, "direction"),
    ({"email": "not an email"}, "Enter an email address"),
    ({"email": ""}, "Give your personal email."),
    ({"phone": "call me"}, "Enter a phone number"),
    ({"typed_signature": ""}, "Type your full legal name to sign."),
    ({"legal_name": "x" * 121, "typed_signature": "x" * 121}, "120 characters or fewer"),
])
def test_bad_details_are_refused_on_the_first_screen_and_nothing_is_stored(app, client, world, words, login,
                                                                           overrides, message):
    login(client, world.member)
    response = first_screen(client, **overrides)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert "Step 2 of 2" not in response.get_data(as_text=True)
    with app.app_context():
        assert _count() == 0


def test_words_changed_between_the_screens_are_not_what_gets_signed(app, client, world, words, login):
    login(client, world.member)
    second = first_screen(client).get_data(as_text=True)
    with app.app_context():
        set_words(db.session.get(Union, world.union_id), "Different words, set while the member read.")
        db.session.commit()
    response = client.post("/my/card/sign", data=form_on(second, "/my/card/sign"))
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400 and "The card's words changed while you were signing" in page
    assert "Different words, set while the member read." in page, "the new words are shown to read again"
    with app.app_context():
        assert _count() == 0


@pytest.mark.parametrize("tampered", [
    {"text_id": "abc"}, {"text_id": ""}, {"text_digest": "0" * 64}, {"text_id": "999999"},
    {"typed_signature": "Someone Else"}, {"legal_name": ""},
])
def test_tampered_hidden_fields_are_refused_never_a_500(app, client, world, words, login, tampered):
    login(client, world.member)
    inputs = form_on(first_screen(client).get_data(as_text=True), "/my/card/sign")
    response = client.post("/my/card/sign", data={**inputs, **tampered})
    assert response.status_code == 400
    with app.app_context():
        assert _count() == 0


def test_without_words_there_is_nothing_to_sign(app, client, world, login):
    login(client, world.member)
    page = client.get("/my/card").get_data(as_text=True)
    assert "Your union has not written its card yet" in page and "Next: check and sign" not in page
    response = client.post("/my/card", data={**SIGNER, "text_id": "1", "text_digest": "x"})
    assert response.status_code == 400 and "not written its card yet" in response.get_data(as_text=True)


def test_the_forms_need_the_csrf_token(app, client, world, words, csrf_on):
    sign_in(client, world.member)
    page = client.get("/my/card").get_data(as_text=True)
    inputs = form_on(page, "/my/card")
    inputs.pop("csrf_token")
    assert client.post("/my/card", data={**inputs, **SIGNER}).status_code == 400
    with app.app_context():
        text = services.current_text(db.session.get(Union, world.union_id))
    forged = {**SIGNER, "text_id": str(text.id), "text_digest": text.digest}
    assert client.post("/my/card/sign", data=forged).status_code == 400
    with app.app_context():
        assert _count() == 0


def test_only_members_sign_and_only_for_themselves(app, world, words):
    with app.app_context():
        unit = db.session.get(BargainingUnit, world.unit_id)
        text = services.current_text(unit.union)
        steward = accounts.find_account_by_email(world.steward)
        with pytest.raises(NotAllowed):
            sign(steward, unit, text)
        other = accounts.find_account_by_email(world.other_organizer)
        with pytest.raises(NotAllowed):
            sign(other, unit, text)
        # A member of another unit signs nothing in this one.
        member = accounts.find_account_by_email(world.member)
        elsewhere = db.session.get(BargainingUnit, world.other_unit_id)
        with pytest.raises(NotAllowed):
            sign(member, elsewhere, text)
        assert _count() == 0


def test_the_signing_day_is_the_unions_day(app, world, words, monkeypatch):
    """Late in the evening in Chicago is already tomorrow in UTC: the card carries Chicago's date."""
    with app.app_context():
        unit = db.session.get(BargainingUnit, world.unit_id)
        unit.union.time_zone = "America/Chicago"
        late = datetime(2026, 11, 20, 4, 30)  # 22:30 on the 19th in Chicago
        monkeypatch.setattr(services, "utcnow", lambda: late)
        card = sign(accounts.find_account_by_email(world.member), unit, services.current_text(unit.union))
        assert card.signed_at == late and str(card.signed_on) == "2026-11-19"
        assert card.signed_on == (late - timedelta(hours=6)).date()
