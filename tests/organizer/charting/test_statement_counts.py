"""Every page that shows or counts a unit makes as many SQL statements for a
unit of 630 coworkers, 520 of them with accounts, as for one of 30: the chart (any filter, search or
page), strength, the dashboard, home pages, the steward's page, the survey
page that counts who may answer, demands, the summary, adding or editing
a coworker, a committee member's chart and the organizing committee's page. A page that loaded the unit's people one by one, or counted them
by loading them, makes more statements as the unit grows, and fails here."""

from __future__ import annotations

from itertools import count

from core.extensions import db
from core.sealing import blind_index
from organizer.accounts import services as accounts
from organizer.accounts.models import Account, RoleAssignment
from organizer.charting import people
from organizer.charting.models import BargainingUnit
from organizer.roles import Role
from surveys import definitions
from surveys.models import KeyMode, QuestionType, SurveyKind
from tests.organizer.accounts.committee_helpers import seat_committee_member
from tests.statements import counting_statements

_serial = count()


def _grow(app, world, coworkers: int, members: int) -> None:
    with app.app_context():
        unit = db.session.get(BargainingUnit, world.unit_id)
        departments, shifts = [d.id for d in unit.departments], [s.id for s in unit.shifts]
        organizer = accounts.find_account_by_email(world.organizer)
        start = next(_serial) * 1000
        charted = people.add_many(organizer, unit, [people.PersonDetails(
            name=f"Grown {start + n}", department_id=departments[n % 2], shift_id=shifts[n % 2],
            assessment=n % 6, is_member=n < members or n % 4 == 0, email=f"grown{start + n}@example.net")
            for n in range(coworkers)])
        # Accounts written directly (hashing each password would be slow), as the
        # accounts service writes them: the roster learns their links the same way.
        for n, person in enumerate(charted[:members]):
            email = f"grown-member{start + n}@example.org"
            db.session.add(Account(display_name=f"Member {start + n}", email=email, email_index=blind_index(email),
                                   password_hash=organizer.password_hash, person_id=person.id,
                                   roles=[RoleAssignment(role=Role.MEMBER, unit_id=unit.id)]))
        db.session.commit()


def _pages(app, world, seated) -> dict[str, tuple[str, str, str, dict | None]]:
    with app.app_context():
        unit = db.session.get(BargainingUnit, world.unit_id)
        draft = definitions.create_survey(f"unit:{unit.id}", definitions.SurveySettings(
            kind=SurveyKind.PULSE, title="Pulse", key_mode=KeyMode.SERVER_KEY, release_threshold=5))
        definitions.add_question(draft, type=QuestionType.YES_NO, prompt="Would you vote yes?")
        department = unit.departments[0].id
        db.session.commit()
        draft_id = draft.id
    u = world.unit_id
    edit = {"name": "Jordan Example", "department_id": "", "shift_id": "", "assessment": "3"}
    return {
        "chart": ("organizer", "GET", f"/units/{u}/chart", None),
        "chart of a department": ("organizer", "GET", f"/units/{u}/chart?department={department}", None),
        "chart searched": ("organizer", "GET", f"/units/{u}/chart?search=grown+1", None),
        "chart, second page of members": ("organizer", "GET", f"/units/{u}/chart?membership=yes&per_page=25&page=2",
                                          None),
        "strength": ("organizer", "GET", f"/units/{u}/strength", None),
        "dashboard": ("organizer", "GET", f"/unions/{world.union_id}", None),
        "organizer's home": ("organizer", "GET", "/", None),
        "survey draft (who may answer)": ("organizer", "GET", f"/surveys/{draft_id}", None),
        "unit's demands": ("organizer", "GET", f"/units/{u}/demands", None),
        "bargaining summary": ("organizer", "GET", f"/units/{u}/summary", None),
        "coworker's page": ("organizer", "GET", f"/people/{world.person_id}/edit", None),
        "editing a coworker": ("organizer", "POST", f"/people/{world.person_id}/edit", edit),
        "adding a coworker": ("organizer", "POST", f"/units/{u}/people/new", None),
        "steward's unit page": ("steward", "GET", f"/steward/units/{u}", None),
        "member's home": ("member", "GET", "/", None),
        "committee member's chart": ("committee", "GET", f"/units/{u}/chart", None),
        "committee member's chart searched": ("committee", "GET", f"/units/{u}/chart?search=grown+1", None),
        "committee member's home": ("committee", "GET", "/", None),
        "a coworker's page, for a committee member": ("committee", "GET", f"/people/{seated.own_coworker_id}/edit",
                                                      None),
        "the organizing committee": ("organizer", "GET", f"/units/{u}/committee", None),
    }


def _statements(app, clients, pages) -> dict[str, int]:
    found = {}
    with counting_statements(app) as counted:
        for label, (who, method, url, data) in pages.items():
            for _ in range(2):  # the second of two, so a first visit's one-off work is not counted
                counted.reset()
                form = data if data is not None else {"name": f"Added {next(_serial)}", "assessment": "0",
                                                      "department_id": "", "shift_id": ""}
                response = clients[who].open(url, method=method, data=form if method == "POST" else None)
                assert response.status_code in (200, 302), f"{label}: {response.status_code}"
            found[label] = counted.statements
    return found


def test_no_page_makes_more_statements_for_a_bigger_unit(app, world, login):
    with app.app_context():
        seated = seat_committee_member(world)
    clients = {who: login(app.test_client(), getattr(world, who)) for who in ("organizer", "steward", "member")}
    clients["committee"] = login(app.test_client(), seated.email)
    pages = _pages(app, world, seated)
    _grow(app, world, coworkers=30, members=3)
    small = _statements(app, clients, pages)
    # Past 500 accounts: loading them as objects would take a second query for their
    # roles (SQLAlchemy loads a relationship 500 parents at a time).
    _grow(app, world, coworkers=600, members=520)
    large = _statements(app, clients, pages)
    grew = {label: (small[label], large[label]) for label in pages if large[label] != small[label]}
    assert not grew, f"statements (30 coworkers, 630 coworkers): {grew}"
    # And the chart is a handful of statements, not one per row.
    assert large["chart"] <= 12, large
