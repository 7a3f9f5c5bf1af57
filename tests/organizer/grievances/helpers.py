"""The browsers of the report tests, played in Python with crypto/reports.py as
static/js/grievances plays them: a steward makes a key, a member seals a
report to the unit's stewards and a key of their own, each side seals and
opens the thread's messages, and a steward passes earlier messages on to a
newer steward's key. Passphrase sealing uses the cheapest scrypt."""

from __future__ import annotations

import base64
import json
import secrets
from dataclasses import dataclass

from crypto import reports
from crypto.errors import SealError
from crypto.group import Point, Scalar
from crypto.sealing import seal_with_passphrase
from organizer.accounts.models import Account
from organizer.charting.models import BargainingUnit
from organizer.grievances import copies, keys, services
from organizer.grievances.keys import MadeKey
from organizer.grievances.models import Grievance, MessageKind
from tests.factories import CHEAP_SCRYPT

PASSPHRASE = "the night shift never sees daylight"


@dataclass(frozen=True)
class Sealed:
    """A key made as the browser makes it: what is posted, and the secret it keeps."""

    made: MadeKey
    secret: Scalar


def made_key(context: bytes, passphrase: str = PASSPHRASE) -> Sealed:
    secret = Scalar.random()
    public = Point.base_times(secret)
    return Sealed(MadeKey(public.to_bytes(), reports.prove_possession(secret, public, context),
                          seal_with_passphrase(secret.to_bytes(), passphrase, associated_data=context,
                                               params=CHEAP_SCRYPT)), secret)


def steward_key(steward: Account) -> Scalar:
    """The steward makes their key; its secret, as their browser would hold it."""
    sealed = made_key(keys.key_context(steward))
    keys.make_key(steward, sealed.made)
    return sealed.secret


def report_text(what: str, *, name: str | None = None, reply_key: bytes, others: int | None = 3,
                wanted: str = "Pay what is owed.", when: str = "2026-05") -> str:
    return json.dumps({"v": 1, "kind": "report", "what": what, "when": when, "others": others, "wanted": wanted,
                       "name": name, "contact": None, "reply_key": reports_b64(reply_key)})


def reports_b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def points(keys_: list[bytes]) -> list[Point]:
    return [Point.from_bytes(k) for k in keys_]


@dataclass(frozen=True)
class Filed:
    grievance: Grievance
    member_secret: Scalar


def filing(unit: BargainingUnit, what: str = "No overtime pay for Saturdays since May.", *, kind: str = "wage_hour",
           name: str | None = None, report_id: str | None = None, recipients: list[bytes] | None = None,
           content_key: bytes | None = None) -> tuple[services.Filing, Scalar]:
    report_id = report_id or secrets.token_hex(16)
    member = made_key(reports.member_key_context(report_id))
    to = recipients if recipients is not None else [s.public_key for s in keys.stewards_on_key(unit)]
    text = report_text(what, name=name, reply_key=member.made.public_key)
    envelope = reports.seal_message(points([*to, member.made.public_key]), text,
                                    reports.message_context(report_id, "report"), content_key=content_key)
    return services.Filing(report_id, kind, envelope, member.made), member.secret


def file(member: Account, unit: BargainingUnit, what: str = "No overtime pay for Saturdays since May.", **more) -> Filed:
    details, secret = filing(unit, what, **more)
    return Filed(services.file_report(member, unit, details), secret)


def envelope_for(grievance: Grievance, kind: MessageKind, text: str, member_key: bytes | None = None) -> bytes:
    to = services.recipients_of(grievance.unit, member_key or grievance.member_key)
    return reports.seal_message(points(to), text, services.context_of(grievance, kind))


def add(member: Account, grievance: Grievance, text: str):
    body = json.dumps({"v": 1, "kind": "addition", "text": text, "reply_key": reports_b64(grievance.member_key)})
    return services.add_to_report(member, grievance, envelope_for(grievance, MessageKind.ADDITION, body))


def answer(steward: Account, grievance: Grievance, text: str):
    body = json.dumps({"v": 1, "kind": "reply", "text": text})
    return services.reply(steward, grievance, envelope_for(grievance, MessageKind.REPLY, body))


def opened(grievance: Grievance, secret: Scalar) -> list[str | None]:
    """Each message of the thread as `secret` opens it, or None where it cannot."""
    texts = []
    for message in grievance.messages:
        try:
            texts.append(reports.open_message(secret, message.envelope, services.context_of(grievance, message.kind)))
        except SealError:
            texts.append(None)
    return texts


def content_key_of(grievance: Grievance, message, secret: Scalar) -> bytes:
    """A message's content key as a steward's browser finds it: sealed to their key, or in a copy for it."""
    context = services.context_of(grievance, message.kind)
    own = Point.base_times(secret).to_bytes()
    if own in reports.parse_message(message.envelope).recipients:
        return reports.content_key(secret, message.envelope, context)
    copy = next(c.copy for c in message.copies if reports.parse_rewrap(c.copy).recipient == own)
    return reports.content_key_from_rewrap(secret, copy, message.envelope, context)


def copies_made(steward: Account, secret: Scalar, grievance: Grievance) -> list[copies.PostedCopy]:
    """What a steward's browser posts to pass the thread on to the newer stewards the page names."""
    posted = []
    for found in copies.missing(grievance, steward):
        context = services.context_of(grievance, found.message.kind)
        key = content_key_of(grievance, found.message, secret)
        posted += [copies.PostedCopy(found.index, reports.rewrap(secret, key, found.message.envelope, context,
                                                                 Point.from_bytes(target)))
                   for target in found.keys]
    return posted


def pass_on(steward: Account, secret: Scalar, grievance: Grievance):
    return copies.pass_on(steward, grievance, copies_made(steward, secret, grievance))


def opened_by_copy(grievance: Grievance, secret: Scalar) -> list[str | None]:
    """Each message as `secret` opens it, sealed to it or through a copy for it; None where it cannot."""
    own = Point.base_times(secret).to_bytes()
    texts = []
    for message in grievance.messages:
        context = services.context_of(grievance, message.kind)
        mine = [c.copy for c in message.copies if reports.parse_rewrap(c.copy).recipient == own]
        try:
            if own in reports.parse_message(message.envelope).recipients:
                texts.append(reports.open_message(secret, message.envelope, context))
            else:
                texts.append(reports.open_rewrapped(secret, mine[0], message.envelope, context) if mine else None)
        except SealError:
            texts.append(None)
    return texts
