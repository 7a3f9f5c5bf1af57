"""The brief's rules: keeping one's own brief, the pre-mortem, coaching and comments.

Every service takes the signed-in account as an explicit `actor` (anything with
an `id` and a `display_name`) and the source whose brief it is. A brief row is
made the first time its author saves anything; until then the page shows the
suggestions, which is also what an export of an unsaved brief prints.

Who may read a brief: its author, and each coach who accepted a link and is
not revoked, for as long as the source still lets them coach (a member's coach
who leaves the union stops reading). Everyone else gets the same "not found",
whether the brief exists or not."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext, lazy_gettext

from briefs import plan, sources
from briefs.errors import BriefRefused, NotAllowed, NotFound
from briefs.models import Brief, BriefCoach, BriefComment, BriefRisk
from briefs.plan import StandardRisk, TierGroup
from briefs.sources import BriefItem, BriefSource
from core.clock import today
from core.extensions import db
from core.sealing import blind_index
from core.text import has_words

#: The longest each text may be, in characters.
ASK_FIRST_MAX = 3000
TRADE_MAX = 2000
WALK_AWAY_MAX = 1000
WORST_CASE = (5, 300)
RESPONSE_MAX = 1000
COMMENT_MAX = 1000

#: How many worst cases of their own a person may add, and coaching links live at once.
OWN_RISKS_MAX = 10
COACHES_MAX = 5

#: How long a coaching link can be accepted.
INVITATION_DAYS = 7

_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{40,64}$")

NOT_FOUND = lazy_gettext("There is no brief here for you. If you coached someone here before, they may have "
                         "stopped your coaching.")


def hash_token(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8")).digest()


def _owner_index(source: BriefSource, account_id: int) -> bytes:
    return blind_index(f"{source.key}:{account_id}", b"brief.owner")


# -- reading ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RiskView:
    """One worst case as a page shows it."""

    key: str
    words: str
    response: str | None
    #: A worst case of the author's own (which they may remove), not a standard one.
    own_id: int | None = None
    hint: str | None = None


@dataclass(frozen=True)
class CommentView:
    #: The commenter's name; None when the reader wrote it, or when its coach's account is gone.
    by: str | None
    text: str
    written_on: date
    #: Written by the brief's author.
    by_author: bool
    #: Written by whoever reads it now.
    by_reader: bool = False


@dataclass(frozen=True)
class CoachView:
    id: int
    #: The coach's name; None while the link waits to be accepted.
    name: str | None
    invited_on: date
    expires_on: date
    accepted_on: date | None
    is_pending: bool
    is_coaching: bool


@dataclass(frozen=True)
class BriefView:
    """Everything a brief's page and its exports show, worked out once."""

    source: BriefSource
    author_name: str
    items: list[BriefItem]
    #: The items grouped by tier, most important first.
    by_tier: list[TierGroup]
    market: list[str]
    #: What to ask first, and whether it is the suggestion (not yet edited).
    ask_first: str
    ask_first_suggested: bool
    trade: str
    trade_suggested: bool
    walk_away: str | None
    risks: list[RiskView]
    comments: list[CommentView] = field(default_factory=list)
    coaches: list[CoachView] = field(default_factory=list)
    #: The saved brief, or None while nothing was saved.
    brief: Brief | None = None

    @property
    def has_items(self) -> bool:
        return bool(self.items)

    @property
    def ask_first_lines(self) -> list[str]:
        return plan.lines_of(self.ask_first)

    @property
    def trade_lines(self) -> list[str]:
        return plan.lines_of(self.trade)


def find_brief(actor: Any, source: BriefSource) -> Brief | None:
    """The actor's own brief of this kind, once they saved one."""
    return db.session.scalar(sa.select(Brief).where(Brief.owner_index == _owner_index(source, actor.id)))


def _standard_risks() -> list[RiskView]:
    return [RiskView(key=risk.value, words=str(risk.label), response=None, hint=str(risk.hint)) for risk in StandardRisk]


