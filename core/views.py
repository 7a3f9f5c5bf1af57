"""Small helpers every view uses."""

from __future__ import annotations

import unicodedata
from urllib.parse import unquote, urlsplit

from flask import render_template, request
from flask_wtf import FlaskForm


def render_form(template: str, form: FlaskForm, **context: object) -> tuple[str, int]:
    """Render a page holding a form: 400 when a submitted form has errors, so
    clients and tests can tell refusal from success without reading the page."""
    status = 400 if request.method == "POST" and (form.errors or form.form_errors) else 200
    return render_template(template, form=form, **context), status


def add_error(form: FlaskForm, field: str | None, message: str) -> None:
    """Put a service's refusal beside the field it concerns, or at the form's top."""
    target = getattr(form, field, None) if field else None
    if target is not None and hasattr(target, "errors"):
        target.errors = [*target.errors, message]
    else:
        form.form_errors.append(message)


def safe_next_url(target: str | None) -> str | None:
    r"""The `next` target only when it is a path on this site, else None.

    Accepted: a path that starts with exactly one `/`. Refused: anything with
    a scheme or host; `//` or `/\` at the start (browsers read both as the
    start of another host); a backslash anywhere (browsers turn it into `/`);
    control characters anywhere (browsers drop tabs and newlines, so a tab
    between two slashes becomes `//evil`). The same rules apply to the
    percent-decoded text, so that a later decoding step (a proxy, a framework)
    cannot turn `/%2F%2Fevil` into `//evil`.
    """
    if not target:
        return None
    candidate = target
    # A few rounds catch double encoding (`%252F`); more than that is refused outright.
    for _ in range(3):
        if not _is_local_path(candidate):
            return None
        decoded = unquote(candidate)
        if decoded == candidate:
            return target
        candidate = decoded
    return None


def _is_local_path(target: str) -> bool:
    if not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(unicodedata.category(ch) == "Cc" for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc
