"""Demo data: a believable union to explore, never used in production.

Names are drawn from fixed lists with a fixed seed, so every demo looks the same
and the logins printed by `make run` always work."""

from __future__ import annotations

import base64
import dataclasses
import json
import random
import secrets
import string
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from candidates import demo as candidate_demo
from core import clock as core_clock
from core.extensions import db
from crypto import dkg, sealing
from crypto import reports as report_crypto
from crypto.group import Point, Scalar
from organizer.accounts import committee
from organizer.accounts import services as accounts
from organizer.accounts.models import Account, RoleAssignment
from organizer.ceremony import services as ceremonies
from organizer.charting import people, unions
from organizer.charting.models import BargainingUnit, Department, Person, Shift, Union
from organizer.conversations import services as conversations
from organizer.demands import services as demands
from organizer.escrow import services as escrow
from organizer.escrow.models import StoryOpening, StoryReaders
from organizer.grievances import keys as grievance_keys
from organizer.grievances import services as grievance_services
from organizer.grievances.models import DEFAULT_DAYS, Grievance, MessageKind, ProblemKind, Step
from organizer.demands.models import Basis, Category, ClaimSection, DemandKind, EmployerResponse, Tier
from organizer.roles import Role
from organizer.strength import structure_tests
from organizer.strength.models import StructureTestKind
from organizer.unit_surveys import pay as unit_pay
from organizer.unit_surveys import services as unit_surveys
from surveys import ballot_box, ceremony, definitions, tally
from surveys.ceremony import CeremonyStatus
from surveys.models import KeyMode, Survey, SurveyKind

DEMO_PASSWORD = "solidarity-forever"

DEMO_UNION = "Riverside Logistics Workers"

#: unit name -> (departments, shifts, headcount)
DEMO_UNITS: dict[str, tuple[list[str], list[str], int]] = {
    "Warehouse associates": (["Receiving", "Picking", "Packing", "Shipping"], ["Day", "Swing", "Night"], 72),
    "Drivers": (["Local delivery", "Regional"], ["Early", "Late"], 42),
    "Dispatch and office": (["Dispatch", "Customer care", "Inventory control"], ["Day", "Evening"], 36),
}

FIRST_NAMES = (
    "Amara Ana Andre Beatriz Bilal Carmen Chen Dana Darnell Deepa Diego Elena Emeka Fatima Femi Grace "
    "Hana Hector Ibrahim Imani Isabel Jamal Jasmine Jorge Kofi Lakshmi Lena Luis Malik Maria Marcus "
    "Mei Nadia Nia Omar Priya Rafael Rosa Samir Sofia Tariq Tomas Valeria Wei Yusuf Zara Keisha Pavel"
).split()

LAST_NAMES = (
    "Abara Alvarez Bauer Brooks Castillo Chowdhury Diaz Edwards Fernandez Garcia Haddad Hughes Ito "
    "Jackson Kaur Kowalski Lee Mbeki Mendoza Morales Nguyen Novak Okafor Owusu Patel Perez Quispe "
    "Ramirez Reyes Rossi Santos Silva Singh Tanaka Torres Usman Vargas Walker Williams Yilmaz Zhang"
).split()

#: (email, display name, role, unit name) for the demo logins. The warehouse has
#: enough members with accounts (7, counting the steward) for a survey with k = 5.
DEMO_LOGINS: list[tuple[str, str, Role, str | None]] = [
    ("organizer@example.org", "Rosa (organizer)", Role.ORGANIZER, None),
    ("steward@example.org", "Marcus (steward)", Role.STEWARD, "Warehouse associates"),
    *[(f"member{n}@example.org", name, Role.MEMBER, "Warehouse associates")
      for n, name in enumerate(["Night picker", "Lena", "Forklift F.", "Dock 4", "Quiet one", "Packer P."], 1)],
    ("member7@example.org", "Route 9", Role.MEMBER, "Drivers"),
    ("member8@example.org", "Dispatch D.", Role.MEMBER, "Dispatch and office"),
    # A second steward, so the union has three possible trustees and a new organizer
    # can try the survey key's ceremony (2 of 3) with the demo's own logins.
    ("steward2@example.org", "Tasha (steward)", Role.STEWARD, "Drivers"),
]


#: A job seeker in no union (candidates/): an account with no role, as signing up makes,
#: and a job search whose card one employer has opened and partly answered.
DEMO_CANDIDATE = ("candidate@example.org", "Sam (job seeker)")

#: The union's survey key: the trustees who made it together, and how many of them unlock a survey's results.
DEMO_TRUSTEES = ("organizer@example.org", "steward@example.org", "steward2@example.org")
DEMO_TRUSTEE_THRESHOLD = 2
#: The passphrase each demo trustee chose for their part of the survey key. It is
#: typed into their own browser to unlock a trustee survey's results, never sent.
DEMO_TRUSTEE_PASSPHRASE = "an injury to one"


