"""How many members reported each kind of problem: counted, never exposed.

Per unit, a figure is the number of members (each once, however many reports
they filed) who reported since the union's counting day: all kinds together,
and each kind. A figure is released only when at least k members stand behind
it (k: the union's floor for results) and showing it lets nobody work out, by
setting it against every figure of the unit released before, how many of
fewer than k members reported: the engine's differencing rule itself
(`surveys.release.decide_release`), with each figure's set of reporters as a
group, and every earlier release's sets and the unit's members on Leverage as
what the reader already holds: an organizer knows who has an account, so "12
members reported" in a unit where 13 have one would say that all but one did. So
"17 since June" does not become "18" the day one more member reports: it stays
until k more have, and then moves by k or more.

Releases are made by a job (`release_counts`), never by a page: the strength
page and the bargaining summary read the newest figure released for each
kind. Each release keeps the sets it showed, sealed (`CountRelease`), since
the next one is judged against them. The sets hold keyed hashes of accounts
(`Grievance.reporter_ref`), never an id."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext, ngettext

from core.clock import today
from core.extensions import db
from core.i18n import format_day, format_number
from organizer.accounts.models import Account, RoleAssignment
from organizer.charting.models import BargainingUnit
from organizer.grievances.models import CountRelease, Grievance, ProblemKind
from organizer.grievances.rules import rules_of
from organizer.grievances.services import reporter_ref
from organizer.roles import Role
from surveys.release import GroupSpec, decide_release

#: The figure of every kind together.
ALL = "all"

@dataclass(frozen=True)
class CountFigure:
    """One figure released: how many members reported (one kind, or any), since when, as of when."""

    kind: ProblemKind | None
    members: int
    since: date
    released_on: date

    @property
    def sentence(self) -> str:
        """"17 members reported a problem with pay and hours since June 1, 2026"."""
        if self.kind is None:
            return ngettext("%(count)s member reported a problem at work since %(day)s",
                            "%(count)s members reported a problem at work since %(day)s", self.members,
                            count=format_number(self.members), day=format_day(self.since))
        return ngettext("%(count)s member reported a problem with %(kind)s since %(day)s",
                        "%(count)s members reported a problem with %(kind)s since %(day)s", self.members,
                        count=format_number(self.members), kind=self.kind.phrase, day=format_day(self.since))


@dataclass(frozen=True)
class ReleasedCounts:
    """What the pages show of a unit's reports: the figures released, the largest first."""

    k: int
    whole: CountFigure | None
    kinds: tuple[CountFigure, ...]

    @property
    def is_empty(self) -> bool:
        return self.whole is None and not self.kinds

    @property
    def hidden_below(self) -> str:
        return gettext("A kind of problem fewer than %(k)d members reported is not shown, nor is a change of fewer "
                       "than %(k)d since the last figure: nobody can work out who reported.", k=self.k)


def _k(unit: BargainingUnit) -> int:
    return unit.union.release_threshold


def current_sets(unit: BargainingUnit, since: date) -> dict[str, frozenset[str]]:
    """The members (as keyed hashes) who reported since `since`: of any kind, and of each kind."""
    sets: dict[str, set[str]] = defaultdict(set)
    for grievance in db.session.scalars(sa.select(Grievance).where(Grievance.unit_id == unit.id)):
        if grievance.filed_on >= since:
            sets[ALL].add(grievance.reporter_ref)
            sets[grievance.kind.value].add(grievance.reporter_ref)
    return {key: frozenset(members) for key, members in sets.items()}


def _members_on_leverage(unit: BargainingUnit) -> frozenset[str]:
    """The unit's member accounts, as the keyed hashes reports carry."""
    accounts = db.session.scalars(sa.select(Account).join(RoleAssignment).where(
        RoleAssignment.role == Role.MEMBER, RoleAssignment.unit_id == unit.id))
    return frozenset(reporter_ref(account) for account in accounts)


def _releases(unit: BargainingUnit) -> list[tuple[CountRelease, dict[str, frozenset[str]]]]:
    rows = db.session.scalars(sa.select(CountRelease).where(CountRelease.unit_id == unit.id).order_by(CountRelease.id))
    return [(row, {key: frozenset(members) for key, members in json.loads(row.figures).items()}) for row in rows]


def release_for(unit: BargainingUnit) -> CountRelease | None:
    """Release the unit's figures that changed and may be shown now; None when none may."""
    k, since = _k(unit), rules_of(unit.union).counted_since
    earlier = _releases(unit)
    held = [_members_on_leverage(unit), *(members for _, figures in earlier for members in figures.values())]
    latest = {key: members for _, figures in earlier for key, members in figures.items()}
    approved: dict[str, frozenset[str]] = {}
    now = current_sets(unit, since)
    for key in (ALL, *(kind.value for kind in ProblemKind)):
        members = now.get(key, frozenset())
        if len(members) < k or latest.get(key) == members:
            continue
        # Judged against everything shown before, this release's earlier figures included.
        decision, = decide_release([GroupSpec(key, None, key, frozenset({key}))], {key: members}, k,
                                   earlier_released=held)
        if decision.approved:
            approved[key] = members
            held.append(members)
    if not approved:
        return None
    release = CountRelease(unit_id=unit.id, released_on=today(), since=since,
                           figures=json.dumps({key: sorted(members) for key, members in approved.items()}))
    db.session.add(release)
    db.session.flush()
    return release


def release_counts() -> int:
    """Release the counts of members' reports that may be shown now, unit by unit; how many units had new ones."""
    unit_ids = db.session.scalars(sa.select(Grievance.unit_id).distinct().order_by(Grievance.unit_id))
    return sum(release_for(db.session.get(BargainingUnit, unit_id)) is not None for unit_id in list(unit_ids))


def released_counts(unit: BargainingUnit) -> ReleasedCounts:
    """The newest figure released for each kind (and for all kinds together)."""
    newest: dict[str, CountFigure] = {}
    for row, figures in _releases(unit):
        for key, members in figures.items():
            newest[key] = CountFigure(None if key == ALL else ProblemKind(key), len(members), row.since,
                                      row.released_on)
    kinds = sorted((figure for key, figure in newest.items() if key != ALL), key=lambda f: (-f.members, f.kind.value))
    return ReleasedCounts(_k(unit), newest.get(ALL), tuple(kinds))
