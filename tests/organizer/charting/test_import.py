"""Chart import, through its service (organizer.charting.importing): files that
are not a table are refused with words saying what to do, before anything is
looked at; the columns are guessed from their names; every row's problems are
found and named by the spreadsheet's row number; the carried file opens only
for its account, unit and browser, and not after it expires; and the import
charts every row or none."""

from __future__ import annotations

import codecs
import os
from datetime import timedelta

import pytest
import sqlalchemy as sa

from core.clock import utcnow
from core.extensions import db
from organizer.audit.models import AuditAction, AuditEntry
from organizer.charting import importing, people, roster
from organizer.charting.importing import Choices, Field
from organizer.charting.models import BargainingUnit, Department, Person, Shift, Union, UnitRoster
from organizer.errors import DomainError, NotAllowed
from tests.factories import OrganizerOf

F = Field

HEADER = "Name,Department,Shift,Email,Phone,Assessment,Notes\n"
#: One column per field, in HEADER's order.
FIELDS = (F.NAME, F.DEPARTMENT, F.SHIFT, F.EMAIL, F.PHONE, F.ASSESSMENT, F.NOTES)


def _unit(world) -> BargainingUnit:
    return db.session.get(BargainingUnit, world.unit_id)


def _organizer(world) -> OrganizerOf:
    return OrganizerOf(_unit(world).union)


def _read(world, data: bytes | None = None, pasted: str | None = None) -> importing.Upload:
    return importing.read_upload(_organizer(world), _unit(world), data=data, pasted=pasted)


def _check(world, text: str, fields=FIELDS, **choices) -> importing.Check:
    upload = _read(world, text.encode("utf-8"))
    return importing.check(_organizer(world), _unit(world), upload,
                           Choices(has_header=True, fields=tuple(fields), **choices))


def _problems(found: importing.Check) -> dict[int, list[str]]:
    return {row.number: row.problems for row in found.rows if row.problems}


# -- reading the file --------------------------------------------------------------------------------

def test_utf8_with_and_without_a_byte_order_mark_and_utf16_read_the_same(app_ctx, world):
    text = HEADER + "José Núñez,Loading,Day,jose@example.net,555 0100,2,\n"
    for data in (text.encode("utf-8"), codecs.BOM_UTF8 + text.encode("utf-8"), text.encode("utf-16")):
        upload = _read(world, data)
        assert upload.rows[0][0] == "Name", "a byte-order mark is not part of the first column's name"
        assert upload.rows[1][0] == "José Núñez"
        assert upload.assumed_encoding is None


def test_a_windows_file_is_read_as_cp1252_and_says_so(app_ctx, world):
    upload = _read(world, (HEADER + "José Núñez,Loading,Day,,,,\n").encode("cp1252"))
    assert upload.rows[1][0] == "José Núñez"
    assert "cp1252" in upload.assumed_encoding and "CSV UTF-8" in upload.assumed_encoding


@pytest.mark.parametrize("data, words", [
    (b"", "This file is empty"),
    (b"  \r\n\r\n", "This file is empty"),
    (b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)), "Excel or other spreadsheet workbook"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(200), "old Excel workbook"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "This is a PDF"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(100), "does not look like a spreadsheet saved as CSV"),
    (bytes([7, 8, 11, 12, 14, 15, 16, 17]) * 20 + b"a,b\n", "does not look like a spreadsheet saved as CSV"),
    # 0x81 and 0x8d are neither UTF-8 here nor letters of cp1252.
    (b"Name,Shift\n\x81\x8d\x81,Day\n", "cannot tell how the letters in this file are written"),
    (codecs.BOM_UTF8 + b"Name,Shift\n\xff\xfe\xfd,Day\n", "the rest does not match"),
    (b"Some notes about the campaign\nwith no columns at all\n", "only one column"),
    (b'Name,Shift\nAna,"Day\n', "a quotation mark opens a cell that never closes"),
    (("," * 60 + "\n").replace(",", "a,", 1).encode() + b"Ana" + b",x" * 60 + b"\n", "columns; Leverage reads up to 50"),
    (b"x" * (importing.MAX_FILE_BYTES + 1), "more than Leverage reads at once"),
])
def test_what_is_not_a_table_is_refused_with_what_to_do(app_ctx, world, data, words):
    with pytest.raises(DomainError) as refused:
        _read(world, data)
    assert words in refused.value.message


