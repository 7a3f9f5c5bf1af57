"""The union domain's tables: unions, bargaining units and their segments, the
chart of coworkers, accounts, role assignments and invitations.

Personal data (names, contact details, assessments, notes) is declared with
sealed column types and never reaches the database in the clear.
"""

from __future__ import annotations

import enum
import hashlib
import secrets
from datetime import date, datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship, validates

from core.clock import today, utcnow
from core.extensions import db
from core.sealing import SealedBool, SealedDate, SealedId, SealedInt, SealedText, sealed_none
from surveys.models import SurveyKind


class Role(enum.StrEnum):
    ORGANIZER = "organizer"
    STEWARD = "steward"
    MEMBER = "member"

    @property
    def label(self) -> str:
        return self.value.capitalize()


#: Organizing assessment of a coworker (0 means not yet assessed).
ASSESSMENT_LABELS: dict[int, str] = {
    0: "Not yet assessed",
    1: "Leader / strong supporter",
    2: "Supporter",
    3: "Undecided",
    4: "Leaning against",
    5: "Opposed",
}


def _role_type() -> sa.Enum:
    # Stored as a short string with a CHECK, so adding a role is a plain migration.
    return sa.Enum(Role, native_enum=False, length=16, values_callable=lambda roles: [r.value for r in roles])


#: The floors PRIVACY.md sets (invariant 10), and the one place they are written
#: on the union side: results of pulse, bargaining and vote surveys, and
#: endorsements, take the engine's own defaults; comments need more answers
#: than figures because one sentence can name its writer. A union may raise
#: each floor, never lower it below these (see `unions.update_floors`).
DEFAULT_RESULTS_FLOOR = SurveyKind.PULSE.default_threshold
DEFAULT_ENDORSEMENT_FLOOR = SurveyKind.ENDORSEMENT.default_threshold
DEFAULT_COMMENT_FLOOR = 10


class Union(db.Model):
    """A union campaign: the scope of an organizer's work."""

    __tablename__ = "unions"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The campaign's name as organizers know it (it may be a code name).
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    #: Floor of k for pulse, bargaining and vote surveys: no survey of the union
    #: shows a figure that fewer people stand behind.
    release_threshold: Mapped[int] = mapped_column(default=DEFAULT_RESULTS_FLOOR)
    #: Floor of k for endorsement surveys (few coworkers weigh one member's items).
    endorsement_threshold: Mapped[int] = mapped_column(default=DEFAULT_ENDORSEMENT_FLOOR)
    #: Floor of the comment threshold: comments open only past this many answers.
    comment_threshold: Mapped[int] = mapped_column(default=DEFAULT_COMMENT_FLOOR)
    #: Day the campaign was created; days only, never times.
    created_on: Mapped[date] = mapped_column(default=today)

    units: Mapped[list[BargainingUnit]] = relationship(
        back_populates="union", order_by="BargainingUnit.name", cascade="all, delete-orphan"
    )

    def floor_for(self, kind: SurveyKind) -> int:
        """The lowest k a survey of this kind may have in this union."""
        return self.endorsement_threshold if kind == SurveyKind.ENDORSEMENT else self.release_threshold


