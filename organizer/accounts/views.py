"""Sign in, sign out, password change, account deletion and accepting an
invitation (the `auth` blueprint); and the organizers' pages that show
accounts: the chart and a coworker's page (open to committee members, for their
own departments), invitations, the audit log and the organizing committee."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext
from flask_limiter import RateLimitExceeded
from flask_login import current_user, login_required, login_user, logout_user

from core import i18n
from core.authz import role_required
from core.extensions import db, limiter
from core.views import render_form, safe_next_url, unit_of_work
from organizer.accounts import committee, coworkers, invitations
from organizer.accounts import services as accounts
from organizer.accounts.forms import (
    AcceptInvitationForm, JoinWithAccountForm,
    ChangePasswordForm,
    CommitteeForm,
    DeleteAccountForm,
    InviteForm,
    LanguageForm,
    LoginForm,
)
from organizer.accounts.loaders import get_invitation_for_organizer_or_404
from organizer.accounts.models import Account
from organizer.audit import services as audit
from organizer.charting import people
from organizer.charting.forms import ChartFilterForm, ConfirmForm, PersonForm, person_details
from organizer.charting.loaders import (
    get_person_for_charting_or_404,
    get_person_for_organizer_or_404,
    get_union_for_organizer_or_404,
    get_unit_for_charting_or_404,
    get_unit_for_officer_or_404,
    get_unit_for_organizer_or_404,
)
from organizer.charting.models import ASSESSMENT_LABELS, Person
from organizer.charting.views import charter_required, departments_charted, organizing_bp, set_person_choices
from organizer.errors import InvitationInvalid, LoginRefused
from organizer.roles import Role

auth_bp = Blueprint("auth", __name__)


def _start_session(account: Account) -> None:
    # A fresh session at every sign-in: nothing set before it (including a
    # planted cookie) survives, and the cookie's identity is the new token.
    # The language stays: one chosen on this browser before signing in becomes
    # the account's; an account without one takes the browser's (not one that
    # the last person to sign out here left behind).
    language = i18n.chosen_language() or account.language or i18n.browser_language()
    i18n.clear_session()
    login_user(account)
    if language != account.language:
        unit_of_work(lambda: accounts.set_language(account, language))
    i18n.refresh()


# Sign-in budgets. Flask-Limiter checks them before the view runs, so a refused
# attempt does no password work and touches no database row. No key reads the
# client address: the budgets are per submitted email (its blind index, so an
# unknown email is limited exactly like a known one), over all sign-ins, and
# per device token. A browser holding a valid device token for the submitted
# email answers only to its own token's budget: strangers can spend the
# email's budget and the global one, and the account's owner still signs in.
def _submitted_email() -> str:
    return request.form.get("email", "")


def _device_cookie() -> str | None:
    return request.cookies.get(current_app.config["DEVICE_COOKIE_NAME"])


def _trusted_token() -> str | None:
    if "trusted_device_token" not in g:
        g.trusted_device_token = accounts.trusted_device_token(_device_cookie(), _submitted_email())
    return g.trusted_device_token


def _is_trusted_browser() -> bool:
    return _trusted_token() is not None


def _is_untrusted_browser() -> bool:
    return _trusted_token() is None


def _was_refused(response) -> bool:
    # The email's budget counts failures only, so an owner signing in from a
    # new browser spends nothing. Counting after the answer lets a burst of
    # parallel guesses overrun it a little; the global budget counts every
    # attempt up front and caps such bursts, and the account's lock (in the
    # database) still stops the sixth wrong password from an untrusted browser.
    return not g.get("signed_in", False)


@auth_bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_GLOBAL_LIMIT"], methods=["POST"], scope="sign-in-global",
               key_func=lambda: "all", exempt_when=_is_trusted_browser)
@limiter.limit(lambda: current_app.config["LOGIN_ACCOUNT_LIMIT"], methods=["POST"], scope="sign-in-email",
               key_func=lambda: accounts.sign_in_budget_key(_submitted_email()), exempt_when=_is_trusted_browser,
               deduct_when=_was_refused)
@limiter.limit(lambda: current_app.config["LOGIN_DEVICE_LIMIT"], methods=["POST"], scope="sign-in-device",
               key_func=lambda: accounts.device_budget_key(_trusted_token()), exempt_when=_is_untrusted_browser)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    # A refused sign-in commits too: the failure count must persist for the lockout to work.
    if form.validate_on_submit() and (signed_in := unit_of_work(
            lambda: accounts.authenticate(form.email.data, form.password.data, device_cookie=_device_cookie()),
            form=form, keep_on=(LoginRefused,))):
        g.signed_in = True
        device_cookie = accounts.remember_device(_device_cookie(), signed_in.value)
        _start_session(signed_in.value)
        response = redirect(safe_next_url(request.args.get("next")) or url_for("home.index"))
        _set_device_cookie(response, device_cookie)
        return response
    return render_form("auth/login.html", form)


def _set_device_cookie(response, value: str) -> None:
    config = current_app.config
    # Sent only to the sign-in page, never readable by script, never sent by another site's form.
    response.set_cookie(config["DEVICE_COOKIE_NAME"], value, max_age=config["DEVICE_COOKIE_DAYS"] * 24 * 3600,
                        path=url_for("auth.login"), secure=config["DEVICE_COOKIE_SECURE"], httponly=True,
                        samesite="Strict")


@auth_bp.errorhandler(RateLimitExceeded)
def too_many_sign_ins(error: RateLimitExceeded):
    # One page for every budget: it says neither which budget ran out nor
    # whether the account exists (the email's budget is spent the same way for both).
    db.session.rollback()
    return render_template("auth/too_many_attempts.html", minutes=current_app.config["LOGIN_LOCK_MINUTES"]), 429


@auth_bp.route("/logout", methods=["POST"])
@login_required
def logout():
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_template("errors/error.html", code=400, title=gettext("Bad request"),
                               message=gettext("The sign-out form was incomplete.")), 400
    unit_of_work(lambda: accounts.sign_out(current_user))
    language = i18n.current_language()
    logout_user()
    i18n.clear_session(keep=language)
    flash(gettext("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@auth_bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit() and unit_of_work(
            lambda: accounts.change_password(current_user, form.current_password.data, form.new_password.data),
            form=form):
        # Flashed after the fresh session, which starts empty.
        _start_session(current_user._get_current_object())
        flash(gettext("Your password is changed. Any other signed-in device has been signed out."), "success")
        return redirect(url_for("home.index"))
    return render_form("auth/change_password.html", form)


@auth_bp.route("/account/delete", methods=["GET", "POST"])
@login_required
def delete_account():
    form = DeleteAccountForm()
    if form.validate_on_submit() and unit_of_work(
            lambda: accounts.delete_account(current_user._get_current_object(), form.password.data), form=form):
        language = i18n.current_language()
        logout_user()
        i18n.clear_session(keep=language)
        flash(gettext("Your account is deleted. Your survey answers stay counted, and anonymous."), "info")
        return redirect(url_for("auth.login"))
    return render_form("auth/delete_account.html", form)


# `path` so that a mangled link with slashes still gets the invitation page, not a bare 404.
@auth_bp.route("/invite/<path:token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    try:
        invitation = invitations.find_valid(token)
    except InvitationInvalid as invalid:
        status = 404 if invalid.reason == "unknown" else 410
        return render_template("auth/invitation_invalid.html", message=invalid.message), status
    if current_user.is_authenticated:
        # Someone who already signs in (to look for work) joins with that account.
        form = JoinWithAccountForm()
        taken = unit_of_work(lambda: _join(token, form), form=form) if form.validate_on_submit() else None
        return _welcome_or_page(taken, gettext("Welcome to your union. Your job search stays yours alone."),
                                "auth/join_invitation.html", form, invitation=invitation,
                                belongs=accounts.belongs_to_a_union(current_user))
    form = AcceptInvitationForm()
    taken = unit_of_work(lambda: _accept(token, form), form=form) if form.validate_on_submit() else None
    return _welcome_or_page(taken, gettext("Welcome to Leverage. Your account is ready."),
                            "auth/accept_invitation.html", form, invitation=invitation)


def _welcome_or_page(taken, welcome: str, template: str, form, **context):
    """Signed in and home once the invitation is taken; its page again with the form's errors; or the
    invalid-link page when it was used or expired while the form was filled in."""
    if taken:
        _start_session(taken.value)
        flash(welcome, "success")
        return redirect(url_for("home.index"))
    if taken is not None and isinstance(taken.refused, InvitationInvalid):
        return render_template("auth/invitation_invalid.html", message=taken.refused.message), 410
    return render_form(template, form, **context)


@auth_bp.app_template_global()
def language_form() -> LanguageForm:
    """The switch's form for the page being drawn, leading back to it."""
    return LanguageForm(formdata=None, next=request.full_path.rstrip("?"))


