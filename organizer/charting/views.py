"""Organizers' pages of the union's structure (privacy floors, segments,
charting a coworker, importing and downloading the chart). Charting a coworker
is open to committee members too, in their own departments.
The `organizing` and `steward` blueprints are defined here; the packages above
add their pages to them (the chart and invitations, the audit log, strength;
the dashboard and the steward's unit page, in organizer.home, since their
density counts union cards)."""

from __future__ import annotations

import secrets

from flask import Blueprint, Response, abort, redirect, render_template, request, session, url_for
from flask_babel import gettext, ngettext
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from core.authz import role_required
from core.errors import HTTP_WORDS
from core.extensions import db
from core.i18n import format_number
from core.views import render_form, unit_of_work
from organizer import policy
from organizer.charting import exporting, importing, people, unions
from organizer.charting.forms import (
    ChartExportForm,
    ChartUploadForm,
    ConfirmForm,
    FloorsForm,
    PersonForm,
    SegmentForm,
    SegmentRenameForm,
    TimeZoneForm,
    chart_columns_form,
    person_details,
)
from organizer.charting.loaders import (
    get_union_for_organizer_or_404,
    get_unit_for_charting_or_404,
    get_unit_for_organizer_or_404,
)
from organizer.charting.models import BargainingUnit
from organizer.roles import Role

organizing_bp = Blueprint("organizing", __name__)

organizer_required = role_required(Role.ORGANIZER)

#: The chart's own pages (the chart, adding and editing a coworker) open to committee
#: members too; the loaders and services then keep them to their own departments.
charter_required = role_required(Role.ORGANIZER, Role.COMMITTEE)


def departments_charted(unit: BargainingUnit) -> list:
    """The unit's departments the signed-in account charts: all of them for its union's
    organizers, their own for a committee member."""
    if policy.organizes(current_user, unit):
        return list(unit.departments)
    mine = policy.committee_departments(current_user, unit)
    return [department for department in unit.departments if department.id in mine]


def set_person_choices(form: PersonForm, unit: BargainingUnit) -> None:
    """The departments and shifts a coworker may be given by the signed-in account
    (a committee member: one of theirs, never none)."""
    form.set_unit_choices(departments_charted(unit), unit.shifts, no_department=policy.organizes(current_user, unit))


@organizing_bp.route("/units/<int:unit_id>/segments", methods=["GET", "POST"])
@organizer_required
def segments(unit_id: int):
    unit = get_unit_for_organizer_or_404(unit_id)
    form = SegmentForm()
    if form.validate_on_submit() and unit_of_work(
            lambda: unions.add_segment(current_user, unit, form.kind.data, form.name.data), form=form,
            success=lambda segment: _segment_added(form.kind.data, segment.name)):
        return redirect(url_for("organizing.segments", unit_id=unit.id))
    return render_form("organizing/segments.html", form, unit=unit, **_segment_forms(unit))


def _segment_added(kind: str, name: str) -> str:
    if kind == "department":
        return gettext("Department %(name)s added.", name=name)
    return gettext("Shift %(name)s added.", name=name)


def _segment_renamed(kind: str, old_name: str, new_name: str) -> str:
    if kind == "department":
        return gettext("Department %(old)s is now %(new)s.", old=old_name, new=new_name)
    return gettext("Shift %(old)s is now %(new)s.", old=old_name, new=new_name)


def _segment_removed(kind: str, name: str, emptied: int) -> str:
    if kind == "department":
        return ngettext("Department %(name)s removed; %(shown)s charted person has no department now.",
                        "Department %(name)s removed; %(shown)s charted people have no department now.",
                        emptied, name=name, shown=format_number(emptied))
    return ngettext("Shift %(name)s removed; %(shown)s charted person has no shift now.",
                    "Shift %(name)s removed; %(shown)s charted people have no shift now.",
                    emptied, name=name, shown=format_number(emptied))


