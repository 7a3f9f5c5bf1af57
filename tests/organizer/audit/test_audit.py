"""The audit log: the services record charting, moves, segments, invitations
and surveys as they act, in sealed words with a day and no time; a union's
organizers read all of it, a steward only their unit's, nobody else any."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from core.extensions import db
from organizer.accounts import coworkers, invitations
from organizer.accounts import services as accounts
from organizer.audit import services as audit
from organizer.audit.models import AuditAction, AuditEntry
from organizer.charting import people, unions
from organizer.charting.models import BargainingUnit, Person, Union
from organizer.errors import DomainError, NotAllowed
from organizer.roles import Role
from organizer.strength import temperature
from organizer.unit_surveys import services as unit_surveys
from surveys import definitions
from surveys.models import KeyMode, QuestionType, SurveyKind
from tests import factories
from tests.dumps import raw_database
from tests.organizer.strength.units import charted_unit, released_pulse


def _actions(unit: BargainingUnit) -> list[AuditAction]:
    return [e.action for e in db.session.scalars(sa.select(AuditEntry).where(AuditEntry.unit_id == unit.id)
                                                 .order_by(AuditEntry.id))]


@pytest.fixture
def scene(app_ctx, world):
    organizer = accounts.find_account_by_email(world.organizer)
    unit = db.session.get(BargainingUnit, world.unit_id)
    db.session.execute(sa.delete(AuditEntry))  # what building the world recorded is not under test
    db.session.commit()
    return organizer, unit


def test_each_service_records_what_it_did(scene, crowd):
    organizer, unit = scene
    db.session.execute(sa.delete(AuditEntry))  # the crowd's charting is not under test either
    cranes, loading = unit.departments  # sorted by name
    person = people.add_person(organizer, unit, people.PersonDetails("Avery Target", department_id=loading.id,
                                                                   assessment=5, notes="Talks to the boss"))
    people.update_person(organizer, person, people.PersonDetails("Avery Target", department_id=cranes.id,
                                                               assessment=5, notes="Talks to the boss"))
    people.update_person(organizer, person, people.PersonDetails("Avery Target", department_id=cranes.id,
                                                               assessment=4, notes="Changed their mind"))
    segment = unions.add_segment(organizer, unit, "department", "Audit")
    unions.rename_segment(organizer, segment, "Quality")
    unions.remove_segment(organizer, segment)
    invitation, _ = invitations.invite(organizer, person, Role.MEMBER)
    invitations.revoke(organizer, invitation)
    _, token = invitations.invite(organizer, person, Role.MEMBER)
    invitations.accept(token, display_name="Pseudonym", email="avery@example.net", password="a long enough passphrase")
    survey = unit_surveys.create(organizer, unit, definitions.SurveySettings(
        kind=SurveyKind.PULSE, title="Pulse", key_mode=KeyMode.SERVER_KEY, release_threshold=5), False)
    definitions.add_question(survey, type=QuestionType.YES_NO, prompt="Yes?")
    unit_surveys.launch_for_unit(organizer, survey)
    unit_surveys.end_voting(organizer, survey)
    coworkers.remove_person(organizer, factories.create_person(unit, "Leaving Soon"))

    assert _actions(unit) == [
        AuditAction.PERSON_CHARTED, AuditAction.PERSON_MOVED, AuditAction.PERSON_EDITED,
        AuditAction.SEGMENT_CREATED, AuditAction.SEGMENT_RENAMED, AuditAction.SEGMENT_REMOVED,
        AuditAction.INVITATION_SENT, AuditAction.INVITATION_REVOKED, AuditAction.INVITATION_SENT,
        AuditAction.INVITATION_ACCEPTED, AuditAction.SURVEY_LAUNCHED, AuditAction.SURVEY_CLOSED,
        AuditAction.PERSON_CHARTED, AuditAction.PERSON_REMOVED]
    words = [e.description for e in audit.unit_log(organizer, unit)][::-1]
    assert "Avery Target" in words[1] and "Cranes" in words[1]
    assert words[4] == "Renamed department Audit to Quality."
    assert words[9] == "Avery Target accepted an invitation as member."
    assert "Pseudonym" not in " ".join(words), "the chart's name, never the display name chosen at sign-up"
    # The world's member, the crowd of six and Avery.
    assert "to 8 members" in words[10] and "server alone" in words[10]
    # Stewards read these too: no assessment, notes or contact details.
    secrets = ("Talks to the boss", "Changed their mind", "avery@", "Opposed", "Leaning", "assess")
    assert not any(secret in " ".join(words) for secret in secrets)
    entries = audit.unit_log(organizer, unit)
    accepted = next(e for e in entries if e.action == AuditAction.INVITATION_ACCEPTED)
    assert accepted.actor_account_id == accounts.find_account_by_email("avery@example.net").id
    assert {e.actor_account_id for e in entries if e is not accepted} <= {organizer.id, None}
    assert all(isinstance(e.recorded_on, date) for e in entries)


def test_a_refused_change_records_nothing(scene):
    organizer, unit = scene
    with pytest.raises(DomainError):
        unions.add_segment(organizer, unit, "department", "Loading")  # already there
    with pytest.raises(DomainError):
        unions.update_floors(organizer, unit.union, results=4, endorsements=3, comments=10)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 0


def test_the_words_are_sealed_and_the_day_has_no_time(app, scene):
    organizer, unit = scene
    people.add_person(organizer, unit, people.PersonDetails("Quincy Sealedname"))
    db.session.commit()
    dump = raw_database(db.engine.url)
    assert b"Quincy Sealedname" not in dump and b"Sealedname" not in dump
    columns = {c.name: c.type for c in AuditEntry.__table__.columns}
    assert not any(isinstance(t, sa.DateTime) for t in columns.values())


def test_newest_first_and_who_may_read(scene, world):
    organizer, unit = scene
    steward = accounts.find_account_by_email(world.steward)
    member = accounts.find_account_by_email(world.member)
    other = accounts.find_account_by_email(world.other_organizer)
    first = people.add_person(organizer, unit, people.PersonDetails("First Person"))
    people.add_person(organizer, unit, people.PersonDetails("Second Person"))
    unions.update_floors(organizer, unit.union, results=6, endorsements=3, comments=10)
    sibling = unions.create_unit(organizer, unit.union, "Sibling")
    factories.create_person(sibling, "Elsewhere Person")
    newest, older = audit.unit_log(organizer, unit)[:2]
    assert "Second Person" in newest.description and "First Person" in older.description
    union_wide = audit.union_log(organizer, unit.union)
    assert union_wide[0].unit_id is not None and any(e.action == AuditAction.FLOORS_CHANGED for e in union_wide)
    steward_sees = audit.unit_log(steward, unit)
    assert {e.unit_id for e in steward_sees} == {unit.id}
    assert not any("Elsewhere" in e.description or e.action == AuditAction.FLOORS_CHANGED for e in steward_sees)
    for outsider in (member, other):
        with pytest.raises(NotAllowed):
            audit.unit_log(outsider, unit)
    with pytest.raises(NotAllowed):
        audit.union_log(steward, unit.union)
    assert first.name == "First Person"


def test_the_pages_show_the_log_to_its_readers_only(app, client, world, login):
    with app.app_context():
        organizer = accounts.find_account_by_email(world.organizer)
        unit = db.session.get(BargainingUnit, world.unit_id)
        people.add_person(organizer, unit, people.PersonDetails("Logged Person"))
        sibling = unions.create_unit(organizer, db.session.get(Union, world.union_id), "Sibling")
        factories.create_person(sibling, "Sibling Person")
        db.session.commit()
    login(client, world.organizer)
    union_page = client.get(f"/unions/{world.union_id}/audit").data.decode()
    assert "Charted Logged Person" in union_page and "Sibling Person" in union_page
    assert f"/unions/{world.union_id}/audit" in client.get(f"/unions/{world.union_id}").data.decode()
    steward = login(app.test_client(), world.steward)
    assert f"/units/{world.unit_id}/audit" in steward.get(f"/steward/units/{world.unit_id}").data.decode()
    unit_page = steward.get(f"/units/{world.unit_id}/audit").data.decode()
    assert "Charted Logged Person" in unit_page and "Sibling Person" not in unit_page
    assert steward.get(f"/unions/{world.union_id}/audit").status_code == 403
    assert steward.get(f"/units/{world.other_unit_id}/audit").status_code == 404
    member = login(app.test_client(), world.member)
    assert member.get(f"/units/{world.unit_id}/audit").status_code == 403


def test_segments_are_renamed_and_removed_over_http(app, client, world, login):
    login(client, world.organizer)
    with app.app_context():
        unit = db.session.get(BargainingUnit, world.unit_id)
        jordans = db.session.get(Person, world.person_id).department_id
    clash = client.post(f"/segments/department/{jordans}/rename", data={f"department{jordans}-name": "Loading"})
    assert clash.status_code == 400 and b"already has a department named" in clash.data
    assert client.post(f"/segments/department/{jordans}/rename",
                       data={f"department{jordans}-name": "Tall cranes"}).status_code == 302
    assert client.post(f"/segments/department/{jordans}/remove").status_code == 302
    with app.app_context():
        unit = db.session.get(BargainingUnit, world.unit_id)
        assert [d.name for d in unit.departments] == ["Loading"]
        jordan = db.session.get(Person, world.person_id)
        assert jordan.department_id is None, "Jordan stays on the chart with no department"
        actions = _actions(unit)
        assert actions[-2:] == [AuditAction.SEGMENT_RENAMED, AuditAction.SEGMENT_REMOVED]
        last = audit.unit_log(accounts.find_account_by_email(world.organizer), unit)[0]
        assert last.description == "Removed department Tall cranes; 1 charted person no longer has a department."


def test_what_the_strength_card_rests_on_is_recorded_when_it_changes(app_ctx):
    """The evidence window, the chosen temperature check and the time zone could each
    flatter or blur the figures; the other officers see every change, and a repeat is no change."""
    unit, organizer = charted_unit(12)
    one_off = released_pulse(unit, with_accounts=10, answered=8, yes=8, recurring=False)
    db.session.execute(sa.delete(AuditEntry))
    unions.set_evidence_window(organizer, unit.union, 120)
    unions.set_evidence_window(organizer, unit.union, 120)
    unions.set_time_zone(organizer, unit.union, "America/Chicago")
    temperature.set_temperature_check(organizer, one_off, True)
    temperature.set_temperature_check(organizer, one_off, True)
    temperature.set_temperature_check(organizer, one_off, False)
    entries = audit.union_log(organizer, unit.union)
    assert [e.action for e in reversed(entries)] == [
        AuditAction.EVIDENCE_WINDOW_CHANGED, AuditAction.TIME_ZONE_CHANGED,
        AuditAction.TEMPERATURE_CHECK_MARKED, AuditAction.TEMPERATURE_CHECK_MARKED]
    assert "last 120 days (was 90)" in entries[-1].description
    assert "no longer counts" in entries[0].description
