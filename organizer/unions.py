"""Unions, bargaining units and their departments and shifts, and the headline
figures (headcount, members, density) that come straight from the chart."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from core.extensions import db
from organizer.errors import DomainError, NotAllowed
from organizer.models import Account, BargainingUnit, Department, Person, Shift, Union

SEGMENT_MODELS: dict[str, type[Department] | type[Shift]] = {"department": Department, "shift": Shift}


def create_union(name: str, release_threshold: int = 5) -> Union:
    name = name.strip()
    if db.session.scalar(sa.select(Union.id).where(Union.name == name)) is not None:
        raise DomainError("A union with this name already exists.", field="name")
    union = Union(name=name, release_threshold=release_threshold)
    db.session.add(union)
    db.session.flush()
    return union


def _require_organizer(actor: Account, union_id: int) -> None:
    if union_id not in actor.organizer_union_ids():
        raise NotAllowed("Only the union's organizers can change it.")


def create_unit(actor: Account, union: Union, name: str) -> BargainingUnit:
    _require_organizer(actor, union.id)
    name = name.strip()
    exists = sa.select(BargainingUnit.id).where(BargainingUnit.union_id == union.id, BargainingUnit.name == name)
    if db.session.scalar(exists) is not None:
        raise DomainError("This union already has a unit with this name.", field="name")
    unit = BargainingUnit(union=union, name=name)
    db.session.add(unit)
    db.session.flush()
    return unit


def add_segment(actor: Account, unit: BargainingUnit, kind: str, name: str) -> Department | Shift:
    """Add a department or a shift to a unit."""
    _require_organizer(actor, unit.union_id)
    model = SEGMENT_MODELS.get(kind)
    if model is None:
        raise DomainError("Choose department or shift.", field="kind")
    name = name.strip()
    if db.session.scalar(sa.select(model.id).where(model.unit_id == unit.id, model.name == name)) is not None:
        raise DomainError(f"This unit already has a {kind} named {name!r}.", field="name")
    segment = model(unit_id=unit.id, name=name)
    db.session.add(segment)
    db.session.flush()
    return segment


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
    if not units:
        return []
    rows = db.session.execute(
        sa.select(Person.unit_id, sa.func.count(), sa.func.sum(sa.case((Person.is_member, 1), else_=0)))
        .where(Person.unit_id.in_([u.id for u in units]))
        .group_by(Person.unit_id)
    ).all()
    counts = {unit_id: (headcount, int(members or 0)) for unit_id, headcount, members in rows}
    return [UnitFigures(unit, *counts.get(unit.id, (0, 0))) for unit in units]
