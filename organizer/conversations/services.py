"""One-on-ones: recording a conversation (and where the coworker stands after it),
follow-ups and marking them done, a coworker's history, the unit's count of
coworkers nobody has spoken to lately, and each person's follow-ups due.

Who may. `policy.charts_department` decides who records and reads a coworker's
conversations (the union's organizers; a committee member, only in their own
departments), and `policy.holds_one_on_ones` who may work a unit's pages and
own its follow-ups; nothing here writes a rule of its own. A follow-up's owner
must also chart the coworker's department, or the step would sit on a home
page that cannot open the coworker's page.

The assessment after a conversation is written to the chart through the
chart's own service (`charting.people.update_person`), so the chart, its roster
and its audit entry stay what every other change makes them.

Sealed fields cannot be searched in SQL, so a unit's rows are read with only
the sealed fields a page needs and matched in Python (as the union cards are):
a coworker's page opens the person id of each of the unit's conversations and
follow-ups, the unit's page each conversation's coworker and day and each
follow-up's coworker, owner, due day and done day, a home page the same of
the follow-ups. Departments and shifts come from the unit's roster, segment by
segment, never person by person. At 2,000 conversations and 1,000 follow-ups
in a unit of 10,000 that is about 8,000 small decryptions for the unit's page,
some tens of milliseconds, and the small-groups rule below runs over all
10,000 people once per dimension; a sealed per-unit index, as the roster is
for the chart, is the next step if units keep many more.

Small groups. The unit's page counts coworkers by department and by shift the
way the engine shows a breakdown (`surveys.release.plan_segments`, the app's one
rule for small cells): a department or shift of fewer than k coworkers (k: the
union's results floor) counts under "Other" with the other small ones and the
coworkers who have none, and the smallest of the rest joins them until "Other"
holds k, so that no small group is the whole minus the rest; a breakdown that
cannot keep every group at k is not shown at all, and nothing is counted when
fewer than k coworkers are."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date, timedelta

import sqlalchemy as sa

from core import text as words
from core.columns import LARGEST_ROW_ID
from core.clock import utcnow
from core.extensions import db
from core.timezones import to_local
from organizer import policy
from organizer.accounts.models import Account, RoleAssignment
from organizer.audit import services as audit
from organizer.audit.models import AuditAction
from organizer.charting import people, roster
from organizer.charting.models import ASSESSMENT_LABELS, BargainingUnit, Department, Person, Shift, Union
from organizer.conversations.models import Conversation, FollowUp
from organizer.errors import DomainError, NotAllowed
from organizer.ontology import Category
from organizer.roles import Role
from surveys.release import OTHER, plan_segments

#: The longest note: a few paragraphs, as the chart's own notes.
NOTE_MAX = 2000

#: The longest next step: one line ("Bring a card to sign on Friday").
STEP_MAX = 200

#: How far back a conversation may be recorded: older notes are history, not organizing.
CONVERSATION_DAYS_BACK = 366

#: A follow-up may be recorded a little overdue (a step agreed last week); further back is a slip.
FOLLOW_UP_DAYS_BACK = 7

FOLLOW_UP_DAYS_AHEAD = 366

#: "Not spoken to in N days": N unless the page asks for another, within these bounds.
DEFAULT_SILENCE_DAYS = 30

SILENCE_DAYS_MAX = 365

#: A follow-up due within this many days is "due" on its owner's home page.
DUE_SOON_DAYS = 7

#: How many open follow-ups the unit's page lists (the soonest due first).
UNIT_FOLLOW_UPS_SHOWN = 100

#: How many coworkers a search lists.
SEARCH_RESULTS = 20

#: The largest id a row can have: an owner id above it names nobody.
LARGEST_ID = LARGEST_ROW_ID

_NOT_YOURS = "You can see and record conversations only with coworkers of the departments you chart."

_NOT_HERE = "Only the union's organizers and the unit's committee members hold its one-on-ones."

#: The words of the contract: who may own a follow-up, and who may not.
OUTSIDE_THE_UNION = ("That is someone outside the union's organizers and this unit's committee: a follow-up "
                     "goes to someone who holds one-on-ones here. Choose them from the list.")


# -- who --------------------------------------------------------------------------------------------

def talks_with(actor: Account, person: Person) -> bool:
    """The actor may record and read this coworker's conversations."""
    return policy.charts_department(actor, person.unit, person.department_id)


