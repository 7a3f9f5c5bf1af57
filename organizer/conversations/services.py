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

Sealed fields cannot be searched in SQL, so a unit's rows are read as stored
and matched in Python (as the union cards are), each sealed value opened only
once it still decides something (`_still_sealed`, and the column type's own
`opener`, which looks the key up once for all the values): a coworker's page
opens the person id of each of the unit's conversations and follow-ups; the
unit's page each conversation's day and, of the recent ones only, the
coworker, and each follow-up's done day and, of the open ones only, its due
day and coworker (and its owner first, on a home page); then only the listed
follow-ups' step and owner. Departments and shifts come from the unit's
roster, segment by segment, never person by person, and the small-groups rule
below is handed a few stand-ins per group rather than every coworker. At
2,000 conversations and 1,000 follow-ups in a unit of 10,000 (`seed-scale`)
the unit's page opens about 5,000 values and takes some 35 ms of the
processor (`bench/pages.py`); a sealed per-unit index, as the roster is for
the chart, is the next step if units keep many more.

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
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import gettext, lazy_gettext

from core import i18n
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
from organizer.charting.models import (
    ASSESSMENT_LABELS,
    UNKNOWN_ASSESSMENT,
    BargainingUnit,
    Department,
    Person,
    Shift,
    Union,
)
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

_NOT_YOURS = lazy_gettext("You can see and record conversations only with coworkers of the departments you chart.")

_NOT_HERE = lazy_gettext("Only the union's organizers and the unit's committee members hold its one-on-ones.")

#: The words of the contract: who may own a follow-up, and who may not.
OUTSIDE_THE_UNION = lazy_gettext("That is someone outside the union's organizers and this unit's committee: a "
                                 "follow-up goes to someone who holds one-on-ones here. Choose them from the list.")

#: Who a conversation or a follow-up names once their account is deleted.
CLOSED_ACCOUNT = lazy_gettext("someone whose account has closed")


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
                     refused=gettext("Choose who held the conversation from the list: someone who holds "
                                     "one-on-ones with this coworker."))
    issues = _issues(details.issues)
    if details.assessment_after not in ASSESSMENT_LABELS:
        raise DomainError(gettext("Choose where they stand now, from 0 to 5."), field="assessment_after")
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
        raise DomainError(gettext("This coworker is no longer on the chart."))
    db.session.refresh(person)
    if not talks_with(actor, person):
        raise NotAllowed(_NOT_YOURS)


def _day_held(held_on: date | None, today: date) -> date:
    if held_on is None:
        raise DomainError(gettext("Give the day of the conversation."), field="held_on")
    if held_on > today:
        raise DomainError(gettext("The conversation cannot be on a day still to come."), field="held_on")
    if held_on < today - timedelta(days=CONVERSATION_DAYS_BACK):
        raise DomainError(gettext("Give a day within the last %(days)d days.", days=CONVERSATION_DAYS_BACK),
                          field="held_on")
    return held_on


def _holder(account_id: int, person: Person, *, field_name: str, refused: str) -> Account:
    # An id no row can have is nobody, before the database is asked (it would refuse the number).
    account = db.session.get(Account, account_id) if 0 < account_id <= LARGEST_ID else None
    if account is None or not policy.holds_one_on_ones(account, person.unit):
        raise DomainError(refused, field=field_name)
    if not talks_with(account, person):
        raise DomainError(gettext("%(name)s does not chart this coworker's department, so they could not open "
                                  "this coworker's page. Choose someone who does.", name=account.display_name),
                          field=field_name)
    return account


def _issues(given: Sequence[str]) -> list[Category]:
    known = {category.value: category for category in Category}
    unknown = [value for value in given if value not in known]
    if unknown:
        raise DomainError(gettext("Choose the issues from the list: “%(given)s” is not one of them.",
                                  given=words.without_bidi_controls(unknown[0])[:40]), field="issues")
    chosen = set(given)
    return [category for category in Category if category.value in chosen]


