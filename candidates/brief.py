"""A job seeker's preconditions and questions as the source of their negotiation brief
(the `briefs` package, which knows nothing of job searches: this module tells it who
keeps a job seeker's brief, what its items are, and who may coach it).

Who keeps one: an account with a job search (a candidate profile), about its own
preconditions. Who may coach it: any other signed-in account that accepts the
candidate's coaching link; a job seeker need not be in a union, and neither need
their coach. No market context yet: the released pay figures are a union's, of its
own members' roles, and say nothing of another employer's offer."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext

from briefs.sources import BriefItem, BriefSource
from candidates.models import CandidateProfile, Precondition
from core.extensions import db


def _has_a_search(actor: Any) -> bool:
    return bool(getattr(actor, "is_authenticated", False)) and db.session.scalar(
        sa.select(CandidateProfile.id).where(CandidateProfile.account_id == actor.id)) is not None


def _items_of(account_id: int) -> list[BriefItem]:
    asks = db.session.scalars(sa.select(Precondition).join(CandidateProfile)
                              .where(CandidateProfile.account_id == account_id).order_by(Precondition.id))
    return [BriefItem(kind=ask.kind, tier=ask.tier, category=ask.category, text=ask.text) for ask in asks]


def _anyone_else(author_id: int, actor: Any) -> str | None:
    # The brief refuses the author themselves; anyone else signed in may coach a job seeker.
    return None


SOURCE = BriefSource(
    key="candidate", may_keep=_has_a_search, items_of=_items_of, coach_refusal=_anyone_else,
    items_endpoint="candidates.preconditions", items_page=lazy_gettext("Your questions to employers"),
    nothing_yet=lazy_gettext("Write your preconditions and questions to employers first: the brief is made from "
                             "them."),
    who_may_coach=lazy_gettext("Anyone with an account can accept it, in a union or not."))
