"""The bargaining summary of a unit: its strength with the trend, how many
members reported each kind of problem (as `grievances.counts` released it),
its demands grouped by category (in the order of the members' released
bargaining priorities, where there are any) and ranked by a documented score,
counts per tier, the questions to the employer apart, the comments the
privacy rules released, and the employer's answer to each item.

The ranked items come prepared (`prepared`, made by `ranking`), with the
priorities they were ranked by; the strength, the trend, the reports counted
and the comments are read as the page is drawn. On screen the items
are shown a page at a time (`summary_page`); the downloads take them all.

Nothing in it names a member unless that member marked the demand attributable."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext, lazy_gettext

from core.clock import today
from organizer import policy
from organizer.accounts.models import Account
from organizer.bargaining import prepared
from organizer.bargaining import priorities as member_priorities
from organizer.bargaining.priorities import Priorities
from organizer.bargaining.ranking import (  # noqa: F401 - the summary's parts, as pages and exports name them
    QUESTIONS,
    SCORE_RULE,
    UNWEIGHED_BACKING,
    CategorySection,
    RankedItems,
    SummaryAnswer,
    SummaryItem,
)
from organizer.bargaining.ranking import StoredRanking
from organizer.charting.models import BargainingUnit
from organizer.demands import services as demands
from organizer.demands.models import Category, Tier
from organizer.errors import DomainError, NotAllowed
from organizer.grievances import counts as grievance_counts
from organizer.grievances.counts import ReleasedCounts
from organizer.strength import metrics
from organizer.unit_surveys.pay import PayContext
from surveys import results
from surveys.results import Trend, trend_chart, trend_of

#: How many items one page of the summary shows.
SUMMARY_PAGE_SIZE = 25

#: How many of the latest pulse's released comments the summary's first page shows; the pulse's
#: results page shows them all, and so do the downloads. (A large unit's pulse releases a thousand.)
COMMENTS_ON_THE_PAGE = 20

_READERS_ONLY = lazy_gettext("Only the unit's stewards and the union's organizers see its bargaining summary.")


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
    #: Pay items' pay, by demand id: the released scales of the roles of those raising them.
    pay: dict[int, PayContext] = field(default_factory=dict)
    #: The members' released bargaining priorities the items were ranked with, or None.
    priorities: Priorities | None = None
    #: How many members reported each kind of problem, as released; None when not read.
    reported: ReleasedCounts | None = None

    @property
    def items(self) -> list[SummaryItem]:
        return [item for section in self.demand_sections for item in section.items] + self.questions

    @property
    def priorities_text(self) -> str:
        return priorities_text(self.priorities)

    def priority_line(self, category: Category | None) -> str | None:
        return priority_line(self.priorities, category)


def priorities_text(priorities: Priorities | None) -> str:
    """Where the categories' order comes from, in a paragraph beside the score rule."""
    return priorities.explanation() if priorities is not None else member_priorities.without_priorities()


def priority_line(priorities: Priorities | None, category: Category | None) -> str | None:
    """How the members ranked a category ("Members ranked it 1st; ..."); None without priorities."""
    return priorities.of(category).line() if priorities is not None and category is not None else None


def require_reader(actor: Account, unit: BargainingUnit) -> None:
    if not policy.is_officer_of(actor, unit):
        raise NotAllowed(_READERS_ONLY)


def _comments(strength: metrics.UnitStrength) -> list[str]:
    pulse = strength.pulse
    return [comment.text for comment in results.released_comments(pulse)] if pulse is not None else []


def build(actor: Account, unit: BargainingUnit, *, with_chart: bool = True) -> BargainingSummary:
    """The whole summary, every item in it (for the downloads); `with_chart` False leaves out
    the drawing of the trend, which only the page and the PDF show."""
    require_reader(actor, unit)
    return assemble(unit, prepared.stored_or_ranked(unit).ranked(), with_chart=with_chart)


def ranked_items(actor: Account, unit: BargainingUnit) -> RankedItems:
    """The summary's items alone, ranked (all the CSV holds)."""
    require_reader(actor, unit)
    return prepared.stored_or_ranked(unit).ranked()


def assemble(unit: BargainingUnit, ranked: RankedItems, *, with_chart: bool = True) -> BargainingSummary:
    """The summary of these ranked items, with the unit's strength, trend and comments as they are now."""
    unit_strength = metrics.unit_strength(unit)
    pulse = unit_strength.pulse
    return BargainingSummary(
        unit=unit, generated_on=today(), strength=unit_strength,
        trend=trend_of(pulse) if pulse is not None else None,
        trend_chart=trend_chart(pulse) if pulse is not None and with_chart else None,
        tier_counts=ranked.tier_counts, demand_sections=ranked.demand_sections, questions=ranked.questions,
        comments=_comments(unit_strength), pay=pay_of(unit, ranked.items), priorities=ranked.priorities,
        reported=reported_of(unit))