def test_a_list_of_names_alone_is_a_table_when_its_first_row_says_name(app_ctx, world):
    upload = _read(world, b"Name\nAna Lopez\nBo Chen\n")
    assert upload.column_count == 1 and len(upload.rows) == 3


def test_a_hundred_thousand_rows_are_refused_before_the_file_is_read_to_its_end(app_ctx, world):
    # The file's end opens a quoted cell that never closes: reading it all would fail on
    # that; the refusal for too many rows comes first, so reading stopped at the limit.
    data = b"Name,Shift\n" + b"a,b\n" * 100_000 + b'x,"never closed\n'
    assert len(data) < importing.MAX_FILE_BYTES
    with pytest.raises(DomainError) as refused:
        _read(world, data)
    assert "more than 10,000 rows" in refused.value.message


def test_ten_thousand_rows_and_their_column_names_are_read(app_ctx, world):
    upload = _read(world, b"Name,Shift\n" + b"".join(b"Worker %d,Day\n" % n for n in range(10_000)))
    assert len(upload.rows) == 10_001


def test_tabs_semicolons_and_commas_are_told_apart(app_ctx, world):
    pasted = "Name\tDepartment\r\nLopez, Ana\tLoading\r\n"
    assert _read(world, pasted=pasted).rows[1] == ("Lopez, Ana", "Loading")
    assert _read(world, b"Name;Department\nLopez, Ana;Loading\n").rows[1] == ("Lopez, Ana", "Loading")
    assert _read(world, b'Name,Department\n"Lopez; Ana",Loading\n').rows[1] == ("Lopez; Ana", "Loading")
    excel = _read(world, b"sep=;\nName;Department\nAna;Loading\n")
    assert excel.rows == (("Name", "Department"), ("Ana", "Loading"))


def test_empty_rows_are_left_out_and_counted(app_ctx, world):
    upload = _read(world, b"Name,Shift\nAna,Day\n,\n\n,,\nBo,Night\n")
    assert [row[0] for row in upload.rows] == ["Name", "Ana", "Bo"] and upload.empty_rows == 3


def test_a_file_and_pasted_rows_together_or_neither_are_refused(app_ctx, world):
    with pytest.raises(DomainError, match="not both"):
        _read(world, b"Name\nAna\n", pasted="Name\nBo\n")
    with pytest.raises(DomainError, match="Choose a CSV file, or paste"):
        _read(world, None, pasted="  ")


def test_only_the_unions_organizers_read_a_file(app_ctx, world):
    other = OrganizerOf(db.session.get(Union, world.other_union_id))
    with pytest.raises(NotAllowed):
        importing.read_upload(other, _unit(world), data=b"Name\nAna\n")


# -- matching the columns -------------------------------------------------------------------------

def test_columns_are_guessed_from_their_names_and_work_addresses_are_left_out(app_ctx, world):
    upload = _read(world, "First name,Surname,Dept.,Turno,E-mail,Work email,Cell phone,Rating (1-5),"
                          "Comments,Badge,Department\nAna,Lopez,Loading,Day,a@example.net,a@acme.com,555 0100,2,"
                          "x,B1,Cranes\n".encode())
    has_header, fields = importing.guess_columns(upload)
    assert has_header
    assert fields == [F.FIRST_NAME, F.LAST_NAME, F.DEPARTMENT, F.SHIFT, F.EMAIL, F.NOTHING, F.PHONE, F.NOTHING,
                      F.NOTES, F.NOTHING, F.NOTHING], "a field goes to its first column only"


def test_rows_with_no_column_names_are_rows(app_ctx, world):
    has_header, fields = importing.guess_columns(_read(world, pasted="Ana Lopez\tLoading\nBo Chen\tCranes\n"))
    assert not has_header and set(fields) == {F.NOTHING}


@pytest.mark.parametrize("fields, words", [
    ((F.NOTHING,) * 7, "Choose the column that holds the coworkers' names"),
    ((F.NAME, F.DEPARTMENT, F.DEPARTMENT, F.NOTHING, F.NOTHING, F.NOTHING, F.NOTHING),
     "Two columns are set to Department"),
    ((F.NAME, F.FIRST_NAME, F.NOTHING, F.NOTHING, F.NOTHING, F.NOTHING, F.NOTHING), "not both"),
    ((F.NAME,), "Say what each column holds"),
])
def test_unclear_columns_are_refused(app_ctx, world, fields, words):
    with pytest.raises(DomainError) as refused:
        _check(world, HEADER + "Ana,,,,,,\n", fields)
    assert words in refused.value.message


# -- the rows' problems ---------------------------------------------------------------------------

