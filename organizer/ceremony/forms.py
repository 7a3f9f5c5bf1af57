"""Forms of the union's survey key: starting a ceremony (who, and how many must
take part), and the shapes of what a trustee's browser posts as JSON (a
personal key with its proof and sealed secret, a dealing, an acknowledgement
or a complaint, partial decryptions), refused in plain words before any
service runs. None of them carries a passphrase: it never leaves the browser."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext, lazy_gettext
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectMultipleField, widgets
from wtforms.validators import InputRequired, NumberRange

from organizer.errors import DomainError
from surveys.definitions import MAX_TRUSTEES, MIN_TRUSTEE_QUORUM


class StartCeremonyForm(FlaskForm):
    trustees = SelectMultipleField(lazy_gettext("Trustees"), coerce=int, option_widget=widgets.CheckboxInput(),
                                   widget=widgets.ListWidget(prefix_label=False))
    threshold = IntegerField(
        lazy_gettext("How many of them must take part to open a survey's results"),
        default=MIN_TRUSTEE_QUORUM,
        validators=[InputRequired(lazy_gettext("Say how many must take part.")),
                    NumberRange(MIN_TRUSTEE_QUORUM, MAX_TRUSTEES)],
        description=lazy_gettext(
            "At least %(min)d, so no one person can open results alone. Fewer than all of them, so that results "
            "can still be opened if one loses their passphrase or leaves: with 3 trustees, 2 is a good choice.",
            min=MIN_TRUSTEE_QUORUM))


class CeremonyRequestInvalid(DomainError):
    """A JSON body that is not what the ceremony page sends."""


def _bytes(body: dict[str, Any], name: str) -> bytes:
    value = body.get(name)
    if not isinstance(value, str):
        raise CeremonyRequestInvalid(gettext("Send '%(name)s' as base64.", name=name))
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise CeremonyRequestInvalid(gettext("'%(name)s' must be base64.", name=name)) from None


def _object(body: object) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise CeremonyRequestInvalid(gettext("Send a JSON object."))
    return body


@dataclass(frozen=True)
class JoinMessage:
    personal_key: bytes
    possession_proof: bytes
    sealed_secret: bytes


def join_message_from(body: object) -> JoinMessage:
    body = _object(body)
    return JoinMessage(_bytes(body, "personal_key"), _bytes(body, "possession_proof"), _bytes(body, "sealed_secret"))


def dealing_from(body: object) -> dict[str, Any]:
    dealing = _object(body).get("dealing")
    if not isinstance(dealing, dict):
        raise CeremonyRequestInvalid(gettext("Send the 'dealing' as a JSON object."))
    return dealing


@dataclass(frozen=True)
class CheckResult:
    """A trustee's check of the pieces they received: a signed acknowledgement, or a complaint."""

    acknowledgement: bytes | None
    complaint: dict[str, Any] | None


def check_result_from(body: object) -> CheckResult:
    body = _object(body)
    if isinstance(body.get("complaint"), dict) and "acknowledgement" not in body:
        return CheckResult(None, body["complaint"])
    if "complaint" in body:
        raise CeremonyRequestInvalid(gettext("Send an 'acknowledgement' or a 'complaint', not both."))
    return CheckResult(_bytes(body, "acknowledgement"), None)


def partials_from(body: object) -> list[bytes]:
    partials = _object(body).get("partials")
    if not isinstance(partials, list) or not all(isinstance(p, str) for p in partials):
        raise CeremonyRequestInvalid(gettext("Send the 'partials' as a list of base64 strings."))
    try:
        return [base64.b64decode(p, validate=True) for p in partials]
    except (binascii.Error, ValueError):
        raise CeremonyRequestInvalid(gettext("Each partial decryption must be base64.")) from None
