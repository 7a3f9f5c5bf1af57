"""Chart download: behind a page that names the risk and a box the organizer
ticks; the file holds only the columns ticked, every cell a spreadsheet would
run as a formula written as text, in chart order; each download is in the audit
log with a count, never a name; and the file imports back."""

from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa

from core.extensions import db
from organizer.audit.models import AuditAction, AuditEntry
from organizer.accounts import services as accounts
from organizer.charting import exporting, people, roster, unions
from organizer.charting.models import BargainingUnit, Person, Union
from organizer.errors import NotAllowed
from tests.csrf import post_form, sign_in
from tests.factories import OrganizerOf
from tests.organizer.charting.test_import_pages import _form, next_step, upload


@pytest.fixture
def organizer(client, world, csrf_on):
    return sign_in(client, world.organizer)


@pytest.fixture
def charted(app, world) -> None:
    with app.app_context():
        unit = db.session.get(BargainingUnit, world.unit_id)
        actor = OrganizerOf(unit.union)
        loading = next(d.id for d in unit.departments if d.name == "Loading")
        for details in (
                people.PersonDetails(name="=HYPERLINK(\"http://evil.example\",\"Ana\")", department_id=loading,
                                     assessment=1, email="ana@example.net", phone="+1 555 0100",
                                     notes="@SUM(A1) talked at the gate"),
                people.PersonDetails(name="Bo Chen", assessment=4, is_member=True, phone="-555 0101",
                                     notes="\tTab first")):
            people.add_person(actor, unit, details)
        db.session.commit()


def _export(organizer, world, **ticked) -> list[list[str]]:
    response = post_form(organizer, f"/units/{world.unit_id}/chart/export", {"understood": "y", **ticked})
    assert response.status_code == 200, response.get_data(as_text=True)[-1500:]
    assert response.mimetype == "text/csv" and response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="chart-dock-crew-')
    assert response.data.startswith("\ufeff".encode()), "Excel reads UTF-8 only after a byte-order mark"
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"), newline="")))


def _entries(app) -> list[str]:
    with app.app_context():
        found = list(db.session.scalars(sa.select(AuditEntry.description).where(
            AuditEntry.action == AuditAction.CHART_EXPORTED)))
        db.session.remove()
    return found


def test_the_page_before_the_download_names_the_risk(organizer, world):
    page = organizer.get(f"/units/{world.unit_id}/chart/export").get_data(as_text=True)
    assert "This file is not encrypted" in page and "a list of who to single out" in page
    assert "recorded in the union's audit log" in page


def test_no_file_until_the_organizer_says_they_read_the_risk(app, organizer, world, charted):
    response = post_form(organizer, f"/units/{world.unit_id}/chart/export", {"contacts": "y"})
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert "Tick this to say you read what the file risks." in response.get_data(as_text=True)
    assert _entries(app) == []


def test_the_file_holds_names_departments_and_shifts_unless_more_is_ticked(app, organizer, world, charted):
    rows = _export(organizer, world)
    assert rows[0] == ["Name", "Department", "Shift"]
    assert all(len(row) == 3 for row in rows)
    assert not any("ana@example.net" in cell or "555" in cell for row in rows for cell in row)
    assert _entries(app) == [f"Downloaded the chart as a file: {len(rows) - 1} coworkers, with names, "
                             "departments and shifts."]


def test_every_column_ticked_and_formula_cells_written_as_text(app, organizer, world, charted):
    rows = _export(organizer, world, contacts="y", assessments="y", membership="y", notes="y")
    assert rows[0] == ["Name", "Department", "Shift", "Assessment", "Where they stand", "Member", "Card signed on",
                       "Personal email", "Personal phone", "Notes"]
    by_name = {row[0]: row for row in rows[1:]}
    ana = by_name["'=HYPERLINK(\"http://evil.example\",\"Ana\")"]
    assert ana[1:5] == ["Loading", "", "1", "Leader / strong supporter"]
    assert ana[7:] == ["ana@example.net", "'+1 555 0100", "'@SUM(A1) talked at the gate"]
    bo = by_name["Bo Chen"]
    assert bo[3:6] == ["4", "Leaning against", "yes"] and bo[8] == "'-555 0101"
    assert not any(cell.startswith(exporting.FORMULA_START) for row in rows for cell in row)
    [entry] = _entries(app)
    assert entry == (f"Downloaded the chart as a file: {len(rows) - 1} coworkers, with names, departments and "
                     "shifts, contact details, assessments, membership, notes.")
    assert "Bo Chen" not in entry and "Ana" not in entry


