"""Survey pages of a union (the `surveys_ui` blueprint): organizers define and
launch, members list their surveys and read the published ballot trackers,
trustees decrypt. The results page, which names the claims and demands an
endorsement survey asks about, is added by demands.views; the answer page and
the ballot endpoints it posts to (the booth), by booth.views."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, stream_with_context, url_for
from flask_babel import gettext, ngettext
from flask_login import current_user, login_required

from core import i18n
from core.authz import role_required
from core.extensions import db
from core.timezones import format_local, to_utc
from core.views import render_form, unit_of_work
from organizer import policy
from organizer.accounts import services as accounts
from organizer.charting.forms import ConfirmForm
from organizer.charting.loaders import get_unit_for_organizer_or_404
from organizer.charting.models import Union
from organizer.roles import Role
from organizer.unit_surveys import pay
from organizer.unit_surveys import question_bank
from organizer.unit_surveys import services as unit_surveys
from organizer.unit_surveys.forms import (
    DecryptForm,
    QUESTION_TYPE_LABELS,
    SurveyForm,
    TrusteeKeyForm,
    answer_form_class,
    launch_form_for,
    pay_survey_form_for,
    question_form_for,
    role_choice_form_for,
    survey_form_for,
    wording_form_for,
    wording_from,
)
from organizer.unit_surveys.loaders import (
    get_survey_for_organizer_or_404,
    get_survey_for_trustee_or_404,
    get_survey_for_viewer_or_404,
)
from surveys import ballot_box, definitions, keys, record, results, tally
from surveys.errors import SurveyError
from surveys.models import KeyMode, Question, QuestionType, Survey, SurveyKind, SurveyState

surveys_bp = Blueprint("surveys_ui", __name__)

organizer_required = role_required(Role.ORGANIZER)

trustee_roles_required = role_required(Role.ORGANIZER, Role.STEWARD)

member_required = role_required(Role.MEMBER)


def _settings(form: SurveyForm, union: Union) -> definitions.SurveySettings:
    # Times are typed in the union's zone and stored in UTC.
    opens_at, closes_at = (to_utc(moment, union.time_zone) if moment else None
                           for moment in (form.opens_at.data, form.closes_at.data))
    return unit_surveys.settings_within_floors(
        union, kind=SurveyKind(form.kind.data), title=form.title.data, intro=form.intro.data,
        key_mode=KeyMode(form.key_mode.data), release_threshold=form.release_threshold.data,
        comment_threshold=form.comment_threshold.data, trustee_threshold=form.trustee_threshold.data,
        opens_at=opens_at, closes_at=closes_at, recurrence_weeks=form.recurrence_weeks.data,
        language=form.language.data)


# -- organizers -----------------------------------------------------------------------------------

@surveys_bp.route("/units/<int:unit_id>/surveys", methods=["GET", "POST"])
@organizer_required
def unit_surveys_page(unit_id: int):
    unit = get_unit_for_organizer_or_404(unit_id)
    form = survey_form_for(unit.union, trustees_ready=unit_surveys.enough_trustees_ready(unit),
                           union_key=unit_surveys.union_key(unit))
    if form.validate_on_submit() and (created := unit_of_work(
            lambda: unit_surveys.create(current_user, unit, _settings(form, unit.union), form.standard_questions.data),
            form=form, success=gettext("Draft created. Check the questions, then preview and launch it."))):
        return redirect(url_for("surveys_ui.manage", survey_id=created.value.id))
    surveys = definitions.surveys_in_scope(unit_surveys.unit_scope(unit))
    return render_form("surveys/unit_surveys.html", form, unit=unit, surveys=surveys,
                       who_can_decrypt=unit_surveys.who_can_decrypt, pay_roles=pay.declared_roles(unit),
                       confirm_form=ConfirmForm(), standard_surveys=question_bank.STANDARD_SURVEYS.values())


@surveys_bp.route("/units/<int:unit_id>/surveys/standard/<key>", methods=["POST"])
@organizer_required
def start_standard_survey(unit_id: int, key: str):
    """A survey of the question bank as a draft, then its preview and launch button: two clicks."""
    unit = get_unit_for_organizer_or_404(unit_id)
    if key not in question_bank.STANDARD_SURVEYS:
        abort(404)
    ConfirmForm().validate_on_submit() or abort(400, gettext("The form was incomplete."))
    started = unit_of_work(lambda: unit_surveys.start_standard_survey(current_user, unit, key),
                           success=gettext("Draft created with the standard questions: check them, then launch it."))
    if not started:
        return redirect(url_for("surveys_ui.unit_surveys_page", unit_id=unit.id))
    return redirect(url_for("surveys_ui.launch", survey_id=started.value.id))


def _manage_context(survey, unit, **forms):
    shares = keys.trustees_of(survey)
    return dict(
        survey=survey, unit=unit, question_form=forms.get("question_form") or question_form_for(survey),
        confirm_form=ConfirmForm(), check=unit_surveys.launch_check(survey, unit) if survey.is_editable else None,
        trustees=unit_surveys.accounts_by_ref([t.trustee_ref for t in shares]), shares=shares,
        answered=unit_surveys.answered_count(survey), breakdown=results.declared_breakdown(survey),
        breakdown_notes=unit_surveys.breakdown_notes(survey), who_can_decrypt=unit_surveys.who_can_decrypt(survey),
        zone=unit.union.time_zone, state_words=unit_surveys.STATE_WORDS, question_words=QUESTION_TYPE_LABELS,
        server_key_risk=unit_surveys.SERVER_KEY_RISK, wording=unit_surveys.wording_status(survey),
        language_name=definitions.language_name,
        pay_facts=pay.launch_facts(survey, unit) if survey.is_editable else None,
    )


@surveys_bp.route("/surveys/<int:survey_id>")
@organizer_required
def manage(survey_id: int):
    survey, unit = get_survey_for_organizer_or_404(survey_id)
    return render_template("surveys/manage.html", **_manage_context(survey, unit))


@surveys_bp.route("/surveys/<int:survey_id>/questions", methods=["POST"])
@organizer_required
def add_question(survey_id: int):
    survey, unit = get_survey_for_organizer_or_404(survey_id)
    form = question_form_for(survey)
    if form.validate_on_submit() and unit_of_work(lambda: definitions.add_question(
            survey, type=QuestionType(form.type.data), prompt=form.prompt.data,
            options=(form.options.data or "").splitlines(), max_choices=form.max_choices.data or 1,
            allows_cant_say=form.allows_cant_say.data), form=form, success=gettext("Question added.")):
        return redirect(url_for("surveys_ui.manage", survey_id=survey.id))
    return render_template("surveys/manage.html", **_manage_context(survey, unit, question_form=form)), 400


@surveys_bp.route("/surveys/<int:survey_id>/questions/<int:question_id>/remove", methods=["POST"])
@organizer_required
def remove_question(survey_id: int, question_id: int):
    survey, _ = get_survey_for_organizer_or_404(survey_id)
    question = db.session.get(Question, question_id)
    if question is None or question.survey_id != survey.id:
        abort(404)
    ConfirmForm().validate_on_submit() or abort(400, gettext("The form was incomplete."))
    unit_of_work(lambda: definitions.remove_question(survey, question), success=gettext("Question removed."))
    return redirect(url_for("surveys_ui.manage", survey_id=survey.id))


@surveys_bp.route("/surveys/<int:survey_id>/wording/<language>", methods=["GET", "POST"])
@organizer_required
def wording(survey_id: int, language: str):
    """A draft written again in another language: its title, intro and questions."""
    survey, unit = get_survey_for_organizer_or_404(survey_id)
    if language not in definitions.other_languages(survey):
        abort(404)
    if not survey.is_editable:  # launched: its words are fixed, as its page says
        return redirect(url_for("surveys_ui.manage", survey_id=survey.id))
    form = wording_form_for(survey, language)
    name = definitions.language_name(language)
    if form.validate_on_submit() and unit_of_work(
            lambda: unit_surveys.write_wording(current_user, survey, language, *wording_from(form, survey)),
            form=form, success=gettext("The survey's words in %(language)s are saved.", language=name)):
        return redirect(url_for("surveys_ui.manage", survey_id=survey.id))
    return render_form("surveys/wording.html", form, survey=survey, unit=unit, language=language,
                       language_name=name, own_language_name=definitions.language_name(survey.language),
                       question_words=QUESTION_TYPE_LABELS)


@surveys_bp.route("/surveys/<int:survey_id>/server-key", methods=["POST"])
@organizer_required
def use_server_key(survey_id: int):
    survey, _ = get_survey_for_organizer_or_404(survey_id)
    ConfirmForm().validate_on_submit() or abort(400, gettext("The form was incomplete."))
    unit_of_work(lambda: unit_surveys.switch_to_server_key(current_user, survey),
                 success=gettext("The server will unlock this survey's results when it closes."))
    return redirect(url_for("surveys_ui.manage", survey_id=survey.id))


@surveys_bp.route("/surveys/<int:survey_id>/launch", methods=["GET", "POST"])
@organizer_required
def launch(survey_id: int):
    """GET: what members will see and what launching does, to confirm. POST: launch."""
    survey, unit = get_survey_for_organizer_or_404(survey_id)
    if not survey.is_editable:  # launched already: its page says what happened
        return redirect(url_for("surveys_ui.manage", survey_id=survey.id))
    check = unit_surveys.launch_check(survey, unit)
    form = launch_form_for(survey)
    # A pay survey goes to the same members, broken down by the role each chose (unit_surveys.pay).
    launcher = pay.launch_pay_survey if survey.kind == SurveyKind.PAY else unit_surveys.launch_for_unit
    if form.validate_on_submit() and unit_of_work(
            lambda: launcher(current_user, survey, device_encryption_required=form.device_encryption_required.data),
            form=form,
            success=lambda report: _launched(report, unit.union.time_zone)):
        return redirect(url_for("surveys_ui.manage", survey_id=survey.id))
    # In the survey's own words, as the page shows them; the page says which questions other languages lack.
    preview = answer_form_class(survey.questions, survey.language)(formdata=None, meta={"csrf": False})
    return render_form("surveys/launch.html", form, survey=survey, unit=unit, check=check, preview=preview,
                       confirm_form=ConfirmForm(), who_can_decrypt=unit_surveys.who_can_decrypt(survey),
                       zone=unit.union.time_zone, server_key_risk=unit_surveys.SERVER_KEY_RISK,
                       pay_facts=pay.launch_facts(survey, unit))


def _launched(report, zone: str) -> str:
    """Everything a launch did, in one message; the breakdown notes wait on the survey's page."""
    survey = report.survey
    sentences = [ngettext("Launched to %(num)d member with an account.", "Launched to %(num)d members with accounts.",
                          report.eligible)]
    opens, closes = (format_local(moment, zone) if moment else None for moment in (survey.opens_at, survey.closes_at))
    if report.opens_now:
        sentences.append(gettext("It is open now and closes %(closes)s.", closes=closes) if closes
                         else gettext("It is open now until you close it."))
    else:
        sentences.append(gettext("It opens %(opens)s and closes %(closes)s.", opens=opens, closes=closes) if closes
                         else gettext("It opens %(opens)s until you close it.", opens=opens))
    if report.notes:
        sentences.append(gettext("Some small groups are counted together, to keep every answer hidden: see the "
                                 "survey's page."))
    return " ".join(sentences)


