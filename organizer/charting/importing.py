"""Chart import: a spreadsheet of coworkers (a CSV file, or rows pasted from a
spreadsheet) read, its columns matched to what the chart holds, checked row by
row, and charted all at once or not at all.

The steps. `read_upload` turns the bytes (or the pasted text) into a table,
refusing what is not one before any coworker is looked at: an empty file, a
workbook or other binary file, text in an encoding it cannot tell, more than
`MAX_ROWS` rows (counted while reading, so a huge file stops at the limit),
one column that is not a list of names. `guess_columns` matches the columns
to the chart's fields from their names; the organizer may change each one, or
leave a column out. `check` looks at every row against the chart and the rest
of the file, under the same rules as the person form; `import_rows` checks
again under the roster's lock and charts every row in one transaction, or
none.

Where the file is between the steps. It is never stored: not on disk (uploads
stay in memory, `core.security.UploadsKeptInMemory`), not in the database,
not in the session. Each page of the import carries it back to the server
itself, in a hidden field, compressed and sealed by the application's field
cipher (AES-GCM) with associated data binding it to the account, the unit,
a random key kept in this browser's session, and an expiry `CARRY_MINUTES`
ahead; a copy taken from the page opens for nobody else, for no other unit
and not after the expiry. The other way, asking the organizer to upload the
file again at each step, would keep nothing in the page but makes a phone
user find the file three times; the sealed field costs only the page's
weight (about 30 bytes a row). Nothing of the file is written to a log:
this module logs nothing, a refusal's words reach the page only (never a
flash message, which travels in the session cookie), and the request lines
the server logs carry no form data.

Duplicates are found as `people.add_many` finds them: the unit's roster names
the few coworkers whose name key or email tag match a row, and only those rows
are opened, in one query, never the whole unit.

Every refusal and each row's problems are written in the organizer's language.
Column names are recognised in English and Spanish, and an assessment written
in words is read in English or in the organizer's language (the chart's own
words, as a downloaded chart writes them).
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import zlib
from base64 import urlsafe_b64decode, urlsafe_b64encode
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext, lazy_gettext, ngettext

from core.clock import utcnow
from core.extensions import db
from core.i18n import format_number
from core.labels import LabelledEnum
from core.sealing import field_cipher
from crypto.fields import FieldCipherError, normalize_email
from organizer import policy
from organizer.audit import services as audit
from organizer.audit.models import AuditAction
from organizer.charting import people, roster, unions
from organizer.charting.forms import imported_cell
from organizer.charting.models import ASSESSMENT_LABELS, BargainingUnit, Department, Person, Shift
from organizer.errors import DomainError
from organizer.roles import Actor

#: The largest file read, in bytes (the app takes at most MAX_CONTENT_LENGTH, 1 MiB, a request).
MAX_FILE_BYTES = 1_000_000
#: The most coworkers one import charts; a larger unit imports in two files.
MAX_ROWS = 10_000
MAX_COLUMNS = 50
#: How long a file may be carried between the steps.
CARRY_MINUTES = 30
#: The sealed file's longest spelling: forms of more than 500 KB are refused by the
#: server (Flask's MAX_FORM_MEMORY_SIZE), so a file that packs larger is refused here first.
MAX_CARRIED_CHARS = 450_000
#: Rows shown as they will be charted, and rows with problems listed, on the check page.
PREVIEW_ROWS = 10
PROBLEM_ROWS_SHOWN = 100
#: A cell is quoted in a problem's words up to this many characters.
_QUOTED_CHARS = 40

_CARRY_FORMAT = "c1"
_CARRY_PURPOSE = "chart-import.upload"
_EPOCH = datetime(1970, 1, 1)

#: Files that are not text at all, by their first bytes, with what to do instead.
_NOT_TEXT = (
    (b"PK\x03\x04", lazy_gettext("This is an Excel or other spreadsheet workbook, not a CSV file. In the "
                                 "spreadsheet, choose File › Save as (or Download) › CSV, and upload that file.")),
    (b"\xd0\xcf\x11\xe0", lazy_gettext("This is an old Excel workbook (.xls), not a CSV file. In Excel, choose "
                                       "File › Save as › CSV UTF-8, and upload that file.")),
    (b"%PDF", lazy_gettext("This is a PDF, not a CSV file. Leverage reads spreadsheets saved as CSV.")),
)
_NOT_A_TABLE = lazy_gettext("This does not look like a spreadsheet saved as CSV: it holds characters that text "
                            "files do not. Save the spreadsheet as CSV (in Excel: File › Save as › CSV UTF-8) and "
                            "upload that file.")
_EMPTY = lazy_gettext("This file is empty: there is nothing in it to import.")
_ORGANIZERS_ONLY = lazy_gettext("Only the union's organizers can import a chart.")
_DELIMITERS = ("\t", ";", ",")
#: How the columns page names what separates the columns ("separated by commas").
_DELIMITER_WORDS = {"\t": lazy_gettext("tabs"), ";": lazy_gettext("semicolons"), ",": lazy_gettext("commas")}


class Field(LabelledEnum):
    """What a column of the file holds, as the chart names it."""

    NOTHING = "nothing", lazy_gettext("Leave out")
    NAME = "name", lazy_gettext("Name")
    FIRST_NAME = "first_name", lazy_gettext("First name")
    LAST_NAME = "last_name", lazy_gettext("Last name")
    DEPARTMENT = "department", lazy_gettext("Department")
    SHIFT = "shift", lazy_gettext("Shift")
    EMAIL = "email", lazy_gettext("Personal email")
    PHONE = "phone", lazy_gettext("Personal phone")
    ASSESSMENT = "assessment", lazy_gettext("Assessment (0 to 5)")
    NOTES = "notes", lazy_gettext("Organizer notes")


# -- reading the file ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Upload:
    """A file read as a table. `text` is what is carried between the steps."""

    text: str
    #: Words saying which encoding was assumed, when the file did not say it is UTF-8.
    assumed_encoding: str | None
    delimiter: str
    rows: tuple[tuple[str, ...], ...]
    #: Rows with no cell filled, left out (spreadsheets save some after the last line).
    empty_rows: int
    #: Each row's number in the spreadsheet, the empty rows left out counted (row 1 is the first).
    numbers: tuple[int, ...]

    @property
    def column_count(self) -> int:
        return max(len(row) for row in self.rows)

    @property
    def delimiter_words(self) -> str:
        return str(_DELIMITER_WORDS[self.delimiter])


def read_upload(actor: Actor, unit: BargainingUnit, *, data: bytes | None = None,
                pasted: str | None = None) -> Upload:
    """The file (its bytes) or the pasted rows, read as a table; refused with words
    that say what to do when it is not one."""
    policy.require_organizer(actor, unit, _ORGANIZERS_ONLY)
    given_file = data is not None and len(data) > 0
    given_paste = bool(pasted and pasted.strip())
    if given_file and given_paste:
        raise DomainError(gettext("Choose a file or paste rows, not both."))
    if given_file:
        return _table(*_decoded(data))
    if given_paste:
        if len(pasted.encode("utf-8")) > MAX_FILE_BYTES:
            raise DomainError(too_large_words())
        return _table(pasted.removeprefix("\ufeff"), None)
    if data is not None:
        raise DomainError(_EMPTY)
    raise DomainError(gettext("Choose a CSV file, or paste the rows from your spreadsheet."))


def too_large_words() -> str:
    """What to do with a file (or pasted rows) larger than Leverage reads at once."""
    return gettext("This is more than Leverage reads at once: a file of up to 1 MB, or about 500 KB of pasted rows "
                   "(some %(coworkers)s coworkers). Nothing was saved. Upload the file rather than pasting it, "
                   "leave out the columns you do not need, or split the list in two and import each part.",
                   coworkers=format_number(MAX_ROWS // 2))


def _decoded(data: bytes) -> tuple[str, str | None]:
    """The file's text, and a note when its encoding was assumed rather than known."""
    if len(data) > MAX_FILE_BYTES:
        raise DomainError(too_large_words())
    for signature, advice in _NOT_TEXT:
        if data.startswith(signature):
            raise DomainError(advice)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode text": UTF-16 with its byte-order mark, which says so exactly.
        return _strictly(data, "utf-16"), None
    if data.startswith(codecs.BOM_UTF8):
        return _strictly(data, "utf-8-sig"), None
    if b"\x00" in data:
        raise DomainError(_NOT_A_TABLE)
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise DomainError(gettext("Leverage cannot tell how the letters in this file are written. Save it "
                                  "as CSV UTF-8 (in Excel: File › Save as › CSV UTF-8) and upload it "
                                  "again.")) from None
    # The note travels with the file between the steps, in the words of the step that read it.
    return text, gettext("This file was not saved as UTF-8, so Leverage read it as Windows Western European "
                         "(cp1252), what Excel on Windows writes. Check that names with accents look right below "
                         "(José, not JosÃ©). If they do not, save the file as CSV UTF-8 and upload it again.")