def has_any_union() -> bool:
    return db.session.scalar(sa.select(Union.id).limit(1)) is not None


#: Progress of a long step, for a command to show: (what is being done, how many done, out of how many).
OnProgress = Callable[[str, int, int], None]

WAREHOUSE = "Warehouse associates"


def seed_demo_union() -> Union:
    rng = random.Random(2026)
    union, units = chart_demo_union(rng)
    warehouse = units[WAREHOUSE]
    organizer = _organizer_of(union)
    seed_past_pulses(rng, warehouse, organizer)
    seed_demands(rng, warehouse, organizer)
    seed_structure_tests(warehouse, organizer)
    seed_conversations(warehouse, organizer)
    seed_pay_survey(rng, warehouse, organizer)
    seed_stories(warehouse)
    seed_reports(units)
    seed_priorities_survey(rng, warehouse, organizer)
    return union


def chart_demo_union(rng: random.Random, *, warehouse_headcount: int | None = None,
                     on_progress: OnProgress | None = None) -> tuple[Union, dict[str, BargainingUnit]]:
    """The union, its units and segments, every coworker charted by the demo
    organizer, the demo logins, and the survey key the demo trustees made
    together. The warehouse may be given another headcount (the scale demo grows it)."""
    union = unions.create_union(DEMO_UNION)
    union.created_on = date(2026, 9, 1)  # set up before the pulses and actions below, which records refuse otherwise
    headcounts = {name: headcount for name, (*_, headcount) in DEMO_UNITS.items()}
    if warehouse_headcount is not None:
        headcounts[WAREHOUSE] = warehouse_headcount
    names = _unique_names(rng, sum(headcounts.values()))
    email, display_name, role, _ = DEMO_LOGINS[0]
    organizer = _create_login(email, display_name, role, union=union, person=None)
    units: dict[str, BargainingUnit] = {}
    charted: dict[str, list[Person]] = {}
    for unit_name, (department_names, shift_names, _) in DEMO_UNITS.items():
        unit = BargainingUnit(union=union, name=unit_name)
        unit.departments = [Department(name=name) for name in department_names]
        unit.shifts = [Shift(name=name) for name in shift_names]
        db.session.add(unit)
        db.session.flush()  # people name their department and shift by (sealed) id
        details = [_demo_details(rng, names.pop(), unit) for _ in range(headcounts[unit_name])]
        charted[unit_name] = chart_people(organizer, unit, details, on_progress)
        units[unit_name] = unit

    used: set[int] = set()
    for email, display_name, role, unit_name in DEMO_LOGINS[1:]:
        person = next(p for p in charted[unit_name] if p.is_member and p.id not in used)
        used.add(person.id)
        _create_login(email, display_name, role, union=union, person=person)
    _name_demo_committee_member(organizer, units[WAREHOUSE])
    seed_survey_key(union, organizer)
    seed_report_keys()
    seed_demo_candidate()
    return union, units


def seed_demo_candidate() -> Account:
    email, display_name = DEMO_CANDIDATE
    candidate = accounts.create_account(display_name=display_name, email=email, password=DEMO_PASSWORD,
                                        person=None, roles=[])
    candidate_demo.seed_job_search(candidate)
    return candidate


#: The demo login an organizer named to the warehouse's organizing committee, for their own department.
DEMO_COMMITTEE_MEMBER = "member1@example.org"


def _name_demo_committee_member(organizer: Account, unit: BargainingUnit) -> None:
    account = accounts.find_account_by_email(DEMO_COMMITTEE_MEMBER)
    person = db.session.get(Person, account.person_id)
    committee.name_to_committee(organizer, unit, account, {person.department_id or unit.departments[0].id})


#: Coworkers charted per call of the chart service: a large unit is charted in
#: batches, as an organizer importing a spreadsheet piece by piece would, so that
#: progress can be shown and no audit entry lists thousands of names.
CHARTING_BATCH = 500


def chart_people(organizer: Account, unit: BargainingUnit, details: Sequence[people.PersonDetails],
                 on_progress: OnProgress | None = None) -> list[Person]:
    """Chart coworkers through the chart service, as an organizer would. The one
    place the demos chart anyone."""
    charted: list[Person] = []
    for start in range(0, len(details), CHARTING_BATCH):
        charted += people.add_many(organizer, unit, details[start:start + CHARTING_BATCH])
        report_progress(on_progress, f"Charting {unit.name}", len(charted), len(details))
    return charted


def _create_login(email: str, display_name: str, role: Role, *, union: Union, person: Person | None) -> Account:
    if role == Role.ORGANIZER:
        assignments = [RoleAssignment(role=role, union_id=union.id)]
    else:
        assignments = [RoleAssignment(role=role, unit_id=person.unit_id)]
        if role == Role.STEWARD:  # stewards are members of their unit too
            assignments.append(RoleAssignment(role=Role.MEMBER, unit_id=person.unit_id))
    return accounts.create_account(display_name=display_name, email=email, password=DEMO_PASSWORD,
                                   person=person, roles=assignments)


