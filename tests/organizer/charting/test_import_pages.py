"""Chart import over HTTP, with CSRF on, as a browser posts its three steps: each
bad file is refused on the page with words saying what to do (never a 500) and
stores nothing; the file is carried only sealed in the pages, never on disk, in
the database or in the session; afterwards the raw database holds none of its
cells except inside sealed chart rows, and no log holds any; an import that
fails at its 4,999th row leaves the chart and its roster as they were."""

from __future__ import annotations

import base64
import csv
import io
import json
import logging
import tempfile
import zlib
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug import formparser
from werkzeug.test import TestResponse

from core import sealing
from core.extensions import db
from organizer.accounts import services as accounts
from organizer.audit.models import AuditAction, AuditEntry
from organizer.charting import people, roster, unions
from organizer.charting.models import BargainingUnit, Department, Person, Shift, UnitRoster
from tests.csrf import sign_in, token_of
from tests.dumps import raw_database
from tests.core.test_i18n import _english_in as english_in
from tests.factories import OrganizerOf


class _Forms(HTMLParser):
    """The forms of a page as a browser would submit them: hidden and text inputs,
    ticked boxes, each select's chosen option, and the buttons' formactions."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._select: str | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        given = dict(attrs)
        if tag == "form":
            self.forms.append({"action": given.get("action"), "fields": {}, "buttons": {}})
            return
        if not self.forms:
            return
        fields = self.forms[-1]["fields"]
        name = given.get("name")
        if tag == "input" and name and given.get("type") not in ("file", "submit"):
            if given.get("type") in ("checkbox", "radio") and "checked" not in given:
                return
            fields.setdefault(name, []).append(given.get("value") or "")
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in given:
            fields[self._select] = [given.get("value")]
        elif tag == "button":
            self.forms[-1]["buttons"][given.get("formaction")] = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


def _form(response: TestResponse, action_ends: str) -> dict:
    [form] = [f for f in _Forms(response.get_data(as_text=True)).forms if (f["action"] or "").endswith(action_ends)]
    return form


def next_step(client: FlaskClient, response: TestResponse, step: str, changes: dict | None = None,
              via: str = "") -> TestResponse:
    """Post the page's import form as the browser would, to `step` (columns, check or
    save): through the form's action, or a button's formaction, with `changes`."""
    form = _form(response, via or step)
    target = next((action for action in [form["action"], *form["buttons"]] if (action or "").endswith(step)), None)
    assert target, f"the page offers no way to {step}"
    data = {name: list(values) for name, values in form["fields"].items()}
    data.update(changes or {})
    return client.post(target, data=data)


_BOUNDARY = "----leverage-test-boundary-7d41"


def upload(client: FlaskClient, unit_id: int, content: bytes | str, *, pasted: bool = False,
           filename: str = "coworkers.csv") -> TestResponse:
    """Post the upload form as multipart, built here in memory (the test client would
    spool a large body to a temporary file of its own)."""
    page = f"/units/{unit_id}/chart/import"
    token = client.application.config["WTF_CSRF_ENABLED"] and token_of(client, page)
    parts = [("csrf_token", None, token.encode() if token else b""),
             ("pasted", None, content.encode("utf-8") if pasted else b"")]
    if not pasted:
        parts.append(("file", filename, content))
    body = b"".join(
        f"--{_BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"".encode()
        + (f'; filename="{file}"\r\nContent-Type: text/csv'.encode() if file else b"")
        + b"\r\n\r\n" + value + b"\r\n" for name, file, value in parts) + f"--{_BOUNDARY}--\r\n".encode()
    return client.post(page, input_stream=io.BytesIO(body), content_length=len(body),
                       content_type=f"multipart/form-data; boundary={_BOUNDARY}")


def _text(response: TestResponse) -> str:
    return response.get_data(as_text=True)


def _counts(app) -> dict[str, int]:
    with app.app_context():
        found = {model.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
                 for model in (Person, Department, Shift, AuditEntry)}
        db.session.remove()
    return found


@pytest.fixture
def organizer(client, world, csrf_on):
    return sign_in(client, world.organizer)


GOOD = ("Name,Department,Shift,Personal email,Cell,Assessment,Notes,Social security number\r\n"
        "Wilhelmina Okonkwo-Baptiste,Loading,Night,wilhelmina.ob@example.net,+1 555 0144 9911,1,Leads the petition,"
        "987-65-4329\r\n"
        "Thaddeus Przybylski,Returns,Day,thaddeus.prz@example.net,555 0177 3322,3,Worried about the cameras,"
        "123-45-6780\r\n")
#: Every cell of GOOD that is personal data: none may be readable anywhere but in the pages.
PERSONAL = ["Wilhelmina Okonkwo-Baptiste", "wilhelmina.ob@example.net", "+1 555 0144 9911", "Leads the petition",
            "987-65-4329", "Thaddeus Przybylski", "thaddeus.prz@example.net", "555 0177 3322",
            "Worried about the cameras", "123-45-6780"]


def _import_good(client: FlaskClient, unit_id: int) -> TestResponse:
    columns = upload(client, unit_id, GOOD.encode())
    assert columns.status_code == 200, _text(columns)
    checked = next_step(client, columns, "check")
    assert checked.status_code == 200 and "Returns" in _text(checked)
    ticked = next_step(client, checked, "check", {"new_departments": "Returns"}, via="save")
    assert ticked.status_code == 200 and "Import 2 coworkers" in _text(ticked)
    return next_step(client, ticked, "save")


# -- the three steps --------------------------------------------------------------------------------

def test_an_organizer_imports_a_file_through_the_three_steps(app, organizer, world):
    before = _counts(app)
    with app.app_context():
        headcount = roster.summaries([db.session.get(BargainingUnit, world.unit_id)])[world.unit_id].headcount
        db.session.remove()
    columns = upload(organizer, world.unit_id, GOOD.encode())
    page = _text(columns)
    assert "Match the columns" in page and "separated by commas" in page
    form = _form(columns, "check")
    assert {name: values[0] for name, values in form["fields"].items() if name.startswith("column_")} == {
        "column_0": "name", "column_1": "department", "column_2": "shift", "column_3": "email", "column_4": "phone",
        "column_5": "assessment", "column_6": "notes", "column_7": "nothing"}
    checked = next_step(organizer, columns, "check")
    page = _text(checked)
    assert "Returns” is not in this unit yet" in page and "Import 2" not in page, "no import while a row is wrong"
    ticked = next_step(organizer, checked, "check", {"new_departments": "Returns"}, via="save")
    assert "Import 2 coworkers" in _text(ticked) and 'data-busy-button' in _text(ticked)
    assert _counts(app) == before, "checking stores nothing"
    saved = next_step(organizer, ticked, "save")
    assert saved.status_code == 302 and saved.headers["Location"].endswith(f"/units/{world.unit_id}/chart")
    chart = organizer.get(saved.headers["Location"])
    assert "2 coworkers added to the chart." in _text(chart) and "Wilhelmina Okonkwo-Baptiste" in _text(chart)
    after = _counts(app)
    assert after["Person"] == before["Person"] + 2 and after["Department"] == before["Department"] + 1
    with app.app_context():
        unit = db.session.get(BargainingUnit, world.unit_id)
        assert roster.summaries([unit])[unit.id].headcount == headcount + 2
        [entry] = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == AuditAction.CHART_IMPORTED))
        assert entry.description == "Imported 2 coworkers from a file and added 1 department."
        db.session.remove()


def test_rows_pasted_from_a_spreadsheet_import_too(app, organizer, world):
    pasted = "Name\tShift\r\nAna Lopez\tNight\r\nBo Chen\tDay\r\n"
    columns = upload(organizer, world.unit_id, pasted, pasted=True)
    assert "separated by tabs" in _text(columns)
    checked = next_step(organizer, columns, "check")
    assert "Import 2 coworkers" in _text(checked)
    assert next_step(organizer, checked, "save").status_code == 302
    with app.app_context():
        names = sorted(p.name for p in db.session.scalars(sa.select(Person)))
        db.session.remove()
    assert {"Ana Lopez", "Bo Chen"} <= set(names)


def test_the_check_page_lists_each_rows_problems(app, organizer, world):
    before = _counts(app)
    columns = upload(organizer, world.unit_id, (
        "Name,Department,Email,Phone,Assessment\n"
        "Ana Lopez,Loading,ana@example.net,555 0100,2\n"
        ",Loading,,,\n"
        "Jordan Example,,,,\n"
        "Ana Lopez,,bo@example.net,,\n"
        "Cy Diaz,,cy@,call me,maybe\n").encode())
    checked = next_step(organizer, columns, "check")
    page = _text(checked)
    assert checked.status_code == 200
    assert "Rows to fix (4)" in page and "data-busy-button" not in page, "no import while a row is wrong"
    for row, words in ((3, "The name is empty."), (4, "Someone with this name is already on the chart"),
                       (5, "Same name as row 2."), (6, "Email “cy@”"), (6, "Phone “call me”"),
                       (6, "Assessment “maybe” is not one Leverage knows")):
        section = page.split(f"Row {row}</th>")[1].split("</tr>")[0]
        assert words in section, f"row {row}: {words}"
    assert _counts(app) == before


def test_saving_a_file_that_still_has_problems_stores_nothing(app, organizer, world):
    before = _counts(app)
    columns = upload(organizer, world.unit_id, b"Name,Department\nAna Lopez,Loading\n,Loading\n")
    checked = next_step(organizer, columns, "check")
    forced = next_step(organizer, checked, "save", via="save")
    assert forced.status_code == 400 and "1 row needs fixing before anything can be imported" in _text(forced)
    assert _counts(app) == before


def test_changing_the_columns_goes_back_with_the_answers_given(organizer, world):
    columns = upload(organizer, world.unit_id, b"Who,Where\nAna Lopez,Loading\n")
    checked = next_step(organizer, columns, "check", {"column_0": "name", "column_1": "department"})
    again = next_step(organizer, checked, "columns", via="save")
    assert again.status_code == 200 and "Match the columns" in _text(again)
    fields = _form(again, "check")["fields"]
    assert (fields["column_0"], fields["column_1"]) == (["name"], ["department"])


def test_a_column_left_out_is_stored_nowhere(app, organizer, world):
    columns = upload(organizer, world.unit_id, b"Name,Badge number\nAna Lopez,ZX-98765-QQ\n")
    assert _form(columns, "check")["fields"]["column_1"] == ["nothing"]
    checked = next_step(organizer, columns, "check")
    assert "ZX-98765-QQ" not in _text(checked).split("as it will be charted")[1]
    assert next_step(organizer, checked, "save").status_code == 302
    with app.app_context():
        raw = raw_database(db.engine.url)
        person = db.session.scalar(sa.select(Person).where(Person.id.in_(
            roster.of(db.session.get(BargainingUnit, world.unit_id)).named("ana lopez"))))
        kept = [person.name, person.email, person.phone, person.notes]
        db.session.remove()
    assert kept == ["Ana Lopez", None, None, None]
    assert b"ZX-98765-QQ" not in raw


def test_unclear_columns_come_back_to_the_columns_page(organizer, world):
    columns = upload(organizer, world.unit_id, b"Name,Department\nAna,Loading\n")
    refused = next_step(organizer, columns, "check", {"column_0": "nothing", "column_1": "department"})
    assert refused.status_code == 400 and "Choose the column that holds the coworkers&#39; names" in _text(refused)
    tampered = next_step(organizer, columns, "check", {"column_0": "is_member"})
    assert tampered.status_code == 400 and "Match the columns" in _text(tampered)


# -- bad files --------------------------------------------------------------------------------------

BAD_FILES = {
    "empty": (b"", "This file is empty"),
    "a workbook": (b"PK\x03\x04" + bytes(range(256)) * 4, "Excel or other spreadsheet workbook"),
    "a picture": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(300), "does not look like a spreadsheet"),
    "one column": (b"Some words\nand more words\n", "only one column"),
    "letters it cannot tell": (b"Name,Shift\n\x81\x8d,Day\n", "cannot tell how the letters"),
    "100,000 rows": (b"Name,Shift\n" + b"a,b\n" * 100_000, "more than 10,000 rows"),
    "an unclosed quote": (b'Name,Shift\n"Ana,Day\nBo,Night\n', "never closes"),
    "just over a megabyte": (b"Name,Notes\n" + b"Ana,x\n" * 166_667, "more than Leverage reads at once"),
}


@pytest.mark.parametrize("name", BAD_FILES)
def test_a_bad_file_is_refused_with_what_to_do_and_stores_nothing(app, organizer, world, name):
    data, words = BAD_FILES[name]
    before = _counts(app)
    response = upload(organizer, world.unit_id, data)
    assert response.status_code == 400 and words in _text(response)
    assert "Choose the file" in _text(response), "the upload page comes back"
    assert _counts(app) == before


def test_a_file_larger_than_a_request_may_be_is_refused_on_the_upload_page(app, organizer, world):
    before = _counts(app)
    response = upload(organizer, world.unit_id, b"Name,Notes\n" + b"Ana,xxxxxxxxxx\n" * 80_000)
    assert response.status_code == 413
    assert "more than Leverage reads at once" in _text(response) and "Choose the file" in _text(response)
    assert _counts(app) == before


def test_too_much_pasted_text_is_refused_with_the_same_words(app, organizer, world):
    response = upload(organizer, world.unit_id, "Name\tShift\n" + "Ana Lopez\tNight\n" * 40_000, pasted=True)
    assert response.status_code == 413 and "Upload the file rather than pasting it" in _text(response)


def test_another_visitor_gets_the_plain_page_for_too_large_a_request(app, client, world, csrf_on):
    sign_in(client, world.other_organizer)
    response = client.post(f"/units/{world.unit_id}/chart/import", data={"pasted": "x" * 1_100_000})
    assert response.status_code == 413 and "Choose the file" not in _text(response)


def test_windows_and_unicode_files_are_read_and_the_assumption_said(organizer, world):
    windows = upload(organizer, world.unit_id, "Name,Shift\nJosé Núñez,Day\n".encode("cp1252"))
    assert "read it as Windows Western European (cp1252)" in _text(windows)
    checked = next_step(organizer, windows, "check")
    assert "José Núñez" in _text(checked) and "cp1252" in _text(checked), "the note stays through the steps"
    for data in ("\ufeffName,Shift\nJosé Núñez,Day\n".encode("utf-8"), "Name\tShift\nJosé Núñez\tDay\n".encode("utf-16")):
        columns = upload(organizer, world.unit_id, data)
        assert "José Núñez" in _text(columns) and "cp1252" not in _text(columns)
        assert _form(columns, "check")["fields"]["column_0"] == ["name"], "the first column's name was read whole"


def test_formula_cells_are_stored_as_text_and_said_so(app, organizer, world):
    columns = upload(organizer, world.unit_id, b'Name,Notes\n"=HYPERLINK(""http://evil.example"",""x"")",@SUM(A1)\n')
    checked = next_step(organizer, columns, "check")
    assert "starts like a formula: it is kept as plain text" in _text(checked)
    assert next_step(organizer, checked, "save").status_code == 302
    with app.app_context():
        person = db.session.scalar(sa.select(Person).where(Person.id.in_(
            roster.of(db.session.get(BargainingUnit, world.unit_id)).named(
                roster.name_key('=HYPERLINK("http://evil.example","x")')))))
        assert (person.name, person.notes) == ('=HYPERLINK("http://evil.example","x")', "@SUM(A1)")
        db.session.remove()


# -- in the organizer's language ------------------------------------------------------------------

#: A Spanish organizer's file: Spanish column names, the chart's Spanish words for a level, and a
#: second row with three things to fix.
SPANISH = ("Nombre,Departamento,Turno,Correo,Evaluación,Notas\n"
           "Ana López,Loading,Night,ana.lopez@example.net,A favor,Habló en el comedor\n"
           "Bruno Díaz,Devoluciones,Day,bruno-sin-arroba,regular,\n")


def test_a_spanish_organizer_imports_through_pages_in_spanish(spanish_organizer, world):
    columns = upload(spanish_organizer, world.unit_id, SPANISH.encode())
    assert columns.status_code == 200 and "Asigna las columnas" in _text(columns)
    assert "separadas por comas" in _text(columns)
    assert {name: values[0] for name, values in _form(columns, "check")["fields"].items()
            if name.startswith("column_")} == {"column_0": "name", "column_1": "department", "column_2": "shift",
                                                 "column_3": "email", "column_4": "assessment", "column_5": "notes"}
    assert english_in(_text(columns), html=True) == []
    checked = next_step(spanish_organizer, columns, "check")
    page = _text(checked)
    assert checked.status_code == 200 and "Filas por corregir (1)" in page
    assert "El departamento “Devoluciones” todavía no está en esta unidad" in page
    assert "Correo “bruno-sin-arroba”: Escribe un correo como nombre@example.org." in page
    assert "La evaluación “regular” no es una que Leverage conozca" in page
    # The chart's Spanish words for a level are read as that level: Ana's row has nothing to fix.
    assert '<span class="badge level-2">2</span> A favor' in page
    assert english_in(page, html=True) == []


# -- where the file is, and is not ------------------------------------------------------------------

def test_an_upload_never_touches_the_disk(app, organizer, world, monkeypatch):
    def no_disk(*args, **kwargs):
        raise AssertionError("an upload was about to be written to a temporary file")

    monkeypatch.setattr(formparser, "SpooledTemporaryFile", no_disk)
    monkeypatch.setattr(tempfile, "SpooledTemporaryFile", no_disk)
    monkeypatch.setattr(tempfile, "TemporaryFile", no_disk)
    # Over werkzeug's 500 KB, past which it would spool the upload to disk.
    data = b"Name,Shift\n" + b"".join(b"Worker number %06d of the loading dock,Day shift on weekdays\n" % n
                                      for n in range(9_000))
    assert len(data) > 500 * 1024
    assert upload(organizer, world.unit_id, data).status_code == 200


def test_the_carried_file_is_sealed_and_bound_to_this_browser(app, organizer, world, csrf_on):
    columns = upload(organizer, world.unit_id, GOOD.encode())
    carried = _form(columns, "check")["fields"]["upload"][0]
    body = base64.urlsafe_b64decode(carried.split(".", 2)[2] + "==")
    for secret in PERSONAL:
        assert secret.encode() not in body
        with pytest.raises(zlib.error):
            zlib.decompress(body)  # sealed, not merely compressed
    # The same account in another browser cannot open it.
    other_browser = sign_in(app.test_client(), world.organizer)
    form = _form(columns, "check")["fields"]
    response = other_browser.post(f"/units/{world.unit_id}/chart/import/check", data={
        **{name: values for name, values in form.items()},
        "csrf_token": token_of(other_browser, f"/units/{world.unit_id}/chart/import")})
    assert response.status_code == 400 and "upload the file again" in _text(response)


def test_the_session_cookie_holds_nothing_of_the_file(app, organizer, world):
    response = _import_good(organizer, world.unit_id)
    assert response.status_code == 302
    cookie = organizer.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    payload = cookie.split(".")[1 if cookie.startswith(".") else 0]
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    session_text = (zlib.decompress(raw) if cookie.startswith(".") else raw).decode()
    json.loads(session_text)
    assert "2 coworkers added to the chart." in session_text, "the cookie was read (its flash message is in it)"
    for secret in PERSONAL:
        assert secret not in session_text


def test_afterwards_the_database_holds_the_file_only_as_sealed_chart_rows(app, organizer, world):
    assert _import_good(organizer, world.unit_id).status_code == 302
    with app.app_context():
        raw = raw_database(db.engine.url)
        db.session.remove()
    for secret in PERSONAL:
        for encoding in ("utf-8", "utf-16-le"):
            assert secret.encode(encoding) not in raw, f"{secret} is readable in the raw database"
    # Departments are named in the clear, as every department is (they are the unit's, not a person's):
    # the one the file added is found, which shows the search itself works.
    assert b"Returns" in raw


def test_nothing_of_the_file_reaches_a_log(app, organizer, world, caplog):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")
    bad = upload(organizer, world.unit_id, (GOOD + "Wilhelmina Okonkwo-Baptiste,,,bad@,,9,\r\n").encode())
    next_step(organizer, next_step(organizer, bad, "check"), "save", via="save")
    assert _import_good(organizer, world.unit_id).status_code == 302
    logged = caplog.text + "".join(str(record.args) for record in caplog.records)
    assert "INSERT INTO people" in logged, "the SQL log was on, so the check can see a leak"
    for secret in PERSONAL:
        assert secret not in logged


def test_a_crash_while_the_4999th_row_is_written_leaves_nothing_and_logs_no_cell(app, organizer, world,
                                                                                  monkeypatch, caplog):
    rows = "".join(f"Worker {n:04d},Night,w{n}@example.net\n" for n in range(5_000))
    columns = upload(organizer, world.unit_id, ("Name,Shift,Email\n" + rows).encode())
    checked = next_step(organizer, columns, "check")
    assert "Import 5,000 coworkers" in _text(checked)
    with app.app_context():
        before = (bytes(db.session.scalar(sa.select(UnitRoster.entries).where(UnitRoster.unit_id == world.unit_id))),
                  _counts(app))
        db.session.remove()
    real = sealing.field_cipher

    class FailsAtRow4999:
        """The disk fills up as the 4,999th coworker is written."""

        def __init__(self, cipher) -> None:
            self._cipher = cipher

        def encrypt(self, plaintext: bytes, purpose: bytes) -> bytes:
            if purpose == b"person.name" and plaintext == b"Worker 4998":
                raise OSError("No space left on device")
            return self._cipher.encrypt(plaintext, purpose)

        def __getattr__(self, name):
            return getattr(self._cipher, name)

    monkeypatch.setattr(sealing, "field_cipher", lambda: FailsAtRow4999(real()))
    caplog.set_level(logging.DEBUG)
    crashed = next_step(organizer, checked, "save")
    assert crashed.status_code == 500 and "Nothing was saved" in _text(crashed)
    assert "No space left on device" in caplog.text, "the fault itself is logged"
    assert "Worker 4998" not in caplog.text and "w4998@example.net" not in caplog.text
    monkeypatch.setattr(sealing, "field_cipher", real)
    with app.app_context():
        after = (bytes(db.session.scalar(sa.select(UnitRoster.entries).where(UnitRoster.unit_id == world.unit_id))),
                 _counts(app))
        db.session.remove()
    assert after == before, "the roster and every table are as they were"


def test_a_coworker_charted_meanwhile_at_row_4999_refuses_the_whole_import(app, organizer, world):
    rows = "".join(f"Worker {n:04d},Yard\n" for n in range(5_000))
    columns = upload(organizer, world.unit_id, ("Name,Department\n" + rows).encode())
    checked = next_step(organizer, next_step(organizer, columns, "check"), "check", {"new_departments": "Yard"},
                        via="save")
    assert "Import 5,000 coworkers" in _text(checked)
    with app.app_context():
        unit = db.session.get(BargainingUnit, world.unit_id)
        people.add_person(OrganizerOf(unit.union), unit, people.PersonDetails(name="Worker 4998"))
        db.session.commit()
        stored = bytes(db.session.scalar(sa.select(UnitRoster.entries).where(UnitRoster.unit_id == world.unit_id)))
        db.session.remove()
    before = _counts(app)
    refused = next_step(organizer, checked, "save")
    assert refused.status_code == 400
    page = _text(refused)
    assert "1 row needs fixing before anything can be imported. Nothing was saved." in page
    assert "Row 5,000</th>" in page and "Someone with this name is already on the chart" in page
    assert _counts(app) == before
    with app.app_context():
        assert bytes(db.session.scalar(sa.select(UnitRoster.entries).where(
            UnitRoster.unit_id == world.unit_id))) == stored
        assert "Yard" not in people.segment_names(Department, db.session.get(BargainingUnit, world.unit_id)).values()
        db.session.remove()


# -- who may ----------------------------------------------------------------------------------------

def test_a_carried_file_does_not_open_for_another_unit_or_organizer(app, organizer, world, login):
    columns = upload(organizer, world.unit_id, GOOD.encode())
    fields = {name: values for name, values in _form(columns, "check")["fields"].items()}
    with app.app_context():
        unit = db.session.get(BargainingUnit, world.unit_id)
        sibling = unions.create_unit(accounts.find_account_by_email(world.organizer), unit.union, "Sibling").id
        db.session.commit()
    moved = organizer.post(f"/units/{sibling}/chart/import/check", data=fields)
    assert moved.status_code == 400 and "upload the file again" in _text(moved)
    stranger = sign_in(app.test_client(), world.other_organizer)
    taken = stranger.post(f"/units/{world.unit_id}/chart/import/save", data={
        **fields, "csrf_token": token_of(stranger, f"/units/{world.other_unit_id}/chart/import")})
    assert taken.status_code == 404


# -- hostile input ----------------------------------------------------------------------------------

HOSTILE_CELL = st.one_of(st.text(max_size=30), st.sampled_from(
    ["=cmd|' /C calc'!A0", "\u202eevil", "\x00", "\ufeff", '"', '""', "\r", "\t", "-1", "9" * 40, "x" * 3000]))
FUZZ = settings(max_examples=30, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def _hostile_file(rows: list[list[str]], delimiter: str) -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return out.getvalue()


@FUZZ
@given(raw=st.one_of(st.binary(max_size=600), st.text(max_size=600).map(lambda t: t.encode("utf-8"))),
       rows=st.lists(st.lists(HOSTILE_CELL, min_size=1, max_size=6), min_size=1, max_size=8),
       delimiter=st.sampled_from([",", ";", "\t", "|"]), as_paste=st.booleans())
def test_hostile_files_are_never_a_fault_and_store_nothing_until_imported(app, world, raw, rows, delimiter,
                                                                           as_paste):
    client = app.test_client()
    client.post("/login", data={"email": world.organizer, "password": "correct horse battery staple"})
    before = _counts(app)
    for content in (raw, _hostile_file(rows, delimiter)):
        pasted = as_paste and isinstance(content, str)
        response = upload(client, world.unit_id, content if pasted or isinstance(content, bytes)
                          else content.encode("utf-8"), pasted=pasted)
        assert response.status_code in (200, 400), response.status_code
        if response.status_code == 200:
            checked = next_step(client, response, "check", {"column_0": "name"})
            assert checked.status_code in (200, 400)
            if checked.status_code == 200 and "Rows to fix" in _text(checked):
                forced = next_step(client, checked, "save", via="save")
                assert forced.status_code == 400
        assert _counts(app) == before


@FUZZ
@given(changes=st.dictionaries(st.sampled_from(["column_0", "column_1", "has_header", "new_departments",
                                                "new_shifts", "upload", "column_9"]),
                               st.one_of(HOSTILE_CELL, st.lists(HOSTILE_CELL, max_size=3)), max_size=5),
       step=st.sampled_from(["columns", "check", "save"]))
def test_hostile_answers_to_the_later_steps_are_never_a_fault(app, world, changes, step):
    client = app.test_client()
    client.post("/login", data={"email": world.organizer, "password": "correct horse battery staple"})
    columns = upload(client, world.unit_id, b"Name,Department\nAna Lopez,Loading\n")
    form = _form(columns, "check")
    data = {name: list(values) for name, values in form["fields"].items()}
    data.update(changes)
    before = _counts(app)
    response = client.post(f"/units/{world.unit_id}/chart/import/{step}", data=data)
    assert response.status_code < 500, (step, changes, response.status_code)
    if response.status_code != 302:
        assert _counts(app) == before