def test_each_rows_problems_are_named_by_its_spreadsheet_row(app_ctx, world):
    found = _check(world, HEADER
                   + "Ana Lopez,Loading,Day,ana@example.net,+1 555 0100,1,\n"          # 2: ready
                   + ",Loading,Day,,,,\n"                                                # 3: no name
                   + "Bo Chen,Returns,Day,,,,\n"                                         # 4: unknown department
                   + "jordan  EXAMPLE,,,,,,\n"                                           # 5: already charted
                   + "Ana Lopez,,,,,,\n"                                                 # 6: same name as row 2
                   + "Cy Diaz,,,ANA@example.net,,,\n"                                    # 7: same email as row 2
                   + "Di Evans,,,di@,,,\n"                                               # 8: bad email
                   + "Ed Fox,,,,call me,,\n"                                             # 9: bad phone
                   + "Flo Gray,,,,,maybe,\n"                                             # 10: unknown assessment
                   + "Gus Hill,,Weekend,,,4,\n"                                          # 11: unknown shift
                   + "\u202eHal,,,,,,\n")                                                # 12: disguised name
    problems = _problems(found)
    assert set(problems) == {3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
    assert problems[3] == ["The name is empty."]
    assert problems[4] == ["Department “Returns” is not in this unit yet: tick it under New departments to add it, "
                           "or correct the spelling in the file."]
    assert problems[5] == ["Someone with this name is already on the chart. Leave the row out, or add a detail "
                           "that tells them apart, such as an initial."]
    assert problems[6] == ["Same name as row 2. Add a detail that tells them apart, such as an initial."]
    assert problems[7] == ["Same email as row 2."]
    assert problems[8] == ["Email “di@”: Enter an email address like name@example.org."]
    assert problems[9] == ["Phone “call me”: Enter digits, spaces, + ( ) - only."]
    assert problems[10][0].startswith("Assessment “maybe” is not one Leverage knows")
    assert "Shift “Weekend” is not in this unit yet" in problems[11][0]
    assert "direction text is shown in" in problems[12][0]
    assert not found.ready and found.unknown_departments == {"Returns": 1}
    assert found.unknown_shifts == {"Weekend": 1}


def test_an_email_already_on_the_chart_is_a_problem(app_ctx, world):
    people.add_person(_organizer(world), _unit(world), people.PersonDetails(name="Kim Lee", email="kim@example.net"))
    assert _problems(_check(world, HEADER + "Kimberly Lee,,,KIM@example.net,,,\n")) == {
        2: ["This email is already on the chart."]}


def test_a_name_that_only_looks_like_a_charted_one_is_no_duplicate(app_ctx, world):
    # The chart's rule: same name ignoring case and spacing; accents tell names apart.
    assert _problems(_check(world, HEADER + "Jordán Example,,,,,,\n")) == {}


def test_departments_match_whatever_their_case_and_a_ticked_new_one_is_no_problem(app_ctx, world):
    found = _check(world, HEADER + "Ana,loading ,DAY,,,,\nBo,returns,,,,,\nCy,Returns,,,,,\n",
                   new_departments=frozenset({"RETURNS"}))
    assert found.ready
    assert [row.department for row in found.rows] == ["loading", "returns", "returns"]
    assert found.unknown_departments == {"returns": 2} and found.adding_departments == {"returns"}


def test_a_department_name_the_segment_form_would_refuse_is_never_offered(app_ctx, world):
    found = _check(world, HEADER + f"Ana,{'D' * 81},,,,,\n")
    assert found.unknown_departments == {}
    assert "Keep it to 80 characters or fewer" in _problems(found)[2][0]


@pytest.mark.parametrize("cell, level", [
    ("", 0), ("0", 0), ("1", 1), ("5", 5), ("3.0", 3), ("2 · Supporter", 2), ("Leader / strong supporter", 1),
    ("leader", 1), ("STRONG SUPPORTER", 1), ("Leaning against", 4), ("opposed", 5), ("Not yet assessed", 0),
    ("unknown", 0),
])
def test_assessments_are_read_as_numbers_or_the_charts_words(app_ctx, world, cell, level):
    found = _check(world, HEADER + f"Ana,,,,,{cell},\n")
    assert found.ready and found.rows[0].assessment == level


@pytest.mark.parametrize("cell", ["6", "-1", "1.5", "maybe", "yes"])
def test_other_assessments_are_problems(app_ctx, world, cell):
    assert "is not one Leverage knows" in _problems(_check(world, HEADER + f"Ana,,,,,{cell},\n"))[2][0]


def test_a_name_from_first_and_last_name_columns(app_ctx, world):
    found = _check(world, "First,Last\nAna, Lopez \n,Chen\n", (F.FIRST_NAME, F.LAST_NAME))
    assert [row.name for row in found.rows] == ["Ana Lopez", "Chen"]


def test_formula_cells_are_kept_as_text_and_remarked(app_ctx, world):
    found = _check(world, HEADER + '"=HYPERLINK(""http://x.example"",""Ana"")",,,,+1 555 0100,,@SUM(A1)\n')
    [row] = found.rows
    assert row.name == '=HYPERLINK("http://x.example","Ana")' and row.notes == "@SUM(A1)"
    assert found.ready, "a formula is text, not a problem"
    assert len(row.remarks) == 2 and all("kept as plain text" in remark for remark in row.remarks)
    assert not any("Phone" in remark for remark in row.remarks), "a phone starting with + is a phone"


def test_a_file_of_column_names_only_has_nobody_to_import(app_ctx, world):
    with pytest.raises(DomainError, match="only the column names"):
        importing.check(_organizer(world), _unit(world), _read(world, b"Name,Shift\n"),
                        Choices(has_header=True, fields=(F.NAME, F.SHIFT)))


def test_ten_thousand_and_one_coworkers_with_no_column_names_are_too_many(app_ctx, world):
    upload = _read(world, b"Name,Shift\n" + b"".join(b"Worker %d,Day\n" % n for n in range(10_000)))
    with pytest.raises(DomainError, match="more than 10,000 coworkers"):
        importing.check(_organizer(world), _unit(world), upload, Choices(has_header=False, fields=(F.NAME, F.SHIFT)))


# -- carrying the file between the steps ------------------------------------------------------------

def _binding(world, **changes) -> importing.Binding:
    return importing.Binding(**{"account_id": 7, "unit_id": world.unit_id, "browser_key": "k" * 22, **changes})


def test_a_carried_file_opens_for_its_account_unit_and_browser_only(app_ctx, world):
    upload = _read(world, (HEADER + "Ana Lopez,Loading,Day,ana@example.net,,,\n").encode())
    carried = importing.seal(upload, _binding(world))
    assert "Ana" not in carried and "ana@example.net" not in carried
    assert importing.reopen(_organizer(world), _unit(world), carried, _binding(world)).rows == upload.rows
    for other in (_binding(world, account_id=8), _binding(world, unit_id=world.other_unit_id),
                  _binding(world, browser_key="x" * 22)):
        with pytest.raises(DomainError, match="upload the file again"):
            importing.reopen(_organizer(world), _unit(world), carried, other)


@pytest.mark.parametrize("spoil", [
    lambda c: c[:-10] + ("A" if c[-10] != "A" else "B") + c[-9:],
    lambda c: c.replace("c1.", "c2.", 1),
    lambda c: c.split(".")[0] + "." + str(int(c.split(".")[1]) + 3600) + "." + c.split(".", 2)[2],
    lambda c: "",
    lambda c: "c1.not-a-number.abc",
    lambda c: "c1.99999999999.!!!",
])
def test_a_tampered_carried_file_does_not_open(app_ctx, world, spoil):
    carried = importing.seal(_read(world, b"Name\nAna\n"), _binding(world))
    with pytest.raises(DomainError, match="upload the file again"):
        importing.reopen(_organizer(world), _unit(world), spoil(carried), _binding(world))


def test_a_carried_file_expires(app_ctx, world, monkeypatch):
    carried = importing.seal(_read(world, b"Name\nAna\n"), _binding(world))
    later = utcnow() + timedelta(minutes=importing.CARRY_MINUTES, seconds=5)
    monkeypatch.setattr(importing, "utcnow", lambda: later)
    with pytest.raises(DomainError, match="expired"):
        importing.reopen(_organizer(world), _unit(world), carried, _binding(world))


def test_a_file_that_packs_too_large_is_refused_before_the_next_step(app_ctx, world):
    # Random letters barely compress: 900 KB of them do not fit the next page's form.
    noise = "".join(f"{os.urandom(60).hex()},x\n" for _ in range(7_000)).encode()
    with pytest.raises(DomainError, match="does not pack small enough"):
        importing.seal(_read(world, b"Name,Other\n" + noise), _binding(world))


# -- importing ----------------------------------------------------------------------------------

def _stored_roster(unit_id: int) -> bytes:
    return bytes(db.session.scalar(sa.select(UnitRoster.entries).where(UnitRoster.unit_id == unit_id)))


def _many(count: int, extra: str = "") -> str:
    return HEADER + "".join(f"Worker {n},Loading,Night,w{n}@example.net,555 {n:04d},{n % 6},{extra}\n"
                            for n in range(count))


def test_an_import_charts_every_row_with_its_fields_and_one_audit_entry_of_counts(app_ctx, world):
    upload = _read(world, (HEADER + "Ana Lopez,Returns,Day,ANA@example.net,+1 555 0100,2,Met at the gate\n"
                                    "Bo Chen,loading,,,,,\n").encode())
    before = roster.summaries([_unit(world)])[world.unit_id].headcount
    done = importing.import_rows(_organizer(world), _unit(world), upload,
                                 Choices(True, FIELDS, new_departments=frozenset({"Returns"})))
    db.session.commit()
    assert (done.charted, done.departments_added, done.shifts_added) == (2, 1, 0)
    unit = _unit(world)
    names = people.segment_names(Department, unit)
    shifts = people.segment_names(Shift, unit)
    ana = db.session.scalar(sa.select(Person).where(Person.id.in_(roster.of(unit).named("ana lopez"))))
    assert (names[ana.department_id], shifts[ana.shift_id], ana.email, ana.phone, ana.assessment, ana.notes) == (
        "Returns", "Day", "ana@example.net", "+1 555 0100", 2, "Met at the gate")
    bo = db.session.scalar(sa.select(Person).where(Person.id.in_(roster.of(unit).named("bo chen"))))
    assert names[bo.department_id] == "Loading" and bo.shift_id is None
    assert roster.summaries([unit])[unit.id].headcount == before + 2
    [entry] = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == AuditAction.CHART_IMPORTED))
    assert entry.description == "Imported 2 coworkers from a file and added 1 department."
    charted = db.session.scalars(sa.select(AuditEntry.description).where(
        AuditEntry.action == AuditAction.PERSON_CHARTED)).all()
    assert not [words for words in charted if "Ana" in words or "Bo Chen" in words], "no entry names them"


