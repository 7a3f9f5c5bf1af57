"""Demo data: a believable union to explore, never used in production.

Names are drawn from fixed lists with a fixed seed, so every demo looks the same
and the logins printed by `make run` always work."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from core.extensions import db
from organizer.accounts import services as accounts
from organizer.accounts.models import Account, RoleAssignment
from organizer.charting import unions
from organizer.charting.models import BargainingUnit, Department, Person, Shift, Union
from organizer.demands import services as demands
from organizer.demands.models import Basis, Category, ClaimSection, DemandKind, EmployerResponse, Tier
from organizer.roles import Role
from organizer.strength import structure_tests
from organizer.strength.models import StructureTestKind
from organizer.unit_surveys import services as unit_surveys
from surveys import ballot_box, definitions, tally
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
]


def has_any_union() -> bool:
    return db.session.scalar(sa.select(Union.id).limit(1)) is not None


def seed_demo_union() -> Union:
    rng = random.Random(2026)
    union = unions.create_union(DEMO_UNION)
    union.created_on = date(2026, 9, 1)  # set up before the pulses and actions below, which records refuse otherwise
    names = _unique_names(rng, sum(headcount for *_, headcount in DEMO_UNITS.values()))
    units: dict[str, BargainingUnit] = {}
    for unit_name, (department_names, shift_names, headcount) in DEMO_UNITS.items():
        unit = BargainingUnit(union=union, name=unit_name)
        unit.departments = [Department(name=name) for name in department_names]
        unit.shifts = [Shift(name=name) for name in shift_names]
        db.session.add(unit)
        db.session.flush()  # people name their department and shift by (sealed) id
        for _ in range(headcount):
            unit.people.append(_demo_person(rng, names.pop(), unit))
        units[unit_name] = unit
    db.session.flush()

    used: set[int] = set()
    for email, display_name, role, unit_name in DEMO_LOGINS:
        if role == Role.ORGANIZER:
            person, assignments = None, [RoleAssignment(role=role, union_id=union.id)]
        else:
            unit = units[unit_name]
            person = next(p for p in unit.people if p.is_member and p.id not in used)
            used.add(person.id)
            assignments = [RoleAssignment(role=role, unit_id=unit.id)]
            if role == Role.STEWARD:  # stewards are members of their unit too
                assignments.append(RoleAssignment(role=Role.MEMBER, unit_id=unit.id))
        accounts.create_account(display_name=display_name, email=email, password=DEMO_PASSWORD,
                                person=person, roles=assignments)
    _seed_past_pulses(rng, units["Warehouse associates"], organizer=_organizer_of(union))
    _seed_demands(rng, units["Warehouse associates"], organizer=_organizer_of(union))
    _seed_structure_tests(units["Warehouse associates"], organizer=_organizer_of(union))
    return union


def _organizer_of(union: Union):
    return next(a for a in db.session.scalars(sa.select(Account)) if a.organizes(union))


def _seed_past_pulses(rng: random.Random, unit: BargainingUnit, organizer) -> None:
    """Two released rounds of the standard pulse, so results and the trend have
    something to show. They run now and are then dated in the past (launch
    refuses a closing time that has passed)."""
    settings = definitions.SurveySettings(
        kind=SurveyKind.PULSE, title="Warehouse pulse", key_mode=KeyMode.SERVER_KEY,
        release_threshold=unit.union.floor_for(SurveyKind.PULSE),
        # the union's floor for comments: seven voters open none
        comment_threshold=unit.union.comment_threshold, recurrence_weeks=4)
    rounds = [(0.55, datetime(2026, 10, 1, 8), datetime(2026, 10, 8, 8)),
              (0.75, datetime(2026, 10, 29, 8), datetime(2026, 11, 5, 8))]
    first = None
    for number, (share, opened, closed) in enumerate(rounds, 1):
        if first is None:
            survey = first = unit_surveys.create(organizer, unit, settings, standard_questions=True)
        else:
            survey = definitions.create_survey(first.scope, settings)
            survey.series_id, survey.round_number = first.id, number
            unit_surveys.add_standard_pulse_questions(survey)
        unit_surveys.launch_for_unit(organizer, survey, [])
        yes_no, willing, issues, comment = survey.questions
        for ref in _electorate_refs(unit):
            ballot_box.cast(survey, ref, {
                yes_no.id: rng.random() < share, willing.id: rng.choice([3, 4, 4, 5]),
                issues.id: rng.sample(range(len(issues.options)), 2),
                comment.id: rng.choice(["Mandatory overtime is wearing everyone down.",
                                        "We need heat in the loading bay before winter.",
                                        "Pay has not kept up with rent.", ""]),
            })
        tally.close(survey)
        tally.release_with_server_key(survey)
        survey.opens_at, survey.closes_at = opened, closed
        survey.opened_on, survey.closed_on = opened.date(), closed.date()


def _seed_demands(rng: random.Random, unit: BargainingUnit, organizer) -> None:
    """Profiles and demands of three warehouse members; one member's items have
    been through a released endorsement survey, another's await one, and the
    steward has recorded one employer answer."""
    def account(email: str) -> Account:
        return accounts.find_account_by_email(email)

    lena, picker, forklift = account("member2@example.org"), account("member1@example.org"), account("member3@example.org")
    hired = demands.add_claim(lena, demands.ClaimDetails(
        ClaimSection.HIRE, "Five years of forklift fleet safety checks before I was hired.", 2021))
    trained = demands.add_claim(lena, demands.ClaimDetails(
        ClaimSection.PERFORMANCE, "Trained the four newest hires on the sorter.", 2025))
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
    for ref in sorted(unit_surveys.electorate(unit).voters):
        if ref == accounts.account_ref(lena):
            continue
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


def _seed_structure_tests(unit: BargainingUnit, organizer) -> None:
    """A majority petition that carried, and a gear day that fell short of its 60%."""
    structure_tests.record(organizer, unit, structure_tests.ActionDetails(StructureTestKind.PETITION, date(2026, 10, 20), 40))
    structure_tests.record(organizer, unit, structure_tests.ActionDetails(StructureTestKind.GEAR_DAY, date(2026, 11, 12), 38))


def _electorate_refs(unit: BargainingUnit) -> list[str]:
    return sorted(unit_surveys.electorate(unit).voters)


def _unique_names(rng: random.Random, count: int) -> list[str]:
    pairs = [f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES]
    return rng.sample(pairs, count)


def _demo_person(rng: random.Random, name: str, unit: BargainingUnit) -> Person:
    assessment = rng.choices([0, 1, 2, 3, 4, 5], weights=[10, 12, 26, 28, 14, 10])[0]
    is_member = assessment in (1, 2) or (assessment == 3 and rng.random() < 0.3)
    first, last = name.lower().split()
    return Person(
        name=name,
        department_id=rng.choice(unit.departments).id,
        shift_id=rng.choice(unit.shifts).id,
        assessment=assessment,
        is_member=is_member,
        card_signed_on=date(2026, 9, 1) + timedelta(days=rng.randrange(80)) if is_member else None,
        email=f"{first}.{last}@example.net" if rng.random() < 0.7 else None,
        phone=f"+1 555 01{rng.randrange(100):02d}" if rng.random() < 0.5 else None,
        notes=rng.choice([None, None, "Talked at break; worried about mandatory overtime.",
                          "Trains new hires; respected on the floor.", "Asked about the pay scale."]),
    )


def logins_text() -> str:
    lines = [f"Demo logins (password for all: {DEMO_PASSWORD}):"]
    for email, display_name, role, unit_name in DEMO_LOGINS:
        scope = f" of {unit_name}" if unit_name else f" of {DEMO_UNION}"
        lines.append(f"  {role.value:9} {email:24} {display_name}{scope}")
    return "\n".join(lines)


@click.command("seed-demo")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Do nothing (but print the logins) when any union exists.")
def seed_demo(if_empty: bool) -> None:
    """Create a believable demo union with charted coworkers and demo accounts."""
    if not current_app.config["ALLOW_DEMO_SEED"]:
        raise click.ClickException("seed-demo refuses to run under the production configuration.")
    if has_any_union():
        if not if_empty:
            raise click.ClickException("The database already holds a union; seed-demo only fills an empty one.")
        click.echo("Demo data already present.")
    else:
        seed_demo_union()
        db.session.commit()
        click.echo("Demo union created.")
    click.echo(logins_text())