def _note(note: str | None) -> str | None:
    clean = (words.without_bidi_controls(note) or "").replace("\r\n", "\n").strip()
    if any(ord(ch) < 32 and ch not in "\n\t" for ch in clean):
        raise DomainError(gettext("Remove the control characters from the note."), field="note")
    if len(clean) > NOTE_MAX:
        raise DomainError(gettext("Keep the note to %(most)d characters or fewer: this has %(given)d.",
                                  most=NOTE_MAX, given=len(clean)), field="note")
    return clean or None


def _set_assessment(actor: Account, person: Person, assessment: int) -> None:
    """Through the chart's own service, which writes it so that nothing on disk or in the
    audit log says whose conversation it was (`people.reassess_after_talk`)."""
    people.reassess_after_talk(actor, person, assessment)


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
        raise DomainError(gettext("Say what the next step is, in a few words."), field="next_step")
    if len(step) > STEP_MAX:
        raise DomainError(gettext("Keep the next step to %(most)d characters or fewer: this has %(given)d.",
                                  most=STEP_MAX, given=len(step)), field="next_step")
    owner = _holder(given.owner_id, person, field_name="owner_id", refused=OUTSIDE_THE_UNION)
    if given.due_on is None:
        raise DomainError(gettext("Give the day it is due."), field="due_on")
    if given.due_on < today - timedelta(days=FOLLOW_UP_DAYS_BACK):
        raise DomainError(gettext("That day is long past: a follow-up may be due at most %(days)d days ago. Give "
                                  "the day it is really due.", days=FOLLOW_UP_DAYS_BACK), field="due_on")
    if given.due_on > today + timedelta(days=FOLLOW_UP_DAYS_AHEAD):
        raise DomainError(gettext("Give a due day within the coming year."), field="due_on")
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
        raise DomainError(gettext("This follow-up was already marked done on %(day)s.",
                                  day=i18n.format_day(follow_up.done_on)))
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
        return ASSESSMENT_LABELS.get(self.before, UNKNOWN_ASSESSMENT)

    @property
    def after_label(self) -> str:
        return ASSESSMENT_LABELS.get(self.after, UNKNOWN_ASSESSMENT)


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
        return self.names.get(account_id, CLOSED_ACCOUNT)

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
    open_person = model.person_id.type.opener()
    ids = [row_id for row_id, person in _still_sealed(model, unit_id, model.person_id)
           if open_person(person) in person_ids]
    if not ids:
        return []
    return list(db.session.scalars(sa.select(model).where(model.id.in_(ids))))


def _still_sealed(model: type[Conversation] | type[FollowUp], unit_id: int, *columns) -> list[tuple]:
    """The unit's rows as (id, *columns), the columns as stored: each sealed value is opened
    (with its column type's `opener`) only once the page knows it needs it. A unit's page reads thousands of
    rows, and opening a value is most of what reading one costs."""
    stored = [sa.type_coerce(column, sa.LargeBinary) for column in columns]
    return db.session.connection().execute(sa.select(model.id, *stored).where(model.unit_id == unit_id)).all()


# -- the unit: who nobody has spoken to lately ----------------------------------------------------------

#: What "Other" counts beside the small groups: the coworkers with no department (or shift).
_NO_SEGMENT = {"department": lazy_gettext("no department"), "shift": lazy_gettext("no shift")}


