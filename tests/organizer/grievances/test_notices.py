"""Emails about reports: stewards hear of new reports and additions, members of
answers and steps, each once; stewards are reminded of a deadline a few days
before it, once per deadline and again for the next step's; nothing in any
email names the member, the problem, the unit or the union."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.clock import today
from core.extensions import db
from organizer.grievances import notices, services
from organizer.grievances.models import DEFAULT_DAYS, Grievance, Step
from organizer.grievances.services import StepChange
from tests.organizer.grievances.helpers import add, answer, file
from tests.organizer.notifications.builders import Outbox


@pytest.fixture
def outbox(app) -> Outbox:
    return Outbox(app)


@pytest.fixture
def listening(shop):
    """Everyone asked for notices: who is written to is then what the job chose."""
    for account in (shop.steward, shop.second, shop.keyless, shop.member, shop.organizer, *shop.others):
        account.wants_email = True
    db.session.commit()
    return shop


def _clock(monkeypatch, day):
    monkeypatch.setattr(notices, "today", lambda: day)


def _to(outbox: Outbox) -> list[str]:
    return sorted(message["To"] for message in outbox.messages())


def _run(job) -> int:
    sent = job()
    db.session.commit()
    return sent


def test_a_new_report_tells_every_steward_of_the_unit_once_and_nobody_else(listening, outbox):
    shop = listening
    file(shop.member, shop.unit, "Unpaid overtime, Saturdays", name="Lena Park")
    db.session.commit()
    assert _run(notices.announce_grievance_news) == 3
    assert _to(outbox) == sorted([shop.steward.email, shop.second.email, shop.keyless.email])
    assert _run(notices.announce_grievance_news) == 0
    for message in outbox.messages():
        body = message.get_content()
        for secret in ("Lena", "Park", "overtime", "Pay and hours", shop.unit.name, shop.unit.union.name,
                       shop.member.display_name, shop.member.email):
            assert secret not in body and secret not in message["Subject"]


def test_an_answer_and_a_step_reach_the_member_only_through_their_sealed_account(listening, outbox):
    shop = listening
    grievance = file(shop.member, shop.unit).grievance
    _run(notices.announce_grievance_news)
    for path in outbox.folder.iterdir():
        path.unlink()
    answer(shop.steward, grievance, "We are on it.")
    services.move(shop.steward, grievance, StepChange(Step.INVESTIGATING.value, None, None))
    db.session.commit()
    assert _run(notices.announce_grievance_news) == 1, "one email for both, to the member"
    assert _to(outbox) == [shop.member.email]
    add(shop.member, grievance, "More: it happened again.")
    db.session.commit()
    for path in outbox.folder.iterdir():
        path.unlink()
    _run(notices.announce_grievance_news)
    assert shop.member.email not in _to(outbox)


def test_a_deleted_member_gets_nothing_and_a_new_account_of_the_same_id_neither(listening, outbox):
    shop = listening
    grievance = file(shop.member, shop.unit).grievance
    db.session.commit()
    db.session.delete(shop.member)
    db.session.commit()
    grievance = db.session.get(Grievance, grievance.id)
    assert grievance.reporter_id is None
    answer(shop.steward, grievance, "Still here if you need us.")
    db.session.commit()
    _run(notices.announce_grievance_news)
    assert all(address.startswith(("steward", "second", "keyless")) for address in _to(outbox))


def test_a_deadline_is_reminded_a_few_days_before_once_and_again_for_the_next_step(listening, outbox, monkeypatch):
    shop = listening
    grievance = file(shop.member, shop.unit).grievance
    db.session.commit()
    due = today() + timedelta(days=DEFAULT_DAYS[Step.RECEIVED])
    stewards = sorted([shop.steward.email, shop.second.email, shop.keyless.email])
    _clock(monkeypatch, due - timedelta(days=notices.REMIND_DAYS_BEFORE + 1))
    assert _run(notices.remind_grievance_deadlines) == 0
    _clock(monkeypatch, due - timedelta(days=notices.REMIND_DAYS_BEFORE))
    assert _run(notices.remind_grievance_deadlines) == 3
    assert _to(outbox) == stewards
    assert _run(notices.remind_grievance_deadlines) == 0, "once per deadline"
    _clock(monkeypatch, due + timedelta(days=5))
    assert _run(notices.remind_grievance_deadlines) == 0, "not again for the same deadline, even once past"
    # The next step brings its own deadline, and its own reminder.
    monkeypatch.undo()
    services.move(shop.steward, db.session.get(Grievance, grievance.id),
                  StepChange(Step.INVESTIGATING.value, None, today() + timedelta(days=2)))
    db.session.commit()
    for path in outbox.folder.iterdir():
        path.unlink()
    assert _run(notices.remind_grievance_deadlines) == 3
    assert all("deadline comes up soon" in m.get_content() for m in outbox.messages())


def test_an_ended_grievance_is_not_reminded(listening, outbox, monkeypatch):
    shop = listening
    grievance = file(shop.member, shop.unit).grievance
    services.withdraw(shop.member, grievance)
    db.session.commit()
    _clock(monkeypatch, today() + timedelta(days=30))
    assert _run(notices.remind_grievance_deadlines) == 0


def test_a_job_run_that_cannot_mail_leaves_its_notices_for_the_next(listening, outbox, monkeypatch):
    shop = listening
    file(shop.member, shop.unit)
    db.session.commit()

    def unreachable(letters):
        raise notices.mail.MailNotSent("the mail server could not be reached")

    monkeypatch.setattr(notices.mail, "send", unreachable)
    assert _run(notices.announce_grievance_news) == 0
    monkeypatch.undo()
    assert _run(notices.announce_grievance_news) == 3
