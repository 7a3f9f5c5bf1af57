"""A member's demands as the source of their negotiation brief (the `briefs` package,
which knows nothing of unions: this module tells it who keeps a member's brief,
what its items are, and who may coach it).

Who keeps one: a member of a bargaining unit, about their own demands. Who may
coach it: an account of the same union (a coworker, a steward, an organizer),
never someone outside it, who accepts the member's coaching link while signed
in. The rule is asked again on every read, so a coach who leaves the union
stops reading.

Market context: a pay demand carries the pay scale its unit's pay survey released,
for the member's role where the pay rules let it show, else for the whole unit
(`unit_surveys.pay`)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext

from briefs.sources import BriefItem, BriefSource
from core.extensions import db
from organizer.accounts.models import Account
from organizer.charting.models import BargainingUnit
from organizer.demands.models import Category, Demand
from organizer.roles import Role
from organizer.unit_surveys import pay as unit_pay

_OUTSIDE_THE_UNION = lazy_gettext("Only someone of your coworker's union can coach this brief: a coworker, a "
                                  "steward or an organizer. Tell them, so they can ask someone else.")


def _is_member(actor: Any) -> bool:
    return bool(getattr(actor, "is_authenticated", False) and actor.unit_ids_as(Role.MEMBER))


def _unions_of_units(unit_ids: set[int]) -> set[int]:
    if not unit_ids:
        return set()
    return set(db.session.scalars(sa.select(BargainingUnit.union_id).where(BargainingUnit.id.in_(unit_ids))))


def unions_of(account: Any) -> set[int]:
    """Every union the account holds a role in: organizer of it, or steward, member or committee member of one of its units."""
    return account.organizer_union_ids() | _unions_of_units(
        {unit_id for role in (Role.STEWARD, Role.MEMBER, Role.COMMITTEE) for unit_id in account.unit_ids_as(role)})


def _coach_refusal(author_id: int, actor: Any) -> str | None:
    author = db.session.get(Account, author_id)
    author_unions = _unions_of_units(author.unit_ids_as(Role.MEMBER)) if author is not None else set()
    return None if author_unions & unions_of(actor) else str(_OUTSIDE_THE_UNION)


def _pay_lines(demands: list[Demand]) -> dict[int, str]:
    """The released pay scale each pay demand is shown with (`unit_surveys.pay`), in words.

    As anyone but its author sees it (`viewer` None): a brief is read by its coaches too,
    so it carries the lines shown beside every pay demand, whoever raised it (each role
    the pay rules let anyone see, else the whole unit's), never a line chosen by the author's role."""
    lines: dict[int, str] = {}
    for unit_id in sorted({demand.unit_id for demand in demands if demand.category is Category.PAY}):
        unit = db.session.get(BargainingUnit, unit_id)
        contexts = unit_pay.pay_contexts(unit, {demand.id: [demand.account_id] for demand in demands
                                                if demand.unit_id == unit_id and demand.category is Category.PAY})
        lines.update({demand_id: " ".join(context.text_lines()) for demand_id, context in contexts.items()
                      if context.lines})
    return lines


def _items_of(account_id: int) -> list[BriefItem]:
    demands = list(db.session.scalars(sa.select(Demand).where(Demand.account_id == account_id).order_by(Demand.id)))
    market = _pay_lines(demands)
    return [BriefItem(kind=demand.kind, tier=demand.tier, category=demand.category, text=demand.text,
                      market_context=market.get(demand.id)) for demand in demands]


SOURCE = BriefSource(
    key="member", may_keep=_is_member, items_of=_items_of, coach_refusal=_coach_refusal,
    items_endpoint="demands.my_demands", items_page=lazy_gettext("Your demands"),
    nothing_yet=lazy_gettext("Write your demands first: the brief is made from them."),
    who_may_coach=lazy_gettext("It works only for an account of your union: a coworker, a steward or an organizer."))
