"""Loaders of claims, demands and the unit's demands (see charting.loaders)."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from organizer.charting.loaders import get_or_404
from organizer.charting.models import BargainingUnit
from organizer.demands.models import Claim, Demand
from organizer.roles import Role


def get_unit_for_demand_readers_or_404(unit_id: int) -> BargainingUnit:
    """All of a unit's demands are for its stewards and its union's organizers."""
    unit = get_or_404(BargainingUnit, unit_id)
    if not (unit.id in current_user.unit_ids_as(Role.STEWARD) or unit.union_id in current_user.organizer_union_ids()):
        abort(404)
    return unit


def get_demand_for_author_or_404(demand_id: int) -> Demand:
    demand = get_or_404(Demand, demand_id)
    if demand.account_id != current_user.id:
        abort(404)
    return demand


def get_claim_for_author_or_404(claim_id: int) -> Claim:
    claim = get_or_404(Claim, claim_id)
    if claim.account_id != current_user.id:
        abort(404)
    return claim


def get_demand_for_steward_or_404(demand_id: int) -> Demand:
    demand = get_or_404(Demand, demand_id)
    if demand.unit_id not in current_user.unit_ids_as(Role.STEWARD):
        abort(404)
    return demand