def _risk_views(brief: Brief) -> list[RiskView]:
    return [RiskView(key=risk.key, words=risk.words, response=risk.response,
                     own_id=risk.id if risk.standard is None else None,
                     hint=str(risk.standard.hint) if risk.standard is not None else None) for risk in brief.risks]


def view_of(source: BriefSource, author_id: int, author_name: str, brief: Brief | None,
            reader_id: int | None = None) -> BriefView:
    """The brief of `author_id` as `reader_id` reads it (the author, or a coach: only the
    author sees the coaching links and who holds them)."""
    items = list(source.items_of(author_id))
    first, trade = plan.suggested_first(items), plan.suggested_trade(items)
    saved_first = brief.ask_first if brief is not None else None
    saved_trade = brief.trade if brief is not None else None
    reader_is_author = reader_id is None or reader_id == author_id
    return BriefView(
        source=source, author_name=brief.author_name if brief is not None else author_name, items=items,
        by_tier=plan.grouped_by_tier(items), market=plan.market_lines(items),
        ask_first=saved_first if saved_first is not None else plan.as_lines(first),
        ask_first_suggested=saved_first is None,
        trade=saved_trade if saved_trade is not None else plan.as_lines(trade), trade_suggested=saved_trade is None,
        walk_away=brief.walk_away if brief is not None else None,
        risks=_risk_views(brief) if brief is not None else _standard_risks(),
        comments=_comment_views(brief, reader_id if reader_id is not None else author_id) if brief else [],
        coaches=_coach_views(brief) if brief is not None and reader_is_author else [], brief=brief)


def own_view(actor: Any, source: BriefSource) -> BriefView:
    return view_of(source, actor.id, actor.display_name, find_brief(actor, source))


def _comment_views(brief: Brief, reader_id: int) -> list[CommentView]:
    names = {coach.coach_account_id: coach.coach_name for coach in brief.coaches if coach.coach_account_id}
    views = []
    for comment in brief.comments:
        by_author, by_reader = comment.author_account_id == brief.account_id, comment.author_account_id == reader_id
        by = None if by_reader else brief.author_name if by_author else names.get(comment.author_account_id)
        views.append(CommentView(by=by, text=comment.text, written_on=comment.written_on, by_author=by_author,
                                 by_reader=by_reader))
    return views


def _coach_views(brief: Brief) -> list[CoachView]:
    return [CoachView(id=coach.id, name=coach.coach_name, invited_on=coach.invited_on, expires_on=coach.expires_on,
                      accepted_on=coach.accepted_on, is_pending=coach.is_pending(), is_coaching=coach.is_coaching)
            for coach in brief.coaches if coach.is_coaching or coach.is_pending()]


# -- the author's own brief -------------------------------------------------------------------------

def require_keeper(actor: Any, source: BriefSource) -> None:
    if not source.may_keep(actor):
        raise NotAllowed(gettext("This brief is not one your account keeps."))


def _brief_for_saving(actor: Any, source: BriefSource) -> Brief:
    """The actor's brief, made (with the standard worst cases) the first time they save anything."""
    require_keeper(actor, source)
    brief = find_brief(actor, source)
    if brief is None:
        brief = Brief(account_id=actor.id, owner_index=_owner_index(source, actor.id), source=source.key,
                      author_name=actor.display_name)
        brief.risks = [BriefRisk(standard=risk, position=position) for position, risk in enumerate(StandardRisk)]
        db.session.add(brief)
    brief.author_name, brief.updated_on = actor.display_name, today()
    return brief


def _kept(text: str | None, most: int, field_name: str, *, least: int = 1) -> str | None:
    """The text with its lines' spacing tidied, None when empty; refused when too long or too short."""
    lines = [" ".join(line.split()) for line in (text or "").splitlines()]
    kept = "\n".join(lines).strip()
    if not kept:
        return None
    if len(kept) > most:
        raise BriefRefused(gettext("Keep it to %(most)d characters or fewer: this has %(length)d.",
                                   most=most, length=len(kept)), field=field_name)
    if len(kept) < least or not has_words(kept):
        raise BriefRefused(gettext("Write at least %(least)d characters, in words.", least=least), field=field_name)
    return kept


