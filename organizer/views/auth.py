"""Sign in, sign out, password change and accepting an invitation."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_limiter import RateLimitExceeded
from flask_login import current_user, login_required, login_user, logout_user

from core.extensions import db, limiter
from core.views import add_error, render_form, safe_next_url
from organizer import accounts, invitations
from organizer.errors import DomainError, InvitationInvalid, LoginRefused
from organizer.forms import AcceptInvitationForm, ChangePasswordForm, ConfirmForm, DeleteAccountForm, LoginForm
from organizer.models import Account

bp = Blueprint("auth", __name__)


def _start_session(account: Account) -> None:
    # A fresh session at every sign-in: nothing set before it (including a
    # planted cookie) survives, and the cookie's identity is the new token.
    session.clear()
    login_user(account)


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


@bp.route("/login", methods=["GET", "POST"])
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
    if form.validate_on_submit():
        try:
            account = accounts.authenticate(form.email.data, form.password.data, device_cookie=_device_cookie())
        except LoginRefused as refused:
            db.session.commit()  # the failure count must persist for the lockout to work
            form.form_errors.append(refused.message)
        else:
            db.session.commit()
            g.signed_in = True
            device_cookie = accounts.remember_device(_device_cookie(), account)
            _start_session(account)
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


@bp.errorhandler(RateLimitExceeded)
def too_many_sign_ins(error: RateLimitExceeded):
    # One page for every budget: it says neither which budget ran out nor
    # whether the account exists (the email's budget is spent the same way for both).
    db.session.rollback()
    return render_template("auth/too_many_attempts.html", minutes=current_app.config["LOGIN_LOCK_MINUTES"]), 429


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_template("errors/error.html", code=400, title="Bad request",
                               message="The sign-out form was incomplete."), 400
    accounts.sign_out(current_user)
    db.session.commit()
    logout_user()
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(current_user, form.current_password.data, form.new_password.data)
        except DomainError as refused:
            add_error(form, refused.field, refused.message)
        else:
            db.session.commit()
            _start_session(current_user._get_current_object())
            flash("Your password is changed. Any other signed-in device has been signed out.", "success")
            return redirect(url_for("home.index"))
    return render_form("auth/change_password.html", form)


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
def delete_account():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            accounts.delete_account(current_user._get_current_object(), form.password.data)
        except DomainError as refused:
            db.session.rollback()
            add_error(form, refused.field, refused.message)
        else:
            db.session.commit()
            logout_user()
            session.clear()
            flash("Your account is deleted. Your survey answers stay counted, and anonymous.", "info")
            return redirect(url_for("auth.login"))
    return render_form("auth/delete_account.html", form)


# `path` so that a mangled link with slashes still gets the invitation page, not a bare 404.
@bp.route("/invite/<path:token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    try:
        invitation = invitations.find_valid(token)
    except InvitationInvalid as invalid:
        status = 404 if invalid.reason == "unknown" else 410
        return render_template("auth/invitation_invalid.html", message=invalid.message), status
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        try:
            account = invitations.accept(
                token, display_name=form.display_name.data, email=form.email.data, password=form.password.data)
            accounts.start_session(account)
        except InvitationInvalid as invalid:
            db.session.rollback()
            return render_template("auth/invitation_invalid.html", message=invalid.message), 410
        except DomainError as refused:
            db.session.rollback()
            add_error(form, refused.field, refused.message)
        else:
            db.session.commit()
            _start_session(account)
            flash("Welcome to Leverage. Your account is ready.", "success")
            return redirect(url_for("home.index"))
    return render_form("auth/accept_invitation.html", form, invitation=invitation)
