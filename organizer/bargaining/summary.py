"""The bargaining summary of a unit: its strength with the trend, its demands
grouped by category and ranked by a documented score, counts per tier, the
questions to the employer apart, the comments the privacy rules released, and
the employer's answer to each item.

Nothing in it names a member unless that member marked the demand attributable."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from core.clock import today
from organizer.accounts.models import Account
from organizer.charting.models import BargainingUnit
from organizer.demands import services as demands
from organizer.demands.models import Category, Demand, DemandKind, Tier
from organizer.strength import metrics
from surveys import results
from surveys.results import Trend, trend_chart, trend_of

#: Backing assumed for an item coworkers have not weighed yet: neither for nor against.
UNWEIGHED_BACKING = metrics.NEUTRAL_WEIGHT

SCORE_RULE = ("Score = coworker backing (0 to 1; 0.5 while coworkers have not weighed in) × the sum of the "
              "tier weights of every member raising it (dealbreaker 5, priority 4, important 3, nice to have 2, "
              "curious 1). A demand a steward combined with another counts toward that one. "
              f"{metrics.WEIGHT_RULE}")


@dataclass(frozen=True)
class SummaryItem:
    demand: Demand
    backing: metrics.Backing
    claims: list
    #: Members raising it: its author and the authors of demands combined with it.
    raised_by: int
    #: Names of those who allowed it; the rest are counted, never named.
    attributed_to: list[str]
    score: float


@dataclass(frozen=True)
class CategorySection:
    category: Category
    items: list[SummaryItem]


@dataclass(frozen=True)
class BargainingSummary:
    unit: BargainingUnit
    generated_on: date
    strength: metrics.UnitStrength
    trend: Trend | None
    trend_chart: object | None
    #: Tier -> (demands, questions), counting every member's item (combined ones too).
    tier_counts: dict[Tier, tuple[int, int]]
    demand_sections: list[CategorySection]
    questions: list[SummaryItem]
    #: Released comments of the latest pulse, in their released (shuffled) order.
    comments: list[str]
    score_rule: str = SCORE_RULE

    @property
    def items(self) -> list[SummaryItem]:
        return [item for section in self.demand_sections for item in section.items] + self.questions


def _score(backing: metrics.Backing, tiers: list[Tier]) -> float:
    weight = backing.weight if backing.is_known else UNWEIGHED_BACKING
    return weight * sum(tier.weight for tier in tiers)


def build(actor: Account, unit: BargainingUnit) -> BargainingSummary:
    every = demands.unit_demands(actor, unit)  # refuses anyone but the unit's stewards and organizers
    combined: dict[int, list[Demand]] = {}
    for demand in every:
        if demand.same_as_id is not None:
            combined.setdefault(demand.same_as_id, []).append(demand)
    listed = [d for d in every if d.same_as_id is None]
    in_context = {item.demand.id: item for item in demands.in_context(unit, listed)}
    items = []
    for demand in listed:
        group = [demand, *combined.get(demand.id, [])]
        context = in_context[demand.id]
        items.append(SummaryItem(
            demand=demand, backing=context.backing, claims=context.claims, raised_by=len(group),
            attributed_to=[d.account.display_name for d in group if d.is_attributable],
            score=_score(context.backing, [d.tier for d in group])))

    def ranked(chosen: list[SummaryItem]) -> list[SummaryItem]:
        return sorted(chosen, key=lambda i: (-i.score, i.demand.tier.rank, i.demand.id))

    sections = []
    for category in Category:
        chosen = [i for i in items if i.demand.kind == DemandKind.DEMAND and i.demand.category == category]
        if chosen:
            sections.append(CategorySection(category, ranked(chosen)))
    sections.sort(key=lambda s: -max(i.score for i in s.items))
    counted = Counter((d.tier, d.kind) for d in every)
    unit_strength = metrics.unit_strength(unit)
    pulse = unit_strength.pulse
    comments = [comment.text for comment in results.released_comments(pulse)] if pulse is not None else []
    return BargainingSummary(
        unit=unit, generated_on=today(), strength=unit_strength,
        trend=trend_of(pulse) if pulse is not None else None,
        trend_chart=trend_chart(pulse) if pulse is not None else None,
        tier_counts={tier: (counted[(tier, DemandKind.DEMAND)], counted[(tier, DemandKind.QUESTION)])
                     for tier in Tier},
        demand_sections=sections,
        questions=ranked([i for i in items if i.demand.kind == DemandKind.QUESTION]),
        comments=comments,
    )
