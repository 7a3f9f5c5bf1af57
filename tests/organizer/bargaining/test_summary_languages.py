"""The bargaining summary's downloads in the language of whoever asks: a Spanish
steward's Markdown, CSV and PDF are Spanish and an English steward's stay
English; the PDF a job prepares is written in the asker's language, which the
request carries to it as a language code and nothing more; a PDF prepared in
one language is never offered, sent or reported on to a reader of the other;
and the stored ranked items show each reader their own language, whoever wrote last."""

from __future__ import annotations

import csv
import io
import json

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from core.extensions import db
from core.jobs import registry_of
from organizer.accounts import services as accounts
from organizer.bargaining import downloads
from organizer.bargaining.models import PreparedDownload
from organizer.charting.models import BargainingUnit
from organizer.demands import services as demands
from organizer.demands.models import Basis, Category, DemandKind, Tier
from organizer.strength import metrics
from tests.organizer.bargaining.pdf_reading import read_pdf

DEMAND = "Will you pay nights extra?"
QUESTION = "How many temps work the night shift?"


@pytest.fixture
def summary_items(app, world):
    with app.app_context():
        author = accounts.find_account_by_email(world.member)
        demands.create_demand(author, demands.DemandDetails(
            DemandKind.DEMAND, Tier.PRIORITY, Basis.COLLECTIVE, Category.PAY, DEMAND))
        demands.create_demand(author, demands.DemandDetails(
            DemandKind.QUESTION, Tier.CURIOUS, Basis.MARKET, Category.HIRING, QUESTION))
        db.session.commit()


def _reader(app, login, email: str, language: str):
    client = login(app.test_client(), email)
    client.post("/language", data={"language-language": language, "language-next": "/"})
    return client


@pytest.fixture
def spanish_steward(app, world, login):
    return _reader(app, login, world.steward, "es")


@pytest.fixture
def english_organizer(app, world, login):
    return _reader(app, login, world.organizer, "en")


def _pdf_text(pdf: bytes) -> str:
    return " ".join(read_pdf(pdf).text.split())


def test_a_spanish_stewards_markdown_and_csv_are_spanish(app, world, summary_items, spanish_steward):
    markdown = spanish_steward.get(f"/units/{world.unit_id}/summary.md").get_data(as_text=True)
    assert "# Resumen para la negociación: Dock crew" in markdown
    assert "## Preguntas a la empresa" in markdown and "### Salario" in markdown
    assert "Prioridad · se basa en lo colectivo (una condición para toda la unidad)" in markdown
    assert "la plantea 1 miembro · puntuación 2,00" in markdown
    assert "Respuesta de la empresa: Sin respuesta registrada" in markdown
    assert DEMAND in markdown, "members' words stay as they wrote them"
    for english in ("Bargaining summary", "Questions to the employer", "Employer's answer", "raised by", "score"):
        assert english not in markdown

    rows = list(csv.reader(io.StringIO(spanish_steward.get(f"/units/{world.unit_id}/summary.csv")
                                       .get_data(as_text=True))))
    assert rows[0][:4] == ["sección", "categoría", "puesto", "texto"]
    by_text = {row[3]: row for row in rows[1:]}
    assert by_text[DEMAND][1] == "Salario" and by_text[QUESTION][1] == "Reclutamiento y contratación"
    # Codes, days and numbers stay as a spreadsheet or a program reads them.
    assert by_text[DEMAND][4:7] == ["demand", "priority", "collective"]


def test_an_english_stewards_downloads_stay_english(app, world, summary_items, english_organizer):
    markdown = english_organizer.get(f"/units/{world.unit_id}/summary.md").get_data(as_text=True)
    assert "# Bargaining summary: Dock crew" in markdown and "## Questions to the employer" in markdown
    assert "raised by 1 member · score 2.00" in markdown and "Resumen" not in markdown
    header = next(csv.reader(io.StringIO(english_organizer.get(f"/units/{world.unit_id}/summary.csv")
                                         .get_data(as_text=True))))
    assert header[:4] == ["section", "category", "rank", "text"]


