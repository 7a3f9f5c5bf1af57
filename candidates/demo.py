"""A demo job search: a candidate who is not looking (their leverage), with weighted
preferences, coaching work besides a job, experiences told without employers (one
of which still names one, so the warning shows), questions for employers, and one
job whose card was shared and partly answered. The demo seed (organizer/demo.py)
makes the account, since accounts are organizer/'s, and hands it here."""

from __future__ import annotations

from candidates import experiences, jobs, profiles, sharing
from candidates.models import IncomeBand, LookingStatus, PreferenceAspect, ProofKind
from core.extensions import db
from ontology import Category, DemandKind, EmployerResponse, Tier

PREFERENCES = [
    (PreferenceAspect.PAY_FLOOR, Tier.DEALBREAKER, "At least 27 an hour"),
    (PreferenceAspect.SCHEDULE, Tier.DEALBREAKER, "Days only: no nights, no rotating shifts"),
    (PreferenceAspect.JOB_TYPE, Tier.PRIORITY, "Warehouse lead, or training new hires"),
    (PreferenceAspect.COMMUTE, Tier.IMPORTANT, "Within 40 minutes by bus"),
    (PreferenceAspect.SKILL, Tier.IMPORTANT, "Training people on safe forklift work"),
    (PreferenceAspect.WORK_PLACE, Tier.NICE_TO_HAVE, "On site is fine; paperwork from home now and then"),
]

EXPERIENCES = [
    experiences.ExperienceDetails(
        what="Ran the night loading dock: planned the crew, the doors and the truck order",
        achieved="Missed trucks went from about five a week to one", skills="scheduling, forklift, radio dispatch",
        scale="a crew of 6, 40 trucks a night", years=3),
    experiences.ExperienceDetails(
        what="Trained new hires on the sorter and on forklift safety", achieved="No lost-time injury in two years",
        skills="training, forklift, safety checks", scale="about 25 new hires a year", years=2),
    experiences.ExperienceDetails(
        what="Kept stock counts for a busy season at Northwind Traders",
        achieved="Count differences under half a percent", skills="inventory, spreadsheets", years=1),
]

PRECONDITIONS = [
    profiles.PreconditionDetails(DemandKind.DEMAND, Tier.DEALBREAKER, Category.PAY,
                                 "Will you put the hourly pay and the schedule in the offer letter?"),
    profiles.PreconditionDetails(DemandKind.DEMAND, Tier.PRIORITY, Category.CAREER,
                                 "Will you pay for the forklift trainer course within the first year?"),
    profiles.PreconditionDetails(DemandKind.QUESTION, Tier.CURIOUS, Category.SECURITY_CONDITIONS,
                                 "How many people left this job in the last year, and why?"),
]

JOB_TITLE = "Shift lead, parcel hub"

LISTING = """What you'll bring:
- Two years or more leading a warehouse crew
- Forklift certification
- Experience training new staff
- Comfortable with a warehouse management system
- Available on weekends"""

#: Which experience (by its place above) meets which requirement (by its place in the listing), and how.
MATCHES = [
    (0, 0, "Led a crew of six on the night dock for three years."),
    (1, 1, "Certified, and I train others to the same standard."),
    (1, 2, "Trained about 25 new hires a year on the sorter and forklifts."),
    (2, 3, "Kept the season's counts in the stock system, with few differences."),
]


def seed_job_search(actor: profiles.Actor) -> None:
    """The whole demo search for `actor` (an account with no union role)."""
    profile = profiles.set_looking(actor, LookingStatus.NOT_LOOKING)
    for aspect, tier, text in PREFERENCES:
        profiles.add_preference(actor, profile, profiles.PreferenceDetails(aspect, tier, text))
    profiles.add_proof(actor, profile, profiles.ProofDetails(
        ProofKind.COACHING, "Forklift safety coaching for small warehouses, on weekends", IncomeBand.UP_TO_2000,
        size="about 30 people trained a year", duration="four years"))
    written = [experiences.add_experience(actor, profile, details) for details in EXPERIENCES]
    for details in PRECONDITIONS:
        profiles.add_precondition(actor, profile, details)
    job = jobs.add_job(actor, profile, JOB_TITLE, LISTING)
    for experience, requirement, how in MATCHES:
        jobs.map_requirement(actor, job.requirements[requirement], written[experience], how)
    jobs.set_contact(actor, job, "sam.jobs@example.net")
    link, _ = sharing.share(actor, job, 14)
    sharing.answer(link, profile.preconditions[0], EmployerResponse.PARTLY,
                   "The pay, yes. The schedule can change with the season.")
    sharing.count_view(link)
    db.session.flush()
