"""Sign in, sign out, password change and accepting an invitation."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from core.extensions import db
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


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            account = accounts.authenticate(form.email.data, form.password.data)
        except LoginRefused as refused:
            db.session.commit()  # the failure count must persist for the lockout to work
            form.form_errors.append(refused.message)
        else:
            db.session.commit()
            _start_session(account)
            return redirect(safe_next_url(request.args.get("next")) or url_for("home.index"))
    return render_form("auth/login.html", form)


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
