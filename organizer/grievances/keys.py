"""The stewards' personal keys for members' reports, and the keys a message must
be sealed to.

A steward makes their key in their own browser (static/js/grievances): the
secret never leaves it except sealed with their passphrase, which is never
sent. What arrives here is the public key, a proof that its maker holds the
secret (the key ceremony's proof of possession, bound to this account, so a
key cannot be passed off as another steward's), and the sealed secret, whose
shape alone is checked. A new key retires the old one, which is kept: reports
sealed to it still open with it, with the passphrase it was made with.

Reports are sealed to the current keys of the unit's stewards at the moment
the member's browser seals, plus the member's own key for that report. A
steward who makes their key later (or a newer one) cannot open what came
before until a steward who can passes it on, in their own browser
(organizer/grievances/copies.py). The server chooses which keys a browser
seals (or passes a report on) to, and a server that lied here could add a
key of its own: that is why every steward's key has a short code
(`crypto.reports.key_fingerprint`), which the pages' script works out from
the very key it seals to and shows beside the steward's name, and which the
steward's key page works out from their own key (and checks against their
passphrase), to compare in person when in doubt. The server writes no code
on any page: a code it wrote would follow a key it swapped."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext

from core.clock import today
from core.extensions import db
from crypto import reports
from crypto.errors import CryptoError
from crypto.group import Point
from organizer import policy
from organizer.accounts.models import Account, RoleAssignment
from organizer.accounts.services import account_ref
from organizer.charting.models import BargainingUnit
from organizer.errors import DomainError, NotAllowed
from organizer.grievances.models import StewardKey
from organizer.roles import Role


@dataclass(frozen=True)
class MadeKey:
    """What a browser sends for a key it made: the public key, its proof, the sealed secret."""

    public_key: bytes
    possession_proof: bytes
    sealed_secret: bytes


@dataclass(frozen=True)
class StewardOnKey:
    """A steward and the key a report is sealed to, as a member's page names them."""

    account_id: int
    name: str
    public_key: bytes


def checked_point(data: bytes, words: str) -> Point:
    """A public key sent by a browser, or a refusal in `words`."""
    try:
        point = Point.from_bytes(data)
    except (CryptoError, TypeError, ValueError):
        raise DomainError(words) from None
    if point.is_identity():
        raise DomainError(words)
    return point


def check_made_key(made: MadeKey, context: bytes) -> Point:
    """The public key of a key a browser made, once its proof and sealed secret check out."""
    words = gettext("The key this page made does not check out. Reload the page and try again: nothing was kept.")
    point = checked_point(made.public_key, words)
    if not reports.verify_possession(point, made.possession_proof, context):
        raise DomainError(words)
    if not reports.check_sealed_secret(made.sealed_secret):
        raise DomainError(words)
    return point


def stewards_anywhere(actor: Account) -> bool:
    return bool(actor.unit_ids_as(Role.STEWARD))


def current_key(actor: Account) -> StewardKey | None:
    return db.session.scalar(sa.select(StewardKey).where(
        StewardKey.account_id == actor.id, StewardKey.retired_on.is_(None)).order_by(StewardKey.id.desc()))


def keys_of(actor: Account) -> list[StewardKey]:
    """Every key the steward has made, the current one last: a report opens with the one it was sealed to."""
    return list(db.session.scalars(sa.select(StewardKey).where(StewardKey.account_id == actor.id)
                                   .order_by(StewardKey.id)))


def key_context(actor: Account) -> bytes:
    return reports.steward_key_context(account_ref(actor))


def make_key(actor: Account, made: MadeKey) -> StewardKey:
    """A steward's new key for members' reports; their old one, if any, is kept for what was sealed to it."""
    if not stewards_anywhere(actor):
        raise NotAllowed(gettext("Only stewards hold a key for members' reports."))
    point = check_made_key(made, key_context(actor))
    if db.session.scalar(sa.select(StewardKey.id).where(StewardKey.public_key == point.to_bytes())) is not None:
        raise DomainError(gettext("That key is already in use. Reload the page and make a new one."))
    previous = current_key(actor)
    if previous is not None:
        previous.retired_on = today()
    key = StewardKey(account_id=actor.id, public_key=point.to_bytes(), sealed_secret=made.sealed_secret,
                     made_on=today())
    db.session.add(key)
    db.session.flush()
    return key


def stewards_on_key(unit: BargainingUnit) -> list[StewardOnKey]:
    """The unit's stewards who have a key, in the order a message names them (by key)."""
    rows = db.session.execute(sa.select(Account, StewardKey.public_key).join(
        RoleAssignment, RoleAssignment.account_id == Account.id).join(
        StewardKey, StewardKey.account_id == Account.id).where(
        RoleAssignment.role == Role.STEWARD, RoleAssignment.unit_id == unit.id,
        StewardKey.retired_on.is_(None)).order_by(StewardKey.id))
    return [StewardOnKey(account.id, account.display_name, bytes(public_key)) for account, public_key in rows]


def stewards_without_key(unit: BargainingUnit) -> list[Account]:
    """The unit's stewards who have not made a key yet (they cannot read new reports)."""
    with_key = {s.account_id for s in stewards_on_key(unit)}
    found = db.session.scalars(sa.select(Account).join(RoleAssignment).where(
        RoleAssignment.role == Role.STEWARD, RoleAssignment.unit_id == unit.id).order_by(Account.id))
    return [account for account in dict.fromkeys(found) if account.id not in with_key]


def require_steward_of(actor: Account, unit: BargainingUnit) -> None:
    if not policy.handles_grievances(actor, unit):
        raise NotAllowed(gettext("Only the unit's stewards handle its members' reports."))
