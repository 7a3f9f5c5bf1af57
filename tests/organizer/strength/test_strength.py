"""Union strength: the tier ladder, the weight formula, and a unit's figures
from its chart and its latest released pulse."""

from __future__ import annotations

import pytest

from core.extensions import db
from organizer.accounts import services as accounts
from organizer.accounts.services import account_ref
from organizer.charting.models import BargainingUnit, Person
from organizer.strength import metrics
from organizer.unit_surveys.services import unit_scope
from surveys import ballot_box, tally
from surveys.stats import wilson_interval
from tests import factories
from tests.surveys.helpers import answers, launched_pulse


@pytest.mark.parametrize("evidence, tier", [
    ([], metrics.StrengthTier.BUILDING),
    ([(0.29, False)], metrics.StrengthTier.BUILDING),
    ([(0.30, False)], metrics.StrengthTier.SHOWING_OF_INTEREST),
    ([(0.50, False)], metrics.StrengthTier.SHOWING_OF_INTEREST),
    ([(0.51, False)], metrics.StrengthTier.MAJORITY),
    ([(0.70, False)], metrics.StrengthTier.SUPERMAJORITY),
    ([(0.95, False)], metrics.StrengthTier.SUPERMAJORITY),
    ([(0.90, True)], metrics.StrengthTier.STRIKE_READY),
    ([(0.20, False), (0.60, False), (0.40, True)], metrics.StrengthTier.MAJORITY),
])
def test_the_tier_is_the_highest_the_evidence_supports(evidence, tier):
    assert metrics.tier_for(evidence) == tier


@pytest.mark.parametrize("counts, weight, answers, mean", [
    ([0, 0, 0, 0, 3], (3 + 1.5) / 6, 3, 5.0),
    ([3, 0, 0, 0, 0], (0 + 1.5) / 6, 3, 1.0),
    ([0, 0, 10, 0, 0, 7], 0.5, 10, 3.0),   # the "can't say" slot is ignored
    ([0, 0, 0, 0, 30], (30 + 1.5) / 33, 30, 5.0),
])
def test_weights_are_shrunk_toward_neutral_by_the_prior(counts, weight, answers, mean):
    assert metrics.weight_from_counts(counts) == pytest.approx((weight, answers, mean))


def test_no_agreement_answer_gives_no_weight():
    assert metrics.weight_from_counts([0, 0, 0, 0, 0, 4]) is None


def test_a_unit_without_a_pulse_has_density_only(app_ctx, world):
    unit = db.session.get(BargainingUnit, world.unit_id)
    for n in range(3):
        factories.create_person(unit, is_member=n < 2)
    result = metrics.unit_strength(unit)
    people = db.session.query(Person).filter_by(unit_id=unit.id).all()
    assert result.headcount == len(people)
    assert result.members == sum(p.is_member for p in people) == 2
    assert result.support is None and result.participation is None
    assert "No pulse" in result.support_note


def test_support_and_participation_come_from_the_latest_released_pulse(app_ctx, world, crowd):
    unit = db.session.get(BargainingUnit, world.unit_id)
    members = [accounts.find_account_by_email(e) for e in [world.member, *crowd]]
    voters = {account_ref(m): {"department": None} for m in members}
    survey = launched_pulse(voters, dimensions=(), k=5, scope=unit_scope(unit), with_comment=False)
    said_yes = [True, True, True, True, False, False]  # six of the seven answer, four say yes
    for member, yes in zip(members, said_yes):
        ballot_box.cast(survey, account_ref(member), answers(survey, yes, 3))
    tally.close(survey)
    tally.release_with_server_key(survey)

    result = metrics.unit_strength(unit)
    assert result.pulse == survey
    assert (result.participation.count, result.participation.total) == (6, 7)
    assert (result.support.count, result.support.total) == (4, 6)
    assert (result.support.low, result.support.high) == pytest.approx(wilson_interval(4, 6))
    headcount = db.session.query(Person).filter_by(unit_id=unit.id).count()
    assert result.headcount == headcount and "4 answered yes" in result.tier_evidence
    assert result.tier == metrics.tier_for([(result.members / headcount, False), (4 / headcount, False)])
