"""Reports and grievances: a member files a report, sealed in their browser; the
member adds to it or withdraws it; the unit's stewards answer it, sealed in
their browser to the member's own key for that report, and take it through
the steps against the union's deadlines.

What the server checks, holding no key that opens anything. Every message
arrives as an envelope (`crypto.reports`) that must prove, with no key, that
it is whole, bound to this report and to who wrote it (report, addition or
answer), and sealed to exactly the keys it should be: the unit's stewards'
current keys, then the member's key for the report. Anything else (another
report's envelope, a stripped recipient, a changed byte, a body too long) is
refused before anything is stored. The member's key arrives with its proof of
possession bound to the report, and its secret sealed with the member's own
passphrase, whose shape alone is checked.

Anonymity. The account that filed is kept sealed, to route answers and
status back and to show the member their own reports; it is never on a
steward's page, in a steward's email, nor in the step log, whatever the
steward does. The member's name reaches the steward only inside the sealed
report, and only when the member chose to write it there. Each report has its
own member key, so two reports of one member share nothing a steward (or a
copy of the database) could link them by. The residual risk, as the report
page says: someone who runs the server and holds its keys can learn who sent a
report, of what kind and when, though never what it says."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import gettext, lazy_gettext

from core.clock import today
from core.extensions import db
from core.i18n import format_day
from core.sealing import blind_index
from crypto import reports
from crypto.errors import DecodeError
from organizer import policy
from organizer.accounts.models import Account, RoleAssignment
from organizer.accounts.services import account_ref, count_holders
from organizer.charting.models import BargainingUnit
from organizer.errors import DomainError, NotAllowed
from organizer.grievances import keys
from organizer.grievances.keys import MadeKey, StewardOnKey
from organizer.grievances.models import Grievance, GrievanceMessage, MessageKind, ProblemKind, Step, StepTaken
from organizer.grievances.rules import rules_of
from organizer.roles import Role

#: A report's id: 128 bits drawn in the member's browser, as 32 lowercase hex digits.
REPORT_ID = re.compile(r"^[0-9a-f]{32}$")
#: How many messages a thread holds at most: a grievance is a conversation, not a chat room.
MOST_MESSAGES = 200
#: How many open reports one member may have at once: enough for any real trouble at work, and a
#: bound on what one account can make the stewards (and the server) hold.
MOST_OPEN_REPORTS = 20
#: The purpose of the keyed hash that counts each reporter once.
REPORTER_PURPOSE = b"grievance-reporter"

NO_STEWARD_KEY = lazy_gettext("No steward of your unit has made a key for reports yet, so a report cannot be "
                              "sent sealed to them. Nothing was sent. Talk to a steward in person, or turn to one "
                              "of the places listed on this page.")


@dataclass(frozen=True)
class Filing:
    """A report as the member's browser sends it."""

    report_id: str
    kind: str
    envelope: bytes
    member_key: MadeKey


@dataclass(frozen=True)
class StepChange:
    """A steward's move of a grievance: the step, the day it began, and a deadline other than the rules' own."""

    step: str
    began_on: date | None
    due_on: date | None


class KeysChanged(DomainError):
    """The envelope was sealed to other keys than the unit's current ones (a steward made a key
    meanwhile): the browser shows `stewards` with the codes of their keys, and seals again to
    `recipients` (theirs, then the member's) when the person sends once more."""

    def __init__(self, message: str, recipients: list[bytes], stewards: list[StewardOnKey]) -> None:
        super().__init__(message, field="recipients")
        self.recipients = recipients
        self.stewards = stewards


# -- who reads what ------------------------------------------------------------------------------

def reporter_ref(account: Account) -> str:
    return blind_index(account_ref(account), REPORTER_PURPOSE).hex()


def is_reporter(actor: Account, grievance: Grievance) -> bool:
    return grievance.reporter_id is not None and grievance.reporter_id == actor.id


def my_reports(actor: Account) -> list[Grievance]:
    """The member's own reports, newest first. The reporter is sealed, so each report's is opened."""
    return [g for g in db.session.scalars(sa.select(Grievance).order_by(Grievance.id.desc())) if is_reporter(actor, g)]


def unit_grievances(unit: BargainingUnit) -> list[Grievance]:
    """The unit's grievances: open ones first, the soonest deadline first; then the ended ones, newest first."""
    found = list(db.session.scalars(sa.select(Grievance).where(Grievance.unit_id == unit.id)))
    open_ = sorted((g for g in found if g.step.is_open), key=lambda g: (g.due_on or date.max, g.id))
    ended = sorted((g for g in found if not g.step.is_open), key=lambda g: -g.id)
    return open_ + ended


