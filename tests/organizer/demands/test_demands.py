"""Leverage profiles, demands and endorsements through the services: the rules
a demand must meet, who may change what, how an endorsement survey is built and
who it asks, and the weights that come back from its released counts."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from core.extensions import db
from organizer.accounts import services as accounts
from organizer.accounts.services import account_ref
from organizer.charting.models import BargainingUnit
from organizer.demands import services as demands
from organizer.demands.models import (
    EndorsementRefused,
    EndorsementState,
    Basis,
    Category,
    Claim,
    ClaimSection,
    Demand,
    DemandKind,
    EmployerResponse,
    Tier,
)
from organizer.errors import DomainError, NotAllowed
from organizer.roles import Role
from organizer.strength import metrics
from surveys import ballot_box, tally
from surveys.ballot_box import CANT_SAY
from surveys.models import EligibleVoter, Survey, SurveyKind, SurveyState
from tests import factories
from tests.dumps import raw_database


def _demand(text="Will you pay the night differential on every night shift?", **fields) -> demands.DemandDetails:
    values = dict(kind=DemandKind.DEMAND, tier=Tier.PRIORITY, basis=Basis.COLLECTIVE, category=Category.PAY,
                  text=text)
    values.update(fields)
    return demands.DemandDetails(**values)


@pytest.fixture
def people(app_ctx, world, crowd):
    """The world's member (the author), six coworkers, the steward and the organizer."""
    find = accounts.find_account_by_email
    return {"author": find(world.member), "coworkers": [find(email) for email in crowd],
            "steward": find(world.steward), "organizer": find(world.organizer),
            "unit": db.session.get(BargainingUnit, world.unit_id)}


def _release_endorsement(survey: Survey, answers_by_coworker: list[object]) -> None:
    """Every listed answer is one coworker's answer to every question of the survey."""
    refs = sorted(db.session.scalars(sa.select(EligibleVoter.voter_ref).where(EligibleVoter.survey_id == survey.id)))
    for ref, answer in zip(refs, answers_by_coworker, strict=False):
        ballot_box.cast(survey, ref, {q.id: answer for q in survey.questions})
    tally.close(survey)
    tally.release_with_server_key(survey)


# -- writing demands ------------------------------------------------------------------------------

def test_a_member_writes_a_demand_in_their_unit(people):
    demand = demands.create_demand(people["author"], _demand("  Will you   heat the bay?\n How? "))
    assert demand.unit_id == people["unit"].id and demand.account_id == people["author"].id
    assert demand.text == "Will you heat the bay? How?"
    assert demands.demands_of(people["author"]) == [demand]


@pytest.mark.parametrize("details, field", [
    (_demand("Give us a raise now"), "text"),
    (_demand("Raise?"), "text"),
    (_demand("Will you?" + "x" * 600), "text"),
    (_demand(tier=Tier.CURIOUS), "tier"),
])
def test_a_demand_that_breaks_a_rule_is_refused_at_its_field(people, details, field):
    with pytest.raises(DomainError) as refused:
        demands.create_demand(people["author"], details)
    assert refused.value.field == field


def test_curious_is_fine_for_a_question(people):
    demand = demands.create_demand(people["author"], _demand("How are rate targets set?", kind=DemandKind.QUESTION,
                                                             tier=Tier.CURIOUS))
    assert demand.tier == Tier.CURIOUS


def test_a_demand_rests_only_on_the_authors_own_claims(people):
    mine = demands.add_claim(people["author"], demands.ClaimDetails(ClaimSection.PERFORMANCE, "Trained four hires.", 2025))
    theirs = demands.add_claim(people["coworkers"][0], demands.ClaimDetails(ClaimSection.NEED, "A licence course."))
    demand = demands.create_demand(people["author"], _demand(claim_ids=[mine.id, mine.id]))
    assert demand.claims == [mine]
    with pytest.raises(DomainError) as refused:
        demands.create_demand(people["author"], _demand(claim_ids=[theirs.id]))
    assert refused.value.field == "claim_ids"


def test_only_members_keep_demands_and_only_authors_change_them(people):
    with pytest.raises(NotAllowed):
        demands.create_demand(people["organizer"], _demand())
    demand = demands.create_demand(people["author"], _demand())
    with pytest.raises(NotAllowed):
        demands.update_demand(people["coworkers"][0], demand, _demand("Will you do something else?"))
    with pytest.raises(NotAllowed):
        demands.remove_item(people["coworkers"][0], demand)
    with pytest.raises(NotAllowed):
        demands.request_endorsement(people["coworkers"][0], demand)


