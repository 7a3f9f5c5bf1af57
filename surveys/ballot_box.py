"""The ballot box: eligible people answer once; answers are encrypted with
validity proofs, and the ballot and its respondent go into the survey's pool
in one transaction, never as rows of their own (PRIVACY.md invariants 1, 2
and 9; the storage argument is in `surveys.pool`)."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache

import sqlalchemy as sa
from flask_babel import gettext
from psycopg.pq import Format as PostgresFormat
from sqlalchemy.dialects import postgresql, sqlite

from core.extensions import db
from core.i18n import format_number
from core.refusals import Refused
from crypto import ballot as ballots
from crypto import sealing
from crypto.elgamal import PublicKey
from crypto.errors import CryptoError, InvalidAnswerError
from surveys.definitions import ballot_questions, question_spec
from surveys.errors import AlreadyAnswered, BallotRejected, NotEligible, SurveyError, SurveyNotOpen
from surveys.models import (
    Ballot,
    BallotPool,
    EligibleVoter,
    ParticipationEntry,
    SealedComment,
    Survey,
    SurveyState,
    random_id,
)
from surveys.pool import PendingBallot, PendingComment, Pool, anonymity_size, pad_cell

MAX_COMMENT = 2000
CANT_SAY = ballots.CANT_SAY

# The statements every answer sends, built once on the tables: building and keying
# a statement anew costs about as much processor time as sending it.
_voters, _ledger, _pools, _surveys = (model.__table__ for model in (EligibleVoter, ParticipationEntry, BallotPool,
                                                                       Survey))
_CAN_ANSWER = (sa.select(_voters.c.cell, _ledger.c.voter_ref)
               .select_from(_voters.outerjoin(_ledger, sa.and_(_ledger.c.survey_id == _voters.c.survey_id,
                                                               _ledger.c.voter_ref == _voters.c.voter_ref)))
               .where(_voters.c.survey_id == sa.bindparam("survey_id"),
                      _voters.c.voter_ref == sa.bindparam("voter_ref")))
#: An execution option: PostgreSQL sends this statement's rows in binary, not as text.
BINARY_ROWS = "leverage_binary_rows"
# The pool is read whole on every answer: a few hundred kilobytes, which as text (hex) cost
# the database server and the driver more processor time to convert than everything else
# the statement does.
_LOCK_POOL = (sa.select(_pools.c.sealed).where(_pools.c.survey_id == sa.bindparam("survey_id"))
              .with_for_update().execution_options(**{BINARY_ROWS: True}))
_REWRITE_POOL = (_pools.update().where(_pools.c.survey_id == sa.bindparam("pool_of"))
                 .values(sealed=sa.bindparam("rewritten", type_=_pools.c.sealed.type)))
_UNDER_LOCK = sa.select(
    _surveys.c.state,
    sa.exists().where(_ledger.c.survey_id == sa.bindparam("survey_id"),
                      _ledger.c.voter_ref == sa.bindparam("voter_ref")),
    sa.exists().where(Ballot.__table__.c.fingerprint == sa.bindparam("fingerprint")),
    sa.exists().where(SealedComment.__table__.c.digest.in_(sa.bindparam("digests", expanding=True))),
).where(_surveys.c.id == sa.bindparam("survey_id"))


@sa.event.listens_for(sa.engine.Engine, "before_cursor_execute")
def _rows_in_binary(connection, cursor, statement, parameters, context, executemany) -> None:
    if context is not None and context.execution_options.get(BINARY_ROWS) and connection.dialect.driver == "psycopg":
        cursor.format = PostgresFormat.BINARY


@dataclass(frozen=True)
class Refusal:
    """A further reason a caller gives to refuse a ballot, checked in the same
    statement, under the pool's lock, as the ballot box's own (so it cannot race
    a transaction that takes the same lock, and costs no round trip of its own).
    `found` is an EXISTS over the caller's table, written with the bind parameters
    `survey_id` and `fingerprint` (the ballot's, hex SHA-256 of its bytes), built
    once: statements are cached by it; `refusal` makes what is raised when it holds."""

    found: sa.Exists
    refusal: Callable[[], Refused]


@dataclass(frozen=True)
class Receipt:
    survey_id: int
    fingerprint: str


def eligibility(survey: Survey, voter_ref: str) -> EligibleVoter | None:
    return db.session.get(EligibleVoter, (survey.id, voter_ref))


def has_answered(survey: Survey, voter_ref: str) -> bool:
    return _in_ledger(survey, voter_ref) or pending_pool(survey).has_respondent(voter_ref)


def open_surveys_for(voter_ref: str) -> list[Survey]:
    """Open surveys this person may answer, answered or not."""
    return list(db.session.scalars(
        sa.select(Survey).join(EligibleVoter, EligibleVoter.survey_id == Survey.id)
        .where(EligibleVoter.voter_ref == voter_ref, Survey.state == SurveyState.OPEN)
        .order_by(Survey.id)))


@dataclass(frozen=True)
class _Voter:
    """Who is answering: their ref, and the cell their ballot waits under."""

    voter_ref: str
    cell: str


def _check_can_answer(survey: Survey, voter_ref: str) -> _Voter:
    """Refuse early, before the costly encryption or proof checks; `_store` checks
    again under the pool's lock, where it counts."""
    if survey.state != SurveyState.OPEN:
        raise SurveyNotOpen(gettext("This survey is not open for answers."))
    # One round trip for both checks, and columns rather than an entity: this runs on every answer.
    found = db.session.execute(_CAN_ANSWER, {"survey_id": survey.id, "voter_ref": voter_ref}).first()
    if found is None:
        raise NotEligible(gettext("You are not among the people this survey asks."))
    cell, answered = found
    if answered is not None:
        raise AlreadyAnswered(gettext("You have already answered this survey. Each person answers once."))
    return _Voter(voter_ref, cell)


def cast(survey: Survey, voter_ref: str, answers: Mapping[int, object]) -> Receipt:
    """Encrypt and cast one person's answers, keyed by question id.

    Choice answers: scale value 1..n, True/False for yes/no, an option index,
    a collection of indices (multiple choice) or CANT_SAY. Free text: a string
    (empty means no comment)."""
    voter = _check_can_answer(survey, voter_ref)
    questions = ballot_questions(survey)
    values = []
    for question in questions:
        if question.id not in answers or answers[question.id] is None:
            raise SurveyError(gettext("Answer every question (choose \u201ccan't say\u201d where offered)."),
                              field=f"q{question.id}")
        values.append(answers[question.id])
    try:
        encrypted = ballots.encrypt_ballot(_public_key(survey), survey.context,
                                           [question_spec(q) for q in questions], values)
    except InvalidAnswerError as bad:
        raise BallotRejected(gettext("An answer does not fit its question: %(reason)s", reason=str(bad))) from None
    comments = {
        question.id: sealing.seal_text(_public_key(survey), text, comment_context(survey, question.id))
        for question in survey.questions
        if question.is_free_text and isinstance(text := answers.get(question.id), str) and text.strip()
        and _check_comment(text)
    }
    return _store(survey, voter, ballots.serialize(encrypted), comments)


def cast_encrypted(survey: Survey, voter_ref: str, payload: bytes, sealed_comments: Mapping[int, bytes],
                   *, also: Refusal | None = None) -> Receipt:
    """Cast a ballot encrypted elsewhere (the browser): it is accepted only if it
    decodes strictly and every proof verifies for this survey, and, with `also`,
    only if that refusal does not hold (checked after all the ballot box's own)."""
    voter = _check_can_answer(survey, voter_ref)
    shape = _ballot_shape(survey)
    # One pass over the bytes (each point decoded once); only a ballot that fails is
    # decoded again, to say in words what does not decode.
    if not ballots.verify_serialized(shape.key, survey.context, shape.specs, payload):
        try:
            ballots.deserialize(payload)
        except CryptoError as bad:
            raise BallotRejected(gettext("The ballot could not be decoded: %(reason)s", reason=str(bad))) from None
        raise BallotRejected(gettext("The ballot's proofs do not verify for this survey's questions and key."))
    for question_id, sealed in sealed_comments.items():
        if question_id not in shape.free_text_ids:
            raise BallotRejected(gettext("A comment answers a question that is not a free-text question of this "
                                         "survey."))
        if len(sealed) > 4 * MAX_COMMENT + 256:
            raise BallotRejected(gettext("A sealed comment is too long."))
        # The comment's key point must come with a proof that its sender made
        # it: otherwise a copy of someone else's ballot ciphertext, sent as a
        # "comment", would be decrypted by the trustees (a decryption oracle).
        if not sealing.verify_sealed_text(shape.key, sealed, comment_context(survey, question_id)):
            raise BallotRejected(gettext("A sealed comment is malformed or its proof does not verify for this survey."))
    return _store(survey, voter, payload, dict(sealed_comments), also)


def _store(survey: Survey, voter: _Voter, payload: bytes, comments: Mapping[int, bytes],
           also: Refusal | None = None) -> Receipt:
    """Put the ballot, its comments and its respondent into the survey's pool, or nothing.

    Order of locks, the same in every transaction that takes both (closing
    included, see `surveys.tally.end_voting`): the pool's row exclusively, then
    the survey's row shared. Answers to one survey therefore store one at a
    time, and at most one of them holds the survey's row when a close asks for
    it, so a stream of answers cannot starve the close; a ballot is either in
    the pool before the close reads it, or refused. The costly encryption and
    proof checks run before, outside both locks. Every check of "already
    answered" and "replayed" runs under the pool lock, so two answers racing
    for the same person or the same bytes cannot both pass."""
    fingerprint = hashlib.sha256(payload).hexdigest()
    pending_comments = [PendingComment(question_id, sealed) for question_id, sealed in comments.items()]
    digests = [comment.digest for comment in pending_comments]
    pool = _lock_pool(survey)
    seen = _look_under_lock(survey, voter.voter_ref, fingerprint, digests, also)
    if seen.state != SurveyState.OPEN:
        raise SurveyNotOpen(gettext("This survey has closed."))
    if pool.has_respondent(voter.voter_ref) or seen.answered:
        raise AlreadyAnswered(gettext("You have already answered this survey. Each person answers once."))
    # The same bytes are the same fingerprint: comparing them spares hashing every pending ballot.
    if seen.ballot_stored or any(pending.payload == payload for pending in pool.ballots):
        raise BallotRejected(gettext("This ballot repeats one already cast; a replayed ballot is refused."))
    if len(set(digests)) != len(digests) or seen.comment_stored or (digests and set(digests) & pool.comment_digests()):
        raise BallotRejected(gettext("A comment repeats one already cast; a replayed ballot is refused."))
    if also is not None and seen.also_found:
        raise also.refusal()
    pool.add(PendingBallot(voter.cell, payload), pending_comments, voter.voter_ref)
    size = anonymity_size(len(payload))
    if len(pool.ballots) >= 2 * size:
        _move_to_storage(survey, *pool.take_random_half(size))
    _rewrite_pool(survey, pool)
    db.session.flush()
    return Receipt(survey.id, fingerprint)


@dataclass(frozen=True)
class _UnderLock:
    state: SurveyState
    answered: bool
    ballot_stored: bool
    comment_stored: bool
    also_found: bool = False


def _look_under_lock(survey: Survey, voter_ref: str, fingerprint: str, digests: list[str],
                     also: Refusal | None = None) -> _UnderLock:
    """One round trip, after the pool's lock: the survey's state, read under a shared
    lock on its row held until commit (PostgreSQL; SQLite has one writer at a time
    and needs no row locks); whether this person is in its ledger; whether a stored
    ballot has this fingerprint or a stored comment one of these digests (in any
    survey); and whether the caller's further refusal holds."""
    query = _under_lock_query(db.session.get_bind().dialect.name == "postgresql", also and also.found)
    state, *found = db.session.execute(query, {"survey_id": survey.id, "voter_ref": voter_ref,
                                               "fingerprint": fingerprint, "digests": digests}).one()
    return _UnderLock(state, *(bool(flag) for flag in found))


@lru_cache(maxsize=32)
def _under_lock_query(shared_lock: bool, also: sa.Exists | None) -> sa.Select:
    query = _UNDER_LOCK if also is None else _UNDER_LOCK.add_columns(also)
    return query.with_for_update(read=True, of=_surveys) if shared_lock else query


def _lock_pool(survey: Survey) -> Pool:
    """The survey's pool, its row held exclusively until commit. Made on first use
    (surveys launched before pools existed have none). The column is read and
    written as a value (`_rewrite_pool`), not through an entity: every answer
    does both, and the unit of work adds nothing to one column of one row."""
    sealed = db.session.scalar(_LOCK_POOL, {"survey_id": survey.id})
    if sealed is None:
        insert = (postgresql.insert(BallotPool) if db.session.get_bind().dialect.name == "postgresql"
                  else sqlite.insert(BallotPool))
        db.session.execute(insert.values(survey_id=survey.id, sealed=Pool(survey.id).to_bytes())
                           .on_conflict_do_nothing())
        sealed = db.session.scalar(_LOCK_POOL, {"survey_id": survey.id})
    return Pool.from_bytes(sealed, survey.id)


def _rewrite_pool(survey: Survey, pool: Pool) -> None:
    db.session.execute(_REWRITE_POOL, {"pool_of": survey.id, "rewritten": pool.to_bytes()})
    # A pool entity this session loaded before (`pending_pool`) would now be stale: reload it when next read.
    held = db.session.identity_map.get(db.session.identity_key(BallotPool, survey.id))
    if held is not None:
        db.session.expire(held)


def hold_pool(survey: Survey) -> None:
    """Take the survey's pool row exclusively until commit (if it has one): the
    first lock of every transaction that ends voting, as of every answer."""
    db.session.execute(sa.select(BallotPool.survey_id).where(BallotPool.survey_id == survey.id).with_for_update())


def pending_pool(survey: Survey) -> Pool:
    """The survey's pool as committed, without locking it (empty if it has none)."""
    row = db.session.get(BallotPool, survey.id)
    return Pool.from_bytes(row.sealed, survey.id) if row is not None else Pool(survey.id)


def _in_ledger(survey: Survey, voter_ref: str) -> bool:
    return db.session.scalar(sa.select(ParticipationEntry.voter_ref).where(
        ParticipationEntry.survey_id == survey.id, ParticipationEntry.voter_ref == voter_ref)) is not None


def _move_to_storage(survey: Survey, ballots: list[PendingBallot], comments: list[PendingComment],
                     respondents: list[str]) -> None:
    """Write a random batch of the pool out as rows, each list in its own random
    order. Ballots keep their cell sealed: no clear tag until the mix at close."""
    if ballots:
        db.session.execute(sa.insert(Ballot), [
            {"id": random_id(), "survey_id": survey.id, "sealed_cell": pad_cell(ballot.cell),
             "payload": ballot.payload, "fingerprint": ballot.fingerprint} for ballot in ballots])
    if comments:
        db.session.execute(sa.insert(SealedComment), [
            {"id": random_id(), "survey_id": survey.id, "question_id": comment.question_id,
             "sealed": comment.sealed, "digest": comment.digest} for comment in comments])
    if respondents:
        db.session.execute(sa.insert(ParticipationEntry), [
            {"survey_id": survey.id, "voter_ref": ref} for ref in respondents])


def counts(survey: Survey) -> tuple[int, int]:
    """(ballots, respondents) accepted so far, stored and pending. By the rule in
    `surveys.pool` the two are always equal; callers check that, never assume it."""
    pool = pending_pool(survey)
    stored_ballots = db.session.scalar(sa.select(sa.func.count()).select_from(Ballot)
                                       .where(Ballot.survey_id == survey.id))
    stored_respondents = db.session.scalar(sa.select(sa.func.count()).select_from(ParticipationEntry)
                                           .where(ParticipationEntry.survey_id == survey.id))
    return stored_ballots + len(pool.ballots), stored_respondents + len(pool.respondents)


def _check_comment(text: str) -> bool:
    if len(text) > MAX_COMMENT:
        raise SurveyError(gettext("Keep comments under %(max)s characters.", max=format_number(MAX_COMMENT)))
    return True


@dataclass(frozen=True)
class _BallotShape:
    """What checking a ballot needs from its survey: the key, the question specs in
    ballot order, the free-text questions. All of it is fixed at launch (questions
    change only in a draft), so it is worked out once per survey and process rather
    than loading every question on every answer: `cast_encrypted` then needs the
    survey's row alone."""

    key: PublicKey
    specs: tuple
    free_text_ids: frozenset[int]


#: Shapes of launched surveys, by (id, public key, context): a key or context that
#: changes is another entry, so a stale shape is never used. Bounded, as a process
#: serves any number of surveys over its life.
_SHAPES: dict[tuple[int, bytes, bytes], _BallotShape] = {}
_MAX_SHAPES = 256


def _ballot_shape(survey: Survey) -> _BallotShape:
    if survey.public_key is None:
        raise SurveyNotOpen(gettext("This survey has not been launched."))
    cache_key = (survey.id, bytes(survey.public_key), survey.context)
    shape = _SHAPES.get(cache_key)
    if shape is None:
        shape = _BallotShape(_public_key(survey), tuple(question_spec(q) for q in ballot_questions(survey)),
                             frozenset(q.id for q in survey.questions if q.is_free_text))
        if len(_SHAPES) >= _MAX_SHAPES:
            _SHAPES.clear()
        _SHAPES[cache_key] = shape
    return shape


def _public_key(survey: Survey) -> PublicKey:
    if survey.public_key is None:
        raise SurveyNotOpen(gettext("This survey has not been launched."))
    return PublicKey.from_bytes(survey.public_key)


def comment_context(survey: Survey, question_id: int) -> bytes:
    """What a sealed comment is bound to: this survey round and this question."""
    return survey.context + f":comment:{question_id}".encode()


def forget_voter(voter_ref: str) -> int:
    """A person leaves (their account is deleted): the eligibility and ledger
    rows that named them name a random stand-in instead.

    Counts stay exactly as they were: the ledger still equals the ballots, and
    a released result and its participation do not move. Within one survey the
    eligibility row and the ledger row keep sharing one stand-in, and so do all
    rounds of one recurring series, because the tally matches them by ref and
    the overlap rule compares rounds person by person. Stand-ins differ between
    series, so nothing links the person's rows across unrelated surveys. Ballots
    never named anyone; a respondent still waiting in an open survey's pool is
    renamed there. Returns how many rows (and pools) were rewritten."""
    series_of = dict(db.session.execute(
        sa.select(Survey.id, Survey.series_id).where(Survey.id.in_(
            sa.select(EligibleVoter.survey_id).where(EligibleVoter.voter_ref == voter_ref)
            .union(sa.select(ParticipationEntry.survey_id).where(ParticipationEntry.voter_ref == voter_ref))))).all())
    stand_ins: dict[int, str] = {}
    rewritten = 0
    for survey_id, series_id in series_of.items():
        stand_in = stand_ins.setdefault(series_id or survey_id, f"gone:{secrets.token_hex(8)}")
        for model in (EligibleVoter, ParticipationEntry):
            rewritten += db.session.execute(
                sa.update(model).where(model.survey_id == survey_id, model.voter_ref == voter_ref)
                .values(voter_ref=stand_in)).rowcount or 0
        rewritten += _rename_in_pool(survey_id, voter_ref, stand_in)
    db.session.flush()
    return rewritten


def _rename_in_pool(survey_id: int, voter_ref: str, stand_in: str) -> int:
    row = db.session.get(BallotPool, survey_id, with_for_update=True, populate_existing=True)
    if row is None:
        return 0
    pool = Pool.from_bytes(row.sealed, survey_id)
    if not pool.has_respondent(voter_ref):
        return 0
    pool.respondents = [stand_in if ref == voter_ref else ref for ref in pool.respondents]
    row.sealed = pool.to_bytes()
    return 1


def fingerprints(survey: Survey) -> list[str]:
    """Every ballot's fingerprint, sorted (not in casting order), for receipts to be checked."""
    return list(db.session.scalars(
        sa.select(Ballot.fingerprint).where(Ballot.survey_id == survey.id).order_by(Ballot.fingerprint)))
