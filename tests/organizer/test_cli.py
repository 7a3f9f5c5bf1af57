"""CLI commands: the demo seed (its warehouse's bargaining summary following the members' released
priorities from the moment it is seeded) and the bootstrap of a union's first organizer."""

from __future__ import annotations

import sqlalchemy as sa

from core.app import create_app
from core.clock import today
from core.extensions import db
from organizer import demo
from organizer.accounts import services as accounts
from organizer.accounts.models import Account
from organizer.bargaining import priorities, ranking, summary
from organizer.bargaining.models import PreparedSummary
from organizer.bargaining.ranking import StoredRanking
from organizer.charting.models import BargainingUnit, Person, Union
from organizer.demands.models import Category
from organizer.demo import DEMO_PASSWORD
from organizer.roles import Role
from organizer.unit_surveys import question_bank
from organizer.unit_surveys import services as unit_surveys
from surveys import results
from surveys.definitions import PLACE_NAMES
from surveys.models import Survey, SurveyKind


def test_seed_demo_creates_a_believable_union(app, runner, client, login):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "organizer@example.org" in result.output and DEMO_PASSWORD in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Union)) == 1
        units = db.session.scalars(sa.select(BargainingUnit)).all()
        assert 2 <= len(units) <= 3 and all(unit.departments and unit.shifts for unit in units)
        people = db.session.scalar(sa.select(sa.func.count()).select_from(Person))
        assert 130 <= people <= 170
        roles = {a.role for account in db.session.scalars(sa.select(Account)) for a in account.roles}
        assert roles == {Role.ORGANIZER, Role.STEWARD, Role.MEMBER, Role.COMMITTEE}
        members = sum(1 for a in db.session.scalars(sa.select(Account)) if a.has_role(Role.MEMBER))
        assert members >= 3
    login(client, "organizer@example.org", DEMO_PASSWORD)
    assert b"Riverside Logistics Workers" in client.get("/").data
    # Every round of the demo pulse is written in both languages, its title too.
    with app.app_context():
        pulses = db.session.scalars(sa.select(Survey).where(Survey.title == "Warehouse pulse")).all()
        assert len(pulses) >= 2 and all(p.translations["es"]["title"] == "Pulso del almacén" for p in pulses)


def test_the_seeded_warehouse_summary_follows_the_members_released_priorities(app, runner, client, login,
                                                                              monkeypatch):
    """Right after `seed-demo`, the warehouse's prepared summary (what its page reads) is in the order of
    the Borda points of the seeded bargaining priorities survey, counted here from its released results,
    which is not the order the scores alone give; each section says how the members ranked it."""
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    with app.test_request_context():
        unit = db.session.scalars(sa.select(BargainingUnit).where(BargainingUnit.name == demo.WAREHOUSE)).one()
        [survey] = results.released_surveys(unit_surveys.unit_scope(unit), SurveyKind.BARGAINING)
        assert survey.closed_on < today()
        question = question_bank.category_ranking(survey)
        whole = results.released(survey).whole
        assert whole.is_shown and whole.respondents >= survey.release_threshold
        by_place = dict(zip(Category, results.counts_by_option(question, whole.counts_for(question)), strict=True))
        worth = results.place_points(question.max_ranked)
        points = {category: sum(w * n for w, n in zip(worth, counts)) for category, counts in by_place.items()}

        # Stored as the seed committed, ranked with this survey: the page reads it, ranking nothing.
        stored = StoredRanking.decode(db.session.scalar(
            sa.select(PreparedSummary.items).where(PreparedSummary.unit_id == unit.id)))
        assert stored.priorities is not None and stored.priorities.survey_id == survey.id
        page = summary.summary_page(accounts.find_account_by_email("steward@example.org"), unit)
        shown = [block.category for block in page.blocks if block.category is not None]
        assert [category for category, _ in stored.sections] == shown and len(shown) >= 2
        assert shown == sorted(shown, key=lambda category: -points[category])
        assert len({points[category] for category in shown}) == len(shown), "no tie: the points alone decide"
        lines = []
        for category in shown:
            place = 1 + sum(1 for other in points.values() if other > points[category])
            line = page.priority_line(category)
            assert line.startswith(f"Members ranked it {PLACE_NAMES[place - 1]}; "
                                   f"{sum(by_place[category])} of {whole.respondents} put it in their top "
                                   f"{question.max_ranked}. {by_place[category][0]} put it first")
            lines.append(line)

        # Without the priorities, the scores alone would order the same sections otherwise.
        monkeypatch.setattr(priorities, "latest_released", lambda unit: None)
        by_score = [section.category for section in ranking.rank(unit).demand_sections]
        assert sorted(by_score) == sorted(shown) and by_score != shown
    text = login(client, "steward@example.org", DEMO_PASSWORD).get(f"/units/{unit.id}/summary").get_data(as_text=True)
    where = [text.find(line) for line in lines]
    assert -1 not in where and where == sorted(where), "the page shows each line, in the members' order"


def test_seed_demo_if_empty_leaves_existing_data_alone(app, runner, world):
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0 and "already present" in result.output
    assert runner.invoke(args=["seed-demo"]).exit_code != 0
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Union)) == 2


def test_seed_demo_refuses_production(monkeypatch, tmp_path):
    from config import generate_secrets

    for name, value in {**generate_secrets(), "DATABASE_URL": f"sqlite:///{tmp_path}/p.db",
                        "LEVERAGE_MAIL_SERVER": "mail.internal", "LEVERAGE_BASE_URL": "https://leverage.example.org"}.items():
        monkeypatch.setenv(name, value)
    result = create_app("production").test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code != 0 and "production" in result.output


def test_create_organizer_bootstraps_a_union(app, runner, client, login):
    result = runner.invoke(args=["create-organizer", "--union", "Bakery Workers", "--email", "first@example.net",
                                 "--display-name", "First"], input="a long passphrase\na long passphrase\n")
    assert result.exit_code == 0, result.output
    with app.app_context():
        account = accounts.find_account_by_email("first@example.net")
        union = db.session.scalars(sa.select(Union)).one()
        assert account.organizer_union_ids() == {union.id}
    login(client, "first@example.net", "a long passphrase")
    again = runner.invoke(args=["create-organizer", "--union", "Bakery Workers", "--email", "first@example.net",
                                "--display-name", "Dup"], input="a long passphrase\na long passphrase\n")
    assert again.exit_code != 0 and "already exists" in again.output
    short = runner.invoke(args=["create-organizer", "--union", "X", "--email", "x@example.net",
                                "--display-name", "X"], input="short\nshort\n")
    assert short.exit_code != 0
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Union)) == 1
