"""`flask seed-scale N`: the demo union with N coworkers in its warehouse, a
fifth of them members with accounts, released pulse rounds whose figures are
the ballots cast, and demands."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from core.extensions import db
from organizer import demo_scale
from organizer.accounts.models import Account, RoleAssignment
from organizer.charting.models import BargainingUnit, Person, Union
from organizer.demands.models import Demand
from organizer.demo import DEMO_LOGINS, DEMO_PASSWORD, WAREHOUSE
from organizer.roles import Role
from surveys import ballot_box, results
from surveys.models import QuestionType, Survey, SurveyKind, SurveyState

PEOPLE = 100


@dataclass(frozen=True)
class Pulse:
    state: SurveyState
    ballots: int
    respondents: int
    released_respondents: int | None
    approved: bool
    #: (question type, answers counted) per question
    question_totals: list[tuple[QuestionType, int]]


@dataclass(frozen=True)
class Seeded:
    """What one seed built, read into plain values: the tables are emptied after each test."""

    output: str
    stderr: str
    unions: int
    headcounts: dict[str, int]
    holders: int
    holders_people: list[tuple[int, int, bool]]
    warehouse_id: int
    pulses: list[Pulse]
    seeded_demands: int
    endorsement_states: list[SurveyState]
    seeded_sign_in: int


@pytest.fixture(scope="module")
def seeded(app) -> Seeded:
    result = app.test_cli_runner().invoke(args=["seed-scale", str(PEOPLE)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        unit = db.session.scalars(sa.select(BargainingUnit).where(BargainingUnit.name == WAREHOUSE)).one()
        holders = list(db.session.scalars(sa.select(Account).join(RoleAssignment).where(
            RoleAssignment.unit_id == unit.id, RoleAssignment.role == Role.MEMBER)))
        people = [db.session.get(Person, account.person_id) for account in holders]
        surveys = db.session.scalars(sa.select(Survey).where(Survey.scope == f"unit:{unit.id}").order_by(Survey.id))
        pulses, endorsements = [], []
        for survey in surveys:
            if survey.kind == SurveyKind.ENDORSEMENT:
                endorsements.append(survey.state)
                continue
            ballots, respondents = ballot_box.counts(survey)
            released = results.released(survey)
            totals = [(q.question.type, sum(q.counts)) for q in released.whole.questions] if released else []
            pulses.append(Pulse(survey.state, ballots, respondents, released.whole.respondents if released else None,
                                bool(released and released.whole.is_approved), totals))
        seeded_ids = [account.id for account in holders if account.email.startswith("coworker")]
        shape = Seeded(
            output=result.output, stderr=result.stderr,
            unions=db.session.scalar(sa.select(sa.func.count()).select_from(Union)),
            headcounts=dict(db.session.execute(sa.select(BargainingUnit.name, sa.func.count(Person.id))
                                               .join(Person).group_by(BargainingUnit.name)).all()),
            holders=len(holders), holders_people=[(p.id, p.unit_id, p.is_member) for p in people],
            warehouse_id=unit.id, pulses=pulses,
            seeded_demands=db.session.scalar(sa.select(sa.func.count()).select_from(Demand)
                                             .where(Demand.account_id.in_(seeded_ids))),
            endorsement_states=endorsements,
            seeded_sign_in=app.test_client().post("/login", data={
                "email": "coworker1@example.org", "password": DEMO_PASSWORD}).status_code,
        )
        db.session.remove()
    return shape


def test_the_warehouse_has_n_coworkers_and_is_the_largest_unit(seeded):
    assert seeded.unions == 1
    assert seeded.headcounts[WAREHOUSE] == PEOPLE
    assert max(seeded.headcounts, key=seeded.headcounts.get) == WAREHOUSE
    assert "organizer@example.org" in seeded.output and DEMO_PASSWORD in seeded.output
    assert f"Charting {WAREHOUSE}: {PEOPLE}/{PEOPLE}" in seeded.stderr  # the progress bar, on stderr


def test_a_fifth_are_members_with_accounts_each_their_own(seeded):
    assert seeded.holders == round(PEOPLE * demo_scale.ACCOUNT_SHARE)
    person_ids = [person_id for person_id, _, _ in seeded.holders_people]
    assert len(set(person_ids)) == seeded.holders
    assert all(unit_id == seeded.warehouse_id and is_member for _, unit_id, is_member in seeded.holders_people)


def test_a_seeded_account_signs_in_with_the_demo_password(seeded):
    assert seeded.seeded_sign_in == 302


def test_released_pulse_rounds_count_exactly_the_ballots_cast(seeded):
    warehouse_logins = sum(1 for *_, unit_name in DEMO_LOGINS if unit_name == WAREHOUSE)
    assert [pulse.state for pulse in seeded.pulses] == [SurveyState.RELEASED, SurveyState.RELEASED]
    for pulse in seeded.pulses:
        assert pulse.approved
        assert pulse.released_respondents == pulse.ballots == pulse.respondents
        # Every demo login answers; of the other members, not all.
        assert warehouse_logins <= pulse.ballots < seeded.holders
        # One answer a ballot to each question, but two issues chosen on every demo ballot.
        assert pulse.question_totals == [(QuestionType.YES_NO, pulse.ballots), (QuestionType.SCALE, pulse.ballots),
                                         (QuestionType.MULTIPLE_CHOICE, 2 * pulse.ballots)]


def test_members_wrote_demands_and_some_went_to_coworkers(seeded):
    assert seeded.seeded_demands > 0
    assert len(seeded.endorsement_states) == 1 + min(demo_scale.EXTRA_ENDORSEMENTS, seeded.seeded_demands)
    assert set(seeded.endorsement_states) == {SurveyState.RELEASED}


def test_seed_scale_refuses_a_unit_too_small_and_a_database_with_a_union(app, runner, world):
    assert runner.invoke(args=["seed-scale", str(demo_scale.MIN_PEOPLE - 1)]).exit_code != 0
    refused = runner.invoke(args=["seed-scale", "50"])
    assert refused.exit_code != 0 and "already holds a union" in refused.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Union)) == 2
