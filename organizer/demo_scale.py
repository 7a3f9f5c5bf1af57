"""The demo at the size of a large workplace: `flask seed-scale N` seeds the
demo union with N coworkers charted in its warehouse, for trying the pages and
timing them (`bench/pages.py`) where a unit of thousands makes them slow.

Beside the ordinary demo's story, the warehouse gets what such a unit has:
about a fifth of its coworkers are members with accounts, most of whom
answered each of the two released pulse rounds with real encrypted ballots
(through the ballot box, tallied and released with the server key like any
survey), and some of whom weighed in on endorsements; about three in ten
account holders have written a demand, and a few of those demands went
through endorsement surveys of their own. A fifth of the coworkers have been
spoken with one on one (most by the demo organizer, those of the committee
member's department by them too), and a tenth have a follow-up, a quarter of
them done.

Every seeded account is a demo account: they all sign in with the demo
password, and they share one hash of it, made once. `accounts.create_account`
would hash each password with the real key-derivation function (about a second
per hundred accounts, for nothing) and flush each account alone; here the
accounts are made directly, with that one hash, in one flush, each for a
member who has none yet (so one account per coworker holds by construction;
the unit's roster learns the links in that flush, as from any other). The
coworkers themselves are charted through the chart service. Conversations and
follow-ups are made directly too, in one flush, leaving the chart as it was:
through the service each would take the unit's lock and rewrite its roster.
The ballots are
the slow part that remains: each is encrypted with its proofs through the
ballot box, about 10 ms for the standard pulse's three questions."""

from __future__ import annotations

import random
import sys
import time
from datetime import date, datetime, timedelta
from typing import TextIO

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from core.extensions import db
from core.sealing import blind_index
from crypto.fields import normalize_email
from organizer import demo
from organizer.accounts import services as accounts
from organizer.accounts.models import Account, RoleAssignment
from organizer.charting import roster
from organizer.charting.models import BargainingUnit, Union
from organizer.conversations import services as conversations
from organizer.conversations.models import Conversation, FollowUp
from organizer.demands import services as demands
from organizer.demands.models import Basis, Category, Demand, DemandKind, Tier
from organizer.ontology import Category as Issue
from organizer.roles import Role
from surveys import ballot_box, tally
from surveys.models import Survey

#: Below this the warehouse has too few members for the demo logins and a
#: pulse that meets its floor.
MIN_PEOPLE = 40

#: Share of the warehouse's coworkers who are members with accounts (the demo logins among them).
ACCOUNT_SHARE = 0.2

#: Share of the other account holders answering each released pulse round.
PULSE_TURNOUTS = (0.6, 0.7)

#: Share of the other account holders weighing in on each endorsement survey.
ENDORSEMENT_TURNOUT = 0.3

#: Demands written per account holder, on average.
DEMANDS_PER_ACCOUNT = 0.3

#: Endorsement surveys of seeded members' demands, beside the demo's own one.
EXTRA_ENDORSEMENTS = 2

#: Share of the warehouse's coworkers with a one-on-one recorded (2,000 at 10,000).
CONVERSATION_SHARE = 0.2

#: Share of the warehouse's coworkers with a follow-up (1,000 at 10,000), and of those already done.
FOLLOW_UP_SHARE = 0.1
FOLLOW_UPS_DONE = 0.25

#: What an organizer writes after a one-on-one in a large warehouse.
NOTE_BANK = (
    "Talked at the start of the shift. Worried about the new rate targets.",
    "Long talk at lunch: two kids, needs the overtime notice fixed before anything else.",
    "Has signed petitions before at another site. Will talk to the dock crew.",
    "Quiet, listened. Asked whether the union would know who answered the survey.",
    "Angry about the heat on the mezzanine; wants to act now.",
    "Thinks management will fix it on their own. Keep in touch.",
)

#: Next steps agreed after a one-on-one.
STEP_BANK = (
    "Bring a union card to sign", "Invite to the next committee meeting", "Share the pulse results",
    "Introduce to the steward of their shift", "Follow up about the overtime notice",
    "Ask them to talk with two coworkers on their line",
)

