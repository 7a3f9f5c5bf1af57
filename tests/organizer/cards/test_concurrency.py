"""Card writes at the same moment, each in its own thread, session and transaction,
as web workers would: a member signing in two tabs while two organizers record a
paper card for them ends with one valid card and the rest refused with a message
(the unit's roster lock serializes them); organizers saving new words at once get
one version each, never the same number twice (the union's row is locked)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from core.extensions import db
from organizer.accounts import services as accounts
from organizer.cards import services
from organizer.cards.models import UnionCard, UnionCardText
from organizer.charting.models import BargainingUnit, Person, Union
from tests.organizer.cards.helpers import set_words, sign
from tests.organizer.charting.test_roster_concurrency import _at_once


def test_one_card_stands_however_many_try_at_once(app, world):
    with app.app_context():
        text_id = set_words(db.session.get(Union, world.union_id)).id
        db.session.commit()
        person_id = accounts.find_account_by_email(world.member).person_id

    def signing():
        unit = db.session.get(BargainingUnit, world.unit_id)
        sign(accounts.find_account_by_email(world.member), unit, db.session.get(UnionCardText, text_id))

    def on_paper():
        services.record_paper_card(accounts.find_account_by_email(world.organizer), db.session.get(Person, person_id),
                                   services.PaperCard("Member On Paper", date(2026, 10, 2), text_id,
                                                      email="paper@example.net"))

    outcomes = _at_once(app, [signing, signing, on_paper, on_paper])
    assert sorted(outcomes) == ["charted", "refused: None", "refused: None", "refused: None"], outcomes
    with app.app_context():
        cards = db.session.scalars(sa.select(UnionCard)).all()
        assert len(cards) == 1 and cards[0].person_id == person_id
        db.session.remove()


def test_words_saved_at_once_take_one_version_number_each(app, world):
    def saving(n: int):
        def save():
            union = db.session.get(Union, world.union_id)
            services.set_card_text(accounts.find_account_by_email(world.organizer), union, f"Words number {n}.")
        return save

    outcomes = _at_once(app, [saving(n) for n in range(4)])
    assert outcomes == ["charted"] * 4, outcomes
    with app.app_context():
        versions = db.session.scalars(sa.select(UnionCardText.version).order_by(UnionCardText.version)).all()
        assert versions == [1, 2, 3, 4]
        db.session.remove()