def _segment_forms(unit, failed: tuple[object, SegmentRenameForm] | None = None) -> dict:
    """One rename form per segment (prefixed, so every field id is unique), and the remove button."""
    renames = {}
    for segment in (*unit.departments, *unit.shifts):
        prefix = f"{unions.segment_kind(segment)}{segment.id}"
        renames[prefix] = SegmentRenameForm(formdata=None, prefix=prefix, name=segment.name)
        if failed is not None and failed[0] is segment:
            renames[prefix] = failed[1]
    return {"renames": renames, "confirm_form": ConfirmForm()}


def _segment_for_organizer_or_404(kind: str, segment_id: int):
    """A department or shift of a unit the signed-in organizer's union holds, or 404."""
    segment = db.session.get(unions.SEGMENT_MODELS[kind], segment_id)
    if segment is None:
        abort(404)
    get_unit_for_organizer_or_404(segment.unit_id)
    return segment


@organizing_bp.route("/segments/<any(department, shift):kind>/<int:segment_id>/rename", methods=["POST"])
@organizer_required
def rename_segment(kind: str, segment_id: int):
    segment = _segment_for_organizer_or_404(kind, segment_id)
    unit = segment.unit
    form = SegmentRenameForm(prefix=f"{kind}{segment.id}")
    old_name = segment.name
    if form.validate_on_submit() and unit_of_work(
            lambda: unions.rename_segment(current_user, segment, form.name.data), form=form,
            success=lambda _: _segment_renamed(kind, old_name, form.name.data)):
        return redirect(url_for("organizing.segments", unit_id=unit.id))
    return render_template("organizing/segments.html", form=SegmentForm(formdata=None), unit=unit,
                           **_segment_forms(unit, (segment, form))), 400


@organizing_bp.route("/segments/<any(department, shift):kind>/<int:segment_id>/remove", methods=["POST"])
@organizer_required
def remove_segment(kind: str, segment_id: int):
    segment = _segment_for_organizer_or_404(kind, segment_id)
    unit_id, name = segment.unit_id, segment.name
    if not ConfirmForm().validate_on_submit():
        abort(400, gettext("The removal form was incomplete."))
    unit_of_work(lambda: unions.remove_segment(current_user, segment),
                 success=lambda emptied: _segment_removed(kind, name, emptied))
    return redirect(url_for("organizing.segments", unit_id=unit_id))


# -- privacy floors and the audit log -------------------------------------------------------------

@organizing_bp.route("/unions/<int:union_id>/settings", methods=["GET", "POST"])
@organizer_required
def union_settings(union_id: int):
    union = get_union_for_organizer_or_404(union_id)
    form = FloorsForm(results=union.release_threshold, endorsements=union.endorsement_threshold,
                      comments=union.comment_threshold)
    if form.validate_on_submit() and unit_of_work(
            lambda: unions.update_floors(current_user, union, results=form.results.data,
                                         endorsements=form.endorsements.data, comments=form.comments.data),
            form=form, success=lambda _: gettext("Floors saved. Surveys created from now on are held to them.")):
        return redirect(url_for("organizing.dashboard", union_id=union.id))
    return render_form("organizing/settings.html", form, union=union, defaults=unions.DEFAULT_FLOORS,
                       zone_form=TimeZoneForm(formdata=None, prefix="zone", time_zone=union.time_zone))


@organizing_bp.route("/unions/<int:union_id>/settings/time-zone", methods=["POST"])
@organizer_required
def union_time_zone(union_id: int):
    union = get_union_for_organizer_or_404(union_id)
    form = TimeZoneForm(prefix="zone")
    if form.validate_on_submit() and unit_of_work(
            lambda: unions.set_time_zone(current_user, union, form.time_zone.data), form=form,
            success=lambda saved: gettext("Time zone saved: survey times now read in %(zone)s.",
                                          zone=saved.time_zone)):
        return redirect(url_for("organizing.union_settings", union_id=union.id))
    floors = FloorsForm(formdata=None, results=union.release_threshold, endorsements=union.endorsement_threshold,
                        comments=union.comment_threshold)
    return render_template("organizing/settings.html", form=floors, union=union, defaults=unions.DEFAULT_FLOORS,
                           zone_form=form), 400