def _strictly(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise DomainError(gettext("The start of this file says how its letters are written, but the rest does "
                                  "not match. Save it again as CSV UTF-8 and upload it again.")) from None


def _looks_binary(text: str) -> bool:
    controls = sum(1 for ch in text[:65536] if ord(ch) < 32 and ch not in "\t\r\n")
    return "\x00" in text or controls > max(2, len(text[:65536]) // 200)


def _table(text: str, assumed_encoding: str | None) -> Upload:
    if not text.strip():
        raise DomainError(_EMPTY)
    if _looks_binary(text):
        raise DomainError(_NOT_A_TABLE)
    delimiter, body = _delimiter_of(text)
    rows: list[tuple[str, ...]] = []
    numbers: list[int] = []
    empty = 0
    try:
        for number, row in enumerate(csv.reader(io.StringIO(body, newline=""), delimiter=delimiter, strict=True), 1):
            if not any(cell.strip() for cell in row):
                empty += 1
                continue
            rows.append(tuple(row))
            numbers.append(number)
            # One row more than the limit may be the column names; more still is too many,
            # and reading stops here rather than at the end of the file.
            if len(rows) > MAX_ROWS + 1:
                raise DomainError(gettext("This file has more than %(rows)s rows. Leverage imports up to %(rows)s "
                                          "coworkers at a time: split the list into files of %(rows)s rows or "
                                          "fewer and import each one. Nothing was saved.",
                                          rows=format_number(MAX_ROWS)))
    except csv.Error:
        raise DomainError(gettext("This file could not be read as a table: a cell is too long, or a quotation "
                                  "mark opens a cell that never closes. Save it again as CSV and upload it "
                                  "again.")) from None
    if not rows:
        raise DomainError(_EMPTY)
    upload = Upload(text, assumed_encoding, delimiter, tuple(rows), empty, tuple(numbers))
    if upload.column_count > MAX_COLUMNS:
        raise DomainError(gettext("This file has %(columns)s columns; Leverage reads up to %(most)s. Delete the "
                                  "columns you do not need and upload it again.",
                                  columns=format_number(upload.column_count), most=format_number(MAX_COLUMNS)))
    if upload.column_count == 1 and guess_columns(upload)[1][0] not in (Field.NAME, Field.FIRST_NAME):
        raise DomainError(gettext("Leverage found only one column in this, and its first row does not say Name. "
                                  "Columns must be separated by commas, semicolons or tabs, as a spreadsheet "
                                  "saves them in a CSV file. For a list of names only, put the word Name in the "
                                  "first row."))
    return upload


def _delimiter_of(text: str) -> tuple[str, str]:
    """Tabs (rows pasted from a spreadsheet), semicolons (Excel where the comma is the
    decimal mark) or commas: whichever splits the first lines into the same number of
    columns, more than one, most often; or the one a first line `sep=;` names (Excel
    writes it), which is then left out. Returns the delimiter and the text to read."""
    first_line, _, rest = text.partition("\n")
    if re.fullmatch(r"sep=[\t;,]\r?", first_line):
        return first_line[4], rest
    sample = "\n".join(text[:65536].splitlines()[:20])

    def score(delimiter: str) -> tuple[int, int]:
        try:
            widths = [len(row) for row in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter) if row]
        except csv.Error:
            return (0, 0)
        if not widths:
            return (0, 0)
        width, times = Counter(widths).most_common(1)[0]
        return (times if width > 1 else 0, width)

    return max(_DELIMITERS, key=score), text


# -- carrying it between the steps -----------------------------------------------------------------

@dataclass(frozen=True)
class Binding:
    """Who may open a carried file: the account, for the unit, in this browser."""

    account_id: int
    unit_id: int
    #: A random value kept in the browser's session (it says nothing of the file).
    browser_key: str


def seal(upload: Upload, binding: Binding) -> str:
    """The file, compressed and sealed, as the hidden field spells it."""
    expires = int((utcnow() + timedelta(minutes=CARRY_MINUTES) - _EPOCH).total_seconds())
    payload = json.dumps({"text": upload.text, "assumed": upload.assumed_encoding}).encode("utf-8")
    sealed = field_cipher().encrypt(zlib.compress(payload, 6), _purpose(binding, expires))
    carried = f"{_CARRY_FORMAT}.{expires}.{urlsafe_b64encode(sealed).decode('ascii').rstrip('=')}"
    if len(carried) > MAX_CARRIED_CHARS:
        raise DomainError(gettext("This file does not pack small enough to carry through the next steps. Leave "
                                  "out the columns you do not need, or split the list into two files and import "
                                  "each one."))
    return carried


def reopen(actor: Actor, unit: BargainingUnit, carried: str, binding: Binding) -> Upload:
    """The file a page carried, read again; refused when it is not this account's,
    for this unit, in this browser, or has expired."""
    policy.require_organizer(actor, unit, _ORGANIZERS_ONLY)
    start_again = gettext("This import has expired or its file could not be read (a file is kept for "
                          "%(minutes)s minutes, only in these pages). Nothing was saved: upload the file again.",
                          minutes=format_number(CARRY_MINUTES))
    try:
        kind, expires_text, body = carried.split(".", 2)
        expires = int(expires_text)
        if kind != _CARRY_FORMAT or expires < (utcnow() - _EPOCH).total_seconds():
            raise ValueError("expired")
        sealed = urlsafe_b64decode(body + "=" * (-len(body) % 4))
        unpacker = zlib.decompressobj()
        payload = unpacker.decompress(field_cipher().decrypt(sealed, _purpose(binding, expires)), 4 * MAX_FILE_BYTES)
        kept = json.loads(payload)
        text, assumed = kept["text"], kept["assumed"]
    except (ValueError, KeyError, TypeError, zlib.error, FieldCipherError):
        raise DomainError(start_again) from None
    return _table(text, assumed)


def _purpose(binding: Binding, expires: int) -> bytes:
    return (f"{_CARRY_PURPOSE}|account={binding.account_id}|unit={binding.unit_id}"
            f"|browser={binding.browser_key}|until={expires}").encode("utf-8")


# -- matching the columns --------------------------------------------------------------------------

#: Column names each field is guessed from, as `_header_key` spells them.
_HEADER_WORDS: dict[Field, tuple[str, ...]] = {
    Field.NAME: ("name", "names", "full name", "coworker", "co worker", "worker", "employee", "employee name",
                 "associate", "associate name", "person", "nombre", "nombre completo", "coworker name"),
    Field.FIRST_NAME: ("first name", "first", "given name", "firstname", "forename", "fname"),
    Field.LAST_NAME: ("last name", "last", "surname", "family name", "lastname", "lname", "apellido", "apellidos"),
    Field.DEPARTMENT: ("department", "dept", "area", "work area", "team", "section", "departamento"),
    Field.SHIFT: ("shift", "turno", "schedule"),
    Field.EMAIL: ("email", "e mail", "personal email", "email address", "mail", "correo", "correo electronico"),
    Field.PHONE: ("phone", "personal phone", "cell", "cell phone", "mobile", "telephone", "tel", "phone number",
                  "telefono", "celular", "movil"),
    Field.ASSESSMENT: ("assessment", "rating", "support", "score", "level", "assessed", "where they stand",
                       "evaluacion", "postura"),
    Field.NOTES: ("notes", "note", "comments", "comment", "notas"),
}
_GUESSES = {words: target for target, spellings in _HEADER_WORDS.items() for words in spellings}
#: A column with one of these words is never guessed: Leverage keeps no work address.
_NEVER_GUESSED = {"work", "business", "office", "company"}


def _header_key(header: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", roster.name_key(header)).replace("_", " ").split())


def guess_field(header: str) -> Field:
    """The field a column's name suggests, or NOTHING."""
    key = _header_key(header)
    words = set(key.split())
    if not key or words & _NEVER_GUESSED:
        return Field.NOTHING
    if key in _GUESSES:
        return _GUESSES[key]
    if words & {"email", "mail", "correo"}:
        return Field.EMAIL
    if words & {"phone", "cell", "mobile", "telephone", "telefono", "celular"}:
        return Field.PHONE
    if words & {"department", "dept", "departamento"}:
        return Field.DEPARTMENT
    if "shift" in words or "turno" in words:
        return Field.SHIFT
    if "assessment" in words:
        return Field.ASSESSMENT
    if "name" in words and words & {"first", "given"}:
        return Field.FIRST_NAME
    if "name" in words and words & {"last", "family", "surname"}:
        return Field.LAST_NAME
    return Field.NOTHING


def guess_columns(upload: Upload) -> tuple[bool, list[Field]]:
    """Whether the first row names the columns (one of its cells names a field), and
    the field of each column; a field is guessed for its first column only."""
    header = upload.rows[0]
    guessed = [guess_field(header[i]) if i < len(header) else Field.NOTHING for i in range(upload.column_count)]
    seen: set[Field] = set()
    fields = []
    for target in guessed:
        fields.append(target if target not in seen else Field.NOTHING)
        seen.add(target)
    if Field.NAME in seen and (Field.FIRST_NAME in seen or Field.LAST_NAME in seen):
        fields = [Field.NOTHING if f in (Field.FIRST_NAME, Field.LAST_NAME) else f for f in fields]
    has_header = any(f != Field.NOTHING for f in fields)
    return has_header, fields


@dataclass(frozen=True)
class Column:
    """One column as the columns page shows it: its first row (the column's name, or
    the first coworker), and the first few cells below."""

    number: int
    first: str
    samples: tuple[str, ...]


def columns_of(upload: Upload) -> list[Column]:
    columns = []
    for i in range(upload.column_count):
        first = upload.rows[0][i].strip() if i < len(upload.rows[0]) else ""
        samples = []
        for row in upload.rows[1:]:
            if i < len(row) and row[i].strip():
                samples.append(_quoted(row[i].strip()))
                if len(samples) == 3:
                    break
        columns.append(Column(i + 1, _quoted(first), tuple(samples)))
    return columns


@dataclass(frozen=True)
class Choices:
    """The organizer's answers: whether the first row names the columns, each column's
    field, and the new departments and shifts to add (as the file spells them)."""

    has_header: bool
    fields: tuple[Field, ...]
    new_departments: frozenset[str] = frozenset()
    new_shifts: frozenset[str] = frozenset()


def _refuse_unclear_columns(upload: Upload, choices: Choices) -> None:
    if len(choices.fields) != upload.column_count:
        raise DomainError(gettext("Say what each column holds."))
    chosen = Counter(f for f in choices.fields if f != Field.NOTHING)
    twice = [str(f.label) for f, times in chosen.items() if times > 1]
    if twice:
        raise DomainError(gettext("Two columns are set to %(fields)s: choose one, and leave the other out.",
                                  fields=", ".join(twice)))
    if Field.NAME in chosen and (Field.FIRST_NAME in chosen or Field.LAST_NAME in chosen):
        raise DomainError(gettext("Choose a Name column, or First name and Last name columns, not both."))
    if not chosen.keys() & {Field.NAME, Field.FIRST_NAME, Field.LAST_NAME}:
        raise DomainError(gettext("Choose the column that holds the coworkers' names."))
    if len(upload.rows) - choices.has_header > MAX_ROWS:
        raise DomainError(gettext("This file has more than %(rows)s coworkers. Split it into files of %(rows)s "
                                  "rows or fewer and import each one. Nothing was saved.",
                                  rows=format_number(MAX_ROWS)))
    if len(upload.rows) - choices.has_header < 1:
        raise DomainError(gettext("This file holds only the column names: there is nobody in it to import."))


# -- checking the rows ------------------------------------------------------------------------------

@dataclass
class Row:
    """One row of the file as it will be charted, with what stops it."""

    #: The row's number as the spreadsheet shows it (the column names are row 1).
    number: int
    name: str = ""
    department: str | None = None
    shift: str | None = None
    email: str | None = None
    phone: str | None = None
    assessment: int = 0
    notes: str | None = None
    problems: list[str] = field(default_factory=list)
    #: What was noticed and is no problem (a cell kept as text that looks like a formula).
    remarks: list[str] = field(default_factory=list)

    @property
    def assessment_label(self) -> str:
        return str(ASSESSMENT_LABELS[self.assessment])


@dataclass
class Check:
    """Every row of the file, checked, and the departments and shifts it names that the unit lacks."""

    rows: list[Row]
    empty_rows: int
    #: Departments (and shifts) the unit lacks, as the file first spells each, with how many rows name it.
    unknown_departments: dict[str, int]
    unknown_shifts: dict[str, int]
    #: Of those, the ones the organizer chose to add.
    adding_departments: frozenset[str]
    adding_shifts: frozenset[str]

    @property
    def to_fix(self) -> list[Row]:
        return [row for row in self.rows if row.problems]

    @property
    def ready(self) -> bool:
        return bool(self.rows) and not self.to_fix

    @property
    def first_rows(self) -> list[Row]:
        return self.rows[:PREVIEW_ROWS]


class RowsToFix(DomainError):
    """Rows with problems, found as the import began: nothing was charted."""

    def __init__(self, check: Check) -> None:
        count = len(check.to_fix)
        super().__init__(ngettext("%(shown)s row needs fixing before anything can be imported. Nothing was saved.",
                                  "%(shown)s rows need fixing before anything can be imported. Nothing was saved.",
                                  count, shown=format_number(count)))
        self.check = check


_FORMULA_START = ("=", "+", "-", "@")


def _quoted(value: str) -> str:
    return value if len(value) <= _QUOTED_CHARS else value[:_QUOTED_CHARS - 1] + "…"


#: "2", "2.0" (a spreadsheet's number) or "2 · Supporter" (the chart's own words after it).
_ASSESSMENT_NUMBER = re.compile(r"^([0-5])(?:[.,]0+)?(?:\s*[·:\-–—.)]\s*[^\d\s.,].*)?$")


def _level_words(labels: dict[int, str]) -> dict[str, int]:
    """Each level by its words ("Supporter"), and by each part of words with a slash in them."""
    return {**{roster.name_key(label): level for level, label in labels.items()},
            **{roster.name_key(part): level for level, label in labels.items() for part in label.split("/")}}


#: The chart's English words (the labels read outside a request are English), and a few more.
_ASSESSMENT_WORDS = {
    **_level_words({level: str(label) for level, label in ASSESSMENT_LABELS.items()}),
    "unknown": 0, "not assessed": 0, "unassessed": 0, "?": 0, "n/a": 0,
}


def _assessment(value: str) -> int | None:
    if not value:
        return 0
    number = _ASSESSMENT_NUMBER.match(value)
    if number:
        return int(number.group(1))
    key = roster.name_key(value)
    if key in _ASSESSMENT_WORDS:
        return _ASSESSMENT_WORDS[key]
    # Or the chart's words in the organizer's language, as their download of the chart writes them.
    return _level_words({level: str(label) for level, label in ASSESSMENT_LABELS.items()}).get(key)


class _Segments:
    """A unit's departments (or shifts) by folded name, and the ones the file adds."""

    def __init__(self, kind: str, known: dict[int, str], adding: Iterable[str]) -> None:
        self.kind = kind
        self.ids = {name.casefold(): segment_id for segment_id, name in known.items()}
        self.adding = {name.casefold() for name in adding}
        self.unknown: dict[str, int] = {}
        self.spelled: dict[str, str] = {}

    def place(self, value: str, row: Row) -> str | None:
        if not value:
            return None
        folded = value.casefold()
        if folded in self.ids:
            return value
        clean, refused = imported_cell("segment", value)
        if refused:
            row.problems.append(self._refused_words(_quoted(value), refused))
            return None
        spelled = self.spelled.setdefault(folded, clean)
        self.unknown[spelled] = self.unknown.get(spelled, 0) + 1
        if folded not in self.adding:
            row.problems.append(self._unknown_words(_quoted(clean)))
        return spelled

    def _refused_words(self, value: str, refused: str) -> str:
        if self.kind == "department":
            return gettext("Department “%(value)s”: %(problem)s", value=value, problem=refused)
        return gettext("Shift “%(value)s”: %(problem)s", value=value, problem=refused)

    def _unknown_words(self, value: str) -> str:
        if self.kind == "department":
            return gettext("Department “%(value)s” is not in this unit yet: tick it under New departments to add "
                           "it, or correct the spelling in the file.", value=value)
        return gettext("Shift “%(value)s” is not in this unit yet: tick it under New shifts to add it, or correct "
                       "the spelling in the file.", value=value)


def check(actor: Actor, unit: BargainingUnit, upload: Upload, choices: Choices) -> Check:
    """Every row of the file checked against the person form's rules, the unit's
    departments and shifts, the chart, and the rows above it. Changes nothing."""
    policy.require_organizer(actor, unit, _ORGANIZERS_ONLY)
    return _checked(unit, upload, choices, roster.of(unit))


def _checked(unit: BargainingUnit, upload: Upload, choices: Choices, listed: roster.Roster) -> Check:
    _refuse_unclear_columns(upload, choices)
    departments = _Segments("department", people.segment_names(Department, unit), choices.new_departments)
    shifts = _Segments("shift", people.segment_names(Shift, unit), choices.new_shifts)
    at = {target: i for i, target in enumerate(choices.fields) if target != Field.NOTHING}
    start = 1 if choices.has_header else 0
    rows = [_row(number, cells, at, departments, shifts)
            for number, cells in zip(upload.numbers[start:], upload.rows[start:])]
    _mark_repeats(rows)
    _mark_already_charted(rows, listed)
    return Check(rows=rows, empty_rows=upload.empty_rows, unknown_departments=departments.unknown,
                 unknown_shifts=shifts.unknown,
                 adding_departments=frozenset(n for n in departments.unknown if n.casefold() in departments.adding),
                 adding_shifts=frozenset(n for n in shifts.unknown if n.casefold() in shifts.adding))


def _row(number: int, cells: Sequence[str], at: dict[Field, int], departments: _Segments,
         shifts: _Segments) -> Row:
    def cell(target: Field) -> str:
        i = at.get(target)
        return cells[i] if i is not None and i < len(cells) else ""

    row = Row(number)
    for target in at:
        value = cell(target).strip()
        if value.startswith(_FORMULA_START) and target not in (Field.PHONE, Field.ASSESSMENT):
            row.remarks.append(gettext("%(column)s “%(value)s” starts like a formula: it is kept as plain text "
                                       "and never worked out.", column=target.label, value=_quoted(value)))
    given = " ".join(part for part in (cell(Field.FIRST_NAME).strip(), cell(Field.LAST_NAME).strip()) if part)
    name, refused = imported_cell("name", cell(Field.NAME) if Field.NAME in at else given)
    row.name = " ".join(name.split()) if not refused else name
    if not row.name:
        row.problems.append(gettext("The name is empty."))
    elif refused:
        row.problems.append(gettext("Name: %(problem)s", problem=refused))
    row.department = departments.place(imported_cell("segment", cell(Field.DEPARTMENT))[0], row)
    row.shift = shifts.place(imported_cell("segment", cell(Field.SHIFT))[0], row)
    email, refused = imported_cell("email", cell(Field.EMAIL))
    if refused:
        row.problems.append(gettext("Email “%(value)s”: %(problem)s", value=_quoted(email), problem=refused))
    row.email = normalize_email(email) if email and not refused else None
    phone, refused = imported_cell("phone", cell(Field.PHONE))
    if refused:
        row.problems.append(gettext("Phone “%(value)s”: %(problem)s", value=_quoted(phone), problem=refused))
    row.phone = phone or None
    assessment = _assessment(cell(Field.ASSESSMENT).strip())
    if assessment is None:
        row.problems.append(gettext("Assessment “%(value)s” is not one Leverage knows: use 0 to 5 (1 leader, "
                                    "5 opposed, 0 or empty not yet assessed).",
                                    value=_quoted(cell(Field.ASSESSMENT).strip())))
    row.assessment = assessment or 0
    notes, refused = imported_cell("notes", cell(Field.NOTES))
    if refused:
        row.problems.append(gettext("Notes: %(problem)s", problem=refused))
    row.notes = notes or None
    return row


def _mark_repeats(rows: list[Row]) -> None:
    """A name or email given by an earlier row of the file (as `people.add_many` compares them)."""
    names: dict[str, int] = {}
    emails: dict[str, int] = {}
    for row in rows:
        if row.name:
            earlier = names.setdefault(row.name.casefold(), row.number)
            if earlier != row.number:
                row.problems.append(gettext("Same name as row %(row)s. Add a detail that tells them apart, "
                                            "such as an initial.", row=format_number(earlier)))
        if row.email:
            earlier = emails.setdefault(row.email, row.number)
            if earlier != row.number:
                row.problems.append(gettext("Same email as row %(row)s.", row=format_number(earlier)))


def _mark_already_charted(rows: list[Row], listed: roster.Roster) -> None:
    """Rows naming someone already on the chart. The roster names the few coworkers
    whose name key or email tag match; only they are opened, in one query."""
    by_name = {row.number: listed.named(roster.name_key(row.name)) for row in rows if row.name}
    by_email = {row.number: listed.with_email_tag(roster.email_tag(row.email)) for row in rows if row.email}
    wanted = {pid for ids in (*by_name.values(), *by_email.values()) for pid in ids}
    if not wanted:
        return
    charted = {}
    ordered = sorted(wanted)
    for start in range(0, len(ordered), 500):
        charted.update((p.id, p) for p in db.session.scalars(
            sa.select(Person).where(Person.id.in_(ordered[start:start + 500]))))
    for row in rows:
        if any(charted[pid].name.casefold() == row.name.casefold() for pid in by_name.get(row.number, ())
               if pid in charted):
            row.problems.append(gettext("Someone with this name is already on the chart. Leave the row out, or "
                                        "add a detail that tells them apart, such as an initial."))
        if any(charted[pid].email == row.email for pid in by_email.get(row.number, ()) if pid in charted):
            row.problems.append(gettext("This email is already on the chart."))


# -- importing ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Imported:
    charted: int
    departments_added: int
    shifts_added: int


def import_rows(actor: Actor, unit: BargainingUnit, upload: Upload, choices: Choices) -> Imported:
    """Chart every row of the file, in one transaction, or none: the rows are checked
    again under the roster's lock (the chart may have changed since the check page),
    and any problem refuses the whole file. The new departments and shifts chosen are
    added with it. One audit entry says how many, never who."""
    policy.require_organizer(actor, unit, _ORGANIZERS_ONLY)
    found = _checked(unit, upload, choices, roster.lock(unit))
    if not found.ready:
        raise RowsToFix(found)
    department_ids = _added(actor, unit, "department", found.adding_departments, Department)
    shift_ids = _added(actor, unit, "shift", found.adding_shifts, Shift)
    details = [people.PersonDetails(
        name=row.name, department_id=department_ids.get(row.department.casefold()) if row.department else None,
        shift_id=shift_ids.get(row.shift.casefold()) if row.shift else None, assessment=row.assessment,
        email=row.email, phone=row.phone, notes=row.notes) for row in found.rows]
    charted = people.add_many(actor, unit, details, named_in_audit=False)
    added = (f" and added {_counted(len(found.adding_departments), 'department')}" if found.adding_departments
             else "") + (f" and {_counted(len(found.adding_shifts), 'shift')}" if found.adding_shifts else "")
    audit.record(actor, AuditAction.CHART_IMPORTED,
                 f"Imported {_counted(len(charted), 'coworker')} from a file{added}.", unit=unit)
    return Imported(len(charted), len(found.adding_departments), len(found.adding_shifts))


def _added(actor: Actor, unit: BargainingUnit, kind: str, names: Iterable[str],
           model: type[Department] | type[Shift]) -> dict[str, int]:
    """Ids of the unit's segments of this kind by folded name, the new ones added first."""
    for name in sorted(names):
        unions.add_segment(actor, unit, kind, name)
    return {name.casefold(): segment_id for segment_id, name in people.segment_names(model, unit).items()}


def _counted(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"
