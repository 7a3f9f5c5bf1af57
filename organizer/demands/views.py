"""Members' leverage profiles and demands, shown with their collective context;
stewards' view of a unit's demands and the employer's answers; organizers'
endorsement requests (the `demands` blueprint). Also the survey answer form
and results page (of the `surveys_ui` blueprint), which show the words of the
claims and demands an endorsement survey asks about."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from core.authz import role_required
from core.extensions import db
from core.refusals import Refused
from core.views import render_form, unit_of_work
from organizer.accounts import services as accounts
from organizer.charting.forms import ConfirmForm
from organizer.charting.loaders import get_unit_for_organizer_or_404
from organizer.demands import services as demands
from organizer.demands.forms import ClaimForm, DemandForm, EndorsementLaunchForm, ResponseForm, SameAsForm
from organizer.demands.loaders import (
    get_claim_for_author_or_404,
    get_demand_for_author_or_404,
    get_demand_for_steward_or_404,
    get_unit_for_demand_readers_or_404,
)
from organizer.demands.models import Basis, Category, ClaimSection, Demand, DemandKind, EmployerResponse, Tier
from organizer.roles import Role
from organizer.strength import metrics
from organizer.unit_surveys import services as unit_surveys
from organizer.unit_surveys.forms import answer_form_class, answers_from
from organizer.unit_surveys.loaders import get_survey_for_member_or_404, get_survey_for_viewer_or_404
from organizer.unit_surveys.views import surveys_bp
from surveys import ballot_box
from surveys.errors import SurveyError
from surveys.results import results_of

demands_bp = Blueprint("demands", __name__)

member_required = role_required(Role.MEMBER)

organizer_required = role_required(Role.ORGANIZER)

readers_required = role_required(Role.STEWARD, Role.ORGANIZER)


def _details(form: DemandForm) -> demands.DemandDetails:
    return demands.DemandDetails(
        kind=DemandKind(form.kind.data), tier=Tier(form.tier.data), basis=Basis(form.basis.data),
        category=Category(form.category.data), text=form.text.data, is_attributable=form.is_attributable.data,
        claim_ids=form.claim_ids.data or [])


# -- members --------------------------------------------------------------------------------------

@demands_bp.route("/my/demands")
@member_required
def my_demands():
    unit = demands.member_unit(current_user)
    return render_template("demands/my_demands.html", unit=unit, strength=metrics.unit_strength(unit),
                           items=demands.in_context(unit, demands.demands_of(current_user)),
                           confirm_form=ConfirmForm())


@demands_bp.route("/my/demands/new", methods=["GET", "POST"])
@member_required
def new_demand():
    form = DemandForm()
    form.set_claim_choices(demands.claims_of(current_user))
    if form.validate_on_submit() and unit_of_work(
            lambda: demands.create_demand(current_user, _details(form)), form=form,
            success="Demand saved. Ask your coworkers to back it when you are ready."):
        return redirect(url_for("demands.my_demands"))
    return render_form("demands/demand_form.html", form, demand=None)


@demands_bp.route("/demands/<int:demand_id>/edit", methods=["GET", "POST"])
@member_required
def edit_demand(demand_id: int):
    demand = get_demand_for_author_or_404(demand_id)
    form = DemandForm(obj=demand)
    form.set_claim_choices(demands.claims_of(current_user))
    if not form.is_submitted():
        form.claim_ids.data = [claim.id for claim in demand.claims]
    if form.validate_on_submit() and unit_of_work(
            lambda: demands.update_demand(current_user, demand, _details(form)), form=form, success="Demand updated."):
        return redirect(url_for("demands.my_demands"))
    return render_form("demands/demand_form.html", form, demand=demand)


def _button(action, item, done: str, back: str):
    """A confirmed button press on one of the member's own items: act, commit, say so, go back."""
    if not ConfirmForm().validate_on_submit():
        abort(400, "The form was incomplete; reload the page and try again.")
    unit_of_work(lambda: action(current_user, item), success=done)
    return redirect(back)


ASKED = "Asked. An organizer will send your coworkers a short anonymous survey about it."