@organizing_bp.route("/units/<int:unit_id>/people/new", methods=["GET", "POST"])
@charter_required
def add_person(unit_id: int):
    unit = get_unit_for_charting_or_404(unit_id)
    form = PersonForm()
    set_person_choices(form, unit)
    if form.validate_on_submit() and unit_of_work(
            lambda: people.add_person(current_user, unit, person_details(form)), form=form,
            success=lambda person: gettext("%(name)s is on the chart.", name=person.name)):
        return redirect(url_for("organizing.unit_chart", unit_id=unit.id))
    return render_form("organizing/person_form.html", form, unit=unit, person=None)


# -- importing and downloading the chart ----------------------------------------------------------

#: The session holds a random value a carried file is sealed to (importing.Binding), never the file.
_IMPORT_BROWSER_KEY = "chart_import_key"
_FIELD_CHOICES = [(target.value, target.label) for target in importing.Field]
_IMPORT_STEPS = {"organizing.import_chart", "organizing.check_chart_import", "organizing.chart_import_columns",
                 "organizing.save_chart_import"}


def _binding(unit) -> importing.Binding:
    if _IMPORT_BROWSER_KEY not in session:
        session[_IMPORT_BROWSER_KEY] = secrets.token_urlsafe(16)
    return importing.Binding(current_user.id, unit.id, session[_IMPORT_BROWSER_KEY])


def _read_and_seal(unit, form: ChartUploadForm) -> tuple[importing.Upload, str]:
    storage = form.file.data
    # One byte past the limit is enough to know a file is over it.
    data = storage.stream.read(importing.MAX_FILE_BYTES + 1) if storage and storage.filename else None
    upload = importing.read_upload(current_user, unit, data=data, pasted=form.pasted.data)
    return upload, importing.seal(upload, _binding(unit))


def _reopened(unit):
    carried = request.form.get("upload", "")
    return unit_of_work(lambda: importing.reopen(current_user, unit, carried, _binding(unit)), flash_refusal=False)


def _upload_page(unit, form: ChartUploadForm, status: int = 200, message: str | None = None):
    if message:
        form.form_errors.append(message)
    return render_template("organizing/chart_import.html", unit=unit, form=form, importing=importing), status


def _columns_page(unit, upload: importing.Upload, form, status: int = 200):
    return render_template("organizing/chart_import_columns.html", unit=unit, upload=upload, form=form,
                           columns=importing.columns_of(upload), importing=importing), status


def _guessed_columns_form(upload: importing.Upload, carried: str):
    has_header, fields = importing.guess_columns(upload)
    return chart_columns_form(upload.column_count, _FIELD_CHOICES, formdata=None, upload=carried,
                              has_header=has_header, **{f"column_{i}": f.value for i, f in enumerate(fields)})


def _choices(form) -> importing.Choices:
    return importing.Choices(has_header=form.has_header.data,
                             fields=tuple(importing.Field(value) for value in form.column_values()),
                             new_departments=frozenset(form.new_departments.data or ()),
                             new_shifts=frozenset(form.new_shifts.data or ()))


def _check_page(unit, upload: importing.Upload, form, found: importing.Check, status: int = 200):
    form.new_departments.choices = [(name, name) for name in found.unknown_departments]
    form.new_shifts.choices = [(name, name) for name in found.unknown_shifts]
    return render_template("organizing/chart_import_check.html", unit=unit, upload=upload, form=form, check=found,
                           importing=importing), status


@organizing_bp.route("/units/<int:unit_id>/chart/import", methods=["GET", "POST"])
@organizer_required
def import_chart(unit_id: int):
    unit = get_unit_for_organizer_or_404(unit_id)
    form = ChartUploadForm()
    if form.validate_on_submit() and (read := unit_of_work(lambda: _read_and_seal(unit, form), form=form)):
        upload, carried = read.value
        return _columns_page(unit, upload, _guessed_columns_form(upload, carried))
    return _upload_page(unit, form, 400 if form.errors or form.form_errors else 200)