class BargainingUnit(db.Model):
    """A group of coworkers who bargain together."""

    __tablename__ = "bargaining_units"
    __table_args__ = (sa.UniqueConstraint("union_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The union campaign the unit belongs to.
    union_id: Mapped[int] = mapped_column(sa.ForeignKey("unions.id", ondelete="CASCADE"), index=True)
    #: The unit's name, e.g. "Warehouse associates".
    name: Mapped[str] = mapped_column(sa.String(120))
    #: Day the unit was created.
    created_on: Mapped[date] = mapped_column(default=today)

    union: Mapped[Union] = relationship(back_populates="units")
    departments: Mapped[list[Department]] = relationship(
        back_populates="unit", order_by="Department.name", cascade="all, delete-orphan"
    )
    shifts: Mapped[list[Shift]] = relationship(
        back_populates="unit", order_by="Shift.name", cascade="all, delete-orphan"
    )
    people: Mapped[list[Person]] = relationship(back_populates="unit", cascade="all, delete-orphan")


class _UnitSegment:
    """Departments and shifts share one shape: a named slice of one unit."""

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The segment's name, unique within its unit.
    name: Mapped[str] = mapped_column(sa.String(80))

    @declared_attr
    def unit_id(cls) -> Mapped[int]:
        #: The unit this segment divides.
        return mapped_column(sa.ForeignKey("bargaining_units.id", ondelete="CASCADE"), index=True)

    @declared_attr.directive
    def __table_args__(cls) -> tuple:
        return (sa.UniqueConstraint("unit_id", "name"),)


class Department(_UnitSegment, db.Model):
    __tablename__ = "departments"
    unit: Mapped[BargainingUnit] = relationship(back_populates="departments")


class Shift(_UnitSegment, db.Model):
    __tablename__ = "shifts"
    unit: Mapped[BargainingUnit] = relationship(back_populates="shifts")


class Person(db.Model):
    """One coworker on a unit's chart, member or not. Organizers only.

    Whatever an employer could join with its HR roster to pick out a small group
    is sealed, not only names and contacts: membership, the card date, the day
    charted, department and shift, and the day either last changed. The link to
    an account is sealed on the account (`Account.person_id`), so nothing on this
    row says whether the coworker has one. Sealed values cannot be filtered or
    joined in SQL, so the chart, the density figures and the electorate open them
    in the app (`organizer.chart` holds the loaders that replace the old
    relationships).

    The clear columns left are the ones a query truly needs:

    * `id`: the key invitations point to. It is sequential, so it still says
      who was charted before whom (not when).
    * `unit_id`: lists a unit's chart, counts its headcount, and deletes the
      chart with its unit. It says only that some coworker is charted in a
      unit, which the employer knows already.

    Elsewhere, role assignments keep their clear `unit_id`, which says only
    that some pseudonymous account belongs to a unit. A pending invitation
    names its coworker (`Invitation.person_id`) but no account exists yet; an
    accepted one is deleted as it is used (`organizer.invitations.accept`), so
    no row pairs a coworker with the day an account was made. The audit entry
    of an acceptance names the coworker only in its sealed description.
    """

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The unit whose chart lists this coworker.
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("bargaining_units.id", ondelete="CASCADE"), index=True)
    #: Department, if known: one of the unit's (the chart service checks; no foreign key, it is sealed).
    department_id: Mapped[int | None] = mapped_column(SealedId("person.department_id"), default=sealed_none)
    #: Shift, if known: one of the unit's (the chart service checks). Sealed.
    shift_id: Mapped[int | None] = mapped_column(SealedId("person.shift_id"), default=sealed_none)
    #: Name as coworkers know them. Sealed.
    name: Mapped[str] = mapped_column(SealedText("person.name"))
    #: Personal email (never a work address). Sealed.
    email: Mapped[str | None] = mapped_column(SealedText("person.email"))
    #: Personal phone. Sealed.
    phone: Mapped[str | None] = mapped_column(SealedText("person.phone"))
    #: Organizing assessment 0-5 (see ASSESSMENT_LABELS). Sealed: the most dangerous field to leak.
    assessment: Mapped[int] = mapped_column(SealedInt("person.assessment"), default=0)
    #: Organizers' notes. Sealed.
    notes: Mapped[str | None] = mapped_column(SealedText("person.notes"))
    #: Whether the coworker is a union member (counts toward density). Sealed.
    is_member: Mapped[bool] = mapped_column(SealedBool("person.is_member"), default=False)
    #: Day the membership card was signed, if it was. Sealed, absence included.
    card_signed_on: Mapped[date | None] = mapped_column(SealedDate("person.card_signed_on"), default=sealed_none)
    #: Day the coworker was first charted. Sealed: it tracks a hire date.
    charted_on: Mapped[date] = mapped_column(SealedDate("person.charted_on"), default=today)
    #: Day the coworker was charted or last moved to another department or shift.
    #: Breakdowns leave out anyone moved recently (unit_surveys.SEGMENT_FREEZE_DAYS). Sealed.
    segment_changed_on: Mapped[date] = mapped_column(SealedDate("person.segment_changed_on"), default=today)

    unit: Mapped[BargainingUnit] = relationship(back_populates="people")

    @property
    def assessment_label(self) -> str:
        return ASSESSMENT_LABELS.get(self.assessment, "Unknown")

    @validates("department_id", "shift_id")
    def _restart_segment_freeze(self, key: str, value: int | None) -> int | None:
        # Here rather than in each service, so that every path that moves someone
        # (an edit, a removed department) restarts the freeze, and only a real move does.
        if value != getattr(self, key):
            self.segment_changed_on = today()
        return value


class Account(UserMixin, db.Model):
    """A login. Accounts exist only by invitation and use personal contact details only."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The charted coworker this account belongs to, if any (a staff organizer may have none).
    #: Sealed, absence included, with no foreign key or unique constraint: the chart service
    #: opens the links (organizer.chart.accounts_by_person) and keeps one account per person.
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


class RoleAssignment(db.Model):
    """One role held by one account: organizer of a union, or steward or member of a unit."""

    __tablename__ = "role_assignments"
    __table_args__ = (
        sa.CheckConstraint(
            "(role = 'organizer' AND union_id IS NOT NULL AND unit_id IS NULL)"
            " OR (role <> 'organizer' AND unit_id IS NOT NULL AND union_id IS NULL)",
            name="scope_matches_role",
        ),
        sa.UniqueConstraint("account_id", "role", "union_id", "unit_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The account holding the role.
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    #: Which role.
    role: Mapped[Role] = mapped_column(_role_type())
    #: For organizers: the union they organize.
    union_id: Mapped[int | None] = mapped_column(sa.ForeignKey("unions.id", ondelete="CASCADE"), index=True)
    #: For stewards and members: their bargaining unit.
    unit_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("bargaining_units.id", ondelete="CASCADE"), index=True
    )

    account: Mapped[Account] = relationship(back_populates="roles")
    union: Mapped[Union | None] = relationship()
    unit: Mapped[BargainingUnit | None] = relationship()


class Invitation(db.Model):
    """A one-time link that lets a charted coworker create an account with one role."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: SHA-256 of the token in the link; the token itself is shown once and never stored.
    token_hash: Mapped[bytes] = mapped_column(sa.LargeBinary(32), unique=True)
    #: The charted coworker invited.
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"), index=True)
    #: The role the account will hold (its scope follows from the person's unit).
    role: Mapped[Role] = mapped_column(_role_type())
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


# -- leverage profiles, claims and demands ---------------------------------------------------------

def _short_enum(enum_class: type[enum.Enum]) -> sa.Enum:
    return sa.Enum(enum_class, native_enum=False, length=24, values_callable=lambda members: [m.value for m in members])


class DemandKind(enum.StrEnum):
    DEMAND = "demand"  #: asks the employer to act
    QUESTION = "question"  #: asks the employer for information

    @property
    def label(self) -> str:
        return {"demand": "Demand (asks the employer to act)",
                "question": "Question (asks for information)"}[self.value]


class Tier(enum.StrEnum):
    """Importance, ordered from the most to the least; each tier's weight ranks demands."""

    DEALBREAKER = "dealbreaker"
    PRIORITY = "priority"
    IMPORTANT = "important"
    NICE_TO_HAVE = "nice_to_have"
    CURIOUS = "curious"

    @property
    def rank(self) -> int:
        return list(Tier).index(self) + 1

    @property
    def weight(self) -> int:
        """Used in rankings: a dealbreaker counts five times a merely curious question."""
        return {"dealbreaker": 5, "priority": 4, "important": 3, "nice_to_have": 2, "curious": 1}[self.value]

    @property
    def label(self) -> str:
        return {"dealbreaker": "Dealbreaker", "priority": "Priority", "important": "Important",
                "nice_to_have": "Nice to have", "curious": "Curious"}[self.value]

    @property
    def meaning(self) -> str:
        return {"dealbreaker": "I would leave or strike over it",
                "priority": "Strongly wanted; I would trade other items for it",
                "important": "Matters to me; worth pushing for",
                "nice_to_have": "Welcome, but I would not trade anything for it",
                "curious": "Information wanted, no stake (questions only)"}[self.value]


class Basis(enum.StrEnum):
    """The leverage a demand rests on."""

    PERFORMANCE = "performance"
    GROWTH = "growth"
    NEEDS = "needs"
    COLLECTIVE = "collective"
    MARKET = "market"

    @property
    def label(self) -> str:
        return {"performance": "Performance (rewards: raise, promotion)",
                "growth": "Growth (training, education)",
                "needs": "Needs (accommodation, conditions that block good work)",
                "collective": "Collective (a condition for the whole unit)",
                "market": "Market (comparison information)"}[self.value]


class Category(enum.StrEnum):
    """Job-quality components."""

    PAY = "pay"
    BENEFITS = "benefits"
    SCHEDULING = "scheduling"
    SECURITY_CONDITIONS = "security_conditions"
    CAREER = "career"
    REPRESENTATION = "representation"
    CULTURE = "culture"
    DEIA = "deia"
    HIRING = "hiring"

    @property
    def label(self) -> str:
        return {"pay": "Pay", "benefits": "Benefits", "scheduling": "Scheduling and flexibility",
                "security_conditions": "Job security and working conditions (incl. safety)",
                "career": "Skills and career advancement", "representation": "Empowerment and representation",
                "culture": "Organizational culture",
                "deia": "Diversity, equity, inclusion and accessibility",
                "hiring": "Recruitment and hiring"}[self.value]


class ClaimSection(enum.StrEnum):
    """Where a claim sits in the chronological leverage profile."""

    HIRE = "hire"  #: qualifications at hire
    PERFORMANCE = "performance"  #: a year's performance claims and achievements
    NEED = "need"  #: human needs: training, accommodation

    @property
    def label(self) -> str:
        return {"hire": "Why I was hired (qualifications at hire)",
                "performance": "Performance and achievements",
                "need": "Needs (training, accommodation)"}[self.value]


class EmployerResponse(enum.StrEnum):
    SUPPORTS = "supports"
    PARTLY = "partly"
    REFUSES = "refuses"
    NO_ANSWER = "no_answer"

    @property
    def label(self) -> str:
        return {"supports": "Supports", "partly": "Partly", "refuses": "Refuses",
                "no_answer": "No answer"}[self.value]


class _Endorsable:
    """Claims and demands can be put to coworkers in an endorsement survey."""

    #: Day the author asked coworkers to weigh in; None until asked.
    endorsement_requested_on: Mapped[date | None]

    @declared_attr
    def endorsement_survey_id(cls) -> Mapped[int | None]:
        #: The endorsement survey that asks about it, once an organizer launched one.
        return mapped_column(sa.ForeignKey("surveys.id", ondelete="SET NULL"))

    @property
    def awaits_endorsement_survey(self) -> bool:
        return self.endorsement_requested_on is not None and self.endorsement_survey_id is None


demand_claims = sa.Table(
    "demand_claims",
    db.metadata,
    sa.Column("demand_id", sa.ForeignKey("demands.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("claim_id", sa.ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True),
)


class Claim(_Endorsable, db.Model):
    """One statement of a member's leverage profile ("I trained the four newest hires")."""

    __tablename__ = "claims"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The member whose profile it is.
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    #: Qualifications at hire, performance, or needs.
    section: Mapped[ClaimSection] = mapped_column(_short_enum(ClaimSection))
    #: The year it speaks of (year hired, year of the achievement), for the chronology.
    year: Mapped[int | None]
    #: The statement. Sealed.
    text: Mapped[str] = mapped_column(SealedText("claim.text"))
    #: Day it was written.
    created_on: Mapped[date] = mapped_column(default=today)

    account: Mapped[Account] = relationship()

    @property
    def subject_ref(self) -> str:
        return f"claim:{self.id}"


class Demand(_Endorsable, db.Model):
    """Something a member asks of the employer, phrased as a question that needs an answer."""

    __tablename__ = "demands"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The member who raised it.
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    #: The bargaining unit it is raised in.
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("bargaining_units.id", ondelete="CASCADE"), index=True)
    #: demand (asks the employer to act) or question (asks for information).
    kind: Mapped[DemandKind] = mapped_column(_short_enum(DemandKind))
    #: Importance tier.
    tier: Mapped[Tier] = mapped_column(_short_enum(Tier))
    #: The leverage it rests on.
    basis: Mapped[Basis] = mapped_column(_short_enum(Basis))
    #: Job-quality category.
    category: Mapped[Category] = mapped_column(_short_enum(Category))
    #: The demand itself ("Will you ...? How?"). Sealed.
    text: Mapped[str] = mapped_column(SealedText("demand.text"))
    #: Whether the member lets stewards and summaries show their name beside it.
    is_attributable: Mapped[bool] = mapped_column(default=False)
    #: Day it was raised.
    created_on: Mapped[date] = mapped_column(default=today)
    #: The employer's answer, as recorded by a steward.
    employer_response: Mapped[EmployerResponse | None] = mapped_column(_short_enum(EmployerResponse))
    #: How the employer answered, in the steward's words. Sealed.
    employer_response_note: Mapped[str | None] = mapped_column(SealedText("demand.response_note"))
    #: Day the response was recorded.
    responded_on: Mapped[date | None]
    #: A steward found it to be the same as another member's demand: it counts
    #: toward that one in the bargaining summary, which lists it once.
    same_as_id: Mapped[int | None] = mapped_column(sa.ForeignKey("demands.id", ondelete="SET NULL"), index=True)

    account: Mapped[Account] = relationship()
    unit: Mapped[BargainingUnit] = relationship()
    claims: Mapped[list[Claim]] = relationship(secondary=demand_claims, order_by="Claim.id")
    same_as: Mapped[Demand | None] = relationship(remote_side=[id])

    @property
    def subject_ref(self) -> str:
        return f"demand:{self.id}"


# -- structure tests ------------------------------------------------------------------------------

class StructureTestKind(enum.StrEnum):
    """Collective actions on the organizing ladder, each with the share of the
    unit it should reach before the campaign climbs to the next."""

    PETITION = "petition"
    GEAR_DAY = "gear_day"
    RALLY = "rally"
    MOCK_STRIKE_VOTE = "mock_strike_vote"
    STRIKE = "strike"

    @property
    def label(self) -> str:
        return {"petition": "Majority petition", "gear_day": "Union gear day", "rally": "Rally",
                "mock_strike_vote": "Mock strike vote", "strike": "Strike"}[self.value]

    @property
    def target(self) -> float:
        """The share of the unit a test of this kind should reach (a petition needs a majority)."""
        return {"petition": 0.5, "gear_day": 0.6, "rally": 0.75, "mock_strike_vote": 0.85, "strike": 0.9}[self.value]


class StructureTest(db.Model):
    """A collective action organizers recorded, with how many in the unit took part (a count, never names)."""

    __tablename__ = "structure_tests"
    __table_args__ = (sa.CheckConstraint("headcount > 0 AND participants >= 0 AND participants <= headcount",
                                         name="participants_within_headcount"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The unit that acted.
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("bargaining_units.id", ondelete="CASCADE"), index=True)
    #: Which rung of the ladder.
    kind: Mapped[StructureTestKind] = mapped_column(_short_enum(StructureTestKind))
    #: Day it took place.
    held_on: Mapped[date]
    #: How many coworkers of the unit took part.
    participants: Mapped[int]
    #: The unit's headcount that day (the chart's, unless the organizer knew better).
    headcount: Mapped[int]

    unit: Mapped[BargainingUnit] = relationship()

    @property
    def share(self) -> float:
        return self.participants / self.headcount

    @property
    def met_target(self) -> bool:
        # A petition needs a majority (more than half); every other rung, at least its share.
        if self.kind == StructureTestKind.PETITION:
            return self.share > self.kind.target
        return self.share >= self.kind.target


# -- audit log ------------------------------------------------------------------------------------

class AuditAction(enum.StrEnum):
    """What an officer did that the other officers should be able to see (PRIVACY.md invariant 10:
    puppets, gerrymandered segments and timed closes leave a trace)."""

    PERSON_CHARTED = "person_charted"
    PERSON_EDITED = "person_edited"
    PERSON_MOVED = "person_moved"
    PERSON_REMOVED = "person_removed"
    SEGMENT_CREATED = "segment_created"
    SEGMENT_RENAMED = "segment_renamed"
    SEGMENT_REMOVED = "segment_removed"
    INVITATION_SENT = "invitation_sent"
    INVITATION_REVOKED = "invitation_revoked"
    INVITATION_ACCEPTED = "invitation_accepted"
    SURVEY_LAUNCHED = "survey_launched"
    SURVEY_CLOSED = "survey_closed"
    FLOORS_CHANGED = "floors_changed"

    @property
    def label(self) -> str:
        return {"person_charted": "Charted", "person_edited": "Edited", "person_moved": "Moved",
                "person_removed": "Removed from the chart", "segment_created": "Segment added",
                "segment_renamed": "Segment renamed", "segment_removed": "Segment removed",
                "invitation_sent": "Invited", "invitation_revoked": "Invitation revoked",
                "invitation_accepted": "Invitation accepted", "survey_launched": "Survey launched",
                "survey_closed": "Survey closed", "floors_changed": "Privacy floors changed"}[self.value]


class AuditEntry(db.Model):
    """One thing an officer did, for the union's other officers to see. Written by the
    services, never edited or removed by them. The description names coworkers, so it
    is sealed; it never holds an assessment, a note or contact details, because the
    unit's stewards read it too. Days only, never times."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The union whose officers may read it.
    union_id: Mapped[int] = mapped_column(sa.ForeignKey("unions.id", ondelete="CASCADE"), index=True)
    #: The unit concerned, if any; its stewards may read it too.
    unit_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("bargaining_units.id", ondelete="SET NULL"), index=True)
    #: The account that acted; None once that account is deleted.
    actor_account_id: Mapped[int | None] = mapped_column(sa.ForeignKey("accounts.id", ondelete="SET NULL"))
    #: What kind of change it was.
    action: Mapped[AuditAction] = mapped_column(_short_enum(AuditAction))
    #: What happened, in plain words ("Moved Jordan from Loading to Cranes"). Sealed.
    description: Mapped[str] = mapped_column(SealedText("audit.description"))
    #: Day it happened; days only, never times.
    recorded_on: Mapped[date] = mapped_column(default=today)

    actor: Mapped[Account | None] = relationship()
