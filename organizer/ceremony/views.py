"""Pages of the union's survey key (the `ceremony` blueprint): the organizers'
page that starts and stops ceremonies and says who can open what; a trustee's
one screen per step; the JSON endpoints the trustee's browser posts to
(static/js/ceremony/page.js); and, added to `surveys_ui`, the endpoint a
trustee's browser posts its partial decryptions to. The JSON endpoints answer
every refusal as JSON with plain words and a 4xx status."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext, lazy_gettext
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from core.authz import role_required
from core.extensions import csrf
from core.refusals import Refused
from core.views import render_form, unit_of_work
from organizer import policy
from organizer.ceremony import forms
from organizer.ceremony import services as ceremonies
from organizer.ceremony.loaders import get_ceremony_for_trustee_or_404
from organizer.charting.forms import ConfirmForm
from organizer.charting.loaders import get_union_for_organizer_or_404
from organizer.charting.models import Union
from organizer.roles import Role
from organizer.unit_surveys.loaders import get_survey_for_trustee_or_404
from organizer.unit_surveys.views import surveys_bp
from surveys.ceremony import CeremonyStatus
from surveys.errors import DecryptionRefused
from surveys.models import SurveyState

ceremony_bp = Blueprint("ceremony", __name__)

organizer_required = role_required(Role.ORGANIZER)
trustee_roles_required = role_required(Role.ORGANIZER, Role.STEWARD)

#: What a JSON refusal says when the refusal is the app's own (no service spoke).
HTTP_WORDS = {
    403: lazy_gettext("Only the union's stewards and organizers can hold part of its survey key."),
    404: lazy_gettext("There is no such survey key or survey for you."),
    413: lazy_gettext("That is far too large to be a part of a survey key."),
}


# -- organizers -----------------------------------------------------------------------------------

def _start_form(union: Union) -> forms.StartCeremonyForm:
    form = forms.StartCeremonyForm()
    form.trustees.choices = [(a.id, a.display_name) for a in ceremonies.trustee_candidates(union)]
    return form


@ceremony_bp.route("/unions/<int:union_id>/survey-key", methods=["GET", "POST"])
@organizer_required
def union_key(union_id: int):
    union = get_union_for_organizer_or_404(union_id)
    form = _start_form(union)
    if form.validate_on_submit() and unit_of_work(
            lambda: ceremonies.start(current_user, union, form.trustees.data or [], form.threshold.data), form=form,
            success=gettext("The key ceremony has started. Each trustee now takes part from their Surveys page.")):
        return redirect(url_for("ceremony.union_key", union_id=union.id))
    return render_form("ceremony/union_key.html", form, page=ceremonies.union_key_page(current_user, union),
                       confirm_form=ConfirmForm())


@ceremony_bp.route("/unions/<int:union_id>/survey-key/<int:ceremony_id>/stop", methods=["POST"])
@organizer_required
def stop(union_id: int, ceremony_id: int):
    union = get_union_for_organizer_or_404(union_id)
    ConfirmForm().validate_on_submit() or abort(400, gettext("The form was incomplete."))
    unit_of_work(lambda: ceremonies.stop(current_user, union, ceremony_id),
                 success=gettext("Stopped. No key was made; start again when you are ready."))
    return redirect(url_for("ceremony.union_key", union_id=union.id))


# -- trustees -------------------------------------------------------------------------------------

@ceremony_bp.route("/survey-key/<int:ceremony_id>")
@trustee_roles_required
def step(ceremony_id: int):
    status = get_ceremony_for_trustee_or_404(ceremony_id)
    return render_template("ceremony/step.html", screen=ceremonies.trustee_screen(current_user, status.id))


def _json_refusal(message: str, status: int):
    return jsonify(error=message), status


def trustee_json_endpoint(view: Callable) -> Callable:
    """A trustee's JSON endpoint: signed out, without the role, a forged or
    expired page, an unknown ceremony or survey, or a refusal all answer JSON
    with words and a 4xx. The CSRF token comes in the X-CSRFToken header."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return _json_refusal(gettext("You are signed out. Sign in again and reopen the page: nothing was sent."),
                                 401)
        try:
            if not (current_user.has_role(Role.ORGANIZER) or current_user.has_role(Role.STEWARD)):
                abort(403)
            if request.method == "POST" and current_app.config["WTF_CSRF_ENABLED"]:
                csrf.protect()
            return view(*args, **kwargs)
        except CSRFError:
            return _json_refusal(gettext("This page has expired. Reload it and try again: nothing was sent."), 400)
        except Refused as refused:  # raised before any service wrote anything
            return _json_refusal(refused.message, refused.status)
        except HTTPException as error:
            return _json_refusal(str(HTTP_WORDS.get(error.code, error.description)), error.code or 400)

    return csrf.exempt(wrapped)