def holders(unit: BargainingUnit) -> list[Account]:
    """The accounts that hold one-on-ones in the unit, by name: who may speak and own follow-ups.

    The policy decides, account by account. Only the union's organizers and the unit's
    roles other than member and steward are put to it: a large unit has thousands of
    members with accounts, each costly to open, and the policy gives neither role
    one-on-ones (a test holds this list to what the policy says of every account)."""
    holding_a_role = sa.select(RoleAssignment.account_id).where(sa.or_(
        sa.and_(RoleAssignment.unit_id == unit.id, RoleAssignment.role.not_in((Role.MEMBER, Role.STEWARD))),
        sa.and_(RoleAssignment.role == Role.ORGANIZER, RoleAssignment.union_id == unit.union_id)))
    found = db.session.scalars(sa.select(Account).where(Account.id.in_(holding_a_role)))
    return sorted((account for account in found if policy.holds_one_on_ones(account, unit)),
                  key=lambda account: (account.display_name.casefold(), account.id))


def holders_for(person: Person) -> list[Account]:
    """Those of the unit's holders who chart this coworker's department."""
    return [account for account in holders(person.unit) if talks_with(account, person)]


def _names(account_ids: Iterable[int]) -> dict[int, str]:
    ids = set(account_ids)
    if not ids:
        return {}
    return dict(db.session.execute(sa.select(Account.id, Account.display_name).where(Account.id.in_(ids))).all())


def union_today(union: Union) -> date:
    """Today where the union works: a talk late in the evening is that evening's."""
    return to_local(utcnow(), union.time_zone).date()


# -- recording --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class NextStep:
    """A follow-up as given: what, who does it (an account id) and by when."""

    step: str
    owner_id: int
    due_on: date | None


@dataclass(frozen=True)
class ConversationDetails:
    """A conversation as given. `issues` are category values, checked against the ontology."""

    held_on: date | None
    held_by_id: int
    issues: Sequence[str] = ()
    assessment_after: int = 0
    note: str | None = None
    next_step: NextStep | None = None


def record_conversation(actor: Account, person: Person, details: ConversationDetails) -> Conversation:
    """Record a conversation with a coworker; set the chart's assessment to where they stand
    after it (through the chart's service); and add its next step, if one is given."""
    unit = person.unit
    if not talks_with(actor, person):
        raise NotAllowed(_NOT_YOURS)
    _lock_and_reread(actor, person)
    today = union_today(unit.union)
    held_on = _day_held(details.held_on, today)
    holder = _holder(details.held_by_id, person, field_name="held_by_id",
                     refused="Choose who held the conversation from the list: someone who holds one-on-ones "
                             "with this coworker.")
    issues = _issues(details.issues)
    if details.assessment_after not in ASSESSMENT_LABELS:
        raise DomainError("Choose where they stand now, from 0 to 5.", field="assessment_after")
    note = _note(details.note)
    step = _checked_step(person, details.next_step, today) if details.next_step is not None else None
    before = person.assessment
    if details.assessment_after != before:
        _set_assessment(actor, person, details.assessment_after)
    conversation = Conversation(unit_id=unit.id, person_id=person.id, held_by_id=holder.id, held_on=held_on,
                                issues=issues, assessment_before=before,
                                assessment_after=details.assessment_after, note=note)
    db.session.add(conversation)
    db.session.flush()
    # The unit's stewards read the log: it says a talk was held, never with whom or what was said.
    audit.record(actor, AuditAction.CONVERSATION_RECORDED,
                 f"Recorded a one-on-one conversation in {unit.name}, held by {holder.display_name}.", unit=unit)
    if step is not None:
        _add_follow_up(actor, person, *step)
    return conversation