def seed_survey_key(union: Union, organizer: Account) -> CeremonyStatus:
    """The union's survey key, made by DEMO_TRUSTEES (any DEMO_TRUSTEE_THRESHOLD of
    them unlock results) in a whole key ceremony through the ceremony's services,
    each trustee's part played here as their browser plays it (static/js/ceremony):
    a personal key sealed with DEMO_TRUSTEE_PASSPHRASE, a signed dealing, a check
    and a signed acknowledgement. The server keeps what it always keeps, the public
    parts and the sealed secrets; the secrets drawn here are forgotten on return.
    So every trustee survey of the demo is locked with a key nobody holds whole,
    and each trustee unlocks their part in the browser with the passphrase."""
    trustees = [accounts.find_account_by_email(email) for email in DEMO_TRUSTEES]
    started = ceremonies.start(organizer, union, [t.id for t in trustees], DEMO_TRUSTEE_THRESHOLD)
    by_ref = {accounts.account_ref(t): t for t in trustees}
    seats = {ref: ceremony.material_for(started.id, ref).trustee_index for ref in by_ref}
    secrets = {ref: Scalar.random() for ref in by_ref}
    for ref, secret in secrets.items():
        public, context = Point.base_times(secret), dkg.join_context(started.public_id, seats[ref])
        ceremonies.join(by_ref[ref], started.id, public.to_bytes(), dkg.prove_possession(secret, public, context),
                        sealing.seal_with_passphrase(secret.to_bytes(), DEMO_TRUSTEE_PASSPHRASE,
                                                     associated_data=context))
    for ref, secret in secrets.items():
        material = ceremony.material_for(started.id, ref)
        keys = [Point.from_bytes(key) for key in material.personal_keys]
        ceremonies.deal(by_ref[ref], started.id,
                        dkg.make_dealing(material.context, material.threshold, seats[ref], keys, secret).to_json())
    for ref, secret in secrets.items():
        material = ceremony.material_for(started.id, ref)
        dealings = [dkg.Dealing.from_json(dealing) for dealing in material.dealings]
        done = ceremonies.acknowledge(by_ref[ref], started.id,
                                      dkg.make_acknowledgement(material.context, dealings, seats[ref], secret))
    return done


def report_progress(on_progress: OnProgress | None, step: str, done: int, total: int) -> None:
    if on_progress is not None:
        on_progress(step, done, total)


def login_refs() -> set[str]:
    """The engine's refs of the demo logins: they answer every demo survey they
    may, so that the tour always has their results to show."""
    return {accounts.account_ref(accounts.find_account_by_email(email)) for email, *_ in DEMO_LOGINS}


def turnout(rng: random.Random, refs: Sequence[str], share: float, always: set[str]) -> list[str]:
    """Who of `refs` answers: everyone in `always`, and each other person with
    probability `share` (everyone, and no draw from `rng`, at a share of 1)."""
    return [ref for ref in refs if ref in always or share >= 1 or rng.random() < share]


def _organizer_of(union: Union):
    return next(a for a in db.session.scalars(sa.select(Account)) if a.organizes(union))


def seed_past_pulses(rng: random.Random, unit: BargainingUnit, organizer, *, turnouts: Sequence[float] = (1, 1),
                     on_progress: OnProgress | None = None) -> list[Survey]:
    """Two released rounds of the standard pulse, so results and the trend have
    something to show, answered by the demo logins and each round's share
    (`turnouts`) of the unit's other members. They run now and are then dated
    in the past (launch refuses a closing time that has passed)."""
    settings = definitions.SurveySettings(
        kind=SurveyKind.PULSE, title="Warehouse pulse", key_mode=KeyMode.SERVER_KEY,
        release_threshold=unit.union.floor_for(SurveyKind.PULSE),
        # the union's floor for comments: seven voters open none
        comment_threshold=unit.union.comment_threshold, recurrence_weeks=4)
    rounds = [(0.55, datetime(2026, 10, 1, 8), datetime(2026, 10, 8, 8)),
              (0.75, datetime(2026, 10, 29, 8), datetime(2026, 11, 5, 8))]
    first, released, always = None, [], login_refs()
    for number, ((share, opened, closed), turned_out) in enumerate(zip(rounds, turnouts, strict=True), 1):
        if first is None:
            survey = first = unit_surveys.create(organizer, unit, settings, standard_questions=True)
        else:
            survey = definitions.create_survey(first.scope, settings)
            survey.series_id, survey.round_number = first.id, number
            unit_surveys.add_standard_pulse_questions(survey)
        # The standard questions come in both languages; the title is the organizer's, written twice.
        definitions.write_wording(survey, "es", definitions.SurveyWording(title="Pulso del almacén"))
        unit_surveys.launch_for_unit(organizer, survey)
        yes_no, willing, issues, comment = survey.questions
        voters = turnout(rng, electorate_refs(unit), turned_out, always)
        for done, ref in enumerate(voters, 1):
            report_progress(on_progress, f"Pulse round {number}: ballots", done, len(voters))
            ballot_box.cast(survey, ref, {
                yes_no.id: rng.random() < share, willing.id: rng.choice([3, 4, 4, 5]),
                issues.id: rng.sample(range(len(issues.options)), 2),
                comment.id: rng.choice(["Mandatory overtime is wearing everyone down.",
                                        "We need heat in the loading bay before winter.",
                                        "Pay has not kept up with rent.", ""]),
            })
        report_progress(on_progress, f"Pulse round {number}: tally and release", 0, 1)
        tally.close(survey)
        tally.release_with_server_key(survey)
        report_progress(on_progress, f"Pulse round {number}: tally and release", 1, 1)
        survey.opens_at, survey.closes_at = opened, closed
        survey.opened_on, survey.closed_on = opened.date(), closed.date()
        released.append(survey)
    return released


