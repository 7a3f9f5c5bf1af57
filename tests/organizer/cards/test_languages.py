"""Union cards in the reader's language: a Spanish member signs through Spanish
screens (the button that is the signature act included) and is refused in
Spanish; a Spanish organizer's PDF and CSV exports carry Spanish words around
the union's own card words, which stay as the union wrote them; an English
organizer's stay English."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from core.extensions import db
from organizer.accounts import services as accounts
from organizer.charting.models import BargainingUnit, Person
from tests.core.test_i18n import _english_in
from tests.organizer.bargaining.pdf_reading import read_pdf
from tests.organizer.cards.helpers import SIGNER, WORDS, first_screen, form_on, paper_card, set_words, sign


def _in(app, login, email: str, language: str):
    client = login(app.test_client(), email)
    client.post("/language", data={"language-language": language, "language-next": "/"})
    return client


@pytest.fixture
def words(app, world):
    with app.app_context():
        set_words(db.session.get(BargainingUnit, world.unit_id).union)
        db.session.commit()


@pytest.fixture
def member_linked(app, world):
    """The world's member, linked to the coworker on the chart, so that they may sign."""
    with app.app_context():
        accounts.find_account_by_email(world.member).person_id = world.person_id
        db.session.commit()


def test_a_spanish_member_signs_through_spanish_screens(app, world, login, words, member_linked):
    member = _in(app, login, world.member, "es")
    page = member.get("/my/card").get_data(as_text=True)
    assert "Paso 1 de 2: lee la tarjeta" in page and "Tu nombre legal completo" in page
    assert WORDS in page, "the union's words are shown as the union wrote them"

    assert _english_in(page, html=True) == []

    confirm = first_screen(member)
    html = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and "Paso 2 de 2: revisa y firma" in html
    assert "Firmo esta tarjeta" in html and "I sign this card" not in html
    assert _english_in(html, html=True) == [], "the confirm page, which the walk cannot reach by a GET"

    signed = member.post("/my/card/sign", data=form_on(html, "/my/card/sign"), follow_redirects=True)
    text = signed.get_data(as_text=True)
    assert "Tu tarjeta sindical está firmada. Gracias: cuenta desde hoy." in text
    assert "Retirar mi tarjeta" in text


def test_a_spanish_members_signature_is_refused_in_spanish(app, world, login, words, member_linked):
    member = _in(app, login, world.member, "es")
    refused = first_screen(member, typed_signature="Someone Else")
    assert refused.status_code == 400
    assert "Tu firma tiene que ser tu nombre legal completo" in refused.get_data(as_text=True)


@pytest.fixture
def two_cards(app, world):
    with app.app_context():
        unit = db.session.get(BargainingUnit, world.unit_id)
        text = set_words(unit.union)
        sign(accounts.find_account_by_email(world.member), unit, text)
        paper_card(accounts.find_account_by_email(world.organizer),
                   db.session.get(Person, world.person_id), text, signed_on=date(2026, 9, 30))
        db.session.commit()


def _export(client, world, file_format: str):
    response = client.post(f"/units/{world.unit_id}/cards/export/{file_format}", data={"understood": "y"})
    assert response.status_code == 200
    return response


def test_a_spanish_organizers_card_exports_are_in_spanish(app, world, login, two_cards):
    organizer = _in(app, login, world.organizer, "es")
    page = organizer.get(f"/units/{world.unit_id}/cards/export/pdf").get_data(as_text=True)
    assert "Este archivo tiene la lista de todas las personas que firmaron." in page

    text = " ".join(read_pdf(_export(organizer, world, "pdf").data).text.split())
    for spanish in ("TARJETA DE AUTORIZACIÓN SINDICAL", "Unidad de negociación: Dock crew", "Nombre legal completo",
                    "Electrónicamente, en Leverage", "“Firmo esta tarjeta”", "En papel, firmada a mano",
                    "30 sept 2026, la fecha escrita en la tarjeta en papel", "Tarjeta 1 de 2 · página 1 de 2"):
        assert spanish in text, spanish
    for english in ("UNION AUTHORIZATION CARD", "Full legal name", "Electronically", "keep this file off"):
        assert english not in text, english
    assert " ".join(WORDS.split()) in text, "the card's words are the union's own, untranslated"

    rows = list(csv.DictReader(io.StringIO(_export(organizer, world, "csv").get_data(as_text=True))))
    assert list(rows[0])[:3] == ["número_de_tarjeta", "nombre_legal", "correo_personal"]
    how = {row["nombre_legal"]: row["cómo_se_firmó"] for row in rows}
    assert how[SIGNER["legal_name"]] == "electrónicamente en Leverage" and how["Jordan Example"] == "en papel"
    assert {row["texto_coincide"] for row in rows} == {"sí"}
    assert {row["fecha_de_firma"] for row in rows} >= {"2026-09-30"}, "days stay ISO for spreadsheets"


def test_an_english_organizers_card_exports_stay_english(app, world, login, two_cards):
    organizer = _in(app, login, world.organizer, "en")
    text = " ".join(read_pdf(_export(organizer, world, "pdf").data).text.split())
    assert "UNION AUTHORIZATION CARD" in text and "Electronically, in Leverage" in text
    assert "TARJETA" not in text
    header = next(csv.reader(io.StringIO(_export(organizer, world, "csv").get_data(as_text=True))))
    assert header[:3] == ["card_number", "legal_name", "personal_email"]