@dataclass(frozen=True)
class GroupCount:
    """One department or shift (or "Other": small ones counted together)."""

    #: The department's or shift's name, or "Other" in the page's language.
    label: str
    not_spoken_to: int
    headcount: int
    #: For "Other": the names of the groups counted in it.
    merged: tuple[str, ...] = ()
    #: For "Other": whether it counts the coworkers with none (no department, or no shift) too.
    with_none: bool = False
    dimension: str = "department"
    #: The rule's "Other", not a department someone named so.
    is_other: bool = False

    @property
    def made_of(self) -> tuple[str, ...]:
        """For "Other": the groups counted in it, "no department" (or "no shift") last."""
        return self.merged + ((str(_NO_SEGMENT[self.dimension]),) if self.with_none else ())


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
        raise DomainError(gettext("Choose a number of days from 1 to %(most)d.", most=SILENCE_DAYS_MAX), field="days")
    whole_unit = policy.charts_department(actor, unit, None)
    listed = roster.of(unit)
    # Segment by segment, over the roster's columns: a large unit is never opened person by person.
    departments, shifts = people.segment_names(Department, unit), people.segment_names(Shift, unit)
    in_department = {d: set(listed.in_segment("department", d)) for d in departments}
    visible = set(listed.person_ids()) if whole_unit else set().union(
        *(members for d, members in in_department.items() if policy.charts_department(actor, unit, d)))
    in_shift = {s: set(listed.in_segment("shift", s)) for s in shifts}
    if not whole_unit:
        in_department = {d: members & visible for d, members in in_department.items()}
        in_shift = {s: members & visible for s, members in in_shift.items()}
    segments = {"department": (in_department, departments), "shift": (in_shift, shifts)}
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
    # The day first: only a recent talk's coworker needs opening.
    open_day, open_person = Conversation.held_on.type.opener(), Conversation.person_id.type.opener()
    recent = {open_person(person) for _, day, person in _still_sealed(
        Conversation, unit.id, Conversation.held_on, Conversation.person_id) if open_day(day) >= since} & visible
    # Counted, never listed: the few spoken to lately are taken from each group's size.
    quiet = len(visible) - len(recent)
    k = unit.union.release_threshold
    if len(visible) < k:
        return Silence(days, since, k, len(visible), quiet, Breakdown("department", []), Breakdown("shift", []))
    return Silence(days, since, k, len(visible), quiet,
                   *(_breakdown(dimension, members, names, len(visible), recent, k)
                     for dimension, (members, names) in segments.items()))


def _breakdown(dimension: str, members: dict[int, set[int]], names: dict[int, str], everyone: int,
               recent: set[int], k: int) -> Breakdown:
    """The groups of one dimension: `members` are each group's coworkers among the `everyone`
    counted (a coworker is in one department, and one shift, at most), `recent` those of
    them spoken to lately."""
    sizes = {segment: len(people_in) for segment, people_in in members.items()}
    unplaced = everyone - sum(sizes.values())
    plan, _ = plan_segments(_stand_ins(dimension, sizes, unplaced, k), [dimension], k)
    if not plan.dimensions:
        groups = sum(1 for size in sizes.values() if size) + bool(unplaced)
        return Breakdown(dimension, [], _all_in_one(dimension) if groups <= 1 else _too_few(dimension, k))
    kept = {int(cell[dimension]) for cell in plan.cells.values() if cell[dimension] != OTHER}
    quiet = {segment: sizes[segment] - len(recent & members[segment]) for segment in kept}
    rows = sorted((GroupCount(names[segment], quiet[segment], sizes[segment], dimension=dimension)
                   for segment in kept), key=lambda row: row.label.casefold())
    other = everyone - sum(sizes[segment] for segment in kept)
    if other:
        merged = sorted(names[segment] for segment, size in sizes.items() if size and segment not in kept)
        rows.append(GroupCount(gettext("Other"), everyone - len(recent) - sum(quiet.values()), other, tuple(merged),
                               bool(unplaced), dimension, is_other=True))
    return Breakdown(dimension, rows)


def _all_in_one(dimension: str) -> str:
    if dimension == "department":
        return gettext("They are all in one department: the count above is theirs.")
    return gettext("They are all in one shift: the count above is theirs.")


def _too_few(dimension: str, k: int) -> str:
    if dimension == "department":
        return gettext("Too few coworkers in each department to count any of them among at least %(k)d.", k=k)
    return gettext("Too few coworkers in each shift to count any of them among at least %(k)d.", k=k)