@auth_bp.route("/language", methods=["POST"])
def choose_language():
    """The switch on every page. A POST with its CSRF token, never a link: it saves
    on the account, and no other site may change what someone reads Leverage in."""
    form = LanguageForm()
    if not form.validate_on_submit():
        abort(400, gettext("Choose one of the languages listed."))
    i18n.remember_choice(form.language.data)
    if current_user.is_authenticated:
        unit_of_work(lambda: accounts.set_language(current_user, form.language.data))
    return redirect(safe_next_url(form.next.data) or url_for("home.index"))


def _join(token: str, form: JoinWithAccountForm) -> Account:
    # The account itself, not the proxy: signing in again below replaces what the proxy gives.
    account = invitations.accept_with_account(token, current_user._get_current_object(), form.password.data)
    accounts.start_session(account)
    return account


def _accept(token: str, form: AcceptInvitationForm) -> Account:
    account = invitations.accept(
        token, display_name=form.display_name.data, email=form.email.data, password=form.password.data)
    accounts.start_session(account)
    return account


# -- organizers' pages that show accounts (added to the `organizing` blueprint) ---------------------

organizer_required = role_required(Role.ORGANIZER)


@organizing_bp.route("/unions/<int:union_id>/audit")
@organizer_required
def union_audit(union_id: int):
    union = get_union_for_organizer_or_404(union_id)
    entries = audit.union_log(current_user, union)
    return render_template("organizing/audit.html", union=union, unit=None, entries=entries,
                           actors=accounts.actor_names(entries), units={u.id: u.name for u in union.units})


