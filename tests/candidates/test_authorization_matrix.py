"""Every route of job seekers (candidates/) and of signing up, against every kind of
visitor: a signed-out visitor (an employer holding a card link is one), the
candidate whose search the routes name, a stranger with a search of their own,
and a union member with none. The union's matrix
(tests/organizer/test_authorization_matrix.py) counts these routes as decided too:
a new route in either place fails the suite until someone decides who may see it."""

from __future__ import annotations

import pytest

from candidates import experiences, jobs, profiles, sharing
from candidates.models import Job
from core.extensions import db
from ontology import Category, DemandKind, Tier
from organizer.accounts import services as accounts
from organizer.signup import services as signup
from tests.candidates import builders

#: The visitors, in the order of each entry's statuses.
ACTORS = ("anonymous", "candidate", "stranger", "member")

# 302 for anonymous is the redirect to sign in; a member with no search is sent to start one (302).
OWN_GET = (302, 200, 404, 404)
OWN_POST = (302, 302, 404, 404)
#: Posted empty: the owner's form says what is missing (400).
OWN_EMPTY_POST = (302, 400, 404, 404)
SEARCH_PAGE = (302, 200, 200, 302)
SEARCH_EMPTY_POST = (302, 400, 400, 302)

#: endpoint -> (method, url template, expected statuses)
CANDIDATE_MATRIX: dict[str, tuple[str, str, tuple[int, ...]]] = {
    "candidates.profile": ("GET", "/candidate", (302, 200, 200, 200)),
    # Anyone signed in may start a search: posted empty, the form asks for the status (400).
    "candidates.set_looking": ("POST", "/candidate/looking", (302, 400, 400, 400)),
    "candidates.add_preference": ("POST", "/candidate/preferences", SEARCH_EMPTY_POST),
    "candidates.remove_preference": ("POST", "/candidate/preferences/{preference_id}/remove", OWN_POST),
    "candidates.add_proof": ("POST", "/candidate/proofs", SEARCH_EMPTY_POST),
    "candidates.remove_proof": ("POST", "/candidate/proofs/{proof_id}/remove", OWN_POST),
    "candidates.experience_list": ("GET", "/candidate/experiences", SEARCH_PAGE),
    "candidates.edit_experience": ("GET", "/candidate/experiences/{experience_id}/edit", OWN_GET),
    "candidates.remove_experience": ("POST", "/candidate/experiences/{spare_experience_id}/remove", OWN_POST),
    "candidates.preconditions": ("GET", "/candidate/questions", SEARCH_PAGE),
    "candidates.remove_precondition": ("POST", "/candidate/questions/{spare_precondition_id}/remove", OWN_POST),
    "candidates.job_list": ("GET", "/candidate/jobs", SEARCH_PAGE),
    "candidates.job": ("GET", "/candidate/jobs/{job_id}", OWN_GET),
    "candidates.preview_card": ("GET", "/candidate/jobs/{job_id}/card", OWN_GET),
    "candidates.add_requirements": ("POST", "/candidate/jobs/{job_id}/requirements", OWN_EMPTY_POST),
    "candidates.remove_requirement": ("POST", "/candidate/requirements/{spare_requirement_id}/remove", OWN_POST),
    "candidates.map_requirement": ("POST", "/candidate/requirements/{requirement_id}/map", OWN_EMPTY_POST),
    "candidates.unmap": ("POST", "/candidate/matches/{match_id}/remove", OWN_POST),
    # Contact details are optional: posted empty, the card shows none (a success).
    "candidates.set_contact": ("POST", "/candidate/jobs/{job_id}/contact", OWN_POST),
    "candidates.share_card": ("POST", "/candidate/jobs/{job_id}/share", OWN_EMPTY_POST),
    "candidates.revoke_link": ("POST", "/candidate/links/{spare_link_id}/revoke", OWN_POST),
    "candidates.remove_job": ("POST", "/candidate/jobs/{spare_job_id}/remove", OWN_POST),
    # The card is for whoever holds the link, signed in or not; posted empty, an answer is a 400.
    "candidates.card": ("GET", "/candidate-card/{token}", (200, 200, 200, 200)),
    "candidates.answer_ask": ("POST", "/candidate-card/{token}/asks/{precondition_id}", (400, 400, 400, 400)),
    # Signing up is for the signed-out; someone signed in is sent to their job search.
    "signup.start": ("GET", "/sign-up", (200, 302, 302, 302)),
    "signup.finish": ("GET", "/sign-up/{sign_up_token}", (200, 200, 200, 200)),
}


