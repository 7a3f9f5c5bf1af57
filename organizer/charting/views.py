"""Organizers' pages of the union's structure (the dashboard, privacy floors,
units, segments, charting a coworker) and stewards' unit page.
The `organizing` blueprint is defined here; the packages above add their
organizers' pages to it (the chart and invitations, the audit log, strength)."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user

from core.authz import role_required
from core.extensions import db
from core.views import render_form, unit_of_work
from organizer.charting import people, unions
from organizer.charting.forms import (
    ConfirmForm,
    FloorsForm,
    PersonForm,
    SegmentForm,
    SegmentRenameForm,
    TimeZoneForm,
    UnitForm,
    person_details,
)
from organizer.charting.loaders import (
    get_union_for_organizer_or_404,
    get_unit_for_organizer_or_404,
    get_unit_for_steward_or_404,
)
from organizer.roles import Role

organizing_bp = Blueprint("organizing", __name__)

organizer_required = role_required(Role.ORGANIZER)


@organizing_bp.route("/unions/<int:union_id>")
@organizer_required
def dashboard(union_id: int):
    union = get_union_for_organizer_or_404(union_id)
    return render_template("organizing/dashboard.html", union=union, figures=unions.unit_figures(union.units),
                           unit_form=UnitForm())


@organizing_bp.route("/unions/<int:union_id>/units", methods=["POST"])
@organizer_required
def create_unit(union_id: int):
    union = get_union_for_organizer_or_404(union_id)
    form = UnitForm()
    if form.validate_on_submit() and (created := unit_of_work(
            lambda: unions.create_unit(current_user, union, form.name.data), form=form,
            success=lambda unit: f"Unit {unit.name} created. Add its departments and shifts next.")):
        return redirect(url_for("organizing.segments", unit_id=created.value.id))
    return render_form("organizing/dashboard.html", form, union=union,
                       figures=unions.unit_figures(union.units), unit_form=form)


@organizing_bp.route("/units/<int:unit_id>/segments", methods=["GET", "POST"])
@organizer_required
def segments(unit_id: int):
    unit = get_unit_for_organizer_or_404(unit_id)
    form = SegmentForm()
    if form.validate_on_submit() and unit_of_work(
            lambda: unions.add_segment(current_user, unit, form.kind.data, form.name.data), form=form,
            success=lambda segment: f"{form.kind.data.capitalize()} {segment.name} added."):
        return redirect(url_for("organizing.segments", unit_id=unit.id))
    return render_form("organizing/segments.html", form, unit=unit, **_segment_forms(unit))


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
            success=f"{kind.capitalize()} {old_name} is now {form.name.data}."):
        return redirect(url_for("organizing.segments", unit_id=unit.id))
    return render_template("organizing/segments.html", form=SegmentForm(formdata=None), unit=unit,
                           **_segment_forms(unit, (segment, form))), 400


@organizing_bp.route("/segments/<any(department, shift):kind>/<int:segment_id>/remove", methods=["POST"])
@organizer_required
def remove_segment(kind: str, segment_id: int):
    segment = _segment_for_organizer_or_404(kind, segment_id)
    unit_id, name = segment.unit_id, segment.name
    if not ConfirmForm().validate_on_submit():
        abort(400, "The removal form was incomplete.")
    unit_of_work(lambda: unions.remove_segment(current_user, segment), success=lambda emptied: (
        f"{kind.capitalize()} {name} removed; {emptied} charted {'person has' if emptied == 1 else 'people have'} "
        f"no {kind} now."))
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
            form=form, success="Floors saved. Surveys created from now on are held to them."):
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
            success=lambda saved: f"Time zone saved: survey times now read in {saved.time_zone}."):
        return redirect(url_for("organizing.union_settings", union_id=union.id))
    floors = FloorsForm(formdata=None, results=union.release_threshold, endorsements=union.endorsement_threshold,
                        comments=union.comment_threshold)
    return render_template("organizing/settings.html", form=floors, union=union, defaults=unions.DEFAULT_FLOORS,
                           zone_form=form), 400




@organizing_bp.route("/units/<int:unit_id>/people/new", methods=["GET", "POST"])
@organizer_required
def add_person(unit_id: int):
    unit = get_unit_for_organizer_or_404(unit_id)
    form = PersonForm()
    form.set_unit_choices(unit.departments, unit.shifts)
    if form.validate_on_submit() and unit_of_work(
            lambda: people.add_person(current_user, unit, person_details(form)), form=form,
            success=lambda person: f"{person.name} is on the chart."):
        return redirect(url_for("organizing.unit_chart", unit_id=unit.id))
    return render_form("organizing/person_form.html", form, unit=unit, person=None)


steward_bp = Blueprint("steward", __name__, url_prefix="/steward")


@steward_bp.route("/units/<int:unit_id>")
@role_required(Role.STEWARD)
def unit(unit_id: int):
    unit = get_unit_for_steward_or_404(unit_id)
    [figures] = unions.unit_figures([unit])
    return render_template("steward/unit.html", unit=unit, figures=figures)