def units_to_report_to(actor: Account) -> list[BargainingUnit]:
    """The units whose stewards the member may report to (their own), by name."""
    units = [a.unit for a in actor.roles if a.unit is not None and policy.may_report_problems(actor, a.unit)]
    return sorted({unit.id: unit for unit in units}.values(), key=lambda unit: unit.name)


def few_can_report(unit: BargainingUnit) -> bool:
    """Whether fewer than the union's k members of the unit could have sent a report (members with
    accounts): then even an anonymous report leaves its steward few people to guess among, and
    the report page says so before a member chooses."""
    members = count_holders(RoleAssignment.role == Role.MEMBER, RoleAssignment.unit_id == unit.id)
    return members < unit.union.release_threshold


def recipients_of(unit: BargainingUnit, member_key: bytes) -> list[bytes]:
    """The keys a message of one of the unit's reports is sealed to: the stewards' current keys, then the member's."""
    return [steward.public_key for steward in keys.stewards_on_key(unit)] + [member_key]


def context_of(grievance: Grievance | str, kind: MessageKind) -> bytes:
    public_id = grievance if isinstance(grievance, str) else grievance.public_id
    return reports.message_context(public_id, kind.value)


# -- checks --------------------------------------------------------------------------------------

def _kind(value: str) -> ProblemKind:
    try:
        return ProblemKind(value)
    except ValueError:
        raise DomainError(gettext("Choose what the problem is about."), field="kind") from None


def _check_envelope(envelope: bytes, context: bytes, stewards: list[StewardOnKey], member_key: bytes) -> None:
    """Refuse an envelope that is not whole, not bound to `context`, or not sealed to exactly the
    stewards' keys then the member's."""
    recipients = [s.public_key for s in stewards] + [member_key]
    try:
        message = reports.parse_message(envelope)
    except (DecodeError, TypeError):
        message = None
    if message is None or not reports.verify_message(envelope, context):
        raise DomainError(gettext("What this page sealed does not check out (it may have been changed on the "
                                  "way), so nothing was kept. Reload the page and try again."), field="envelope")
    if list(message.recipients) != recipients:
        raise KeysChanged(gettext("The stewards' keys changed while you wrote. Your words are still here: check "
                                  "the stewards and their codes above, and send again."), recipients, stewards)


def _stewards_or_refuse(unit: BargainingUnit) -> list[StewardOnKey]:
    stewards = keys.stewards_on_key(unit)
    if not stewards:
        raise DomainError(NO_STEWARD_KEY)
    return stewards


# -- the member ----------------------------------------------------------------------------------

def file_report(actor: Account, unit: BargainingUnit, filing: Filing) -> Grievance:
    """A member's report, sealed in their browser to the unit's stewards and to a key of their own."""
    if not policy.may_report_problems(actor, unit):
        raise NotAllowed(gettext("Only the unit's members report problems to its stewards."))
    kind = _kind(filing.kind)
    if not isinstance(filing.report_id, str) or not REPORT_ID.match(filing.report_id):
        raise DomainError(gettext("This page is out of date. Reload it and try again: nothing was sent."))
    if db.session.scalar(sa.select(Grievance.id).where(Grievance.public_id == filing.report_id)) is not None:
        raise DomainError(gettext("This report was sent already. Find it under your reports."))
    if sum(g.step.is_open for g in my_reports(actor)) >= MOST_OPEN_REPORTS:
        raise DomainError(gettext("You have %(most)d reports open already. Add to one of them, or talk with your "
                                  "steward in person.", most=MOST_OPEN_REPORTS))
    stewards = _stewards_or_refuse(unit)
    member_key = keys.check_made_key(filing.member_key, reports.member_key_context(filing.report_id))
    if any(member_key.to_bytes() == steward.public_key for steward in stewards):
        raise DomainError(gettext("The key this page made does not check out. Reload the page and try again: "
                                  "nothing was kept."))
    _check_envelope(filing.envelope, context_of(filing.report_id, MessageKind.REPORT), stewards,
                    member_key.to_bytes())
    day = today()
    due_on = day + timedelta(days=rules_of(unit.union).days_at(Step.RECEIVED))
    grievance = Grievance(unit_id=unit.id, public_id=filing.report_id, reporter_id=actor.id,
                          reporter_ref=reporter_ref(actor), kind=kind, filed_on=day, step=Step.RECEIVED, step_on=day,
                          due_on=due_on, member_key=member_key.to_bytes(),
                          member_sealed_secret=filing.member_key.sealed_secret)
    grievance.messages.append(GrievanceMessage(kind=MessageKind.REPORT, sent_on=day, envelope=filing.envelope))
    grievance.steps.append(StepTaken(step=Step.RECEIVED, began_on=day, due_on=due_on, by_id=None,
                                     is_announced=True))
    db.session.add(grievance)
    db.session.flush()
    return grievance


