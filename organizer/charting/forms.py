"""Forms of the chart and the union's settings, and the helpers every feature's
forms share. Business rules (duplicates, scope) are the services' to enforce;
forms check presence, length and format."""

from __future__ import annotations

import re
from datetime import date, timedelta

from flask_babel import gettext, lazy_gettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from flask_wtf.i18n import translations as wtforms_translations
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
from core.i18n import format_day
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


def _not_in_the_future_nor_before(earliest: date, why: str):
    def check(form: FlaskForm, field: DateField) -> None:
        # A day of slack: the union's today may already be tomorrow in UTC terms, or not yet.
        if field.data and not earliest <= field.data <= today() + timedelta(days=1):
            raise ValidationError(gettext("Give a day between %(earliest)s and today: %(why)s.",
                                          earliest=format_day(earliest), why=why))
    return check


def _optional_id(value: object) -> int | None:
    """Select fields where an empty choice means 'none'; garbage also means a form error."""
    if value in (None, "", "None"):
        return None
    return int(value)  # a ValueError here becomes "Not a valid choice"


class ConfirmForm(FlaskForm):
    """A form with no fields: a button that still needs a CSRF token."""


class UnitForm(FlaskForm):
    name = StringField(lazy_gettext("Unit name"), filters=[strip_text],
                       validators=[DataRequired(), *text.name_rules(120)])


class SegmentForm(FlaskForm):
    kind = SelectField(lazy_gettext("Kind"), choices=[("department", lazy_gettext("Department")),
                                                      ("shift", lazy_gettext("Shift"))])
    name = StringField(lazy_gettext("Name"), filters=[strip_text], validators=[DataRequired(), *text.name_rules(80)])


def assessment_choices() -> list[tuple[int, str]]:
    """The levels as a select offers them ("2 · Supporter"), in the language of the request:
    a callable, so that each form built reads the words anew."""
    return [(level, f"{level} · {label}") for level, label in ASSESSMENT_LABELS.items()]


#: "Any" on a filter: no choice made.
ANY = lazy_gettext("Any")


