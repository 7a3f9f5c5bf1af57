"""Reports of problems at work (grievances), their threads and steps, the
stewards' personal keys, each union's rules for them, and the counts released.

Two locks, one inside the other. What the member writes (what happened, when,
how many others, what they want, and their name if they chose to give it) is
sealed in their browser to the stewards' personal keys and to a key of the
member's own for that report (`crypto.reports`); the server never holds a key
that opens it. That envelope is then sealed again at rest with the
application key (`core.sealing`), as every other thread message is, so a copy
of the database holds neither the text nor the envelopes' recipients.

What the server knows, and keeps sealed at rest: which account filed each
report (`Grievance.reporter_id`, so that a steward's answer and a change of
status can reach the member, and the member can find their own reports); a
keyed hash of that account (`reporter_ref`, so that a member who files twice
counts once); the kind of problem (to count it); the days it was filed and
each step taken, and the deadlines. The residual risk, in plain words: whoever
runs the server and holds its keys can learn that a member sent a report, of
what kind and on which day, though not a word of what it says. A steward sees
none of it: nothing of the account is ever on a steward's page, in an email
to them or in the step log.

A steward who makes their key after a report was sealed reads it through a
further copy of each message's key (`KeyCopy`), which another steward's
browser made: the same envelope, one more wrapped key, sealed at rest too.

Left in the clear: each row's id and unit (a unit's pages find their rows by
them; they say how many reports a unit has, how many messages each thread
holds and, by the number of its logged steps, how far each has come, never
whose report it is nor what about), a report's random public id (its address and what its envelopes are
bound to), whether a message or step has been announced by email, and the
stewards' public keys (a key is public; that a steward has one the roles table
already implies). A steward's sealed secret is sealed with a passphrase the
server never sees, and again at rest.

The reporter is an id sealed with no foreign key (as `Account.person_id`):
when the account is deleted its reports stay with the stewards (they are the
union's cases) and their route to the member is cut (`_cut_the_route`). The
counts keep the keyed hash, which names no row."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from core.clock import today
from core.extensions import db
from core.labels import LabelledEnum
from core.sealing import SealedBytes, SealedDate, SealedId, SealedText, sealed_none
from organizer.accounts.models import Account
from organizer.charting.models import BargainingUnit, Union
from organizer.errors import DomainError

#: Every stored value of the sealed choices below fits this many bytes.
CHOICE_WIDTH = 24


class ProblemKind(LabelledEnum):
    """What a report is about."""

    WAGE_AND_HOUR = "wage_hour", lazy_gettext("Pay and hours (overtime, breaks, missing pay)")
    SAFETY_AND_HEALTH = "safety_health", lazy_gettext("Safety and health")
    HARASSMENT = "harassment", lazy_gettext("Harassment or discrimination")
    DISCIPLINE = "discipline", lazy_gettext("Discipline (a write-up, a meeting, a firing)")
    SCHEDULING = "scheduling", lazy_gettext("Scheduling")
    CONTRACT = "contract", lazy_gettext("Contract violation")
    OTHER = "other", lazy_gettext("Something else")

    @property
    def phrase(self) -> str:
        """The kind inside a sentence: "17 members reported a problem with <phrase>"."""
        return str(PHRASES[self])


PHRASES = {
    ProblemKind.WAGE_AND_HOUR: lazy_gettext("pay and hours"),
    ProblemKind.SAFETY_AND_HEALTH: lazy_gettext("safety and health"),
    ProblemKind.HARASSMENT: lazy_gettext("harassment or discrimination"),
    ProblemKind.DISCIPLINE: lazy_gettext("discipline"),
    ProblemKind.SCHEDULING: lazy_gettext("scheduling"),
    ProblemKind.CONTRACT: lazy_gettext("the contract"),
    ProblemKind.OTHER: lazy_gettext("something else"),
}


class Step(LabelledEnum):
    """Where a grievance stands. Open steps follow one another in this order; any
    open step may end it (resolved or withdrawn); an ended one moves no more."""

    RECEIVED = "received", lazy_gettext("Received")
    INVESTIGATING = "investigating", lazy_gettext("Investigating")
    STEP_1 = "step_1", lazy_gettext("Step 1")
    STEP_2 = "step_2", lazy_gettext("Step 2")
    ARBITRATION = "arbitration", lazy_gettext("Arbitration")
    RESOLVED = "resolved", lazy_gettext("Resolved")
    WITHDRAWN = "withdrawn", lazy_gettext("Withdrawn")

    @property
    def is_open(self) -> bool:
        return self not in (Step.RESOLVED, Step.WITHDRAWN)

    @property
    def next_in_order(self) -> Step | None:
        """The step that follows this one, or None after arbitration and once ended."""
        order = list(OPEN_STEPS)
        at = order.index(self) if self in order else len(order)
        return order[at + 1] if at + 1 < len(order) else None

    def moves_to(self) -> list[Step]:
        """Where a grievance at this step may go next."""
        if not self.is_open:
            return []
        following = self.next_in_order
        return [*([following] if following else []), Step.RESOLVED, Step.WITHDRAWN]

    def can_move_to(self, other: Step) -> bool:
        return other in self.moves_to()


#: The open steps, in order; each has a number of days allowed in a union's rules.
OPEN_STEPS = (Step.RECEIVED, Step.INVESTIGATING, Step.STEP_1, Step.STEP_2, Step.ARBITRATION)

#: Days allowed at each open step unless a union sets its own: a steward answers a
#: report within the week, and most contracts give about ten working days to file,
#: to answer and to appeal each step, and a month to demand arbitration.
DEFAULT_DAYS = {Step.RECEIVED: 7, Step.INVESTIGATING: 14, Step.STEP_1: 14, Step.STEP_2: 14, Step.ARBITRATION: 30}


class MessageKind(LabelledEnum):
    """Who wrote a message of a report's thread, and so what it is bound to."""

    REPORT = "report", lazy_gettext("The report")
    ADDITION = "addition", lazy_gettext("Added by the member")
    REPLY = "reply", lazy_gettext("The steward's answer")


