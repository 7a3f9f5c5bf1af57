"""Error pages. Every failure answers with a page that says what went wrong, in
the visitor's language, and a database failure rolls the session back so nothing
half-written is kept."""

from __future__ import annotations

import logging

from flask import Flask, g, render_template
from flask_babel import gettext, lazy_gettext
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException

from core.extensions import db, login_manager
from core.refusals import Refused

log = logging.getLogger(__name__)

#: The words of the HTTP errors a visitor meets, by status, in place of the
#: library's English ones. A view that aborts with words of its own keeps them.
HTTP_WORDS = {
    400: (lazy_gettext("Bad request"), lazy_gettext("The request was incomplete or malformed.")),
    403: (lazy_gettext("Not allowed"), lazy_gettext("Your account may not see this page.")),
    404: (lazy_gettext("Page not found"),
          lazy_gettext("There is no page at this address. Check the link, or start again from your home page.")),
    405: (lazy_gettext("Not possible"), lazy_gettext("This page cannot be used that way.")),
    410: (lazy_gettext("Gone"), lazy_gettext("What was here is no longer available.")),
    413: (lazy_gettext("Too large"), lazy_gettext("What was sent is too large.")),
    429: (lazy_gettext("Too many attempts"), lazy_gettext("Wait a few minutes, then try again.")),
}


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        db.session.rollback()
        return render_template("errors/error.html", code=400, title=gettext("Form expired or forged"),
                               message=gettext("The form was too old, or did not come from this site. "
                                               "Reload the page and try again.")), 400

    @app.errorhandler(Refused)
    def refused(error: Refused):
        # A refusal no view turned into a form error is still the rules speaking,
        # not a fault: roll back and answer with its status and its words.
        db.session.rollback()
        return render_template("errors/error.html", code=error.status, title=gettext("Not possible"),
                               message=error.message), error.status

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        db.session.rollback()
        title, message = HTTP_WORDS.get(error.code, (error.name, error.description))
        if error.description != type(error).description:
            message = error.description
        return render_template("errors/error.html", code=error.code, title=title,
                               message=message), error.code or 500

    @app.errorhandler(OperationalError)
    def database_unavailable(error: OperationalError):
        _forget_session_state()
        log.warning("database unavailable: %s", type(error.orig).__name__)
        return _render_without_database(503, gettext("Service unavailable"),
                                        gettext("The database is not answering right now. Nothing was saved; "
                                                "please try again in a minute.")), 503

    @app.errorhandler(DBAPIError)
    def database_error(error: DBAPIError):
        _forget_session_state()
        if error.connection_invalidated:
            return database_unavailable(error)  # type: ignore[arg-type]
        log.exception("database error")
        return _internal_error()

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        _forget_session_state()
        log.exception("unhandled error")
        return _internal_error()


def _internal_error():
    return _render_without_database(500, gettext("Something went wrong"),
                                    gettext("Nothing was saved. The error has been logged without personal data.")), 500


def _forget_session_state() -> None:
    """Roll back, and treat the visitor as signed out for this error page: the
    page must not query the database that just failed (loading the signed-in
    account would fail again and turn a clear 503 into a bare 500)."""
    try:
        db.session.rollback()
    except Exception:  # the connection may be gone; the pool replaces it
        log.warning("rollback failed after a database error")
    g._login_user = login_manager.anonymous_user()


def _render_without_database(code: int, title: str, message: str) -> str:
    try:
        return render_template("errors/error.html", code=code, title=title, message=message)
    except Exception:
        log.exception("error page failed to render")
        return f"<!doctype html><title>{title}</title><h1>{title}</h1><p>{message}</p>"