def _stand_ins(dimension: str, sizes: dict[int, int], unplaced: int, k: int) -> dict[str, dict[str, str | None]]:
    """Voters for the small-groups rule that it decides on exactly as on the coworkers themselves,
    a few dozen in place of a unit's thousands (each of whom it would read five times over).

    The rule is handed segment ids, not names (a department someone named "Other" stays
    itself). For one dimension it reads only how many voters each segment has, and of a
    segment of k or more only that it is k or more and how it ranks by size among those
    (the smallest of them may be merged into "Other", and whatever joins "Other" makes it
    at least k); of the voters with no segment, only whether they are fewer than k. So a
    group of fewer than k stands in as itself, a larger one as k plus its rank among the
    larger sizes (equal sizes, equal stand-ins: the rule then breaks the tie by id, as it
    would have), and those with no segment as at most k. A test holds this to the rule run
    over every coworker."""
    large = sorted({size for size in sizes.values() if size >= k})
    rank = {size: k + place for place, size in enumerate(large)}
    voters: dict[str, dict[str, str | None]] = {}
    for segment, size in sizes.items():
        shared = {dimension: str(segment)}
        voters.update((f"{segment}:{n}", shared) for n in range(rank.get(size, size)))
    nowhere = {dimension: None}
    voters.update((f"none:{n}", nowhere) for n in range(min(unplaced, k)))
    return voters


def _charted_by(actor: Account, unit: BargainingUnit, listed: roster.Roster | None = None) -> set[int]:
    """The coworkers on the unit's chart whose department the actor charts. The policy is
    asked department by department, over the roster's columns, never coworker by coworker."""
    listed = listed if listed is not None else roster.of(unit)
    if policy.charts_department(actor, unit, None):
        return set(listed.person_ids())
    return set().union(*(listed.in_segment("department", department) for department in
                         people.segment_names(Department, unit) if policy.charts_department(actor, unit, department)))


def _open_follow_ups(unit: BargainingUnit, visible: set[int], today: date, *, limit: int,
                     owner_id: int | None = None, due_by: date | None = None) -> tuple[list[OpenFollowUp], int]:
    """The unit's open follow-ups of these coworkers (of this owner, due by this day, when
    given), soonest due first: the first `limit` of them, and how many there are. Only the
    sealed fields needed to choose are opened, then only the rows listed are loaded."""
    # Each value is opened only when it still decides: a done follow-up needs nothing more
    # opened, another owner's neither its coworker nor its day.
    columns = (FollowUp.done_on, FollowUp.owner_id, FollowUp.due_on, FollowUp.person_id)
    open_done, open_owner, open_due, open_person = (column.type.opener() for column in columns)
    waiting = []
    for row_id, done_on, owned_by, due_on, person_id in _still_sealed(FollowUp, unit.id, *columns):
        if open_done(done_on) is not None or (owner_id is not None and open_owner(owned_by) != owner_id):
            continue
        due_on = open_due(due_on)
        if due_by is not None and due_on > due_by:
            continue
        person_id = open_person(person_id)
        if person_id in visible:
            waiting.append((due_on, row_id, person_id))
    waiting.sort()
    return _listed(waiting[:limit], today), len(waiting)


def _listed(chosen: list[tuple[date, int, int]], today: date) -> list[OpenFollowUp]:
    """The chosen follow-ups, (due day, id, coworker) soonest due first, with their steps and
    their coworkers' and owners' names. The rest of each row stays closed."""
    if not chosen:
        return []
    loaded = {row.id: row for row in db.session.execute(
        sa.select(FollowUp.id, FollowUp.unit_id, FollowUp.owner_id, FollowUp.step)
        .where(FollowUp.id.in_([row_id for _, row_id, _ in chosen])))}
    # Coworkers of the follow-ups' own unit only: a coworker charted elsewhere is not theirs to show.
    coworkers = dict(db.session.execute(sa.select(Person.id, Person.name).where(
        Person.id.in_({person_id for _, _, person_id in chosen}),
        Person.unit_id.in_({row.unit_id for row in loaded.values()}))).all())
    names = _names(row.owner_id for row in loaded.values())
    return [OpenFollowUp(row_id, loaded[row_id].step, due_on, person_id, coworkers[person_id],
                         names.get(loaded[row_id].owner_id, CLOSED_ACCOUNT), due_on < today)
            for due_on, row_id, person_id in chosen if row_id in loaded and person_id in coworkers]


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
        charted = _charted_by(actor, unit, listed)
        ids = [pid for pid in ids if pid in charted]
    ids = ids[:SEARCH_RESULTS]
    if not ids:
        return []
    found = {p.id: p for p in db.session.scalars(sa.select(Person).where(Person.id.in_(ids)))}
    return [found[pid] for pid in ids if pid in found]
