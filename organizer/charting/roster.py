"""The unit roster: one sealed value per unit with what its pages filter, sort
and count, so that no page opens every coworker's row.

Why. A coworker's department, shift, membership and assessment are sealed one
by one (see `Person`), precisely so that a copy of the database cannot group
people: who shares a shift, who is a member. SQL can therefore neither filter
nor count them, and a deterministic index on them would give the grouping
back (equal tokens are equal values). Opening all 10,000 rows of a large unit
for every page took seconds. So each unit has one `UnitRoster` row holding,
for every person on its chart: the person's id, department and shift ids,
account id, the day of their last move, assessment, membership, an 8-byte
keyed tag of their email and a folded key of their name (`name_key`), sealed
as one AES-GCM value under the application key; beside it, a small sealed
summary (headcount, members, people at each assessment level) for the pages
that only count. Reading a unit is one row and one decryption (about 60 bytes
a person: 600 KB and well under a millisecond of AES-GCM at 10,000 people);
the layout is columnar (each field contiguous, parsed by `array.frombytes`)
and kept sorted by name, so reading it makes almost no Python objects, and
filtering, searching and paging the chart run over these columns in memory
before the page's 50 people are loaded by id.

What it hides. A reader of the database sees one blob per unit, whose size
gives the headcount (which `people.unit_id` gives already) and the total
length of the names' keys. Nothing in it can be grouped or joined in SQL, and
nothing new is in the clear: no blind index was added for names, segments or
membership. The name search looks for a substring of the name key in memory,
so it needs no searchable token on disk at all; a deterministic per-name
index would also have told a reader which two people of a unit share a name.
The duplicate checks (same name, same email) ask the roster, under the lock
below, and open only the rows whose key or tag matches. The roster holds the
links from people to accounts that `Account.person_id` seals, under the same
key, so it tells the key's holder nothing more; on PostgreSQL its row is
rewritten in the transaction that makes an account, which its system columns
show, but not whose account it is.

How it stays true. Every flush that inserts, changes or deletes a `Person`,
or links or unlinks an account (the accounts package watches its own rows
through `watch_links`), rewrites the rosters it touches in the same flush, so
the roster commits or rolls back with the change; no service has to remember
to do it, and code that charts people directly (demos, benchmarks, tests)
keeps it true as well. (A bulk UPDATE or DELETE statement on `people` would
bypass the flush, and so the roster; none is used.) Before such a flush
writes anything, the unit is locked: on PostgreSQL its `bargaining_units`
row, FOR NO KEY UPDATE, which makes a second writer of the same unit wait but
not the inserts of rows that merely point to the unit (their foreign-key
checks take a KEY SHARE lock, which it leaves free); on SQLite the write lock
is taken up front (BEGIN IMMEDIATE), since a deferred transaction that read
the roster before another writer committed would write back a stale copy.
Services that check before they write (`lock`) take the same lock first, so
two organizers adding the same name at once cannot both pass the check.
Within a transaction that holds the lock, the roster read under it is kept
in the session and updated in place; it is forgotten when the transaction
(or a savepoint) ends. What it costs: every change to a unit's people
rewrites its whole roster (at 10,000 people, about 600 KB and a few
milliseconds), and writers of one unit take turns.

If a unit has no roster row (a unit built by plain SQL) or one of an unknown
format, it is rebuilt from the people, once, by opening them; the next write
stores it. Migration 0015 built the rosters of units that existed before.
"""

from __future__ import annotations

import logging
import struct
import sys
import unicodedata
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from core.clock import today
from core.extensions import db
from core.sealing import blind_index
from crypto.fields import normalize_email
from organizer.charting.models import ASSESSMENT_LABELS, BargainingUnit, Person, UnitRoster

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
#: version, unit id, number of people, bytes of their name keys.
_HEADER = struct.Struct("<BQII")
#: version, unit id, headcount, members, people at each assessment level 0-5.
_SUMMARY = struct.Struct("<BQII" + "I" * len(ASSESSMENT_LABELS))
#: Bytes of the keyed email tag: enough that two different emails of one unit almost
#: never share one (and a shared tag only means one more row opened to compare).
EMAIL_TAG_BYTES = 8
_NO_EMAIL = bytes(EMAIL_TAG_BYTES)
_EMAIL_PURPOSE = b"roster.email"
#: Names are joined with a character `name_key` never keeps.
_NAME_SEPARATOR = "\x00"
_LITTLE_ENDIAN = sys.byteorder == "little"

