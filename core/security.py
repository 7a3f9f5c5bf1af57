"""Security headers on every response, logging that keeps no client address, and
uploads that never touch the disk."""

from __future__ import annotations

import logging
import re
from io import BytesIO

from flask import Flask, Request, Response

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def init_app(app: Flask) -> None:
    @app.after_request
    def add_security_headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        # Pages are personal: no shared cache may keep them.
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    logging.getLogger("werkzeug").addFilter(RedactClientAddress())
    app.request_class = UploadsKeptInMemory


class RedactClientAddress(logging.Filter):
    """The dev server starts each request line with the client's address; drop it.

    PRIVACY.md invariant 7: no IP logging, not even on a laptop's console.
    """

    _leading_address = re.compile(r"^\S+ - - ")
    #: A capability in a path (an invitation's, a sign-up's or a card link's token) is a
    #: secret whose hash alone is stored: the log keeps no copy of it either.
    _token_in_path = re.compile(r"(/(?:invite|sign-up|candidate-card)/)[^\s/?\"]+")

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = self._leading_address.sub("- - - ", record.msg)
        # werkzeug passes the request line as an argument of "%s" % ...
        if isinstance(record.args, tuple):
            record.args = tuple(self._token_in_path.sub(r"\1…", arg) if isinstance(arg, str) else arg
                                for arg in record.args)
        return True


class UploadsKeptInMemory(Request):
    """Uploaded files are held in memory, never in a temporary file: werkzeug spools
    any upload over 500 KB to disk, and a coworker list must leave no copy there.
    MAX_CONTENT_LENGTH bounds what a request may hold."""

    def _get_file_stream(self, total_content_length, content_type, filename=None, content_length=None):
        return BytesIO()
