"""Loaders of claims, demands and the unit's demands (see charting.loaders)."""

from __future__ import annotations

from flask_login import current_user

from organizer import policy
from organizer.charting.loaders import allowed_or_404, get_or_404, get_unit_for_officer_or_404
from organizer.charting.models import BargainingUnit
from organizer.demands.models import Claim, Demand


def get_unit_for_demand_readers_or_404(unit_id: int) -> BargainingUnit:
    """All of a unit's demands are for its stewards and its union's organizers."""
    return get_unit_for_officer_or_404(unit_id)


def get_demand_for_author_or_404(demand_id: int) -> Demand:
    demand = get_or_404(Demand, demand_id)
    return allowed_or_404(demand, demand.account_id == current_user.id)


def get_claim_for_author_or_404(claim_id: int) -> Claim:
    claim = get_or_404(Claim, claim_id)
    return allowed_or_404(claim, claim.account_id == current_user.id)


def get_demand_for_steward_or_404(demand_id: int) -> Demand:
    demand = get_or_404(Demand, demand_id)
    return allowed_or_404(demand, policy.stewards(current_user, demand.unit))