@surveys_bp.route("/surveys/<int:survey_id>/close", methods=["POST"])
@organizer_required
def close(survey_id: int):
    survey, _ = get_survey_for_organizer_or_404(survey_id)
    ConfirmForm().validate_on_submit() or abort(400, gettext("The form was incomplete."))
    # Two units of work: voting ends (and new answers are refused) before the tally runs.
    if not (unit_of_work(lambda: unit_surveys.end_voting(current_user, survey))
            and unit_of_work(lambda: unit_surveys.tally_and_release(current_user, survey))):
        return redirect(url_for("surveys_ui.manage", survey_id=survey.id))
    if survey.state == SurveyState.RELEASED:
        flash(gettext("Closed, and the results are out."), "success")
        return redirect(url_for("surveys_ui.results", survey_id=survey.id))
    flash(gettext("Closed. The trustees can now unlock the results: each does their part from their Surveys page."),
          "success")
    return redirect(url_for("surveys_ui.manage", survey_id=survey.id))


# -- members --------------------------------------------------------------------------------------

@surveys_bp.route("/my/surveys")
@login_required
def my_surveys():
    ref = accounts.account_ref(current_user)
    open_surveys = [(s, ballot_box.has_answered(s, ref)) for s in ballot_box.open_surveys_for(ref)]
    released = []
    for unit_id in sorted(current_user.unit_ids_as(Role.MEMBER) | current_user.unit_ids_as(Role.STEWARD)):
        released += [s for s in definitions.surveys_in_scope(unit_surveys.unit_scope_of(unit_id))
                     if s.state == SurveyState.RELEASED]
    trustee_of = keys.surveys_held(ref)
    given = {s.id for s in trustee_of if any(t.trustee_ref == ref and t.has_decrypted for t in keys.trustees_of(s))}
    return render_template("surveys/my_surveys.html", open_surveys=open_surveys, released=released,
                           trustee_of=trustee_of, given=given, has_key=keys.trustee_key(ref) is not None,
                           key_ceremonies=unit_surveys.key_ceremonies_of(ref))