def _lock_and_reread(actor: Account, person: Person) -> None:
    """Take the unit's lock (the chart's writers take turns with this one), then read the
    coworker again: the assessment kept as "before", and the department that says who may,
    are what the chart holds now, not what it held when the page was loaded."""
    if roster.lock(person.unit).entry(person.id) is None:
        raise DomainError("This coworker is no longer on the chart.")
    db.session.refresh(person)
    if not talks_with(actor, person):
        raise NotAllowed(_NOT_YOURS)


def _day_held(held_on: date | None, today: date) -> date:
    if held_on is None:
        raise DomainError("Give the day of the conversation.", field="held_on")
    if held_on > today:
        raise DomainError("The conversation cannot be on a day still to come.", field="held_on")
    if held_on < today - timedelta(days=CONVERSATION_DAYS_BACK):
        raise DomainError(f"Give a day within the last {CONVERSATION_DAYS_BACK} days.", field="held_on")
    return held_on


def _holder(account_id: int, person: Person, *, field_name: str, refused: str) -> Account:
    # An id no row can have is nobody, before the database is asked (it would refuse the number).
    account = db.session.get(Account, account_id) if 0 < account_id <= LARGEST_ID else None
    if account is None or not policy.holds_one_on_ones(account, person.unit):
        raise DomainError(refused, field=field_name)
    if not talks_with(account, person):
        raise DomainError(f"{account.display_name} does not chart this coworker's department, so they could "
                          "not open this coworker's page. Choose someone who does.", field=field_name)
    return account


def _issues(given: Sequence[str]) -> list[Category]:
    known = {category.value: category for category in Category}
    unknown = [value for value in given if value not in known]
    if unknown:
        raise DomainError(f"Choose the issues from the list: “{words.without_bidi_controls(unknown[0])[:40]}” "
                          "is not one of them.", field="issues")
    chosen = set(given)
    return [category for category in Category if category.value in chosen]


def _note(note: str | None) -> str | None:
    clean = (words.without_bidi_controls(note) or "").replace("\r\n", "\n").strip()
    if any(ord(ch) < 32 and ch not in "\n\t" for ch in clean):
        raise DomainError("Remove the control characters from the note.", field="note")
    if len(clean) > NOTE_MAX:
        raise DomainError(f"Keep the note to {NOTE_MAX} characters or fewer: this has {len(clean)}.", field="note")
    return clean or None


def _set_assessment(actor: Account, person: Person, assessment: int) -> None:
    """Through the chart's own service: the roster, the audit entry and every rule of the
    chart apply as they do to an edit of the coworker."""
    now = people.PersonDetails(**{spec.name: getattr(person, spec.name) for spec in fields(people.PersonDetails)})
    people.update_person(actor, person, replace(now, assessment=assessment))


# -- follow-ups ---------------------------------------------------------------------------------------

def add_follow_up(actor: Account, person: Person, next_step: NextStep) -> FollowUp:
    """A next step with the coworker, for an owner who holds one-on-ones in the unit."""
    if not talks_with(actor, person):
        raise NotAllowed(_NOT_YOURS)
    _lock_and_reread(actor, person)
    return _add_follow_up(actor, person, *_checked_step(person, next_step, union_today(person.unit.union)))


def _checked_step(person: Person, given: NextStep, today: date) -> tuple[str, Account, date]:
    step = " ".join((words.without_bidi_controls(given.step) or "").split())
    if not words.has_words(step):
        raise DomainError("Say what the next step is, in a few words.", field="next_step")
    if len(step) > STEP_MAX:
        raise DomainError(f"Keep the next step to {STEP_MAX} characters or fewer: this has {len(step)}.",
                          field="next_step")
    owner = _holder(given.owner_id, person, field_name="owner_id", refused=OUTSIDE_THE_UNION)
    if given.due_on is None:
        raise DomainError("Give the day it is due.", field="due_on")
    if given.due_on < today - timedelta(days=FOLLOW_UP_DAYS_BACK):
        raise DomainError(f"That day is long past: a follow-up may be due at most {FOLLOW_UP_DAYS_BACK} days "
                          "ago. Give the day it is really due.", field="due_on")
    if given.due_on > today + timedelta(days=FOLLOW_UP_DAYS_AHEAD):
        raise DomainError("Give a due day within the coming year.", field="due_on")
    return step, owner, given.due_on


