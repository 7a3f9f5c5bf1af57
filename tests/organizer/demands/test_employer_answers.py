"""The employer's answers keep their history: each recorded answer stays with
its day, the latest is the demand's answer now, and both show on the member's
and the steward's pages and in the summary. Every refused attempt to record
one stores nothing. Migration 0014 moves the answers recorded before it into
the history, still sealed, and its downgrade gives the latest back."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from core.app import create_app
from core.extensions import db
from core.sealing import field_cipher
from organizer.accounts import services as accounts
from organizer.charting.models import BargainingUnit
from organizer.demands import services as demands
from organizer.demands.models import Basis, Category, Demand, DemandKind, EmployerAnswer, EmployerResponse, Tier
from organizer.errors import DomainError, NotAllowed
from organizer.roles import Role
from tests import factories
from tests.dumps import raw_database

HISTORY = [(date(2026, 10, 14), EmployerResponse.REFUSES, "Not this year"),
           (date(2026, 11, 2), EmployerResponse.NO_ANSWER, None),
           (date(2026, 11, 20), EmployerResponse.PARTLY, "Scheduled nights only")]


def _details(text="Will you pay the night differential on every night shift?") -> demands.DemandDetails:
    return demands.DemandDetails(kind=DemandKind.DEMAND, tier=Tier.PRIORITY, basis=Basis.COLLECTIVE,
                                 category=Category.PAY, text=text)


@pytest.fixture
def people(app_ctx, world):
    find = accounts.find_account_by_email
    return {"author": find(world.member), "steward": find(world.steward), "organizer": find(world.organizer),
            "unit": db.session.get(BargainingUnit, world.unit_id)}


def _record_on(monkeypatch, steward, demand, day, response, note):
    monkeypatch.setattr(demands, "today", lambda: day)
    return demands.record_response(steward, demand, response, note)


def _answer_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(EmployerAnswer))


# -- the history ----------------------------------------------------------------------------------

def test_each_answer_is_kept_with_its_day_and_the_latest_is_the_answer_now(people, monkeypatch):
    demand = demands.create_demand(people["author"], _details())
    assert demand.latest_answer is None and demand.employer_response is None and demand.earlier_answers == []
    for day, response, note in HISTORY:
        _record_on(monkeypatch, people["steward"], demand, day, response, note)
    db.session.commit()
    db.session.expire_all()

    demand = db.session.get(Demand, demand.id)
    assert [(a.recorded_on, a.response, a.note) for a in demand.employer_answers] == HISTORY
    assert (demand.employer_response, demand.employer_response_note, demand.responded_on) == (
        EmployerResponse.PARTLY, "Scheduled nights only", date(2026, 11, 20))
    assert [a.recorded_on for a in demand.earlier_answers] == [date(2026, 11, 2), date(2026, 10, 14)]


def test_two_answers_of_one_day_are_both_kept_in_the_order_recorded(people, monkeypatch):
    demand = demands.create_demand(people["author"], _details())
    day = date(2026, 11, 20)
    _record_on(monkeypatch, people["steward"], demand, day, EmployerResponse.REFUSES, "No, in the morning")
    _record_on(monkeypatch, people["steward"], demand, day, EmployerResponse.PARTLY, "Partly, after the break")
    assert demand.latest_answer.note == "Partly, after the break"
    assert [a.note for a in demand.earlier_answers] == ["No, in the morning"]


def test_the_same_answer_sent_twice_in_a_day_is_kept_once_and_on_a_later_day_again(people, monkeypatch):
    demand = demands.create_demand(people["author"], _details())
    for day in (date(2026, 11, 20), date(2026, 11, 20), date(2026, 12, 1)):
        _record_on(monkeypatch, people["steward"], demand, day, EmployerResponse.REFUSES, "  Still   no ")
    assert [(a.recorded_on, a.note) for a in demand.employer_answers] == [
        (date(2026, 11, 20), "Still no"), (date(2026, 12, 1), "Still no")]


def test_only_the_units_stewards_add_to_the_history(people, world):
    demand = demands.create_demand(people["author"], _details())
    other_steward = factories.create_account(Role.STEWARD, unit=db.session.get(BargainingUnit, world.other_unit_id))
    for actor in (people["author"], people["organizer"], other_steward):
        with pytest.raises(NotAllowed):
            demands.record_response(actor, demand, EmployerResponse.SUPPORTS, "Yes")
    with pytest.raises(DomainError):
        demands.record_response(people["steward"], demand, EmployerResponse.SUPPORTS, "x" * (demands.NOTE_MAX + 1))
    assert demand.employer_answers == []


def test_an_answer_names_no_one_and_goes_with_its_demand(people):
    # Who recorded it is not stored: the only link an answer has is to its demand.
    assert {fk.column.table.name for fk in EmployerAnswer.__table__.foreign_keys} == {"demands"}
    demand = demands.create_demand(people["author"], _details())
    demands.record_response(people["steward"], demand, EmployerResponse.REFUSES, "No")
    db.session.commit()
    demands.remove_item(people["author"], demand)
    db.session.commit()
    assert _answer_count() == 0


def test_every_note_of_the_history_is_sealed_at_rest(people, monkeypatch):
    notes = ["Employer cited the Kerguelen budget freeze", "Employer offered the Vanuatu night premium"]
    demand = demands.create_demand(people["author"], _details())
    for day, note in zip((date(2026, 10, 1), date(2026, 11, 1)), notes):
        _record_on(monkeypatch, people["steward"], demand, day, EmployerResponse.PARTLY, note)
    db.session.commit()
    raw = raw_database(db.engine.url)
    for note in notes:
        assert note.encode() not in raw, "an employer's answer is readable in the raw database"
    assert b"Harbor Workers United" in raw  # the search itself works


# -- over HTTP ------------------------------------------------------------------------------------

def _demand_with_history(app, world) -> int:
    with app.app_context():
        author = accounts.find_account_by_email(world.member)
        demand = demands.create_demand(author, _details("Will you heat the loading bay before December?"))
        for day, response, note in HISTORY:
            demand.employer_answers.append(EmployerAnswer(response=response, note=note, recorded_on=day))
        db.session.commit()
        return demand.id


def _answers_of(app, demand_id: int) -> list[tuple]:
    with app.app_context():
        return [(a.recorded_on, a.response, a.note) for a in db.session.get(Demand, demand_id).employer_answers]


def _field(demand_id: int, name: str) -> str:
    return f"demand{demand_id}-{name}"


def test_the_history_shows_on_the_members_and_the_stewards_pages_and_the_summary(app, client, world, login):
    demand_id = _demand_with_history(app, world)
    member = login(client, world.member).get("/my/demands").data.decode()
    steward = login(app.test_client(), world.steward)
    for page in (member, steward.get(f"/units/{world.unit_id}/demands").data.decode(),
                 steward.get(f"/units/{world.unit_id}/summary").data.decode()):
        latest, earlier = page.index("Scheduled nights only"), page.index("Earlier answers")
        assert latest < earlier < page.index("2 Nov 2026") < page.index("14 Oct 2026") < page.index("Not this year")
        assert "20 Nov 2026" in page
    assert _answers_of(app, demand_id) == HISTORY  # reading changed nothing


def test_a_steward_adds_an_answer_over_http(app, client, world, login):
    demand_id = _demand_with_history(app, world)
    steward = login(client, world.steward)
    page = steward.get(f"/units/{world.unit_id}/demands").data.decode()
    # The form starts from the answer now, with an empty note: a new answer brings its own words.
    note_field = page.split(f'name="{_field(demand_id, "note")}"', 1)[1].split("</textarea>", 1)[0]
    assert "Scheduled nights only" not in note_field
    response = steward.post(f"/demands/{demand_id}/response", data={
        _field(demand_id, "response"): "supports", _field(demand_id, "note"): "Heaters in every bay"})
    assert response.status_code == 302
    answers = _answers_of(app, demand_id)
    assert answers[:3] == HISTORY and answers[3][1:] == (EmployerResponse.SUPPORTS, "Heaters in every bay")


@pytest.mark.parametrize("form, message", [
    ({"response": "maybe"}, "Not a valid choice"),
    ({"response": ""}, "Not a valid choice"),
    ({"response": "supports", "note": "x" * 1001}, "1000"),
    ({"response": "supports", "note": "Yes\x07then no"}, "Remove the control characters"),
], ids=["unknown answer", "no answer chosen", "note too long", "control character"])
def test_a_bad_answer_form_is_refused_and_stores_nothing(app, client, world, login, form, message):
    demand_id = _demand_with_history(app, world)
    steward = login(client, world.steward)
    response = steward.post(f"/demands/{demand_id}/response",
                            data={_field(demand_id, name): value for name, value in form.items()})
    assert response.status_code == 400
    assert message in response.data.decode()
    assert _answers_of(app, demand_id) == HISTORY


def test_an_answer_without_the_csrf_token_is_refused_and_stores_nothing(app, client, world, login, csrf_on):
    demand_id = _demand_with_history(app, world)
    page = client.get("/login").data.decode()
    token = page.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
    client.post("/login", data={"csrf_token": token, "email": world.steward, "password": factories.PASSWORD})
    response = client.post(f"/demands/{demand_id}/response", data={_field(demand_id, "response"): "supports"})
    assert response.status_code == 400
    assert _answers_of(app, demand_id) == HISTORY


@pytest.mark.parametrize("who, status", [("member", 403), ("organizer", 403), ("other_organizer", 403),
                                         ("other_steward", 404)])
def test_no_one_but_the_units_stewards_adds_an_answer(app, client, world, login, who, status):
    demand_id = _demand_with_history(app, world)
    if who == "other_steward":
        with app.app_context():
            factories.create_account(Role.STEWARD, unit=db.session.get(BargainingUnit, world.other_unit_id),
                                     email="elsewhere@example.org")
            db.session.commit()
        email = "elsewhere@example.org"
    else:
        email = getattr(world, who)
    response = login(client, email).post(f"/demands/{demand_id}/response",
                                         data={_field(demand_id, "response"): "supports"})
    assert response.status_code == status
    assert _answers_of(app, demand_id) == HISTORY


def test_an_answer_to_a_demand_that_does_not_exist_is_not_found(app, client, world, login):
    _demand_with_history(app, world)
    assert login(client, world.steward).post("/demands/99999/response",
                                             data={_field(99999, "response"): "supports"}).status_code == 404
    with app.app_context():
        assert _answer_count() == len(HISTORY)


# -- migration 0014 -------------------------------------------------------------------------------

BEFORE = "0010_endorsement_state"
LAST_BEFORE_HISTORY = "0013_union_time_zone"


def _seal(text: str, purpose: str) -> bytes:
    return field_cipher().encrypt(text.encode(), purpose.encode())


def _populate_before_the_history() -> None:
    """Two demands, one answered, written with plain SQL at a revision where the answer
    still lived in the demand's own columns (the models describe the newest schema)."""
    run = db.session.execute
    run(sa.text("INSERT INTO unions (id, name, release_threshold, endorsement_threshold, comment_threshold, created_on)"
                " VALUES (1, 'Old Union', 5, 3, 10, '2026-08-01')"))
    run(sa.text("INSERT INTO bargaining_units (id, union_id, name, created_on) VALUES (1, 1, 'Yard', '2026-08-01')"))
    run(sa.text("INSERT INTO accounts (id, display_name, email, email_index, password_hash, failed_login_count,"
                " created_on) VALUES (1, :name, :email, :index, 'x', 0, '2026-09-01')"),
        {"name": _seal("Ada", "account.display_name"), "email": _seal("ada@example.org", "account.email"),
         "index": b"a" * 32})
    demand = ("INSERT INTO demands (id, account_id, unit_id, kind, tier, basis, category, text, is_attributable,"
              " created_on, employer_response, employer_response_note, responded_on, endorsement_state)"
              " VALUES (:id, 1, 1, 'demand', 'priority', 'collective', 'pay', :text, 0, '2026-09-02', :response,"
              " :note, :day, 'not_asked')")
    run(sa.text(demand), {"id": 7, "text": _seal("Will you pay nights?", "demand.text"), "response": "refuses",
                          "note": _seal("Not this year", "demand.response_note"), "day": date(2026, 10, 14)})
    run(sa.text(demand), {"id": 8, "text": _seal("Will you heat the bay?", "demand.text"), "response": None,
                          "note": None, "day": None})
    db.session.commit()


