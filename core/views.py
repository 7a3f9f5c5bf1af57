"""Small helpers every view uses."""

from __future__ import annotations

from urllib.parse import urlsplit

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
    """The `next` target only when it stays on this site: a path, no scheme, no host."""
    if not target:
        return None
    target = target.strip()
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.path.startswith("//"):
        return None
    return target
