"""Organizers' pages: the union dashboard and its privacy floors, units and
their segments, the chart, invitations, and the audit log (which a unit's
stewards read too)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from core.authz import role_required
from core.extensions import db
from core.views import add_error, render_form
from organizer import actions, audit, chart, invitations, strength, unions
from organizer.demand_forms import StructureTestForm
from organizer.errors import DomainError
from organizer.forms import (
    ChartFilterForm,
    ConfirmForm,
    InviteForm,
    PersonForm,
    SegmentForm,
    SegmentRenameForm,
    UnitForm,
)
from organizer.loaders import (
    get_invitation_for_organizer_or_404,
    get_person_for_organizer_or_404,
    get_structure_test_for_organizer_or_404,
    get_union_for_organizer_or_404,
    get_unit_for_organizer_or_404,
)
from organizer.models import ASSESSMENT_LABELS, BargainingUnit, Person, Role, StructureTestKind
from organizer.survey_forms import FloorsForm

bp = Blueprint("organizing", __name__)

organizer_required = role_required(Role.ORGANIZER)


@bp.route("/unions/<int:union_id>")
@organizer_required
def dashboard(union_id: int):
    union = get_union_for_organizer_or_404(union_id)
    return render_template("organizing/dashboard.html", union=union, figures=unions.unit_figures(union.units),
                           unit_form=UnitForm())


@bp.route("/unions/<int:union_id>/units", methods=["POST"])
@organizer_required
def create_unit(union_id: int):
    union = get_union_for_organizer_or_404(union_id)
    form = UnitForm()
    if form.validate_on_submit():
        try:
            unit = unions.create_unit(current_user, union, form.name.data)
        except DomainError as refused:
            add_error(form, refused.field, refused.message)
        else:
            db.session.commit()
            flash(f"Unit {unit.name} created. Add its departments and shifts next.", "success")
            return redirect(url_for("organizing.segments", unit_id=unit.id))
    return render_form("organizing/dashboard.html", form, union=union,
                       figures=unions.unit_figures(union.units), unit_form=form)


@bp.route("/units/<int:unit_id>/segments", methods=["GET", "POST"])
@organizer_required
def segments(unit_id: int):
    unit = get_unit_for_organizer_or_404(unit_id)
    form = SegmentForm()
    if form.validate_on_submit():
        try:
            segment = unions.add_segment(current_user, unit, form.kind.data, form.name.data)
        except DomainError as refused:
            add_error(form, refused.field, refused.message)
        else:
            db.session.commit()
            flash(f"{form.kind.data.capitalize()} {segment.name} added.", "success")
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


@bp.route("/segments/<any(department, shift):kind>/<int:segment_id>/rename", methods=["POST"])
@organizer_required
def rename_segment(kind: str, segment_id: int):
    segment = _segment_for_organizer_or_404(kind, segment_id)
    unit = segment.unit
    form = SegmentRenameForm(prefix=f"{kind}{segment.id}")
    if form.validate_on_submit():
        old_name = segment.name
        try:
            unions.rename_segment(current_user, segment, form.name.data)
        except DomainError as refused:
            db.session.rollback()
            add_error(form, refused.field, refused.message)
        else:
            db.session.commit()
            flash(f"{kind.capitalize()} {old_name} is now {form.name.data}.", "success")
            return redirect(url_for("organizing.segments", unit_id=unit.id))
    return render_template("organizing/segments.html", form=SegmentForm(formdata=None), unit=unit,
                           **_segment_forms(unit, (segment, form))), 400


@bp.route("/segments/<any(department, shift):kind>/<int:segment_id>/remove", methods=["POST"])
@organizer_required
def remove_segment(kind: str, segment_id: int):
    segment = _segment_for_organizer_or_404(kind, segment_id)
    unit_id, name = segment.unit_id, segment.name
    if not ConfirmForm().validate_on_submit():
        abort(400, "The removal form was incomplete.")
    emptied = unions.remove_segment(current_user, segment)
    db.session.commit()
    flash(f"{kind.capitalize()} {name} removed; {emptied} charted {'person has' if emptied == 1 else 'people have'} "
          f"no {kind} now.", "success")
    return redirect(url_for("organizing.segments", unit_id=unit_id))


# -- privacy floors and the audit log -------------------------------------------------------------

@bp.route("/unions/<int:union_id>/settings", methods=["GET", "POST"])
@organizer_required
def union_settings(union_id: int):
    union = get_union_for_organizer_or_404(union_id)
    form = FloorsForm(results=union.release_threshold, endorsements=union.endorsement_threshold,
                      comments=union.comment_threshold)
    if form.validate_on_submit():
        try:
            unions.update_floors(current_user, union, results=form.results.data,
                                 endorsements=form.endorsements.data, comments=form.comments.data)
        except DomainError as refused:
            db.session.rollback()
            add_error(form, refused.field, refused.message)
        else:
            db.session.commit()
            flash("Floors saved. Surveys created from now on are held to them.", "success")
            return redirect(url_for("organizing.dashboard", union_id=union.id))
    return render_form("organizing/settings.html", form, union=union, defaults=unions.DEFAULT_FLOORS)


@bp.route("/unions/<int:union_id>/audit")
@organizer_required
def union_audit(union_id: int):
    union = get_union_for_organizer_or_404(union_id)
    entries = audit.union_log(current_user, union)
    return render_template("organizing/audit.html", union=union, unit=None, entries=entries,
                           actors=audit.actor_names(entries), units={u.id: u.name for u in union.units})


@bp.route("/units/<int:unit_id>/audit")
@role_required(Role.ORGANIZER, Role.STEWARD)
def unit_audit(unit_id: int):
    unit = db.session.get(BargainingUnit, unit_id)
    # The same answer for a unit that does not exist and one the visitor may not read.
    if unit is None or not audit.can_read_unit_log(current_user, unit):
        abort(404)
    entries = audit.unit_log(current_user, unit)
    return render_template("organizing/audit.html", union=unit.union, unit=unit, entries=entries,
                           actors=audit.actor_names(entries), units={unit.id: unit.name})


@bp.route("/units/<int:unit_id>/chart")
@organizer_required
def unit_chart(unit_id: int):
    unit = get_unit_for_organizer_or_404(unit_id)
    filters = ChartFilterForm(request.args)
    filters.set_unit_choices(unit.departments, unit.shifts)
    if request.args and not filters.validate():
        return render_template("organizing/chart.html", unit=unit, filters=filters, view=None,
                               labels=ASSESSMENT_LABELS), 400
    view = chart.chart(current_user, unit, department_id=filters.department.data,
                       shift_id=filters.shift.data, assessment=filters.assessment.data,
                       is_member=filters.is_member)
    return render_template("organizing/chart.html", unit=unit, filters=filters, view=view,
                           labels=ASSESSMENT_LABELS, confirm_form=ConfirmForm())


def _details(form: PersonForm) -> chart.PersonDetails:
    return chart.PersonDetails(
        name=form.name.data, department_id=form.department_id.data, shift_id=form.shift_id.data,
        assessment=form.assessment.data, is_member=form.is_member.data, card_signed_on=form.card_signed_on.data,
        email=form.email.data or None, phone=form.phone.data or None, notes=form.notes.data or None,
    )


@bp.route("/units/<int:unit_id>/people/new", methods=["GET", "POST"])
@organizer_required
def add_person(unit_id: int):
    unit = get_unit_for_organizer_or_404(unit_id)
    form = PersonForm()
    form.set_unit_choices(unit.departments, unit.shifts)
    if form.validate_on_submit():
        try:
            person = chart.add_person(current_user, unit, _details(form))
        except DomainError as refused:
            add_error(form, refused.field, refused.message)
        else:
            db.session.commit()
            flash(f"{person.name} is on the chart.", "success")
            return redirect(url_for("organizing.unit_chart", unit_id=unit.id))
    return render_form("organizing/person_form.html", form, unit=unit, person=None)


@bp.route("/people/<int:person_id>/edit", methods=["GET", "POST"])
@organizer_required
def edit_person(person_id: int):
    person = get_person_for_organizer_or_404(person_id)
    form = PersonForm(obj=person)
    form.set_unit_choices(person.unit.departments, person.unit.shifts)
    if form.validate_on_submit():
        try:
            chart.update_person(current_user, person, _details(form))
        except DomainError as refused:
            db.session.rollback()
            add_error(form, refused.field, refused.message)
        else:
            db.session.commit()
            flash(f"{person.name} updated.", "success")
            return redirect(url_for("organizing.unit_chart", unit_id=person.unit_id))
    return render_form("organizing/person_form.html", form, unit=person.unit, person=person,
                       has_account=chart.has_account(person), confirm_form=ConfirmForm())


@bp.route("/people/<int:person_id>/remove", methods=["POST"])
@organizer_required
def remove_person(person_id: int):
    person = get_person_for_organizer_or_404(person_id)
    unit_id, name = person.unit_id, person.name
    if not ConfirmForm().validate_on_submit():
        abort(400, "The removal form was incomplete.")
    try:
        chart.remove_person(current_user, person)
    except DomainError as refused:
        flash(refused.message, "error")
        return redirect(url_for("organizing.edit_person", person_id=person_id))
    db.session.commit()
    flash(f"{name} is off the chart.", "success")
    return redirect(url_for("organizing.unit_chart", unit_id=unit_id))


@bp.route("/people/<int:person_id>/invite", methods=["GET", "POST"])
@organizer_required
def invite_person(person_id: int):
    person: Person = get_person_for_organizer_or_404(person_id)
    form = InviteForm()
    if form.validate_on_submit():
        try:
            invitation, token = invitations.invite(current_user, person, Role(form.role.data))
        except DomainError as refused:
            add_error(form, refused.field, refused.message)
        else:
            db.session.commit()
            link = url_for("auth.accept_invitation", token=token, _external=True)
            # The token is shown this once; only its hash is stored.
            return render_template("organizing/invitation_link.html", invitation=invitation, link=link)
    return render_form("organizing/invite.html", form, person=person)


@bp.route("/unions/<int:union_id>/invitations")
@organizer_required
def union_invitations(union_id: int):
    union = get_union_for_organizer_or_404(union_id)
    return render_template("organizing/invitations.html", union=union,
                           invitations=invitations.pending_for_union(union.id), confirm_form=ConfirmForm())


@bp.route("/invitations/<int:invitation_id>/revoke", methods=["POST"])
@organizer_required
def revoke_invitation(invitation_id: int):
    invitation = get_invitation_for_organizer_or_404(invitation_id)
    union_id = invitation.person.unit.union_id
    if not ConfirmForm().validate_on_submit():
        abort(400, "The revoke form was incomplete.")
    try:
        invitations.revoke(current_user, invitation)
    except DomainError as refused:
        flash(refused.message, "error")
    else:
        db.session.commit()
        flash("Invitation revoked; its link no longer works.", "success")
    return redirect(url_for("organizing.union_invitations", union_id=union_id))


@bp.route("/units/<int:unit_id>/strength", methods=["GET", "POST"])
@organizer_required
def unit_strength(unit_id: int):
    """The unit's strength as organizers see it, and the structure tests they record."""
    unit = get_unit_for_organizer_or_404(unit_id)
    form = StructureTestForm()
    if form.validate_on_submit():
        try:
            test = actions.record(current_user, unit, actions.ActionDetails(
                kind=StructureTestKind(form.kind.data), held_on=form.held_on.data,
                participants=form.participants.data, headcount=form.headcount.data))
        except DomainError as refused:
            db.session.rollback()
            add_error(form, refused.field, refused.message)
        else:
            db.session.commit()
            flash(f"{test.kind.label} recorded: {test.participants} of {test.headcount} took part.", "success")
            return redirect(url_for("organizing.unit_strength", unit_id=unit.id))
    return render_form("organizing/strength.html", form, unit=unit,
                       strength=strength.unit_strength(unit, for_organizers=True), confirm_form=ConfirmForm())


@bp.route("/structure-tests/<int:test_id>/remove", methods=["POST"])
@organizer_required
def remove_structure_test(test_id: int):
    test = get_structure_test_for_organizer_or_404(test_id)
    unit_id = test.unit_id
    if not ConfirmForm().validate_on_submit():
        abort(400, "The removal form was incomplete.")
    actions.remove(current_user, test)
    db.session.commit()
    flash("Structure test removed.", "success")
    return redirect(url_for("organizing.unit_strength", unit_id=unit_id))
