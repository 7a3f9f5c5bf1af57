"""The brief's suggestions, worked out from the items alone (no database): the items
grouped by tier, what to ask first, what to trade, and the standard worst cases.

The order follows the ontology's tiers, because that is what a person said about
each ask when they wrote it: a dealbreaker is what they would leave or strike
over, so it is asked for first and never traded; a nice-to-have is welcome but
worth nothing in exchange, so it is what they can give up to get the rest.
Within a tier an ask to act comes before a question (a question can wait for the
employer's reply; a demand sets the agenda), then the source's own order."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from flask_babel import lazy_gettext
from flask_babel.speaklater import LazyString

from briefs.sources import BriefItem
from core.labels import LabelledEnum
from ontology import DemandKind, Tier

#: The tiers a brief suggests asking for first, in this order.
ASK_FIRST_TIERS = (Tier.DEALBREAKER, Tier.PRIORITY, Tier.IMPORTANT)

#: The tier a brief suggests trading.
TRADE_TIERS = (Tier.NICE_TO_HAVE,)

#: A number, dash or bullet a person typed at the start of a line: pages and exports number lines themselves.
_LINE_MARKER = re.compile(r"^\s*(?:\d{1,3}[.)]|[-*•·])\s+")

#: Each tier's heading in the brief, as a group of items.
TIER_HEADINGS: dict[Tier, LazyString] = {
    Tier.DEALBREAKER: lazy_gettext("Dealbreakers"),
    Tier.PRIORITY: lazy_gettext("Priorities"),
    Tier.IMPORTANT: lazy_gettext("Important"),
    Tier.NICE_TO_HAVE: lazy_gettext("Nice to have"),
    Tier.CURIOUS: lazy_gettext("Questions with no stake"),
}


class StandardRisk(LabelledEnum):
    """The worst cases every brief starts with: what goes wrong in most meetings."""

    WONT_NEGOTIATE = "wont_negotiate", lazy_gettext("They won't negotiate")
    TOO_MUCH = "too_much", lazy_gettext("They say you're asking too much")
    ANSWER_NOW = "answer_now", lazy_gettext("They want an answer now")

    @property
    def hint(self) -> LazyString:
        """A prompt for the planned answer."""
        return {"wont_negotiate": lazy_gettext("What will you say, and what will you do next?"),
                "too_much": lazy_gettext("What shows that what you ask is fair?"),
                "answer_now": lazy_gettext("How will you ask for time to think it over?")}[self.value]


@dataclass(frozen=True)
class TierGroup:
    tier: Tier
    items: list[BriefItem]

    @property
    def heading(self) -> LazyString:
        return TIER_HEADINGS[self.tier]


def in_order(items: Iterable[BriefItem]) -> list[BriefItem]:
    """Most important first; within a tier, asks to act before questions; then as given."""
    return [item for _, item in sorted(enumerate(items), key=lambda pair: (
        pair[1].tier.rank, pair[1].kind is not DemandKind.DEMAND, pair[0]))]


def grouped_by_tier(items: Iterable[BriefItem]) -> list[TierGroup]:
    """The tiers that hold items, most important first, each with its items in order."""
    ordered = in_order(items)
    return [TierGroup(tier, [item for item in ordered if item.tier is tier])
            for tier in Tier if any(item.tier is tier for item in ordered)]


def suggested_first(items: Iterable[BriefItem]) -> list[BriefItem]:
    return [item for item in in_order(items) if item.tier in ASK_FIRST_TIERS]


def suggested_trade(items: Iterable[BriefItem]) -> list[BriefItem]:
    return [item for item in in_order(items) if item.tier in TRADE_TIERS]


def as_lines(items: Sequence[BriefItem]) -> str:
    """Items as the numbered lines a person edits ("1. Will you ...?")."""
    return "\n".join(f"{number}. {' '.join(item.text.split())}" for number, item in enumerate(items, 1))


def market_lines(items: Iterable[BriefItem]) -> list[str]:
    """The distinct market lines the items carry, in the items' order."""
    seen: list[str] = []
    for item in in_order(items):
        if item.market_context and item.market_context not in seen:
            seen.append(item.market_context)
    return seen


def lines_of(text: str | None) -> list[str]:
    """A box's lines, without empty ones or the numbers and bullets typed before them."""
    lines = (_LINE_MARKER.sub("", line).strip() for line in (text or "").splitlines())
    return [line for line in lines if line]
