"""Accounts, their signed-in sessions, role assignments and invitations.

An account's link to its charted coworker is sealed, with no foreign key
(accounts.coworkers opens the links). So are the departments a committee member
is named for (see `RoleAssignment.department_ids`)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from core.clock import today, utcnow
from core.columns import enum_column
from core.extensions import db
from core.sealing import SealedCode, SealedId, SealedText, sealed_none
from organizer import policy
from organizer.charting.models import BargainingUnit, Department, Person, Union
from organizer.roles import Role


#: Roles were given a narrower column than the other enums when the schema began.
ROLE_LENGTH = 16


class Account(UserMixin, db.Model):
    """A login. Accounts exist only by invitation and use personal contact details only."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The charted coworker this account belongs to, if any (a staff organizer may have none).
    #: Sealed, absence included, with no foreign key or unique constraint: the chart service
    #: opens the links (organizer.accounts.coworkers.accounts_by_person) and keeps one account per person.
    person_id: Mapped[int | None] = mapped_column(SealedId("account.person_id"), default=sealed_none)
    #: Name shown in the app; a pseudonym is fine. Sealed.
    display_name: Mapped[str] = mapped_column(SealedText("account.display_name"))
    #: Personal email used to sign in. Sealed.
    email: Mapped[str] = mapped_column(SealedText("account.email"))
    #: HMAC blind index of the normalized email, for lookup without storing it.
    email_index: Mapped[bytes] = mapped_column(sa.LargeBinary(32), unique=True)
    #: Memory-hard password hash (scrypt).
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    #: Consecutive failed sign-ins, since the last success, from browsers without
    #: this account's device cookie (only those browsers are ever locked out).
    failed_login_count: Mapped[int] = mapped_column(default=0)
    #: Sign-in is refused until this time after too many failures.
    locked_until: Mapped[datetime | None]
    #: Day the account was created.
    created_on: Mapped[date] = mapped_column(default=today)
    #: "Email me when something needs me". Off until the person turns it on: the
    #: address was given to sign in, and a mail from Leverage in an inbox others
    #: may read is a risk only its owner can weigh.
    wants_email: Mapped[bool] = mapped_column(default=False)
    #: The release day of the newest result the home page has shown as new (see
    #: organizer.home.services): one coarse date, instead of a list of what was seen.
    results_seen_on: Mapped[date | None]
    #: The language the person reads Leverage and its emails in (core.i18n.LANGUAGES);
    #: None until they choose one or first sign in, when their browser's is kept.
    #: Sealed, absence included (a quasi-identifier, see core.sealing.SealedCode).
    language: Mapped[str | None] = mapped_column(SealedCode("account.language"), default=sealed_none)

    roles: Mapped[list[RoleAssignment]] = relationship(
        back_populates="account", cascade="all, delete-orphan", lazy="selectin"
    )

    sessions: Mapped[list[AccountSession]] = relationship(back_populates="account", cascade="all, delete-orphan")

    # The cookie holds the random token of one AccountSession, never the row id,
    # so signing out (here or everywhere) revokes the cookie on the server.
    _session_token = None

    def get_id(self) -> str:
        if self._session_token is None:
            raise RuntimeError("the session token is only known right after sign-in or loading")
        return self._session_token

    def is_locked(self, now: datetime | None = None) -> bool:
        return self.locked_until is not None and self.locked_until > (now or utcnow())

    def has_role(self, role: str) -> bool:
        return any(assignment.role == role for assignment in self.roles)

    def organizer_union_ids(self) -> set[int]:
        return {a.union_id for a in self.roles if a.role == Role.ORGANIZER and a.union_id is not None}

    def unit_ids_as(self, role: Role) -> set[int]:
        return {a.unit_id for a in self.roles if a.role == role and a.unit_id is not None}

    def committee_department_ids(self, unit_id: int) -> set[int]:
        return {department_id for a in self.roles if a.role == Role.COMMITTEE and a.unit_id == unit_id
                for department_id in a.department_ids or ()}

    # Who may do what is decided in organizer.policy; these read it for templates and views.
    def organizes(self, unit_or_union: Union | BargainingUnit) -> bool:
        return policy.organizes(self, unit_or_union)

    def stewards(self, unit: BargainingUnit) -> bool:
        return policy.stewards(self, unit)

    def is_member_of(self, unit: BargainingUnit) -> bool:
        return policy.is_member_of(self, unit)

    def charts_in(self, unit: BargainingUnit) -> bool:
        return policy.charts_in(self, unit)