def _add_follow_up(actor: Account, person: Person, step: str, owner: Account, due_on: date) -> FollowUp:
    follow_up = FollowUp(unit_id=person.unit_id, person_id=person.id, owner_id=owner.id, step=step, due_on=due_on)
    db.session.add(follow_up)
    db.session.flush()
    audit.record(actor, AuditAction.FOLLOW_UP_ADDED,
                 f"Set a follow-up in {person.unit.name} for {owner.display_name}, due {due_on:%d %b %Y}.",
                 unit=person.unit)
    return follow_up


def person_of(follow_up: FollowUp) -> Person | None:
    """The coworker a follow-up is about, while they are on its unit's chart."""
    person = db.session.get(Person, follow_up.person_id)
    return person if person is not None and person.unit_id == follow_up.unit_id else None


def may_mark_done(actor: Account, follow_up: FollowUp) -> bool:
    person = person_of(follow_up)
    return person is not None and talks_with(actor, person)


def mark_done(actor: Account, follow_up: FollowUp) -> FollowUp:
    """Mark a follow-up done today (kept, no longer listed as due)."""
    if not may_mark_done(actor, follow_up):
        raise NotAllowed(_NOT_YOURS)
    # Under the unit's lock, so two taps of the button mark it once.
    roster.lock(follow_up.unit)
    db.session.refresh(follow_up)
    if follow_up.done_on is not None:
        raise DomainError(f"This follow-up was already marked done on {follow_up.done_on:%d %b %Y}.")
    follow_up.done_on = union_today(follow_up.unit.union)
    db.session.flush()
    audit.record(actor, AuditAction.FOLLOW_UP_DONE, f"Marked a follow-up done in {follow_up.unit.name}.",
                 unit=follow_up.unit)
    return follow_up


# -- a coworker's history -----------------------------------------------------------------------------

@dataclass(frozen=True)
class AssessmentChange:
    """Where a coworker stood before and after one conversation that moved them."""

    day: date
    before: int
    after: int
    held_by: str

    @property
    def before_label(self) -> str:
        return ASSESSMENT_LABELS.get(self.before, "Unknown")

    @property
    def after_label(self) -> str:
        return ASSESSMENT_LABELS.get(self.after, "Unknown")


@dataclass(frozen=True)
class CoworkerHistory:
    """What a coworker's page shows: conversations newest first, follow-ups, assessments."""

    person: Person
    conversations: list[Conversation]
    open_follow_ups: list[FollowUp]
    done_follow_ups: list[FollowUp]
    #: Display names of who spoke and who owns each follow-up, by account id.
    names: dict[int, str]
    today: date
    department: str | None = None
    shift: str | None = None

    def name_of(self, account_id: int) -> str:
        return self.names.get(account_id, "someone whose account has closed")

    @property
    def assessment_changes(self) -> list[AssessmentChange]:
        """The conversations after which the coworker stood elsewhere, newest first."""
        return [AssessmentChange(c.held_on, c.assessment_before, c.assessment_after, self.name_of(c.held_by_id))
                for c in self.conversations if c.assessment_changed]

    @property
    def changed_on_the_chart_since(self) -> bool:
        """The chart says otherwise than the latest conversation left it: edited since."""
        return bool(self.conversations) and self.conversations[0].assessment_after != self.person.assessment


def coworker_history(actor: Account, person: Person) -> CoworkerHistory:
    if not talks_with(actor, person):
        raise NotAllowed(_NOT_YOURS)
    conversations = sorted(_rows(Conversation, person.unit_id, {person.id}),
                           key=lambda c: (c.held_on, c.id), reverse=True)
    follow_ups = sorted(_rows(FollowUp, person.unit_id, {person.id}), key=lambda f: (f.due_on, f.id))
    names = _names([c.held_by_id for c in conversations] + [f.owner_id for f in follow_ups])
    department = db.session.get(Department, person.department_id) if person.department_id else None
    shift = db.session.get(Shift, person.shift_id) if person.shift_id else None
    return CoworkerHistory(person, conversations, [f for f in follow_ups if f.is_open],
                           sorted((f for f in follow_ups if not f.is_open), key=lambda f: (f.done_on, f.id),
                                  reverse=True), names, union_today(person.unit.union),
                           department.name if department else None, shift.name if shift else None)