@organizing_bp.route("/units/<int:unit_id>/audit")
@role_required(Role.ORGANIZER, Role.STEWARD)
def unit_audit(unit_id: int):
    unit = get_unit_for_officer_or_404(unit_id)
    entries = audit.unit_log(current_user, unit)
    return render_template("organizing/audit.html", union=unit.union, unit=unit, entries=entries,
                           actors=accounts.actor_names(entries), units={unit.id: unit.name})


@organizing_bp.route("/units/<int:unit_id>/chart")
@charter_required
def unit_chart(unit_id: int):
    unit = get_unit_for_charting_or_404(unit_id)
    filters = ChartFilterForm(request.args)
    filters.set_unit_choices(departments_charted(unit), unit.shifts)
    if request.args and not filters.validate():
        return render_template("organizing/chart.html", unit=unit, filters=filters, view=None,
                               labels=ASSESSMENT_LABELS), 400
    view = coworkers.chart(current_user, unit, department_id=filters.department.data,
                           shift_id=filters.shift.data, assessment=filters.assessment.data,
                           is_member=filters.is_member, search=filters.search.data,
                           page=filters.page.data or 1, per_page=filters.per_page.data)
    return render_template("organizing/chart.html", unit=unit, filters=filters, view=view,
                           labels=ASSESSMENT_LABELS, page_args=filters.query_args())


@organizing_bp.route("/people/<int:person_id>/edit", methods=["GET", "POST"])
@charter_required
def edit_person(person_id: int):
    person = get_person_for_charting_or_404(person_id)
    form = PersonForm(obj=person)
    set_person_choices(form, person.unit)
    if form.validate_on_submit() and unit_of_work(
            lambda: people.update_person(current_user, person, person_details(form)), form=form,
            success=lambda _: gettext("%(name)s updated.", name=person.name)):
        return redirect(url_for("organizing.unit_chart", unit_id=person.unit_id))
    return _coworker_page(person, form)


def _coworker_page(person: Person, form: PersonForm, committee_form: CommitteeForm | None = None):
    """A coworker's page. Its account, removal and committee parts are for organizers only."""
    context: dict[str, object] = {"unit": person.unit, "person": person}
    if current_user.organizes(person.unit):
        seat = committee.coworker_seat(current_user, person)
        if committee_form is None:
            committee_form = _committee_form(person, seat)
        context.update(has_account=seat.account is not None, seat=seat, confirm_form=ConfirmForm(),
                       committee_form=committee_form)
    refused = any(f is not None and (f.errors or f.form_errors) for f in (form, committee_form))
    status = 400 if request.method == "POST" and refused else 200
    return render_template("organizing/person_form.html", form=form, **context), status


