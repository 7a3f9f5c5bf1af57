"""The audit log: what officers did to the chart, its segments, invitations and
surveys, written by the services as they act and read by the union's other
officers, so that puppet accounts, refilled departments and timed closes
(PRIVACY.md invariant 10) leave a trace someone else can see.

Organizers read all of their union's entries; a steward reads the entries of
the units they steward. Entries carry a day, never a time, and their words are
sealed because they name coworkers. They never say how someone was assessed,
what the notes say or how to reach anyone: stewards read them too."""

from __future__ import annotations

from typing import Protocol

import sqlalchemy as sa

from core.extensions import db
from organizer import policy
from organizer.audit.models import AuditAction, AuditEntry
from organizer.errors import NotAllowed
from organizer.roles import Actor

#: Longest description kept; longer ones are cut (they are written by the code, not typed by people).
DESCRIPTION_MAX = 300


class AuditedUnit(Protocol):
    """What the log needs of a bargaining unit (a charting.models.BargainingUnit)."""

    id: int
    union_id: int


class AuditedUnion(Protocol):
    """What the log needs of a union (a charting.models.Union)."""

    id: int


def record(actor: Actor | None, action: AuditAction, description: str, *,
           unit: AuditedUnit | None = None, union_id: int | None = None) -> AuditEntry:
    """Add one entry, about a unit or (with `union_id`) the whole union. Flushed with
    the change it describes, so the change and its entry commit or roll back together."""
    if unit is None and union_id is None:
        raise ValueError("an audit entry belongs to a unit or a union")
    entry = AuditEntry(
        union_id=unit.union_id if unit is not None else union_id,
        unit_id=unit.id if unit is not None else None,
        # Builders of test data act as organizers without an account; they leave no actor.
        actor_account_id=getattr(actor, "id", None),
        action=action,
        description=" ".join(description.split())[:DESCRIPTION_MAX],
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def can_read_unit_log(actor: Actor, unit: AuditedUnit) -> bool:
    return policy.is_officer_of(actor, unit)


def union_log(actor: Actor, union: AuditedUnion) -> list[AuditEntry]:
    """Every entry of the union, newest first: for its organizers."""
    policy.require_organizer(actor, union, "Only the union's organizers read its whole log.")
    return _entries(AuditEntry.union_id == union.id)


def unit_log(actor: Actor, unit: AuditedUnit) -> list[AuditEntry]:
    """The entries about one unit, newest first: for its stewards and the union's organizers."""
    if not can_read_unit_log(actor, unit):
        raise NotAllowed("Only the unit's stewards and the union's organizers read its log.")
    return _entries(AuditEntry.unit_id == unit.id)


def _entries(where: sa.ColumnElement[bool]) -> list[AuditEntry]:
    # Newest first by day, then by id within a day (the id only orders entries of one day,
    # which the page shows without any time).
    return list(db.session.scalars(sa.select(AuditEntry).where(where)
                                   .order_by(AuditEntry.recorded_on.desc(), AuditEntry.id.desc())))