@demands_bp.route("/demands/<int:demand_id>/remove", methods=["POST"])
@member_required
def remove_demand(demand_id: int):
    return _button(demands.remove_item, get_demand_for_author_or_404(demand_id), "Demand removed.",
                   url_for("demands.my_demands"))


@demands_bp.route("/demands/<int:demand_id>/endorse", methods=["POST"])
@member_required
def request_demand_endorsement(demand_id: int):
    return _button(demands.request_endorsement, get_demand_for_author_or_404(demand_id), ASKED,
                   url_for("demands.my_demands"))


@demands_bp.route("/my/profile", methods=["GET", "POST"])
@member_required
def profile():
    form = ClaimForm()
    if form.validate_on_submit() and unit_of_work(lambda: demands.add_claim(current_user, demands.ClaimDetails(
            section=ClaimSection(form.section.data), text=form.text.data, year=form.year.data)),
            form=form, success="Added to your profile."):
        return redirect(url_for("demands.profile"))
    unit = demands.member_unit(current_user)
    claims = demands.claims_of(current_user)
    return render_form("demands/profile.html", form, claims=claims, sections=list(ClaimSection),
                       backing=metrics.backings(unit, claims), confirm_form=ConfirmForm())


@demands_bp.route("/claims/<int:claim_id>/remove", methods=["POST"])
@member_required
def remove_claim(claim_id: int):
    return _button(demands.remove_item, get_claim_for_author_or_404(claim_id), "Removed from your profile.",
                   url_for("demands.profile"))


@demands_bp.route("/claims/<int:claim_id>/endorse", methods=["POST"])
@member_required
def request_claim_endorsement(claim_id: int):
    return _button(demands.request_endorsement, get_claim_for_author_or_404(claim_id), ASKED,
                   url_for("demands.profile"))


# -- stewards and organizers ----------------------------------------------------------------------

def _unit_page(unit, failed_form: ResponseForm | None = None, failed: Demand | None = None):
    every = demands.unit_demands(current_user, unit)
    items = demands.in_context(unit, every)
    is_steward = current_user.stewards(unit)
    forms: dict[int, ResponseForm] = {}
    for item in items if is_steward else []:
        demand = item.demand
        forms[demand.id] = failed_form if failed is not None and demand.id == failed.id else ResponseForm(
            formdata=None, prefix=_prefix(demand),
            # Each answer is added to the history: the note starts empty, for new words.
            response=(demand.employer_response or EmployerResponse.NO_ANSWER).value)
    return render_template("demands/unit_demands.html", unit=unit, strength=metrics.unit_strength(unit),
                           items=items, forms=forms, is_steward=is_steward)


def _prefix(demand: Demand) -> str:
    # One set of forms per demand on the page: the prefix keeps every field's id unique.
    return f"demand{demand.id}"


@demands_bp.route("/units/<int:unit_id>/demands")
@readers_required
def unit_demands(unit_id: int):
    return _unit_page(get_unit_for_demand_readers_or_404(unit_id))


@demands_bp.route("/demands/<int:demand_id>/response", methods=["POST"])
@role_required(Role.STEWARD)
def record_response(demand_id: int):
    demand = get_demand_for_steward_or_404(demand_id)
    form = ResponseForm(prefix=_prefix(demand))
    if form.validate_on_submit() and unit_of_work(
            lambda: demands.record_response(current_user, demand, EmployerResponse(form.response.data), form.note.data),
            form=form, success="The employer's answer is recorded."):
        return redirect(url_for("demands.unit_demands", unit_id=demand.unit_id) + f"#demand-{demand.id}")
    return _unit_page(demand.unit, form, demand), 400


