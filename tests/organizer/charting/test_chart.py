"""The chart: organizers add, edit, filter and remove coworkers; bad input is
refused beside the field and stores nothing."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from core.extensions import db
from organizer.accounts import coworkers
from organizer.accounts import services as accounts
from organizer.charting import people
from organizer.charting.models import BargainingUnit, Department, Person
from organizer.errors import DomainError, NotAllowed
from tests import factories

GOOD = {"name": "Alex Rivera", "department_id": "", "shift_id": "", "assessment": "1",
        "email": "alex@example.net", "phone": "+1 555 0100", "notes": "Leader on nights"}


def _people(app) -> list[tuple[str, int]]:
    with app.app_context():
        return sorted((p.name, p.assessment) for p in db.session.scalars(sa.select(Person)))


def test_organizer_adds_a_coworker(app, client, world, login):
    login(client, world.organizer)
    with app.app_context():
        unit = db.session.get(BargainingUnit, world.unit_id)
        department_id, shift_id = unit.departments[0].id, unit.shifts[1].id
    response = client.post(f"/units/{world.unit_id}/people/new", data={
        **GOOD, "department_id": str(department_id), "shift_id": str(shift_id),
        "is_member": "y", "card_signed_on": "2026-10-02"})
    assert response.status_code == 302
    page = client.get(f"/units/{world.unit_id}/chart")
    assert b"Alex Rivera" in page.data
    with app.app_context():
        # Department and shift are sealed: they are compared once opened, not in SQL.
        [person] = [p for p in db.session.scalars(sa.select(Person))
                    if (p.department_id, p.shift_id) == (department_id, shift_id)]
        assert (person.name, person.assessment, person.is_member, str(person.card_signed_on)) == (
            "Alex Rivera", 1, True, "2026-10-02")


def test_organizer_edits_and_removes_a_coworker(app, client, world, login):
    login(client, world.organizer)
    response = client.post(f"/people/{world.person_id}/edit", data={**GOOD, "name": "Jordan E.", "assessment": "5"})
    assert response.status_code == 302
    assert ("Jordan E.", 5) in _people(app)
    assert client.post(f"/people/{world.person_id}/remove").status_code == 302
    assert "Jordan E." not in [name for name, _ in _people(app)]


def test_removing_a_coworker_with_an_account_is_refused(app, client, world, login):
    with app.app_context():
        member_person_id = accounts.find_account_by_email(world.member).person_id
    login(client, world.organizer)
    client.post(f"/people/{member_person_id}/remove")
    with app.app_context():
        assert db.session.get(Person, member_person_id) is not None


LONG = "x" * 121


@pytest.mark.parametrize("changes, message", [
    ({"name": ""}, b"This field is required"),
    ({"name": "   "}, b"This field is required"),
    ({"name": LONG}, b"Keep it to 120 characters or fewer"),
    ({"email": "nope"}, b"Enter an email address"),
    ({"phone": "call me maybe"}, b"Enter digits"),
    ({"assessment": "9"}, b"Not a valid choice"),
    ({"assessment": "one"}, b"Invalid Choice"),
    ({"department_id": "999999"}, b"Not a valid choice"),
    ({"department_id": "abc"}, b"Invalid Choice"),
    ({"card_signed_on": "yesterday"}, b"Not a valid date"),
    ({"notes": "n" * 2001}, b"Keep it to 2000 characters or fewer: this has 2001"),
    ({"name": "Jordan Example"}, b"already on the chart"),
    ({"name": "jordan  example"}, b"already on the chart"),
])
def test_bad_coworker_input_is_refused_and_stores_nothing(app, client, world, login, changes, message):
    login(client, world.organizer)
    before = _people(app)
    response = client.post(f"/units/{world.unit_id}/people/new", data={**GOOD, **changes})
    assert response.status_code == 400
    assert message in response.data
    assert _people(app) == before


def test_a_department_of_another_unit_is_refused(app_ctx, world):
    other_unit = db.session.get(BargainingUnit, world.other_unit_id)
    unit = db.session.get(BargainingUnit, world.unit_id)
    with pytest.raises(DomainError) as refused:
        factories.create_person(unit, "Sam", department_id=other_unit.departments[0].id)
    assert refused.value.field == "department_id"


def test_duplicate_email_on_the_chart_is_refused(app_ctx, world):
    unit = db.session.get(BargainingUnit, world.unit_id)
    factories.create_person(unit, "First", email="same@example.net")
    with pytest.raises(DomainError) as refused:
        factories.create_person(unit, "Second", email="SAME@example.net ")
    assert refused.value.field == "email"


def test_card_date_is_dropped_for_non_members(app_ctx, world):
    from datetime import date

    unit = db.session.get(BargainingUnit, world.unit_id)
    person = factories.create_person(unit, "Not yet", is_member=False, card_signed_on=date(2026, 1, 1))
    assert person.card_signed_on is None


def test_filters_and_counts(app_ctx, world):
    unit = db.session.get(BargainingUnit, world.unit_id)
    loading, cranes = unit.departments  # ordered by name: Cranes, Loading
    day, night = unit.shifts
    factories.create_person(unit, "A", department_id=loading.id, shift_id=day.id, assessment=1)
    factories.create_person(unit, "B", department_id=loading.id, shift_id=night.id, assessment=1)
    factories.create_person(unit, "C", department_id=cranes.id, shift_id=night.id, assessment=4)
    organizer = accounts.find_account_by_email(world.organizer)
    everyone = coworkers.chart(organizer, unit)
    assert everyone.headcount == len(everyone.people)
    assert everyone.counts_by_assessment[1] == 2 and everyone.counts_by_assessment[4] == 1
    assert sum(everyone.counts_by_assessment.values()) == everyone.headcount
    night_loading = coworkers.chart(organizer, unit, department_id=loading.id, shift_id=night.id)
    assert [p.name for p in night_loading.people] == ["B"]
    assert [p.name for p in coworkers.chart(organizer, unit, assessment=4).people] == ["C"]
    assert night_loading.counts_by_assessment == everyone.counts_by_assessment, "counts describe the whole unit"


def test_chart_filter_in_the_browser(app, client, world, login):
    login(client, world.organizer)
    with app.app_context():
        ids = dict(db.session.execute(
            sa.select(Department.name, Department.id).where(Department.unit_id == world.unit_id)).all())
    # Jordan works in Cranes (see the world fixture).
    cranes = client.get(f"/units/{world.unit_id}/chart?department={ids['Cranes']}&assessment=")
    loading = client.get(f"/units/{world.unit_id}/chart?department={ids['Loading']}&assessment=")
    assert cranes.status_code == loading.status_code == 200
    assert b"Jordan Example" in cranes.data and b"Jordan Example" not in loading.data
    assert client.get(f"/units/{world.unit_id}/chart?assessment=2").data.count(b"Jordan Example") == 1
    assert client.get(f"/units/{world.unit_id}/chart?assessment=77").status_code == 400
    assert client.get(f"/units/{world.unit_id}/chart?department=zz").status_code == 400


def test_only_the_unions_organizers_see_the_chart(app_ctx, world):
    other = accounts.find_account_by_email(world.other_organizer)
    with pytest.raises(NotAllowed):
        coworkers.chart(other, db.session.get(BargainingUnit, world.unit_id))


def test_chart_filters_by_shift_and_membership_and_shows_segments_in_the_browser(app, client, world, login):
    with app.app_context():
        unit = db.session.get(BargainingUnit, world.unit_id)
        cranes, loading = unit.departments
        day, night = unit.shifts
        factories.create_person(unit, "Night Member", department_id=loading.id, shift_id=night.id, is_member=True)
        factories.create_person(unit, "Day Nonmember", department_id=cranes.id, shift_id=day.id)
        night_id, day_id = night.id, day.id
        db.session.commit()
    login(client, world.organizer)
    nights = client.get(f"/units/{world.unit_id}/chart?shift={night_id}")
    days = client.get(f"/units/{world.unit_id}/chart?shift={day_id}")
    assert b"Night Member" in nights.data and b"Day Nonmember" not in nights.data
    assert b"Day Nonmember" in days.data and b"Night Member" not in days.data
    members = client.get(f"/units/{world.unit_id}/chart?membership=yes")
    others = client.get(f"/units/{world.unit_id}/chart?membership=no")
    assert members.status_code == others.status_code == 200
    assert b"Night Member" in members.data and b"Day Nonmember" not in members.data
    assert b"Day Nonmember" in others.data and b"Night Member" not in others.data
    assert client.get(f"/units/{world.unit_id}/chart?membership=maybe").status_code == 400
    # The opened segment names are shown beside each coworker.
    row = nights.data[nights.data.index(b"Night Member"):].split(b"</tr>")[0]
    assert b">Loading</td>" in row and b">Night</td>" in row


def test_the_chart_marks_who_has_an_account(app, client, world, login):
    with app.app_context():
        member = accounts.find_account_by_email(world.member)
        member_name = coworkers.person_of(member).name
    login(client, world.organizer)
    page = client.get(f"/units/{world.unit_id}/chart").data
    member_row = page[page.index(member_name.encode()):].split(b"</tr>")[0]
    jordan_row = page[page.index(b"Jordan Example"):].split(b"</tr>")[0]
    assert b"Has account" in member_row and b"Invite" not in member_row
    assert b"Has account" not in jordan_row and b"Invite" in jordan_row
    assert b"has an account" in client.get(f"/people/{member.person_id}/edit").data
    assert b"has an account" not in client.get(f"/people/{world.person_id}/edit").data


def test_membership_filter_and_count_in_the_service(app_ctx, world):
    unit = db.session.get(BargainingUnit, world.unit_id)
    factories.create_person(unit, "Card Signer", is_member=True)
    organizer = accounts.find_account_by_email(world.organizer)
    view = coworkers.chart(organizer, unit, is_member=True)
    assert [p.name for p in view.people] == ["Card Signer"]
    assert view.members == 1
    assert "Card Signer" not in [p.name for p in coworkers.chart(organizer, unit, is_member=False).people]


def test_removing_a_department_clears_it_on_its_people(app_ctx, world):
    from organizer.charting import unions

    unit = db.session.get(BargainingUnit, world.unit_id)
    cranes, loading = unit.departments
    moved = factories.create_person(unit, "In Loading", department_id=loading.id)
    stays = factories.create_person(unit, "In Cranes", department_id=cranes.id)
    organizer = accounts.find_account_by_email(world.organizer)
    unions.remove_segment(organizer, loading)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Person, moved.id).department_id is None
    assert db.session.get(Person, stays.id).department_id == cranes.id
    assert "Loading" not in [d.name for d in db.session.get(BargainingUnit, world.unit_id).departments]
    # A coworker can no longer be put in it.
    with pytest.raises(DomainError) as refused:
        people.update_person(organizer, db.session.get(Person, stays.id),
                            people.PersonDetails(name="In Cranes", department_id=loading.id))
    assert refused.value.field == "department_id"


def test_a_department_of_another_unit_is_refused_on_edit_too(app_ctx, world):
    other_unit = db.session.get(BargainingUnit, world.other_unit_id)
    person = db.session.get(Person, world.person_id)
    organizer = accounts.find_account_by_email(world.organizer)
    for details in (people.PersonDetails(name=person.name, department_id=other_unit.departments[0].id),
                    people.PersonDetails(name=person.name, shift_id=other_unit.shifts[0].id)):
        with pytest.raises(DomainError) as refused:
            people.update_person(organizer, person, details)
        assert refused.value.field in ("department_id", "shift_id")
    db.session.rollback()
    assert db.session.get(Person, world.person_id).department_id != other_unit.departments[0].id


def test_segment_changed_on_follows_moves_only(app_ctx, world, monkeypatch):
    from datetime import date

    from organizer.charting import models

    unit = db.session.get(BargainingUnit, world.unit_id)
    cranes, loading = unit.departments
    day, night = unit.shifts
    organizer = accounts.find_account_by_email(world.organizer)
    monkeypatch.setattr(models, "today", lambda: date(2026, 1, 5))
    monkeypatch.setattr(people, "today", lambda: date(2026, 1, 5))
    person = factories.create_person(unit, "Mover", department_id=cranes.id, shift_id=day.id)
    assert person.segment_changed_on == date(2026, 1, 5), "set when charted"

    def edit(on: date, **changes) -> date:
        monkeypatch.setattr(models, "today", lambda: on)
        current = dict(name=person.name, department_id=person.department_id, shift_id=person.shift_id,
                       assessment=person.assessment, is_member=person.is_member, notes=person.notes)
        people.update_person(organizer, person, people.PersonDetails(**{**current, **changes}))
        db.session.commit()
        db.session.expire_all()
        return db.session.get(Person, person.id).segment_changed_on

    assert edit(date(2026, 2, 1), assessment=4, notes="Asked about pay", is_member=True) == date(2026, 1, 5)
    assert edit(date(2026, 3, 1), department_id=loading.id) == date(2026, 3, 1)
    assert edit(date(2026, 4, 1), shift_id=night.id) == date(2026, 4, 1)
    assert edit(date(2026, 5, 1), name="Mover Renamed") == date(2026, 4, 1)
    assert edit(date(2026, 6, 1), department_id=None) == date(2026, 6, 1)