class SealedChoice(SealedText):
    """A labelled enum's stored value sealed at one width, so the blob's size tells
    no step or kind from another."""

    cache_ok = True

    def __init__(self, purpose: str, choices: type[LabelledEnum]) -> None:
        super().__init__(purpose)
        self.choices = choices

    def _to_bytes(self, value: Any) -> bytes:
        raw = self.choices(value).value.encode("ascii")
        if len(raw) > CHOICE_WIDTH:
            raise ValueError(f"{self.purpose}: {value!r} does not fit the sealed width of {CHOICE_WIDTH}")
        return raw.ljust(CHOICE_WIDTH)

    def _from_bytes(self, raw: bytes) -> Any:
        return self.choices(raw.decode("ascii").rstrip())


class StewardKey(db.Model):
    """A steward's personal key for members' reports, made in their browser: the
    public key, and the secret sealed there with their passphrase. A replaced key
    is kept (retired) so that the reports sealed to it still open with it."""

    __tablename__ = "grievance_steward_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The steward.
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    #: The public key (32 bytes, ristretto255): new reports are sealed to it.
    public_key: Mapped[bytes] = mapped_column(sa.LargeBinary(32), unique=True)
    #: The secret, sealed in the browser with the steward's passphrase (crypto.sealing's format). Sealed again.
    sealed_secret: Mapped[bytes] = mapped_column(SealedBytes("grievance_steward_key.sealed_secret"))
    #: Day it was made.
    made_on: Mapped[date] = mapped_column(default=today)
    #: Day a newer key replaced it; None while it is the one new reports are sealed to.
    retired_on: Mapped[date | None]

    account: Mapped[Account] = relationship()


class GrievanceRules(db.Model):
    """A union's rules for grievances: the days allowed at each step (what its
    contracts say), and from when reports are counted. Absent: the defaults."""

    __tablename__ = "grievance_rules"

    #: The union.
    union_id: Mapped[int] = mapped_column(sa.ForeignKey("unions.id", ondelete="CASCADE"), primary_key=True)
    #: Days allowed at each open step.
    days_received: Mapped[int] = mapped_column(default=DEFAULT_DAYS[Step.RECEIVED])
    days_investigating: Mapped[int] = mapped_column(default=DEFAULT_DAYS[Step.INVESTIGATING])
    days_step_1: Mapped[int] = mapped_column(default=DEFAULT_DAYS[Step.STEP_1])
    days_step_2: Mapped[int] = mapped_column(default=DEFAULT_DAYS[Step.STEP_2])
    days_arbitration: Mapped[int] = mapped_column(default=DEFAULT_DAYS[Step.ARBITRATION])
    #: Reports filed on or after this day are counted (the first of a month).
    counted_since: Mapped[date]

    union: Mapped[Union] = relationship()

    def days_at(self, step: Step) -> int | None:
        """Days allowed at an open step; None once a grievance has ended."""
        return getattr(self, f"days_{step.value}") if step.is_open else None