class PersonForm(FlaskForm):
    name = StringField(lazy_gettext("Name"), filters=[strip_text], validators=[DataRequired(), *text.name_rules(120)],
                       description=lazy_gettext("As coworkers know them."))
    department_id = SelectField(lazy_gettext("Department"), coerce=_optional_id, validate_choice=True)
    shift_id = SelectField(lazy_gettext("Shift"), coerce=_optional_id, validate_choice=True)
    assessment = SelectField(
        lazy_gettext("Assessment: where they stand"), coerce=int, default=0, choices=assessment_choices,
        description=lazy_gettext("Your organizing assessment, 1 (leader) to 5 (opposed). For organizers and the "
                                 "organizing committee only; stored encrypted."),
    )
    is_member = BooleanField(lazy_gettext("Union member"))
    card_signed_on = DateField(
        lazy_gettext("Card signed on"), validators=[Optional(), _not_in_the_future_nor_before(
            EARLIEST_CARD_DAY, lazy_gettext("a card cannot be signed on a day still to come"))],
        description=lazy_gettext("Only for members."))
    email = StringField(lazy_gettext("Personal email"), filters=[strip_text],
                        validators=[Optional(), text.MaxLength(254), email_shape],
                        description=lazy_gettext("Never a work address."))
    phone = StringField(lazy_gettext("Personal phone"), filters=[strip_text],
                        validators=[Optional(), Regexp(_PHONE_SHAPE,
                                                       message=lazy_gettext("Enter digits, spaces, + ( ) - only."))])
    notes = TextAreaField(lazy_gettext("Organizer notes"), filters=[strip_text, text.without_bidi_controls],
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

    search = StringField(lazy_gettext("Name"), filters=[strip_text],
                         validators=[Optional(), text.MaxLength(120), no_control_characters],
                         description=lazy_gettext("Part of a name. Capitals and accents do not matter."))
    page = IntegerField(lazy_gettext("Page"), default=1,
                        validators=[Optional(), NumberRange(min=1, message=lazy_gettext("Pages start at 1."))])
    per_page = SelectField(lazy_gettext("Per page"), coerce=int, default=DEFAULT_CHART_PAGE_SIZE, validate_choice=True,
                           choices=[(size, str(size)) for size in CHART_PAGE_SIZES])

    department = SelectField(lazy_gettext("Department"), coerce=_optional_id, validate_choice=True)
    shift = SelectField(lazy_gettext("Shift"), coerce=_optional_id, validate_choice=True)
    assessment = SelectField(lazy_gettext("Assessment"), coerce=_optional_id, validate_choice=True,
                             choices=lambda: [(None, ANY), *assessment_choices()])
    membership = SelectField(lazy_gettext("Member"), default="", choices=[
        ("", ANY), ("yes", lazy_gettext("Members")), ("no", lazy_gettext("Not members"))])

    @property
    def is_member(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.membership.data)

    def set_unit_choices(self, departments: list, shifts: list) -> None:
        self.department.choices = [(None, ANY)] + [(d.id, d.name) for d in departments]
        self.shift.choices = [(None, ANY)] + [(s.id, s.name) for s in shifts]

    def query_args(self) -> dict[str, object]:
        """The filters as given, for links to the other pages of the same list."""
        given = {"department": self.department.data, "shift": self.shift.data, "assessment": self.assessment.data,
                 "membership": self.membership.data or None, "search": self.search.data or None}
        if self.per_page.data != DEFAULT_CHART_PAGE_SIZE:
            given["per_page"] = self.per_page.data
        return {name: value for name, value in given.items() if value is not None}


class SegmentRenameForm(FlaskForm):
    name = StringField(lazy_gettext("New name"), filters=[strip_text],
                       validators=[DataRequired(), *text.name_rules(80)])


class FloorsForm(FlaskForm):
    """A union's privacy floors (the service refuses values below PRIVACY.md's defaults)."""

    results = IntegerField(
        lazy_gettext("Show pulse, bargaining and vote results only when at least this many people answered"),
        validators=[InputRequired(), NumberRange(2, 1000)],
        description=lazy_gettext("The release threshold (k) for those surveys."))
    endorsements = IntegerField(
        lazy_gettext("Show how coworkers back a member's demand only when at least this many answered"),
        validators=[InputRequired(), NumberRange(2, 1000)],
        description=lazy_gettext("The release threshold (k) for endorsement surveys."))
    comments = IntegerField(
        lazy_gettext("Show written comments only when at least this many people answered"),
        validators=[InputRequired(), NumberRange(2, 10000)],
        description=lazy_gettext("The comment threshold: one sentence can give away who wrote it, so it needs "
                                 "more people."))


class TimeZoneForm(FlaskForm):
    """The union's time zone: survey times are typed and shown in it."""

    # The zones' names are identifiers ("America/New York"), not words a translator should touch.
    time_zone = SelectField(lazy_gettext("Time zone"), render_kw={"translate": "no"},
                            choices=[(name, name.replace("_", " ")) for name in time_zone_names()],
                            description=lazy_gettext("Where the union works. Opening and closing times of surveys "
                                                     "are typed and shown in this zone."))


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

    file = FileField(lazy_gettext("A CSV file"), description=lazy_gettext(
        "From Excel, Google Sheets or Numbers: save or download it as CSV (in Excel: File › Save as › CSV UTF-8)."))
    pasted = TextAreaField(lazy_gettext("Or paste the rows"), description=lazy_gettext(
        "Select the rows in the spreadsheet, column names included, copy them and paste them here."))


class _ColumnsFormBase(FlaskForm):
    """Steps 2 and 3 of an import: the file carried sealed (`upload`), whether its first
    row names the columns, what each column holds (`column_0`, `column_1`, … added by
    `chart_columns_form`), and the new departments and shifts to add. The names ticked
    are checked by the import service against the file, not here."""

    upload = HiddenField(validators=[DataRequired(
        message=lazy_gettext("The file did not come with the form: upload it again."))])
    has_header = BooleanField(lazy_gettext("The first row holds the column names"))
    new_departments = SelectMultipleField(lazy_gettext("New departments"), choices=[], validate_choice=False,
                                          widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    new_shifts = SelectMultipleField(lazy_gettext("New shifts"), choices=[], validate_choice=False,
                                     widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())

    def column_fields(self) -> list[SelectField]:
        return [self[f"column_{i}"] for i in range(self.column_count)]

    def column_values(self) -> list[str]:
        return [field.data for field in self.column_fields()]


def chart_columns_form(column_count: int, choices: list[tuple[str, str]], **given: object) -> _ColumnsFormBase:
    """The columns form for a file of `column_count` columns, each offering `choices`."""
    fields = {f"column_{i}": SelectField(lazy_gettext("Column %(number)d", number=i + 1), choices=choices,
                                         validate_choice=True)
              for i in range(column_count)}
    form_class = type("ChartColumnsForm", (_ColumnsFormBase,), {"column_count": column_count, **fields})
    return form_class(**given)


class ChartExportForm(FlaskForm):
    """What the chart's download holds beyond names, departments and shifts, and the
    organizer's word that they read what the file risks."""

    contacts = BooleanField(lazy_gettext("Personal emails and phones"))
    assessments = BooleanField(lazy_gettext("Assessments (where each coworker stands)"))
    membership = BooleanField(lazy_gettext("Who is a member, and the day their card was signed"))
    notes = BooleanField(lazy_gettext("Organizer notes"))
    understood = BooleanField(
        lazy_gettext("I understand that anyone who gets this file can read everyone in it"),
        validators=[DataRequired(message=lazy_gettext("Tick this to say you read what the file risks."))])


class _Cell:
    """One value of an imported file, shaped as the form validators expect a field."""

    def __init__(self, data: str) -> None:
        self.data = data
        self.raw_data = [data]
        self.errors: list[str] = []

    # WTForms' own messages, in the language of the request, as a form field reads them.
    def gettext(self, message: str) -> str:
        return wtforms_translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return wtforms_translations.ngettext(singular, plural, n)


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