def test_the_file_lists_the_chart_in_its_order(app, organizer, world, charted):
    names = [row[0] for row in _export(organizer, world)[1:]]
    with app.app_context():
        unit = db.session.get(BargainingUnit, world.unit_id)
        expected = [db.session.get(Person, pid).name for pid in roster.of(unit).person_ids()]
        db.session.remove()
    assert names == [exporting.neutralised(name) for name in expected]


def test_a_downloaded_chart_imports_into_another_unit(app, organizer, world, charted):
    exported = post_form(organizer, f"/units/{world.unit_id}/chart/export",
                         {"understood": "y", "contacts": "y", "assessments": "y", "notes": "y"}).data
    with app.app_context():
        unit = db.session.get(BargainingUnit, world.unit_id)
        target = unions.create_unit(accounts.find_account_by_email(world.organizer), unit.union, "Night crew").id
        db.session.commit()
    columns = upload(organizer, target, exported)
    checked = next_step(organizer, columns, "check")
    page = checked.get_data(as_text=True)
    assert "Bo Chen" in page and "Leaning against" in page
    assert "“Loading” is not in this unit yet" in page, "the new unit has no departments of its own"


@pytest.mark.parametrize("cell, written", [
    ("=1+1", "'=1+1"), ("+1 555", "'+1 555"), ("-2", "'-2"), ("@A1", "'@A1"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("Ana", "Ana"), ("", ""), ("1=1", "1=1"),
])
def test_cells_that_start_like_a_formula_are_neutralised(cell, written):
    assert exporting.neutralised(cell) == written


def test_only_the_unions_organizers_download(app_ctx, world):
    other = OrganizerOf(db.session.get(Union, world.other_union_id))
    with pytest.raises(NotAllowed):
        exporting.chart_csv(other, db.session.get(BargainingUnit, world.unit_id), exporting.ExportChoices())


# -- in the organizer's language ------------------------------------------------------------------

def test_a_spanish_organizers_download_is_in_spanish(spanish_organizer, world, charted):
    response = post_form(spanish_organizer, f"/units/{world.unit_id}/chart/export", {
        "understood": "y", "contacts": "y", "assessments": "y", "membership": "y", "notes": "y"})
    assert response.headers["Content-Disposition"].startswith('attachment; filename="mapa-dock-crew-')
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["Nombre", "Departamento", "Turno", "Evaluación", "Postura", "Miembro", "Tarjeta firmada el",
                       "Correo personal", "Teléfono personal", "Notas"]
    bo = next(row for row in rows[1:] if row[0] == "Bo Chen")
    assert bo[3:6] == ["4", "Más bien en contra", "sí"]
    ana = next(row for row in rows[1:] if row[0].startswith("'=HYPERLINK"))
    assert ana[3:6] == ["1", "Líder / muy a favor", "no"]


def test_a_spanish_download_imports_back_with_its_columns_recognised(app, spanish_organizer, world, charted):
    exported = post_form(spanish_organizer, f"/units/{world.unit_id}/chart/export",
                         {"understood": "y", "contacts": "y", "assessments": "y", "membership": "y",
                          "notes": "y"}).data
    with app.app_context():
        unit = db.session.get(BargainingUnit, world.unit_id)
        target = unions.create_unit(accounts.find_account_by_email(world.organizer), unit.union, "Night crew").id
        db.session.commit()
    columns = upload(spanish_organizer, target, exported)
    guessed = {name: values[0] for name, values in _form(columns, "check")["fields"].items()
               if name.startswith("column_")}
    assert guessed == {"column_0": "name", "column_1": "department", "column_2": "shift", "column_3": "assessment",
                       "column_4": "nothing", "column_5": "nothing", "column_6": "nothing", "column_7": "email",
                       "column_8": "phone", "column_9": "notes"}
    page = next_step(spanish_organizer, columns, "check").get_data(as_text=True)
    assert "Bo Chen" in page and "Más bien en contra" in page
    assert "El departamento “Loading” todavía no está en esta unidad" in page