def test_claims_need_a_year_for_performance_and_a_sane_year_at_all(people):
    with pytest.raises(DomainError) as no_year:
        demands.add_claim(people["author"], demands.ClaimDetails(ClaimSection.PERFORMANCE, "Trained four hires."))
    assert no_year.value.field == "year"
    with pytest.raises(DomainError) as future:
        demands.add_claim(people["author"], demands.ClaimDetails(ClaimSection.HIRE, "Five years of safety checks.", 2999))
    assert future.value.field == "year"


def test_the_profile_reads_in_chronological_order(people):
    author = people["author"]
    need = demands.add_claim(author, demands.ClaimDetails(ClaimSection.NEED, "A licence course."))
    late = demands.add_claim(author, demands.ClaimDetails(ClaimSection.PERFORMANCE, "Led the night crew.", 2025))
    early = demands.add_claim(author, demands.ClaimDetails(ClaimSection.PERFORMANCE, "Trained four hires.", 2023))
    hire = demands.add_claim(author, demands.ClaimDetails(ClaimSection.HIRE, "Forklift safety checks.", 2021))
    assert demands.claims_of(author) == [hire, early, late, need]


# -- endorsements ---------------------------------------------------------------------------------

def test_an_endorsement_survey_asks_every_coworker_but_the_author(people):
    author, unit = people["author"], people["unit"]
    demand = demands.create_demand(author, _demand())
    demands.request_endorsement(author, demand)
    [request] = demands.pending_requests(people["organizer"], unit)
    assert (request.demands, request.claims) == ([demand], [])
    assert request.key == demand.subject_ref  # pages name the request by an item, not by its author

    report = demands.launch_endorsement_survey(people["organizer"], unit, demand.subject_ref, days_open=5)
    survey = report.survey
    assert survey.kind == SurveyKind.ENDORSEMENT and survey.state == SurveyState.OPEN
    assert survey.release_threshold == 3
    assert [q.subject_ref for q in survey.questions] == [demand.subject_ref]
    # The survey stores only the reference: the words stay sealed in the demand.
    assert all(demand.text not in q.prompt for q in survey.questions)
    eligible = set(db.session.scalars(sa.select(EligibleVoter.voter_ref).where(EligibleVoter.survey_id == survey.id)))
    assert eligible == {account_ref(c) for c in people["coworkers"]}
    assert demand.endorsement_survey_id == survey.id
    assert demands.pending_requests(people["organizer"], unit) == []
    assert demands.subject_texts(survey.questions) == {demand.subject_ref: demand.text}


def _ask(author, *items) -> None:
    for item in items:
        demands.request_endorsement(author, item)


def _subjects_by_survey(people) -> list[set[str]]:
    """Send every pending request, and say which items each survey asked about."""
    organizer, unit = people["organizer"], people["unit"]
    surveys = []
    while pending := demands.pending_requests(organizer, unit):
        survey = demands.launch_endorsement_survey(organizer, unit, pending[0].key).survey
        surveys.append({q.subject_ref for q in survey.questions})
    return surveys


def test_an_unnamed_item_is_never_surveyed_beside_another_of_its_author(people):
    author = people["author"]
    named = demands.create_demand(author, _demand("Will you pay nights?", is_attributable=True))
    unnamed = demands.create_demand(author, _demand("Will you heat the bay?"))
    claim = demands.add_claim(author, demands.ClaimDetails(ClaimSection.PERFORMANCE, "Trained four hires.", 2025))
    _ask(author, named, unnamed, claim)
    surveys = _subjects_by_survey(people)
    assert sorted(map(sorted, surveys)) == sorted([[named.subject_ref], [unnamed.subject_ref], [claim.subject_ref]])
    # Each survey still leaves its author out.
    for item in (named, unnamed, claim):
        survey = db.session.get(Survey, item.endorsement_survey_id)
        assert ballot_box.eligibility(survey, account_ref(author)) is None


def test_only_demands_all_named_by_their_author_share_a_survey(people):
    author, other = people["author"], people["coworkers"][0]
    first, second = (demands.create_demand(author, _demand(f"Will you {what}?", is_attributable=True))
                     for what in ("pay nights", "fund the licence"))
    others_named = demands.create_demand(other, _demand("Will you fix the heaters?", is_attributable=True))
    _ask(author, first, second)
    _ask(other, others_named)
    [request] = [r for r in demands.pending_requests(people["organizer"], people["unit"]) if r.author_id == author.id]
    assert request.is_attributed and request.demands == [first, second]
    surveys = _subjects_by_survey(people)
    # One author's named demands together; never two authors in one survey.
    assert sorted(map(sorted, surveys)) == sorted([sorted([first.subject_ref, second.subject_ref]),
                                                   [others_named.subject_ref]])