@dataclass(frozen=True)
class BriefDetails:
    """What the author's form saves. An empty ask-first or trade brings the suggestion back."""

    ask_first: str | None
    trade: str | None
    walk_away: str | None
    #: The planned answer to each worst case, by its key (RiskView.key).
    responses: Mapping[str, str | None] = field(default_factory=dict)


def save(actor: Any, source: BriefSource, details: BriefDetails) -> Brief:
    ask_first = _kept(details.ask_first, ASK_FIRST_MAX, "ask_first")
    trade = _kept(details.trade, TRADE_MAX, "trade")
    walk_away = _kept(details.walk_away, WALK_AWAY_MAX, "walk_away")
    responses = {key: _kept(text, RESPONSE_MAX, f"response_{key}") for key, text in details.responses.items()}
    brief = _brief_for_saving(actor, source)
    # A suggestion saved unchanged stays a suggestion, so it keeps following the items.
    items = list(source.items_of(actor.id))
    brief.ask_first = None if ask_first == plan.as_lines(plan.suggested_first(items)) else ask_first
    brief.trade = None if trade == plan.as_lines(plan.suggested_trade(items)) else trade
    brief.walk_away = walk_away
    for risk in brief.risks:
        if risk.key in responses:
            risk.response = responses[risk.key]
    db.session.flush()
    return brief


def add_risk(actor: Any, source: BriefSource, worst_case: str, response: str | None) -> BriefRisk:
    words = _kept(worst_case, WORST_CASE[1], "worst_case", least=WORST_CASE[0])
    if words is None:
        raise BriefRefused(gettext("Write the worst case you want to plan for."), field="worst_case")
    answer = _kept(response, RESPONSE_MAX, "response")
    brief = _brief_for_saving(actor, source)
    own = [risk for risk in brief.risks if risk.standard is None]
    if len(own) >= OWN_RISKS_MAX:
        raise BriefRefused(gettext("A brief holds at most %(most)d worst cases of your own: remove one first.",
                                   most=OWN_RISKS_MAX), field="worst_case")
    if any(" ".join(risk.words.split()).casefold() == words.casefold() for risk in brief.risks):
        raise BriefRefused(gettext("That worst case is already in your brief."), field="worst_case")
    risk = BriefRisk(worst_case=words, response=answer, position=max((r.position for r in brief.risks), default=0) + 1)
    brief.risks.append(risk)
    db.session.flush()
    return risk


def own_risk(actor: Any, source: BriefSource, risk_id: int) -> BriefRisk:
    """One of the actor's own worst cases in their brief of this kind; anything else is not found."""
    brief = find_brief(actor, source)
    risk = db.session.get(BriefRisk, risk_id)
    if brief is None or risk is None or risk.brief_id != brief.id:
        raise NotFound(NOT_FOUND)
    return risk


def remove_risk(actor: Any, risk: BriefRisk) -> None:
    if risk.brief.account_id != actor.id:
        raise NotFound(NOT_FOUND)
    if risk.standard is not None:
        raise BriefRefused(gettext("The standard worst cases stay in every brief; leave the answer empty if it "
                                   "does not apply."))
    risk.brief.risks.remove(risk)
    db.session.flush()


# -- coaching ---------------------------------------------------------------------------------------

def invite_coach(actor: Any, source: BriefSource) -> tuple[BriefCoach, str]:
    """A new coaching link and its token, which the caller shows once."""
    brief = _brief_for_saving(actor, source)
    live = [coach for coach in brief.coaches if coach.is_coaching or coach.is_pending()]
    if len(live) >= COACHES_MAX:
        raise BriefRefused(gettext("A brief has at most %(most)d coaches and open links: stop one first.",
                                   most=COACHES_MAX))
    token = secrets.token_urlsafe(32)
    coach = BriefCoach(token_hash=hash_token(token), expires_on=today() + timedelta(days=INVITATION_DAYS))
    brief.coaches.append(coach)
    db.session.flush()
    return coach, token


