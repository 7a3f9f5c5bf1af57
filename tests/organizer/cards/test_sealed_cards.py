"""Union cards at rest: the raw database (the SQLite file, or a pg_dump when
PostgreSQL is under test) holds no card field in the clear (the signer's name,
contact details, typed signature, the card's words and their digest, the day
on a paper card, the moment signed); only a card's id and unit are clear
columns; the fixed-width fields are blobs of one size whatever they hold (a
withdrawn card's looks like a valid one's), each sealed under its own purpose;
and no column can hold an address or a browser's description."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from core.extensions import db
from core.sealing import field_cipher
from organizer.accounts import services as accounts
from organizer.cards import services
from organizer.cards.models import UnionCard, UnionCardText
from organizer.charting.models import BargainingUnit, Person
from tests.dumps import raw_database
from tests.organizer.cards.helpers import SIGNER, WORDS, paper_card, set_words, sign

PAPER = {"legal_name": "Bartholomew Ignatius Vantongeren", "email": "bart.vantongeren@example.net",
         "phone": "+1 555 0177 4321"}
PAPER_DAY = date(2019, 3, 17)

#: The fixed-width sealed fields, and their purposes.
FIXED = {"person_id": "union_card.person_id", "text_id": "union_card.text_id", "on_paper": "union_card.on_paper",
         "signed_on": "union_card.signed_on", "signed_at": "union_card.signed_at",
         "recorded_by_id": "union_card.recorded_by_id", "withdrawn_on": "union_card.withdrawn_on"}


@pytest.fixture
def signed(app, world):
    """A card signed in the app and withdrawn, one signed again, and a paper card."""
    with app.app_context():
        unit = db.session.get(BargainingUnit, world.unit_id)
        member = accounts.find_account_by_email(world.member)
        text = set_words(unit.union)
        services.withdraw(member, sign(member, unit, text))
        card = sign(member, unit, text)
        paper_card(accounts.find_account_by_email(world.organizer), db.session.get(Person, world.person_id), text,
                   signed_on=PAPER_DAY, **PAPER)
        db.session.commit()
        return card.signed_at, text.digest


def test_no_card_field_reaches_the_raw_database_in_the_clear(app, signed):
    signed_at, digest = signed
    with app.app_context():
        # The app reads every field back.
        db.session.expire_all()
        cards = db.session.scalars(sa.select(UnionCard)).all()
        assert {card.legal_name for card in cards} == {SIGNER["legal_name"], PAPER["legal_name"]}
        raw = raw_database(db.engine.url)
    secrets = {**{f"app {k}": v for k, v in SIGNER.items()}, **{f"paper {k}": v for k, v in PAPER.items()},
               "typed signature as stored": "philomena QUARTERMAINE-obuya", "the card's words": WORDS[:60],
               "the words' digest": digest, "the paper card's day": PAPER_DAY.isoformat(),
               "the paper card's day, compact": PAPER_DAY.strftime("%Y%m%d"),
               "the moment signed": signed_at.isoformat(), "the moment signed, spaced": str(signed_at)}
    assert len(raw) > 0
    for label, secret in secrets.items():
        for encoding in ("utf-8", "utf-16-le"):
            assert secret.encode(encoding) not in raw, f"{label} is readable in the raw database"
    assert bytes.fromhex(digest) not in raw, "nor the digest as bytes"
    assert b"Harbor Workers United" in raw, "a control: clear data is found, so the search works"


def test_only_the_id_and_the_unit_are_clear(app_ctx):
    inspector = sa.inspect(db.engine)
    clear = {c["name"] for c in inspector.get_columns("union_cards") if not isinstance(c["type"], sa.LargeBinary)}
    assert clear == {"id", "unit_id"}
    assert {fk["referred_table"] for fk in inspector.get_foreign_keys("union_cards")} == {"bargaining_units"}
    texts_clear = {c["name"] for c in inspector.get_columns("union_card_texts")
                   if not isinstance(c["type"], sa.LargeBinary)}
    assert texts_clear == {"id", "union_id", "version", "set_on"}, "the words themselves are sealed"
    names = {c["name"] for table in ("union_cards", "union_card_texts") for c in inspector.get_columns(table)}
    assert not {n for n in names if n == "ip" or "ip_" in n or "address" in n or "agent" in n or "device" in n
                or "browser" in n}


def test_fixed_width_fields_say_nothing_by_size_or_null(app_ctx, signed):
    for column, purpose in FIXED.items():
        raw = db.session.execute(sa.text(f"SELECT {column} FROM union_cards")).scalars().all()
        assert len(raw) == 3 and all(isinstance(v, (bytes, memoryview)) for v in raw), (
            f"{column} holds a clear value or a NULL")
        blobs = [bytes(v) for v in raw]
        assert len({len(blob) for blob in blobs}) == 1, f"{column}: the blob's size tells cards apart"
        for blob in blobs:
            field_cipher().decrypt(blob, purpose.encode())


def test_a_sealed_card_field_copied_into_another_does_not_open(app_ctx, signed):
    from crypto.fields import FieldCipherError

    db.session.execute(sa.text("UPDATE union_cards SET email = legal_name"))
    db.session.expire_all()
    with pytest.raises(FieldCipherError):
        db.session.scalars(sa.select(UnionCard)).all()
    db.session.rollback()


def test_the_words_are_sealed_and_versions_never_change(app_ctx, signed):
    [blob] = db.session.execute(sa.text("SELECT text FROM union_card_texts")).scalars().all()
    assert WORDS.encode() not in bytes(blob)
    assert field_cipher().decrypt(bytes(blob), b"union_card_text.text").decode() == WORDS
    assert db.session.scalars(sa.select(UnionCardText)).one().version == 1