class AccountSession(db.Model):
    """One signed-in browser. Each sign-in makes one; signing out deletes it."""

    __tablename__ = "account_sessions"

    #: SHA-256 of the random token in the session cookie (the token itself is never stored).
    token_hash: Mapped[bytes] = mapped_column(sa.LargeBinary(32), primary_key=True)
    #: Whose session it is.
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    #: Day of sign-in (days only); sessions expire a fixed number of days later.
    created_on: Mapped[date] = mapped_column(default=today)

    account: Mapped[Account] = relationship(back_populates="sessions")

    @classmethod
    def start(cls, account: Account) -> str:
        token = secrets.token_urlsafe(32)
        account.sessions.append(cls(token_hash=hash_token(token)))
        account._session_token = token
        return token


class SealedDepartmentIds(SealedText):
    """A set of department ids, sealed as one value: each id in 20 digits, in order,
    so the blob's size tells how many departments and nothing of which."""

    cache_ok = True

    def _to_bytes(self, value: Any) -> bytes:
        return "".join(f"{int(department_id):020d}" for department_id in sorted(value)).encode("ascii")

    def _from_bytes(self, raw: bytes) -> Any:
        digits = raw.decode("ascii")
        return frozenset(int(digits[at:at + 20]) for at in range(0, len(digits), 20))


class RoleAssignment(db.Model):
    """One role held by one account: organizer of a union, or steward, member or
    committee member of a unit.

    A committee member's assignment also names the departments of the unit they
    chart (organizer.accounts.committee names them). Those are sealed: the role
    column says that a unit has someone on its organizing committee, as it says
    who stewards it; which department they organize would narrow down who they
    are, for a reader of the database who holds the employer's roster. One
    assignment per committee member and unit holds all their departments."""

    __tablename__ = "role_assignments"
    __table_args__ = (
        sa.CheckConstraint(
            "(role = 'organizer' AND union_id IS NOT NULL AND unit_id IS NULL AND department_ids IS NULL)"
            " OR (role = 'committee' AND unit_id IS NOT NULL AND union_id IS NULL AND department_ids IS NOT NULL)"
            " OR (role NOT IN ('organizer', 'committee') AND unit_id IS NOT NULL AND union_id IS NULL"
            " AND department_ids IS NULL)",
            name="scope_matches_role",
        ),
        sa.UniqueConstraint("account_id", "role", "union_id", "unit_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The account holding the role.
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    #: Which role.
    role: Mapped[Role] = mapped_column(enum_column(Role, length=ROLE_LENGTH))
    #: For organizers: the union they organize.
    union_id: Mapped[int | None] = mapped_column(sa.ForeignKey("unions.id", ondelete="CASCADE"), index=True)
    #: For stewards, members and committee members: their bargaining unit.
    unit_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("bargaining_units.id", ondelete="CASCADE"), index=True
    )
    #: For committee members only: the unit's departments they chart (a new set replaces the
    #: old one; an organizer's removal of a department takes it out). Sealed, with no foreign key.
    department_ids: Mapped[frozenset[int] | None] = mapped_column(
        SealedDepartmentIds("role_assignment.department_ids"))

    account: Mapped[Account] = relationship(back_populates="roles")
    union: Mapped[Union | None] = relationship()
    unit: Mapped[BargainingUnit | None] = relationship()


@event.listens_for(Session, "before_flush")
def _take_removed_departments_out_of_seats(session: Session, flush_context, instances) -> None:
    # Beside the model, so it listens wherever seats exist. A committee member's departments
    # are sealed, with no foreign key to cascade: this is what keeps them pointing at
    # departments of their unit (see organizer.accounts.committee).
    removed: dict[int, set[int]] = {}
    for obj in session.deleted:
        if isinstance(obj, Department):
            removed.setdefault(obj.unit_id, set()).add(obj.id)
    if not removed:
        return
    with session.no_autoflush:
        for seat in session.scalars(sa.select(RoleAssignment).where(
                RoleAssignment.role == Role.COMMITTEE, RoleAssignment.unit_id.in_(removed))):
            kept = frozenset(seat.department_ids or ()) - removed[seat.unit_id]
            if kept != seat.department_ids:
                seat.department_ids = kept


class Invitation(db.Model):
    """A one-time link that lets a charted coworker create an account with one role."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: SHA-256 of the token in the link; the token itself is shown once and never stored.
    token_hash: Mapped[bytes] = mapped_column(sa.LargeBinary(32), unique=True)
    #: The charted coworker invited.
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"), index=True)
    #: The role the account will hold (its scope follows from the person's unit).
    role: Mapped[Role] = mapped_column(enum_column(Role, length=ROLE_LENGTH))
    #: The organizer who sent it.
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("accounts.id", ondelete="SET NULL"))
    #: The link stops working after this time.
    expires_at: Mapped[datetime]
    #: Day it was used; a used invitation never works again.
    accepted_on: Mapped[date | None]

    person: Mapped[Person] = relationship()
    invited_by: Mapped[Account | None] = relationship()

    @property
    def is_used(self) -> bool:
        return self.accepted_on is not None

    def is_expired(self, now: datetime | None = None) -> bool:
        return self.expires_at <= (now or utcnow())


def hash_token(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8")).digest()