def test_a_demand_surveyed_beside_named_ones_keeps_its_name(people):
    author = people["author"]
    first, second = (demands.create_demand(author, _demand(f"Will you {what}?", is_attributable=True))
                     for what in ("pay nights", "fund the licence"))
    _ask(author, first, second)
    _subjects_by_survey(people)
    with pytest.raises(DomainError) as refused:
        demands.update_demand(author, second, _demand("Will you fund the licence?", is_attributable=False))
    assert refused.value.field == "is_attributable" and "would not make it anonymous" in refused.value.message
    assert second.is_attributable
    # A demand surveyed alone can drop its name at any time.
    alone = demands.create_demand(author, _demand("Will you heat the bay?", is_attributable=True))
    _ask(author, alone)
    _subjects_by_survey(people)
    demands.update_demand(author, alone, _demand("Will you heat the bay?", is_attributable=False))
    assert not alone.is_attributable


def test_asking_twice_is_refused_until_the_survey_is_released(people):
    author = people["author"]
    demand = demands.create_demand(author, _demand())
    demands.request_endorsement(author, demand)
    with pytest.raises(DomainError):
        demands.request_endorsement(author, demand)
    survey = demands.launch_endorsement_survey(people["organizer"], people["unit"], demand.subject_ref).survey
    with pytest.raises(DomainError):
        demands.request_endorsement(author, demand)
    _release_endorsement(survey, [4, 4, 4])
    demands.request_endorsement(author, demand)
    assert demand.awaits_endorsement_survey


def test_the_endorsement_state_moves_only_forward_through_its_transitions(people):
    author, organizer, unit = people["author"], people["organizer"], people["unit"]
    demand = demands.create_demand(author, _demand())
    assert demand.endorsement_state is EndorsementState.NOT_ASKED and demand.may_ask_coworkers
    with pytest.raises(EndorsementRefused):
        demand.put_to_survey(None)  # no survey for what nobody asked about
    demands.request_endorsement(author, demand)
    assert demand.endorsement_state is EndorsementState.REQUESTED and not demand.may_ask_coworkers
    survey = demands.launch_endorsement_survey(organizer, unit, demand.subject_ref).survey
    assert demand.endorsement_state is EndorsementState.SURVEYED
    assert demand.survey_being_answered is survey and not demand.may_ask_coworkers
    with pytest.raises(EndorsementRefused):
        demand.put_to_survey(survey)  # launched once; a second launch needs a second request
    _release_endorsement(survey, [4, 4, 4])
    assert demand.survey_being_answered is None and demand.may_ask_coworkers
    demands.request_endorsement(author, demand)
    assert demand.endorsement_state is EndorsementState.REQUESTED
    assert demand.endorsement_survey_id == survey.id, "the weighed survey stays linked"


def test_asking_again_does_not_unfreeze_words_coworkers_weighed(people):
    author = people["author"]
    demand = demands.create_demand(author, _demand())
    demands.request_endorsement(author, demand)
    survey = demands.launch_endorsement_survey(people["organizer"], people["unit"], demand.subject_ref).survey
    _release_endorsement(survey, [5, 5, 5])
    demands.request_endorsement(author, demand)
    # New words now would borrow the backing the old ones earned.
    with pytest.raises(DomainError) as refused:
        demands.update_demand(author, demand, _demand("Will you pay double time on nights?"))
    assert refused.value.field == "text"


def test_only_organizers_launch_and_only_what_was_asked(people):
    author = people["author"]
    unasked = demands.create_demand(author, _demand())  # written, never put to coworkers
    with pytest.raises(DomainError):
        demands.launch_endorsement_survey(people["organizer"], people["unit"], unasked.subject_ref)
    demands.request_endorsement(author, unasked)
    with pytest.raises(NotAllowed):
        demands.launch_endorsement_survey(people["steward"], people["unit"], unasked.subject_ref)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Survey)) == 0


def test_wording_is_frozen_once_coworkers_are_asked_but_the_tier_is_not(people):
    author = people["author"]
    demand = demands.create_demand(author, _demand())
    demands.request_endorsement(author, demand)
    demands.launch_endorsement_survey(people["organizer"], people["unit"], demand.subject_ref)
    with pytest.raises(DomainError) as refused:
        demands.update_demand(author, demand, _demand("Will you pay double time on nights?"))
    assert refused.value.field == "text"
    demands.update_demand(author, demand, _demand(tier=Tier.DEALBREAKER))
    assert demand.tier == Tier.DEALBREAKER


