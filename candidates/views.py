"""A candidate's own pages (any signed-in account may keep a job search), and the
card an employer opens through a shared link, with no account (the `candidates`
blueprint). Views parse, load (someone else's rows are a 404), call one service
through the unit of work, and answer."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_limiter import RateLimitExceeded
from flask_login import current_user, login_required

from candidates import experiences, jobs, profiles, sharing
from candidates.forms import (
    AnswerForm,
    ButtonForm,
    CardFilterForm,
    ContactForm,
    ExperienceForm,
    JobForm,
    LookingForm,
    MatchForm,
    PreconditionForm,
    PreferenceForm,
    ProofForm,
    RequirementsForm,
    ShareForm,
    TIER_MEANINGS,
)
from candidates.loaders import (
    get_experience_or_404,
    get_job_or_404,
    get_link_or_404,
    get_match_or_404,
    get_precondition_or_404,
    get_preference_or_404,
    get_proof_or_404,
    get_requirement_or_404,
)
from candidates.models import IncomeBand, Job, LookingStatus, PreferenceAspect, ProofKind
from candidates.names import names_in
from core.extensions import db, limiter
from core.refusals import Refused
from core.views import render_form, unit_of_work
from ontology import Category, DemandKind, EmployerResponse, Tier

candidates_bp = Blueprint("candidates", __name__)


@candidates_bp.context_processor
def _tier_words() -> dict[str, object]:
    # A tier means something else to a job seeker than to a member (no strike in it).
    return {"tier_meanings": TIER_MEANINGS}


def profile_required(view: Callable) -> Callable:
    """Pages of a job search need one: without a profile, the profile page comes first."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        g.profile = profiles.profile_of(current_user)
        if g.profile is None:
            flash(gettext("Start with whether you are looking: it leads your card."), "info")
            return redirect(url_for("candidates.profile"))
        return view(*args, **kwargs)

    return wrapped


def _button(action: Callable[[], object], done: str, back: str):
    """A confirmed button press on one of the candidate's own items: act, commit, say so, go back."""
    if ButtonForm().validate_on_submit():
        unit_of_work(action, success=done)
    else:
        flash(gettext("The form was incomplete; reload the page and try again."), "error")
    return redirect(back)


def _warned(saved: str, names: list[str]) -> str:
    if not names:
        return saved
    return gettext("%(saved)s It seems to name an organisation (%(names)s). Employers read your card: the work "
                   "counts, not who it was for. Edit it if you would rather not name them.", saved=saved,
                   names=", ".join(f"“{name}”" for name in names))


# -- the profile: looking status, preferences, proof of leverage ------------------------------------

@candidates_bp.route("/candidate")
@login_required
def profile():
    return _profile_page()


def _profile_page(**forms):
    profile = profiles.profile_of(current_user)
    looking = forms.pop("looking_form", None) or LookingForm(
        formdata=None, looking=profile.looking.value if profile else None)
    context = dict(profile=profile, looking_form=looking, preference_form=PreferenceForm(formdata=None),
                   proof_form=ProofForm(formdata=None), buttons=ButtonForm(),
                   preferences=profiles.by_weight(profile.preferences) if profile else [],
                   proof_names={p.id: profiles.proof_names(p) for p in profile.proofs} if profile else {})
    context.update(forms)
    refused = request.method == "POST" and any(f.errors or f.form_errors for f in [looking, *forms.values()])
    context["looking_form"] = looking
    return render_template("candidates/profile.html", **context), 400 if refused else 200


@candidates_bp.route("/candidate/looking", methods=["POST"])
@login_required
def set_looking():
    form = LookingForm()
    if form.validate_on_submit() and unit_of_work(
            lambda: profiles.set_looking(current_user, LookingStatus(form.looking.data)), form=form,
            success=gettext("Saved. Your card leads with it.")):
        return redirect(url_for("candidates.profile"))
    return _profile_page(looking_form=form)


@candidates_bp.route("/candidate/preferences", methods=["POST"])
@profile_required
def add_preference():
    form = PreferenceForm()
    if form.validate_on_submit() and unit_of_work(lambda: profiles.add_preference(
            current_user, g.profile, profiles.PreferenceDetails(
                PreferenceAspect(form.aspect.data), Tier(form.tier.data), form.text.data)),
            form=form, success=gettext("Preference added.")):
        return redirect(url_for("candidates.profile") + "#preferences")
    return _profile_page(preference_form=form)


@candidates_bp.route("/candidate/preferences/<int:preference_id>/remove", methods=["POST"])
@login_required
def remove_preference(preference_id: int):
    preference = get_preference_or_404(preference_id)
    return _button(lambda: profiles.remove_preference(current_user, preference), gettext("Preference removed."),
                   url_for("candidates.profile") + "#preferences")


