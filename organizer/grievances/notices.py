"""Emails about reports, sent by two jobs through the notifications package
(the same one subject for every notice, nothing named, to accounts that turned
notices on):

* `announce_grievance_news`: the unit's stewards hear of a new report or an
  addition to one; the member hears of a steward's answer or a step taken.
  Each message and step is announced once (its `is_announced` flag).
* `remind_grievance_deadlines`: the unit's stewards hear of a deadline a few
  days before it (or at once, when it came closer while no job ran), once per
  deadline: a new step brings a new deadline, and so a new reminder.

The member is written to through their sealed account id alone; no steward
is ever told who that is. Each run sends one email per person at most,
whatever number of reports it concerns. The rows are marked first, in a
savepoint, and a mail server that cannot be reached undoes the marks for the
next run (as the survey notices do)."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from datetime import timedelta

import sqlalchemy as sa

from core import mail
from core.clock import today
from core.extensions import db
from organizer.accounts.models import Account, RoleAssignment
from organizer.grievances.models import Grievance, GrievanceMessage, MessageKind, StepTaken
from organizer.notifications import services as notifications
from organizer.roles import Role

log = logging.getLogger(__name__)

NEW_REPORT = "grievances/email_new_report.txt"
NEWS = "grievances/email_news.txt"
DEADLINE = "grievances/email_deadline.txt"
#: A steward is reminded this many days before a deadline.
REMIND_DAYS_BEFORE = 3


def _stewards(unit_id: int) -> list[Account]:
    found = db.session.scalars(sa.select(Account).join(RoleAssignment).where(
        RoleAssignment.role == Role.STEWARD, RoleAssignment.unit_id == unit_id).order_by(Account.id))
    return list(dict.fromkeys(found))


def _send(letters: dict[str, dict[int, Account]]) -> int:
    sent = 0
    for template, accounts in letters.items():
        sent += notifications.notify(accounts.values(), template)
    return sent


def _mark_and_send(mark: Iterable[object], letters: dict[str, dict[int, Account]], what: str) -> int:
    marks = list(mark)
    if not marks:
        return 0
    try:
        with db.session.begin_nested():
            for apply in marks:
                apply()
            db.session.flush()
            return _send(letters)
    except mail.MailNotSent as failed:
        log.warning("grievance %s wait for the next run (%s)", what, failed)
        return 0


def announce_grievance_news() -> int:
    """Tell stewards of new reports and additions, and members of answers and steps taken, once each."""
    letters: dict[str, dict[int, Account]] = defaultdict(dict)
    marks = []
    for message in db.session.scalars(sa.select(GrievanceMessage).where(GrievanceMessage.is_announced.is_(False))):
        grievance = message.grievance
        if message.kind == MessageKind.REPLY:
            _to_member(grievance, letters)
        else:
            for steward in _stewards(grievance.unit_id):
                if steward.id != grievance.reporter_id:
                    letters[NEW_REPORT][steward.id] = steward
        marks.append(lambda message=message: setattr(message, "is_announced", True))
    for taken in db.session.scalars(sa.select(StepTaken).where(StepTaken.is_announced.is_(False))):
        if taken.by_id is not None:
            _to_member(taken.grievance, letters)
        marks.append(lambda taken=taken: setattr(taken, "is_announced", True))
    return _mark_and_send(marks, letters, "news")


def _to_member(grievance: Grievance, letters: dict[str, dict[int, Account]]) -> None:
    member = db.session.get(Account, grievance.reporter_id) if grievance.reporter_id is not None else None
    if member is not None:
        letters[NEWS][member.id] = member


def remind_grievance_deadlines() -> int:
    """Remind a unit's stewards of a grievance's deadline a few days before it, once per deadline."""
    letters: dict[str, dict[int, Account]] = defaultdict(dict)
    marks = []
    soon = today() + timedelta(days=REMIND_DAYS_BEFORE)
    for grievance in db.session.scalars(sa.select(Grievance).order_by(Grievance.id)):
        due_on = grievance.due_on
        if due_on is None or not grievance.step.is_open or due_on > soon or grievance.reminded_for == due_on:
            continue
        for steward in _stewards(grievance.unit_id):
            letters[DEADLINE][steward.id] = steward
        marks.append(lambda grievance=grievance, due_on=due_on: setattr(grievance, "reminded_for", due_on))
    return _mark_and_send(marks, letters, "reminders")