def test_an_item_under_survey_cannot_be_removed_until_it_closes(people):
    author = people["author"]
    demand = demands.create_demand(author, _demand())
    demands.request_endorsement(author, demand)
    survey = demands.launch_endorsement_survey(people["organizer"], people["unit"], demand.subject_ref).survey
    with pytest.raises(DomainError):
        demands.remove_item(author, demand)
    _release_endorsement(survey, [5, 5, 5])
    demands.remove_item(author, demand)
    assert db.session.get(Demand, demand.id) is None


def test_released_answers_become_a_shrunk_weight_beside_the_demand(people):
    author, unit = people["author"], people["unit"]
    demand = demands.create_demand(author, _demand())
    demands.request_endorsement(author, demand)
    survey = demands.launch_endorsement_survey(people["organizer"], unit, demand.subject_ref).survey
    answers = [5, 5, 4, 1, CANT_SAY, 5]
    _release_endorsement(survey, answers)

    [item] = demands.in_context(unit, [demand])
    agreeing = [a for a in answers if a is not CANT_SAY]
    expected = (sum((a - 1) / 4 for a in agreeing) + metrics.PRIOR_ANSWERS * 0.5) / (len(agreeing) + metrics.PRIOR_ANSWERS)
    assert item.backing.is_known
    assert item.backing.answers == len(agreeing) == 5
    assert item.backing.weight == pytest.approx(expected)
    assert item.backing.mean_agreement == pytest.approx(sum(agreeing) / len(agreeing))


def test_too_few_agreement_answers_show_no_weight(people):
    author, unit = people["author"], people["unit"]
    demand = demands.create_demand(author, _demand())
    demands.request_endorsement(author, demand)
    survey = demands.launch_endorsement_survey(people["organizer"], unit, demand.subject_ref).survey
    # Four answered, so the survey is released (k = 3), but only two gave an agreement answer.
    _release_endorsement(survey, [5, CANT_SAY, CANT_SAY, 5])
    [item] = demands.in_context(unit, [demand])
    assert not item.backing.is_known and item.backing.answers is None
    assert "Not enough answers" in item.backing.note


def test_pending_and_open_requests_say_so(people):
    author, unit = people["author"], people["unit"]
    demand = demands.create_demand(author, _demand())
    assert demands.in_context(unit, [demand])[0].backing.note == "Not yet put to coworkers."
    demands.request_endorsement(author, demand)
    assert "waiting for an organizer" in demands.in_context(unit, [demand])[0].backing.note
    demands.launch_endorsement_survey(people["organizer"], unit, demand.subject_ref)
    assert demands.in_context(unit, [demand])[0].backing.note.startswith("Coworkers are weighing in until")


# -- stewards -------------------------------------------------------------------------------------

def test_the_author_is_named_only_when_they_allowed_it(people):
    author, unit = people["author"], people["unit"]
    anonymous = demands.create_demand(author, _demand())
    named = demands.create_demand(author, _demand("Will you publish the pay scale?", is_attributable=True))
    found = {i.demand.id: i.attributed_to for i in demands.in_context(unit, demands.unit_demands(people["steward"], unit))}
    assert found == {anonymous.id: None, named.id: author.display_name}


def test_only_the_units_stewards_record_the_employers_answer(people, world):
    demand = demands.create_demand(people["author"], _demand())
    demands.record_response(people["steward"], demand, EmployerResponse.PARTLY, "  Nights only,   not overtime. ")
    assert (demand.employer_response, demand.employer_response_note) == (EmployerResponse.PARTLY,
                                                                         "Nights only, not overtime.")
    other_unit = db.session.get(BargainingUnit, world.other_unit_id)
    elsewhere = factories.create_account(Role.STEWARD, unit=other_unit)
    for actor in (elsewhere, people["author"], people["organizer"]):
        with pytest.raises(NotAllowed):
            demands.record_response(actor, demand, EmployerResponse.REFUSES, None)
    with pytest.raises(NotAllowed):
        demands.unit_demands(people["author"], people["unit"])


def test_demands_claims_and_answers_are_sealed_at_rest(people):
    words = {"demand": "Will you fund the Zanzibar-forklift licence course?",
             "claim": "Trained the Quetzalcoatl night crew",
             "note": "Employer said Ouagadougou budget is frozen"}
    claim = demands.add_claim(people["author"], demands.ClaimDetails(ClaimSection.PERFORMANCE, words["claim"], 2024))
    demand = demands.create_demand(people["author"], _demand(words["demand"], claim_ids=[claim.id]))
    demands.record_response(people["steward"], demand, EmployerResponse.REFUSES, words["note"])
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Claim, claim.id).text == words["claim"]
    raw = raw_database(db.engine.url)
    for label, secret in words.items():
        assert secret.encode() not in raw, f"the {label} is readable in the raw database"
    assert b"Harbor Workers United" in raw  # the search itself works
