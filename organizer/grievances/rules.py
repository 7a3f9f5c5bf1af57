"""A union's rules for grievances, which its organizers set: the days allowed
at each step (what the union's contracts give), from when reports are counted,
and the places outside the union a member can also turn to (the labour
department, the safety agency, a worker centre).

A union that has set nothing has the defaults (`models.DEFAULT_DAYS`, counted
since the union was set up here); reading them writes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext

from core import text as words
from core.clock import today
from core.extensions import db
from organizer import policy
from organizer.accounts.models import Account
from organizer.charting.models import Union
from organizer.errors import DomainError, NotAllowed
from organizer.grievances.models import DEFAULT_DAYS, OPEN_STEPS, GrievanceRules, Referral, Step

#: The fewest and most days a contract may allow at one step.
DAYS_RANGE = (1, 365)
#: How far back reports may be counted from: a few years of history, no more.
COUNTED_SINCE_YEARS_BACK = 5
#: The most places a union lists.
MOST_REFERRALS = 20
NAME_MAX = 120
HELPS_WITH_MAX = 200
REACH_MAX = 200


@dataclass(frozen=True)
class Deadlines:
    """The days allowed at each open step, and from when reports are counted."""

    days: dict[Step, int]
    counted_since: date


def rules_of(union: Union) -> GrievanceRules:
    """The union's rules: its own, or the defaults (not stored)."""
    found = db.session.get(GrievanceRules, union.id)
    if found is not None:
        return found
    return GrievanceRules(union_id=union.id, counted_since=union.created_on,
                          **{f"days_{step.value}": days for step, days in DEFAULT_DAYS.items()})


def deadlines_of(union: Union) -> Deadlines:
    rules = rules_of(union)
    return Deadlines({step: rules.days_at(step) for step in OPEN_STEPS}, rules.counted_since)


def _require(actor: Account, union: Union) -> None:
    if not policy.sets_grievance_rules(actor, union):
        raise NotAllowed(gettext("Only the union's organizers set its rules for grievances."))


def set_deadlines(actor: Account, union: Union, deadlines: Deadlines) -> GrievanceRules:
    """The days allowed at each step, and from when reports are counted, for every unit of the union."""
    _require(actor, union)
    low, high = DAYS_RANGE
    for step in OPEN_STEPS:
        days = deadlines.days.get(step)
        if not isinstance(days, int) or not low <= days <= high:
            raise DomainError(gettext("Give from %(low)d to %(high)d days for each step.", low=low, high=high),
                              field=f"days_{step.value}")
    since = deadlines.counted_since
    earliest = today().replace(year=today().year - COUNTED_SINCE_YEARS_BACK, day=1)
    if not isinstance(since, date) or since > today():
        raise DomainError(gettext("Count reports from a day that has come, today or earlier."), field="counted_since")
    if since < earliest:
        raise DomainError(gettext("Count reports from a day within the last %(years)d years.",
                                  years=COUNTED_SINCE_YEARS_BACK), field="counted_since")
    rules = db.session.get(GrievanceRules, union.id) or GrievanceRules(union_id=union.id)
    for step in OPEN_STEPS:
        setattr(rules, f"days_{step.value}", deadlines.days[step])
    rules.counted_since = since
    db.session.add(rules)
    db.session.flush()
    return rules


def referrals_of(union: Union) -> list[Referral]:
    return list(db.session.scalars(sa.select(Referral).where(Referral.union_id == union.id).order_by(Referral.id)))


def _checked(value: str, most: int, field: str) -> str:
    value = words.trim(value or "") or ""
    if not words.has_words(value):
        raise DomainError(gettext("Fill this in."), field=field)
    if len(value) > most:
        raise DomainError(gettext("Keep it under %(most)d characters.", most=most), field=field)
    return value


def add_referral(actor: Account, union: Union, name: str, helps_with: str, reach: str) -> Referral:
    """A place members can also turn to, listed on the report page."""
    _require(actor, union)
    if len(referrals_of(union)) >= MOST_REFERRALS:
        raise DomainError(gettext("A union lists at most %(most)d places. Remove one first.", most=MOST_REFERRALS))
    referral = Referral(union_id=union.id, name=_checked(name, NAME_MAX, "name"),
                        helps_with=_checked(helps_with, HELPS_WITH_MAX, "helps_with"),
                        reach=_checked(reach, REACH_MAX, "reach"))
    db.session.add(referral)
    db.session.flush()
    return referral


def remove_referral(actor: Account, referral: Referral) -> None:
    _require(actor, referral.union)
    db.session.delete(referral)
    db.session.flush()