def seed_demands(rng: random.Random, unit: BargainingUnit, organizer, *, endorsement_turnout: float = 1,
                 on_progress: OnProgress | None = None) -> None:
    """Profiles and demands of three warehouse members; one member's items have
    been through a released endorsement survey (answered by the other demo logins
    and a share of the unit's other members), another's await one, and the
    steward has recorded one employer answer."""
    def account(email: str) -> Account:
        return accounts.find_account_by_email(email)

    lena, picker, forklift = account("member2@example.org"), account("member1@example.org"), account("member3@example.org")
    hired = demands.add_claim(lena, demands.ClaimDetails(
        ClaimSection.HIRE, "Five years of forklift fleet safety checks before I was hired.", 2021))
    trained = demands.add_claim(lena, demands.ClaimDetails(
        ClaimSection.PERFORMANCE, "Trained the four newest hires on the sorter.", 2025, grew_from_id=hired.id))
    demands.add_claim(lena, demands.ClaimDetails(ClaimSection.NEED, "A reach-truck licence course.", None))
    pay = demands.create_demand(lena, demands.DemandDetails(
        DemandKind.DEMAND, Tier.PRIORITY, Basis.COLLECTIVE, Category.PAY,
        "Will you pay the night differential on every night shift, overtime included? From when?",
        is_attributable=True))
    licence = demands.create_demand(lena, demands.DemandDetails(
        DemandKind.DEMAND, Tier.IMPORTANT, Basis.GROWTH, Category.CAREER,
        "Will you fund the reach-truck licence for those who ask? How will their shifts be covered?",
        claim_ids=[hired.id, trained.id]))
    heat = demands.create_demand(picker, demands.DemandDetails(
        DemandKind.DEMAND, Tier.DEALBREAKER, Basis.NEEDS, Category.SECURITY_CONDITIONS,
        "Will you heat the loading bay before December? Who is responsible, and by when?"))
    demands.create_demand(forklift, demands.DemandDetails(
        DemandKind.QUESTION, Tier.CURIOUS, Basis.MARKET, Category.CULTURE,
        "How are picking-rate targets set, and who reviews them?"))
    for item in (pay, licence, hired, trained):
        demands.request_endorsement(lena, item)
    demands.launch_endorsement_survey(organizer, unit, pay.subject_ref)
    survey = db.session.get(Survey, pay.endorsement_survey_id)
    others = [ref for ref in electorate_refs(unit) if ref != accounts.account_ref(lena)]
    endorsers = turnout(rng, others, endorsement_turnout, login_refs())
    for done, ref in enumerate(endorsers, 1):
        report_progress(on_progress, "Endorsement of Lena's demands: ballots", done, len(endorsers))
        leanings = ([4, 5, 5, 4, 3], [3, 4, 2, 5, 4], [5, 5, 4, 4, 3], [4, 3, 4, 5, 4])
        ballot_box.cast(survey, ref, {q.id: rng.choice(leaning) for q, leaning in zip(survey.questions, leanings)})
    tally.close(survey)
    tally.release_with_server_key(survey)
    survey.opens_at, survey.closes_at = datetime(2026, 11, 9, 8), datetime(2026, 11, 16, 8)
    survey.opened_on, survey.closed_on = date(2026, 11, 9), date(2026, 11, 16)
    demands.request_endorsement(picker, heat)
    steward = account("steward@example.org")
    demands.record_response(steward, pay, EmployerResponse.PARTLY,
                            "Offered the differential on scheduled nights only, not on overtime.")
    nights = demands.create_demand(account("member4@example.org"), demands.DemandDetails(
        DemandKind.DEMAND, Tier.DEALBREAKER, Basis.COLLECTIVE, Category.PAY,
        "Will night shifts be paid extra, every one of them? Starting when?"))
    demands.mark_same_as(steward, nights, pay)


