"""Passing a report on to stewards who made their key after it was sealed.

A message is sealed to the keys its unit's stewards had at that moment, and
its envelope cannot take one more recipient (everything in it is bound to
the list). So a steward who made their key later (or a newer one, after
losing a passphrase) reads earlier messages through a further copy of each
one's content key, wrapped to their public key. Only a steward who can open
the message can make it, in their own browser, which holds their secret: the
server never holds a message's key, and what it keeps is the copy, sealed
again at rest (`KeyCopy`).

What the server checks, holding no key: each copy is whole and bound to that
very message (its signature, `crypto.reports.verify_rewrap`); it is signed
with a key of the steward posting it that already holds the message (one of
the envelope's recipients, or a copy's); it is for the current key of one of
the unit's current stewards, so a removed steward gets nothing new; and that
key has no copy of the message yet. Otherwise nothing is stored, whatever
else the post held. Whether the copy wraps the right key only its recipient
can tell: a wrong one opens nothing (the message's body does not open).

Who it goes to. Every report is sealed to all the unit's stewards with a key
(the report form offers no narrower choice), so a copy may go to any of them,
and to them only: never to an organizer, nor to the member's key. Anonymity
is untouched: the copy carries the message exactly as the member sealed it,
so the newer steward reads a name only if the member wrote one inside, as
every steward of the unit does; nothing of the account that filed is on the
pages that make copies, in the copies, or known to whoever makes them, and
the member's browser takes no part (so nothing ties the member to the moment
a copy is made). The member's report page says that later stewards can be
given a copy."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext
from sqlalchemy.orm import selectinload

from core.extensions import db
from crypto import reports
from crypto.errors import DecodeError
from organizer.accounts.models import Account
from organizer.charting.models import BargainingUnit
from organizer.errors import DomainError
from organizer.grievances import keys
from organizer.grievances.models import Grievance, GrievanceMessage, KeyCopy
from organizer.grievances.services import context_of

#: Copies one post may carry: a thread's messages for several newer stewards; a page sends more in turns.
MOST_COPIES_PER_POST = 128


@dataclass(frozen=True)
class PostedCopy:
    """A copy as a steward's browser posts it: the message's place in the thread, and the copy's bytes."""

    message: int
    copy: bytes


@dataclass(frozen=True)
class Missing:
    """A message that some current stewards' keys cannot open yet, and those keys."""

    index: int
    message: GrievanceMessage
    keys: tuple[bytes, ...]


def _copy_recipient(copy: KeyCopy) -> bytes | None:
    try:
        return reports.parse_rewrap(copy.copy).recipient
    except DecodeError:
        return None


def holders_of(message: GrievanceMessage) -> set[bytes]:
    """The public keys that open the message: its envelope's recipients, and those given a copy."""
    held = set(reports.parse_message(message.envelope).recipients)
    return held | {key for key in map(_copy_recipient, message.copies) if key is not None}


def own_keys(actor: Account) -> set[bytes]:
    return {bytes(key.public_key) for key in keys.keys_of(actor)}


def _missing(grievance: Grievance, current: Sequence[bytes], mine: set[bytes]) -> list[Missing]:
    found = []
    for index, message in enumerate(grievance.messages):
        held = holders_of(message)
        lacking = tuple(key for key in current if key not in held)
        if lacking and mine & held:
            found.append(Missing(index, message, lacking))
    return found


def missing(grievance: Grievance, actor: Account) -> list[Missing]:
    """The messages of the thread that a current steward's key cannot open yet and the actor's keys can
    (so the actor's browser can pass them on), each with the keys lacking."""
    current = [s.public_key for s in keys.stewards_on_key(grievance.unit)]
    return _missing(grievance, current, own_keys(actor)) if current else []


def missing_in(unit: BargainingUnit, grievances: Sequence[Grievance], actor: Account
               ) -> list[tuple[Grievance, list[Missing]]]:
    """`missing` for each of the unit's `grievances` that has any, in their order: their threads and
    copies read in three statements, not three a report."""
    current = [s.public_key for s in keys.stewards_on_key(unit)]
    mine = own_keys(actor)
    if not grievances or not current or not mine:
        return []
    db.session.scalars(sa.select(Grievance).where(Grievance.unit_id == unit.id).options(
        selectinload(Grievance.messages).selectinload(GrievanceMessage.copies))).all()
    return [(grievance, found) for grievance in grievances if (found := _missing(grievance, current, mine))]


def copies_for(mine: set[bytes], message: GrievanceMessage) -> list[bytes]:
    """The copies of the message's key made for one of `mine` (a reader's keys)."""
    return [copy.copy for copy in message.copies if _copy_recipient(copy) in mine]


def _forged() -> DomainError:
    return DomainError(gettext("A copy this page made does not check out (it may have been changed on the way), so "
                               "nothing was kept. Reload the page and try again."), field="copies")


def pass_on(actor: Account, grievance: Grievance, posted: Sequence[PostedCopy]) -> list[KeyCopy]:
    """Keep the copies a steward's browser made of the thread's keys for newer stewards: all of them, or
    none with a refusal."""
    keys.require_steward_of(actor, grievance.unit)
    if not posted or len(posted) > MOST_COPIES_PER_POST:
        raise DomainError(gettext("This page sent nothing to pass on, or too much at once. Reload it and try "
                                  "again."), field="copies")
    mine = own_keys(actor)
    current = {s.public_key for s in keys.stewards_on_key(grievance.unit)}
    given: set[tuple[int, bytes]] = set()
    made = []
    for item in posted:
        if not 0 <= item.message < len(grievance.messages):
            raise _forged()
        message = grievance.messages[item.message]
        if not reports.verify_rewrap(item.copy, message.envelope, context_of(grievance, message.kind)):
            raise _forged()
        copy = reports.parse_rewrap(item.copy)
        held = holders_of(message)
        if copy.holder not in mine or copy.holder not in held:
            raise _forged()
        if copy.recipient not in current:
            raise DomainError(gettext("A copy was for a key that is not the key of one of this unit's stewards now, "
                                      "so nothing was kept. Reload the page."), field="copies")
        if copy.recipient in held or (item.message, copy.recipient) in given:
            raise DomainError(gettext("A steward this page meant to pass the report on to can open it already, so "
                                      "nothing was kept. Reload the page."), field="copies")
        given.add((item.message, copy.recipient))
        kept = KeyCopy(copy=item.copy)
        message.copies.append(kept)
        made.append(kept)
    db.session.flush()
    return made
