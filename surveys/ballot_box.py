"""The ballot box: eligible people answer once; answers are encrypted with
validity proofs, and the ballot and its respondent go into the survey's pool
in one transaction, never as rows of their own (PRIVACY.md invariants 1, 2
and 9; the storage argument is in `surveys.pool`)."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from core.extensions import db
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


def _check_can_answer(survey: Survey, voter_ref: str) -> EligibleVoter:
    if survey.state != SurveyState.OPEN:
        raise SurveyNotOpen("This survey is not open for answers.")
    # One round trip for both checks: this runs on every answer.
    found = db.session.execute(
        sa.select(EligibleVoter, ParticipationEntry.voter_ref)
        .outerjoin(ParticipationEntry, sa.and_(ParticipationEntry.survey_id == EligibleVoter.survey_id,
                                               ParticipationEntry.voter_ref == EligibleVoter.voter_ref))
        .where(EligibleVoter.survey_id == survey.id, EligibleVoter.voter_ref == voter_ref)).first()
    if found is None:
        raise NotEligible("You are not among the people this survey asks.")
    voter, answered = found
    if answered is not None:
        raise AlreadyAnswered("You have already answered this survey. Each person answers once.")
    return voter


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
            raise SurveyError("Answer every question (choose \"can't say\" where offered).", field=f"q{question.id}")
        values.append(answers[question.id])
    try:
        encrypted = ballots.encrypt_ballot(_public_key(survey), survey.context,
                                           [question_spec(q) for q in questions], values)
    except InvalidAnswerError as bad:
        raise BallotRejected(f"An answer does not fit its question: {bad}") from None
    comments = {
        question.id: sealing.seal_text(_public_key(survey), text, comment_context(survey, question.id))
        for question in survey.questions
        if question.is_free_text and isinstance(text := answers.get(question.id), str) and text.strip()
        and _check_comment(text)
    }
    return _store(survey, voter, ballots.serialize(encrypted), comments)


def cast_encrypted(survey: Survey, voter_ref: str, payload: bytes, sealed_comments: Mapping[int, bytes]) -> Receipt:
    """Cast a ballot encrypted elsewhere (the browser, later): it is accepted
    only if it decodes strictly and every proof verifies for this survey."""
    voter = _check_can_answer(survey, voter_ref)
    questions = ballot_questions(survey)
    try:
        decoded = ballots.deserialize(payload)
    except CryptoError as bad:
        raise BallotRejected(f"The ballot could not be decoded: {bad}") from None
    if not ballots.verify_ballot(_public_key(survey), survey.context, [question_spec(q) for q in questions], decoded):
        raise BallotRejected("The ballot's proofs do not verify for this survey's questions and key.")
    text_questions = {q.id: q for q in survey.questions if q.is_free_text}
    for question_id, sealed in sealed_comments.items():
        if question_id not in text_questions:
            raise BallotRejected("A comment answers a question that is not a free-text question of this survey.")
        if len(sealed) > 4 * MAX_COMMENT + 256:
            raise BallotRejected("A sealed comment is too long.")
        # The comment's key point must come with a proof that its sender made
        # it: otherwise a copy of someone else's ballot ciphertext, sent as a
        # "comment", would be decrypted by the trustees (a decryption oracle).
        if not sealing.verify_sealed_text(_public_key(survey), sealed, comment_context(survey, question_id)):
            raise BallotRejected("A sealed comment is malformed or its proof does not verify for this survey.")
    return _store(survey, voter, payload, dict(sealed_comments))


def _store(survey: Survey, voter: EligibleVoter, payload: bytes, comments: Mapping[int, bytes]) -> Receipt:
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
    row, pool = _lock_pool(survey)
    if not _lock_if_open(survey):
        raise SurveyNotOpen("This survey has closed.")
    if pool.has_respondent(voter.voter_ref) or _in_ledger(survey, voter.voter_ref):
        raise AlreadyAnswered("You have already answered this survey. Each person answers once.")
    if fingerprint in pool.fingerprints() or _stored(Ballot.fingerprint, [fingerprint]):
        raise BallotRejected("This ballot repeats one already cast; a replayed ballot is refused.")
    digests = [comment.digest for comment in pending_comments]
    if len(set(digests)) != len(digests) or set(digests) & pool.comment_digests() \
            or _stored(SealedComment.digest, digests):
        raise BallotRejected("A comment repeats one already cast; a replayed ballot is refused.")
    pool.add(PendingBallot(voter.cell, payload), pending_comments, voter.voter_ref)
    size = anonymity_size(len(payload))
    if len(pool.ballots) >= 2 * size:
        _move_to_storage(survey, *pool.take_random_half(size))
    row.sealed = pool.to_bytes()
    db.session.flush()
    return Receipt(survey.id, fingerprint)


def _lock_if_open(survey: Survey) -> bool:
    """Read the survey's state under a shared lock on its row, held until commit
    (PostgreSQL; SQLite has one writer at a time and needs no row locks)."""
    query = sa.select(Survey.state).where(Survey.id == survey.id)
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(read=True)
    return db.session.scalar(query) == SurveyState.OPEN


def _lock_pool(survey: Survey) -> tuple[BallotPool, Pool]:
    """The survey's pool row, held exclusively until commit, and its contents.
    Made on first use (surveys launched before pools existed have none)."""
    query = (sa.select(BallotPool).where(BallotPool.survey_id == survey.id).with_for_update()
             .execution_options(populate_existing=True))
    row = db.session.scalar(query)
    if row is None:
        insert = (postgresql.insert(BallotPool) if db.session.get_bind().dialect.name == "postgresql"
                  else sqlite.insert(BallotPool))
        db.session.execute(insert.values(survey_id=survey.id, sealed=Pool(survey.id).to_bytes())
                           .on_conflict_do_nothing())
        row = db.session.scalar(query)
    return row, Pool.from_bytes(row.sealed, survey.id)


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


def _stored(column, values: list[str]) -> bool:
    return bool(values) and db.session.scalar(sa.select(column).where(column.in_(values)).limit(1)) is not None


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
        raise SurveyError(f"Keep comments under {MAX_COMMENT} characters.")
    return True


def _public_key(survey: Survey) -> PublicKey:
    if survey.public_key is None:
        raise SurveyNotOpen("This survey has not been launched.")
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