#: The warehouse's roles, and the one each demo login chose for itself.
DEMO_PAY_ROLES = ("Picker", "Packer", "Forklift operator", "Receiver")
DEMO_LOGIN_ROLES = {"member1@example.org": "Picker", "member2@example.org": "Picker",
                    "member3@example.org": "Forklift operator", "member4@example.org": "Picker",
                    "member5@example.org": "Packer", "member6@example.org": "Packer",
                    "steward@example.org": "Receiver"}


def seed_pay_survey(rng: random.Random, unit: BargainingUnit, organizer) -> Survey:
    """The standard pay survey, answered by the warehouse's members with accounts and released.

    Seven members with accounts are too few to show any role on its own with k = 5
    (the largest role, three pickers, is under k, and folding roles together would
    leave "Other" below k): honestly, only the whole warehouse's pay is released,
    and that is what Lena's pay demand is shown with. Their roles were chosen today,
    so a launch now would count them in the whole only anyway (the freeze)."""
    unit_pay.declare_roles(organizer, unit, DEMO_PAY_ROLES)
    for email, role in DEMO_LOGIN_ROLES.items():
        unit_pay.choose_role(accounts.find_account_by_email(email), role)
    # The server unlocks it, as the demo's pulses: the trustees' part is done in their browsers.
    details = dataclasses.replace(unit_pay.standard_details(unit), key_mode=KeyMode.SERVER_KEY, trustee_threshold=None)
    survey = unit_pay.create_pay_survey(organizer, unit, details, standard_words=True)
    unit_pay.launch_pay_survey(organizer, survey)
    band, tenure, hours = survey.questions
    for ref in electorate_refs(unit):
        ballot_box.cast(survey, ref, {band.id: rng.choice([3, 4, 4, 5, 5, 6, 7, 9]),
                                      tenure.id: rng.randrange(len(tenure.options)),
                                      hours.id: rng.choice([2, 3, 3, 3])})
    tally.close(survey)
    tally.release_with_server_key(survey)
    survey.opens_at, survey.closes_at = datetime(2026, 11, 19, 8), datetime(2026, 11, 26, 8)
    survey.opened_on, survey.closed_on = date(2026, 11, 19), date(2026, 11, 26)
    return survey


#: Each warehouse member's ranking in the bargaining priorities survey (the categories, first place
#: first; the electorate's refs in order, round again if there are more). Safety and conditions
#: come before pay, which the summary's scores alone put first (pay's combined demands outscore
#: the dealbreaker on the heat): the members' order visibly decides. Then scheduling, then respect
#: on the floor (culture).
DEMO_PRIORITY_RANKINGS = (
    (Category.SECURITY_CONDITIONS, Category.PAY, Category.SCHEDULING),
    (Category.PAY, Category.SECURITY_CONDITIONS, Category.CULTURE),
    (Category.SECURITY_CONDITIONS, Category.SCHEDULING, Category.PAY),
    (Category.PAY, Category.SECURITY_CONDITIONS, Category.SCHEDULING),
    (Category.SECURITY_CONDITIONS, Category.CULTURE, Category.PAY),
    (Category.PAY, Category.SCHEDULING, Category.SECURITY_CONDITIONS),
    (Category.SCHEDULING, Category.SECURITY_CONDITIONS, Category.CAREER),
)
#: How satisfied the warehouse is today with each category (1 to 5, or "can't say"), drawn per member.
DEMO_SATISFACTION = {
    Category.PAY: (1, 2, 2, 3), Category.BENEFITS: (2, 3, 3, 4), Category.SCHEDULING: (2, 2, 3),
    Category.SECURITY_CONDITIONS: (1, 1, 2), Category.CAREER: (2, 3, 3, 4),
    Category.REPRESENTATION: (2, 3, ballot_box.CANT_SAY), Category.CULTURE: (2, 2, 3),
    Category.DEIA: (3, 4, ballot_box.CANT_SAY), Category.HIRING: (3, 3, 4, ballot_box.CANT_SAY),
}