def _rows(model: type[Conversation] | type[FollowUp], unit_id: int, person_ids: set[int]) -> list:
    """The unit's rows of these coworkers, opening only the sealed person id of the others."""
    ids = [row_id for row_id, person_id in db.session.execute(
        sa.select(model.id, model.person_id).where(model.unit_id == unit_id)) if person_id in person_ids]
    if not ids:
        return []
    return list(db.session.scalars(sa.select(model).where(model.id.in_(ids))))


# -- the unit: who nobody has spoken to lately ----------------------------------------------------------

@dataclass(frozen=True)
class GroupCount:
    """One department or shift (or "Other": small ones counted together)."""

    label: str
    not_spoken_to: int
    headcount: int
    #: For "Other": the groups counted in it (names; "no department" for those without one).
    made_of: tuple[str, ...] = ()


@dataclass(frozen=True)
class Breakdown:
    """The counts by one dimension, or why there are none."""

    dimension: str
    rows: list[GroupCount]
    #: Why nothing is shown by this dimension, when nothing is.
    withheld: str | None = None


@dataclass(frozen=True)
class Silence:
    """Coworkers not spoken to in `days` days, among those the actor charts."""

    days: int
    #: The first day a conversation counts as recent.
    since: date
    #: The union's results floor: no count of fewer coworkers is shown.
    k: int
    headcount: int
    not_spoken_to: int
    by_department: Breakdown
    by_shift: Breakdown

    @property
    def is_shown(self) -> bool:
        return self.headcount >= self.k


@dataclass(frozen=True)
class OpenFollowUp:
    """An open follow-up as a list shows it. Plain values, not rows: a page that commits
    before it is drawn (the home page) would otherwise load each row again."""

    follow_up_id: int
    step: str
    due_on: date
    person_id: int
    person_name: str
    owner: str
    is_overdue: bool


@dataclass(frozen=True)
class UnitConversations:
    unit: BargainingUnit
    silence: Silence
    #: Open follow-ups of the coworkers the actor charts, soonest due first (at most UNIT_FOLLOW_UPS_SHOWN).
    follow_ups: list[OpenFollowUp]
    #: How many open follow-ups there are in all.
    open_count: int
    #: Whether the actor charts the whole unit (an organizer) or some departments of it.
    sees_whole_unit: bool = True


def unit_conversations(actor: Account, unit: BargainingUnit, days: int = DEFAULT_SILENCE_DAYS) -> UnitConversations:
    if not policy.holds_one_on_ones(actor, unit):
        raise NotAllowed(_NOT_HERE)
    if not 1 <= days <= SILENCE_DAYS_MAX:
        raise DomainError(f"Choose a number of days from 1 to {SILENCE_DAYS_MAX}.", field="days")
    whole_unit = policy.charts_department(actor, unit, None)
    listed = roster.of(unit)
    # Segment by segment, over the roster's columns: a large unit is never opened person by person.
    departments, shifts = people.segment_names(Department, unit), people.segment_names(Shift, unit)
    in_department = {d: set(listed.in_segment("department", d)) for d in departments}
    visible = set(listed.person_ids()) if whole_unit else set().union(
        *(members for d, members in in_department.items() if policy.charts_department(actor, unit, d)))
    segments = {"department": ({d: members & visible for d, members in in_department.items()}, departments),
                "shift": ({s: set(listed.in_segment("shift", s)) & visible for s in shifts}, shifts)}
    today = union_today(unit.union)
    follow_ups, open_count = _open_follow_ups(unit, visible, today, limit=UNIT_FOLLOW_UPS_SHOWN)
    return UnitConversations(unit, _silence(unit, visible, segments, days, today), follow_ups, open_count,
                             sees_whole_unit=whole_unit)


