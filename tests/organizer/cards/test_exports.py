"""Organizers export a unit's signed cards for filing, over HTTP with CSRF on:
first a page that names the risk, then (box ticked) the file. The PDF holds one
card per page, the CSV one card per row with formula cells neutralised; both
leave withdrawn cards out; each export is one audit entry with the count and
no name."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
import sqlalchemy as sa

from core.extensions import db
from organizer.accounts import services as accounts
from organizer.audit.models import AuditAction, AuditEntry
from organizer.cards import exports, services
from organizer.cards.models import UnionCardText
from organizer.charting.models import BargainingUnit, Person
from organizer.errors import DomainError, NotAllowed
from organizer.roles import Role
from tests import factories
from tests.csrf import post_form, sign_in
from tests.organizer.bargaining.pdf_reading import read_pdf
from tests.organizer.cards.helpers import SIGNER, paper_card, set_words, sign

RISK = "This file lists everyone who signed"


@pytest.fixture
def cards(app, world):
    """Three cards that count (one signed in the app, two on paper, one with a formula for a name,
    one in Arabic) and one withdrawn."""
    with app.app_context():
        unit = db.session.get(BargainingUnit, world.unit_id)
        organizer = accounts.find_account_by_email(world.organizer)
        text = set_words(unit.union)
        sign(accounts.find_account_by_email(world.member), unit, text)
        paper_card(organizer, db.session.get(Person, world.person_id), text, legal_name="=HYPERLINK(\"x\")",
                   signed_on=date(2026, 9, 30), email="@evil.example", phone="-1 555 0000")
        arabic = factories.create_person(unit, "ليلى حداد")
        paper_card(organizer, arabic, text, signed_on=date(2026, 10, 1), email="layla@example.net")
        withdrawer = factories.create_account(Role.MEMBER, unit=unit)
        services.withdraw(withdrawer, sign(withdrawer, unit, text, legal_name="Withdrawn Person",
                                           typed_signature="Withdrawn Person"))
        db.session.commit()


def _exports() -> list[AuditEntry]:
    return db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == AuditAction.CARDS_EXPORTED)).all()


@pytest.mark.parametrize("file_format", ["pdf", "csv"])
def test_the_export_page_names_the_risk_before_any_file(app, client, world, cards, file_format, csrf_on):
    sign_in(client, world.organizer)
    page = client.get(f"/units/{world.unit_id}/cards/export/{file_format}").get_data(as_text=True)
    assert RISK in page and "Anyone who gets it knows who supports the union" in page
    assert "Keep it off shared computers" in page and "It holds the 3 cards that count now" in page
    # Without the box ticked: the page again, with the message, and no file, no audit entry.
    refused = post_form(client, f"/units/{world.unit_id}/cards/export/{file_format}", {})
    assert refused.status_code == 400 and refused.mimetype == "text/html"
    assert "Tick the box to say you read the warning" in refused.get_data(as_text=True)
    with app.app_context():
        assert _exports() == []


def test_the_pdf_has_one_card_per_page_and_the_audit_log_counts_them(app, client, world, cards, csrf_on):
    sign_in(client, world.organizer)
    response = post_form(client, f"/units/{world.unit_id}/cards/export/pdf", {"understood": "y"},
                         action=f"/units/{world.unit_id}/cards/export/pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert re.fullmatch(r'attachment; filename="union-cards-unit-\d+-\d{4}-\d\d-\d\d\.pdf"',
                        response.headers["Content-Disposition"])
    assert response.headers["Cache-Control"] == "no-store"
    reading = read_pdf(response.data)
    assert reading.page_count == 3
    text = reading.text
    for expected in (SIGNER["legal_name"], SIGNER["email"], SIGNER["phone"], "Portside Logistics", "On paper",
                     "Electronically, in Leverage", "I sign this card", "version 1", "Card 3 of 3"):
        assert expected in text, expected
    assert "Withdrawn Person" not in text
    assert "ليلى حداد"[::-1] in text, "the Arabic name is printed, laid out right to left"
    assert [line for line in reading.lines if line.startswith("Card ") and "page" in line] == [
        f"Card {n} of 3 · page {n} of 3 · keep this file off shared computers" for n in (1, 2, 3)]
    with app.app_context():
        [entry] = _exports()
        assert entry.unit_id == world.unit_id and entry.actor_account_id == accounts.find_account_by_email(
            world.organizer).id
        assert "3 valid union cards" in entry.description and "a PDF" in entry.description
        for name in (SIGNER["legal_name"], "HYPERLINK", "Withdrawn", "Jordan"):
            assert name not in entry.description


def test_the_pdf_pages_break_at_each_card(app, world, cards):
    with app.app_context():
        organizer = accounts.find_account_by_email(world.organizer)
        made = services.export_cards(organizer, db.session.get(BargainingUnit, world.unit_id), "pdf")
    pages = read_pdf(made.content)
    assert made.count == 3 == pages.page_count
    # Each page starts with its own card's heading, and the names fall one to a page, in signing order.
    starts = [i for i, line in enumerate(pages.lines) if line == "UNION AUTHORIZATION CARD"]
    assert len(starts) == 3
    segments = ["\n".join(pages.lines[start:end]) for start, end in zip(starts, starts[1:] + [len(pages.lines)])]
    assert "HYPERLINK" in segments[0] and SIGNER["legal_name"] in segments[2]


def test_the_csv_neutralises_formulas_and_leaves_withdrawn_cards_out(app, client, world, cards, login):
    login(client, world.organizer)
    response = client.post(f"/units/{world.unit_id}/cards/export/csv", data={"understood": "y"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 3 and list(rows[0]) == exports.CSV_COLUMNS
    formula = next(row for row in rows if "HYPERLINK" in row["legal_name"])
    assert formula["legal_name"] == "'=HYPERLINK(\"x\")"
    assert formula["personal_email"] == "'@evil.example" and formula["personal_phone"] == "'-1 555 0000"
    signed = next(row for row in rows if row["legal_name"] == SIGNER["legal_name"])
    assert signed["personal_phone"] == "'" + SIGNER["phone"], "a phone starting with + is kept as text"
    assert signed["how_signed"] == "electronically in Leverage" and signed["typed_signature"]
    assert signed["card_text_matches"] == "yes" and "Portside Logistics" in signed["card_text"]
    assert formula["how_signed"] == "on paper" and formula["signed_on"] == "2026-09-30"
    assert all(row["legal_name"] != "Withdrawn Person" for row in rows)
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value
    with app.app_context():
        [entry] = _exports()
        assert "3 valid union cards" in entry.description and "CSV" in entry.description


@pytest.mark.parametrize("value, cell", [
    ("=1+1", "'=1+1"), ("+33 1", "'+33 1"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"),
    ("plain", "plain"), ("a=b", "a=b"), (None, ""), (7, "7"),
])
def test_csv_cells_that_start_like_a_formula_are_kept_as_text(value, cell):
    assert exports.cell(value) == cell


def test_only_the_unions_organizers_export_and_an_empty_unit_has_nothing_to_export(app, world, cards):
    with app.app_context():
        unit = db.session.get(BargainingUnit, world.unit_id)
        for email in (world.steward, world.member, world.other_organizer):
            with pytest.raises(NotAllowed):
                services.export_cards(accounts.find_account_by_email(email), unit, "csv")
        organizer = accounts.find_account_by_email(world.organizer)
        with pytest.raises(DomainError, match="Choose a PDF or a CSV"):
            services.export_cards(organizer, unit, "xlsx")
        empty = factories.create_union("Empty Union", units=("Empty unit",))
        other_organizer = factories.create_account(Role.ORGANIZER, union=empty)
        with pytest.raises(DomainError, match="No valid card to export yet"):
            services.export_cards(other_organizer, empty.units[0], "pdf")
        db.session.rollback()
        assert _exports() == []


def test_a_card_whose_words_no_longer_match_its_digest_says_so(app, world, cards):
    with app.app_context():
        text = db.session.scalars(sa.select(UnionCardText)).one()
        text.text = text.text + " (altered)"
        db.session.flush()
        organizer = accounts.find_account_by_email(world.organizer)
        made = services.export_cards(organizer, db.session.get(BargainingUnit, world.unit_id), "csv")
        rows = list(csv.DictReader(io.StringIO(made.content.decode())))
        assert {row["card_text_matches"] for row in rows} == {"no"}
        pdf = services.export_cards(organizer, db.session.get(BargainingUnit, world.unit_id), "pdf")
        assert "no longer match the digest" in read_pdf(pdf.content).text
        db.session.rollback()


def test_a_character_no_font_holds_is_marked_and_explained_on_its_card_only(app, world, cards):
    with app.app_context():
        unit = db.session.get(BargainingUnit, world.unit_id)
        organizer = accounts.find_account_by_email(world.organizer)
        paper_card(organizer, factories.create_person(unit, "Sam Ortiz"), services.current_text(unit.union),
                   legal_name="Sam \U0001F9BA Ortiz", signed_on=date(2026, 10, 3))
        made = services.export_cards(organizer, unit, "pdf")
        rows = services.export_cards(organizer, unit, "csv").content.decode()
    pages = read_pdf(made.content).text.split("UNION AUTHORIZATION CARD")[1:]
    marked = [page for page in pages if "Sam \u25a1 Ortiz" in page]
    assert len(marked) == 1 and exports.MISSING_NOTE.split(";")[0] in marked[0].replace("\n", " ")
    assert sum(exports.MISSING_NOTE[:20] in page for page in pages) == 1, "the note is on that card only"
    assert "Sam \U0001F9BA Ortiz" in rows
