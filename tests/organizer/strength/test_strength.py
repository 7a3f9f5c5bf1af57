"""Union strength: the tier ladder, the weight formula, a unit's figures from its
chart and its temperature check, the tier read from recent evidence only, the
disagreement between figures shown, and participation and support stated
against the whole unit."""

from __future__ import annotations

import re

import pytest

from core.extensions import db
from core import i18n
from core.i18n import format_day
from organizer.accounts import services as accounts
from organizer.accounts.services import account_ref
from organizer.charting import unions
from organizer.charting.models import BargainingUnit, Person
from organizer.errors import DomainError, NotAllowed
from organizer.strength import metrics
from organizer.strength.card import READ_WITH_CARE, likely_between, percent
from organizer.strength.models import StructureTestKind
from organizer.unit_surveys.services import unit_scope
from surveys import ballot_box, tally
from surveys.stats import wilson_interval
from tests import factories
from tests.organizer.strength.units import charted_unit, held, released_pulse
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


def test_support_and_participation_come_from_the_temperature_check(app_ctx, world, crowd):
    unit = db.session.get(BargainingUnit, world.unit_id)
    members = [accounts.find_account_by_email(e) for e in [world.member, *crowd]]
    voters = {account_ref(m): {"department": None} for m in members}
    survey = launched_pulse(voters, dimensions=(), k=5, scope=unit_scope(unit), with_comment=False,
                            recurrence_weeks=4)
    said_yes = [True, True, True, True, False, False]  # six of the seven answer, four say yes
    for member, yes in zip(members, said_yes):
        ballot_box.cast(survey, account_ref(member), answers(survey, yes, 3))
    tally.close(survey)
    tally.release_with_server_key(survey)

    result = metrics.unit_strength(unit)
    headcount = db.session.query(Person).filter_by(unit_id=unit.id).count()
    assert result.pulse == survey
    # Participation is of the whole unit on the chart, with the account holders it was sent to beside it.
    assert (result.participation.answered, result.participation.headcount, result.participation.with_accounts) == (
        6, headcount, 7)
    assert (result.support.count, result.support.total) == (4, 6)
    assert (result.support.low, result.support.high) == pytest.approx(wilson_interval(4, 6))
    assert result.headcount == headcount
    pulse_evidence = next(e for e in result.evidence if e.source is metrics.EvidenceSource.PULSE)
    assert (pulse_evidence.count, pulse_evidence.total, pulse_evidence.is_recent) == (4, headcount, True)
    assert result.tier == metrics.tier_for([(result.members / headcount, False), (4 / headcount, False)])


# -- the tier from recent evidence ----------------------------------------------------------------

def test_the_tier_rests_on_recent_evidence_and_older_evidence_is_history(app_ctx, app):
    unit, organizer = charted_unit(20, members=4)
    strike = held(organizer, unit, StructureTestKind.STRIKE, 19, days_ago_held=200)
    petition = held(organizer, unit, StructureTestKind.PETITION, 12, days_ago_held=10)

    result = metrics.unit_strength(unit)
    assert result.window_days == 90
    assert result.tier == metrics.StrengthTier.MAJORITY  # the petition's 60%, not the strike of 200 days ago
    assert result.rests_on.test is petition
    assert [item.test for item in result.history] == [strike]
    card = result.card
    assert card.rests_on.startswith("12 of 20 took part in the majority petition")
    assert [t.held_on for t in card.tests] == [petition.held_on]
    assert [t.held_on for t in card.earlier_tests] == [strike.held_on]
    assert ("Earlier, not counted", card.earlier_tests[0].line) in card.lines()
    assert "evidence from the last 90 days" in card.window
    page = _card_page(app, result)
    assert "Earlier, not counted in the tier (1)" in page
    assert f"Strike, {format_day(strike.held_on)}:" in page.split("Earlier, not counted")[1]
    assert f"Counted: {card.window}" in page

    # A wider window takes the strike in again: the window, not the record, decides.
    unions.set_evidence_window(organizer, unit.union, 365)
    widened = metrics.unit_strength(unit)
    assert widened.tier == metrics.StrengthTier.STRIKE_READY and widened.rests_on.test is strike
    assert widened.history == []


def test_only_old_evidence_leaves_the_unit_building(app_ctx):
    unit, organizer = charted_unit(10)
    held(organizer, unit, StructureTestKind.RALLY, 9, days_ago_held=120)
    result = metrics.unit_strength(unit)
    # Nobody is a member: the chart's membership reads 0%, the one recent figure.
    assert result.tier == metrics.StrengthTier.BUILDING
    assert result.rests_on.source is metrics.EvidenceSource.MEMBERSHIP
    assert len(result.history) == 1


def test_an_old_temperature_check_is_shown_but_not_counted(app_ctx):
    unit, _ = charted_unit(10)
    released_pulse(unit, with_accounts=10, answered=10, yes=9, closed_days_ago=100)
    result = metrics.unit_strength(unit)
    assert result.support.count == 9 and not result.pulse_is_recent
    assert result.tier == metrics.StrengthTier.BUILDING
    support = next(f for f in result.card.figures if f.name == "Support")
    assert "more than 90 days old" in support.caution
    assert any(text.startswith("9 of 10 coworkers answered yes") for text in result.card.earlier_other)


def test_the_evidence_window_is_the_unions_and_bounded(app_ctx, world):
    unit, organizer = charted_unit(5)
    for days in (29, 366):
        with pytest.raises(DomainError) as refused:
            unions.set_evidence_window(organizer, unit.union, days)
        assert refused.value.field == "days"
    outsider = accounts.find_account_by_email(world.organizer)
    with pytest.raises(NotAllowed):
        unions.set_evidence_window(outsider, unit.union, 60)
    assert unit.union.evidence_window_days == 90


