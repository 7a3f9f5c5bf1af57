"""Signing oneself up for a job search (the `signup` blueprint): ask for a link by
email, then open it to choose a name and a password."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_limiter import RateLimitExceeded
from flask_login import current_user, login_user

from core import i18n
from core.extensions import db, limiter
from core.views import render_form, unit_of_work
from organizer.accounts import services as accounts
from organizer.signup import services as signup
from organizer.signup.forms import FinishSignUpForm, SignUpForm

signup_bp = Blueprint("signup", __name__)

#: Sign-up requests send mail: a budget per address, and one over all, so the page is
#: no way to flood an inbox or the mail server. Neither reads the client's address.
SIGN_UP_ADDRESS_LIMIT = "3 per hour"
SIGN_UP_GLOBAL_LIMIT = "60 per hour"


def _address_budget() -> str:
    return signup.budget_key(request.form.get("email", ""))


@signup_bp.route("/sign-up", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config.get("SIGN_UP_GLOBAL_LIMIT", SIGN_UP_GLOBAL_LIMIT), methods=["POST"],
               scope="sign-up-global", key_func=lambda: "all")
@limiter.limit(lambda: current_app.config.get("SIGN_UP_ADDRESS_LIMIT", SIGN_UP_ADDRESS_LIMIT), methods=["POST"],
               scope="sign-up-address", key_func=_address_budget)
def start():
    if current_user.is_authenticated:
        return redirect(url_for("candidates.profile"))
    form = SignUpForm()
    if form.validate_on_submit():
        sent = signup.request_sign_up(form.email.data, lambda token: url_for("signup.finish", token=token),
                                      i18n.current_language())
        # The same page whether or not the address has an account: the mail tells its owner.
        return render_template("auth/sign_up_sent.html", sent=sent, days=signup.SIGN_UP_VALID_DAYS)
    return render_form("auth/sign_up.html", form)


@signup_bp.route("/sign-up/<path:token>", methods=["GET", "POST"])
def finish(token: str):
    try:
        signup.check_link(token)
    except signup.SignUpInvalid as invalid:
        return render_template("auth/sign_up_invalid.html", message=invalid.message), invalid.status
    form = FinishSignUpForm()
    made = form.validate_on_submit() and unit_of_work(lambda: signup.finish_sign_up(
        token, display_name=form.display_name.data, email=form.email.data, password=form.password.data), form=form)
    if not made:
        return render_form("auth/sign_up_finish.html", form)
    _signed_in(made.value)
    flash(gettext("Welcome to Leverage. Your account is ready: start with whether you are looking."), "success")
    return redirect(url_for("candidates.profile"))


def _signed_in(account) -> None:
    # As at every sign-in (organizer.accounts.views): a fresh session, the language kept.
    language = i18n.chosen_language() or i18n.browser_language()
    i18n.clear_session()
    login_user(account)
    unit_of_work(lambda: accounts.set_language(account, language))
    i18n.refresh()


@signup_bp.errorhandler(RateLimitExceeded)
def too_many_requests(error: RateLimitExceeded):
    db.session.rollback()
    return render_template("auth/sign_up_sent.html", sent=None, paused=True, days=signup.SIGN_UP_VALID_DAYS), 429