@surveys_bp.route("/surveys/<int:survey_id>/receipts")
@login_required
def receipts(survey_id: int):
    survey, unit = get_survey_for_viewer_or_404(survey_id)
    try:
        unit_surveys.require_closed(survey)
    except SurveyError as refused:
        return render_template("surveys/not_open.html", survey=survey, message=refused.message), refused.status
    return render_template("surveys/receipts.html", survey=survey, fingerprints=record.published_trackers(survey),
                           record_ready=record.is_available(survey))


@surveys_bp.route("/surveys/<int:survey_id>/record.json")
@login_required
def election_record(survey_id: int):
    """The election record, for whoever may read the ballot fingerprints (see surveys.record)."""
    survey, _ = get_survey_for_viewer_or_404(survey_id)
    try:
        pieces = record.stream(survey)
    except SurveyError as refused:
        return render_template("surveys/not_open.html", survey=survey, message=refused.message), refused.status
    return Response(stream_with_context(pieces), mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="survey-{survey.id}-record.json"'})


# -- trustees -------------------------------------------------------------------------------------

@surveys_bp.route("/trustee/key", methods=["GET", "POST"])
@trustee_roles_required
def trustee_key():
    form = TrusteeKeyForm()
    ref = accounts.account_ref(current_user)
    if form.validate_on_submit() and unit_of_work(
            lambda: keys.register_trustee_key(ref, form.passphrase.data), form=form,
            success=gettext("Your trustee passphrase is set. It opens your part of surveys whose key was dealt "
                            "at launch.")):
        return redirect(url_for("surveys_ui.my_surveys"))
    return render_form("surveys/trustee_key.html", form, has_key=keys.trustee_key(ref) is not None)


@surveys_bp.route("/surveys/<int:survey_id>/decrypt", methods=["GET", "POST"])
@trustee_roles_required
def decrypt(survey_id: int):
    survey, unit = get_survey_for_trustee_or_404(survey_id)
    if survey.key_made_in_ceremony:
        # The trustee's part is done in their browser; no passphrase is ever read here.
        return _decrypt_in_browser(survey, unit)
    form = DecryptForm()
    ref = accounts.account_ref(current_user)
    shares = keys.trustees_of(survey)
    mine = next(t for t in shares if t.trustee_ref == ref)
    if form.validate_on_submit() and unit_of_work(lambda: tally.contribute(survey, ref, form.passphrase.data),
                                                  form=form, success=lambda given: _decrypted(survey, given)):
        if survey.state == SurveyState.RELEASED:
            return redirect(url_for("surveys_ui.results", survey_id=survey.id))
        return redirect(url_for("surveys_ui.my_surveys"))
    return render_form("surveys/decrypt.html", form, survey=survey, unit=unit, mine=mine,
                       decrypted=sum(t.has_decrypted for t in shares))


def _decrypt_in_browser(survey: Survey, unit):
    ref = accounts.account_ref(current_user)
    shares = keys.trustees_of(survey)
    task = unit_surveys.browser_decryption_or_none(survey, ref)
    # A trustee may hold part of the union's key without reading this unit's results.
    return render_template("surveys/decrypt_in_browser.html", survey=survey, task=task.to_json() if task else None,
                           mine=next(t for t in shares if t.trustee_ref == ref),
                           decrypted=sum(t.has_decrypted for t in shares), unit=unit,
                           can_read_results=policy.belongs_to(current_user, unit))


def _decrypted(survey: Survey, given: int) -> str:
    if survey.state == SurveyState.RELEASED:
        return gettext("Yours was the last part needed: the results are out.")
    return ngettext("Thank you. %(num)d of the %(t)d trustees needed has done their part.",
                    "Thank you. %(num)d of the %(t)d trustees needed have done their part.", given,
                    t=survey.trustee_threshold)


# -- pay surveys ----------------------------------------------------------------------------------

@surveys_bp.route("/units/<int:unit_id>/surveys/pay", methods=["GET", "POST"])
@organizer_required
def new_pay_survey(unit_id: int):
    """A pay survey with its roles, bands and basis set by the organizer."""
    unit = get_unit_for_organizer_or_404(unit_id)
    form = pay_survey_form_for(unit.union, pay.declared_roles(unit),
                               trustees_ready=unit_surveys.enough_trustees_ready(unit),
                               union_key=unit_surveys.union_key(unit))
    if form.validate_on_submit() and (created := unit_of_work(
            lambda: pay.create_pay_survey(current_user, unit, form.details()), form=form,
            success=gettext("Draft created. Check the questions, then preview and launch it."))):
        return redirect(url_for("surveys_ui.manage", survey_id=created.value.id))
    return render_form("surveys/pay_new.html", form, unit=unit, confirm_form=ConfirmForm(),
                       roles=pay.declared_roles(unit), max_bands=pay.MAX_BANDS)


@surveys_bp.route("/units/<int:unit_id>/surveys/pay/standard", methods=["POST"])
@organizer_required
def standard_pay_survey(unit_id: int):
    """The standard pay survey as a draft: the first of two clicks (the second launches it)."""
    unit = get_unit_for_organizer_or_404(unit_id)
    ConfirmForm().validate_on_submit() or abort(400, gettext("The form was incomplete."))
    created = unit_of_work(lambda: pay.create_standard_pay_survey(current_user, unit, i18n.current_language()),
                           success=gettext("Draft created. Check the questions, then preview and launch it."))
    if created:
        return redirect(url_for("surveys_ui.manage", survey_id=created.value.id))
    return redirect(url_for("surveys_ui.new_pay_survey", unit_id=unit.id))


@surveys_bp.route("/my/role", methods=["GET", "POST"])
@member_required
def my_role():
    """A member's own role, for pay surveys and beside their pay demands."""
    unit = pay.member_unit(current_user)
    roles, mine = pay.declared_roles(unit), pay.own_role(current_user)
    form = role_choice_form_for(roles, mine.role if mine else None)
    if form.validate_on_submit() and unit_of_work(
            lambda: pay.choose_role(current_user, form.chosen_role()), form=form,
            success=gettext("Saved.")):
        return redirect(url_for("surveys_ui.my_role"))
    return render_form("surveys/pay_role.html", form, unit=unit, roles=roles, mine=mine,
                       freeze_days=unit_surveys.SEGMENT_FREEZE_DAYS,
                       k=unit.union.floor_for(SurveyKind.PAY))

