"""Forms of the chart and the union's settings, and the helpers every feature's
forms share. Business rules (duplicates, scope) are the services' to enforce;
forms check presence, length and format."""

from __future__ import annotations

import re
from datetime import date, timedelta

from flask_babel import gettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from core import text
from core.clock import today
from core.timezones import time_zone_names
from organizer.charting.models import ASSESSMENT_LABELS
from organizer.charting.people import PersonDetails
from organizer.charting.roster import CHART_PAGE_SIZES, DEFAULT_CHART_PAGE_SIZE

_EMAIL_SHAPE = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"'.]{2,}$")

_PHONE_SHAPE = r"^\+?[0-9 ()./-]{6,30}$"


def email_shape(form: FlaskForm, field: StringField) -> None:
    if field.data and not _EMAIL_SHAPE.match(field.data.strip()):
        raise ValidationError(gettext("Enter an email address like name@example.org."))


#: Spaces and invisible characters stripped from both ends (see core.text.trim).
strip_text = text.trim

no_control_characters = text.no_control_characters

#: The earliest day a card could have been signed that the chart accepts: older is a typing slip.
EARLIEST_CARD_DAY = date(1950, 1, 1)


def _not_in_the_future_nor_before(earliest: date, what: str):
    def check(form: FlaskForm, field: DateField) -> None:
        # A day of slack: the union's today may already be tomorrow in UTC terms, or not yet.
        if field.data and not earliest <= field.data <= today() + timedelta(days=1):
            raise ValidationError(f"Give a day between {earliest:%d %b %Y} and today: {what}.")
    return check


def _optional_id(value: object) -> int | None:
    """Select fields where an empty choice means 'none'; garbage also means a form error."""
    if value in (None, "", "None"):
        return None
    return int(value)  # a ValueError here becomes "Not a valid choice"


class ConfirmForm(FlaskForm):
    """A form with no fields: a button that still needs a CSRF token."""


class UnitForm(FlaskForm):
    name = StringField("Unit name", filters=[strip_text], validators=[DataRequired(), *text.name_rules(120)])


class SegmentForm(FlaskForm):
    kind = SelectField("Kind", choices=[("department", "Department"), ("shift", "Shift")])
    name = StringField("Name", filters=[strip_text], validators=[DataRequired(), *text.name_rules(80)])


class PersonForm(FlaskForm):
    name = StringField("Name", filters=[strip_text], validators=[DataRequired(), *text.name_rules(120)],
                       description="As coworkers know them.")
    department_id = SelectField("Department", coerce=_optional_id, validate_choice=True)
    shift_id = SelectField("Shift", coerce=_optional_id, validate_choice=True)
    assessment = SelectField(
        "Assessment: where they stand", coerce=int, default=0,
        choices=[(level, f"{level} · {label}") for level, label in ASSESSMENT_LABELS.items()],
        description="Your organizing assessment, 1 (leader) to 5 (opposed). For organizers and the organizing "
                    "committee only; stored encrypted.",
    )
    is_member = BooleanField("Union member")
    card_signed_on = DateField(
        "Card signed on", validators=[Optional(), _not_in_the_future_nor_before(
            EARLIEST_CARD_DAY, "a card cannot be signed on a day still to come")],
        description="Only for members.")
    email = StringField("Personal email", filters=[strip_text],
                        validators=[Optional(), text.MaxLength(254), email_shape],
                        description="Never a work address.")
    phone = StringField("Personal phone", filters=[strip_text],
                        validators=[Optional(), Regexp(_PHONE_SHAPE, message="Enter digits, spaces, + ( ) - only.")])
    notes = TextAreaField("Organizer notes", filters=[strip_text, text.without_bidi_controls],
                          validators=[Optional(), *text.free_text_rules(2000)])

    def set_unit_choices(self, departments: list, shifts: list, *, no_department: bool = True) -> None:
        """The unit's departments and shifts; a committee member is offered their own
        departments only, and never "no department" (`no_department` False)."""
        self.department_id.choices = [(None, "—")] * no_department + [(d.id, d.name) for d in departments]
        self.shift_id.choices = [(None, "—")] + [(s.id, s.name) for s in shifts]