def _committee_form(person: Person, seat: committee.CoworkerSeat | None = None) -> CommitteeForm:
    """The committee form of a coworker's page: as posted, or ticked with their departments
    (someone not on the committee yet, with their own department)."""
    if seat is None:
        form = CommitteeForm()
    else:
        ticked = seat.department_ids or ({person.department_id} if person.department_id else set())
        form = CommitteeForm(formdata=None, departments=sorted(ticked))
    form.set_departments(person.unit.departments)
    return form


@organizing_bp.route("/people/<int:person_id>/remove", methods=["POST"])
@organizer_required
def remove_person(person_id: int):
    person = get_person_for_organizer_or_404(person_id)
    unit_id, name = person.unit_id, person.name
    if not ConfirmForm().validate_on_submit():
        abort(400, gettext("The removal form was incomplete."))
    if not unit_of_work(lambda: coworkers.remove_person(current_user, person),
                        success=gettext("%(name)s is off the chart.", name=name)):
        return redirect(url_for("organizing.edit_person", person_id=person_id))
    return redirect(url_for("organizing.unit_chart", unit_id=unit_id))


@organizing_bp.route("/people/<int:person_id>/invite", methods=["GET", "POST"])
@organizer_required
def invite_person(person_id: int):
    person: Person = get_person_for_organizer_or_404(person_id)
    form = InviteForm()
    if form.validate_on_submit() and (invited := unit_of_work(
            lambda: invitations.invite(current_user, person, Role(form.role.data)), form=form)):
        invitation, token = invited.value
        link = url_for("auth.accept_invitation", token=token, _external=True)
        # Mailed, if an address was typed, after the invitation is committed: a
        # message that fails leaves the link to share by hand, shown below.
        emailed = invitations.email_invitation(
            form.email.data, url_for("auth.accept_invitation", token=token), invitation,
            form.language.data) if form.email.data else None
        # The token is shown this once; only its hash is stored.
        return render_template("organizing/invitation_link.html", invitation=invitation, link=link, emailed=emailed)
    return render_form("organizing/invite.html", form, person=person)


@organizing_bp.route("/unions/<int:union_id>/invitations")
@organizer_required
def union_invitations(union_id: int):
    union = get_union_for_organizer_or_404(union_id)
    return render_template("organizing/invitations.html", union=union,
                           invitations=invitations.pending_for_union(union.id), confirm_form=ConfirmForm())


@organizing_bp.route("/invitations/<int:invitation_id>/revoke", methods=["POST"])
@organizer_required
def revoke_invitation(invitation_id: int):
    invitation = get_invitation_for_organizer_or_404(invitation_id)
    union_id = invitation.person.unit.union_id
    if not ConfirmForm().validate_on_submit():
        abort(400, gettext("The revoke form was incomplete."))
    unit_of_work(lambda: invitations.revoke(current_user, invitation),
                 success=gettext("Invitation revoked; its link no longer works."))
    return redirect(url_for("organizing.union_invitations", union_id=union_id))


# -- the organizing committee ---------------------------------------------------------------------

@organizing_bp.route("/units/<int:unit_id>/committee")
@organizer_required
def unit_committee(unit_id: int):
    unit = get_unit_for_organizer_or_404(unit_id)
    return render_template("organizing/committee.html", unit=unit, seats=committee.committee_of(current_user, unit),
                           confirm_form=ConfirmForm())


@organizing_bp.route("/people/<int:person_id>/committee", methods=["POST"])
@organizer_required
def name_to_committee(person_id: int):
    person = get_person_for_organizer_or_404(person_id)
    form = _committee_form(person)
    if form.validate_on_submit() and unit_of_work(
            lambda: committee.name_coworker(current_user, person, form.departments.data), form=form,
            success=lambda seat: gettext("%(name)s is on the organizing committee for %(departments)s.",
                                         name=person.name,
                                         departments=committee.department_list(person.unit, seat.department_ids))):
        return redirect(url_for("organizing.unit_committee", unit_id=person.unit_id))
    person_form = PersonForm(formdata=None, obj=person)
    set_person_choices(person_form, person.unit)
    return _coworker_page(person, person_form, committee_form=form)


@organizing_bp.route("/people/<int:person_id>/committee/remove", methods=["POST"])
@organizer_required
def remove_from_committee(person_id: int):
    person = get_person_for_organizer_or_404(person_id)
    if not ConfirmForm().validate_on_submit():
        abort(400, gettext("The removal form was incomplete."))
    unit_of_work(lambda: committee.remove_coworker(current_user, person),
                 success=gettext("%(name)s is off the organizing committee.", name=person.name))
    return redirect(url_for("organizing.unit_committee", unit_id=person.unit_id))
