"""Structure tests and the organizers' strength figures: recording an action,
the numbers and days refused at the form (with nothing stored), its place on
the ladder, its weight in the tier, the union's evidence window, and what only
organizers see."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.clock import today
from core.i18n import format_day
from core.extensions import db
from organizer.accounts import services as accounts
from organizer.accounts.services import account_ref
from organizer.charting.models import BargainingUnit, Person, Union
from organizer.errors import DomainError, NotAllowed
from organizer.roles import Role
from organizer.strength import metrics, structure_tests
from organizer.strength.models import StructureTest, StructureTestKind
from organizer.unit_surveys.services import unit_scope
from surveys import ballot_box, tally
from tests import factories
from tests.surveys.helpers import answers, launched_pulse


#: The unit fixture's headcount on the chart: the tests' headcounts that day sit near it.
CHART = 10


@pytest.fixture
def unit(app_ctx, world):
    unit = db.session.get(BargainingUnit, world.unit_id)
    unit.union.created_on = today() - timedelta(days=60)  # set up long enough ago to have acted
    for _ in range(CHART - db.session.query(Person).filter_by(unit_id=unit.id).count()):
        factories.create_person(unit)
    db.session.commit()  # other fixtures (the crowd) write from their own sessions
    return unit


def _record(actor, unit, kind, participants, headcount=None, held_on=None):
    return structure_tests.record(actor, unit, structure_tests.ActionDetails(
        kind, held_on or today() - timedelta(days=1), participants, headcount))


@pytest.mark.parametrize("kind, participants, headcount, met", [
    (StructureTestKind.PETITION, 5, 10, False),   # half is not a majority
    (StructureTestKind.PETITION, 6, 10, True),
    (StructureTestKind.GEAR_DAY, 6, 10, True),
    (StructureTestKind.RALLY, 7, 10, False),
    (StructureTestKind.STRIKE, 9, 10, True),
])
def test_each_rung_has_its_target(unit, world, kind, participants, headcount, met):
    organizer = accounts.find_account_by_email(world.organizer)
    assert _record(organizer, unit, kind, participants, headcount).met_target is met


def test_a_strike_vote_level_action_makes_the_unit_strike_ready(unit, world):
    organizer = accounts.find_account_by_email(world.organizer)
    assert metrics.unit_strength(unit).tier != metrics.StrengthTier.STRIKE_READY
    _record(organizer, unit, StructureTestKind.MOCK_STRIKE_VOTE, 9, 10)
    result = metrics.unit_strength(unit)
    assert result.tier == metrics.StrengthTier.STRIKE_READY
    assert "9 of 10 took part in the mock strike vote" in result.card.rests_on
    assert [t.participants for t in result.structure_tests] == [9]


def test_recording_checks_the_numbers_the_day_and_the_actor(unit, world):
    organizer = accounts.find_account_by_email(world.organizer)
    headcount = db.session.query(Person).filter_by(unit_id=unit.id).count()
    test = _record(organizer, unit, StructureTestKind.RALLY, 1)
    assert test.headcount == headcount  # the chart's, when not given
    low, high = structure_tests.headcount_bounds(headcount)
    set_up = unit.union.created_on
    for participants, given, held_on, field in [(headcount + 1, None, None, "participants"),
                                                (-1, None, None, "participants"),
                                                (high + 1, high + 1, None, "headcount"),
                                                (1, low - 1, None, "headcount"),
                                                (100_000, 100_000, None, "headcount"),
                                                (1, None, today() + timedelta(days=2), "held_on"),
                                                (1, None, set_up - timedelta(days=1), "held_on")]:
        with pytest.raises(DomainError) as refused:
            _record(organizer, unit, StructureTestKind.RALLY, participants, given, held_on)
        assert refused.value.field == field
    assert (low, high) == (5, 15)  # half to one and a half times the chart's 10
    assert _record(organizer, unit, StructureTestKind.RALLY, 15, 15).headcount == 15
    assert _record(organizer, unit, StructureTestKind.RALLY, 1, held_on=set_up).held_on == set_up
    steward = accounts.find_account_by_email(world.steward)
    with pytest.raises(NotAllowed):
        _record(steward, unit, StructureTestKind.RALLY, 1)
    with pytest.raises(NotAllowed):
        structure_tests.remove(steward, test)
    assert db.session.query(StructureTest).count() == 3


def test_only_organizers_get_assessed_support_and_segment_gaps(unit, world, crowd):
    members = [accounts.find_account_by_email(e) for e in [world.member, *crowd]]
    members += [factories.create_account(Role.MEMBER, unit=unit) for _ in range(3)]
    voters = {account_ref(m): {"department": "Loading" if i < 5 else "Cranes"} for i, m in enumerate(members)}
    survey = launched_pulse(voters, dimensions=("department",), k=3, scope=unit_scope(unit), with_comment=False,
                            recurrence_weeks=4)
    for member in members[:5] + members[5:8]:  # all five in Loading, three of five in Cranes
        ballot_box.cast(survey, account_ref(member), answers(survey, True, 4))
    tally.close(survey)
    tally.release_with_server_key(survey)

    assert metrics.unit_strength(unit).organizer is None
    figures = metrics.unit_strength(unit, for_organizers=True).organizer
    people = db.session.query(Person).filter_by(unit_id=unit.id).all()
    assert (figures.assessed_support.count, figures.assessed_support.total) == (
        sum(p.assessment in (1, 2) for p in people), len(people))
    shown = {s.label: (s.respondents, s.eligible, s.below_target) for s in figures.segments}
    assert shown == {"Loading": (5, 5, False), "Cranes": (3, 5, True)}  # 60% is below the 65% target


def test_segments_the_release_rules_withheld_are_not_shown(unit, world, crowd):
    members = [accounts.find_account_by_email(e) for e in [world.member, *crowd]]
    members += [factories.create_account(Role.MEMBER, unit=unit) for _ in range(3)]
    voters = {account_ref(m): {"department": "Loading" if i < 5 else "Cranes"} for i, m in enumerate(members)}
    survey = launched_pulse(voters, dimensions=("department",), k=3, scope=unit_scope(unit), with_comment=False,
                            recurrence_weeks=4)
    for member in members[:5] + members[5:7]:  # two in Cranes: fewer than k, and Loading would reveal them
        ballot_box.cast(survey, account_ref(member), answers(survey, True, 4))
    tally.close(survey)
    tally.release_with_server_key(survey)
    assert [g.is_approved for g in survey.groups[1:]] == [False, False]
    assert metrics.unit_strength(unit, for_organizers=True).organizer.segments == []


def test_organizers_record_and_remove_actions_on_the_strength_page(app, client, world, login):
    login(client, world.organizer)
    page = client.get(f"/units/{world.unit_id}/strength").data.decode()
    assert "For organizers only" in page and "Assessed support" in page
    day = today().isoformat()
    bad = client.post(f"/units/{world.unit_id}/strength", data={"kind": "rally", "held_on": day,
                                                                 "participants": "5000"})
    assert bad.status_code == 400 and "can take part" in bad.data.decode()
    assert client.post(f"/units/{world.unit_id}/strength", data={"kind": "rally", "held_on": "not a day",
                                                                  "participants": "1"}).status_code == 400
    good = client.post(f"/units/{world.unit_id}/strength", data={"kind": "gear_day", "held_on": day,
                                                                  "participants": "3", "headcount": "4"})
    assert good.status_code == 302
    page = client.get(f"/units/{world.unit_id}/strength").data.decode()
    assert f"Union gear day, {format_day(today())}: <strong>75%</strong> (3 of 4)" in page
    with app.app_context():
        [test_id] = db.session.query(StructureTest.id).all()[0]
    assert client.post(f"/structure-tests/{test_id}/remove").status_code == 302
    with app.app_context():
        assert db.session.query(StructureTest).count() == 0
    steward = login(app.test_client(), world.steward)
    assert steward.get(f"/units/{world.unit_id}/strength").status_code == 403
    member_view = login(app.test_client(), world.member).get("/my/demands").data.decode()
    assert "Union strength" in member_view and "For organizers only" not in member_view


def _days(n: int) -> str:
    return (today() + timedelta(days=n)).isoformat()


@pytest.mark.parametrize("fields, words", [
    # "100000 of 100000" on a small unit once made it strike-ready.
    ({"participants": "100000", "headcount": "100000"}, "should be between 5 and 15"),
    ({"participants": "12", "headcount": "16"}, "should be between 5 and 15"),
    ({"participants": "2", "headcount": "4"}, "should be between 5 and 15"),
    ({"participants": "11"}, "Between 0 and the headcount that day (10) can take part"),
    ({"participants": "9", "headcount": "8"}, "Between 0 and the headcount that day (8) can take part"),
    ({"participants": "3", "held_on": _days(1)}, "once it has taken place"),
    ({"participants": "3", "held_on": _days(-61)}, "record actions held since then"),
    ({"participants": "3", "held_on": "1900-01-01"}, "record actions held since then"),
])
def test_each_refusal_answers_at_the_form_and_stores_nothing(app, client, world, login, fields, words):
    with app.app_context():
        unit = db.session.get(BargainingUnit, world.unit_id)
        unit.union.created_on = today() - timedelta(days=60)
        for _ in range(CHART - db.session.query(Person).filter_by(unit_id=unit.id).count()):
            factories.create_person(unit)
        db.session.commit()
    login(client, world.organizer)
    data = {"kind": "strike", "held_on": _days(-1), **fields}
    refused = client.post(f"/units/{world.unit_id}/strength", data=data)
    assert refused.status_code == 400
    page = refused.data.decode()
    assert words in page and 'class="error"' in page  # beside its field, on the form
    with app.app_context():
        assert db.session.query(StructureTest).count() == 0
    assert client.post(f"/units/{world.unit_id}/strength", data={**data, "participants": "3", "headcount": "",
                                                                  "held_on": _days(-1)}).status_code == 302


def test_the_evidence_window_is_set_on_the_strength_page_and_refused_out_of_range(app, client, world, login):
    login(client, world.organizer)
    url = f"/units/{world.unit_id}/strength/window"
    for days in ("7", "1000", "", "many"):
        refused = client.post(url, data={"window-days": days})
        assert refused.status_code == 400
        assert 'class="error"' in refused.data.decode()
    with app.app_context():
        assert db.session.get(Union, world.union_id).evidence_window_days == 90
    assert client.post(url, data={"window-days": "180"}).status_code == 302
    with app.app_context():
        assert db.session.get(Union, world.union_id).evidence_window_days == 180
    page = client.get(f"/units/{world.unit_id}/strength").data.decode()
    assert "evidence from the last 180 days" in page and 'value="180"' in page


def test_a_spanish_organizer_is_refused_in_spanish(app, client, world, login):
    with app.app_context():
        accounts.find_account_by_email(world.organizer).language = "es"
        db.session.commit()
    login(client, world.organizer)
    refused = client.post(f"/units/{world.unit_id}/strength", data={
        "kind": "rally", "held_on": today().isoformat(), "participants": "5000"})
    assert refused.status_code == 400
    assert "Pueden participar entre 0 y el total de personas ese día" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(StructureTest).count() == 0