@organizing_bp.route("/units/<int:unit_id>/chart/import/columns", methods=["POST"])
@organizer_required
def chart_import_columns(unit_id: int):
    unit = get_unit_for_organizer_or_404(unit_id)
    if not (opened := _reopened(unit)):
        return _upload_page(unit, ChartUploadForm(formdata=None), 400, opened.refused.message)
    form = chart_columns_form(opened.value.column_count, _FIELD_CHOICES)
    return _columns_page(unit, opened.value, form, 200 if form.validate_on_submit() else 400)


@organizing_bp.route("/units/<int:unit_id>/chart/import/check", methods=["POST"])
@organizer_required
def check_chart_import(unit_id: int):
    unit = get_unit_for_organizer_or_404(unit_id)
    if not (opened := _reopened(unit)):
        return _upload_page(unit, ChartUploadForm(formdata=None), 400, opened.refused.message)
    upload = opened.value
    form = chart_columns_form(upload.column_count, _FIELD_CHOICES)
    if form.validate_on_submit() and (checked := unit_of_work(
            lambda: importing.check(current_user, unit, upload, _choices(form)), form=form)):
        return _check_page(unit, upload, form, checked.value)
    return _columns_page(unit, upload, form, 400)


@organizing_bp.route("/units/<int:unit_id>/chart/import/save", methods=["POST"])
@organizer_required
def save_chart_import(unit_id: int):
    unit = get_unit_for_organizer_or_404(unit_id)
    if not (opened := _reopened(unit)):
        return _upload_page(unit, ChartUploadForm(formdata=None), 400, opened.refused.message)
    upload = opened.value
    form = chart_columns_form(upload.column_count, _FIELD_CHOICES)
    if not form.validate_on_submit():
        return _columns_page(unit, upload, form, 400)
    # The flash names counts only: it travels in the session cookie, which is signed, not sealed.
    saved = unit_of_work(lambda: importing.import_rows(current_user, unit, upload, _choices(form)), form=form,
                         success=lambda done: ngettext("%(shown)s coworker added to the chart.",
                                                       "%(shown)s coworkers added to the chart.",
                                                       done.charted, shown=format_number(done.charted)))
    if saved:
        return redirect(url_for("organizing.unit_chart", unit_id=unit.id))
    if isinstance(saved.refused, importing.RowsToFix):
        return _check_page(unit, upload, form, saved.refused.check, 400)
    return _columns_page(unit, upload, form, 400)


@organizing_bp.errorhandler(RequestEntityTooLarge)
def request_too_large(error: RequestEntityTooLarge):
    # Raised while the form is read, before the view (and its sign-in check) runs:
    # nothing was read and nothing stored. The upload page comes back only to the
    # unit's organizers; anyone else gets the plain error page.
    db.session.rollback()
    unit = db.session.get(BargainingUnit, (request.view_args or {}).get("unit_id") or 0)
    if (request.endpoint in _IMPORT_STEPS and unit is not None and current_user.is_authenticated
            and policy.organizes(current_user, unit)):
        return _upload_page(unit, ChartUploadForm(formdata=None), 413, importing.too_large_words())
    title, message = HTTP_WORDS[413]
    return render_template("errors/error.html", code=413, title=title, message=message), 413


@organizing_bp.route("/units/<int:unit_id>/chart/export", methods=["GET", "POST"])
@organizer_required
def export_chart(unit_id: int):
    unit = get_unit_for_organizer_or_404(unit_id)
    form = ChartExportForm()
    if form.validate_on_submit() and (made := unit_of_work(lambda: exporting.chart_csv(
            current_user, unit, exporting.ExportChoices(contacts=form.contacts.data, assessments=form.assessments.data,
                                                        membership=form.membership.data, notes=form.notes.data)),
            form=form)):
        return Response(made.value.content, mimetype="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="{made.value.filename}"'})
    [figures] = unions.unit_figures([unit])
    return render_form("organizing/chart_export.html", form, unit=unit, headcount=figures.headcount)


steward_bp = Blueprint("steward", __name__, url_prefix="/steward")