#: dimension -> (the coworkers of each segment, by segment id; the segments' names)
_Segments = dict[str, tuple[dict[int, set[int]], dict[int, str]]]


def _silence(unit: BargainingUnit, visible: set[int], segments: _Segments, days: int, today: date) -> Silence:
    """Of these coworkers, who has had no conversation since `today - days`, counted by
    department and by shift under the small-groups rule (see the module's docstring)."""
    since = today - timedelta(days=days)
    recent = {person_id for person_id, held_on in db.session.execute(
        sa.select(Conversation.person_id, Conversation.held_on).where(Conversation.unit_id == unit.id))
        if held_on >= since}
    quiet = visible - recent
    k = unit.union.release_threshold
    if len(visible) < k:
        return Silence(days, since, k, len(visible), len(quiet), Breakdown("department", []), Breakdown("shift", []))
    return Silence(days, since, k, len(visible), len(quiet),
                   *(_breakdown(dimension, members, names, visible, quiet, k)
                     for dimension, (members, names) in segments.items()))


def _breakdown(dimension: str, members: dict[int, set[int]], names: dict[int, str], everyone: set[int],
               quiet: set[int], k: int) -> Breakdown:
    # The rule is handed every coworker with their segment's id (not its name: a department
    # someone named "Other" stays itself), one shared mapping per segment.
    voters: dict[str, dict[str, str | None]] = {}
    for segment, people_in in members.items():
        shared = {dimension: str(segment)}
        voters.update((str(person), shared) for person in people_in)
    unplaced = everyone - set(map(int, voters))
    nowhere = {dimension: None}
    voters.update((str(person), nowhere) for person in unplaced)
    plan, _ = plan_segments(voters, [dimension], k)
    if not plan.dimensions:
        groups = sum(1 for people_in in members.values() if people_in) + bool(unplaced)
        if groups <= 1:
            return Breakdown(dimension, [], f"They are all in one {dimension}: the count above is theirs.")
        return Breakdown(dimension, [], f"Too few coworkers in each {dimension} to count any of them among at "
                                        f"least {k}.")
    kept = {int(cell[dimension]) for cell in plan.cells.values() if cell[dimension] != OTHER}
    rows = sorted((GroupCount(names[segment], len(quiet & members[segment]), len(members[segment]))
                   for segment in kept), key=lambda row: row.label.casefold())
    other = everyone.difference(*(members[segment] for segment in kept))
    if other:
        made_of = sorted(names[segment] for segment, people_in in members.items() if people_in and segment not in kept)
        rows.append(GroupCount("Other", len(quiet & other), len(other),
                               tuple(made_of + ([f"no {dimension}"] if unplaced else []))))
    return Breakdown(dimension, rows)


def _charted_by(actor: Account, unit: BargainingUnit) -> set[int]:
    """The coworkers on the unit's chart whose department the actor charts."""
    listed = roster.of(unit)
    if policy.charts_department(actor, unit, None):
        return set(listed.person_ids())
    return {entry.person_id for entry in listed.entries()
            if policy.charts_department(actor, unit, entry.department_id)}


def _open_follow_ups(unit: BargainingUnit, visible: set[int], today: date, *, limit: int,
                     owner_id: int | None = None, due_by: date | None = None) -> tuple[list[OpenFollowUp], int]:
    """The unit's open follow-ups of these coworkers (of this owner, due by this day, when
    given), soonest due first: the first `limit` of them, and how many there are. Only the
    sealed fields needed to choose are opened, then only the rows listed are loaded."""
    # The owner is opened only when it chooses: each sealed column read is one decryption a row.
    owner = FollowUp.owner_id if owner_id is not None else sa.null()
    rows = db.session.execute(sa.select(FollowUp.id, FollowUp.person_id, owner, FollowUp.due_on, FollowUp.done_on)
                              .where(FollowUp.unit_id == unit.id))
    waiting = sorted((due_on, row_id) for row_id, person_id, owned_by, due_on, done_on in rows
                     if done_on is None and person_id in visible and (owner_id is None or owned_by == owner_id)
                     and (due_by is None or due_on <= due_by))
    return _listed([row_id for _, row_id in waiting[:limit]], today), len(waiting)


