"""PRIVACY.md invariant 7: a member can delete their account; their ballots
stay counted and stay unlinkable, and nothing left names them."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from core.extensions import db
from organizer.accounts import services as accounts
from organizer.accounts.models import Account
from organizer.accounts.services import account_ref
from organizer.charting.models import Person
from organizer.demands import services as demands
from organizer.demands.models import Basis, Category, Claim, ClaimSection, Demand, DemandKind, Tier
from organizer.errors import DomainError, LoginRefused
from organizer.unit_surveys.services import unit_scope_of
from surveys import ballot_box, keys, launch, tally
from surveys.models import EligibleVoter, KeyMode, ParticipationEntry, SurveyTrustee
from tests.factories import PASSWORD
from tests.surveys.helpers import answers, pulse


def _count(model, **where) -> int:
    query = sa.select(sa.func.count()).select_from(model)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    return db.session.scalar(query)


@pytest.fixture
def answered(app_ctx, world, crowd):
    """Seven members answered a launched pulse; the world's member also keeps a profile and a demand."""
    members = [accounts.find_account_by_email(e) for e in [world.member, *crowd]]
    survey = pulse(k=5, scope=unit_scope_of(world.unit_id), with_comment=False)
    launch.launch(survey, {account_ref(m): {"department": None} for m in members}, ())
    for n, member in enumerate(members):
        ballot_box.cast(survey, account_ref(member), answers(survey, n % 2 == 0, 3))
    leaving = members[0]
    claim = demands.add_claim(leaving, demands.ClaimDetails(ClaimSection.NEED, "A licence course."))
    demands.create_demand(leaving, demands.DemandDetails(DemandKind.DEMAND, Tier.PRIORITY, Basis.COLLECTIVE,
                                                         Category.PAY, "Will you pay nights?", claim_ids=[claim.id]))
    db.session.commit()
    return survey, leaving


def test_deleting_keeps_the_ballot_counted_and_leaves_nothing_that_names_the_person(answered, world):
    survey, leaving = answered
    ref, account_id, person_id = account_ref(leaving), leaving.id, leaving.person_id
    ballots_before, ledger_before = ballot_box.counts(survey)

    accounts.delete_account(leaving, PASSWORD)
    db.session.commit()

    assert db.session.get(Account, account_id) is None
    assert _count(ParticipationEntry, voter_ref=ref) == 0 and _count(EligibleVoter, voter_ref=ref) == 0
    assert not ballot_box.has_answered(survey, ref)
    assert ballot_box.counts(survey) == (ballots_before, ledger_before) and ledger_before == ballots_before
    stand_ins = [r for r in ballot_box.pending_pool(survey).respondents if r.startswith("gone:")]
    assert len(stand_ins) == 1
    assert _count(Demand, account_id=account_id) == 0 and _count(Claim, account_id=account_id) == 0
    assert db.session.get(Person, person_id) is not None  # the organizers' chart keeps its own record
    with pytest.raises(LoginRefused):
        accounts.authenticate(world.member, PASSWORD)

    tally.close(survey)
    tally.release_with_server_key(survey)
    assert survey.groups[0].respondents == ballots_before


def test_a_wrong_password_deletes_nothing(answered):
    survey, leaving = answered
    with pytest.raises(DomainError) as refused:
        accounts.delete_account(leaving, "not the password")
    assert refused.value.field == "password"
    assert ballot_box.has_answered(survey, account_ref(leaving))
    assert db.session.get(Account, leaving.id) is not None


def test_a_trustee_still_needed_cannot_leave(app_ctx, world, crowd):
    steward, organizer = (accounts.find_account_by_email(e) for e in (world.steward, world.organizer))
    for trustee in (steward, organizer):
        keys.register_trustee_key(account_ref(trustee), "a long trustee passphrase")
    survey = pulse(k=5, key_mode=KeyMode.TRUSTEES, t=2, scope=unit_scope_of(world.unit_id), with_comment=False)
    voters = {account_ref(accounts.find_account_by_email(e)): {"department": None} for e in crowd}
    launch.launch(survey, voters, (), [account_ref(steward), account_ref(organizer)])
    with pytest.raises(DomainError) as refused:
        accounts.delete_account(steward, PASSWORD)
    assert "still needs" in refused.value.message
    tally.close(survey)
    for trustee in (steward, organizer):
        tally.contribute(survey, account_ref(trustee), "a long trustee passphrase")
    accounts.delete_account(steward, PASSWORD)
    assert _count(SurveyTrustee, trustee_ref=account_ref(steward)) == 0
    assert keys.trustee_key(account_ref(steward)) is None


def test_the_last_organizer_of_a_union_cannot_leave(app_ctx, world):
    organizer = accounts.find_account_by_email(world.organizer)
    with pytest.raises(DomainError) as refused:
        accounts.delete_account(organizer, PASSWORD)
    assert "only organizer" in refused.value.message


def test_deleting_through_the_page_signs_out_for_good(app, client, world, login, crowd):
    login(client, world.member)
    assert client.get("/account/delete").status_code == 200
    assert client.post("/account/delete", data={"password": PASSWORD}).status_code == 400  # box not ticked
    assert client.post("/account/delete", data={"password": "wrong", "understood": "y"}).status_code == 400
    response = client.post("/account/delete", data={"password": PASSWORD, "understood": "y"})
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert client.get("/my/surveys").status_code == 302  # signed out
    again = client.post("/login", data={"email": world.member, "password": PASSWORD})
    assert again.status_code == 400 and "do not match an account" in again.data.decode()


def test_stand_ins_match_within_a_series_and_differ_across_surveys(app_ctx, world, crowd):
    members = [accounts.find_account_by_email(e) for e in [world.member, *crowd]]
    voters = {account_ref(m): {"department": None} for m in members}
    first, unrelated = (pulse(k=5, scope=unit_scope_of(world.unit_id), with_comment=False) for _ in range(2))
    second = pulse(k=5, scope=unit_scope_of(world.unit_id), with_comment=False)
    second.series_id, second.round_number = first.id, 2
    for survey in (first, second, unrelated):
        launch.launch(survey, voters, ())
        ballot_box.cast(survey, account_ref(members[0]), answers(survey, True, 3))

    assert ballot_box.forget_voter(account_ref(members[0])) == 6

    def stand_in(survey):
        eligible = db.session.scalar(sa.select(EligibleVoter.voter_ref).where(
            EligibleVoter.survey_id == survey.id, EligibleVoter.voter_ref.like("gone:%")))
        [waiting] = [r for r in ballot_box.pending_pool(survey).respondents if r.startswith("gone:")]
        assert eligible == waiting  # the tally can still match the respondent to the cell
        return waiting
    assert stand_in(first) == stand_in(second)  # the overlap rule still sees one person
    assert stand_in(first) != stand_in(unrelated)
