"""The prepared summary: each unit's ranked items (`ranking`), stored sealed in
one row, so that the summary page, its Markdown and CSV, and the job that
prepares its PDF read one row instead of ranking every demand again.

Why. Ranking a unit's items reads every demand, every answer and the backing
of each, and ranks them all: at 600 demands that is about a tenth of a second
per request, more than the page may take. The items change only when their
inputs do, which is far rarer than they are read.

How it stays true. A flush that adds, changes or removes what the items are
made of marks the unit: a demand (its words, tier, kind, category, basis,
combination, endorsement state, or the answers added to it), an employer's
answer, an endorsement survey of the unit that opens, closes or is released
(a demand's backing and its "coworkers are weighing in" note come from it), a
bargaining survey of the unit that closes, is released or is removed (the
members' priorities, which order the categories and weigh the scores, come
from the latest one released: `priorities`), an account whose display name
changes (it is shown where its author allowed it) or that is deleted (its
demands go with it, by the database's cascade, which no flush sees). When the transaction commits, the marked units' items are ranked
again and stored in it, after the unit is locked (its `bargaining_units` row,
FOR NO KEY UPDATE, the lock the unit roster takes; on SQLite the transaction
holds the write lock already, since it wrote), so that two writers of one unit
cannot each store a ranking without the other's change. Where the change takes
back what a member gave (a demand removed, a name no longer allowed or
changed, an account deleted), the unit's prepared PDF is deleted in the same
commit: no download, not even one offered as older, may keep it. A reader in the
marking transaction itself (a service, a test) gets its items ranked afresh,
never the stored ones its own changes have overtaken. A unit with no stored
items, or items of an unknown format, is ranked when read; the job that
prepares PDFs (`downloads.prepare_pdfs`) stores them. A bulk UPDATE or DELETE
of demands would bypass the flush, and so this; none is used.

What it costs and hides. A write that marks a unit pays for ranking it once
per transaction (tens of milliseconds at 600 demands), under the unit's lock;
an answer recorded, the commonest write, changes no score and no order, so its
demand's line is rewritten in place instead (`prepare_answers`).
The row holds what the demands and answers hold, sealed whole under the
application key; its size follows the number and length of the demands,
which their own rows show already."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from core.extensions import db
from organizer.accounts.models import Account
from organizer.bargaining import ranking
from organizer.bargaining.models import PreparedDownload, PreparedSummary
from organizer.bargaining.ranking import RankingFormatError, StoredRanking
from organizer.charting.models import BargainingUnit
from organizer.demands.models import Demand, EmployerAnswer
from organizer.unit_surveys.services import SCOPE_PREFIX
from surveys.models import Survey, SurveyKind, SurveyState

#: session.info keys: the units whose items this transaction has changed, and those of them
#: where a member took words or a name back (see `_withdrawn_by`).
_MARKED = "leverage.summaries_to_prepare"
_WITHDRAWN = "leverage.summaries_withdrawn_from"
#: session.info key: unit id -> the demands of it whose answers alone this transaction changed.
_ANSWERED = "leverage.summary_answers_added"


def stored_or_ranked(unit: BargainingUnit) -> StoredRanking:
    """The unit's ranked items: the stored ones, unless this transaction has changed their
    inputs (then, as for a unit with none stored, ranked now from the tables)."""
    session = db.session()
    if session.autoflush:
        session.flush()  # pending changes mark the unit, as a query's autoflush would
    if unit.id not in session.info.get(_MARKED, ()) and unit.id not in session.info.get(_ANSWERED, {}):
        stored = session.execute(sa.select(PreparedSummary.items).where(PreparedSummary.unit_id == unit.id)).scalar()
        if stored is not None:
            try:
                return StoredRanking.decode(stored)
            except RankingFormatError:
                pass  # ranked below; the job stores it again
    return StoredRanking.decode(ranking.encode(ranking.rank(unit)))


def digest(stored: StoredRanking) -> str:
    """A digest of the items as stored: two rankings with the same digest show the same."""
    hashed = hashlib.sha256()
    for line in stored.lines:
        hashed.update(line + b"\n")
    hashed.update(repr((sorted((t.value, c) for t, c in stored.tier_counts.items()),
                        [(c.value, n) for c, n in stored.sections], stored.questions)).encode())
    priorities = stored.priorities.to_json() if stored.priorities is not None else None
    hashed.update(json.dumps(priorities, sort_keys=True).encode())
    return hashed.hexdigest()


def prepare(session: Session, unit_ids: Iterable[int]) -> list[int]:
    """Rank and store the items of these units now, under their locks; returns the ids done."""
    wanted = sorted(set(unit_ids))
    if not wanted:
        return []
    connection = session.connection()
    # Always in id order, so two writers of the same units cannot deadlock.
    locked = list(connection.execute(sa.select(BargainingUnit.id).where(BargainingUnit.id.in_(wanted))
                                     .order_by(BargainingUnit.id).with_for_update(key_share=True)).scalars())
    table = PreparedSummary.__table__
    for unit_id in locked:
        items = ranking.encode(ranking.rank(session.get(BargainingUnit, unit_id)))
        if not connection.execute(table.update().where(table.c.unit_id == unit_id).values(items=items)).rowcount:
            connection.execute(table.insert().values(unit_id=unit_id, items=items))
    return locked


def prepare_answers(session: Session, answered: dict[int, set[int]]) -> None:
    """Put these demands' answers (unit id -> demand ids) into their units' stored items, under
    the units' locks: the cheap way for the commonest change, a steward recording an answer,
    since answers change neither a score nor an order. A unit with no readable stored items is
    ranked whole."""
    connection = session.connection()
    locked = list(connection.execute(sa.select(BargainingUnit.id).where(BargainingUnit.id.in_(sorted(answered)))
                                     .order_by(BargainingUnit.id).with_for_update(key_share=True)).scalars())
    table = PreparedSummary.__table__
    for unit_id in locked:
        stored = connection.execute(sa.select(table.c["items"]).where(table.c.unit_id == unit_id)).scalar()
        try:
            current = StoredRanking.decode(stored) if stored is not None else None
        except RankingFormatError:
            current = None
        if current is None:
            prepare(session, [unit_id])
            continue
        answers: dict[int, list[ranking.SummaryAnswer]] = {demand_id: [] for demand_id in answered[unit_id]}
        for demand_id, response, note, day in connection.execute(
                sa.select(EmployerAnswer.__table__.c.demand_id, EmployerAnswer.__table__.c.response,
                          EmployerAnswer.__table__.c.note, EmployerAnswer.__table__.c.recorded_on)
                .where(EmployerAnswer.__table__.c.demand_id.in_(sorted(answers)))
                .order_by(EmployerAnswer.__table__.c.recorded_on, EmployerAnswer.__table__.c.id)):
            answers[demand_id].append(ranking.SummaryAnswer(response, note, day))
        items = current.with_answers({demand_id: tuple(given) for demand_id, given in answers.items()})
        connection.execute(table.update().where(table.c.unit_id == unit_id).values(items=items))


def prepare_missing() -> int:
    """Store the items of every unit with demands that has none stored, or none readable."""
    session = db.session()
    with_demands = sa.select(Demand.unit_id).distinct()
    stored = dict(session.execute(sa.select(PreparedSummary.unit_id, PreparedSummary.items)).all())
    unreadable = set()
    for unit_id, items in stored.items():
        try:
            StoredRanking.decode(items)
        except RankingFormatError:
            unreadable.add(unit_id)
    missing = {unit_id for unit_id in session.scalars(with_demands) if unit_id not in stored}
    return len(prepare(session, missing | unreadable))


# -- marking the units whose items a flush changes -------------------------------------------------

def _unit_of_scope(scope: str) -> int | None:
    prefix, _, number = scope.partition(":")
    return int(number) if prefix == SCOPE_PREFIX and number.isdigit() else None


def _changed(obj: object, *names: str) -> bool:
    attributes = sa.inspect(obj).attrs
    return any(attributes[name].history.has_changes() for name in names)


def _units_of_accounts_demands(session: Session, account_id: int, *, named_only: bool) -> set[int]:
    query = sa.select(Demand.unit_id).where(Demand.account_id == account_id).distinct()
    if named_only:
        query = query.where(Demand.is_attributable == sa.true())
    return set(session.scalars(query))


def _only_answers_changed(demand: Demand) -> bool:
    return all(not attribute.history.has_changes() for attribute in sa.inspect(demand).attrs
               if attribute.key != "employer_answers")


def _marked_by(session: Session, obj: object, *, is_new: bool, is_deleted: bool) -> set[int | None]:
    if isinstance(obj, Demand):
        return {obj.unit_id if obj.unit_id is not None else getattr(obj.unit, "id", None)}
    if isinstance(obj, EmployerAnswer):
        demand = session.get(Demand, obj.demand_id) if obj.demand_id is not None else None
        return {demand.unit_id if demand is not None else None}
    if isinstance(obj, Survey) and obj.kind is SurveyKind.ENDORSEMENT and obj.scope:
        # A ballot or a pool write changes none of these: only what a backing or its note reads.
        if is_new or is_deleted or _changed(obj, "state", "closes_at"):
            return {_unit_of_scope(obj.scope)}
    if isinstance(obj, Survey) and obj.kind is SurveyKind.BARGAINING and obj.scope:
        # The priorities read only released results and which is latest (by close day): a release,
        # a removal, a change of state or of close day; never a ballot.
        if (is_new and obj.state is SurveyState.RELEASED) or is_deleted or _changed(obj, "state", "closed_on"):
            return {_unit_of_scope(obj.scope)}
    if isinstance(obj, Account) and obj.id is not None:
        if is_deleted:
            return _units_of_accounts_demands(session, obj.id, named_only=False)
        if _changed(obj, "display_name"):
            return _units_of_accounts_demands(session, obj.id, named_only=True)
    return set()


def _withdrawn_by(obj: object, marked: set[int | None], *, is_new: bool, is_deleted: bool) -> set[int | None]:
    """The units where this change takes back what a member had given: a demand removed (its
    words), a name no longer allowed or changed, an account deleted. A PDF made before it must
    not outlive it, not even as an older download, so it is deleted with the change."""
    if is_new:
        return set()
    if isinstance(obj, Demand) and (is_deleted or (_changed(obj, "is_attributable") and not obj.is_attributable)):
        return marked
    if isinstance(obj, Account) and (is_deleted or _changed(obj, "display_name")):
        return marked
    return set()


@event.listens_for(Session, "before_flush")
def _mark_changed_units(session: Session, flush_context, instances) -> None:
    marked: set[int | None] = set()
    withdrawn: set[int | None] = set()
    changes = [(obj, True, False) for obj in session.new] + [(obj, False, True) for obj in session.deleted]
    changes += [(obj, False, False) for obj in session.dirty if session.is_modified(obj)]
    for obj, is_new, is_deleted in changes:
        if isinstance(obj, Demand) and not (is_new or is_deleted) and _only_answers_changed(obj):
            # An answer added to its history: the stored items take it in place (`prepare_answers`).
            session.info.setdefault(_ANSWERED, {}).setdefault(obj.unit_id, set()).add(obj.id)
            continue
        units = _marked_by(session, obj, is_new=is_new, is_deleted=is_deleted)
        marked |= units
        withdrawn |= _withdrawn_by(obj, units, is_new=is_new, is_deleted=is_deleted)
    marked.discard(None)
    withdrawn.discard(None)
    if marked:
        session.info.setdefault(_MARKED, set()).update(marked)
    if withdrawn:
        session.info.setdefault(_WITHDRAWN, set()).update(withdrawn)


@event.listens_for(Session, "before_commit")
def _prepare_marked_units(session: Session) -> None:
    # Savepoints commit too; only the whole transaction's commit stores the items.
    if session.in_nested_transaction():
        return
    session.flush()  # the commit would flush next: what is still pending may mark units
    marked = session.info.pop(_MARKED, None) or set()
    answered = {unit_id: ids for unit_id, ids in session.info.pop(_ANSWERED, {}).items() if unit_id not in marked}
    if marked:
        prepare(session, marked)
    if answered:
        prepare_answers(session, answered)
    withdrawn = session.info.pop(_WITHDRAWN, None)
    if withdrawn:
        table = PreparedDownload.__table__
        session.connection().execute(table.delete().where(table.c.unit_id.in_(sorted(withdrawn))))


@event.listens_for(Session, "after_transaction_end")
def _forget_marks(session: Session, transaction) -> None:
    # A rolled-back transaction stored nothing; a rolled-back savepoint leaves its marks,
    # which at worst rank a unit once more than needed.
    if transaction.parent is None:
        session.info.pop(_MARKED, None)
        session.info.pop(_WITHDRAWN, None)
        session.info.pop(_ANSWERED, None)
