"""Accounts: sign-in with lockout and device cookies, the password policy,
password changes, session tokens, and the creation of accounts (only ever from
an invitation, the demo seed or the bootstrap command).

Sign-in defends against guessing without ever looking at a client address:

- the views put a rate limit on every attempt before any password work (a
  budget per submitted email, keyed by its blind index so that unknown emails
  are limited exactly like known ones, and one budget over all sign-ins);
- after repeated failures an account is locked, but only for browsers that
  have never signed in to it (OWASP's "device cookies"). A browser that has
  signed in successfully holds a device token naming the account; it is never
  locked out by strangers' failures and has its own small budget instead. So
  nobody can lock a trustee out on the day their passphrase is needed just by
  typing wrong passwords at their email address."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext, lazy_gettext, ngettext
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from core import i18n
from core.clock import today, utcnow
from core.extensions import db
from core.sealing import blind_index
from crypto.fields import normalize_email
from organizer.accounts import committee, coworkers
from organizer.accounts.models import Account, AccountSession, RoleAssignment, hash_token
from organizer.audit import services as audit
from organizer.audit.models import AuditAction, AuditEntry
from organizer.charting import roster, unions
from organizer.charting.models import BargainingUnit, Person, Union
from organizer.errors import DomainError, LoginRefused
from organizer.roles import Role
from surveys import ballot_box, keys

LOGIN_REFUSED_MESSAGE = lazy_gettext(
    "That email and password do not match an account that can sign in now. "
    "After %(failures)d failed attempts an account is locked for %(minutes)d minutes, "
    "except on browsers that have signed in to it before."
)

#: The rule lives here, not in the forms, so that every way of setting a
#: password (invitation, password change, the bootstrap command) obeys it.
PASSWORD_MIN_LENGTH = 10

#: Long passphrases are welcome; the cap only keeps hashing work bounded.
PASSWORD_MAX_LENGTH = 128

#: The common-password list from @zxcvbn-ts/language-common (see organizer/accounts/data/README.md).
COMMON_PASSWORDS_FILE = Path(__file__).resolve().parent / "data" / "common_passwords.txt"

#: A browser remembers device tokens for at most this many accounts (a shared
#: computer at home or at the union hall); the oldest is dropped first.
DEVICE_TOKENS_PER_BROWSER = 4

_DEVICE_TOKEN_SEPARATOR = "~"


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


@lru_cache(maxsize=4)
def _decoy_hash(method: str) -> str:
    return generate_password_hash("decoy password that matches nothing", method=method)


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip())


def check_password_policy(password: str, *, email: str, display_name: str, field: str = "password") -> None:
    """Refuse a new password that is too short, too long, common, or the
    person's own email or name, with a DomainError saying why."""
    if not PASSWORD_MIN_LENGTH <= len(password) <= PASSWORD_MAX_LENGTH:
        raise DomainError(gettext("Use between %(min)d and %(max)d characters; a few words make a good one.",
                                  min=PASSWORD_MIN_LENGTH, max=PASSWORD_MAX_LENGTH), field=field)
    folded = password.strip().lower()
    if folded in _common_passwords():
        raise DomainError(gettext("This password is on a list of common passwords that attackers try first. "
                                  "Choose another: a few unrelated words make a strong one."), field=field)
    address = normalize_email(email)
    if folded in {address, address.partition("@")[0]}:
        raise DomainError(gettext("Your password must not be your email address or the part before the @."),
                          field=field)
    if folded == display_name.strip().lower():
        raise DomainError(gettext("Your password must not be your display name."), field=field)


def sign_in_budget_key(email: str) -> str:
    """The rate-limit key of sign-ins to this email, known or not.

    Derived from the blind index (one HMAC, no database query, no password
    work), so an unknown address is limited exactly like a known one. It is
    hashed once more with the secret key, so that a shared rate-limit store
    (memcached, redis) cannot be joined with the database's email index."""
    return _keyed_digest(b"sign-in budget", blind_index(normalize_email(email)))