def _room_in(grievance: Grievance) -> None:
    if not grievance.step.is_open:
        raise DomainError(gettext("This report has ended (resolved or withdrawn): it takes no more messages. "
                                  "Send a new report if the problem is back."))
    if len(grievance.messages) >= MOST_MESSAGES:
        raise DomainError(gettext("This report's thread is full. Talk with your steward in person."))


def add_to_report(actor: Account, grievance: Grievance, envelope: bytes, new_key: MadeKey | None = None) -> GrievanceMessage:
    """What the member adds, sealed in their browser. With `new_key` (a lost passphrase), answers are
    sealed to that key from now on; the new key is also inside the sealed message, for the stewards."""
    if not is_reporter(actor, grievance):
        raise NotAllowed(gettext("Only the member who sent this report can add to it."))
    _room_in(grievance)
    member_key = grievance.member_key
    if new_key is not None:
        point = keys.check_made_key(new_key, reports.member_key_context(grievance.public_id))
        member_key = point.to_bytes()
    _check_envelope(envelope, context_of(grievance, MessageKind.ADDITION), _stewards_or_refuse(grievance.unit),
                    member_key)
    if new_key is not None:
        grievance.member_key, grievance.member_sealed_secret = member_key, new_key.sealed_secret
    message = GrievanceMessage(kind=MessageKind.ADDITION, sent_on=today(), envelope=envelope)
    grievance.messages.append(message)
    db.session.flush()
    return message


def withdraw(actor: Account, grievance: Grievance) -> StepTaken:
    """The member withdraws their own report."""
    if not is_reporter(actor, grievance):
        raise NotAllowed(gettext("Only the member who sent this report can withdraw it."))
    taken = grievance.move_to(Step.WITHDRAWN, today(), None, by_id=None)
    db.session.flush()
    return taken


# -- the stewards --------------------------------------------------------------------------------

def reply(actor: Account, grievance: Grievance, envelope: bytes) -> GrievanceMessage:
    """A steward's answer, sealed in their browser to the member's key and the unit's stewards."""
    keys.require_steward_of(actor, grievance.unit)
    _room_in(grievance)
    _check_envelope(envelope, context_of(grievance, MessageKind.REPLY), keys.stewards_on_key(grievance.unit),
                    grievance.member_key)
    message = GrievanceMessage(kind=MessageKind.REPLY, author_id=actor.id, sent_on=today(), envelope=envelope)
    grievance.messages.append(message)
    db.session.flush()
    return message


def _step(value: str) -> Step:
    try:
        return Step(value)
    except ValueError:
        raise DomainError(gettext("Choose the step it moves to."), field="step") from None


def move(actor: Account, grievance: Grievance, change: StepChange) -> StepTaken:
    """A steward takes the grievance to its next step (or ends it). The step's deadline is the union's
    days for it from the day it began, unless the steward gives the one the contract sets; either way,
    a deadline that has passed already is refused."""
    keys.require_steward_of(actor, grievance.unit)
    step = _step(change.step)
    began_on = change.began_on or today()
    if began_on > today():
        raise DomainError(gettext("A step begins today or earlier, not on a day still to come."), field="began_on")
    due_on = None
    if step.is_open:
        due_on = change.due_on or began_on + timedelta(days=rules_of(grievance.unit.union).days_at(step))
        if due_on < today():
            field = "due_on" if change.due_on else "began_on"
            raise DomainError(gettext("That deadline (%(day)s) has passed already. Give the deadline the contract "
                                      "sets now.", day=format_day(due_on)), field=field)
        if due_on < began_on:
            raise DomainError(gettext("A deadline comes after the day its step began."), field="due_on")
    elif change.due_on is not None:
        raise DomainError(gettext("A resolved or withdrawn grievance has no deadline."), field="due_on")
    taken = grievance.move_to(step, began_on, due_on, by_id=actor.id)
    db.session.flush()
    return taken


# -- pages -----------------------------------------------------------------------------------------

def name_of(account_id: int | None) -> str | None:
    """A steward's display name on the member's page; None when that account has closed."""
    account = db.session.get(Account, account_id) if account_id is not None else None
    return account.display_name if account is not None else None