def test_migration_0014_moves_each_answer_into_the_history_and_back(tmp_path):
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'answered.db'}"})
    with app.app_context():
        upgrade(revision=BEFORE)
        _populate_before_the_history()

        upgrade()
        db.session.expire_all()
        [answer] = db.session.scalars(sa.select(EmployerAnswer)).all()
        assert (answer.demand_id, answer.response, answer.note, answer.recorded_on) == (
            7, EmployerResponse.REFUSES, "Not this year", date(2026, 10, 14))
        # A later answer, then back down: the demand's columns hold the latest one again.
        db.session.add(EmployerAnswer(demand_id=7, response=EmployerResponse.PARTLY, note="Nights only",
                                      recorded_on=date(2026, 11, 20)))
        db.session.commit()
        db.session.remove()

        downgrade(revision=LAST_BEFORE_HISTORY)
        rows = db.session.execute(sa.text("SELECT id, employer_response, employer_response_note, responded_on"
                                          " FROM demands ORDER BY id")).all()
        assert [(r[0], r[1], str(r[3]) if r[3] else None) for r in rows] == [
            (7, "partly", "2026-11-20"), (8, None, None)]
        assert field_cipher().decrypt(bytes(rows[0][2]), b"demand.response_note") == b"Nights only"
        assert rows[1][2] is None
        with db.engine.connect() as connection:
            assert "employer_answers" not in db.inspect(connection).get_table_names()
        db.session.remove()
        db.engine.dispose()
