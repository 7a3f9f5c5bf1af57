"""Members' leverage profiles and demands, shown with their collective context;
stewards' view of a unit's demands and the employer's answers; organizers'
endorsement requests (the `demands` blueprint). Also the survey results page
(of the `surveys_ui` blueprint), which shows the words of the claims and
demands an endorsement survey asks about; the answer page is the booth's."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext, lazy_gettext, ngettext
from flask_login import current_user, login_required

from core.authz import role_required
from core.extensions import db
from core.refusals import Refused
from core.views import render_form, unit_of_work
from organizer.charting.forms import ConfirmForm
from organizer.charting.loaders import get_unit_for_organizer_or_404
from organizer.demands import services as demands
from organizer.demands.forms import (
    ClaimForm,
    DemandForm,
    EndorsementLaunchForm,
    GrewFromForm,
    ResponseForm,
    SameAsForm,
    UnitDemandsFilterForm,
)
from organizer.demands.loaders import (
    get_claim_for_author_or_404,
    get_demand_for_author_or_404,
    get_demand_for_steward_or_404,
    get_unit_for_demand_readers_or_404,
)
from organizer.demands.models import Basis, Category, ClaimSection, Demand, DemandKind, EmployerResponse, Tier
from organizer.roles import Role
from organizer.strength import metrics
from organizer.unit_surveys import pay
from organizer.unit_surveys import services as unit_surveys
from organizer.unit_surveys.loaders import get_survey_for_viewer_or_404
from organizer.unit_surveys.views import surveys_bp
from surveys.errors import SurveyError
from surveys.models import SurveyKind
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
                           items=demands.in_context(unit, demands.demands_of(current_user), viewer=current_user),
                           confirm_form=ConfirmForm())


@demands_bp.route("/my/demands/new", methods=["GET", "POST"])
@member_required
def new_demand():
    form = DemandForm()
    form.set_claim_choices(demands.claims_of(current_user))
    if form.validate_on_submit() and unit_of_work(
            lambda: demands.create_demand(current_user, _details(form)), form=form,
            success=gettext("Demand saved. Ask your coworkers to back it when you are ready.")):
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
            lambda: demands.update_demand(current_user, demand, _details(form)), form=form,
            success=gettext("Demand updated.")):
        return redirect(url_for("demands.my_demands"))
    return render_form("demands/demand_form.html", form, demand=demand)


def _button(action, item, done: str, back: str):
    """A confirmed button press on one of the member's own items: act, commit, say so, go back."""
    if not ConfirmForm().validate_on_submit():
        abort(400, gettext("The form was incomplete; reload the page and try again."))
    # Words now, in the reader's language: a flash cannot hold a lazy string.
    unit_of_work(lambda: action(current_user, item), success=str(done))
    return redirect(back)


ASKED = lazy_gettext("Asked. An organizer will send your coworkers a short anonymous survey about it.")


@demands_bp.route("/demands/<int:demand_id>/remove", methods=["POST"])
@member_required
def remove_demand(demand_id: int):
    return _button(demands.remove_item, get_demand_for_author_or_404(demand_id), gettext("Demand removed."),
                   url_for("demands.my_demands"))


@demands_bp.route("/demands/<int:demand_id>/endorse", methods=["POST"])
@member_required
def request_demand_endorsement(demand_id: int):
    return _button(demands.request_endorsement, get_demand_for_author_or_404(demand_id), ASKED,
                   url_for("demands.my_demands"))


@demands_bp.route("/my/profile", methods=["GET", "POST"])
@member_required
def profile():
    claims = demands.claims_of(current_user)
    form = ClaimForm()
    form.set_qualification_choices(claims)
    if form.validate_on_submit() and unit_of_work(lambda: demands.add_claim(current_user, demands.ClaimDetails(
            section=ClaimSection(form.section.data), text=form.text.data, year=form.year.data,
            grew_from_id=form.grew_from_id.data)), form=form, success=gettext("Added to your profile.")):
        return redirect(url_for("demands.profile"))
    unit = demands.member_unit(current_user)
    return render_form("demands/profile.html", form, claims=claims, sections=list(ClaimSection),
                       lineages=demands.lineages(claims), backing=metrics.backings(unit, claims),
                       confirm_form=ConfirmForm(), grew_from_forms={
                           claim.id: _grew_from_form(claims, claim) for claim in claims
                           if claim.section is ClaimSection.PERFORMANCE})


def _grew_from_form(claims, achievement, formdata=None) -> GrewFromForm:
    # One form per achievement on the page: the prefix keeps each one's field ids apart.
    form = GrewFromForm(formdata=formdata, prefix=f"claim{achievement.id}", grew_from_id=achievement.grew_from_id)
    form.set_qualification_choices(claims)
    return form


@demands_bp.route("/claims/<int:claim_id>/grew-from", methods=["POST"])
@member_required
def link_achievement(claim_id: int):
    achievement = get_claim_for_author_or_404(claim_id)
    form = _grew_from_form(demands.claims_of(current_user), achievement, request.form)
    if not form.validate():
        abort(400, gettext("Choose one of your own qualifications at hire, then save again."))
    unit_of_work(lambda: demands.link_achievement(current_user, achievement, form.grew_from_id.data),
                 success=gettext("Saved."))
    return redirect(url_for("demands.profile", _anchor=f"claim-{achievement.id}"))


@demands_bp.route("/claims/<int:claim_id>/remove", methods=["POST"])
@member_required
def remove_claim(claim_id: int):
    return _button(demands.remove_item, get_claim_for_author_or_404(claim_id), gettext("Removed from your profile."),
                   url_for("demands.profile"))


