"""The unit's strength as organizers see it, and what they set there: the structure
tests they record, how far back evidence counts, and which one-off pulse (if any)
is the unit's temperature check (pages of the `organizing` blueprint)."""

from __future__ import annotations

from flask import abort, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user

from core.authz import role_required
from core.i18n import format_number
from core.views import unit_of_work
from organizer.charting import unions
from organizer.charting.forms import ConfirmForm
from organizer.charting.loaders import get_unit_for_organizer_or_404
from organizer.charting.models import BargainingUnit
from organizer.charting.views import organizing_bp
from organizer.grievances import counts as grievance_counts
from organizer.roles import Role
from organizer.strength import metrics, structure_tests, temperature
from organizer.strength.forms import WINDOW_PREFIX, EvidenceWindowForm, StructureTestForm, TemperatureCheckForm
from organizer.strength.loaders import get_structure_test_for_organizer_or_404
from organizer.strength.models import StructureTestKind
from organizer.unit_surveys.loaders import get_survey_for_organizer_or_404

organizer_required = role_required(Role.ORGANIZER)


def _strength_page(unit: BargainingUnit, form: StructureTestForm | None = None,
                   window_form: EvidenceWindowForm | None = None) -> tuple[str, int]:
    """The strength page, 400 when the form just sent has errors (the other form starts afresh)."""
    form = form or StructureTestForm(formdata=None)
    window_form = window_form or EvidenceWindowForm(formdata=None, prefix=WINDOW_PREFIX,
                                                    days=unit.union.evidence_window_days)
    refused = any(f.errors or f.form_errors for f in (form, window_form))
    strength = metrics.unit_strength(unit, for_organizers=True)
    return render_template(
        "organizing/strength.html", form=form, window_form=window_form, unit=unit, strength=strength,
        confirm_form=ConfirmForm(), one_off_pulses=temperature.one_off_pulses(unit),
        temperature_form=TemperatureCheckForm(), window_range=unions.EVIDENCE_WINDOW_RANGE,
        headcount_bounds=structure_tests.headcount_bounds(strength.headcount) if strength.headcount else None,
        reported=grievance_counts.released_counts(unit),
    ), 400 if refused else 200


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
            success=lambda test: gettext("%(action)s recorded: %(participants)s of %(headcount)s took part.",
                                         action=test.kind.label, participants=format_number(test.participants),
                                         headcount=format_number(test.headcount))):
        return redirect(url_for("organizing.unit_strength", unit_id=unit.id))
    return _strength_page(unit, form)


@organizing_bp.route("/units/<int:unit_id>/strength/window", methods=["POST"])
@organizer_required
def set_evidence_window(unit_id: int):
    """How far back evidence counts, for every unit of the union (set from any unit's strength page)."""
    unit = get_unit_for_organizer_or_404(unit_id)
    form = EvidenceWindowForm(prefix=WINDOW_PREFIX)
    if form.validate_on_submit() and unit_of_work(
            lambda: unions.set_evidence_window(current_user, unit.union, form.days.data), form=form,
            success=lambda union: gettext("Evidence from the last %(days)s days counts now, for every unit of "
                                          "%(union)s.", days=format_number(union.evidence_window_days),
                                          union=union.name)):
        return redirect(url_for("organizing.unit_strength", unit_id=unit.id))
    return _strength_page(unit, window_form=form)


def _temperature_check_words(title: str, counts: bool) -> str:
    if counts:
        return gettext("“%(title)s” counts as the unit's temperature check.", title=title)
    return gettext("“%(title)s” no longer counts as the unit's temperature check.", title=title)


@organizing_bp.route("/surveys/<int:survey_id>/temperature-check", methods=["POST"])
@organizer_required
def set_temperature_check(survey_id: int):
    """Count a released one-off pulse as the unit's temperature check, or stop counting it."""
    survey, unit = get_survey_for_organizer_or_404(survey_id)
    form = TemperatureCheckForm()
    if not form.validate_on_submit():
        abort(400, gettext("The form was incomplete."))
    unit_of_work(lambda: temperature.set_temperature_check(current_user, survey, form.counts.data == "yes"),
                 success=lambda counts: _temperature_check_words(survey.title, counts))
    return redirect(url_for("organizing.unit_strength", unit_id=unit.id))


@organizing_bp.route("/structure-tests/<int:test_id>/remove", methods=["POST"])
@organizer_required
def remove_structure_test(test_id: int):
    test = get_structure_test_for_organizer_or_404(test_id)
    unit_id = test.unit_id
    if not ConfirmForm().validate_on_submit():
        abort(400, gettext("The removal form was incomplete."))
    unit_of_work(lambda: structure_tests.remove(current_user, test), success=gettext("Structure test removed."))
    return redirect(url_for("organizing.unit_strength", unit_id=unit_id))