#: What members of a large warehouse ask, with its kind, tier, basis and category.
DEMAND_BANK: list[tuple[DemandKind, Tier, Basis, Category, str]] = [
    (DemandKind.DEMAND, Tier.DEALBREAKER, Basis.COLLECTIVE, Category.SCHEDULING,
     "Will you end mandatory overtime on short notice? How much notice will you give?"),
    (DemandKind.DEMAND, Tier.PRIORITY, Basis.COLLECTIVE, Category.PAY,
     "Will you raise the base rate to match the warehouses across the river? From when?"),
    (DemandKind.DEMAND, Tier.PRIORITY, Basis.NEEDS, Category.SECURITY_CONDITIONS,
     "Will you fix the dock plates on doors 12 to 18? Who checks them, and how often?"),
    (DemandKind.DEMAND, Tier.IMPORTANT, Basis.NEEDS, Category.SECURITY_CONDITIONS,
     "Will you add a second water station on the picking floor before summer?"),
    (DemandKind.DEMAND, Tier.IMPORTANT, Basis.COLLECTIVE, Category.SCHEDULING,
     "Will shift bids be posted two weeks ahead, with seniority deciding ties?"),
    (DemandKind.DEMAND, Tier.DEALBREAKER, Basis.COLLECTIVE, Category.SECURITY_CONDITIONS,
     "Will you stop disciplining people for missing rate while the scanners are down?"),
    (DemandKind.DEMAND, Tier.PRIORITY, Basis.PERFORMANCE, Category.PAY,
     "Will trainers be paid a premium for the hours they spend training new hires?"),
    (DemandKind.DEMAND, Tier.IMPORTANT, Basis.GROWTH, Category.CAREER,
     "Will you post lead positions inside first and train anyone who applies?"),
    (DemandKind.DEMAND, Tier.NICE_TO_HAVE, Basis.NEEDS, Category.BENEFITS,
     "Will you keep the break room microwaves working, and add two more?"),
    (DemandKind.DEMAND, Tier.PRIORITY, Basis.COLLECTIVE, Category.BENEFITS,
     "Will health coverage start on the first day instead of after ninety days?"),
    (DemandKind.DEMAND, Tier.IMPORTANT, Basis.COLLECTIVE, Category.REPRESENTATION,
     "Will a coworker of our choosing be allowed in every disciplinary meeting?"),
    (DemandKind.DEMAND, Tier.IMPORTANT, Basis.NEEDS, Category.DEIA,
     "Will you give workers who need them stools at the packing stations?"),
    (DemandKind.QUESTION, Tier.CURIOUS, Basis.MARKET, Category.PAY,
     "What do the other sites in the region pay for the same job?"),
    (DemandKind.QUESTION, Tier.IMPORTANT, Basis.COLLECTIVE, Category.CULTURE,
     "How are picking-rate targets set, and who reviews them?"),
    (DemandKind.QUESTION, Tier.CURIOUS, Basis.MARKET, Category.HIRING,
     "How many temps were hired last year, and how many were taken on permanently?"),
    (DemandKind.QUESTION, Tier.NICE_TO_HAVE, Basis.COLLECTIVE, Category.SCHEDULING,
     "When will next year's holiday schedule be posted?"),
]


def seed_scaled_demo_union(people: int, on_progress: demo.OnProgress | None = None) -> Union:
    """The demo union with `people` coworkers in its warehouse; see the module docstring."""
    if people < MIN_PEOPLE:
        raise ValueError(f"the scale demo needs at least {MIN_PEOPLE} coworkers in its warehouse")
    rng = random.Random(2026)
    union, units = demo.chart_demo_union(rng, warehouse_headcount=people, on_progress=on_progress)
    warehouse = units[demo.WAREHOUSE]
    organizer = accounts.find_account_by_email(demo.DEMO_LOGINS[0][0])
    opened = open_accounts(rng, warehouse, round(people * ACCOUNT_SHARE) - _warehouse_logins(), on_progress)
    demo.seed_past_pulses(rng, warehouse, organizer, turnouts=PULSE_TURNOUTS, on_progress=on_progress)
    demo.seed_demands(rng, warehouse, organizer, endorsement_turnout=ENDORSEMENT_TURNOUT, on_progress=on_progress)
    demo.seed_structure_tests(warehouse, organizer)
    demo.seed_conversations(warehouse, organizer)
    seed_conversations(rng, warehouse, organizer, on_progress)
    written = seed_member_demands(rng, opened, on_progress)
    for number, demand in enumerate(written[:EXTRA_ENDORSEMENTS]):
        opens_on = date(2026, 11, 18) + timedelta(days=2 * number)
        seed_endorsement(rng, warehouse, organizer, demand, opened=opens_on, closed=opens_on + timedelta(days=7),
                         on_progress=on_progress)
    return union


