"""A candidate's profile through its pages: any signed-in account may keep a job
search (a union member, or an account in no union), it starts with the looking
status, preferences carry a tier (never "curious"), proof of leverage is evidence,
and preconditions are questions in the demand model with the basis `market`.
Deleting the account deletes the whole search."""

from __future__ import annotations

from html import unescape

import pytest
import sqlalchemy as sa

from candidates import profiles
from candidates.errors import CandidateRefused
from candidates.models import CandidateProfile, LookingStatus, Precondition, Preference, PreferenceAspect
from core.extensions import db
from ontology import Basis, Category, DemandKind, Tier
from organizer.accounts import services as accounts
from tests.candidates import builders
from tests.factories import PASSWORD


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_a_union_member_can_keep_a_job_search_too(app, world, login):
    client = login(app.test_client(), world.member)
    assert client.get("/candidate").status_code == 200
    assert client.post("/candidate/looking", data={"looking": "active"}).status_code == 302
    with app.app_context():
        member = accounts.find_account_by_email(world.member)
        assert profiles.profile_of(member).looking is LookingStatus.ACTIVELY_LOOKING


def test_pages_of_a_search_send_someone_without_one_to_start_it(app, world, login):
    client = login(app.test_client(), world.member)
    for page in ("/candidate/experiences", "/candidate/questions", "/candidate/jobs"):
        response = client.get(page)
        assert response.status_code == 302 and response.headers["Location"] == "/candidate"
    assert _count(app, CandidateProfile) == 0


def test_the_looking_status_is_one_of_three_and_can_change(app, search, login):
    client = login(app.test_client(), builders.CANDIDATE)
    assert client.post("/candidate/looking", data={"looking": "not"}).status_code == 302
    assert client.post("/candidate/looking", data={"looking": "maybe"}).status_code == 400
    with app.app_context():
        assert db.session.get(CandidateProfile, search.profile_id).looking is LookingStatus.NOT_LOOKING


def test_a_preference_is_added_with_its_weight_and_curious_is_refused(app, search, login):
    client = login(app.test_client(), builders.CANDIDATE)
    before = _count(app, Preference)
    added = client.post("/candidate/preferences", data={"aspect": "commute", "text": "Under an hour door to door",
                                                         "tier": "priority"})
    assert added.status_code == 302
    refused = client.post("/candidate/preferences", data={"aspect": "commute", "text": "Short", "tier": "curious"})
    assert refused.status_code == 400
    assert _count(app, Preference) == before + 1
    with app.app_context():
        account = accounts.find_account_by_email(builders.CANDIDATE)
        with pytest.raises(CandidateRefused):
            profiles.add_preference(account, profiles.profile_of(account), profiles.PreferenceDetails(
                PreferenceAspect.SKILL, Tier.CURIOUS, "Welding"))


def test_removing_someone_elses_preference_is_a_404(app, search, stranger_search, login):
    client = login(app.test_client(), builders.STRANGER)
    assert client.post(f"/candidate/preferences/{search.preference_ids[0]}/remove").status_code == 404
    assert _count(app, Preference) == 6


def test_proof_of_leverage_is_evidence_and_names_nobody_unless_chosen(app, search, login):
    client = login(app.test_client(), builders.CANDIDATE)
    warned = client.post("/candidate/proofs", follow_redirects=True, data={
        "kind": "audience", "description": "A cooking channel sponsored by Acme Foods Inc", "size": "12,000 subscribers",
        "duration": "three years", "income": "lt2000"})
    html = unescape(warned.get_data(as_text=True))
    assert "It seems to name an organisation (“Acme Foods Inc”)" in html
    chosen = client.post("/candidate/proofs", follow_redirects=True, data={
        "kind": "freelance", "description": "Bookkeeping for Harbor Books Ltd", "income": "unsaid",
        "names_on_purpose": "y"})
    html = unescape(chosen.get_data(as_text=True))
    assert "Bookkeeping for Harbor Books Ltd" in html
    assert "“Harbor Books Ltd”" not in html
    assert "12,000 subscribers" in html and "500 to 2,000 a month" in html


def test_a_precondition_is_a_question_with_the_basis_market(app, search, login):
    client = login(app.test_client(), builders.CANDIDATE)
    assert client.post("/candidate/questions", data={
        "text": "Will you train me on the new sorter in my first month?", "kind": "demand", "tier": "priority",
        "category": "career"}).status_code == 302
    not_a_question = client.post("/candidate/questions", data={
        "text": "Train me on the new sorter.", "kind": "demand", "tier": "priority", "category": "career"})
    assert not_a_question.status_code == 400
    assert "as a question" in unescape(not_a_question.get_data(as_text=True))
    curious_demand = client.post("/candidate/questions", data={
        "text": "Will you tell me the pay scale?", "kind": "demand", "tier": "curious", "category": "pay"})
    assert curious_demand.status_code == 400
    with app.app_context():
        newest = db.session.scalar(sa.select(Precondition).order_by(Precondition.id.desc()))
        assert (newest.kind, newest.tier, newest.basis, newest.category) == (
            DemandKind.DEMAND, Tier.PRIORITY, Basis.MARKET, Category.CAREER)
        assert _count(app, Precondition) == 3


def test_the_same_question_twice_is_one(app_ctx, search):
    account = accounts.find_account_by_email(builders.CANDIDATE)
    with pytest.raises(CandidateRefused):
        profiles.add_precondition(account, profiles.profile_of(account), profiles.PreconditionDetails(
            DemandKind.DEMAND, Tier.DEALBREAKER, Category.PAY, builders.WORDS["precondition_pay"].upper()))


def test_deleting_the_account_deletes_the_whole_search(app, search, card_token, login):
    client = login(app.test_client(), builders.CANDIDATE)
    response = client.post("/account/delete", data={"password": PASSWORD, "understood": "y"})
    assert response.status_code == 302
    with app.app_context():
        for table in [t for t in db.metadata.sorted_tables if t.name.startswith("candidate_")]:
            assert db.session.scalar(sa.select(sa.func.count()).select_from(table)) == 0, table.name
    assert app.test_client().get(f"/candidate-card/{card_token}").status_code == 404
