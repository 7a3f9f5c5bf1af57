"""Unions, bargaining units and their departments and shifts, each union's
privacy floors, and the headline figures (headcount, members, density) that
come straight from the chart (through the units' rosters)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext, lazy_gettext

from core.extensions import db
from core.i18n import format_number
from core.timezones import is_time_zone
from organizer import policy
from organizer.audit import services as audit
from organizer.audit.models import AuditAction
from organizer.charting import roster
from organizer.charting.models import (
    DEFAULT_COMMENT_FLOOR,
    DEFAULT_ENDORSEMENT_FLOOR,
    DEFAULT_RESULTS_FLOOR,
    BargainingUnit,
    Department,
    Person,
    Shift,
    Union,
)
from organizer.errors import DomainError
from organizer.roles import Actor

SEGMENT_MODELS: dict[str, type[Department] | type[Shift]] = {"department": Department, "shift": Shift}

#: The lowest each floor may be set to (PRIVACY.md invariant 10), by the name the settings page uses.
DEFAULT_FLOORS = {"results": DEFAULT_RESULTS_FLOOR, "endorsements": DEFAULT_ENDORSEMENT_FLOOR,
                  "comments": DEFAULT_COMMENT_FLOOR}

#: The engine refuses a k above this, so no floor may ask for more.
HIGHEST_K = 1000

HIGHEST_COMMENT_FLOOR = 10000


def create_union(name: str) -> Union:
    """A new union, with the default floors (organizers may raise them later)."""
    name = name.strip()
    if db.session.scalar(sa.select(Union.id).where(Union.name == name)) is not None:
        raise DomainError(gettext("A union with this name already exists."), field="name")
    union = Union(name=name)
    db.session.add(union)
    db.session.flush()
    return union


def lock_union(union: Union) -> None:
    """Hold the union's row until commit, so a second writer of the same union
    waits here for the first to commit. On PostgreSQL the row is taken FOR NO
    KEY UPDATE, which leaves free the inserts of rows that merely point to the
    union; on SQLite the one writer's lock is taken at BEGIN IMMEDIATE, since
    taken later it would refuse rather than wait."""
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        driver = connection.connection.driver_connection
        if not driver.in_transaction:
            driver.execute("BEGIN IMMEDIATE")
    connection.execute(sa.select(Union.id).where(Union.id == union.id).with_for_update(key_share=True))


_ORGANIZERS_ONLY = lazy_gettext("Only the union's organizers can change it.")


def create_unit(actor: Actor, union: Union, name: str) -> BargainingUnit:
    policy.require_organizer(actor, union, _ORGANIZERS_ONLY)
    name = name.strip()
    exists = sa.select(BargainingUnit.id).where(BargainingUnit.union_id == union.id, BargainingUnit.name == name)
    if db.session.scalar(exists) is not None:
        raise DomainError(gettext("This union already has a unit with this name."), field="name")
    unit = BargainingUnit(union=union, name=name)
    db.session.add(unit)
    db.session.flush()
    return unit


def add_segment(actor: Actor, unit: BargainingUnit, kind: str, name: str) -> Department | Shift:
    """Add a department or a shift to a unit."""
    policy.require_organizer(actor, unit, _ORGANIZERS_ONLY)
    model = SEGMENT_MODELS.get(kind)
    if model is None:
        raise DomainError(gettext("Choose department or shift."), field="kind")
    name = name.strip()
    if db.session.scalar(sa.select(model.id).where(model.unit_id == unit.id, model.name == name)) is not None:
        raise DomainError(_already_named(kind, name), field="name")
    segment = model(unit_id=unit.id, name=name)
    db.session.add(segment)
    db.session.flush()
    audit.record(actor, AuditAction.SEGMENT_CREATED, f"Added {kind} {name}.", unit=unit)
    return segment


def _already_named(kind: str, name: str) -> str:
    if kind == "department":
        return gettext("This unit already has a department named “%(name)s”.", name=name)
    return gettext("This unit already has a shift named “%(name)s”.", name=name)


def segment_kind(segment: Department | Shift) -> str:
    return "department" if isinstance(segment, Department) else "shift"


def rename_segment(actor: Actor, segment: Department | Shift, name: str) -> Department | Shift:
    unit = segment.unit
    policy.require_organizer(actor, unit, _ORGANIZERS_ONLY)
    kind, model, old_name, name = segment_kind(segment), type(segment), segment.name, name.strip()
    if not name:
        raise DomainError(gettext("Give the new name."), field="name")
    if name == old_name:
        return segment
    clash = sa.select(model.id).where(model.unit_id == unit.id, model.name == name, model.id != segment.id)
    if db.session.scalar(clash) is not None:
        raise DomainError(_already_named(kind, name), field="name")
    segment.name = name
    db.session.flush()
    audit.record(actor, AuditAction.SEGMENT_RENAMED, f"Renamed {kind} {old_name} to {name}.", unit=unit)
    return segment


def remove_segment(actor: Actor, segment: Department | Shift) -> int:
    """Remove a department or shift; the people charted in it keep their place on the
    chart with no department (or shift). Returns how many that was. Surveys already
    launched keep the breakdown they declared."""
    unit = segment.unit
    policy.require_organizer(actor, unit, _ORGANIZERS_ONLY)
    kind = segment_kind(segment)
    attribute = f"{kind}_id"
    # Segments are sealed, so no UPDATE can pick the people out: the roster names
    # them, and only their rows are opened and changed.
    emptied = 0
    for person in _people_by_id(roster.lock(unit).in_segment(kind, segment.id)):
        setattr(person, attribute, None)
        emptied += 1
    name = segment.name
    db.session.delete(segment)
    db.session.flush()
    audit.record(actor, AuditAction.SEGMENT_REMOVED,
                 f"Removed {kind} {name}; {emptied} charted {'person' if emptied == 1 else 'people'} "
                 f"no longer {'has' if emptied == 1 else 'have'} a {kind}.", unit=unit)
    return emptied


# -- privacy floors -------------------------------------------------------------------------------

_RESULTS_FLOOR_RANGE = lazy_gettext("The floor for results of pulse, bargaining and vote surveys must be between "
                                    "%(lowest)s (the lowest Leverage allows) and %(highest)s.")
_ENDORSEMENTS_FLOOR_RANGE = lazy_gettext("The floor for endorsement results must be between %(lowest)s (the lowest "
                                         "Leverage allows) and %(highest)s.")
_COMMENTS_FLOOR_RANGE = lazy_gettext("The floor for comments must be between %(lowest)s (the lowest Leverage "
                                     "allows) and %(highest)s.")


def update_floors(actor: Actor, union: Union, *, results: int, endorsements: int, comments: int) -> Union:
    """Raise (or bring back down) the union's floors. Never below PRIVACY.md's
    defaults: the floors defend members against whoever runs the union's surveys,
    organizers included, so the organizers cannot be the ones who lower them.
    Surveys already created keep their own k, which met the floor of its day."""
    policy.require_organizer(actor, union, _ORGANIZERS_ONLY)
    for value, field, words in ((results, "results", _RESULTS_FLOOR_RANGE),
                                (endorsements, "endorsements", _ENDORSEMENTS_FLOOR_RANGE),
                                (comments, "comments", _COMMENTS_FLOOR_RANGE)):
        lowest = DEFAULT_FLOORS[field]
        highest = HIGHEST_COMMENT_FLOOR if field == "comments" else HIGHEST_K
        if not lowest <= value <= highest:
            raise DomainError(words % {"lowest": format_number(lowest), "highest": format_number(highest)},
                              field=field)
    if comments < max(results, endorsements):
        raise DomainError(gettext("Comments need at least as many answers as any figure: raise the comment floor "
                                  "to at least the other two."), field="comments")
    before = (union.release_threshold, union.endorsement_threshold, union.comment_threshold)
    after = (results, endorsements, comments)
    if before == after:
        return union
    union.release_threshold, union.endorsement_threshold, union.comment_threshold = after
    db.session.flush()
    audit.record(actor, AuditAction.FLOORS_CHANGED,
                 "Floors set to: results {}, endorsements {}, comments {} (were {}, {}, {}).".format(*after, *before),
                 union_id=union.id)
    return union


# -- the strength evidence window -----------------------------------------------------------------

#: The shortest and longest evidence window organizers may choose, in days.
EVIDENCE_WINDOW_RANGE = (30, 365)


def set_evidence_window(actor: Actor, union: Union, days: int) -> Union:
    """How many days back strength evidence counts toward every unit's tier. Bounded so that
    neither one lucky week nor a rally of years ago can carry the tier."""
    policy.require_organizer(actor, union, _ORGANIZERS_ONLY)
    shortest, longest = EVIDENCE_WINDOW_RANGE
    if not shortest <= days <= longest:
        raise DomainError(gettext("Count evidence from %(shortest)s to %(longest)s days back.",
                                  shortest=format_number(shortest), longest=format_number(longest)), field="days")
    if days == union.evidence_window_days:
        return union
    before, union.evidence_window_days = union.evidence_window_days, days
    db.session.flush()
    audit.record(actor, AuditAction.EVIDENCE_WINDOW_CHANGED,
                 f"Strength counts evidence from the last {days} days (was {before}).", union_id=union.id)
    return union


def set_time_zone(actor: Actor, union: Union, name: str) -> Union:
    """The zone survey times of the union are typed and shown in. Times already
    stored stay the same moments (they are kept in UTC); only how they read changes."""
    policy.require_organizer(actor, union, _ORGANIZERS_ONLY)
    if not is_time_zone(name):
        raise DomainError(gettext("Choose a time zone from the list, such as America/Chicago."), field="time_zone")
    if name == union.time_zone:
        return union
    before, union.time_zone = union.time_zone, name
    db.session.flush()
    audit.record(actor, AuditAction.TIME_ZONE_CHANGED, f"Time zone set to {name} (was {before}).", union_id=union.id)
    return union


@dataclass(frozen=True)
class UnitFigures:
    unit: BargainingUnit
    headcount: int
    members: int

    @property
    def density(self) -> float | None:
        """Members / headcount; None for an empty chart rather than a misleading 0%."""
        return self.members / self.headcount if self.headcount else None


def unit_figures(units: list[BargainingUnit]) -> list[UnitFigures]:
    """Headcount and members of each unit, from the rosters' summaries (membership is
    sealed, so SQL cannot count it): one query for all the units."""
    if not units:
        return []
    summaries = roster.summaries(units)
    return [UnitFigures(unit, summaries[unit.id].headcount, summaries[unit.id].members) for unit in units]


#: Ids per query when rows are loaded by a list of ids (SQLite allows a few thousand parameters).
_IDS_PER_QUERY = 1000


def _people_by_id(ids: list[int]) -> list[Person]:
    found: list[Person] = []
    for start in range(0, len(ids), _IDS_PER_QUERY):
        found += db.session.scalars(sa.select(Person).where(Person.id.in_(ids[start:start + _IDS_PER_QUERY])))
    return found
