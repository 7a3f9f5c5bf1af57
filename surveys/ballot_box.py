"""The ballot box: eligible people answer once; answers are encrypted with
validity proofs, and the ballot and its participation-ledger entry are written
in one transaction (PRIVACY.md invariants 1, 2 and 9)."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy as sa

from core.extensions import db
from crypto import ballot as ballots
from crypto import sealing
from crypto.elgamal import PublicKey
from crypto.errors import CryptoError, InvalidAnswerError
from surveys.definitions import ballot_questions, question_spec
from surveys.errors import AlreadyAnswered, BallotRejected, NotEligible, SurveyError, SurveyNotOpen
from surveys.models import Ballot, EligibleVoter, ParticipationEntry, SealedComment, Survey, SurveyState, random_id

MAX_COMMENT = 2000
CANT_SAY = ballots.CANT_SAY


@dataclass(frozen=True)
class Receipt:
    survey_id: int
    fingerprint: str


def eligibility(survey: Survey, voter_ref: str) -> EligibleVoter | None:
    return db.session.get(EligibleVoter, (survey.id, voter_ref))


def has_answered(survey: Survey, voter_ref: str) -> bool:
    return db.session.get(ParticipationEntry, (survey.id, voter_ref)) is not None


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
        try:
            sealing.sealed_text_ephemeral(sealed)
        except CryptoError as bad:
            raise BallotRejected(f"A sealed comment is malformed: {bad}") from None
        if len(sealed) > 4 * MAX_COMMENT + 256:
            raise BallotRejected("A sealed comment is too long.")
    return _store(survey, voter, payload, dict(sealed_comments))


def _store(survey: Survey, voter: EligibleVoter, payload: bytes, comments: Mapping[int, bytes]) -> Receipt:
    """Write the ballot, its comments and the ledger entry, or nothing.

    Conflicts (a replay, a second answer that won no race) are detected with
    INSERT ... ON CONFLICT DO NOTHING rather than by a failed statement, so
    the caller's transaction stays usable without a savepoint (two fewer round
    trips on every answer); what this call wrote is removed before refusing."""
    fingerprint = hashlib.sha256(payload).hexdigest()
    digests = {question_id: hashlib.sha256(sealed).hexdigest() for question_id, sealed in comments.items()}
    if digests and db.session.scalar(sa.select(SealedComment.id).where(SealedComment.digest.in_(digests.values()))):
        raise BallotRejected("A comment repeats one already cast; a replayed ballot is refused.")
    ballot_id = random_id()
    if not _insert_ballot_while_open(survey, ballot_id, voter.cell, payload, fingerprint):
        if _still_open(survey):
            raise BallotRejected("This ballot repeats one already cast; a replayed ballot is refused.")
        raise SurveyNotOpen("This survey has closed.")
    if not _insert_ledger_entry(survey, voter.voter_ref):
        db.session.execute(sa.delete(Ballot).where(Ballot.id == ballot_id))
        raise AlreadyAnswered("You have already answered this survey. Each person answers once.")
    if comments:
        db.session.execute(sa.insert(SealedComment), [
            {"id": random_id(), "survey_id": survey.id, "question_id": question_id, "sealed": sealed,
             "digest": digests[question_id]} for question_id, sealed in comments.items()])
    return Receipt(survey.id, fingerprint)


# The two inserts below run on every answer. They are written as SQL text
# because SQLAlchemy does not cache the compiled form of its dialect-specific
# INSERT ... ON CONFLICT constructs: built as expressions, both statements were
# compiled afresh on every request. Both dialects accept this SQL (SQLite since
# 3.35 for RETURNING); only PostgreSQL knows FOR SHARE, which SQLite needs no
# more than it needs row locks (it has one writer at a time).
_INSERT_LEDGER_ENTRY = sa.text(
    f"INSERT INTO {ParticipationEntry.__tablename__} (survey_id, voter_ref) VALUES (:survey_id, :voter_ref) "
    "ON CONFLICT DO NOTHING RETURNING survey_id")
_INSERT_BALLOT_WHILE_OPEN = {
    dialect: sa.text(
        f"INSERT INTO {Ballot.__tablename__} (id, survey_id, cell, payload, fingerprint) "
        f"SELECT :id, surveys.id, :cell, :payload, :fingerprint FROM {Survey.__tablename__} AS surveys "
        f"WHERE surveys.id = :survey_id AND surveys.state = '{SurveyState.OPEN.value}'{lock} "
        "ON CONFLICT DO NOTHING RETURNING id"
    ).bindparams(sa.bindparam("id", type_=sa.LargeBinary), sa.bindparam("payload", type_=sa.LargeBinary))
    for dialect, lock in (("postgresql", " FOR SHARE"), ("sqlite", ""))
}


def _insert_ledger_entry(survey: Survey, voter_ref: str) -> bool:
    """False, and nothing written, if this person is already in the ledger."""
    found = db.session.execute(_INSERT_LEDGER_ENTRY, {"survey_id": survey.id, "voter_ref": voter_ref})
    return found.first() is not None


def _insert_ballot_while_open(survey: Survey, ballot_id: bytes, cell: str, payload: bytes, fingerprint: str) -> bool:
    """Insert the ballot only if the survey is open, reading its state under a
    shared lock on its row, held until commit, in the same statement. Closing
    takes that row exclusively, so a ballot is either stored before the tally
    reads the ballots and the ledger, or refused: never stored in a closed
    survey, uncounted. The lock is taken as late as possible, just before the
    commit, so a waiting close is not starved by a stream of answers.

    False when nothing was inserted: the survey closed, or the ballot repeats one."""
    statement = _INSERT_BALLOT_WHILE_OPEN[db.session.get_bind().dialect.name]
    found = db.session.execute(statement, {"id": ballot_id, "survey_id": survey.id, "cell": cell,
                                           "payload": payload, "fingerprint": fingerprint})
    return found.first() is not None


def _still_open(survey: Survey) -> bool:
    return db.session.scalar(sa.select(Survey.state).where(Survey.id == survey.id)) == SurveyState.OPEN


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
    never named anyone. Returns how many rows were rewritten."""
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
    db.session.flush()
    return rewritten


def fingerprints(survey: Survey) -> list[str]:
    """Every ballot's fingerprint, sorted (not in casting order), for receipts to be checked."""
    return list(db.session.scalars(
        sa.select(Ballot.fingerprint).where(Ballot.survey_id == survey.id).order_by(Ballot.fingerprint)))