def trusted_device_token(cookie: str | None, email: str) -> str | None:
    """The token in this browser's device cookie that names the account of
    `email`, or None. Pure computation: no database query, no password work,
    and the answer is the same whether or not the account exists."""
    if not cookie:
        return None
    digest = blind_index(normalize_email(email))
    oldest = today() - timedelta(days=current_app.config["DEVICE_COOKIE_DAYS"])
    for token in cookie.split(_DEVICE_TOKEN_SEPARATOR)[:DEVICE_TOKENS_PER_BROWSER]:
        parsed = _parse_device_token(token)
        if parsed is None:
            continue
        issued, nonce, tag = parsed
        if issued >= oldest and hmac.compare_digest(tag, _device_tag(issued, digest, nonce)):
            return token
    return None


def device_budget_key(token: str) -> str:
    """The rate-limit key of a trusted browser: its token's random nonce."""
    parsed = _parse_device_token(token)
    if parsed is None:
        raise ValueError("not a device token")
    return _keyed_digest(b"device budget", parsed[1])


def remember_device(cookie: str | None, account: Account) -> str:
    """The new device cookie after `account` signed in on this browser: a fresh
    token for it (a new nonce, so a new budget) first, then the browser's
    tokens for other accounts that are still in date.

    The token is `day.nonce.tag`, the tag an HMAC under a key derived from the
    app's secret key over the day, the account's blind index and the nonce.
    Nothing is stored on the server; the day (coarse, as PRIVACY.md asks) lets
    old tokens lapse."""
    issued = today()
    nonce = secrets.token_bytes(16)
    fresh = ".".join((str(issued.toordinal()), _b64(nonce), _b64(_device_tag(issued, account.email_index, nonce))))
    oldest = issued - timedelta(days=current_app.config["DEVICE_COOKIE_DAYS"])
    kept = [fresh]
    for token in (cookie or "").split(_DEVICE_TOKEN_SEPARATOR):
        parsed = _parse_device_token(token)
        if parsed is None or parsed[0] < oldest:
            continue
        if hmac.compare_digest(parsed[2], _device_tag(parsed[0], account.email_index, parsed[1])):
            continue  # the account's older token: replaced by the fresh one
        kept.append(token)
    return _DEVICE_TOKEN_SEPARATOR.join(kept[:DEVICE_TOKENS_PER_BROWSER])


def _parse_device_token(token: str) -> tuple[date, bytes, bytes] | None:
    day, nonce, tag = (token.split(".") + ["", "", ""])[:3]
    if not day.isdigit() or len(day) > 7 or token.count(".") != 2:
        return None
    try:
        issued = date.fromordinal(int(day))
        nonce_bytes = base64.urlsafe_b64decode(nonce + "==")
        tag_bytes = base64.urlsafe_b64decode(tag + "=")
    except ValueError:
        return None
    if len(nonce_bytes) != 16 or len(tag_bytes) != 32:
        return None
    return issued, nonce_bytes, tag_bytes


def _device_tag(issued: date, email_index: bytes, nonce: bytes) -> bytes:
    message = b"|".join((str(issued.toordinal()).encode(), email_index, nonce))
    return hmac.new(_derived_key(b"device cookie"), message, hashlib.sha256).digest()


def _keyed_digest(purpose: bytes, value: bytes) -> str:
    return hmac.new(_derived_key(purpose), value, hashlib.sha256).hexdigest()[:32]


def _derived_key(purpose: bytes) -> bytes:
    # One key per purpose, so a device tag can never double as a budget key.
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, b"leverage sign-in v1 " + purpose, hashlib.sha256).digest()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def find_account_by_email(email: str) -> Account | None:
    digest = blind_index(normalize_email(email))
    return db.session.scalar(sa.select(Account).where(Account.email_index == digest))


def authenticate(email: str, password: str, device_cookie: str | None = None) -> Account:
    """The account for these credentials, or LoginRefused.

    Unknown email, wrong password and locked account get the same error after
    the same work (one password hash check each), so neither the message nor
    the timing tells whether an account exists. Failures are recorded: the
    caller commits even when this raises.

    `device_cookie` is this browser's device cookie. When it holds a valid
    token for this account, the account's lock does not apply and failures do
    not count towards it: the browser's own budget (a rate limit the view puts
    on the token's nonce) bounds its guesses instead. Its success does not lift
    the lock either, so an attack in progress stays locked out.
    """
    config = current_app.config
    refused = LoginRefused(
        LOGIN_REFUSED_MESSAGE % {"failures": config["LOGIN_MAX_FAILURES"], "minutes": config["LOGIN_LOCK_MINUTES"]}
    )
    trusted = trusted_device_token(device_cookie, email) is not None
    account = find_account_by_email(email)
    if account is None:
        check_password_hash(_decoy_hash(config["PASSWORD_HASH_METHOD"]), password)
        raise refused
    password_ok = check_password_hash(account.password_hash, password)
    now = utcnow()
    if trusted:
        if not password_ok:
            raise refused
    else:
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