def find_invitation(token: str) -> BriefCoach:
    """The coaching link behind a token while it can be accepted. Unknown, used, stopped
    and expired are one answer: the link does not tell a stranger which."""
    coach = None
    if _TOKEN_SHAPE.match(token or ""):
        coach = db.session.scalar(sa.select(BriefCoach).where(BriefCoach.token_hash == hash_token(token)))
    if coach is None or not coach.is_pending():
        raise NotFound(gettext("This coaching link does not work: it was already used, was stopped, or is more "
                               "than %(days)d days old. Ask for a new one.", days=INVITATION_DAYS))
    return coach


def require_may_coach(actor: Any, source: BriefSource, coach: BriefCoach) -> None:
    """Refused for the author and for anyone the source does not let coach: asked when the link
    is opened (so they learn it at once, and read nothing of the brief) and again when accepted."""
    if coach.brief.account_id == actor.id:
        raise NotAllowed(gettext("This is your own brief: send the link to the person you want as a coach."))
    refusal = source.coach_refusal(coach.brief.account_id, actor)
    if refusal:
        raise NotAllowed(refusal)


def accept(actor: Any, source: BriefSource, coach: BriefCoach) -> BriefCoach:
    brief = coach.brief
    require_may_coach(actor, source, coach)
    if any(other.coach_account_id == actor.id and other.is_coaching for other in brief.coaches):
        raise BriefRefused(gettext("You already coach this brief."))
    coach.coach_account_id, coach.coach_name, coach.accepted_on = actor.id, actor.display_name, today()
    db.session.flush()
    return coach


def own_coach(actor: Any, source: BriefSource, coach_id: int) -> BriefCoach:
    """One coaching link or coach of the actor's brief of this kind; anything else is not found."""
    brief = find_brief(actor, source)
    coach = db.session.get(BriefCoach, coach_id)
    if brief is None or coach is None or coach.brief_id != brief.id:
        raise NotFound(NOT_FOUND)
    return coach


def revoke(actor: Any, coach: BriefCoach) -> BriefCoach:
    """Stop a link or a coaching at once: the next page the coach opens is not found."""
    if coach.brief.account_id != actor.id:
        raise NotFound(NOT_FOUND)
    if coach.is_revoked:
        raise BriefRefused(gettext("That was already stopped."))
    coach.revoked_on = today()
    db.session.flush()
    return coach


def coaching_of(actor: Any) -> list[Brief]:
    """The briefs the actor coaches now."""
    return list(db.session.scalars(
        sa.select(Brief).join(BriefCoach, BriefCoach.brief_id == Brief.id)
        .where(BriefCoach.coach_account_id == actor.id, BriefCoach.revoked_on.is_(None))
        .order_by(Brief.id)))


def may_read(actor: Any, brief: Brief, source: BriefSource) -> bool:
    if brief.account_id == actor.id:
        return True
    coaches = any(coach.coach_account_id == actor.id and coach.is_coaching for coach in brief.coaches)
    return coaches and not source.coach_refusal(brief.account_id, actor)


def brief_for_reader(actor: Any, brief_id: int) -> tuple[Brief, BriefSource]:
    """A brief the actor may read, with its source; not found for anyone else."""
    brief = db.session.get(Brief, brief_id)
    source = sources.source(brief.source) if brief is not None else None
    if brief is None or source is None or not may_read(actor, brief, source):
        raise NotFound(NOT_FOUND)
    return brief, source


def comment(actor: Any, brief: Brief, source: BriefSource, text: str) -> BriefComment:
    if not may_read(actor, brief, source):
        raise NotFound(NOT_FOUND)
    words = _kept(text, COMMENT_MAX, "text")
    if words is None:
        raise BriefRefused(gettext("Write your comment first."), field="text")
    written = BriefComment(author_account_id=actor.id, text=words)
    brief.comments.append(written)
    db.session.flush()
    return written


def coached(actor: Any) -> list[tuple[Brief, BriefSource]]:
    """The briefs the actor coaches and may still read, each with its source."""
    found = []
    for brief in coaching_of(actor):
        source = sources.source(brief.source)
        if source is not None and may_read(actor, brief, source):
            found.append((brief, source))
    return found