def reported_of(unit: BargainingUnit) -> ReleasedCounts:
    """How many members reported each kind of problem: the figures `grievances.counts` released
    (from k members up, never moving by fewer than k), read as the summary is drawn."""
    return grievance_counts.released_counts(unit)


def pay_of_stored(unit: BargainingUnit, stored: StoredRanking) -> dict[int, PayContext]:
    """`pay_of` for every pay item of stored ranked items, decoding only theirs (keys are stored
    sorted, so a pay item's line holds `"category": "pay"`; member text cannot: its quotes are escaped)."""
    marker = b'"category": "%s"' % Category.PAY.value.encode()
    return pay_of(unit, [stored.item(index) for index, line in enumerate(stored.lines) if marker in line])


def pay_of(unit: BargainingUnit, items: list[SummaryItem]) -> dict[int, PayContext]:
    """The pay beside each pay item, read as the summary is drawn (a pay survey released
    since the items were ranked shows at once)."""
    return demands.pay_of_items(unit, [item.demand.id for item in items if item.demand.category == Category.PAY])


# -- a page of it on screen -----------------------------------------------------------------------

@dataclass(frozen=True)
class Block:
    """The items of one section that a page shows: a category of demands, or the questions."""

    #: The category, or None for the questions to the employer.
    category: Category | None
    #: (rank within the section, item).
    rows: list[tuple[int, SummaryItem]]
    #: Whether the section began on an earlier page.
    continued: bool

    @property
    def heading(self) -> str:
        return self.category.label if self.category is not None else QUESTIONS


@dataclass(frozen=True)
class SummaryPage:
    """One page of the summary: the strength on every page; the trend, the counts and the first
    of the released comments on the first; the items of this page by section."""

    unit: BargainingUnit
    generated_on: date
    strength: metrics.UnitStrength
    tier_counts: dict[Tier, tuple[int, int]]
    blocks: list[Block]
    #: How many items there are (demands listed once, combined ones counted with them).
    matching: int
    #: How many of them are demands (the rest are questions).
    demand_items: int
    page: int
    pages: int
    per_page: int
    #: On the first page only.
    trend_chart: object | None
    #: The first COMMENTS_ON_THE_PAGE released comments of the latest pulse, on the first page only
    #: (None on the others), and how many it released.
    comments: list[str] | None
    comment_count: int
    #: What the page's items were ranked from, for telling whether a download is as new.
    ranking: StoredRanking
    score_rule: str = SCORE_RULE
    #: The page's pay items' pay, by demand id.
    pay: dict[int, PayContext] = field(default_factory=dict)
    #: The members' released bargaining priorities the items were ranked with, or None.
    priorities: Priorities | None = None

    @property
    def priorities_text(self) -> str:
        return priorities_text(self.priorities)

    def priority_line(self, category: Category | None) -> str | None:
        return priority_line(self.priorities, category)

    @property
    def first_shown(self) -> int:
        return (self.page - 1) * self.per_page + 1 if self.matching else 0

    @property
    def last_shown(self) -> int:
        return min(self.page * self.per_page, self.matching)


def _blocks(stored: StoredRanking, start: int, stop: int) -> list[Block]:
    blocks: list[Block] = []
    for index in range(start, stop):
        category, place = stored.place_of(index)
        if not blocks or blocks[-1].category != category:
            blocks.append(Block(category, [], continued=place > 1))
        blocks[-1].rows.append((place, stored.item(index)))
    return blocks


def summary_page(actor: Account, unit: BargainingUnit, page: int = 1, per_page: int = SUMMARY_PAGE_SIZE) -> SummaryPage:
    """Page `page` of the summary; only its own items are decoded. A page past the last shows the last."""
    require_reader(actor, unit)
    if page < 1:
        raise DomainError(gettext("Pages start at 1."), field="page")
    stored = prepared.stored_or_ranked(unit)
    pages = max(1, -(-len(stored) // per_page))
    page = min(page, pages)
    unit_strength = metrics.unit_strength(unit)
    pulse = unit_strength.pulse
    start = (page - 1) * per_page
    blocks = _blocks(stored, start, min(start + per_page, len(stored)))
    return SummaryPage(
        unit=unit, generated_on=today(), strength=unit_strength, tier_counts=stored.tier_counts,
        blocks=blocks, matching=len(stored),
        demand_items=len(stored) - stored.questions, page=page, pages=pages, per_page=per_page,
        trend_chart=trend_chart(pulse) if pulse is not None and page == 1 else None,
        comments=[c.text for c in results.released_comments(pulse, COMMENTS_ON_THE_PAGE)] if pulse and page == 1
        else [] if page == 1 else None,
        comment_count=results.released_comment_count(pulse) if pulse is not None and page == 1 else 0,
        ranking=stored, pay=pay_of(unit, [item for block in blocks for _, item in block.rows]),
        priorities=stored.priorities)
