"""Notices by email: who is told of what, in words that say nothing sensitive.

A notice names no survey, union, unit or person and carries no answer. Its
subject is the same for every notice, since a shared computer or a phone's
lock screen shows it; its body says only what kind of thing waits and links to
the home page, which lists it once the person has signed in. Notices go only
to accounts that turned them on, to the personal address they sign in with,
one message per person, so nobody sees who else was written to.

Survey notices are sent by one job, `announce_survey_events`, whatever moved
the survey: a launch, a scheduled opening, the next round of a pulse, an
endorsement survey, a close by hand or by the clock, a trustee's last part or
a server-key release. The engine knows nothing of this (it imports nothing of
organizer/); the job reads the surveys' public state and keeps one row per
survey and event (`SurveyAnnouncement`), never one per recipient, so a second
run sends nothing twice.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta

import sqlalchemy as sa
from flask import render_template
from flask_babel import lazy_gettext
from sqlalchemy.exc import IntegrityError

from core import i18n, mail
from core.clock import today
from core.extensions import db
from organizer.accounts.models import Account, RoleAssignment
from organizer.accounts.services import account_ref
from organizer.charting.models import BargainingUnit
from organizer.notifications.models import SurveyAnnouncement, SurveyEvent
from organizer.roles import Role
from organizer.unit_surveys import services as unit_surveys
from surveys import ballot_box, keys, results
from surveys.models import KeyMode, Survey, SurveyState

log = logging.getLogger(__name__)

#: The one subject line of every notice: it says nothing of what waits.
SUBJECT = lazy_gettext("Something is waiting for you in Leverage")
#: Where a person turns notices on or off; notices link to it.
SETTINGS_PATH = "/account/notifications"
#: The words of each event's notice.
TEMPLATES = {
    SurveyEvent.OPENED: "email/survey_opened.txt",
    SurveyEvent.TRUSTEES_NEEDED: "email/trustee_needed.txt",
    SurveyEvent.RELEASED: "email/results_released.txt",
}
#: An event older than this many days is not announced any more: a nudge about
#: last week is noise, and a job that was down does not flood inboxes on restart.
ANNOUNCE_WITHIN_DAYS = 3


def set_email_preference(actor: Account, wants_email: bool) -> bool:
    """The person's own choice: notices by email, or none."""
    actor.wants_email = wants_email
    db.session.flush()
    return wants_email


def letters_for(accounts: Iterable[Account], event: SurveyEvent | str) -> list[mail.Letter]:
    """One letter per account that asked for notices, to its personal address, in its language.
    `event` is a survey event, or the template of another notice (a key ceremony's step)."""
    written: dict[str | None, tuple[str, str]] = {}
    letters = []
    for account in accounts:
        if not account.wants_email:
            continue
        if account.language not in written:
            with i18n.in_language(account.language):
                written[account.language] = (str(SUBJECT), render_template(
                    TEMPLATES.get(event, event), home=mail.link("/"), settings=mail.link(SETTINGS_PATH)))
        subject, body = written[account.language]
        letters.append(mail.Letter(account.email, subject, body))
    return letters


def notify(accounts: Iterable[Account], event: SurveyEvent | str) -> int:
    """Mail the notice of `event` to each of `accounts` that asked for notices; how many went."""
    return mail.send(letters_for(accounts, event))


def announce_survey_events() -> int:
    """Email the people a survey event concerns, once per survey and event."""
    sent = 0
    for survey, event in _unannounced():
        try:
            # The row is written, in its own savepoint, before any mail goes: a
            # second job run that reached the same event waits on it and fails,
            # and a mail server that cannot be reached undoes it, for the next run.
            with db.session.begin_nested():
                db.session.add(SurveyAnnouncement(survey_id=survey.id, event=event))
                db.session.flush()
                sent += notify(_concerned(survey, event), event)
        except (mail.MailNotSent, IntegrityError) as failed:
            log.warning("survey %s: its %s notices wait for the next run (%s)", survey.id, event.value, failed)
    return sent


def _unannounced() -> list[tuple[Survey, SurveyEvent]]:
    """Recent events of unit surveys that no announcement row records yet."""
    since = today() - timedelta(days=ANNOUNCE_WITHIN_DAYS)
    happened = {
        SurveyEvent.OPENED: (Survey.state == SurveyState.OPEN, Survey.opened_on >= since),
        SurveyEvent.TRUSTEES_NEEDED: (Survey.state == SurveyState.CLOSED, Survey.key_mode == KeyMode.TRUSTEES,
                                      Survey.closed_on >= since),
        SurveyEvent.RELEASED: (Survey.state == SurveyState.RELEASED, Survey.released_on >= since),
    }
    found = []
    for event, conditions in happened.items():
        announced = sa.exists().where(SurveyAnnouncement.survey_id == Survey.id, SurveyAnnouncement.event == event)
        surveys = db.session.scalars(sa.select(Survey).where(
            *conditions, Survey.scope.startswith(f"{unit_surveys.SCOPE_PREFIX}:"), ~announced).order_by(Survey.id))
        found += [(survey, event) for survey in surveys if _is_ready(survey, event)]
    return found


def _is_ready(survey: Survey, event: SurveyEvent) -> bool:
    # Trustees can give their part only once the totals are formed, which may
    # follow the close by a job run; participation is known exactly then.
    return event != SurveyEvent.TRUSTEES_NEEDED or results.participation(survey) is not None


def _concerned(survey: Survey, event: SurveyEvent) -> list[Account]:
    """Who the event concerns, among those who asked for notices."""
    unit = unit_surveys.unit_of(survey)
    if unit is None:
        return []
    if event == SurveyEvent.OPENED:
        # Every member the survey asks, answered or not (at opening nobody has,
        # and the mail server's log must not tell the ones who had from the rest).
        return [account for account in _unit_accounts(unit, (Role.MEMBER,))
                if account.wants_email and ballot_box.eligibility(survey, account_ref(account)) is not None]
    if event == SurveyEvent.TRUSTEES_NEEDED:
        waiting = [trustee.trustee_ref for trustee in keys.trustees_of(survey) if not trustee.has_decrypted]
        return list(unit_surveys.accounts_by_ref(waiting).values())
    # Released results are read by the unit's members and stewards (see the surveys page).
    return _unit_accounts(unit, (Role.MEMBER, Role.STEWARD))


def _unit_accounts(unit: BargainingUnit, roles: tuple[Role, ...]) -> list[Account]:
    found = db.session.scalars(sa.select(Account).join(RoleAssignment).where(
        RoleAssignment.unit_id == unit.id, RoleAssignment.role.in_(roles)).order_by(Account.id))
    return list({account.id: account for account in found}.values())