def count_holders(*where: sa.ColumnElement[bool]) -> int:
    """How many accounts hold a role matching `where` (conditions on RoleAssignment), each
    counted once: the size of the group a label such as "a steward of Drivers" names."""
    return db.session.scalar(sa.select(sa.func.count(sa.distinct(RoleAssignment.account_id))).where(*where)) or 0


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


def mix_sessions() -> int:
    """Write every session row again, in one transaction and in random order; returns how many.

    A sign-in is a row written at that moment, naming its account in the clear. On
    PostgreSQL it carries its transaction's id (`xmin`) and sits at the end of the heap
    (`ctid`); on SQLite it takes the next rowid and page. An unattributed act written soon
    after (a report, a story, a card) is a row of its own too, so a copy of the database
    could pair the act with the sign-in just before it. After this job every session
    carries one transaction's stamp, in an order that follows nothing: a copy taken later
    dates a sign-in to no finer than the day its row keeps. Rows are deleted and put back
    under a table lock that sign-ins and sign-outs wait for, so a session signed out
    meanwhile is never put back."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.text("LOCK TABLE account_sessions IN SHARE ROW EXCLUSIVE MODE"))
    rows = [dict(row._mapping) for row in db.session.execute(
        sa.select(AccountSession.token_hash, AccountSession.account_id, AccountSession.created_on))]
    if not rows:
        return 0
    secrets.SystemRandom().shuffle(rows)
    db.session.execute(sa.delete(AccountSession).execution_options(synchronize_session=False))
    db.session.execute(sa.insert(AccountSession), rows)
    # Sessions this session holds as entities are stale now: reloaded when next read.
    db.session.expire_all()
    return len(rows)


def change_password(account: Account, current_password: str, new_password: str) -> None:
    if not check_password_hash(account.password_hash, current_password):
        raise DomainError(gettext("Your current password is not correct."), field="current_password")
    if current_password == new_password:
        raise DomainError(gettext("Choose a password different from the current one."), field="new_password")
    check_password_policy(new_password, email=account.email, display_name=account.display_name,
                          field="new_password")
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
    if not check_password_hash(account.password_hash, password):
        raise DomainError(gettext("That password is not correct."), field="password")
    ref = account_ref(account)
    waiting = keys.unreleased_surveys_held(ref)
    if waiting:
        titles = ", ".join(f"“{survey.title}”" for survey in waiting)
        # TRANSLATORS: %(titles)s is the survey titles, each in quotes, joined by commas.
        raise DomainError(ngettext("You hold a key share that %(titles)s still needs to release its results. "
                                   "Delete your account once they are released.",
                                   "You hold a key share that %(titles)s still need to release their results. "
                                   "Delete your account once they are released.", len(waiting), titles=titles))
    for union_id in account.organizer_union_ids():
        others = db.session.scalar(sa.select(sa.func.count()).select_from(RoleAssignment).where(
            RoleAssignment.role == Role.ORGANIZER, RoleAssignment.union_id == union_id,
            RoleAssignment.account_id != account.id))
        if not others:
            union = db.session.get(Union, union_id)
            raise DomainError(gettext("You are the only organizer of %(union)s. Invite another organizer first.",
                                      union=union.name))
    ballot_box.forget_voter(ref)
    keys.forget_trustee(ref)
    _record_committee_seats_left(account)
    # The leverage profile and demands go with the account's row: claims.account_id and
    # demands.account_id are ON DELETE CASCADE (foreign keys are enforced on SQLite too),
    # so this package need not know the demands package that sits above it.
    db.session.delete(account)
    db.session.flush()


def _record_committee_seats_left(account: Account) -> None:
    """A committee seat goes with its account: the other officers see it go, as they see an
    organizer's removal. The entry names no actor, since the account goes in the same flush."""
    person = coworkers.person_of(account)
    name = person.name if person is not None else account.display_name
    for seat in [role for role in account.roles if role.role == Role.COMMITTEE]:
        unit = db.session.get(BargainingUnit, seat.unit_id)
        departments = committee.department_list(unit, seat.department_ids or ())
        audit.record(None, AuditAction.COMMITTEE_REMOVED, f"{name} left the organizing committee (was for "
                     f"{departments}): they deleted their account.", unit=unit)


