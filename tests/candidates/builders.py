"""A job search built through the real services, for the candidates' tests: its ids
and words, and the accounts that hold one. Call inside an app context; the
builders flush, and the caller commits when a request must see the data."""

from __future__ import annotations

from dataclasses import dataclass

from candidates import experiences, jobs, profiles, sharing
from candidates.models import IncomeBand, Job, LookingStatus, PreferenceAspect, ProofKind
from core.extensions import db
from organizer.accounts import services as accounts
from organizer.accounts.models import Account
from ontology import Category, DemandKind, Tier
from tests.factories import PASSWORD

CANDIDATE = "candidate@example.org"
STRANGER = "stranger@example.org"

#: Words of the test search, each findable (or not) in a page or in the raw database.
WORDS = {
    "preference_pay": "At least 31 an hour, zinnia",
    "preference_place": "Anywhere near the quarry, heliotrope",
    "preference_schedule": "Four long days, marigold",
    "proof": "Bicycle repair for neighbours, cobalt",
    "proof_size": "about 70 bicycles a season, vermilion",
    "experience_dock": "Ran the night dock with a crew of six, saffron",
    "experience_dock_result": "Missed trucks fell from five a week to one, indigo",
    "experience_training": "Trained new hires on the sorter, chartreuse",
    "experience_stock": "Kept stock counts through a busy season, magenta",
    "requirement_lead": "Two years leading a crew, umber",
    "requirement_forklift": "Forklift certification, ochre",
    "requirement_weekends": "Available on weekends, sienna",
    "how_lead": "Led six people on nights for three years, cerulean",
    "how_forklift": "Certified and I train others, viridian",
    "precondition_pay": "Will you put the pay in the offer letter, amaranth?",
    "question_turnover": "How many people left this job last year, celadon?",
    "job_title": "Shift lead at the hub, periwinkle",
    "contact": "reach.me.privately@example.net",
}


@dataclass(frozen=True)
class Search:
    account_id: int
    profile_id: int
    job_id: int
    #: The job's requirements: lead (met by the dock), forklift (met by training), weekends (not met).
    requirement_ids: tuple[int, int, int]
    #: dock, training, stock.
    experience_ids: tuple[int, int, int]
    match_ids: tuple[int, int]
    #: precondition (a dealbreaker) and question (curious).
    precondition_ids: tuple[int, int]
    preference_ids: tuple[int, ...]
    proof_id: int


def candidate_account(email: str = CANDIDATE, display_name: str = "Job seeker") -> Account:
    """An account with no union role, as signing up makes."""
    return accounts.create_account(display_name=display_name, email=email, password=PASSWORD, person=None, roles=[])


def job_search(actor: Account) -> Search:
    profile = profiles.set_looking(actor, LookingStatus.OPEN_TO_OFFERS)
    # Added lightest first: the card must reorder them, not keep the order of writing.
    preferences = [profiles.add_preference(actor, profile, profiles.PreferenceDetails(aspect, tier, WORDS[key]))
                   for aspect, tier, key in [
                       (PreferenceAspect.LOCATION, Tier.NICE_TO_HAVE, "preference_place"),
                       (PreferenceAspect.SCHEDULE, Tier.IMPORTANT, "preference_schedule"),
                       (PreferenceAspect.PAY_FLOOR, Tier.DEALBREAKER, "preference_pay")]]
    proof = profiles.add_proof(actor, profile, profiles.ProofDetails(
        ProofKind.FREELANCE, WORDS["proof"], IncomeBand.UNDER_500, size=WORDS["proof_size"], duration="two years"))
    dock, training, stock = (experiences.add_experience(actor, profile, details) for details in [
        experiences.ExperienceDetails(WORDS["experience_dock"], WORDS["experience_dock_result"], "forklift, radio",
                                      "a crew of 6", 3),
        experiences.ExperienceDetails(WORDS["experience_training"], skills="training", years=2),
        experiences.ExperienceDetails(WORDS["experience_stock"], years=1)])
    question = profiles.add_precondition(actor, profile, profiles.PreconditionDetails(
        DemandKind.QUESTION, Tier.CURIOUS, Category.SECURITY_CONDITIONS, WORDS["question_turnover"]))
    precondition = profiles.add_precondition(actor, profile, profiles.PreconditionDetails(
        DemandKind.DEMAND, Tier.DEALBREAKER, Category.PAY, WORDS["precondition_pay"]))
    job = jobs.add_job(actor, profile, WORDS["job_title"], "\n".join(
        f"- {WORDS[key]}" for key in ("requirement_lead", "requirement_forklift", "requirement_weekends")))
    lead, forklift, weekends = job.requirements
    matches = (jobs.map_requirement(actor, lead, dock, WORDS["how_lead"]),
               jobs.map_requirement(actor, forklift, training, WORDS["how_forklift"]))
    jobs.set_contact(actor, job, WORDS["contact"])
    return Search(account_id=actor.id, profile_id=profile.id, job_id=job.id,
                  requirement_ids=(lead.id, forklift.id, weekends.id),
                  experience_ids=(dock.id, training.id, stock.id), match_ids=(matches[0].id, matches[1].id),
                  precondition_ids=(precondition.id, question.id), preference_ids=tuple(p.id for p in preferences),
                  proof_id=proof.id)


def shared(actor: Account, search: Search, days: int = 14) -> str:
    """A live link to the search's job card: its token."""
    _, token = sharing.share(actor, db.session.get(Job, search.job_id), days)
    return token
