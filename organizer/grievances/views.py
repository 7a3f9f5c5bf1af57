"""Pages of reports and grievances (the `grievances` blueprint): the member's
"Report a problem at work", their reports and each one's page; a steward's key
for reports, their unit's grievances and each one's page; and the organizers'
rules (days at each step, from when reports are counted, places to turn to).

The forms that carry something sealed in the browser (a report, an addition,
an answer) are posted by the page's script, which asks for JSON: it keeps
what was typed on the page when a post is refused, and when the stewards'
keys changed meanwhile it shows the new ones (with the codes it works out)
before the person sends again. Copies of a report's keys for newer stewards
are posted by a steward's page script alone, and answered in JSON. Without the script nothing can be sealed,
and the same post answers the page with the refusal. Those four are exempt
from the app-wide CSRF check only so that an expired token is answered in
the script's JSON too: their forms check the same token before anything runs."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from core.authz import role_required
from core.extensions import csrf
from core.views import render_form, unit_of_work
from organizer.charting.forms import ConfirmForm
from organizer.charting.loaders import get_or_404, get_union_for_organizer_or_404, get_unit_for_steward_or_404
from organizer.charting.models import BargainingUnit
from organizer.grievances import copies, forms, keys, pages, rules, services
from organizer.grievances.loaders import (
    get_grievance_for_steward_or_404,
    get_referral_for_organizer_or_404,
    get_report_for_its_member_or_404,
)
from organizer.roles import Role

grievances_bp = Blueprint("grievances", __name__)

member_required = role_required(Role.MEMBER)
steward_required = role_required(Role.STEWARD)
organizer_required = role_required(Role.ORGANIZER)


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _form_refusal(form) -> str:
    if form.errors.get("csrf_token"):
        return gettext("This page has expired. Reload it and try again: nothing was sent.")
    return next((message for messages in form.errors.values() for message in messages),
                gettext("The form was incomplete."))


def _sealed_post(form, action: Callable, next_url: Callable, success: str, page: Callable):
    """A post of something sealed in the browser: JSON for the script (201 and where to go, or the
    refusal in words), else the page again with the refusal, or on to `next_url`."""
    done = unit_of_work(action, success=success, flash_refusal=False, form=None if _wants_json() else form) \
        if form.validate_on_submit() else None
    if _wants_json():
        if done:
            return jsonify(next=next_url(done.value)), 201
        refused = done.refused if done is not None else None
        body = {"error": refused.message if refused else _form_refusal(form), "field": getattr(refused, "field", None)}
        if isinstance(refused, services.KeysChanged):
            body["recipients"] = [pages.b64(key) for key in refused.recipients]
            body["stewards"] = pages.stewards_material(refused.stewards)
        return jsonify(body), refused.status if refused else 400
    if done:
        return redirect(next_url(done.value))
    return page()


# -- the member ------------------------------------------------------------------------------------

@grievances_bp.route("/my/reports")
@member_required
def my_reports():
    return render_template("grievances/my_reports.html", reports=services.my_reports(current_user),
                           units=services.units_to_report_to(current_user))


def _unit_to_report_to() -> BargainingUnit:
    units = services.units_to_report_to(current_user)
    wanted = request.args.get("unit", type=int)
    unit = next((u for u in units if u.id == wanted), None) if wanted else (units[0] if units else None)
    if unit is None:
        abort(404)
    return unit


@grievances_bp.route("/my/reports/new", methods=["GET", "POST"])
@csrf.exempt
@member_required
def new_report():
    """Report a problem at work: sealed on the member's device to their unit's stewards."""
    unit = _unit_to_report_to()
    form = forms.ReportForm()

    def page():
        return render_form("grievances/new_report.html", form, page=pages.new_report_page(current_user, unit))

    if request.method == "GET":
        return page()
    return _sealed_post(form, lambda: services.file_report(current_user, unit, form.filing()),
                        lambda grievance: url_for("grievances.my_report", public_id=grievance.public_id),
                        gettext("Your report is sent, sealed to your stewards."), page)


def _my_report_page(grievance, addition_form=None):
    form = addition_form or forms.AdditionForm(formdata=None)
    return render_form("grievances/my_report.html", form, page=pages.member_page(current_user, grievance),
                       confirm_form=ConfirmForm())


@grievances_bp.route("/my/reports/<public_id>")
@login_required
def my_report(public_id: str):
    return _my_report_page(get_report_for_its_member_or_404(public_id))


@grievances_bp.route("/my/reports/<public_id>/add", methods=["POST"])
@csrf.exempt
@login_required
def add_to_report(public_id: str):
    grievance = get_report_for_its_member_or_404(public_id)
    form = forms.AdditionForm()
    return _sealed_post(form, lambda: services.add_to_report(current_user, grievance, form.envelope_bytes(),
                                                             form.new_key()),
                        lambda _: url_for("grievances.my_report", public_id=grievance.public_id),
                        gettext("Added, sealed to your stewards."), lambda: _my_report_page(grievance, form))


@grievances_bp.route("/my/reports/<public_id>/withdraw", methods=["POST"])
@login_required
def withdraw_report(public_id: str):
    grievance = get_report_for_its_member_or_404(public_id)
    ConfirmForm().validate_on_submit() or abort(400, gettext("The form was incomplete."))
    unit_of_work(lambda: services.withdraw(current_user, grievance),
                 success=gettext("Your report is withdrawn. The stewards see that you withdrew it."))
    return redirect(url_for("grievances.my_report", public_id=grievance.public_id))


# -- the stewards ----------------------------------------------------------------------------------

@grievances_bp.route("/steward/report-key", methods=["GET", "POST"])
@steward_required
def steward_key():
    """A steward's key for members' reports, made in their browser."""
    form = forms.StewardKeyForm()
    if form.validate_on_submit() and unit_of_work(lambda: keys.make_key(current_user, form.made_key()), form=form,
                                                  success=gettext("Your key is made. New reports from members are "
                                                                  "sealed to it.")):
        return redirect(url_for("grievances.steward_key"))
    return render_form("grievances/steward_key.html", form, page=pages.steward_key_page(current_user),
                       units=[get_or_404(BargainingUnit, unit_id)
                              for unit_id in sorted(current_user.unit_ids_as(Role.STEWARD))])


@grievances_bp.route("/units/<int:unit_id>/grievances")
@steward_required
def unit_grievances(unit_id: int):
    unit = get_unit_for_steward_or_404(unit_id)
    return render_template("grievances/unit_grievances.html", page=pages.unit_page(current_user, unit))


def _steward_page(grievance, step_form=None, reply_form=None):
    step_form = step_form or forms.StepForm(formdata=None)
    step_form.set_steps(grievance.step)
    refused = any(f is not None and (f.errors or f.form_errors) for f in (step_form, reply_form))
    return render_template("grievances/grievance.html", page=pages.steward_page(current_user, grievance),
                           step_form=step_form, reply_form=reply_form or forms.ReplyForm(formdata=None),
                           has_key=keys.current_key(current_user) is not None), 400 if refused else 200


@grievances_bp.route("/grievances/<public_id>")
@steward_required
def grievance(public_id: str):
    return _steward_page(get_grievance_for_steward_or_404(public_id))


@grievances_bp.route("/grievances/<public_id>/reply", methods=["POST"])
@csrf.exempt
@steward_required
def reply(public_id: str):
    grievance = get_grievance_for_steward_or_404(public_id)
    form = forms.ReplyForm()
    return _sealed_post(form, lambda: services.reply(current_user, grievance, form.envelope_bytes()),
                        lambda _: url_for("grievances.grievance", public_id=grievance.public_id),
                        gettext("Your answer is sent, sealed to the member."),
                        lambda: _steward_page(grievance, reply_form=form))


@grievances_bp.route("/grievances/<public_id>/copies", methods=["POST"])
@csrf.exempt
@steward_required
def pass_on(public_id: str):
    """Copies of a report's keys for newer stewards, made in a steward's browser; only its script posts
    here, and is answered in JSON (CSRF checked by the form, as for the sealed posts above)."""
    grievance = get_grievance_for_steward_or_404(public_id)
    form = forms.CopiesForm()
    if not form.validate_on_submit():
        return jsonify(error=_form_refusal(form), field=None), 400
    done = unit_of_work(lambda: copies.pass_on(current_user, grievance, form.posted()), flash_refusal=False)
    if not done:
        return jsonify(error=done.refused.message, field=done.refused.field), done.refused.status
    return jsonify(copied=len(done.value)), 201


@grievances_bp.route("/grievances/<public_id>/step", methods=["POST"])
@steward_required
def move_step(public_id: str):
    grievance = get_grievance_for_steward_or_404(public_id)
    form = forms.StepForm()
    form.set_steps(grievance.step)
    if form.validate_on_submit() and unit_of_work(lambda: services.move(current_user, grievance, form.change()),
                                                  form=form, success=lambda taken: gettext(
                                                      "Moved to %(step)s.", step=taken.step.label)):
        return redirect(url_for("grievances.grievance", public_id=grievance.public_id))
    return _steward_page(grievance, step_form=form)


# -- the organizers --------------------------------------------------------------------------------

def _rules_page(union, form=None, referral_form=None):
    if form is None:
        stored = rules.deadlines_of(union)
        form = forms.RulesForm(formdata=None, counted_since=stored.counted_since,
                               **{f"days_{step.value}": days for step, days in stored.days.items()})
    referral_form = referral_form or forms.ReferralForm(formdata=None)
    refused = any(f.errors or f.form_errors for f in (form, referral_form))
    return render_template("grievances/rules.html", union=union, form=form, referral_form=referral_form,
                           referrals=rules.referrals_of(union), confirm_form=ConfirmForm()), 400 if refused else 200


@grievances_bp.route("/unions/<int:union_id>/grievance-rules", methods=["GET", "POST"])
@organizer_required
def union_rules(union_id: int):
    union = get_union_for_organizer_or_404(union_id)
    form = forms.RulesForm()
    if form.validate_on_submit() and unit_of_work(lambda: rules.set_deadlines(current_user, union, form.deadlines()),
                                                  form=form, success=gettext("Saved, for every unit of the union.")):
        return redirect(url_for("grievances.union_rules", union_id=union.id))
    return _rules_page(union, form if request.method == "POST" else None)


@grievances_bp.route("/unions/<int:union_id>/grievance-rules/referrals", methods=["POST"])
@organizer_required
def add_referral(union_id: int):
    union = get_union_for_organizer_or_404(union_id)
    form = forms.ReferralForm()
    if form.validate_on_submit() and unit_of_work(lambda: rules.add_referral(
            current_user, union, form.name.data, form.helps_with.data, form.reach.data), form=form,
            success=gettext("Added. Members see it on the report page.")):
        return redirect(url_for("grievances.union_rules", union_id=union.id))
    return _rules_page(union, referral_form=form)


@grievances_bp.route("/grievance-referrals/<int:referral_id>/remove", methods=["POST"])
@organizer_required
def remove_referral(referral_id: int):
    referral = get_referral_for_organizer_or_404(referral_id)
    union_id = referral.union_id
    ConfirmForm().validate_on_submit() or abort(400, gettext("The form was incomplete."))
    unit_of_work(lambda: rules.remove_referral(current_user, referral), success=gettext("Removed."))
    return redirect(url_for("grievances.union_rules", union_id=union_id))

