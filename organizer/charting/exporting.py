"""Chart export: a unit's chart as a CSV file for its union's organizers.

The file is the one place the chart leaves Leverage in the clear, so it holds
names, departments and shifts, and only the other columns the organizer
ticks (contacts, assessments, membership, notes); the page before it says
what the file risks, and every download is in the audit log, with how many
coworkers and which kinds of column, never who.

Cells that a spreadsheet would run as a formula (starting with = + - @, a tab
or a carriage return, the characters OWASP lists for CSV injection) are
written with an apostrophe in front, so a name typed as `=HYPERLINK(...)`
opens as the text it is. A phone written `+1 555 0100` is then written
`'+1 555 0100`: the price of a rule with no exception to get wrong. The file
starts with a UTF-8 byte-order mark, which Excel needs to read accents, and
which the import reads back.

The column names, the assessments' words and the file's name are in the
language of the organizer who asks, at that moment (the import recognises the
column names in English and Spanish); the audit entry stays in English, as
every stored sentence does.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext

from core.clock import today
from core.extensions import db
from organizer import policy
from organizer.audit import services as audit
from organizer.audit.models import AuditAction
from organizer.charting import people, roster
from organizer.charting.models import ASSESSMENT_LABELS, BargainingUnit, Department, Person, Shift
from organizer.roles import Actor

#: What a spreadsheet treats as the start of a formula (OWASP, CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

#: People opened per query: a large unit is read in slices, in chart order.
_SLICE = 500


def neutralised(value: str) -> str:
    """The cell as a spreadsheet will show it, never run it."""
    return "'" + value if value.startswith(FORMULA_START) else value


@dataclass(frozen=True)
class ExportChoices:
    """The columns beyond name, department and shift."""

    contacts: bool = False
    assessments: bool = False
    membership: bool = False
    notes: bool = False

    def described(self) -> str:
        kinds = [words for wanted, words in ((self.contacts, "contact details"), (self.assessments, "assessments"),
                                             (self.membership, "membership"), (self.notes, "notes")) if wanted]
        return "names, departments and shifts" + (", " + ", ".join(kinds) if kinds else "")


@dataclass(frozen=True)
class ChartFile:
    filename: str
    content: bytes
    coworkers: int


def _headers(choices: ExportChoices) -> list[str]:
    """The column names, in the language of whoever asked (the import reads them back in
    either language)."""
    headers = [gettext("Name"), gettext("Department"), gettext("Shift")]
    if choices.assessments:
        headers += [gettext("Assessment"), gettext("Where they stand")]
    if choices.membership:
        headers += [gettext("Member"), gettext("Card signed on")]
    if choices.contacts:
        headers += [gettext("Personal email"), gettext("Personal phone")]
    if choices.notes:
        headers += [gettext("Notes")]
    return headers


def _cells(person: Person, choices: ExportChoices, departments: dict[int, str], shifts: dict[int, str]) -> list[str]:
    cells = [person.name, departments.get(person.department_id, ""), shifts.get(person.shift_id, "")]
    if choices.assessments:
        cells += [str(person.assessment), str(ASSESSMENT_LABELS.get(person.assessment, ""))]
    if choices.membership:
        # TRANSLATORS: a cell of the downloaded chart's Member column.
        cells += [gettext("yes") if person.is_member else gettext("no"),
                  person.card_signed_on.isoformat() if person.card_signed_on else ""]
    if choices.contacts:
        cells += [person.email or "", person.phone or ""]
    if choices.notes:
        cells += [person.notes or ""]
    return [neutralised(cell) for cell in cells]


def chart_csv(actor: Actor, unit: BargainingUnit, choices: ExportChoices) -> ChartFile:
    """The unit's whole chart, in chart order (by name), as a CSV file; the download
    is recorded in the audit log."""
    policy.require_organizer(actor, unit, gettext("Only the union's organizers can download the chart."))
    departments = people.segment_names(Department, unit)
    shifts = people.segment_names(Shift, unit)
    ordered = roster.of(unit).person_ids()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(_headers(choices))
    for start in range(0, len(ordered), _SLICE):
        ids = ordered[start:start + _SLICE]
        found = {p.id: p for p in db.session.scalars(sa.select(Person).where(Person.id.in_(ids)))}
        for person_id in ids:
            if person_id in found:
                writer.writerow(_cells(found[person_id], choices, departments, shifts))
    count = len(ordered)
    audit.record(actor, AuditAction.CHART_EXPORTED,
                 f"Downloaded the chart as a file: {count:,} coworker{'' if count == 1 else 's'}, "
                 f"with {choices.described()}.", unit=unit)
    slug = re.sub(r"[^a-z0-9]+", "-", roster.name_key(unit.name)).strip("-") or "unit"
    # TRANSLATORS: the start of the downloaded chart's file name: lower case, no spaces or accents.
    prefix = gettext("chart")
    filename = f"{prefix}-{slug}-{today().isoformat()}.csv"
    return ChartFile(filename, ("\ufeff" + out.getvalue()).encode("utf-8"), count)