def _progress(status: CeremonyStatus):
    view = ceremonies.view_of(status)
    return jsonify(state=status.state.value, progress=view.progress, done=status.done_in_step,
                   trustees=status.trustee_count)


def _posted(action: Callable[[], CeremonyStatus]):
    done = unit_of_work(action, flash_refusal=False)
    if not done:
        return _json_refusal(done.refused.message, done.refused.status)
    return _progress(done.value), 201


@ceremony_bp.route("/survey-key/<int:ceremony_id>/progress.json")
@trustee_json_endpoint
def progress(ceremony_id: int):
    """Where the ceremony stands, for a trustee's page waiting on the others."""
    return _progress(get_ceremony_for_trustee_or_404(ceremony_id))


@ceremony_bp.route("/survey-key/<int:ceremony_id>/join", methods=["POST"])
@trustee_json_endpoint
def join(ceremony_id: int):
    status = get_ceremony_for_trustee_or_404(ceremony_id)
    message = forms.join_message_from(request.get_json(silent=True))
    return _posted(lambda: ceremonies.join(current_user, status.id, message.personal_key, message.possession_proof,
                                           message.sealed_secret))


@ceremony_bp.route("/survey-key/<int:ceremony_id>/deal", methods=["POST"])
@trustee_json_endpoint
def deal(ceremony_id: int):
    status = get_ceremony_for_trustee_or_404(ceremony_id)
    dealing = forms.dealing_from(request.get_json(silent=True))
    return _posted(lambda: ceremonies.deal(current_user, status.id, dealing))


@ceremony_bp.route("/survey-key/<int:ceremony_id>/check", methods=["POST"])
@trustee_json_endpoint
def check(ceremony_id: int):
    """An acknowledgement that every piece matched, or a complaint against one dealer."""
    status = get_ceremony_for_trustee_or_404(ceremony_id)
    result = forms.check_result_from(request.get_json(silent=True))
    if result.complaint is not None:
        return _posted(lambda: ceremonies.complain(current_user, status.id, result.complaint))
    return _posted(lambda: ceremonies.acknowledge(current_user, status.id, result.acknowledgement))


# -- decrypting in the browser ---------------------------------------------------------------------

@surveys_bp.route("/surveys/<int:survey_id>/partials", methods=["POST"])
@trustee_json_endpoint
def give_partials(survey_id: int):
    """A trustee's partial decryptions of a survey made with a ceremony's key, made in their browser.
    A refused decryption is recorded even as it is refused (PRIVACY.md invariant 8)."""
    survey, unit = get_survey_for_trustee_or_404(survey_id)
    partials = forms.partials_from(request.get_json(silent=True))
    given = unit_of_work(lambda: ceremonies.give_partials(current_user, survey, partials), flash_refusal=False,
                         keep_on=(DecryptionRefused,))
    if not given:
        return _json_refusal(given.refused.message, given.refused.status)
    released = survey.state == SurveyState.RELEASED
    # A trustee of another unit holds part of the union's key without reading this unit's results.
    readable = released and policy.belongs_to(current_user, unit)
    return jsonify(given=given.value, needed=survey.trustee_threshold, released=released,
                   results=url_for("surveys_ui.results", survey_id=survey.id) if readable else None), 201