def test_a_problem_found_as_the_import_begins_refuses_the_whole_file(app_ctx, world):
    """The 4,999th of 5,000 coworkers is charted by someone else between the check and
    the import: nothing is charted, no department added, the roster unchanged."""
    unit = _unit(world)
    upload = _read(world, _many(5_000).replace("Loading", "Yard").encode())
    choices = Choices(True, FIELDS, new_departments=frozenset({"Yard"}))
    assert importing.check(_organizer(world), unit, upload, choices).ready
    people.add_person(_organizer(world), unit, people.PersonDetails(name="Worker 4998"))
    db.session.commit()
    before = (_stored_roster(world.unit_id), db.session.scalar(sa.select(sa.func.count()).select_from(Person)),
              sorted(people.segment_names(Department, unit).values()))
    with pytest.raises(importing.RowsToFix) as refused:
        importing.import_rows(_organizer(world), unit, upload, choices)
    db.session.rollback()
    assert refused.value.message == "1 row needs fixing before anything can be imported. Nothing was saved."
    assert _problems(refused.value.check) == {5_000: [
        "Someone with this name is already on the chart. Leave the row out, or add a detail that tells them "
        "apart, such as an initial."]}
    db.session.remove()
    after = (_stored_roster(world.unit_id), db.session.scalar(sa.select(sa.func.count()).select_from(Person)),
             sorted(people.segment_names(Department, _unit(world)).values()))
    assert after == before
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == AuditAction.CHART_IMPORTED)) == 0


def test_only_the_unions_organizers_import(app_ctx, world):
    upload = _read(world, b"Name\nAna\n")
    with pytest.raises(NotAllowed):
        importing.import_rows(OrganizerOf(db.session.get(Union, world.other_union_id)), _unit(world), upload,
                              Choices(True, (F.NAME,)))


def test_row_numbers_are_the_spreadsheets_with_empty_rows_and_cells_of_several_lines_counted(app_ctx, world):
    found = _check(world, HEADER + ",,,,,,\n" + '"Ana\nLopez",,,,,,"two\nlines"\n' + "\n" + ",,,,,,\n" + "Bo,,,bo@,,,\n")
    assert [row.number for row in found.rows] == [3, 6]
    assert found.rows[0].name == "Ana Lopez" and found.rows[0].notes == "two\nlines"
    assert _problems(found) == {6: ["Email “bo@”: Enter an email address like name@example.org."]}