class ChartFilterForm(FlaskForm):
    """Read from the query string; a GET filter changes nothing, so it needs no CSRF token.
    A page past the last is shown as the last (the chart service clamps it); a page
    that is not a whole number from 1, or a page size not offered, is a form error."""

    class Meta:
        csrf = False

    search = StringField("Name", filters=[strip_text],
                         validators=[Optional(), text.MaxLength(120), no_control_characters],
                         description="Part of a name. Capitals and accents do not matter.")
    page = IntegerField("Page", default=1, validators=[Optional(), NumberRange(min=1, message="Pages start at 1.")])
    per_page = SelectField("Per page", coerce=int, default=DEFAULT_CHART_PAGE_SIZE, validate_choice=True,
                           choices=[(size, str(size)) for size in CHART_PAGE_SIZES])

    department = SelectField("Department", coerce=_optional_id, validate_choice=True)
    shift = SelectField("Shift", coerce=_optional_id, validate_choice=True)
    assessment = SelectField(
        "Assessment", coerce=_optional_id, validate_choice=True,
        choices=[(None, "Any")] + [(level, f"{level} · {label}") for level, label in ASSESSMENT_LABELS.items()],
    )
    membership = SelectField("Member", default="", choices=[("", "Any"), ("yes", "Members"), ("no", "Not members")])

    @property
    def is_member(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.membership.data)

    def set_unit_choices(self, departments: list, shifts: list) -> None:
        self.department.choices = [(None, "Any")] + [(d.id, d.name) for d in departments]
        self.shift.choices = [(None, "Any")] + [(s.id, s.name) for s in shifts]

    def query_args(self) -> dict[str, object]:
        """The filters as given, for links to the other pages of the same list."""
        given = {"department": self.department.data, "shift": self.shift.data, "assessment": self.assessment.data,
                 "membership": self.membership.data or None, "search": self.search.data or None}
        if self.per_page.data != DEFAULT_CHART_PAGE_SIZE:
            given["per_page"] = self.per_page.data
        return {name: value for name, value in given.items() if value is not None}


class SegmentRenameForm(FlaskForm):
    name = StringField("New name", filters=[strip_text], validators=[DataRequired(), *text.name_rules(80)])


class FloorsForm(FlaskForm):
    """A union's privacy floors (the service refuses values below PRIVACY.md's defaults)."""

    results = IntegerField(
        "Show pulse, bargaining and vote results only when at least this many people answered",
        validators=[InputRequired(), NumberRange(2, 1000)],
        description="The release threshold (k) for those surveys.")
    endorsements = IntegerField(
        "Show how coworkers back a member's demand only when at least this many answered",
        validators=[InputRequired(), NumberRange(2, 1000)],
        description="The release threshold (k) for endorsement surveys.")
    comments = IntegerField(
        "Show written comments only when at least this many people answered",
        validators=[InputRequired(), NumberRange(2, 10000)],
        description="The comment threshold: one sentence can give away who wrote it, so it needs more people.")


class TimeZoneForm(FlaskForm):
    """The union's time zone: survey times are typed and shown in it."""

    time_zone = SelectField("Time zone", choices=[(name, name.replace("_", " ")) for name in time_zone_names()],
                            description="Where the union works. Opening and closing times of surveys are typed "
                                        "and shown in this zone.")


def person_details(form: PersonForm) -> PersonDetails:
    """What the person form says, as the chart service takes it."""
    return PersonDetails(
        name=form.name.data, department_id=form.department_id.data, shift_id=form.shift_id.data,
        assessment=form.assessment.data, is_member=form.is_member.data, card_signed_on=form.card_signed_on.data,
        email=form.email.data or None, phone=form.phone.data or None, notes=form.notes.data or None,
    )


# -- chart import and export ----------------------------------------------------------------------

