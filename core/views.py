"""Small helpers every view uses, and the one unit of work every view that
changes data runs its service call through (ARCHITECTURE.md style rule 3)."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar
from urllib.parse import unquote, urlsplit

from flask import flash, render_template, request
from flask_wtf import FlaskForm

from core.extensions import db
from core.refusals import Refused

T = TypeVar("T")


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """What a unit of work came to: the service's result, or the refusal. True when it succeeded."""

    #: What the action returned (None when it was refused).
    value: T | None = None
    #: The refusal, already rolled back and shown, when there was one.
    refused: Refused | None = None

    def __bool__(self) -> bool:
        return self.refused is None


def unit_of_work(action: Callable[[], T], *, form: FlaskForm | None = None,
                 success: str | Callable[[T], str] | None = None, category: str = "success",
                 flash_refusal: bool = True, keep_on: tuple[type[Refused], ...] = ()) -> Outcome[T]:
    """Run one service call as one transaction, at the edge.

    On a `Refused`, roll back everything the call wrote (a refusal never leaves
    half-written data), and put the message beside its field on `form`, or, with
    no form, flash it (unless `flash_refusal` is False, for answers that are not
    pages). On success, commit, then flash `success` (words, or words made from
    the result). Anything else the call raises is a fault, left to the error
    pages, which roll back too.

    `keep_on` names refusals whose writes must persist all the same (a failed
    sign-in's count, which the lockout needs): those commit instead.
    Whatever `action` does happens before the commit: an action that renders
    its answer there (the ballot receipt) needs nothing from the database after it.
    """
    try:
        value = action()
    except Refused as refused:
        if isinstance(refused, keep_on):
            db.session.commit()
        else:
            db.session.rollback()
        if form is not None:
            add_error(form, refused.field, refused.message)
        elif flash_refusal:
            flash(refused.message, "error")
        return Outcome(refused=refused)
    db.session.commit()
    if success is not None:
        flash(success(value) if callable(success) else success, category)
    return Outcome(value=value)


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
