"""Accounts: sign-in with lockout, password changes, session tokens, and the
creation of accounts (only ever from an invitation, the demo seed or the
bootstrap command)."""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from core.clock import today, utcnow
from core.extensions import db
from core.sealing import blind_index
from crypto.fields import normalize_email
from organizer.errors import DomainError, LoginRefused
from organizer.models import Account, AccountSession, Person, Role, RoleAssignment, hash_token

LOGIN_REFUSED_MESSAGE = (
    "That email and password do not match an account that can sign in now. "
    "After {failures} failed attempts an account is locked for {minutes} minutes."
)


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


@lru_cache(maxsize=4)
def _decoy_hash(method: str) -> str:
    return generate_password_hash("decoy password that matches nothing", method=method)


def find_account_by_email(email: str) -> Account | None:
    digest = blind_index(normalize_email(email))
    return db.session.scalar(sa.select(Account).where(Account.email_index == digest))


def authenticate(email: str, password: str) -> Account:
    """The account for these credentials, or LoginRefused.

    Unknown email, wrong password and locked account get the same error after
    the same work (one password hash check each), so neither the message nor
    the timing tells whether an account exists. Failures are recorded: the
    caller commits even when this raises.
    """
    config = current_app.config
    refused = LoginRefused(
        LOGIN_REFUSED_MESSAGE.format(failures=config["LOGIN_MAX_FAILURES"], minutes=config["LOGIN_LOCK_MINUTES"])
    )
    account = find_account_by_email(email)
    if account is None:
        check_password_hash(_decoy_hash(config["PASSWORD_HASH_METHOD"]), password)
        raise refused
    password_ok = check_password_hash(account.password_hash, password)
    now = utcnow()
    if account.is_locked(now):
        raise refused
    if not password_ok:
        account.failed_login_count += 1
        if account.failed_login_count >= config["LOGIN_MAX_FAILURES"]:
            account.locked_until = now + timedelta(minutes=config["LOGIN_LOCK_MINUTES"])
            account.failed_login_count = 0
        db.session.flush()
        raise refused
    account.failed_login_count = 0
    account.locked_until = None
    AccountSession.start(account)
    db.session.flush()
    return account


def load_account_for_session(token: str) -> Account | None:
    oldest = today() - timedelta(days=current_app.config["SESSION_MAX_AGE_DAYS"])
    # One query for session, account and roles: it runs on every request.
    account = db.session.scalars(
        sa.select(Account).join(AccountSession)
        .where(AccountSession.token_hash == hash_token(token), AccountSession.created_on >= oldest)
        .options(joinedload(Account.roles))).unique().first()
    if account is not None:
        account._session_token = token
    return account


def sign_out(account: Account) -> None:
    """End this browser's session only."""
    if account._session_token is not None:
        db.session.execute(sa.delete(AccountSession).where(
            AccountSession.token_hash == hash_token(account._session_token)))
    db.session.flush()


def sign_out_everywhere(account: Account) -> None:
    db.session.execute(sa.delete(AccountSession).where(AccountSession.account_id == account.id))
    db.session.expire(account, ["sessions"])
    db.session.flush()


def purge_stale_sessions() -> int:
    """Delete sessions older than the maximum session age (they no longer sign anyone in)."""
    oldest = today() - timedelta(days=current_app.config["SESSION_MAX_AGE_DAYS"])
    return db.session.execute(sa.delete(AccountSession).where(AccountSession.created_on < oldest)).rowcount or 0


def change_password(account: Account, current_password: str, new_password: str) -> None:
    if not check_password_hash(account.password_hash, current_password):
        raise DomainError("Your current password is not correct.", field="current_password")
    if current_password == new_password:
        raise DomainError("Choose a password different from the current one.", field="new_password")
    account.password_hash = hash_password(new_password)
    # Every session ends, on every device; the caller signs this browser in again.
    sign_out_everywhere(account)
    AccountSession.start(account)
    db.session.flush()


def delete_account(account: Account, password: str) -> None:
    """A person deletes their own account (PRIVACY.md invariant 7).

    Their sign-in, sessions, roles, leverage profile and demands go. Their
    ballots stay counted and stay unlinkable: the ledger and eligibility rows
    that named the account get random stand-ins (the counts do not move). The
    organizers' chart keeps its own record of the coworker. Refused while the
    account holds a key share that a survey still needs, or is the last
    organizer of a union."""
    from organizer.models import Claim, Demand, Union
    from organizer.unit_surveys import account_ref
    from surveys import ballot_box, keys

    if not check_password_hash(account.password_hash, password):
        raise DomainError("That password is not correct.", field="password")
    ref = account_ref(account)
    waiting = keys.unreleased_surveys_held(ref)
    if waiting:
        titles = ", ".join(f"“{survey.title}”" for survey in waiting)
        raise DomainError(f"You hold a key share that {titles} still needs to release its results. "
                          "Delete your account once they are released.")
    for union_id in account.organizer_union_ids():
        others = db.session.scalar(sa.select(sa.func.count()).select_from(RoleAssignment).where(
            RoleAssignment.role == Role.ORGANIZER, RoleAssignment.union_id == union_id,
            RoleAssignment.account_id != account.id))
        if not others:
            union = db.session.get(Union, union_id)
            raise DomainError(f"You are the only organizer of {union.name}. Invite another organizer first.")
    ballot_box.forget_voter(ref)
    keys.forget_trustee(ref)
    db.session.execute(sa.delete(Demand).where(Demand.account_id == account.id))
    db.session.execute(sa.delete(Claim).where(Claim.account_id == account.id))
    db.session.delete(account)
    db.session.flush()


def create_account(
    *, display_name: str, email: str, password: str, person: Person | None,
    roles: list[RoleAssignment],
) -> Account:
    digest = blind_index(normalize_email(email))
    if db.session.scalar(sa.select(Account.id).where(Account.email_index == digest)) is not None:
        raise DomainError("An account with this email already exists.", field="email")
    if person is not None and person.account is not None:
        raise DomainError("This coworker already has an account.")
    account = Account(
        display_name=display_name.strip(),
        email=normalize_email(email),
        email_index=digest,
        password_hash=hash_password(password),
        person=person,
        roles=roles,
    )
    db.session.add(account)
    db.session.flush()
    return account


def start_session(account: Account) -> None:
    """A new signed-in session for this browser (used after accepting an invitation)."""
    AccountSession.start(account)
    db.session.flush()


def role_for(person: Person, role: Role) -> RoleAssignment:
    """The assignment a role gives a charted person: organizers get the union, others the unit."""
    if role == Role.ORGANIZER:
        return RoleAssignment(role=role, union_id=person.unit.union_id)
    return RoleAssignment(role=role, unit_id=person.unit_id)


def bootstrap_organizer(union_name: str, *, email: str, display_name: str, password: str):
    """The first organizer of a union, creating the union if it is new."""
    from organizer import unions
    from organizer.models import Union

    union = db.session.scalar(sa.select(Union).where(Union.name == union_name.strip()))
    if union is None:
        union = unions.create_union(union_name)
    create_account(display_name=display_name, email=email, password=password, person=None,
                   roles=[RoleAssignment(role=Role.ORGANIZER, union_id=union.id)])
    return union