#: How many coworkers one page of the chart may list.
CHART_PAGE_SIZES = (25, 50, 100, 200)
DEFAULT_CHART_PAGE_SIZE = 50

if array("Q").itemsize != 8 or array("I").itemsize != 4:  # pragma: no cover - every platform Python runs on
    raise ImportError("the roster needs 8-byte 'Q' and 4-byte 'I' arrays")


class RosterFormatError(ValueError):
    """A stored roster that does not decode: altered, or from another version."""


def name_key(name: str) -> str:
    """The spelling of a name that search, sorting and the duplicate check compare:
    case, accents, invisible characters and runs of spaces do not count, so
    "jose  garcia" finds "José García". Two names that differ only in case and
    spacing always share a key (the duplicate check relies on it)."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    kept = "".join(ch for ch in decomposed
                   if not unicodedata.combining(ch) and not unicodedata.category(ch).startswith("C"))
    return " ".join(unicodedata.normalize("NFC", kept).casefold().split())


def email_tag(email: str | None) -> bytes:
    """A short keyed tag of a normalised email, for the duplicate check; all zeros for none."""
    if not email:
        return _NO_EMAIL
    return blind_index(normalize_email(email), _EMAIL_PURPOSE)[:EMAIL_TAG_BYTES]


class RosterEntry(NamedTuple):
    """What the roster holds of one person."""

    person_id: int
    department_id: int | None
    shift_id: int | None
    #: The account linked to the person, if any (kept by `Roster.link`, not `Roster.put`).
    account_id: int | None
    segment_changed_on: date
    assessment: int
    is_member: bool
    email_tag: bytes
    name_key: str


def entry_of(person: Person) -> RosterEntry:
    """A person's entry, from the (opened) row. Defaults stand in for values a
    pending row has not been given yet."""
    return RosterEntry(
        person_id=person.id, department_id=person.department_id, shift_id=person.shift_id, account_id=None,
        segment_changed_on=person.segment_changed_on or today(), assessment=person.assessment or 0,
        is_member=bool(person.is_member), email_tag=email_tag(person.email), name_key=name_key(person.name))


@dataclass(frozen=True)
class RosterSummary:
    """The counts pages show, over the whole unit."""

    headcount: int
    members: int
    #: People at each assessment level (ASSESSMENT_LABELS' keys, 0 = not yet assessed).
    counts_by_assessment: dict[int, int] = field(default_factory=dict)

    def to_bytes(self, unit_id: int) -> bytes:
        return _SUMMARY.pack(FORMAT_VERSION, unit_id, self.headcount, self.members,
                             *(self.counts_by_assessment.get(level, 0) for level in ASSESSMENT_LABELS))

    @classmethod
    def from_bytes(cls, data: bytes, unit_id: int) -> RosterSummary:
        if len(data) != _SUMMARY.size:
            raise RosterFormatError("roster summary of the wrong size")
        version, stored_unit, headcount, members, *levels = _SUMMARY.unpack(data)
        if version != FORMAT_VERSION:
            raise RosterFormatError(f"unknown roster version {version}")
        if stored_unit != unit_id:
            raise RosterFormatError("this roster summary belongs to another unit")
        return cls(headcount, members, dict(zip(ASSESSMENT_LABELS, levels)))


class Roster:
    """One unit's people, as columns sorted by (name key, person id). 0 stands for
    "none" in the id columns (no row of any table has id 0)."""

    def __init__(self, unit_id: int) -> None:
        self.unit_id = unit_id
        #: False for a roster rebuilt from the people and not yet written back.
        self.is_stored = True
        self._ids = array("Q")
        self._departments = array("Q")
        self._shifts = array("Q")
        self._accounts = array("Q")
        self._days = array("I")
        self._assessments = array("B")
        self._members = array("B")
        self._tags = bytearray()
        self._names: list[str] = []

    def _columns(self) -> tuple[array, ...]:
        return (self._ids, self._departments, self._shifts, self._accounts, self._days, self._assessments,
                self._members)

    def __len__(self) -> int:
        return len(self._ids)

    # -- reading ----------------------------------------------------------------------------------

    @property
    def summary(self) -> RosterSummary:
        levels = self._assessments.tobytes()
        return RosterSummary(len(self), self._members.tobytes().count(1),
                             {level: levels.count(level) for level in ASSESSMENT_LABELS})

    def person_ids(self) -> list[int]:
        """Everyone, in chart order."""
        return self._ids.tolist()

    def entry(self, person_id: int) -> RosterEntry | None:
        at = self._index(person_id)
        return None if at is None else self._entry_at(at)

    def entries(self) -> Iterator[RosterEntry]:
        return (self._entry_at(at) for at in range(len(self)))

    def account_of(self, person_id: int) -> int | None:
        at = self._index(person_id)
        return (self._accounts[at] or None) if at is not None else None

    def accounts(self) -> dict[int, int]:
        """Account id of each person who has one, by person id."""
        return {person: account for person, account in zip(self._ids, self._accounts) if account}

    def linked(self) -> dict[int, RosterEntry]:
        """The people who have an account, by account id."""
        return {self._accounts[at]: self._entry_at(at) for at in range(len(self)) if self._accounts[at]}

    def summary_in(self, department_ids: Collection[int]) -> RosterSummary:
        """The counts over the people of these departments only (a committee member's part of the unit)."""
        at = self._in_departments(department_ids)
        levels = bytes(self._assessments[i] for i in at)
        return RosterSummary(len(at), sum(self._members[i] for i in at),
                             {level: levels.count(level) for level in ASSESSMENT_LABELS})

    def _in_departments(self, department_ids: Collection[int]) -> list[int]:
        wanted = set(department_ids)
        return [i for i, department in enumerate(self._departments) if department in wanted]

    def matching(self, *, department_id: int | None = None, shift_id: int | None = None,
                 assessment: int | None = None, is_member: bool | None = None,
                 search: str | None = None, within: Collection[int] | None = None) -> list[int]:
        """Ids of the people who match every filter given, in chart order. `search`
        is a part of a name, compared by `name_key`; `within`, when given, keeps the
        people of those departments only (and nobody without a department)."""
        at: Iterable[int] = range(len(self)) if within is None else self._in_departments(within)
        if department_id is not None:
            at = [i for i in at if self._departments[i] == department_id]
        if shift_id is not None:
            at = [i for i in at if self._shifts[i] == shift_id]
        if assessment is not None:
            at = [i for i in at if self._assessments[i] == assessment]
        if is_member is not None:
            at = [i for i in at if self._members[i] == is_member]
        needle = name_key(search) if search else ""
        if needle:
            at = [i for i in at if needle in self._names[i]]
        if isinstance(at, range):
            return self._ids.tolist()
        ids = self._ids
        return [ids[i] for i in at]

    def named(self, key: str) -> list[int]:
        """Ids of the people whose name key is exactly `key`."""
        low = bisect_left(self._names, key)
        return self._ids[low:bisect_right(self._names, key, low)].tolist()

    def with_email_tag(self, tag: bytes) -> list[int]:
        """Ids of the people whose email has this tag."""
        found, start = [], self._tags.find(tag)
        while start != -1:
            if start % EMAIL_TAG_BYTES == 0:
                found.append(self._ids[start // EMAIL_TAG_BYTES])
                start = self._tags.find(tag, start + EMAIL_TAG_BYTES)
            else:
                start = self._tags.find(tag, start + 1)
        return found

    def in_segment(self, kind: str, segment_id: int) -> list[int]:
        """Ids of the people in a department (`kind` "department") or shift."""
        column = self._departments if kind == "department" else self._shifts
        return [person for person, segment in zip(self._ids, column) if segment == segment_id]

    def _index(self, person_id: int) -> int | None:
        try:
            return self._ids.index(person_id)
        except ValueError:
            return None

    def _entry_at(self, at: int) -> RosterEntry:
        tag = bytes(self._tags[at * EMAIL_TAG_BYTES:(at + 1) * EMAIL_TAG_BYTES])
        return RosterEntry(self._ids[at], self._departments[at] or None, self._shifts[at] or None,
                           self._accounts[at] or None, date.fromordinal(self._days[at]), self._assessments[at],
                           bool(self._members[at]), tag, self._names[at])

    # -- changing (in memory; the flush hooks below store it) ---------------------------------------

    def put(self, entry: RosterEntry) -> bool:
        """Add or replace a person's entry; True when something changed. The account
        link is kept as it was (only `link` changes it)."""
        at = self._index(entry.person_id)
        account = 0
        if at is not None:
            before = self._entry_at(at)
            if before._replace(account_id=None) == entry._replace(account_id=None):
                return False
            account = self._accounts[at]
            self._remove_at(at)
        if len(entry.email_tag) != EMAIL_TAG_BYTES or entry.assessment not in ASSESSMENT_LABELS:
            raise ValueError("a roster entry needs an 8-byte email tag and an assessment of 0-5")
        key = entry.name_key
        low = bisect_left(self._names, key)
        high = bisect_right(self._names, key, low)
        position = next((i for i in range(low, high) if self._ids[i] > entry.person_id), high)
        values = (entry.person_id, entry.department_id or 0, entry.shift_id or 0, account,
                  entry.segment_changed_on.toordinal(), entry.assessment, int(entry.is_member))
        for column, value in zip(self._columns(), values):
            column.insert(position, value)
        self._tags[position * EMAIL_TAG_BYTES:position * EMAIL_TAG_BYTES] = entry.email_tag
        self._names.insert(position, key)
        return True

    def discard(self, person_id: int) -> bool:
        at = self._index(person_id)
        if at is None:
            return False
        self._remove_at(at)
        return True

    def link(self, person_id: int, account_id: int | None) -> bool:
        """Link a person to an account (None: unlink); False when the person is not listed."""
        at = self._index(person_id)
        if at is None:
            return False
        self._accounts[at] = account_id or 0
        return True

    def _remove_at(self, at: int) -> None:
        for column in self._columns():
            del column[at]
        del self._tags[at * EMAIL_TAG_BYTES:(at + 1) * EMAIL_TAG_BYTES]
        del self._names[at]

    # -- the stored form --------------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        names = _NAME_SEPARATOR.join(self._names).encode("utf-8")
        parts = [_HEADER.pack(FORMAT_VERSION, self.unit_id, len(self), len(names))]
        for column in self._columns():
            parts.append(column.tobytes() if _LITTLE_ENDIAN else _swapped(column).tobytes())
        parts.append(bytes(self._tags))
        parts.append(names)
        return b"".join(parts)

    @classmethod
    def from_bytes(cls, data: bytes, unit_id: int) -> Roster:
        if len(data) < _HEADER.size:
            raise RosterFormatError("roster truncated")
        version, stored_unit, count, names_size = _HEADER.unpack_from(data)
        if version != FORMAT_VERSION:
            raise RosterFormatError(f"unknown roster version {version}")
        if stored_unit != unit_id:
            raise RosterFormatError("this roster belongs to another unit")
        roster = cls(unit_id)
        offset = _HEADER.size
        for column in roster._columns():
            end = offset + count * column.itemsize
            if end > len(data):
                raise RosterFormatError("roster truncated")
            column.frombytes(data[offset:end])
            if not _LITTLE_ENDIAN:
                column.byteswap()
            offset = end
        end = offset + count * EMAIL_TAG_BYTES
        if end + names_size != len(data):
            raise RosterFormatError("roster truncated, or with bytes after its end")
        roster._tags = bytearray(data[offset:end])
        roster._names = data[end:].decode("utf-8").split(_NAME_SEPARATOR) if count else []
        if len(roster._names) != count:
            raise RosterFormatError("the roster's names do not match its people")
        return roster


def _swapped(column: array) -> array:
    copy = array(column.typecode, column)
    copy.byteswap()
    return copy


# -- reading a unit's roster ----------------------------------------------------------------------

def of(unit: BargainingUnit) -> Roster:
    """The unit's roster as the database holds it now (pending changes flushed first)."""
    session = _session()
    _flush_pending(session)
    held = _held(session).get(unit.id)
    if held is not None:
        return held
    stored = session.connection().execute(
        sa.select(UnitRoster.entries).where(UnitRoster.unit_id == unit.id)).scalar()
    return _decoded(session, unit.id, stored)


def summaries(units: Sequence[BargainingUnit]) -> dict[int, RosterSummary]:
    """The summary of each unit, by unit id: one query for all of them."""
    session = _session()
    _flush_pending(session)
    held = _held(session)
    found = {unit.id: held[unit.id].summary for unit in units if unit.id in held}
    wanted = [unit.id for unit in units if unit.id not in found]
    if wanted:
        stored = dict(session.connection().execute(
            sa.select(UnitRoster.unit_id, UnitRoster.summary).where(UnitRoster.unit_id.in_(wanted))).all())
        for unit_id in wanted:
            try:
                found[unit_id] = RosterSummary.from_bytes(stored[unit_id], unit_id)
            except (KeyError, RosterFormatError):
                found[unit_id] = _rebuilt(session, unit_id).summary
    return found


def lock(unit: BargainingUnit) -> Roster:
    """Lock the unit's roster for the rest of the transaction and return it: for
    services that check the roster before they change the unit's people."""
    session = _session()
    _flush_pending(session)
    return _lock_and_load(session, unit.id)


def _session() -> Session:
    return db.session()


def _flush_pending(session: Session) -> None:
    # What a query would see after its autoflush: the roster must include the
    # people this transaction has added but not yet flushed.
    if session.autoflush:
        session.flush()


def _decoded(session: Session, unit_id: int, stored: bytes | None) -> Roster:
    if stored is None:
        return _rebuilt(session, unit_id)
    try:
        return Roster.from_bytes(stored, unit_id)
    except RosterFormatError as unreadable:
        log.warning("rebuilding the roster of unit %s: %s", unit_id, unreadable)
        return _rebuilt(session, unit_id)


#: Functions that give the account links of a unit's people (person id -> account id),
#: for a rebuild. The accounts package, above this one, registers its own.
_LINK_SOURCES: list[Callable[[Session, int], dict[int, int]]] = []


def register_link_source(source: Callable[[Session, int], dict[int, int]]) -> None:
    _LINK_SOURCES.append(source)


def _rebuilt(session: Session, unit_id: int) -> Roster:
    """The roster made afresh from the unit's people (each row opened once)."""
    roster = Roster(unit_id)
    roster.is_stored = False
    with session.no_autoflush:
        for person in session.scalars(sa.select(Person).where(Person.unit_id == unit_id)):
            roster.put(entry_of(person))
        for source in _LINK_SOURCES:
            for person_id, account_id in source(session, unit_id).items():
                roster.link(person_id, account_id)
    return roster


# -- keeping it true: the lock and the flush hooks ------------------------------------------------

#: session.info keys: rosters read under this transaction's lock, and what the current flush changes.
_HELD = "leverage.held_rosters"
_PLAN = "leverage.roster_plan"


def _held(session: Session) -> dict[int, Roster]:
    return session.info.setdefault(_HELD, {})


def _lock_and_load(session: Session, unit_id: int) -> Roster:
    held = _held(session)
    if unit_id in held:
        return held[unit_id]
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        driver = connection.connection.driver_connection
        if not driver.in_transaction:
            driver.execute("BEGIN IMMEDIATE")
    connection.execute(sa.select(BargainingUnit.id).where(BargainingUnit.id == unit_id)
                       .with_for_update(key_share=True))
    stored = connection.execute(sa.select(UnitRoster.entries).where(UnitRoster.unit_id == unit_id)).scalar()
    roster = _decoded(session, unit_id, stored)
    held[unit_id] = roster
    return roster


def _store(session: Session, roster: Roster) -> None:
    table = UnitRoster.__table__
    values = {"summary": roster.summary.to_bytes(roster.unit_id), "entries": roster.to_bytes()}
    connection = session.connection()
    updated = connection.execute(table.update().where(table.c.unit_id == roster.unit_id).values(**values))
    if not updated.rowcount:
        connection.execute(table.insert().values(unit_id=roster.unit_id, **values))
    roster.is_stored = True


class LinkChange(NamedTuple):
    """A person's account link made or undone by the flush under way."""

    person_id: int
    #: The account (its id is read after the flush, when a new one has it).
    account: object
    linked: bool


#: Functions that name the account links the flush under way changes.
_LINK_WATCHERS: list[Callable[[Session], Iterable[LinkChange]]] = []


def watch_links(watcher: Callable[[Session], Iterable[LinkChange]]) -> None:
    _LINK_WATCHERS.append(watcher)


@dataclass
class _FlushPlan:
    units_to_lock: set[int] = field(default_factory=set)
    new_units: list[BargainingUnit] = field(default_factory=list)
    deleted_units: set[int] = field(default_factory=set)
    new_people: list[Person] = field(default_factory=list)
    #: (unit before, unit after, entry) of each changed person, read before the flush.
    changed_people: list[tuple[int | None, int, RosterEntry]] = field(default_factory=list)
    deleted_people: list[tuple[int, int]] = field(default_factory=list)
    links: list[tuple[int, LinkChange]] = field(default_factory=list)


def _unit_id_of(person: Person) -> int | None:
    if person.unit_id is not None:
        return person.unit_id
    return person.unit.id if person.unit is not None else None


def _earlier_unit_id(person: Person) -> int | None:
    history = sa.inspect(person).attrs.unit_id.history
    return history.deleted[0] if history.deleted else person.unit_id


@event.listens_for(Session, "before_flush")
def _plan_roster_changes(session: Session, flush_context, instances) -> None:
    session.info.pop(_PLAN, None)
    plan = _FlushPlan()
    for obj in session.new:
        if isinstance(obj, Person):
            plan.new_people.append(obj)
            if (unit_id := _unit_id_of(obj)) is not None:
                plan.units_to_lock.add(unit_id)
        elif isinstance(obj, BargainingUnit):
            plan.new_units.append(obj)
    for obj in session.deleted:
        if isinstance(obj, Person):
            plan.deleted_people.append((obj.unit_id, obj.id))
            plan.units_to_lock.add(obj.unit_id)
        elif isinstance(obj, BargainingUnit):
            plan.deleted_units.add(obj.id)
    for obj in session.dirty:
        if isinstance(obj, Person) and session.is_modified(obj):
            before, after = _earlier_unit_id(obj), obj.unit_id
            plan.changed_people.append((before, after, entry_of(obj)))
            plan.units_to_lock.update(unit for unit in (before, after) if unit is not None)
    for watcher in _LINK_WATCHERS:
        for change in watcher(session):
            person = session.get(Person, change.person_id) if change.person_id is not None else None
            if person is not None and person.unit_id is not None:
                plan.links.append((person.unit_id, change))
                plan.units_to_lock.add(person.unit_id)
    if not (plan.units_to_lock or plan.new_units):
        return
    # Always in the same order, so two writers of the same units cannot deadlock.
    for unit_id in sorted(plan.units_to_lock - plan.deleted_units):
        _lock_and_load(session, unit_id)
    session.info[_PLAN] = plan


@event.listens_for(Session, "after_flush")
def _store_roster_changes(session: Session, flush_context) -> None:
    plan: _FlushPlan | None = session.info.pop(_PLAN, None)
    if plan is None:
        return
    held = _held(session)
    changed: set[int] = set()

    def roster_of(unit_id: int) -> Roster:
        return held[unit_id] if unit_id in held else _lock_and_load(session, unit_id)

    for unit in plan.new_units:
        # Nobody else can see a unit created in this transaction: its roster needs no lock.
        held.setdefault(unit.id, Roster(unit.id))
        changed.add(unit.id)
    for person in plan.new_people:
        if roster_of(person.unit_id).put(entry_of(person)):
            changed.add(person.unit_id)
    for before, after, entry in plan.changed_people:
        if before is not None and before != after and roster_of(before).discard(entry.person_id):
            changed.add(before)
        if roster_of(after).put(entry):
            changed.add(after)
    for unit_id, person_id in plan.deleted_people:
        if unit_id not in plan.deleted_units and roster_of(unit_id).discard(person_id):
            changed.add(unit_id)
    for unit_id, change in plan.links:
        roster = roster_of(unit_id)
        account_id = change.account.id
        if change.linked:
            roster.link(change.person_id, account_id)
        elif roster.account_of(change.person_id) == account_id:
            roster.link(change.person_id, None)
        changed.add(unit_id)
    # A roster rebuilt under the lock is written back with the first flush that needed it.
    changed.update(unit_id for unit_id, roster in held.items() if not roster.is_stored)
    for unit_id in sorted(changed - plan.deleted_units):
        _store(session, held[unit_id])


@event.listens_for(Session, "after_transaction_end")
def _forget_held_rosters(session: Session, transaction) -> None:
    # The flush's own inner transaction ends too; only the end of the whole
    # transaction (or a savepoint, whose rollback undoes roster writes) matters.
    if transaction.parent is None or transaction.nested:
        session.info.pop(_HELD, None)
        session.info.pop(_PLAN, None)