@demands_bp.route("/demands/<int:demand_id>/same-as", methods=["GET", "POST"])
@role_required(Role.STEWARD)
def mark_same_as(demand_id: int):
    # A page of its own: its choices list every other demand of the unit, which on
    # each of a large unit's cards would make the demands page grow with its square.
    demand = get_demand_for_steward_or_404(demand_id)
    form = SameAsForm(prefix=_prefix(demand), same_as=demand.same_as_id)
    form.set_choices(demand, demands.unit_demands(current_user, demand.unit))
    if form.validate_on_submit() and unit_of_work(
            lambda: demands.mark_same_as(current_user, demand, _demand_or_none(form.same_as.data)), form=form,
            success=lambda marked: "Combined: the summary lists it once and counts both members."
            if marked.same_as_id is not None else "No longer combined."):
        return redirect(url_for("demands.unit_demands", unit_id=demand.unit_id) + f"#demand-{demand.id}")
    return render_template("demands/same_as.html", demand=demand, form=form), 400 if form.is_submitted() else 200


def _demand_or_none(demand_id: int | None) -> Demand | None:
    return db.session.get(Demand, demand_id) if demand_id is not None else None


@demands_bp.route("/units/<int:unit_id>/endorsements")
@organizer_required
def endorsement_requests(unit_id: int):
    unit = get_unit_for_organizer_or_404(unit_id)
    return render_template("demands/endorsements.html", unit=unit,
                           requests=demands.pending_requests(current_user, unit), form=EndorsementLaunchForm())


@demands_bp.route("/units/<int:unit_id>/endorsements/launch", methods=["POST"])
@organizer_required
def launch_endorsement(unit_id: int):
    unit = get_unit_for_organizer_or_404(unit_id)
    form = EndorsementLaunchForm()
    if form.validate_on_submit() and unit_of_work(
            lambda: demands.launch_endorsement_survey(current_user, unit, form.request.data, form.days_open.data),
            form=form, success=lambda report: f"Endorsement survey sent to {report.eligible} coworkers. "
                                              "Its weights appear when it closes."):
        return redirect(url_for("demands.endorsement_requests", unit_id=unit.id))
    return render_template("demands/endorsements.html", unit=unit,
                           requests=demands.pending_requests(current_user, unit), form=form), 400


@surveys_bp.route("/surveys/<int:survey_id>/answer", methods=["GET", "POST"])
@role_required(Role.MEMBER)
def answer(survey_id: int):
    survey = get_survey_for_member_or_404(survey_id)
    ref = accounts.account_ref(current_user)
    form = answer_form_class(survey.questions)()
    # On POST the ballot box makes these checks itself, in the transaction that stores the ballot.
    refused = _not_answerable_page(survey, ref) if request.method == "GET" else None
    if refused is None and form.validate_on_submit():
        # Only the named AnswerInvalid is the member's input: a ValueError from deeper
        # down (a damaged stored key, say) is a fault of ours, for the error page.
        # The receipt is rendered inside the unit of work, before the commit, so it
        # needs nothing from the database after it: a member whose ballot is stored always sees it.
        cast = unit_of_work(lambda: render_template("surveys/receipt.html", survey=survey, receipt=ballot_box.cast(
            survey, ref, answers_from(form, survey.questions))), form=form, flash_refusal=False)
        if cast:
            return cast.value
        if not cast.refused.field:
            return _not_open(survey, cast.refused)
    return refused or render_form("surveys/answer.html", form, survey=survey,
                                  subjects=demands.subject_texts(survey.questions))


def _not_answerable_page(survey, ref: str):
    try:
        unit_surveys.require_answerable(survey, ref)
    except SurveyError as refused:
        return _not_open(survey, refused)
    return None


def _not_open(survey, refused: Refused):
    return render_template("surveys/not_open.html", survey=survey, message=refused.message), refused.status


# -- results --------------------------------------------------------------------------------------

@surveys_bp.route("/surveys/<int:survey_id>/results")
@login_required
def results(survey_id: int):
    survey, unit = get_survey_for_viewer_or_404(survey_id)
    try:
        unit_surveys.require_released(survey)
    except SurveyError as refused:
        return _not_open(survey, refused)
    return render_template("surveys/results.html", survey=survey, unit=unit,
                           view=results_of(survey), subjects=demands.subject_texts(survey.questions),
                           who_can_decrypt=unit_surveys.who_can_decrypt(survey))