def _warehouse_logins() -> int:
    return sum(1 for *_, unit_name in demo.DEMO_LOGINS if unit_name == demo.WAREHOUSE)


def open_accounts(rng: random.Random, unit: BargainingUnit, count: int,
                  on_progress: demo.OnProgress | None = None) -> list[Account]:
    """Member accounts for `count` of the unit's members who have none yet (fewer
    if it has fewer), each as if its coworker had accepted an invitation."""
    password_hash = accounts.hash_password(demo.DEMO_PASSWORD)  # one hash for every seeded demo account
    linked = {account.person_id for account in db.session.scalars(
        sa.select(Account).join(RoleAssignment).where(RoleAssignment.unit_id == unit.id))}
    members = [person for person in sorted(unit.people, key=lambda p: p.id)
               if person.is_member and person.id not in linked]
    chosen = rng.sample(members, min(max(count, 0), len(members)))
    opened = []
    for n, person in enumerate(chosen, 1):
        email = f"coworker{n}@example.org"
        first, *_, last = person.name.split()
        account = Account(display_name=f"{first} {last[0]}.", email=email,
                          email_index=blind_index(normalize_email(email)), password_hash=password_hash,
                          person_id=person.id, roles=[RoleAssignment(role=Role.MEMBER, unit_id=unit.id)])
        db.session.add(account)
        opened.append(account)
        demo.report_progress(on_progress, "Member accounts", n, len(chosen))
    db.session.flush()
    return opened


def seed_conversations(rng: random.Random, unit: BargainingUnit, organizer: Account,
                       on_progress: demo.OnProgress | None = None) -> tuple[int, int]:
    """CONVERSATION_SHARE of the unit's coworkers spoken with in the last three months and
    FOLLOW_UP_SHARE of them with a next step, as rows (see the module docstring); returns
    how many of each. Each conversation leaves its coworker where the chart has them."""
    entries = list(roster.of(unit).entries())
    committee_member = accounts.find_account_by_email(demo.DEMO_COMMITTEE_MEMBER)
    their_departments = committee_member.committee_department_ids(unit.id) if committee_member else set()
    today = conversations.union_today(unit.union)
    issues = list(Issue)
    talked = rng.sample(entries, round(len(entries) * CONVERSATION_SHARE))
    for done, entry in enumerate(talked, 1):
        holder = (committee_member if entry.department_id in their_departments and rng.random() < 0.5
                  else organizer)
        db.session.add(Conversation(
            unit_id=unit.id, person_id=entry.person_id, held_by_id=holder.id,
            held_on=today - timedelta(days=rng.randrange(90)), issues=rng.sample(issues, rng.randint(0, 3)),
            assessment_before=entry.assessment, assessment_after=entry.assessment,
            note=rng.choice(NOTE_BANK) if rng.random() < 0.8 else None))
        demo.report_progress(on_progress, "One-on-ones", done, len(talked))
    stepped = rng.sample(entries, round(len(entries) * FOLLOW_UP_SHARE))
    for done, entry in enumerate(stepped, 1):
        due_on = today + timedelta(days=rng.randrange(-20, 40))
        follow_up = FollowUp(unit_id=unit.id, person_id=entry.person_id, owner_id=organizer.id,
                             step=rng.choice(STEP_BANK), due_on=due_on)
        if rng.random() < FOLLOW_UPS_DONE:
            follow_up.done_on = min(due_on, today)
        db.session.add(follow_up)
        demo.report_progress(on_progress, "Follow-ups", done, len(stepped))
    db.session.flush()
    return len(talked), len(stepped)