def _proof_details(form: ProofForm) -> profiles.ProofDetails:
    return profiles.ProofDetails(ProofKind(form.kind.data), form.description.data, IncomeBand(form.income.data),
                                 form.size.data, form.duration.data, form.names_on_purpose.data)


@candidates_bp.route("/candidate/proofs", methods=["POST"])
@profile_required
def add_proof():
    form = ProofForm()
    if form.validate_on_submit() and unit_of_work(
            lambda: profiles.add_proof(current_user, g.profile, _proof_details(form)), form=form,
            success=lambda proof: _warned(gettext("Added."), profiles.proof_names(proof))):
        return redirect(url_for("candidates.profile") + "#proofs")
    return _profile_page(proof_form=form)


@candidates_bp.route("/candidate/proofs/<int:proof_id>/remove", methods=["POST"])
@login_required
def remove_proof(proof_id: int):
    proof = get_proof_or_404(proof_id)
    return _button(lambda: profiles.remove_proof(current_user, proof), gettext("Removed."),
                   url_for("candidates.profile") + "#proofs")


# -- experiences ------------------------------------------------------------------------------------

def _experience_details(form: ExperienceForm) -> experiences.ExperienceDetails:
    return experiences.ExperienceDetails(what=form.what.data, achieved=form.achieved.data, skills=form.skills.data,
                                         scale=form.scale.data, years=form.years.data)


@candidates_bp.route("/candidate/experiences", methods=["GET", "POST"])
@profile_required
def experience_list():
    form = ExperienceForm()
    if form.validate_on_submit() and unit_of_work(
            lambda: experiences.add_experience(current_user, g.profile, _experience_details(form)), form=form,
            success=lambda added: _warned(gettext("Experience added."), experiences.organisations_named(added))):
        return redirect(url_for("candidates.experience_list"))
    return render_form("candidates/experiences.html", form, profile=g.profile, buttons=ButtonForm(),
                       named={e.id: experiences.organisations_named(e) for e in g.profile.experiences})


@candidates_bp.route("/candidate/experiences/<int:experience_id>/edit", methods=["GET", "POST"])
@login_required
def edit_experience(experience_id: int):
    experience = get_experience_or_404(experience_id)
    form = ExperienceForm(obj=experience)
    if form.validate_on_submit() and unit_of_work(
            lambda: experiences.update_experience(current_user, experience, _experience_details(form)), form=form,
            success=lambda saved: _warned(gettext("Experience saved."), experiences.organisations_named(saved))):
        return redirect(url_for("candidates.experience_list") + f"#experience-{experience.id}")
    return render_form("candidates/experience_form.html", form, experience=experience,
                       named=experiences.organisations_named(experience))


@candidates_bp.route("/candidate/experiences/<int:experience_id>/remove", methods=["POST"])
@login_required
def remove_experience(experience_id: int):
    experience = get_experience_or_404(experience_id)
    return _button(lambda: experiences.remove_experience(current_user, experience), gettext("Experience removed."),
                   url_for("candidates.experience_list"))


# -- preconditions and questions ---------------------------------------------------------------------

@candidates_bp.route("/candidate/questions", methods=["GET", "POST"])
@profile_required
def preconditions():
    form = PreconditionForm()
    if form.validate_on_submit() and unit_of_work(lambda: profiles.add_precondition(
            current_user, g.profile, profiles.PreconditionDetails(
                DemandKind(form.kind.data), Tier(form.tier.data), Category(form.category.data), form.text.data)),
            form=form, success=gettext("Added. Every card you share carries it.")):
        return redirect(url_for("candidates.preconditions"))
    return render_form("candidates/preconditions.html", form, asks=profiles.asks_by_weight(g.profile.preconditions),
                       buttons=ButtonForm())


@candidates_bp.route("/candidate/questions/<int:precondition_id>/remove", methods=["POST"])
@login_required
def remove_precondition(precondition_id: int):
    precondition = get_precondition_or_404(precondition_id)
    return _button(lambda: profiles.remove_precondition(current_user, precondition), gettext("Removed."),
                   url_for("candidates.preconditions"))


# -- jobs, their requirements and the mapping ---------------------------------------------------------

@candidates_bp.route("/candidate/jobs", methods=["GET", "POST"])
@profile_required
def job_list():
    form = JobForm()
    if form.validate_on_submit() and (added := unit_of_work(
            lambda: jobs.add_job(current_user, g.profile, form.title.data, form.listing.data), form=form,
            success=gettext("Job added. Map each requirement to the experience that meets it."))):
        return redirect(url_for("candidates.job", job_id=added.value.id))
    return render_form("candidates/jobs.html", form, profile=g.profile)