def seed_priorities_survey(rng: random.Random, unit: BargainingUnit, organizer) -> Survey:
    """The question bank's bargaining priorities, answered by the unit's members with accounts
    (DEMO_PRIORITY_RANKINGS), closed and released, and dated in the past: the bargaining summary,
    prepared as the seed commits, follows its order."""
    survey = unit_surveys.start_standard_survey(organizer, unit, "bargaining")
    # The server unlocks it, as the demo's pulses: the trustees' part is done in their browsers.
    unit_surveys.switch_to_server_key(organizer, survey)
    unit_surveys.launch_for_unit(organizer, survey)
    ranked, *satisfaction, comment = survey.questions
    options = list(Category)
    for number, ref in enumerate(electorate_refs(unit)):
        ranking = DEMO_PRIORITY_RANKINGS[number % len(DEMO_PRIORITY_RANKINGS)]
        ballot_box.cast(survey, ref, {
            ranked.id: [options.index(category) for category in ranking],
            **{question.id: rng.choice(DEMO_SATISFACTION[category])
               for question, category in zip(satisfaction, Category, strict=True)},
            comment.id: rng.choice(["The heat on nights comes before anything else.",
                                    "Nights should pay more, overtime included.", "", ""]),
        })
    tally.close(survey)
    tally.release_with_server_key(survey)
    survey.opens_at, survey.closes_at = datetime(2026, 11, 23, 8), datetime(2026, 11, 30, 8)
    survey.opened_on, survey.closed_on = date(2026, 11, 23), date(2026, 11, 30)
    return survey


def seed_stories(unit: BargainingUnit) -> None:
    """A story of the unit kept in escrow by member1@, for everyone in the unit, locked with
    the demo's survey key until 30 days from now, when its trustees open it together."""
    author = accounts.find_account_by_email("member1@example.org")
    escrow.save_story(author, unit.union, escrow.StoryDetails(
        title="How [Lena] got the fans back on nights",
        text="On the third hot night [Lena] took the petition down every aisle. Forty-one of us signed before "
             "the break.\n\nThe next Monday the fans were on, and they stayed on.",
        hidden_names=(), unit_id=unit.id, readers=StoryReaders.UNIT, reader_ids=(), opening=StoryOpening.ON_DATE,
        opens_on=escrow.union_today(unit.union.time_zone) + timedelta(days=30)))


#: The passphrase the demo stewards chose for their key for members' reports, and the demo members for
#: each report they sent: the demo password, so that one secret opens everything in the tour.
DEMO_REPORT_PASSPHRASE = DEMO_PASSWORD
#: The demo stewards who made a key for members' reports (steward@ for the warehouse, steward2@ for the drivers).
DEMO_REPORT_STEWARDS = ("steward@example.org", "steward2@example.org")
#: The passphrase is printed for anyone to read, so its scrypt cost protects nothing here: the cheapest the
#: format accepts keeps the seed and the browser's unlocking quick. Same format, opened by the same pages.
DEMO_REPORT_SCRYPT = sealing.ScryptParams(log2_n=14)


def _made_report_key(context: bytes) -> grievance_keys.MadeKey:
    """A personal key as the reports' pages make it in the browser (static/js/grievances): a secret, its
    proof of possession, and the secret sealed with DEMO_REPORT_PASSPHRASE; the secret is forgotten here."""
    secret = Scalar.random()
    public = Point.base_times(secret)
    sealed = sealing.seal_with_passphrase(secret.to_bytes(), DEMO_REPORT_PASSPHRASE, associated_data=context,
                                          params=DEMO_REPORT_SCRYPT)
    return grievance_keys.MadeKey(public.to_bytes(), report_crypto.prove_possession(secret, public, context), sealed)


def seed_report_keys() -> None:
    """Each of DEMO_REPORT_STEWARDS makes their key for members' reports, through the key page's service."""
    for email in DEMO_REPORT_STEWARDS:
        steward = accounts.find_account_by_email(email)
        grievance_keys.make_key(steward, _made_report_key(grievance_keys.key_context(steward)))


#: (member, unit, kind, what, when ("day", "month" or "none": it keeps happening), how many others,
#:  what they want, the name they gave or None (anonymous to the steward), days ago it was filed,
#:  (days ago investigating began, the steward's answer) or None): the demo's reports.
DEMO_REPORTS = (
    ("member1@example.org", WAREHOUSE, ProblemKind.SAFETY_AND_HEALTH,
     "The fans in bay 3 are off on nights again. By the second break it was over 30 degrees by the racks, and "
     "two of us felt dizzy.", "month", 12, "Fans on every night shift, and water at the dock doors.", None, 9,
     (6, "Thank you for telling us. I asked facilities for the bay's temperature log; I will tell you here what "
         "it says, and we can file at step 1 from there.")),
    ("member3@example.org", WAREHOUSE, ProblemKind.WAGE_AND_HOUR,
     "My last two pay stubs are missing the Saturday overtime, about six hours each week.", "day", 3,
     "Pay the hours owed, and fix the timeclock at the east door.", "Forklift F.", 2, None),
    ("member7@example.org", "Drivers", ProblemKind.SCHEDULING,
     "Routes are posted the night before, so none of us can plan childcare. The contract says a week ahead.",
     "none", 20, "Post the routes a week ahead, as the contract says.", None, 4, None),
)