class Referral(db.Model):
    """A place outside the union a member can also turn to: the labour department,
    the safety agency, a worker centre. Public information, kept in the clear."""

    __tablename__ = "grievance_referrals"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The union whose report page lists it.
    union_id: Mapped[int] = mapped_column(sa.ForeignKey("unions.id", ondelete="CASCADE"), index=True)
    #: Its name.
    name: Mapped[str] = mapped_column(sa.String(120))
    #: What it helps with.
    helps_with: Mapped[str] = mapped_column(sa.String(200))
    #: How to reach it: a phone number, an address or a web address.
    reach: Mapped[str] = mapped_column(sa.String(200))

    union: Mapped[Union] = relationship()


class Grievance(db.Model):
    """One member's report and the grievance it becomes (see the module's docstring
    for what is sealed, and what the server can know)."""

    __tablename__ = "grievances"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The unit whose stewards it is sealed to.
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("bargaining_units.id", ondelete="CASCADE"), index=True)
    #: 32 hex digits drawn in the member's browser: the report's address, and what its envelopes are bound to.
    public_id: Mapped[str] = mapped_column(sa.String(32), unique=True)
    #: The account that filed it, only to route answers and status back. Sealed, no foreign key;
    #: None (sealed) once that account is deleted. Never shown to a steward.
    reporter_id: Mapped[int | None] = mapped_column(SealedId("grievance.reporter_id"), default=sealed_none)
    #: A keyed hash of that account, so the counts count each member once. Sealed.
    reporter_ref: Mapped[str] = mapped_column(SealedText("grievance.reporter_ref"))
    #: What it is about. Sealed.
    kind: Mapped[ProblemKind] = mapped_column(SealedChoice("grievance.kind", ProblemKind))
    #: Day it was filed. Sealed.
    filed_on: Mapped[date] = mapped_column(SealedDate("grievance.filed_on"))
    #: Where it stands. Sealed.
    step: Mapped[Step] = mapped_column(SealedChoice("grievance.step", Step))
    #: Day the current step began. Sealed.
    step_on: Mapped[date] = mapped_column(SealedDate("grievance.step_on"))
    #: The current step's deadline; None once ended. Sealed, absence included.
    due_on: Mapped[date | None] = mapped_column(SealedDate("grievance.due_on"), default=sealed_none)
    #: The deadline a reminder was sent for, so a reminder goes once per deadline. Sealed, absence included.
    reminded_for: Mapped[date | None] = mapped_column(SealedDate("grievance.reminded_for"), default=sealed_none)
    #: The member's public key for this report (made in their browser): answers are sealed to it. Sealed.
    member_key: Mapped[bytes] = mapped_column(SealedBytes("grievance.member_key"))
    #: Its secret, sealed in the member's browser with a passphrase of their own. Sealed again.
    member_sealed_secret: Mapped[bytes] = mapped_column(SealedBytes("grievance.member_sealed_secret"))

    unit: Mapped[BargainingUnit] = relationship()
    messages: Mapped[list[GrievanceMessage]] = relationship(
        back_populates="grievance", order_by="GrievanceMessage.id", cascade="all, delete-orphan")
    steps: Mapped[list[StepTaken]] = relationship(
        back_populates="grievance", order_by="StepTaken.id", cascade="all, delete-orphan")

    @property
    def code(self) -> str:
        """A short code to tell reports apart on a page: "5BE0-C1"."""
        return f"{self.public_id[:4]}-{self.public_id[4:6]}".upper()

    def move_to(self, step: Step, began_on: date, due_on: date | None, by_id: int | None) -> StepTaken:
        """Take the next step (or end it), logging it; DomainError for one out of order."""
        if not self.step.can_move_to(step):
            raise DomainError(_out_of_order(self.step, step), field="step")
        if began_on < self.step_on:
            raise DomainError(lazy_gettext("A step cannot begin before the one it follows began."),
                              field="began_on")
        self.step, self.step_on, self.due_on = step, began_on, due_on if step.is_open else None
        taken = StepTaken(step=step, began_on=began_on, due_on=self.due_on, by_id=by_id)
        self.steps.append(taken)
        return taken


def _out_of_order(current: Step, wanted: Step) -> str:
    if not current.is_open:
        return str(lazy_gettext("This grievance has ended: it takes no more steps."))
    following = current.next_in_order
    if following is None:
        return str(lazy_gettext("After arbitration, a grievance can only be resolved or withdrawn."))
    return str(lazy_gettext("From %(current)s the next step is %(next)s (or resolving or withdrawing it).",
                            current=current.label, next=following.label))


