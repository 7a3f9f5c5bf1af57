"""A committee member's chart: the coworkers of their own departments and nobody
else (not the other departments', not those with no department), counts over
those departments only, adding and editing coworkers there only, and none of
the organizers' buttons; their home page and navigation lead to it."""

from __future__ import annotations

import html
import re

import pytest
import sqlalchemy as sa

from core.extensions import db
from organizer import policy
from organizer.accounts import committee, coworkers
from organizer.accounts import services as accounts
from organizer.accounts.models import Account
from organizer.audit.models import AuditAction, AuditEntry
from organizer.charting import people
from organizer.charting.models import BargainingUnit, Person
from organizer.errors import DomainError, NotAllowed
from tests.organizer.accounts.committee_helpers import Seated, seat_committee_member


def _without_untranslated_marks(html_text: str) -> str:
    """The page with the marks around typed names (`|untranslated`) taken out."""
    return re.sub(r'<span translate="no">(.*?)</span>', r"\1", html_text)


@pytest.fixture
def seated(app, world) -> Seated:
    with app.app_context():
        return seat_committee_member(world)


def _names(page: bytes) -> list[str]:
    return [html.unescape(name) for name in re.findall(r"/edit\">([^<]+)</a></th>", page.decode())]


def _person(person_id: int) -> Person:
    return db.session.get(Person, person_id)


def test_the_chart_lists_their_departments_coworkers_only(app, client, world, seated, login):
    login(client, seated.email)
    page = client.get(f"/units/{world.unit_id}/chart")
    assert page.status_code == 200
    # The world's Jordan Example is charted in the same (first) department.
    assert _names(page.data) == ["Ana Own-Department", "Jordan Example"]
    text = page.get_data(as_text=True)
    assert "Assessment across your department<" in text
    assert "As a committee member you chart <strong>Cranes" in _without_untranslated_marks(text)
    # The counts are of their department: two coworkers, one at level 1 and one at 2, no members.
    assert "2 coworkers · 0 members" in text
    counts = {level: count for count, level in re.findall(r'<span class="count">(\d+)</span> <span>(\d)', text)}
    assert counts == {"0": "0", "1": "1", "2": "1", "3": "0", "4": "0", "5": "0"}
    for organizers_only in ("/chart/import", "/chart/export", "/segments", "/committee", "/invite",
                            f"/units/{world.unit_id}/surveys"):
        assert organizers_only not in text, organizers_only
    for search in ("Bo", "Cy", "Department"):
        found = client.get(f"/units/{world.unit_id}/chart?search={search}")
        assert "Bo Other-Department" not in _names(found.data) and "Cy No-Department" not in _names(found.data)


def test_the_chart_filters_by_their_departments_only(app, client, world, seated, login):
    login(client, seated.email)
    theirs = client.get(f"/units/{world.unit_id}/chart?department={seated.own_department_id}")
    assert theirs.status_code == 200 and _names(theirs.data) == ["Ana Own-Department", "Jordan Example"]
    other = client.get(f"/units/{world.unit_id}/chart?department={seated.other_department_id}")
    assert other.status_code == 400 and b"Not a valid choice" in other.data
    assert b"Bo Other-Department" not in other.data
    with app.app_context():
        unit = db.session.get(BargainingUnit, world.unit_id)
        member = db.session.get(Account, seated.account_id)
        with pytest.raises(DomainError, match="one of your departments"):
            coworkers.chart(member, unit, department_id=seated.other_department_id)


def test_a_committee_member_with_two_departments_sees_both_and_never_the_unplaced(app, client, world, seated, login):
    with app.app_context():
        unit = db.session.get(BargainingUnit, world.unit_id)
        committee.name_to_committee(accounts.find_account_by_email(world.organizer), unit,
                                    db.session.get(Account, seated.account_id),
                                    {seated.own_department_id, seated.other_department_id})
        db.session.commit()
    login(client, seated.email)
    page = client.get(f"/units/{world.unit_id}/chart")
    assert _names(page.data) == ["Ana Own-Department", "Bo Other-Department", "Jordan Example"]
    assert b"3 coworkers" in page.data and b"Assessment across your departments" in page.data
    assert "you chart <strong>Cranes, Loading</strong>" in _without_untranslated_marks(page.get_data(as_text=True))