def _sealed_for(grievance: Grievance, kind: MessageKind, text: str) -> bytes:
    """A message as a browser seals it: to the unit's stewards' keys, then the member's key for the report."""
    to = [Point.from_bytes(key) for key in grievance_services.recipients_of(grievance.unit, grievance.member_key)]
    return report_crypto.seal_message(to, text, grievance_services.context_of(grievance, kind))


def _when(kind: str, day: date) -> str:
    """A report's "when" as the form writes it: a day, a month, or nothing when it keeps happening."""
    return {"day": day.isoformat(), "month": day.isoformat()[:7]}.get(kind, "")


def _backdate(grievance: Grievance, days_ago: int) -> None:
    """The report as filed `days_ago` (the service files it today), with the deadline the rules give."""
    filed_on = core_clock.today() - timedelta(days=days_ago)
    grievance.filed_on = grievance.step_on = grievance.messages[0].sent_on = grievance.steps[0].began_on = filed_on
    grievance.due_on = grievance.steps[0].due_on = filed_on + timedelta(days=DEFAULT_DAYS[Step.RECEIVED])


def seed_reports(units: dict[str, BargainingUnit]) -> list[Grievance]:
    """DEMO_REPORTS, each sealed as the member's browser seals it (to the unit's stewards' keys and a key of
    the member's own, whose secret is sealed with DEMO_REPORT_PASSPHRASE) and filed through the service; the
    first one answered and moved to investigating by its steward."""
    filed = []
    for email, unit_name, kind, what, when_kind, others, wanted, name, days_ago, answered in DEMO_REPORTS:
        member, unit = accounts.find_account_by_email(email), units[unit_name]
        report_id = secrets.token_hex(16)
        member_key = _made_report_key(report_crypto.member_key_context(report_id))
        when = _when(when_kind, core_clock.today() - timedelta(days=days_ago + 3))
        text = json.dumps({"v": 1, "kind": "report", "what": what, "when": when, "others": others, "wanted": wanted,
                           "name": name, "contact": None, "reply_key": base64.b64encode(member_key.public_key).decode()})
        to = [Point.from_bytes(s.public_key) for s in grievance_keys.stewards_on_key(unit)]
        envelope = report_crypto.seal_message([*to, Point.from_bytes(member_key.public_key)], text,
                                              report_crypto.message_context(report_id, MessageKind.REPORT.value))
        grievance = grievance_services.file_report(member, unit, grievance_services.Filing(
            report_id, kind.value, envelope, member_key))
        _backdate(grievance, days_ago)
        if answered is not None:
            began_days_ago, reply_text = answered
            steward_account = db.session.get(Account, grievance_keys.stewards_on_key(unit)[0].account_id)
            began_on = core_clock.today() - timedelta(days=began_days_ago)
            reply = grievance_services.reply(steward_account, grievance, _sealed_for(
                grievance, MessageKind.REPLY, json.dumps({"v": 1, "kind": "reply", "text": reply_text})))
            reply.sent_on = began_on
            grievance_services.move(steward_account, grievance, grievance_services.StepChange(
                Step.INVESTIGATING.value, began_on, None))
        # Told already: the demo starts with nothing waiting in anyone's email.
        for item in (*grievance.messages, *grievance.steps):
            item.is_announced = True
        filed.append(grievance)
    db.session.flush()
    return filed


def seed_structure_tests(unit: BargainingUnit, organizer) -> None:
    """A majority petition that carried, and a gear day that fell short of its 60%."""
    structure_tests.record(organizer, unit, structure_tests.ActionDetails(StructureTestKind.PETITION, date(2026, 10, 20), 40))
    structure_tests.record(organizer, unit, structure_tests.ActionDetails(StructureTestKind.GEAR_DAY, date(2026, 11, 12), 38))


#: (coworker, days ago, issues, where they stand after, note, next step, due in days): a few
#: one-on-ones in the warehouse, so that coworker pages, the unit's counts and the
#: organizer's home (one step overdue, one due this week) have something to show.
DEMO_TALKS = (
    (0, 34, ("pay",), 3, "First talk at break. Unsure; has heard the union costs more than it wins.", None, None),
    (0, 4, ("scheduling", "pay"), 2, "Mandatory overtime three weekends running. Would sign a petition.",
     "Bring a union card to sign", -2),
    (1, 9, ("security_conditions",), 1, "Ready to help: will talk to the night crew about the heat in the bay.",
     "Invite to the next committee meeting", 3),
    (2, 21, ("career", "culture"), 3, "Wants the reach-truck course; worried about being seen with us.", None, None),
    (3, 45, ("representation",), 4, "Thinks a union would slow promotions down.", None, None),
)