def _listed(follow_up_ids: list[int], today: date) -> list[OpenFollowUp]:
    """The follow-ups with their coworkers' and owners' names, soonest due first."""
    if not follow_up_ids:
        return []
    loaded = list(db.session.scalars(sa.select(FollowUp).where(FollowUp.id.in_(follow_up_ids))))
    coworkers = dict(db.session.execute(sa.select(Person.id, Person.name).where(
        Person.id.in_({f.person_id for f in loaded}), Person.unit_id.in_({f.unit_id for f in loaded}))).all())
    names = _names(f.owner_id for f in loaded)
    listed = [OpenFollowUp(f.id, f.step, f.due_on, f.person_id, coworkers[f.person_id],
                           names.get(f.owner_id, "someone whose account has closed"), f.due_on < today)
              for f in loaded if f.person_id in coworkers]
    return sorted(listed, key=lambda item: (item.due_on, item.follow_up_id))


# -- a person's own follow-ups (their home page) -------------------------------------------------------

#: How many of one unit's follow-ups a home page lists; the unit's page has the rest.
HOME_FOLLOW_UPS_SHOWN = 10


@dataclass(frozen=True)
class DueFollowUps:
    """One unit's follow-ups owned by someone, overdue or due within DUE_SOON_DAYS."""

    unit: BargainingUnit
    overdue: list[OpenFollowUp]
    due: list[OpenFollowUp]
    #: How many there are in all (the lists hold the first HOME_FOLLOW_UPS_SHOWN).
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.overdue) - len(self.due)


def follow_ups_due(actor: Account) -> list[DueFollowUps]:
    """The actor's own open follow-ups, overdue and due soon, unit by unit; only of
    coworkers on the chart whose department the actor still charts."""
    found = []
    for unit in _units_holding_one_on_ones(actor):
        today = union_today(unit.union)
        listed, total = _open_follow_ups(unit, _charted_by(actor, unit), today, limit=HOME_FOLLOW_UPS_SHOWN,
                                         owner_id=actor.id, due_by=today + timedelta(days=DUE_SOON_DAYS))
        if listed:
            found.append(DueFollowUps(unit, [item for item in listed if item.is_overdue],
                                      [item for item in listed if not item.is_overdue], total))
    return found


def _units_holding_one_on_ones(actor: Account) -> list[BargainingUnit]:
    union_ids = actor.organizer_union_ids()
    unit_ids = {assignment.unit_id for assignment in actor.roles if assignment.unit_id is not None}
    if not union_ids and not unit_ids:
        return []
    units = db.session.scalars(sa.select(BargainingUnit).where(sa.or_(
        BargainingUnit.union_id.in_(union_ids), BargainingUnit.id.in_(unit_ids))))
    return sorted((unit for unit in units if policy.holds_one_on_ones(actor, unit)),
                  key=lambda unit: (unit.union.name.casefold(), unit.name.casefold()))


# -- finding a coworker ------------------------------------------------------------------------------

def find_coworkers(actor: Account, unit: BargainingUnit, search: str) -> list[Person]:
    """Coworkers the actor charts whose name holds `search` (capitals and accents do not count)."""
    if not policy.holds_one_on_ones(actor, unit):
        raise NotAllowed(_NOT_HERE)
    if not search:
        return []
    listed = roster.of(unit)
    ids = listed.matching(search=search)
    if not policy.charts_department(actor, unit, None):
        # Not the whole unit (a committee member): only the departments the actor charts.
        department_of = {entry.person_id: entry.department_id for entry in listed.entries()}
        ids = [pid for pid in ids if policy.charts_department(actor, unit, department_of[pid])]
    ids = ids[:SEARCH_RESULTS]
    if not ids:
        return []
    found = {p.id: p for p in db.session.scalars(sa.select(Person).where(Person.id.in_(ids)))}
    return [found[pid] for pid in ids if pid in found]