def test_a_rally_beside_low_support_shows_the_disagreement(app_ctx, app):
    unit, organizer = charted_unit(30)
    pulse = released_pulse(unit, with_accounts=25, answered=20, yes=4)
    held(organizer, unit, StructureTestKind.RALLY, 24, days_ago_held=5)

    result = metrics.unit_strength(unit)
    assert result.tier == metrics.StrengthTier.SUPERMAJORITY and result.rests_on.source is metrics.EvidenceSource.STRUCTURE_TEST
    [disagreeing] = result.disagreements
    assert disagreeing.source is metrics.EvidenceSource.PULSE
    said = metrics.Share.of(4, 20)
    assert result.card.disagreements == [
        f"only {percent(0.2)} of the 20 who answered “{pulse.title}” of {format_day(pulse.closed_on)} said yes "
        f"({likely_between(said)})"]
    assert ("The figures disagree", result.card.disagreements[0]) in result.card.lines()
    assert "The figures disagree:" in _card_page(app, result)


def test_figures_close_to_each_other_do_not_disagree(app_ctx):
    unit, organizer = charted_unit(30)
    released_pulse(unit, with_accounts=25, answered=20, yes=12)  # 60%, likely up to 78%
    held(organizer, unit, StructureTestKind.RALLY, 24, days_ago_held=5)
    result = metrics.unit_strength(unit)
    assert result.tier == metrics.StrengthTier.SUPERMAJORITY
    assert result.disagreements == [] and result.card.disagreements == []


# -- participation and support of the whole unit --------------------------------------------------

def test_participation_is_stated_against_the_whole_unit_and_a_small_share_is_marked(app_ctx, app):
    unit, _ = charted_unit(72, members=30)
    released_pulse(unit, with_accounts=8, answered=7, yes=2)
    result = metrics.unit_strength(unit)
    figures = {figure.name: figure for figure in result.card.figures}
    participation, support = figures["Participation"], figures["Support"]
    assert participation.detail == "7 of 72 coworkers answered (8 of them have accounts)"
    assert participation.value == percent(7 / 72)
    assert participation.caution == READ_WITH_CARE and support.caution == READ_WITH_CARE
    assert support.detail.startswith("2 of the 7 who answered said yes (2 of the unit's 72)")
    assert likely_between(result.support) in support.detail
    page = _card_page(app, result)
    assert "7 of 72 coworkers answered (8 of them have accounts)" in page
    assert "Only a few of the unit answered — read with care" in page


def test_a_pulse_most_of_the_unit_answered_carries_no_warning(app_ctx):
    unit, _ = charted_unit(12)
    released_pulse(unit, with_accounts=10, answered=9, yes=5)
    figures = {figure.name: figure for figure in metrics.unit_strength(unit).card.figures}
    assert figures["Participation"].detail == "9 of 12 coworkers answered (10 of them have accounts)"
    assert figures["Participation"].caution is None and figures["Support"].caution is None


def test_the_card_writes_each_figure_with_its_own_headcount(app_ctx):
    """The old card said "(headcount 73)" beside a test's "of 72": each figure now names its own."""
    unit, organizer = charted_unit(73, members=20)
    held(organizer, unit, StructureTestKind.GEAR_DAY, 50, days_ago_held=3, headcount=72)
    card = metrics.unit_strength(unit).card
    assert card.rests_on == "50 of 72 (the headcount that day) took part in the union gear day of " \
                            f"{format_day(card.tests[0].held_on)} — {percent(50 / 72)} of the unit"
    assert "headcount 73" not in " ".join(text for _, text in card.lines())
    density = next(f for f in card.figures if f.name == "Density")
    assert density.detail == "20 members of the 73 coworkers on the chart"


def test_no_line_of_the_card_doubles_its_colons(app_ctx):
    """"Tier: Supermajority: at least 70%: …" read as three labels."""
    for tier in metrics.StrengthTier:
        assert ":" not in tier.meaning
    unit, organizer = charted_unit(10)
    held(organizer, unit, StructureTestKind.RALLY, 8, days_ago_held=1)
    lines = dict(metrics.unit_strength(unit).card.lines())
    assert lines["Tier"] == f"Supermajority ({metrics.StrengthTier.SUPERMAJORITY.meaning})"


def _card_page(app, strength) -> str:
    with app.test_request_context():
        macro = app.jinja_env.get_template("_macros/context.html").module.strength_card
        html = str(macro(strength))
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_card_is_written_in_the_language_it_is_read_in(app_ctx):
    """An export written `in_language` of a Spanish reader takes the card's words in Spanish."""
    unit, organizer = charted_unit(10)
    rally = held(organizer, unit, StructureTestKind.RALLY, 8, days_ago_held=1)
    strength = metrics.unit_strength(unit)
    with i18n.in_language("es"):
        lines = dict(strength.card.lines())
        day = format_day(rally.held_on)
    assert lines["Nivel"] == ("Supermayoría (al menos el 70\u00a0% de la unidad, cuando las campañas suelen "
                              "hacerse públicas)")
    assert lines["El nivel se basa en"] == f"8 de 10 participaron el {day} en el mitin — el 80\u00a0% de la unidad"
    assert lines["Prueba de estructura"] == f"Mitin, {day}: 80\u00a0% (8 de 10), alcanzó su meta del 75\u00a0%"
    assert dict(strength.card.lines())["Tier"].startswith("Supermajority (at least 70% of the unit")