def test_they_add_coworkers_to_their_departments_only(app, client, world, seated, login):
    login(client, seated.email)
    form = client.get(f"/units/{world.unit_id}/people/new").get_data(as_text=True)
    offered = re.findall(r'<option[^>]*value="([^"]*)"', form[form.index('id="department_id"'):form.index("</select>")])
    assert offered == [str(seated.own_department_id)], "their department only, and never none"
    added = client.post(f"/units/{world.unit_id}/people/new", data={
        "name": "Di New", "department_id": seated.own_department_id, "shift_id": "", "assessment": "2"})
    assert added.status_code == 302
    for department in (seated.other_department_id, ""):
        refused = client.post(f"/units/{world.unit_id}/people/new", data={
            "name": "Ed Elsewhere", "department_id": department, "shift_id": "", "assessment": "2"})
        assert refused.status_code == 400 and b"Not a valid choice" in refused.data
    with app.app_context():
        names = set(db.session.scalars(sa.select(Person.name)))
        assert "Di New" in names and "Ed Elsewhere" not in names
        entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == AuditAction.PERSON_CHARTED)
                                   .order_by(AuditEntry.id.desc())).first()
        assert entry.actor_account_id == seated.account_id and entry.description == "Charted Di New."
        # The service says the same to a caller that skips the form.
        unit = db.session.get(BargainingUnit, world.unit_id)
        member = db.session.get(Account, seated.account_id)
        for department in (seated.other_department_id, None):
            with pytest.raises(DomainError, match="their own departments only") as refusal:
                people.add_person(member, unit, people.PersonDetails("Ed Elsewhere", department_id=department))
            assert refusal.value.field == "department_id"
        with pytest.raises(NotAllowed):
            people.add_many(member, unit, [people.PersonDetails("Ed Elsewhere", department_id=seated.own_department_id)])


def test_they_edit_their_departments_coworkers_and_cannot_move_them_out(app, client, world, seated, login):
    login(client, seated.email)
    page = client.get(f"/people/{seated.own_coworker_id}/edit").get_data(as_text=True)
    for organizers_only in ("/invite", "/remove", "/committee", "Remove from the chart"):
        assert organizers_only not in page, organizers_only
    kept = {"name": "Ana Own-Department", "department_id": seated.own_department_id, "shift_id": "", "assessment": "2"}
    assert client.post(f"/people/{seated.own_coworker_id}/edit", data=kept).status_code == 302
    moved = client.post(f"/people/{seated.own_coworker_id}/edit",
                        data={**kept, "department_id": seated.other_department_id, "assessment": "5"})
    assert moved.status_code == 400
    with app.app_context():
        ana = _person(seated.own_coworker_id)
        assert (ana.department_id, ana.assessment) == (seated.own_department_id, 2)
        member = db.session.get(Account, seated.account_id)
        with pytest.raises(DomainError, match="their own departments only"):
            people.update_person(member, ana, people.PersonDetails(
                "Ana Own-Department", department_id=seated.other_department_id))
        with pytest.raises(NotAllowed):
            people.update_person(member, _person(seated.other_coworker_id), people.PersonDetails(
                "Bo Other-Department", department_id=seated.own_department_id))
        assert _person(seated.other_coworker_id).department_id == seated.other_department_id


def test_the_policy_of_committee_members(app_ctx, world, seated):
    unit = db.session.get(BargainingUnit, world.unit_id)
    member = db.session.get(Account, seated.account_id)
    organizer = accounts.find_account_by_email(world.organizer)
    assert policy.charts_department(member, unit, seated.own_department_id)
    assert not policy.charts_department(member, unit, seated.other_department_id)
    assert not policy.charts_department(member, unit, None)
    assert all(policy.charts_department(organizer, unit, d) for d in (seated.own_department_id, None))
    assert policy.holds_one_on_ones(member, unit) and policy.holds_one_on_ones(organizer, unit)
    for outsider in (world.member, world.steward, world.other_organizer):
        account = accounts.find_account_by_email(outsider)
        assert not policy.holds_one_on_ones(account, unit)
        assert not policy.charts_department(account, unit, seated.own_department_id)
    other_unit = db.session.get(BargainingUnit, world.other_unit_id)
    assert not policy.charts_in(member, other_unit)
    assert not policy.charts_department(member, other_unit, seated.own_department_id)


def test_their_home_and_navigation_lead_to_their_chart(app, client, world, seated, login):
    login(client, seated.email)
    home = client.get("/").get_data(as_text=True)
    chart_link = f'href="/units/{world.unit_id}/chart"'
    assert "Organizing committee of" in home and f'{chart_link}>The chart of <span translate="no">Cranes</span></a>' in home
    assert f"{chart_link}>Organizing committee</a>" in home, "the navigation's link"
    chart = client.get(f"/units/{world.unit_id}/chart").get_data(as_text=True)
    assert f'{chart_link} aria-current="page">Organizing committee</a>' in chart
    # A plain member has neither.
    other = login(app.test_client(), world.member).get("/").get_data(as_text=True)
    assert "Organizing committee" not in other