@candidates_bp.route("/candidate/jobs/<int:job_id>")
@login_required
def job(job_id: int):
    return _job_page(get_job_or_404(job_id))


def _job_page(job: Job, **forms):
    match_forms = {r.id: _match_form(r.id, job, formdata=None) for r in job.requirements}
    match_forms.update(forms.pop("match_forms", {}))
    context = dict(job=job, card=sharing.card_of(job), answers=sharing.answers_by_ask(job), match_forms=match_forms,
                   requirements_form=RequirementsForm(formdata=None), share_form=ShareForm(formdata=None),
                   contact_form=ContactForm(formdata=None, contact=job.contact), buttons=ButtonForm(),
                   named={m.id: names_in(m.how) for r in job.requirements for m in r.matches})
    context.update(forms)
    refused = request.method == "POST" and any(
        f.errors or f.form_errors for f in [*forms.values(), *match_forms.values()])
    return render_template("candidates/job.html", **context), 400 if refused else 200


def _match_form(requirement_id: int, job: Job, **kwargs) -> MatchForm:
    form = MatchForm(prefix=f"r{requirement_id}", **kwargs)
    form.set_experience_choices(job.profile.experiences)
    return form


@candidates_bp.route("/candidate/jobs/<int:job_id>/requirements", methods=["POST"])
@login_required
def add_requirements(job_id: int):
    job = get_job_or_404(job_id)
    form = RequirementsForm()
    if form.validate_on_submit() and unit_of_work(
            lambda: jobs.add_requirements(current_user, job, form.listing.data), form=form,
            success=lambda added: gettext("%(count)d requirements added.", count=len(added))):
        return redirect(url_for("candidates.job", job_id=job.id))
    return _job_page(job, requirements_form=form)


@candidates_bp.route("/candidate/requirements/<int:requirement_id>/remove", methods=["POST"])
@login_required
def remove_requirement(requirement_id: int):
    requirement = get_requirement_or_404(requirement_id)
    job_id = requirement.job_id
    return _button(lambda: jobs.remove_requirement(current_user, requirement), gettext("Requirement removed."),
                   url_for("candidates.job", job_id=job_id))


@candidates_bp.route("/candidate/requirements/<int:requirement_id>/map", methods=["POST"])
@login_required
def map_requirement(requirement_id: int):
    requirement = get_requirement_or_404(requirement_id)
    form = _match_form(requirement.id, requirement.job)
    if form.validate_on_submit():
        experience = get_experience_or_404(form.experience_id.data)
        if unit_of_work(lambda: jobs.map_requirement(current_user, requirement, experience, form.how.data),
                        form=form, success=lambda match: _warned(gettext("Mapped."), names_in(match.how))):
            return redirect(url_for("candidates.job", job_id=requirement.job_id) + f"#requirement-{requirement.id}")
    return _job_page(requirement.job, match_forms={requirement.id: form})


@candidates_bp.route("/candidate/matches/<int:match_id>/remove", methods=["POST"])
@login_required
def unmap(match_id: int):
    match = get_match_or_404(match_id)
    job_id = match.requirement.job_id
    return _button(lambda: jobs.unmap(current_user, match), gettext("Unmapped."),
                   url_for("candidates.job", job_id=job_id))


@candidates_bp.route("/candidate/jobs/<int:job_id>/contact", methods=["POST"])
@login_required
def set_contact(job_id: int):
    job = get_job_or_404(job_id)
    form = ContactForm()
    if form.validate_on_submit() and unit_of_work(
            lambda: jobs.set_contact(current_user, job, form.contact.data), form=form,
            success=gettext("Saved. The card shows it.") if form.contact.data else gettext("The card shows no "
                                                                                          "contact details.")):
        return redirect(url_for("candidates.job", job_id=job.id) + "#contact")
    return _job_page(job, contact_form=form)


@candidates_bp.route("/candidate/jobs/<int:job_id>/remove", methods=["POST"])
@login_required
def remove_job(job_id: int):
    job = get_job_or_404(job_id)
    return _button(lambda: jobs.remove_job(current_user, job), gettext("Job removed, with its card and links."),
                   url_for("candidates.job_list"))


@candidates_bp.route("/candidate/jobs/<int:job_id>/card")
@login_required
def preview_card(job_id: int):
    job = get_job_or_404(job_id)
    filters = CardFilterForm(request.args)
    filters.set_requirements(sharing.card_of(job).requirements)
    chosen = filters.need.data if request.args and filters.validate() else ()
    return render_template("candidates/card.html", card=sharing.card_of(job, chosen=chosen), filters=filters,
                           preview=True, answer_forms={}, filter_url=request.path), 400 if filters.errors else 200