class ChartUploadForm(FlaskForm):
    """Step 1 of an import: a file, or rows pasted from a spreadsheet. What they hold
    is the import service's to read and judge (it names the limits)."""

    file = FileField("A CSV file", description="From Excel, Google Sheets or Numbers: save or download it as "
                                               "CSV (in Excel: File › Save as › CSV UTF-8).")
    pasted = TextAreaField("Or paste the rows", description="Select the rows in the spreadsheet, column names "
                                                            "included, copy them and paste them here.")


class _ColumnsFormBase(FlaskForm):
    """Steps 2 and 3 of an import: the file carried sealed (`upload`), whether its first
    row names the columns, what each column holds (`column_0`, `column_1`, … added by
    `chart_columns_form`), and the new departments and shifts to add. The names ticked
    are checked by the import service against the file, not here."""

    upload = HiddenField(validators=[DataRequired(message="The file did not come with the form: upload it again.")])
    has_header = BooleanField("The first row holds the column names")
    new_departments = SelectMultipleField("New departments", choices=[], validate_choice=False,
                                          widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    new_shifts = SelectMultipleField("New shifts", choices=[], validate_choice=False,
                                     widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())

    def column_fields(self) -> list[SelectField]:
        return [self[f"column_{i}"] for i in range(self.column_count)]

    def column_values(self) -> list[str]:
        return [field.data for field in self.column_fields()]


def chart_columns_form(column_count: int, choices: list[tuple[str, str]], **given: object) -> _ColumnsFormBase:
    """The columns form for a file of `column_count` columns, each offering `choices`."""
    fields = {f"column_{i}": SelectField(f"Column {i + 1}", choices=choices, validate_choice=True)
              for i in range(column_count)}
    form_class = type("ChartColumnsForm", (_ColumnsFormBase,), {"column_count": column_count, **fields})
    return form_class(**given)


class ChartExportForm(FlaskForm):
    """What the chart's download holds beyond names, departments and shifts, and the
    organizer's word that they read what the file risks."""

    contacts = BooleanField("Personal emails and phones")
    assessments = BooleanField("Assessments (where each coworker stands)")
    membership = BooleanField("Who is a member, and the day their card was signed")
    notes = BooleanField("Organizer notes")
    understood = BooleanField(
        "I understand that anyone who gets this file can read everyone in it",
        validators=[DataRequired(message="Tick this to say you read what the file risks.")])


class _Cell:
    """One value of an imported file, shaped as the form validators expect a field."""

    def __init__(self, data: str) -> None:
        self.data = data
        self.raw_data = [data]
        self.errors: list[str] = []

    def gettext(self, message: str) -> str:
        return message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return singular if n == 1 else plural


#: Presence is the import's to judge (an empty cell is a missing name, or no email).
_PRESENCE = (DataRequired, InputRequired, Optional)


def _rules_of(unbound) -> tuple[list, list]:
    return (list(unbound.kwargs.get("filters", ())),
            [rule for rule in unbound.kwargs.get("validators", ()) if not isinstance(rule, _PRESENCE)])


#: A coworker imported is held to the rules of one typed into the person form (and a
#: department added on the way, to the segment form's), so both paths keep the same data.
_CELL_RULES = {"name": _rules_of(PersonForm.name), "email": _rules_of(PersonForm.email),
               "phone": _rules_of(PersonForm.phone), "notes": _rules_of(PersonForm.notes),
               "segment": _rules_of(SegmentForm.name)}


def imported_cell(kind: str, value: str) -> tuple[str, str | None]:
    """A cell of an imported file as the form would keep it (its filters applied), and
    the form's words when the form would refuse it. `kind` is name, email, phone,
    notes or segment."""
    filters, rules = _CELL_RULES[kind]
    for clean in filters:
        value = clean(value)
    if not value:
        return "", None
    cell = _Cell(value)
    for rule in rules:
        try:
            rule(None, cell)
        except ValidationError as refused:
            return value, str(refused)
    return value, None
