"""The shapes of what the booth page posts as JSON: a ballot made on the device
(base64 bytes, comments keyed by question id) and the tracker of a ballot to
open for checking. Anything else is refused in plain words, before any
service runs."""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass

from flask_babel import gettext

from organizer.booth.models import TRACKER_LENGTH
from organizer.errors import DomainError

_TRACKER = re.compile(rf"[0-9a-f]{{{TRACKER_LENGTH}}}")


class BoothRequestInvalid(DomainError):
    """A JSON body that is not what the booth page sends."""


@dataclass(frozen=True)
class DeviceBallot:
    #: The serialized ballot with its proofs.
    payload: bytes
    #: Sealed free-text answers, by question id.
    comments: dict[int, bytes]


def device_ballot_from(body: object) -> DeviceBallot:
    if not isinstance(body, dict) or not isinstance(body.get("payload"), str):
        raise BoothRequestInvalid(gettext("Send JSON with a base64 'payload' and optional 'comments'."))
    try:
        payload = base64.b64decode(body["payload"], validate=True)
        comments_in = body.get("comments") or {}
        if not isinstance(comments_in, dict):
            raise ValueError
        comments = {int(question_id): base64.b64decode(sealed, validate=True)
                    for question_id, sealed in comments_in.items()}
    except (binascii.Error, ValueError, TypeError):
        raise BoothRequestInvalid(gettext("The payload and comments must be base64, keyed by question id.")) from None
    return DeviceBallot(payload, comments)


def tracker_from(body: object) -> str:
    tracker = body.get("tracker") if isinstance(body, dict) else None
    if not isinstance(tracker, str) or not _TRACKER.fullmatch(tracker):
        raise BoothRequestInvalid(gettext("Send JSON with the ballot's 'tracker': %(length)d lowercase hexadecimal "
                                          "characters.", length=TRACKER_LENGTH))
    return tracker