# -- sharing: one link, one employer ---------------------------------------------------------------------

@candidates_bp.route("/candidate/jobs/<int:job_id>/share", methods=["POST"])
@login_required
def share_card(job_id: int):
    job = get_job_or_404(job_id)
    form = ShareForm()
    if form.validate_on_submit() and (shared := unit_of_work(
            lambda: sharing.share(current_user, job, form.days.data), form=form)):
        link, token = shared.value
        # The token is shown this once; only its hash is stored.
        return render_template("candidates/link_shown.html", job=job, link=link,
                               url=url_for("candidates.card", token=token, _external=True))
    return _job_page(job, share_form=form)


@candidates_bp.route("/candidate/links/<int:link_id>/revoke", methods=["POST"])
@login_required
def revoke_link(link_id: int):
    link = get_link_or_404(link_id)
    return _button(lambda: sharing.revoke(current_user, link), gettext("Link stopped: it no longer opens the card."),
                   url_for("candidates.job", job_id=link.job_id) + "#links")


# -- the employer's side: the card through its link --------------------------------------------------------

def _link_budget() -> str:
    return sharing.budget_key((request.view_args or {}).get("token", ""))


#: Every card route shares two budgets: one per link (the opener of one card, reading and
#: answering), and one over all links (someone trying tokens). Neither is keyed by an
#: address: none is ever read.
_card_limits = [
    limiter.shared_limit(lambda: current_app.config.get("CARD_LINK_LIMIT", sharing.CARD_LINK_LIMIT),
                         scope="card-link", key_func=_link_budget),
    limiter.shared_limit(lambda: current_app.config.get("CARD_LINKS_LIMIT", sharing.CARD_LINKS_LIMIT),
                         scope="card-links", key_func=lambda: "all"),
]


def card_limits(view: Callable) -> Callable:
    for limit in _card_limits:
        view = limit(view)
    return view


def _link_message(refused: Refused):
    return render_template("candidates/link_message.html", message=refused.message), refused.status


@candidates_bp.route("/candidate-card/<path:token>")
@card_limits
def card(token: str):
    try:
        link = sharing.find_link(token)
    except Refused as refused:
        return _link_message(refused)
    filters = CardFilterForm(request.args)
    filters.set_requirements(sharing.card_of(link.job).requirements)
    if request.args and not filters.validate():
        return _card_page(link, filters), 400
    if not request.args:
        # Only an opening counts: not the employer narrowing the card down, nor coming back after an answer.
        unit_of_work(lambda: sharing.count_view(link))
    return _card_page(link, filters)


def _card_page(link, filters: CardFilterForm, answer_forms: dict | None = None):
    chosen = filters.need.data if filters.need.data and not filters.errors else ()
    card = sharing.card_of(link.job, link, chosen)
    forms = {ask.precondition.id: AnswerForm(formdata=None, prefix=f"ask{ask.precondition.id}")
             for ask in card.asks if ask.answer is None}
    forms.update(answer_forms or {})
    return render_template("candidates/card.html", card=card, filters=filters, preview=False, answer_forms=forms,
                           token=request.view_args["token"], filter_url=request.path)


@candidates_bp.route("/candidate-card/<path:token>/asks/<int:precondition_id>", methods=["POST"])
@card_limits
def answer_ask(token: str, precondition_id: int):
    try:
        link = sharing.find_link(token)
        precondition = sharing.ask_on_card(link, precondition_id)
    except Refused as refused:
        return _link_message(refused)
    form = AnswerForm(prefix=f"ask{precondition_id}")
    if not form.validate_on_submit():
        return _card_page(link, CardFilterForm(formdata=None), {precondition_id: form}), 400
    given = unit_of_work(lambda: sharing.answer(link, precondition, EmployerResponse(form.response.data),
                                                form.how.data), flash_refusal=False)
    if not given:
        return _link_message(given.refused)
    flash(gettext("Thank you. The candidate sees your answer."), "success")
    # Back to the card, marked as a return (a query), so it is not counted as another opening.
    return redirect(url_for("candidates.card", token=token, answered=precondition_id) + f"#ask-{precondition_id}")


@candidates_bp.errorhandler(RateLimitExceeded)
def too_many_openings(error: RateLimitExceeded):
    db.session.rollback()
    return render_template("candidates/link_message.html", message=gettext(
        "This card was opened too many times in a short while. Wait a minute, then reload it.")), 429