def seed_member_demands(rng: random.Random, authors: list[Account],
                        on_progress: demo.OnProgress | None = None) -> list[Demand]:
    """About DEMANDS_PER_ACCOUNT demands per author, through the demands service."""
    written = []
    total = len(authors)
    for done, author in enumerate(authors, 1):
        # Mostly none, some one, a few two: about DEMANDS_PER_ACCOUNT on average.
        how_many = sum(1 for _ in range(2) if rng.random() < DEMANDS_PER_ACCOUNT / 2)
        for kind, tier, basis, category, text in rng.sample(DEMAND_BANK, how_many):
            written.append(demands.create_demand(author, demands.DemandDetails(
                kind, tier, basis, category, text, is_attributable=rng.random() < 0.2)))
        demo.report_progress(on_progress, "Members' demands", done, total)
    return written


def seed_endorsement(rng: random.Random, unit: BargainingUnit, organizer: Account, demand: Demand, *,
                     opened: date, closed: date, on_progress: demo.OnProgress | None = None) -> Survey:
    """One demand put to the unit at its author's request, answered by the demo
    logins and ENDORSEMENT_TURNOUT of the other members, released, and dated
    from `opened` to `closed` (the engine runs it now; launch refuses a past close)."""
    author = db.session.get(Account, demand.account_id)
    demands.request_endorsement(author, demand)
    demands.launch_endorsement_survey(organizer, unit, demand.subject_ref)
    survey = db.session.get(Survey, demand.endorsement_survey_id)
    others = [ref for ref in demo.electorate_refs(unit) if ref != accounts.account_ref(author)]
    endorsers = demo.turnout(rng, others, ENDORSEMENT_TURNOUT, demo.login_refs())
    [question] = survey.questions
    step = f"Endorsement survey {survey.id}: ballots"
    for done, ref in enumerate(endorsers, 1):
        ballot_box.cast(survey, ref, {question.id: rng.choice([2, 3, 4, 4, 5, 5, ballot_box.CANT_SAY])})
        demo.report_progress(on_progress, step, done, len(endorsers))
    tally.close(survey)
    tally.release_with_server_key(survey)
    survey.opens_at, survey.closes_at = _eight_am(opened), _eight_am(closed)
    survey.opened_on, survey.closed_on = opened, closed
    return survey


def _eight_am(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 8)


class ProgressLine:
    """A progress bar on one line of stderr, rewritten in place: the step, its
    count, and the seconds since the start. A new step starts a new line."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.started = time.monotonic()
        self.step: str | None = None
        self.shown = -1

    def __call__(self, step: str, done: int, total: int) -> None:
        if step != self.step:
            if self.step is not None:
                self.stream.write("\n")
            self.step, self.shown = step, -1
        percent = done * 100 // max(total, 1)
        if percent != self.shown:  # at most a hundred writes a step, however many items
            self.shown = percent
            self.stream.write(f"\r{step}: {done:,}/{total:,} ({time.monotonic() - self.started:.0f} s)")
            self.stream.flush()

    def close(self) -> None:
        if self.step is not None:
            self.stream.write("\n")
            self.stream.flush()


@click.command("seed-scale")
@with_appcontext
@click.argument("people", type=click.IntRange(min=MIN_PEOPLE))
@click.option("--if-empty", is_flag=True, help="Do nothing (but print the logins) when any union exists.")
def seed_scale(people: int, if_empty: bool) -> None:
    """Create the demo union with PEOPLE coworkers charted in its warehouse."""
    if demo.may_seed("seed-scale", if_empty):
        progress = ProgressLine()
        try:
            seed_scaled_demo_union(people, on_progress=progress)
            db.session.commit()
        finally:
            progress.close()
        click.echo(f"Demo union created, {people:,} coworkers in its warehouse, "
                   f"in {time.monotonic() - progress.started:.0f} s.")
    click.echo(demo.logins_text())
