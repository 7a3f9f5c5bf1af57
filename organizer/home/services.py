"""What a home page leads with: what needs this person now, for an explicit actor.

- As a member: the open surveys they have not answered, with their closing
  dates, and the results released since they last looked.
- As a trustee: the closed surveys whose results wait for their part (none
  once they gave it), and the step of a key ceremony that waits for them.
- As an organizer, unit by unit: endorsement requests waiting, open surveys
  closing soon, and a unit with no pulse for PULSE_GAP_DAYS.
- As one who holds one-on-ones: their own follow-ups overdue or due soon
  (`conversations.follow_ups_due`).

Whether a member has answered is read from the engine's participation ledger
while the page is drawn (`ballot_box.has_answered`, as the surveys page reads
it) and is stored nowhere new.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa

from core.clock import today, utcnow
from core.extensions import db
from organizer.accounts import committee
from organizer.accounts.models import Account
from organizer.accounts.services import account_ref
from organizer.cards import density
from organizer.ceremony import services as ceremonies
from organizer.charting.models import BargainingUnit, Union
from organizer.conversations import services as conversations
from organizer.demands import services as demands
from organizer.roles import Role
from organizer.unit_surveys import services as unit_surveys
from surveys import ballot_box, definitions, keys, results
from surveys.models import KeyMode, Survey, SurveyKind, SurveyState

#: An open survey closing within this time is "closing soon" on an organizer's home.
CLOSING_SOON = timedelta(days=3)
#: A unit whose last pulse opened longer ago than this (or that never had one) needs one.
PULSE_GAP_DAYS = 60


@dataclass(frozen=True)
class UnitNeeds:
    """What one unit asks of its organizers now."""

    unit: BargainingUnit
    #: Endorsement requests from members, waiting for a survey.
    endorsement_requests: int
    #: Its open surveys that close within CLOSING_SOON, soonest first.
    closing_soon: list[Survey]
    #: The day its latest pulse opened, if any ever did.
    last_pulse_on: date | None
    #: No pulse opened in PULSE_GAP_DAYS and none is scheduled.
    needs_pulse: bool

    @property
    def is_empty(self) -> bool:
        return not (self.endorsement_requests or self.closing_soon or self.needs_pulse)


@dataclass(frozen=True)
class NeedsYou:
    """Everything that needs one person, in the order the home page shows it."""

    #: Open surveys they may answer and have not, soonest closing first.
    to_answer: list[Survey]
    #: Results of their units released since they last looked, newest first.
    new_results: list[Survey]
    #: Closed surveys waiting for their part as trustee.
    to_decrypt: list[Survey]
    #: The units they organize that need something, by union and unit name.
    units: list[UnitNeeds]
    #: Their own follow-ups with coworkers, overdue or due soon, unit by unit.
    follow_ups: list[conversations.DueFollowUps] = field(default_factory=list)
    #: Key ceremonies waiting for their step as trustee.
    key_steps: list[ceremonies.CeremonyView] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.to_answer or self.new_results or self.to_decrypt or self.units or self.follow_ups
                    or self.key_steps)


def needs_of(actor: Account) -> NeedsYou:
    return NeedsYou(to_answer=surveys_to_answer(actor), new_results=new_results(actor),
                    to_decrypt=surveys_to_decrypt(actor), units=units_needing(actor),
                    follow_ups=conversations.follow_ups_due(actor), key_steps=ceremonies.ceremonies_needing(actor))


def show_home(actor: Account) -> NeedsYou:
    """What needs the actor, marking the new results as seen (see `mark_results_seen`)."""
    needs = needs_of(actor)
    mark_results_seen(actor, needs.new_results)
    return needs


def surveys_to_answer(actor: Account) -> list[Survey]:
    ref = account_ref(actor)
    waiting = [s for s in ballot_box.open_surveys_for(ref) if not ballot_box.has_answered(s, ref)]
    return sorted(waiting, key=lambda s: (s.closes_at is None, s.closes_at or utcnow(), s.id))


def _results_seen_through(actor: Account) -> date:
    # A new account has seen nothing, but what was released before it existed is not news to it.
    return actor.results_seen_on or actor.created_on - timedelta(days=1)


def new_results(actor: Account) -> list[Survey]:
    """Released surveys of the actor's units (as member or steward) released after
    the day the home page last showed as new."""
    seen = _results_seen_through(actor)
    unit_ids = actor.unit_ids_as(Role.MEMBER) | actor.unit_ids_as(Role.STEWARD)
    if not unit_ids:
        return []
    released = db.session.scalars(sa.select(Survey).where(
        Survey.scope.in_([unit_surveys.unit_scope_of(unit_id) for unit_id in unit_ids]),
        Survey.state == SurveyState.RELEASED, Survey.released_on > seen))
    return sorted(released, key=lambda s: (s.released_on, s.id), reverse=True)


def mark_results_seen(actor: Account, shown: list[Survey]) -> None:
    """Remember, as one date, which results were shown as new.

    Not a list of the results seen, nor the day of each visit: the release day
    of the newest result shown, which says no more than that the person looked
    some time after that release. It is held back to yesterday at most, so a
    result released later today still counts as new; a result released today
    is shown as new for the rest of the day and on the first visit after it."""
    if not shown:
        return
    newest = min(max(s.released_on for s in shown), today() - timedelta(days=1))
    if actor.results_seen_on is None or newest > actor.results_seen_on:
        actor.results_seen_on = newest
        db.session.flush()


def surveys_to_decrypt(actor: Account) -> list[Survey]:
    """Closed trustee surveys with their totals formed, of which the actor holds a share not yet given."""
    ref = account_ref(actor)
    waiting = []
    for survey in keys.surveys_held(ref):
        if survey.state != SurveyState.CLOSED or survey.key_mode != KeyMode.TRUSTEES:
            continue
        mine = next(t for t in keys.trustees_of(survey) if t.trustee_ref == ref)
        # Participation is known once the totals are formed: only then can a trustee give a part.
        if not mine.has_decrypted and results.participation(survey) is not None:
            waiting.append(survey)
    return waiting


def units_needing(actor: Account) -> list[UnitNeeds]:
    """The units of the unions the actor organizes that need something now."""
    found = []
    for union in _organized_unions(actor):
        for unit in sorted(union.units, key=lambda u: u.name.casefold()):
            needs = unit_needs(actor, unit)
            if not needs.is_empty:
                found.append(needs)
    return found


def unit_needs(actor: Account, unit: BargainingUnit) -> UnitNeeds:
    surveys = definitions.surveys_in_scope(unit_surveys.unit_scope(unit))
    soon = utcnow() + CLOSING_SOON
    closing = sorted((s for s in surveys if s.state == SurveyState.OPEN and s.closes_at and s.closes_at <= soon),
                     key=lambda s: s.closes_at)
    pulses = [s for s in surveys if s.kind == SurveyKind.PULSE]
    last_pulse_on = max((s.opened_on for s in pulses if s.opened_on), default=None)
    scheduled = any(s.state == SurveyState.DRAFT and s.is_launched for s in pulses)
    overdue = last_pulse_on is None or last_pulse_on < today() - timedelta(days=PULSE_GAP_DAYS)
    return UnitNeeds(unit=unit, endorsement_requests=demands.pending_request_count(actor, unit),
                     closing_soon=closing, last_pulse_on=last_pulse_on, needs_pulse=overdue and not scheduled)


def _organized_unions(actor: Account) -> list[Union]:
    union_ids = actor.organizer_union_ids()
    if not union_ids:
        return []
    return list(db.session.scalars(sa.select(Union).where(Union.id.in_(union_ids)).order_by(Union.name)))


@dataclass(frozen=True)
class Places:
    """Where the actor works, by role: the rest of the home page, below what needs them."""

    organizer_unions: list[Union]
    steward_units: list[BargainingUnit]
    #: The units they are a member of, with each one's density (see `organizer.cards.density`).
    member_figures: list[density.Density]
    #: The units whose organizing committee they sit on, with their departments.
    committee_seats: list[committee.MySeat] = field(default_factory=list)


def places_of(actor: Account) -> Places:
    return Places(organizer_unions=_organized_unions(actor), steward_units=_units(actor.unit_ids_as(Role.STEWARD)),
                  member_figures=density.densities(_units(actor.unit_ids_as(Role.MEMBER))),
                  committee_seats=committee.seats_of(actor))


def _units(unit_ids: set[int]) -> list[BargainingUnit]:
    if not unit_ids:
        return []
    return list(db.session.scalars(
        sa.select(BargainingUnit).where(BargainingUnit.id.in_(unit_ids)).order_by(BargainingUnit.name)))