class GrievanceMessage(db.Model):
    """One message of a report's thread: the report itself, what the member added,
    or a steward's answer, as the browser sealed it, sealed again at rest."""

    __tablename__ = "grievance_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The report.
    grievance_id: Mapped[int] = mapped_column(sa.ForeignKey("grievances.id", ondelete="CASCADE"), index=True)
    #: Who wrote it, and so its context. Sealed.
    kind: Mapped[MessageKind] = mapped_column(SealedChoice("grievance_message.kind", MessageKind))
    #: The steward who answered; None (sealed) for the member's own messages. Sealed, no foreign key.
    author_id: Mapped[int | None] = mapped_column(SealedId("grievance_message.author_id"), default=sealed_none)
    #: Day it was sent. Sealed.
    sent_on: Mapped[date] = mapped_column(SealedDate("grievance_message.sent_on"))
    #: The envelope made in the browser (crypto.reports' format). Sealed again with the app key.
    envelope: Mapped[bytes] = mapped_column(SealedBytes("grievance_message.envelope"))
    #: Whether the people it concerns have been told by email (the notices job).
    is_announced: Mapped[bool] = mapped_column(default=False)

    grievance: Mapped[Grievance] = relationship(back_populates="messages")
    copies: Mapped[list[KeyCopy]] = relationship(
        back_populates="message", order_by="KeyCopy.id", cascade="all, delete-orphan")


class KeyCopy(db.Model):
    """A further copy of one message's key, for a steward who made their key after the
    message was sealed (or made a newer one): made in the browser of a steward who
    could open the message, wrapped to the newer steward's public key and signed
    (crypto.reports' copy format), sealed again at rest. It holds no key in the
    clear, nor anything of who filed (organizer/grievances/copies.py)."""

    __tablename__ = "grievance_key_copies"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The message whose key it carries.
    message_id: Mapped[int] = mapped_column(sa.ForeignKey("grievance_messages.id", ondelete="CASCADE"), index=True)
    #: The copy as the browser made it (who it is for, who made it, the wrapped key, the signature). Sealed.
    copy: Mapped[bytes] = mapped_column(SealedBytes("grievance_key_copy.copy"))

    message: Mapped[GrievanceMessage] = relationship(back_populates="copies")


class StepTaken(db.Model):
    """The sealed log of a grievance's steps: which, from when, until when, by whom."""

    __tablename__ = "grievance_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The grievance.
    grievance_id: Mapped[int] = mapped_column(sa.ForeignKey("grievances.id", ondelete="CASCADE"), index=True)
    #: The step. Sealed.
    step: Mapped[Step] = mapped_column(SealedChoice("grievance_step.step", Step))
    #: Day it began. Sealed.
    began_on: Mapped[date] = mapped_column(SealedDate("grievance_step.began_on"))
    #: Its deadline, for an open step. Sealed, absence included.
    due_on: Mapped[date | None] = mapped_column(SealedDate("grievance_step.due_on"), default=sealed_none)
    #: The steward who took it; None (sealed) when the member filed or withdrew. Sealed, no foreign key.
    by_id: Mapped[int | None] = mapped_column(SealedId("grievance_step.by_id"), default=sealed_none)
    #: Whether the member has been told by email (the notices job).
    is_announced: Mapped[bool] = mapped_column(default=False)

    grievance: Mapped[Grievance] = relationship(back_populates="steps")


class CountRelease(db.Model):
    """Counts of a unit's reporters released at once: for each figure shown (all
    kinds, then each kind), the keyed hashes of the members behind it, so that a
    later release is judged against every earlier one (no two may differ by
    fewer than k people). Sealed: the hashes say who stands behind which kind."""

    __tablename__ = "grievance_count_releases"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The unit.
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("bargaining_units.id", ondelete="CASCADE"), index=True)
    #: Day it was released. Sealed.
    released_on: Mapped[date] = mapped_column(SealedDate("grievance_count_release.released_on"))
    #: Reports filed from this day on were counted. Sealed.
    since: Mapped[date] = mapped_column(SealedDate("grievance_count_release.since"))
    #: JSON: {"all" or a kind's value: [reporter refs]}, the figures approved. Sealed.
    figures: Mapped[str] = mapped_column(SealedText("grievance_count_release.figures"))


@event.listens_for(Session, "before_flush")
def _cut_the_route(session: Session, flush_context, instances) -> None:
    """When an account is deleted, its reports stay with the stewards and nothing
    keeps pointing at it: a later account given the same id must never receive
    the answers. The ids are sealed, so every row is read and matched here."""
    gone = {obj.id for obj in session.deleted if isinstance(obj, Account) and obj.id is not None}
    if not gone:
        return
    # A steward's name on an answer or a step is cut too: a later account of that id is not them.
    with session.no_autoflush:
        for grievance in session.scalars(sa.select(Grievance)):
            if grievance.reporter_id in gone:
                grievance.reporter_id = None
        for message in session.scalars(sa.select(GrievanceMessage)):
            if message.author_id in gone:
                message.author_id = None
        for taken in session.scalars(sa.select(StepTaken)):
            if taken.by_id in gone:
                taken.by_id = None
