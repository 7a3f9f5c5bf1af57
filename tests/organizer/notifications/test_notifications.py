"""Email notices: the outbox receives the invitation and the three survey
notices, each to one personal address and with nothing sensitive in it; a
person who opted out (or never opted in) receives none; the announcing job
sends each survey event once, stores one row per survey and event, and
retries what a mail server refused."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from core import mail
from core.clock import today, utcnow
from core.extensions import db
from organizer.accounts.invitations import INVITATION_SUBJECT
from organizer.accounts.models import Account, Invitation
from organizer.charting.models import BargainingUnit, Person
from organizer.notifications import services as notifications
from organizer.notifications.models import SurveyAnnouncement, SurveyEvent
from organizer.unit_surveys import services as unit_surveys
from surveys.models import Survey, SurveyState
from tests.dumps import raw_database
from tests.organizer.notifications.builders import (
    COMMENT,
    SURVEY_TITLE,
    account,
    answer,
    close,
    give_part,
    turn_on_email,
    unit_pulse,
)
from tests.surveys.helpers import run_job

ANNOUNCE = "announce_survey_events"
#: A phrase of each notice's words, to tell them apart in the outbox.
KINDS = {"invitation": "You are invited", "opened": "A survey is open for you",
         "trustee": "your part as a trustee", "released": "New results are ready"}


def _kind(message) -> str:
    text = " ".join(message.get_content().split())
    [kind] = [kind for kind, phrase in KINDS.items() if phrase in text]
    return kind


def _recipients(outbox, kind: str) -> list[str]:
    return sorted(message["To"] for message in outbox.messages() if _kind(message) == kind)


def _sensitive_words(world) -> list[str]:
    """Everything the test data holds that a notice must never say."""
    unit = db.session.get(BargainingUnit, world.unit_id)
    names = [account.display_name for account in db.session.scalars(sa.select(Account))]
    people = [person.name for person in db.session.scalars(sa.select(Person))]
    segments = [segment.name for segment in (*unit.departments, *unit.shifts)]
    return [SURVEY_TITLE, COMMENT, unit.name, unit.union.name, *names, *people, *segments]


def test_the_outbox_receives_the_four_notices_with_nothing_sensitive(app, client, login, world, crowd, outbox):
    members = [world.member, *crowd]
    with app.app_context():
        turn_on_email(world.organizer, world.steward, *members)
        db.session.commit()

    login(client, world.organizer)
    invited = client.post(f"/people/{world.person_id}/invite",
                          data={"role": "member", "email": "jordan.at.home@example.net"})
    assert invited.status_code == 200 and b"Emailed to the address you typed" in invited.data
    shown_token = re.search(rb"/invite/([A-Za-z0-9_-]+)", invited.data).group(1).decode()

    with app.app_context():
        unit = db.session.get(BargainingUnit, world.unit_id)
        organizer, steward = account(world.organizer), account(world.steward)
        survey = unit_pulse(unit, organizer, trustees=[organizer, steward])
        run_job(app, ANNOUNCE)
        answer(survey, [account(address) for address in members[:5]])
        close(survey, organizer)
        run_job(app, ANNOUNCE)
        give_part(survey, organizer)
        give_part(survey, steward)
        assert survey.state == SurveyState.RELEASED
        run_job(app, ANNOUNCE)
        sensitive = _sensitive_words(world)

    assert _recipients(outbox, "invitation") == ["jordan.at.home@example.net"]
    assert _recipients(outbox, "opened") == sorted(members), "every member asked, at their own address"
    assert _recipients(outbox, "trustee") == sorted([world.organizer, world.steward])
    assert _recipients(outbox, "released") == sorted([world.steward, *members])
    for message in outbox.messages():
        words = message["Subject"] + " " + " ".join(message.get_content().split())
        assert message["Subject"] in (notifications.SUBJECT, INVITATION_SUBJECT)
        assert [found for found in sensitive if found in words] == [], f"a {_kind(message)} notice says too much"
        assert len(message.get_all("To")) == 1 and "," not in message["To"]
        assert message["Cc"] is None and message["Bcc"] is None
    [invitation] = outbox.to("jordan.at.home@example.net")
    assert f"{app.config['BASE_URL']}/invite/{shown_token}" in invitation.get_content()
    assert all(f"{app.config['BASE_URL']}/" in message.get_content() for message in outbox.messages())

    before = len(outbox.messages())
    with app.app_context():
        assert run_job(app, ANNOUNCE) == 0
    assert len(outbox.messages()) == before, "a second run sends nothing again"


def test_a_person_who_opted_out_receives_none(app, client, login, world, crowd, outbox):
    with app.app_context():
        turn_on_email(world.member, *crowd)
        db.session.commit()
    login(client, world.member)
    turned_off = client.post("/account/notifications", data={}, follow_redirects=True)
    assert b"No more emails" in turned_off.data

    with app.app_context():
        organizer = account(world.organizer)
        survey = unit_pulse(db.session.get(BargainingUnit, world.unit_id), organizer)
        run_job(app, ANNOUNCE)
        answer(survey, [account(address) for address in crowd[:5]])
        close(survey, organizer)
        run_job(app, ANNOUNCE)

    assert outbox.to(world.member) == [], "turned off on the settings page"
    assert outbox.to(world.steward) == [], "never turned on"
    assert [_kind(message) for message in outbox.to(crowd[0])] == ["opened", "released"]


def test_each_event_is_one_row_that_names_nobody(app, world, crowd, outbox):
    with app.app_context():
        turn_on_email(*crowd)
        organizer = account(world.organizer)
        survey = unit_pulse(db.session.get(BargainingUnit, world.unit_id), organizer)
        assert run_job(app, ANNOUNCE) == 6
        answer(survey, [account(address) for address in crowd[:5]])
        close(survey, organizer)
        assert run_job(app, ANNOUNCE) == 6
        assert run_job(app, ANNOUNCE) == 0
        rows = db.session.execute(sa.select(SurveyAnnouncement.survey_id, SurveyAnnouncement.event)).all()
        assert sorted(rows) == [(survey.id, SurveyEvent.OPENED), (survey.id, SurveyEvent.RELEASED)]
        columns = {column.name for column in SurveyAnnouncement.__table__.columns}
        assert columns == {"survey_id", "event"}, "no recipient, no time"


def test_what_the_mail_server_refused_is_sent_on_the_next_run(app, world, crowd, outbox, monkeypatch):
    def unreachable(letters):
        raise mail.MailNotSent("mail was not sent: ConnectionRefusedError")

    with app.app_context():
        turn_on_email(*crowd)
        unit_pulse(db.session.get(BargainingUnit, world.unit_id), account(world.organizer))
        monkeypatch.setattr(mail, "send", unreachable)
        assert run_job(app, ANNOUNCE) == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SurveyAnnouncement)) == 0
        monkeypatch.undo()
        assert run_job(app, ANNOUNCE) == 6
    assert _recipients(outbox, "opened") == sorted(crowd)


def test_a_scheduled_survey_is_announced_when_the_job_opens_it(app, world, crowd, outbox):
    with app.app_context():
        turn_on_email(*crowd)
        survey = unit_pulse(db.session.get(BargainingUnit, world.unit_id), account(world.organizer),
                            opens_at=utcnow() + timedelta(hours=2), closes_at=utcnow() + timedelta(days=3))
        assert run_job(app, ANNOUNCE) == 0, "not open yet"
        survey.opens_at = utcnow() - timedelta(minutes=1)
        run_job(app, "open_due_surveys")
        assert db.session.get(Survey, survey.id).state == SurveyState.OPEN
        assert run_job(app, ANNOUNCE) == 6
    assert _recipients(outbox, "opened") == sorted(crowd)


def test_trustees_are_told_only_once_the_totals_are_formed_and_only_those_still_needed(app, world, crowd, outbox):
    with app.app_context():
        turn_on_email(world.organizer, world.steward, *crowd)
        organizer, steward = account(world.organizer), account(world.steward)
        survey = unit_pulse(db.session.get(BargainingUnit, world.unit_id), organizer, trustees=[organizer, steward])
        answer(survey, [account(address) for address in crowd[:5]])
        run_job(app, ANNOUNCE)
        unit_surveys.end_voting(organizer, survey)
        run_job(app, ANNOUNCE)
        assert _recipients(outbox, "trustee") == [], "the totals are not formed yet: nothing to decrypt"
        unit_surveys.tally_and_release(organizer, survey)
        give_part(survey, steward)
        run_job(app, ANNOUNCE)
    assert _recipients(outbox, "trustee") == [world.organizer], "the steward already gave their part"


def test_old_events_are_not_announced(app, world, crowd, outbox):
    with app.app_context():
        turn_on_email(*crowd)
        survey = unit_pulse(db.session.get(BargainingUnit, world.unit_id), account(world.organizer))
        survey.opened_on = today() - timedelta(days=notifications.ANNOUNCE_WITHIN_DAYS + 1)
        assert run_job(app, ANNOUNCE) == 0
    assert outbox.messages() == []


def test_an_invitation_without_an_address_sends_nothing_and_a_typed_one_is_kept_nowhere(
        app, client, login, world, outbox):
    login(client, world.organizer)
    assert client.post(f"/people/{world.person_id}/invite", data={"role": "member"}).status_code == 200
    assert outbox.messages() == []
    sent = client.post(f"/people/{world.person_id}/invite", data={"role": "member", "email": "kept.nowhere@example.net"})
    assert sent.status_code == 200 and len(outbox.to("kept.nowhere@example.net")) == 1
    with app.app_context():
        assert b"kept.nowhere" not in raw_database(db.engine.url)


def test_a_malformed_invitation_address_is_refused(app, client, login, world, outbox):
    login(client, world.organizer)
    response = client.post(f"/people/{world.person_id}/invite", data={"role": "member", "email": "not an address"})
    assert response.status_code == 400 and b"Enter an email address" in response.data
    assert outbox.messages() == []
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Invitation)) == 0


def test_an_invitation_that_could_not_be_emailed_still_shows_its_link(app, client, login, world, outbox, monkeypatch):
    def unreachable(letters):
        raise mail.MailNotSent("mail was not sent: ConnectionRefusedError")

    monkeypatch.setattr(mail, "send", unreachable)
    login(client, world.organizer)
    response = client.post(f"/people/{world.person_id}/invite", data={"role": "member", "email": "ana@example.net"})
    assert response.status_code == 200
    assert b"could not be sent" in response.data and b"/invite/" in response.data


def test_the_setting_is_off_until_turned_on(app, client, login, world):
    login(client, world.member)
    page = client.get("/account/notifications").data.decode()
    assert re.search(r'<input[^>]*name="wants_email"[^>]*>', page) and "checked" not in page
    assert client.post("/account/notifications", data={"wants_email": "y"}).status_code == 302
    with app.app_context():
        assert account(world.member).wants_email is True
    assert "checked" in client.get("/account/notifications").data.decode()