@demands_bp.route("/claims/<int:claim_id>/endorse", methods=["POST"])
@member_required
def request_claim_endorsement(claim_id: int):
    return _button(demands.request_endorsement, get_claim_for_author_or_404(claim_id), ASKED,
                   url_for("demands.profile"))


# -- stewards and organizers ----------------------------------------------------------------------

def _unit_page(unit, filters: UnitDemandsFilterForm, failed: tuple[Demand, ResponseForm] | None = None):
    """One page of the unit's demands; `failed`, a refused answer form, is shown beside its demand."""
    view = demands.unit_demands_page(current_user, unit, filters.filters, filters.page.data or 1)
    if failed is not None and failed[0].id not in {item.demand.id for item in view.items}:
        # The list the form came from no longer holds it: show its page of the whole list instead.
        filters = UnitDemandsFilterForm(formdata=None)
        view = demands.unit_demands_page(current_user, unit, page=demands.page_of(current_user, failed[0]) or 1)
    is_steward = current_user.stewards(unit)
    forms: dict[int, ResponseForm] = {}
    for item in view.items if is_steward else []:
        demand = item.demand
        forms[demand.id] = failed[1] if failed is not None and demand.id == failed[0].id else ResponseForm(
            formdata=None, prefix=_prefix(demand),
            # Each answer is added to the history: the note starts empty, for new words.
            response=(demand.employer_response or EmployerResponse.NO_ANSWER).value)
    return render_template("demands/unit_demands.html", unit=unit, strength=metrics.unit_strength(unit),
                           view=view, filters=filters, page_args=filters.query_args(), forms=forms,
                           is_steward=is_steward)


def _prefix(demand: Demand) -> str:
    # One set of forms per demand on the page: the prefix keeps every field's id unique.
    return f"demand{demand.id}"


def _list_filters() -> UnitDemandsFilterForm:
    """The page and filters of the list an answer form was sent from (in its address); the
    whole list's first page if they were tampered with, since the answer itself is what counts."""
    filters = UnitDemandsFilterForm(request.args)
    return filters if filters.validate() else UnitDemandsFilterForm(formdata=None)


def _list_url(unit_id: int, filters: UnitDemandsFilterForm, demand: Demand) -> str:
    page = {"page": filters.page.data} if (filters.page.data or 1) > 1 else {}
    return url_for("demands.unit_demands", unit_id=unit_id, **filters.query_args(), **page) + f"#demand-{demand.id}"


@demands_bp.route("/units/<int:unit_id>/demands")
@readers_required
def unit_demands(unit_id: int):
    unit = get_unit_for_demand_readers_or_404(unit_id)
    filters = UnitDemandsFilterForm(request.args)
    if request.args and not filters.validate():
        return render_template("demands/unit_demands.html", unit=unit, strength=metrics.unit_strength(unit),
                               view=None, filters=filters, page_args={}, forms={}, is_steward=False), 400
    return _unit_page(unit, filters)


@demands_bp.route("/demands/<int:demand_id>/response", methods=["POST"])
@role_required(Role.STEWARD)
def record_response(demand_id: int):
    demand = get_demand_for_steward_or_404(demand_id)
    form, filters = ResponseForm(prefix=_prefix(demand)), _list_filters()
    if form.validate_on_submit() and unit_of_work(
            lambda: demands.record_response(current_user, demand, EmployerResponse(form.response.data), form.note.data),
            form=form, success=gettext("The employer's answer is recorded.")):
        return redirect(_list_url(demand.unit_id, filters, demand))
    return _unit_page(demand.unit, filters, (demand, form)), 400


@demands_bp.route("/demands/<int:demand_id>/same-as", methods=["GET", "POST"])
@role_required(Role.STEWARD)
def mark_same_as(demand_id: int):
    # A page of its own: its choices list every other demand of the unit, which on
    # each of a large unit's cards would make the demands page grow with its square.
    demand = get_demand_for_steward_or_404(demand_id)
    form = SameAsForm(prefix=_prefix(demand), same_as=demand.same_as_id)
    form.set_choices(demands.same_as_choices(current_user, demand))
    if form.validate_on_submit() and unit_of_work(
            lambda: demands.mark_same_as(current_user, demand, _demand_or_none(form.same_as.data)), form=form,
            success=lambda marked: gettext("Combined: the summary lists it once and counts both members.")
            if marked.same_as_id is not None else gettext("No longer combined.")):
        return redirect(_back_to_its_page(demand))
    return render_template("demands/same_as.html", demand=demand, form=form, back=_back_to_its_page(demand)), (
        400 if form.is_submitted() else 200)


def _back_to_its_page(demand: Demand) -> str:
    page = demands.page_of(current_user, demand) or 1
    return url_for("demands.unit_demands", unit_id=demand.unit_id, **({"page": page} if page > 1 else {})) + (
        f"#demand-{demand.id}")


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
            form=form, success=lambda report: ngettext(
                "Endorsement survey sent to %(num)d coworker. Its weights appear when it closes.",
                "Endorsement survey sent to %(num)d coworkers. Its weights appear when it closes.",
                report.eligible)):
        return redirect(url_for("demands.endorsement_requests", unit_id=unit.id))
    return render_template("demands/endorsements.html", unit=unit,
                           requests=demands.pending_requests(current_user, unit), form=form), 400


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
    if survey.kind == SurveyKind.PAY:
        return render_template("surveys/pay_results.html", survey=survey, unit=unit, view=results_of(survey),
                               pay=pay.pay_results(survey), who_can_decrypt=unit_surveys.who_can_decrypt(survey))
    return render_template("surveys/results.html", survey=survey, unit=unit,
                           view=results_of(survey), subjects=demands.subject_texts(survey.questions),
                           who_can_decrypt=unit_surveys.who_can_decrypt(survey))
