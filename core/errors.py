"""Error pages. Every failure answers with a page that says what went wrong, and
a database failure rolls the session back so nothing half-written is kept."""

from __future__ import annotations

import logging

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException

from core.extensions import db

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        db.session.rollback()
        return render_template("errors/error.html", code=400, title="Form expired or forged",
                               message=f"{error.description} Reload the page and try again."), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        db.session.rollback()
        return render_template("errors/error.html", code=error.code, title=error.name,
                               message=error.description), error.code or 500

    @app.errorhandler(OperationalError)
    def database_unavailable(error: OperationalError):
        db.session.rollback()
        log.warning("database unavailable: %s", type(error.orig).__name__)
        return render_template("errors/error.html", code=503, title="Service unavailable",
                               message="The database is not answering right now. Nothing was saved; "
                                       "please try again in a minute."), 503

    @app.errorhandler(DBAPIError)
    def database_error(error: DBAPIError):
        db.session.rollback()
        if error.connection_invalidated:
            return database_unavailable(error)  # type: ignore[arg-type]
        log.exception("database error")
        return _internal_error()

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        db.session.rollback()
        log.exception("unhandled error")
        return _internal_error()


def _internal_error():
    return render_template("errors/error.html", code=500, title="Something went wrong",
                           message="Nothing was saved. The error has been logged without personal data."), 500