def create_account(
    *, display_name: str, email: str, password: str, person: Person | None,
    roles: list[RoleAssignment],
) -> Account:
    check_password_policy(password, email=email, display_name=display_name)
    digest = blind_index(normalize_email(email))
    if db.session.scalar(sa.select(Account.id).where(Account.email_index == digest)) is not None:
        raise DomainError(gettext("An account with this email already exists."), field="email")
    if person is not None:
        _check_link_to(person, roles)
    account = Account(
        display_name=display_name.strip(),
        email=normalize_email(email),
        email_index=digest,
        password_hash=hash_password(password),
        person_id=person.id if person is not None else None,
        roles=roles,
    )
    db.session.add(account)
    db.session.flush()
    return account


def _check_link_to(person: Person, roles: list[RoleAssignment]) -> None:
    """Refuse a second account for a coworker, or roles outside their unit or union."""
    # The account↔person link is sealed, with no unique constraint: one account per
    # coworker is kept here. Its roles must lie in the coworker's unit (or union, for an
    # organizer), which is where coworkers.accounts_by_person looks for the link.
    db.session.flush()  # a coworker charted in this unit of work needs its id and unit
    # Two concurrent sign-ups for one coworker take turns on their unit's roster lock.
    # Never a lock on the coworker's own row: on PostgreSQL it would stamp that row's
    # xmax with the transaction id the new account row carries as its xmin, linking
    # the coworker to their account on disk.
    roster.lock(person.unit)
    if coworkers.has_account(person):
        raise DomainError(gettext("This coworker already has an account."))
    if any(role.unit_id != person.unit_id and role.union_id != person.unit.union_id for role in roles):
        raise DomainError(gettext("A coworker's account holds roles in their own unit or union only."))


def belongs_to_a_union(account: Account) -> bool:
    """Whether the account is a coworker's or holds any union role (else it is a job seeker's alone)."""
    return account.person_id is not None or bool(account.roles)


def join_as_coworker(account: Account, password: str, person: Person, roles: list[RoleAssignment]) -> Account:
    """An account made outside any union (to look for work) becomes this coworker's.

    The password is asked again: a browser left signed in must not take someone
    else's invitation. The profile and cards made while looking for work stay
    the person's own; nothing of them reaches the union."""
    if not check_password_hash(account.password_hash, password):
        raise DomainError(gettext("That password is not correct."), field="password")
    if belongs_to_a_union(account):
        raise DomainError(gettext("This account already belongs to a union. Sign out, then open the invitation "
                                  "link again to make a new account with it."))
    _check_link_to(person, roles)
    account.person_id = person.id
    account.roles = roles
    # Roles change what this account may do: every earlier session ends.
    sign_out_everywhere(account)
    db.session.flush()
    return account


def set_language(account: Account, language: str) -> str:
    """The person's own choice of the language they read Leverage and its emails in."""
    if not i18n.is_language(language):
        raise DomainError(gettext("Choose one of the languages listed."), field="language")
    account.language = language
    db.session.flush()
    return language


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
    union = db.session.scalar(sa.select(Union).where(Union.name == union_name.strip()))
    if union is None:
        union = unions.create_union(union_name)
    create_account(display_name=display_name, email=email, password=password, person=None,
                   roles=[RoleAssignment(role=Role.ORGANIZER, union_id=union.id)])
    return union


def actor_names(entries: list[AuditEntry]) -> dict[int, str]:
    """Display names of the accounts that acted, looked up once for a page of entries."""
    ids = {e.actor_account_id for e in entries if e.actor_account_id is not None}
    if not ids:
        return {}
    return {a.id: a.display_name for a in db.session.scalars(sa.select(Account).where(Account.id.in_(ids)))}


def account_ref(account: Account) -> str:
    """The opaque ref the engine knows an account by, as voter and as trustee."""
    return f"account:{account.id}"
