"""The booth's pages (added to the `surveys_ui` blueprint): the member's answer
page, which encrypts in the browser and, where the survey allows it, takes the
server's form from a browser without JavaScript; the JSON endpoints it posts
to, which cast a ballot made on the device and record a ballot opened for
checking. The endpoints answer every refusal as JSON with plain words and a
4xx status, signed-out visitors and expired pages included."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort, current_app, jsonify, render_template, request
from flask_babel import gettext, lazy_gettext
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from core.authz import role_required
from core.extensions import csrf
from core.refusals import Refused
from core.views import render_form, unit_of_work
from organizer.accounts import services as accounts
from organizer.booth import forms
from organizer.booth import services as booth
from organizer.demands import services as demands
from organizer.roles import Role
from organizer.unit_surveys import services as unit_surveys
from organizer.unit_surveys.forms import answer_form_class, answers_from
from organizer.unit_surveys.loaders import get_survey_for_member_or_404
from organizer.unit_surveys.views import surveys_bp
from surveys.booth import booth_parameters
from surveys.errors import SurveyError

#: What a JSON refusal says when the refusal is the app's own (no service spoke).
HTTP_WORDS = {
    403: lazy_gettext("Only members of this survey's unit can answer it."),
    404: lazy_gettext("There is no such survey for you."),
    413: lazy_gettext("That ballot is far too large to be one of this survey's."),
}


@surveys_bp.route("/surveys/<int:survey_id>/answer", methods=["GET", "POST"])
@role_required(Role.MEMBER)
def answer(survey_id: int):
    survey = get_survey_for_member_or_404(survey_id)
    ref = accounts.account_ref(current_user)
    form = answer_form_class(survey.questions)()
    # On POST the ballot box makes these checks itself, in the transaction that stores the ballot;
    # the server's form is refused first where the survey takes only ballots made on the device.
    refused = _not_answerable_page(survey, ref) if request.method == "GET" else _server_path_refused_page(survey)
    if refused is None and form.validate_on_submit():
        # Only the named AnswerInvalid is the member's input: a ValueError from deeper
        # down (a damaged stored key, say) is a fault of ours, for the error page.
        # The receipt is rendered inside the unit of work, before the commit, so it
        # needs nothing from the database after it: a member whose ballot is stored always sees it.
        cast = unit_of_work(lambda: render_template(
            "surveys/receipt.html", survey=survey, locked_on="server", receipt=booth.cast_through_server(
                current_user, survey, answers_from(form, survey.questions))), form=form, flash_refusal=False)
        if cast:
            return cast.value
        if not cast.refused.field:
            return _not_open(survey, cast.refused)
    return refused or render_form("surveys/answer.html", form, survey=survey, booth=booth_parameters(survey),
                                  server_path_allowed=booth.server_path_allowed(survey),
                                  subjects=demands.subject_texts(survey.questions))


def _not_answerable_page(survey, ref: str):
    try:
        unit_surveys.require_answerable(survey, ref)
    except SurveyError as refused:
        return _not_open(survey, refused)
    return None


def _server_path_refused_page(survey):
    try:
        booth.require_server_path(survey)
    except Refused as refused:
        return _not_open(survey, refused)
    return None


def _not_open(survey, refused: Refused):
    return render_template("surveys/not_open.html", survey=survey, message=refused.message), refused.status


# -- what the booth page posts ---------------------------------------------------------------------

def _json_refusal(message: str, status: int):
    return jsonify(error=str(message)), status


def json_endpoint(view: Callable) -> Callable:
    """A member's JSON endpoint: signed out, not a member, a forged or expired
    page, an unknown survey or a refusal all answer JSON with words and a 4xx.
    The CSRF token comes in the X-CSRFToken header and is checked here, so that
    its refusal too is JSON (the app's own check would answer a page)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return _json_refusal(gettext("You are signed out. Sign in again and reopen the survey: nothing was sent."),
                                 401)
        try:
            if not current_user.has_role(Role.MEMBER):
                abort(403)
            if current_app.config["WTF_CSRF_ENABLED"]:
                csrf.protect()
            return view(*args, **kwargs)
        except CSRFError:
            return _json_refusal(gettext("This page has expired. Reload it and answer again: nothing was sent."), 400)
        except Refused as refused:  # raised before any service wrote anything
            return _json_refusal(refused.message, refused.status)
        except HTTPException as error:
            return _json_refusal(HTTP_WORDS.get(error.code, error.description), error.code or 400)

    return csrf.exempt(wrapped)


@surveys_bp.route("/surveys/<int:survey_id>/ballot", methods=["POST"])
@json_endpoint
def submit_encrypted_ballot(survey_id: int):
    """A ballot encrypted and proven on the member's device. JSON in, JSON out."""
    survey = get_survey_for_member_or_404(survey_id, with_questions=False)
    ballot = forms.device_ballot_from(request.get_json(silent=True))
    cast = unit_of_work(lambda: booth.cast_from_device(current_user, survey, ballot.payload, ballot.comments),
                        flash_refusal=False)
    if not cast:
        return _json_refusal(cast.refused.message, cast.refused.status)
    return jsonify(fingerprint=cast.value.fingerprint), 201


@surveys_bp.route("/surveys/<int:survey_id>/ballot/checked", methods=["POST"])
@json_endpoint
def record_checked_ballot(survey_id: int):
    """The page is about to open this ballot for checking: refuse it from now on, should it ever be sent."""
    survey = get_survey_for_member_or_404(survey_id)
    tracker = forms.tracker_from(request.get_json(silent=True))
    checked = unit_of_work(lambda: booth.record_checked(current_user, survey, tracker), flash_refusal=False)
    if not checked:
        return _json_refusal(checked.refused.message, checked.refused.status)
    return jsonify(tracker=checked.value), 201
