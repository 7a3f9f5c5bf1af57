"""Invitations: the only way in. An organizer invites a charted coworker with a
role; the link carries a random token whose hash alone is stored, which works
once and expires. The organizer shares the link by hand, or has it emailed
to an address typed for that one message and kept nowhere."""

from __future__ import annotations

import logging
import re
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import gettext, lazy_gettext

from core import i18n, mail
from core.clock import utcnow
from core.extensions import db
from organizer import policy
from organizer.accounts import coworkers
from organizer.accounts import services as accounts
from organizer.accounts.models import Account, Invitation, hash_token
from organizer.audit import services as audit
from organizer.audit.models import AuditAction
from organizer.charting.models import BargainingUnit, Person
from organizer.errors import DomainError, InvitationInvalid
from organizer.roles import Role

_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{32,64}$")

log = logging.getLogger(__name__)

#: The subject of an invitation: it names neither the union nor who invites.
INVITATION_SUBJECT = lazy_gettext("Your invitation to Leverage")


def invite(actor: Account, person: Person, role: Role) -> tuple[Invitation, str]:
    """A new invitation and its token, which the caller shows once and never stores."""
    policy.require_organizer(actor, person.unit, gettext("Only the union's organizers can invite its coworkers."))
    if role == Role.COMMITTEE:
        # A seat names departments and goes to someone who signs in already (accounts.committee).
        raise DomainError("Invite them as a member; once they have an account, name them to the organizing "
                          "committee from their page.", field="role")
    if coworkers.has_account(person):
        raise DomainError(gettext("This coworker already has an account."), field="role")
    # A new link replaces any earlier one still pending, so only one can be in circulation.
    db.session.execute(
        sa.delete(Invitation).where(Invitation.person_id == person.id, Invitation.accepted_on.is_(None))
    )
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        token_hash=hash_token(token),
        person=person,
        role=role,
        invited_by=actor,
        expires_at=utcnow() + timedelta(days=current_app.config["INVITATION_VALID_DAYS"]),
    )
    db.session.add(invitation)
    db.session.flush()
    audit.record(actor, AuditAction.INVITATION_SENT, f"Invited {person.name} as {role.value}.", unit=person.unit)
    return invitation, token


def email_invitation(address: str, path: str, invitation: Invitation, language: str | None = None) -> bool:
    """Send the invitation link (the app's `path` to it) to `address`, written in
    `language` (the one the organizer chose for it; None: English); False if it could not go.

    The address is used for this one message and stored nowhere: the invitee
    gives their own at sign-up. The message names neither the union, nor the
    unit, nor who invites, so a stranger who reads it learns nothing."""
    with i18n.in_language(language):
        body = render_template("email/invitation.txt", link=mail.link(path),
                               expires_on=i18n.format_day(invitation.expires_at.date()))
        letter = mail.Letter(address, str(INVITATION_SUBJECT), body)
    try:
        return mail.send([letter]) == 1
    except mail.MailNotSent as failed:
        log.warning("an invitation was not emailed (%s)", failed)
        return False


def find_valid(token: str) -> Invitation:
    """The pending invitation behind a token, or InvitationInvalid saying why not."""
    invitation = None
    if _TOKEN_SHAPE.match(token):
        invitation = db.session.scalar(sa.select(Invitation).where(Invitation.token_hash == hash_token(token)))
    if invitation is None or invitation.is_used:
        # A used invitation is deleted (see `accept`), so "unknown" covers it too.
        raise InvitationInvalid(gettext(
            "This invitation link is not valid, or has already been used. Check that you copied the whole "
            "link. If you used it, sign in; if you did not, tell your organizer at once."), reason="unknown")
    if invitation.is_expired():
        raise InvitationInvalid(gettext(
            "This invitation link has expired. Ask your organizer for a new one."), reason="expired")
    return invitation


def accept(token: str, *, display_name: str, email: str, password: str) -> Account:
    person, role = _claim(find_valid(token))
    account = accounts.create_account(
        display_name=display_name, email=email, password=password, person=person,
        roles=[accounts.role_for(person, role)],
    )
    _record_accepted(account, person, role)
    return account


def accept_with_account(token: str, account: Account, password: str) -> Account:
    """The invitation taken by the account signed in, one made to look for work:
    the same person, one sign-in (an invitation can never make a second account
    with the email an account already has)."""
    person, role = _claim(find_valid(token))
    accounts.join_as_coworker(account, password, person, [accounts.role_for(person, role)])
    _record_accepted(account, person, role)
    return account


def _claim(invitation: Invitation) -> tuple[Person, Role]:
    person, role = invitation.person, invitation.role
    # Claim the invitation by deleting it, conditionally, so two concurrent
    # accepts cannot both succeed: only one deletes the row. Nothing of it is
    # kept: a used invitation naming its coworker, beside the account made the
    # same day, would give back the account-to-person link that is sealed.
    claimed = db.session.execute(
        sa.delete(Invitation)
        .where(Invitation.id == invitation.id, Invitation.accepted_on.is_(None))
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        raise InvitationInvalid(gettext("This invitation link has already been used."), reason="used")
    db.session.expunge(invitation)
    return person, role


def _record_accepted(account: Account, person: Person, role: Role) -> None:
    # Named by the chart, not the display name chosen here (which may be a pseudonym).
    audit.record(account, AuditAction.INVITATION_ACCEPTED,
                 f"{person.name} accepted an invitation as {role.value}.", unit=person.unit)


def revoke(actor: Account, invitation: Invitation) -> None:
    policy.require_organizer(actor, invitation.person.unit,
                             gettext("Only the union's organizers can revoke its invitations."))
    if invitation.is_used:
        raise DomainError(gettext("This invitation has already been used."))
    audit.record(actor, AuditAction.INVITATION_REVOKED,
                 f"Revoked the invitation of {invitation.person.name} as {invitation.role.value}.",
                 unit=invitation.person.unit)
    db.session.delete(invitation)
    db.session.flush()


def pending_for_union(union_id: int) -> list[Invitation]:
    return list(db.session.scalars(
        sa.select(Invitation).join(Invitation.person).join(Person.unit)
        .where(BargainingUnit.union_id == union_id)
        .order_by(Invitation.expires_at.desc())
    ))


def purge_expired_invitations() -> int:
    """Delete invitations that expired unused (their tokens can never work again)."""
    result = db.session.execute(
        sa.delete(Invitation).where(Invitation.accepted_on.is_(None), Invitation.expires_at <= utcnow())
    )
    return result.rowcount or 0
