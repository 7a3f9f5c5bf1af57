"""The brief's suggestions from the tiers alone: the grouping, what to ask first,
what to trade, and the lines a person types."""

from __future__ import annotations

from briefs import plan
from briefs.sources import BriefItem
from ontology import Category, DemandKind, Tier


def _item(tier: Tier, text: str, kind: DemandKind = DemandKind.DEMAND, market: str | None = None) -> BriefItem:
    return BriefItem(kind=kind, tier=tier, category=Category.PAY, text=text, market_context=market)


ITEMS = [_item(Tier.NICE_TO_HAVE, "swap shifts"), _item(Tier.PRIORITY, "how is it paid", DemandKind.QUESTION),
         _item(Tier.DEALBREAKER, "heaters"), _item(Tier.PRIORITY, "night pay"), _item(Tier.CURIOUS, "who decides",
                                                                                      DemandKind.QUESTION),
         _item(Tier.IMPORTANT, "licence"), _item(Tier.NICE_TO_HAVE, "lockers")]


def test_the_asks_are_grouped_by_tier_most_important_first():
    groups = plan.grouped_by_tier(ITEMS)
    assert [group.tier for group in groups] == [Tier.DEALBREAKER, Tier.PRIORITY, Tier.IMPORTANT, Tier.NICE_TO_HAVE,
                                                Tier.CURIOUS]
    assert [[item.text for item in group.items] for group in groups] == [
        ["heaters"], ["night pay", "how is it paid"], ["licence"], ["swap shifts", "lockers"], ["who decides"]]
    assert [str(group.heading) for group in groups][:2] == ["Dealbreakers", "Priorities"]


def test_a_tier_with_no_asks_has_no_group():
    groups = plan.grouped_by_tier([_item(Tier.NICE_TO_HAVE, "a"), _item(Tier.DEALBREAKER, "b")])
    assert [group.tier for group in groups] == [Tier.DEALBREAKER, Tier.NICE_TO_HAVE]
    assert plan.grouped_by_tier([]) == []


def test_ask_first_is_dealbreakers_then_priorities_then_important_demands_before_questions():
    assert [item.text for item in plan.suggested_first(ITEMS)] == ["heaters", "night pay", "how is it paid", "licence"]


def test_what_to_trade_is_the_nice_to_haves_in_the_order_written():
    assert [item.text for item in plan.suggested_trade(ITEMS)] == ["swap shifts", "lockers"]


def test_suggestions_are_numbered_lines_that_read_back_without_their_numbers():
    lines = plan.as_lines(plan.suggested_first(ITEMS))
    assert lines.splitlines()[0] == "1. heaters" and lines.splitlines()[3] == "4. licence"
    assert plan.lines_of(lines) == ["heaters", "night pay", "how is it paid", "licence"]
    assert plan.lines_of("  - first\n\n2) second\n• third\n10. tenth\n2026 was a year") == [
        "first", "second", "third", "tenth", "2026 was a year"]


def test_market_lines_are_listed_once_each():
    items = [_item(Tier.PRIORITY, "a", market="Pickers: middle $21"), _item(Tier.DEALBREAKER, "b"),
             _item(Tier.NICE_TO_HAVE, "c", market="Pickers: middle $21")]
    assert plan.market_lines(items) == ["Pickers: middle $21"]
    assert plan.market_lines(ITEMS) == []
