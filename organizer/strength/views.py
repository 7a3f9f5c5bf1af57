"""The unit's strength as organizers see it, and the structure tests they record
(pages of the `organizing` blueprint)."""

from __future__ import annotations

from flask import abort, redirect, url_for
from flask_login import current_user

from core.authz import role_required
from core.views import render_form, unit_of_work
from organizer.charting.forms import ConfirmForm
from organizer.charting.loaders import get_unit_for_organizer_or_404
from organizer.charting.views import organizing_bp
from organizer.roles import Role
from organizer.strength import metrics, structure_tests
from organizer.strength.forms import StructureTestForm
from organizer.strength.loaders import get_structure_test_for_organizer_or_404
from organizer.strength.models import StructureTestKind

organizer_required = role_required(Role.ORGANIZER)


@organizing_bp.route("/units/<int:unit_id>/strength", methods=["GET", "POST"])
@organizer_required
def unit_strength(unit_id: int):
    """The unit's strength as organizers see it, and the structure tests they record."""
    unit = get_unit_for_organizer_or_404(unit_id)
    form = StructureTestForm()
    if form.validate_on_submit() and unit_of_work(lambda: structure_tests.record(
            current_user, unit, structure_tests.ActionDetails(
                kind=StructureTestKind(form.kind.data), held_on=form.held_on.data,
                participants=form.participants.data, headcount=form.headcount.data)), form=form,
            success=lambda test: f"{test.kind.label} recorded: {test.participants} of {test.headcount} took part."):
        return redirect(url_for("organizing.unit_strength", unit_id=unit.id))
    return render_form("organizing/strength.html", form, unit=unit,
                       strength=metrics.unit_strength(unit, for_organizers=True), confirm_form=ConfirmForm())


@organizing_bp.route("/structure-tests/<int:test_id>/remove", methods=["POST"])
@organizer_required
def remove_structure_test(test_id: int):
    test = get_structure_test_for_organizer_or_404(test_id)
    unit_id = test.unit_id
    if not ConfirmForm().validate_on_submit():
        abort(400, "The removal form was incomplete.")
    unit_of_work(lambda: structure_tests.remove(current_user, test), success="Structure test removed.")
    return redirect(url_for("organizing.unit_strength", unit_id=unit_id))
