"""A member sees and withdraws their card over HTTP, with CSRF on: the withdrawal
is dated and kept, the card stops counting, and a new card can be signed after.
Nobody withdraws another's card: the loader answers 404 (the same as for no
card at all), the service refuses with 403, and nothing changes."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from core.clock import utcnow
from core.extensions import db
from core.timezones import to_local
from organizer.accounts import services as accounts
from organizer.cards import services
from organizer.cards.models import UnionCard
from organizer.charting.models import BargainingUnit, Union
from organizer.errors import DomainError, NotAllowed
from organizer.roles import Role
from tests import factories
from tests.csrf import post_form, sign_in
from tests.organizer.cards.helpers import set_words, sign, sign_over_http


def _union_today(card: UnionCard):
    """The day where the card's union works, which is the day a withdrawal carries
    (in the evening of the union's day, UTC is already on the next)."""
    return to_local(utcnow(), card.unit.union.time_zone).date()


@pytest.fixture
def card_id(app, world) -> int:
    """The world's member's card, signed."""
    with app.app_context():
        unit = db.session.get(BargainingUnit, world.unit_id)
        card = sign(accounts.find_account_by_email(world.member), unit, set_words(unit.union))
        db.session.commit()
        return card.id


def test_a_member_withdraws_their_card_and_it_is_dated_and_kept(app, client, world, card_id, csrf_on):
    sign_in(client, world.member)
    page = client.get(f"/cards/{card_id}/withdraw").get_data(as_text=True)
    assert "Withdraw your union card?" in page and "no longer counts" in page
    response = post_form(client, f"/cards/{card_id}/withdraw", {})
    assert response.status_code == 302 and response.headers["Location"] == "/my/card"
    with app.app_context():
        card = db.session.get(UnionCard, card_id)
        assert card.withdrawn_on == _union_today(card) and not card.is_valid
        assert card.legal_name, "the withdrawn card is kept whole"
        assert services.valid_card_count(db.session.get(BargainingUnit, world.unit_id)) == 0
    shown = client.get("/my/card").get_data(as_text=True)
    assert "Your card is withdrawn" in shown and "Cards you withdrew" in shown
    assert "Step 1 of 2: read the card" in shown, "a new card may be signed"


def test_after_withdrawing_a_new_card_can_be_signed_and_both_are_kept(app, client, world, card_id, login):
    login(client, world.member)
    client.post(f"/cards/{card_id}/withdraw")
    assert sign_over_http(client).status_code == 302
    with app.app_context():
        cards = db.session.scalars(sa.select(UnionCard).order_by(UnionCard.id)).all()
        assert [card.is_valid for card in cards] == [False, True]
        assert services.valid_card_count(db.session.get(BargainingUnit, world.unit_id)) == 1


def test_withdrawing_twice_is_refused_with_a_message(app, client, world, card_id, login):
    login(client, world.member)
    client.post(f"/cards/{card_id}/withdraw")
    again = client.post(f"/cards/{card_id}/withdraw", follow_redirects=True)
    assert again.status_code == 200 and "already withdrawn" in again.get_data(as_text=True)
    with app.app_context():
        card = db.session.get(UnionCard, card_id)
        assert card.withdrawn_on == _union_today(card)


def test_no_one_else_withdraws_a_card(app, world, card_id, login):
    with app.app_context():
        unit = db.session.get(BargainingUnit, world.unit_id)
        coworker = factories.create_account(Role.MEMBER, unit=unit).email
        elsewhere = factories.create_account(Role.MEMBER, unit=db.session.get(BargainingUnit, world.other_unit_id)).email
        db.session.commit()
    for email, status in ((coworker, 404), (elsewhere, 404), (world.steward, 403), (world.organizer, 403),
                          (world.other_organizer, 403)):
        client = login(app.test_client(), email)
        for method in ("GET", "POST"):
            response = client.open(f"/cards/{card_id}/withdraw", method=method)
            assert response.status_code == status, f"{email} {method}: {response.status_code}"
    # A card id that does not exist answers the same as another's card.
    member = login(app.test_client(), coworker)
    assert member.post(f"/cards/{card_id + 1000}/withdraw").status_code == 404
    with app.app_context():
        assert db.session.get(UnionCard, card_id).withdrawn_on is None


def test_the_service_refuses_another_persons_card_with_403(app, world, card_id):
    with app.app_context():
        unit = db.session.get(BargainingUnit, world.unit_id)
        coworker = factories.create_account(Role.MEMBER, unit=unit)
        organizer = accounts.find_account_by_email(world.organizer)
        card = db.session.get(UnionCard, card_id)
        for actor in (coworker, organizer):
            with pytest.raises(NotAllowed) as refused:
                services.withdraw(actor, card)
            assert refused.value.status == 403
        db.session.rollback()
        assert db.session.get(UnionCard, card_id).withdrawn_on is None


def test_a_withdrawn_card_is_refused_a_second_withdrawal_by_the_service(app, world, card_id):
    with app.app_context():
        member = accounts.find_account_by_email(world.member)
        card = services.withdraw(member, db.session.get(UnionCard, card_id))
        with pytest.raises(DomainError, match="already withdrawn"):
            services.withdraw(member, card)


def test_the_card_page_shows_the_words_signed_and_who_sees_it(app, client, world, card_id, login):
    with app.app_context():
        set_words(db.session.get(Union, world.union_id), "Changed words after the signing.")
        db.session.commit()
    page = login(client, world.member).get("/my/card").get_data(as_text=True)
    assert "Portside Logistics" in page and "Changed words" not in page
    assert "Your union's organizers" in page and "Not where you signed from" in page