def _ids(app, world) -> dict[str, object]:
    """The candidate's search with a spare of each thing a removal route deletes, and a live link."""
    with app.app_context():
        candidate = builders.candidate_account()
        search = builders.job_search(candidate)
        builders.job_search(builders.candidate_account(builders.STRANGER, "Stranger"))
        profile = profiles.profile_of(candidate)
        spare_experience = experiences.add_experience(candidate, profile, experiences.ExperienceDetails("Sorted mail"))
        spare_precondition = profiles.add_precondition(candidate, profile, profiles.PreconditionDetails(
            DemandKind.QUESTION, Tier.CURIOUS, Category.CULTURE, "Who would I report to?"))
        job = db.session.get(Job, search.job_id)
        [spare_requirement] = jobs.add_requirements(candidate, job, "- A spare requirement")
        spare_job = jobs.add_job(candidate, profile, "A spare job", "- Anything")
        token = builders.shared(candidate, search)
        spare_link, _ = sharing.share(candidate, spare_job, 7)
        db.session.commit()
        ids = {"preference_id": search.preference_ids[0], "proof_id": search.proof_id,
               "experience_id": search.experience_ids[0], "spare_experience_id": spare_experience.id,
               "spare_precondition_id": spare_precondition.id, "precondition_id": search.precondition_ids[0],
               "job_id": search.job_id, "spare_job_id": spare_job.id, "requirement_id": search.requirement_ids[2],
               "spare_requirement_id": spare_requirement.id, "match_id": search.match_ids[0], "token": token,
               "spare_link_id": spare_link.id, "sign_up_token": signup.make_token("newcomer@example.net")}
        assert accounts.find_account_by_email(world.member) is not None
        db.session.remove()
    return ids


def _client(app, world, login, actor: str):
    client = app.test_client()
    email = {"candidate": builders.CANDIDATE, "stranger": builders.STRANGER, "member": world.member}.get(actor)
    return login(client, email) if email else client


@pytest.mark.parametrize("actor", ACTORS)
def test_every_candidate_route_answers_each_actor_as_expected(app, world, login, actor):
    ids = _ids(app, world)
    client = _client(app, world, login, actor)
    # Reads first, then writes, so no write changes what a later read finds.
    ordered = sorted(CANDIDATE_MATRIX.items(), key=lambda item: item[1][0] != "GET")
    mismatches = []
    for endpoint, (method, template, expected) in ordered:
        url = template.format(**ids)
        response = client.open(url, method=method)
        response.close()
        want = expected[ACTORS.index(actor)]
        if response.status_code != want:
            mismatches.append(f"{method} {url} ({endpoint}): got {response.status_code}, expected {want}")
        elif response.status_code == 302 and actor == "anonymous" and not endpoint.startswith("signup."):
            if not response.headers["Location"].startswith("/login"):
                mismatches.append(f"{endpoint}: anonymous redirected elsewhere than sign-in")
    assert not mismatches, "\n".join(mismatches)


def test_the_matrix_names_only_routes_that_exist(app):
    endpoints = {rule.endpoint: rule for rule in app.url_map.iter_rules()}
    for endpoint, (method, _, expected) in CANDIDATE_MATRIX.items():
        assert endpoint in endpoints and method in endpoints[endpoint].methods, endpoint
        assert len(expected) == len(ACTORS)
    assert {e for e in endpoints if e.startswith(("candidates.", "signup."))} == set(CANDIDATE_MATRIX)