def seed_conversations(unit: BargainingUnit, organizer) -> None:
    """DEMO_TALKS, recorded by the demo organizer through the service, and a follow-up already done."""
    today = conversations.union_today(unit.union)
    coworkers = list(db.session.scalars(sa.select(Person).where(Person.unit_id == unit.id).order_by(Person.id)))
    for who, days_ago, issues, after, note, step, due_in in DEMO_TALKS:
        next_step = conversations.NextStep(step, organizer.id, today + timedelta(days=due_in)) if step else None
        conversations.record_conversation(organizer, coworkers[who], conversations.ConversationDetails(
            held_on=today - timedelta(days=days_ago), held_by_id=organizer.id, issues=issues,
            assessment_after=after, note=note, next_step=next_step))
    done = conversations.add_follow_up(organizer, coworkers[2], conversations.NextStep(
        "Send the reach-truck course dates", organizer.id, today - timedelta(days=1)))
    conversations.mark_done(organizer, done)


def electorate_refs(unit: BargainingUnit) -> list[str]:
    return sorted(unit_surveys.electorate(unit).voters)


def _unique_names(rng: random.Random, count: int) -> list[str]:
    pairs = [f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES]
    if count > len(pairs):  # a large unit: middle initials tell the many more apart
        pairs += [f"{first} {initial}. {last}" for initial in string.ascii_uppercase
                  for first in FIRST_NAMES for last in LAST_NAMES]
    return rng.sample(pairs, count)


def _demo_details(rng: random.Random, name: str, unit: BargainingUnit) -> people.PersonDetails:
    assessment = rng.choices([0, 1, 2, 3, 4, 5], weights=[10, 12, 26, 28, 14, 10])[0]
    is_member = assessment in (1, 2) or (assessment == 3 and rng.random() < 0.3)
    address = ".".join(part.rstrip(".") for part in name.lower().split())
    return people.PersonDetails(
        name=name,
        department_id=rng.choice(unit.departments).id,
        shift_id=rng.choice(unit.shifts).id,
        assessment=assessment,
        is_member=is_member,
        card_signed_on=date(2026, 9, 1) + timedelta(days=rng.randrange(80)) if is_member else None,
        email=f"{address}@example.net" if rng.random() < 0.7 else None,
        phone=f"+1 555 01{rng.randrange(100):02d}" if rng.random() < 0.5 else None,
        notes=rng.choice([None, None, "Talked at break; worried about mandatory overtime.",
                          "Trains new hires; respected on the floor.", "Asked about the pay scale."]),
    )


def logins_text() -> str:
    lines = [f"Demo logins (password for all: {DEMO_PASSWORD}):"]
    for email, display_name, role, unit_name in DEMO_LOGINS:
        scope = f" of {unit_name}" if unit_name else f" of {DEMO_UNION}"
        lines.append(f"  {role.value:9} {email:24} {display_name}{scope}")
    name = next(display_name for email, display_name, *_ in DEMO_LOGINS if email == DEMO_COMMITTEE_MEMBER)
    lines.append(f"  {Role.COMMITTEE.value:9} {DEMO_COMMITTEE_MEMBER:24} {name}, also a committee member for their "
                 f"own department of {WAREHOUSE}")
    lines.append(f"  {'candidate':9} {DEMO_CANDIDATE[0]:24} {DEMO_CANDIDATE[1]}, in no union: a job search whose card "
                 f"one employer has opened and partly answered (make a new link on the job's page to open it as "
                 f"the employer)")
    stewards = " and ".join(email.split("@")[0] for email in DEMO_REPORT_STEWARDS)
    lines.append(f"Reports from members: {stewards} each made their key for them; they open members' reports on "
                 f"their unit's Reports page with the passphrase: {DEMO_REPORT_PASSPHRASE}")
    trustees = ", ".join(email.split("@")[0] for email in DEMO_TRUSTEES)
    lines.append(f"Survey key: {DEMO_TRUSTEE_THRESHOLD} of {len(DEMO_TRUSTEES)} trustees ({trustees}) unlock a "
                 f"trustee survey's results, each in their own browser, with the passphrase: "
                 f"{DEMO_TRUSTEE_PASSPHRASE}")
    return "\n".join(lines)


def may_seed(command: str, if_empty: bool) -> bool:
    """Whether a demo command should seed now: never under production, and only
    into a database without a union (with `--if-empty`, an existing one is left
    alone rather than refused)."""
    if not current_app.config["ALLOW_DEMO_SEED"]:
        raise click.ClickException(f"{command} refuses to run under the production configuration.")
    if has_any_union():
        if not if_empty:
            raise click.ClickException(f"The database already holds a union; {command} only fills an empty one.")
        click.echo("Demo data already present.")
        return False
    return True


@click.command("seed-demo")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Do nothing (but print the logins) when any union exists.")
def seed_demo(if_empty: bool) -> None:
    """Create a believable demo union with charted coworkers and demo accounts."""
    if may_seed("seed-demo", if_empty):
        seed_demo_union()
        db.session.commit()
        click.echo("Demo union created.")
    click.echo(logins_text())