def test_a_spanish_stewards_pdf_is_spanish_and_an_english_readers_is_english(
        app, world, summary_items, spanish_steward, english_organizer):
    url = f"/units/{world.unit_id}/summary.pdf"
    assert spanish_steward.post(f"/units/{world.unit_id}/summary/prepare-pdf").status_code == 302
    spanish = spanish_steward.get(url)
    assert spanish.mimetype == "application/pdf"
    text = _pdf_text(spanish.data)
    assert "RESUMEN PARA LA NEGOCIACIÓN" in text and "Preguntas a la empresa" in text
    assert "Cuántas hay en cada nivel" in text and "página 1 de" in text
    assert "BARGAINING SUMMARY" not in text and "Questions to the employer" not in text

    # The Spanish file is not the English reader's: nothing is ready in English yet.
    page = english_organizer.get(f"/units/{world.unit_id}/summary").get_data(as_text=True)
    assert "Prepare the PDF" in page and f'href="{url}"' not in page
    not_theirs = english_organizer.get(url)
    assert not_theirs.mimetype == "text/html" and "The PDF is not ready" in not_theirs.get_data(as_text=True)
    assert english_organizer.get(f"{url}?outdated=yes").mimetype == "text/html"

    english_organizer.post(f"/units/{world.unit_id}/summary/prepare-pdf")
    english = _pdf_text(english_organizer.get(url).data)
    assert "BARGAINING SUMMARY" in english and "Questions to the employer" in english
    assert "RESUMEN" not in english
    # Each language keeps its own file.
    assert "RESUMEN PARA LA NEGOCIACIÓN" in _pdf_text(spanish_steward.get(url).data)


def test_the_job_writes_a_long_summarys_pdf_in_the_language_it_was_asked_in(
        app, world, summary_items, spanish_steward, english_organizer, monkeypatch):
    monkeypatch.setattr(downloads, "AT_ONCE_ITEMS", 0)  # every summary is long: the job makes it
    url = f"/units/{world.unit_id}/summary.pdf"
    spanish_steward.post(f"/units/{world.unit_id}/summary/prepare-pdf")
    page = spanish_steward.get(f"/units/{world.unit_id}/summary").get_data(as_text=True)
    assert "El PDF se está preparando" in page
    assert "Prepare the PDF" in english_organizer.get(f"/units/{world.unit_id}/summary").get_data(as_text=True)

    assert registry_of(app).run(app, "prepare_bargaining_pdfs") == 1  # outside any request
    text = _pdf_text(spanish_steward.get(url).data)
    assert "RESUMEN PARA LA NEGOCIACIÓN" in text and "BARGAINING SUMMARY" not in text
    assert english_organizer.get(url).mimetype == "text/html", "the Spanish file was sent to an English reader"
    assert registry_of(app).run(app, "prepare_bargaining_pdfs") == 0, "made again for nothing"


def test_the_request_carries_the_askers_language_as_its_code_and_nothing_else(
        app, world, summary_items, spanish_steward, monkeypatch):
    monkeypatch.setattr(downloads, "AT_ONCE_ITEMS", 0)
    spanish_steward.post(f"/units/{world.unit_id}/summary/prepare-pdf")
    with app.app_context():
        [row] = db.session.scalars(sa.select(PreparedDownload)).all()
        about = json.loads(row.about)
        steward = accounts.find_account_by_email(world.steward)
        stored_formats = db.session.scalars(sa.text("SELECT format FROM prepared_downloads")).all()
    assert about == {"fingerprint": None, "prepared_on": None, "requested": True, "language": "es"}
    assert str(steward.id) not in json.dumps(about) and world.steward not in json.dumps(about)
    assert stored_formats == ["pdf"], "the row's name in the clear says nothing of the language"


def test_without_a_language_a_pdf_is_english(app, world, summary_items):
    """A command or a job that names no language (the benchmark, a shell) gets English."""
    with app.app_context():
        steward = accounts.find_account_by_email(world.steward)
        unit = db.session.get(BargainingUnit, world.unit_id)
        assert downloads.request_pdf(steward, unit).is_ready
        content, state = downloads.pdf_file(steward, unit)
        assert state.is_ready and "BARGAINING SUMMARY" in _pdf_text(content)
        assert downloads.pdf_file(steward, unit, "es")[0] is None
        db.session.rollback()


def test_the_stored_items_keep_no_one_readers_words(app, world, login, spanish_steward, english_organizer):
    """A Spanish member's demand is ranked and stored as it commits, inside their Spanish request:
    the backing's note, the one set of words the stored items hold, is kept in every language."""
    member = _reader(app, login, world.member, "es")
    assert member.post("/my/demands/new", data={"text": DEMAND, "kind": "demand", "tier": "priority",
                                                "basis": "collective", "category": "pay"}).status_code == 302
    english = english_organizer.get(f"/units/{world.unit_id}/summary").get_data(as_text=True)
    assert "Not yet put to coworkers." in english
    spanish = spanish_steward.get(f"/units/{world.unit_id}/summary").get_data(as_text=True)
    assert "Not yet put to coworkers." not in spanish
    with app.app_context():
        english_note = str(metrics.NOT_YET_ASKED)
        with force_locale("es"):
            spanish_note = str(metrics.NOT_YET_ASKED)
    assert spanish_note != english_note and spanish_note in spanish
