"""The ballot box (PRIVACY.md invariants 1, 2, 4 and 9): only eligible people
answer, each once, only while the survey is open; every answer must fit its
question; a ballot encrypted elsewhere is accepted only when its proofs verify
for this survey, and never twice; and the participation ledger always counts
exactly as many people as there are ballots."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
import sqlalchemy as sa

from core.clock import utcnow
from core.extensions import db
from crypto import ballot as crypto_ballot
from crypto import sealing
from crypto.elgamal import PublicKey, generate_keypair
from surveys import ballot_box, tally
from surveys.ballot_box import CANT_SAY
from surveys.definitions import ballot_questions, question_spec
from surveys.errors import AlreadyAnswered, BallotRejected, NotEligible, SurveyError, SurveyNotOpen
from surveys.models import Ballot, ParticipationEntry, SealedComment, Survey
from tests.concurrency import postgresql_only
from tests.surveys.helpers import answers, cast_all, launched_pulse, pulse, row_count, voters

PEOPLE = voters(12, ("A", "B"))
REFS = list(PEOPLE)


def _stored(survey: Survey) -> tuple[int, int, int]:
    """Respondents, ballots and comments accepted: stored as rows or waiting in the pool."""
    ballots, respondents = ballot_box.counts(survey)
    comments = row_count(SealedComment, survey) + len(ballot_box.pending_pool(survey).comments)
    return respondents, ballots, comments


def _all_payloads(survey: Survey) -> list[bytes]:
    pool = ballot_box.pending_pool(survey)
    stored = db.session.scalars(sa.select(Ballot.payload).where(Ballot.survey_id == survey.id))
    return [ballot.payload for ballot in pool.ballots] + [bytes(p) for p in stored]


def _payload(survey: Survey, *, yes=True, scale=3, issues=(1,), context: bytes | None = None,
             public_key: bytes | None = None) -> bytes:
    """A ballot encrypted outside the ballot box, as a browser would (later) send it."""
    encrypted = crypto_ballot.encrypt_ballot(
        PublicKey.from_bytes(public_key or survey.public_key), survey.context if context is None else context,
        [question_spec(q) for q in ballot_questions(survey)], [yes, scale, list(issues)])
    return crypto_ballot.serialize(encrypted)


def _sealed_comment(survey: Survey, text: str) -> tuple[int, bytes]:
    question = survey.questions[-1]
    assert question.is_free_text
    return question.id, sealing.seal_text(PublicKey.from_bytes(survey.public_key), text,
                                          ballot_box.comment_context(survey, question.id))


@pytest.fixture
def survey(app_ctx) -> Survey:
    return launched_pulse(PEOPLE, dimensions=("department",))


# -- the ledger and the ballots ------------------------------------------------------------------

def test_every_ballot_has_exactly_one_respondent(survey):
    cast_all(survey, REFS[:7], comment=lambda i: f"note {i}" if i % 2 else "")
    respondents, ballots, comments = _stored(survey)
    pool = ballot_box.pending_pool(survey)
    assert respondents == ballots == len(set(pool.respondents)) == 7
    assert comments == 3  # blank comments are not stored
    assert all(ballot_box.has_answered(survey, ref) for ref in REFS[:7])
    assert not any(ballot_box.has_answered(survey, ref) for ref in REFS[7:])
    tally.close(survey)
    voters_in_ledger = db.session.scalars(
        sa.select(sa.func.count(sa.distinct(ParticipationEntry.voter_ref)))
        .where(ParticipationEntry.survey_id == survey.id)).one()
    assert row_count(ParticipationEntry, survey) == row_count(Ballot, survey) == voters_in_ledger == 7
    assert row_count(SealedComment, survey) == 3


def test_a_ballot_waits_with_its_voters_cell_and_is_stored_with_none(survey):
    ballot_box.cast(survey, "voter:1", answers(survey, True, 2))
    cell = ballot_box.eligibility(survey, "voter:1").cell
    assert survey.segment_plan["cells"][cell] == {"department": "B"}
    assert [ballot.cell for ballot in ballot_box.pending_pool(survey).ballots] == [cell]
    assert row_count(Ballot, survey) == 0  # nothing is a row of its own while voting is open
    tally.close(survey)
    stored = db.session.execute(sa.select(Ballot.cell, Ballot.sealed_cell).where(Ballot.survey_id == survey.id)).all()
    assert stored == [(None, None)]


def test_a_second_submission_is_refused_and_stores_nothing(survey):
    ballot_box.cast(survey, "voter:0", answers(survey, True, 4, comment="first"))
    before = _stored(survey)
    with pytest.raises(AlreadyAnswered):
        ballot_box.cast(survey, "voter:0", answers(survey, False, 1, comment="second"))
    with pytest.raises(AlreadyAnswered):
        ballot_box.cast_encrypted(survey, "voter:0", _payload(survey), dict([_sealed_comment(survey, "third")]))
    assert _stored(survey) == before == (1, 1, 1)


def test_a_person_not_asked_cannot_answer(survey):
    with pytest.raises(NotEligible):
        ballot_box.cast(survey, "voter:99", answers(survey, True, 3))
    with pytest.raises(NotEligible):
        ballot_box.cast_encrypted(survey, "voter:99", _payload(survey), {})
    assert _stored(survey) == (0, 0, 0)


def test_a_survey_that_is_not_open_takes_no_answers(app_ctx):
    draft = pulse()
    with pytest.raises(SurveyNotOpen):
        ballot_box.cast(draft, "voter:0", answers(draft, True, 3))
    scheduled = launched_pulse(PEOPLE, opens_at=utcnow() + timedelta(days=1))
    with pytest.raises(SurveyNotOpen):
        ballot_box.cast(scheduled, "voter:0", answers(scheduled, True, 3))
    closed = launched_pulse(PEOPLE)
    payload = _payload(closed)
    tally.close(closed)
    with pytest.raises(SurveyNotOpen):
        ballot_box.cast(closed, "voter:0", answers(closed, True, 3))
    with pytest.raises(SurveyNotOpen):
        ballot_box.cast_encrypted(closed, "voter:0", payload, {})
    tally.release_with_server_key(closed)
    with pytest.raises(SurveyNotOpen):
        ballot_box.cast(closed, "voter:0", answers(closed, True, 3))
    assert row_count(ParticipationEntry) == row_count(Ballot) == 0
    assert ballot_box.counts(closed) == (0, 0)


@pytest.mark.parametrize("question, answer", [
    (0, "yes"), (0, 1), (0, [0]),
    (1, 0), (1, 6), (1, True), (1, CANT_SAY), (1, "3"),
    (2, [0, 1, 2]), (2, [4]), (2, [1, 1]), (2, 1), (2, ["Pay"]),
])
def test_an_answer_that_does_not_fit_its_question_is_rejected_and_stores_nothing(survey, question, answer):
    given = answers(survey, True, 3, comment="kept out")
    given[survey.questions[question].id] = answer
    with pytest.raises(BallotRejected):
        ballot_box.cast(survey, "voter:0", given)
    assert _stored(survey) == (0, 0, 0)
    # Nothing was used up: the person can still answer properly.
    ballot_box.cast(survey, "voter:0", answers(survey, True, 3))
    assert _stored(survey) == (1, 1, 0)


def test_can_t_say_is_accepted_where_offered(survey):
    ballot_box.cast(survey, "voter:0", answers(survey, CANT_SAY, 3))
    assert _stored(survey)[:2] == (1, 1)


def test_a_missing_answer_is_refused_and_stores_nothing(survey):
    given = answers(survey, True, 3)
    del given[survey.questions[1].id]
    with pytest.raises(SurveyError):
        ballot_box.cast(survey, "voter:0", given)
    assert _stored(survey) == (0, 0, 0)


def test_an_overlong_comment_is_refused_and_stores_nothing(survey):
    with pytest.raises(SurveyError):
        ballot_box.cast(survey, "voter:0", answers(survey, True, 3, comment="x" * (ballot_box.MAX_COMMENT + 1)))
    assert _stored(survey) == (0, 0, 0)


def test_a_comment_is_stored_sealed(survey):
    ballot_box.cast(survey, "voter:0", answers(survey, True, 3, comment="The night lead plays favourites"))
    assert b"favourites" not in ballot_box.pending_pool(survey).comments[0].sealed
    tally.close(survey)
    sealed = db.session.scalars(sa.select(SealedComment.sealed)).one()
    assert b"favourites" not in sealed


# -- ballots encrypted elsewhere -----------------------------------------------------------------

def test_a_ballot_encrypted_elsewhere_is_accepted_when_its_proofs_verify(survey):
    payload = _payload(survey)
    receipt = ballot_box.cast_encrypted(survey, "voter:0", payload, dict([_sealed_comment(survey, "hello")]))
    assert receipt.fingerprint == hashlib.sha256(payload).hexdigest()
    assert _stored(survey) == (1, 1, 1)


def test_what_the_ballot_box_learnt_of_a_survey_is_never_used_for_another_key(survey):
    """The ballot box keeps a launched survey's key and question specs between
    answers; a survey row carrying another key (another database, say, with the
    same ids) is checked against its own key, never the remembered one."""
    ballot_box.cast_encrypted(survey, "voter:0", _payload(survey), {})
    remembered = bytes(survey.public_key)
    replacement = generate_keypair().public_key.to_bytes()
    survey.public_key = replacement
    # A ballot for the remembered key now fails; one for the survey's own key passes.
    with pytest.raises(BallotRejected, match="proofs do not verify"):
        ballot_box.cast_encrypted(survey, "voter:1", _payload(survey, public_key=remembered), {})
    ballot_box.cast_encrypted(survey, "voter:2", _payload(survey, public_key=replacement), {})


def test_a_replayed_ballot_is_refused(survey):
    ballot_box.cast(survey, "voter:0", answers(survey, True, 5))
    [copied] = _all_payloads(survey)
    # Another eligible person submits the same bytes: valid proofs, but a copy.
    with pytest.raises(BallotRejected, match="replay"):
        ballot_box.cast_encrypted(survey, "voter:1", copied, {})
    assert _stored(survey) == (1, 1, 0)
    assert not ballot_box.has_answered(survey, "voter:1")


def test_a_replayed_comment_is_refused(survey):
    question_id, sealed = _sealed_comment(survey, "copy me")
    ballot_box.cast_encrypted(survey, "voter:0", _payload(survey), {question_id: sealed})
    with pytest.raises(BallotRejected):
        ballot_box.cast_encrypted(survey, "voter:1", _payload(survey), {question_id: sealed})
    assert _stored(survey) == (1, 1, 1)


@pytest.mark.parametrize("where", [0, 1, 3, 4, 40, 100, 300, -40, -1])
def test_a_tampered_ballot_is_refused_and_stores_nothing(survey, where):
    payload = bytearray(_payload(survey))
    payload[where] ^= 0x01
    with pytest.raises(BallotRejected):
        ballot_box.cast_encrypted(survey, "voter:0", bytes(payload), {})
    assert _stored(survey) == (0, 0, 0)


def test_a_truncated_or_extended_ballot_is_refused(survey):
    payload = _payload(survey)
    for bad in (payload[:-1], payload + b"\x00", b"", b"\x01"):
        with pytest.raises(BallotRejected):
            ballot_box.cast_encrypted(survey, "voter:0", bad, {})
    assert _stored(survey) == (0, 0, 0)


def test_a_ballot_made_for_another_survey_is_refused(survey):
    other = launched_pulse(PEOPLE, dimensions=("department",))
    # Made entirely for the other survey: its key and its context.
    with pytest.raises(BallotRejected):
        ballot_box.cast_encrypted(survey, "voter:0", _payload(other), {})
    # This survey's key, but proofs bound to the other survey.
    with pytest.raises(BallotRejected):
        ballot_box.cast_encrypted(survey, "voter:0", _payload(survey, context=other.context), {})
    # The other survey's key, with this survey's context.
    with pytest.raises(BallotRejected):
        ballot_box.cast_encrypted(survey, "voter:0", _payload(survey, public_key=other.public_key), {})
    assert _stored(survey) == (0, 0, 0)
    assert _stored(other) == (0, 0, 0)


def test_a_ballot_for_other_questions_is_refused(survey):
    specs = [question_spec(q) for q in ballot_questions(survey)][:2]
    encrypted = crypto_ballot.encrypt_ballot(PublicKey.from_bytes(survey.public_key), survey.context, specs, [True, 3])
    with pytest.raises(BallotRejected):
        ballot_box.cast_encrypted(survey, "voter:0", crypto_ballot.serialize(encrypted), {})
    assert _stored(survey) == (0, 0, 0)


def test_a_comment_for_a_question_that_takes_none_is_refused(survey):
    _, sealed = _sealed_comment(survey, "misplaced")
    for question_id in (survey.questions[0].id, 987654):
        with pytest.raises(BallotRejected):
            ballot_box.cast_encrypted(survey, "voter:0", _payload(survey), {question_id: sealed})
    with pytest.raises(BallotRejected):
        ballot_box.cast_encrypted(survey, "voter:0", _payload(survey), {survey.questions[-1].id: b"\x01garbage"})
    assert _stored(survey) == (0, 0, 0)


# -- receipts and listings -----------------------------------------------------------------------

def test_receipts_can_be_found_among_the_fingerprints_which_are_sorted(survey):
    receipts = cast_all(survey, REFS[:6])
    listed = ballot_box.fingerprints(survey)
    assert listed == []  # published only once the survey closes
    tally.close(survey)
    listed = ballot_box.fingerprints(survey)
    assert listed == sorted(listed)
    assert sorted(r.fingerprint for r in receipts) == listed
    stored = {hashlib.sha256(bytes(p)).hexdigest() for p in db.session.scalars(sa.select(Ballot.payload))}
    assert stored == set(listed)


def test_open_surveys_lists_only_open_surveys_the_person_is_asked(app_ctx):
    first = launched_pulse(PEOPLE)
    second = launched_pulse(voters(6))
    closed = launched_pulse(PEOPLE)
    tally.close(closed)
    pulse()  # a draft, not launched
    assert ballot_box.open_surveys_for("voter:0") == [first, second]
    assert ballot_box.open_surveys_for("voter:8") == [first]
    assert ballot_box.open_surveys_for("nobody") == []


def test_a_cast_rolled_back_by_its_caller_leaves_neither_ledger_entry_nor_ballot(app_ctx):
    # On SQLite this holds only because core/ begins transactions itself: the
    # driver alone would let the ballot box's savepoint commit at release.
    survey = launched_pulse(PEOPLE)
    db.session.commit()
    ballot_box.cast(survey, "voter:0", answers(survey, True, 3, comment="rolled back"))
    db.session.rollback()
    assert _stored(survey) == (0, 0, 0)
    assert not ballot_box.has_answered(survey, "voter:0")


# -- on PostgreSQL -------------------------------------------------------------------------------------

postgresql = postgresql_only("binary rows are PostgreSQL's")


def test_on_postgresql_every_answer_reads_the_pool_in_binary_and_whole(postgresql, survey):
    formats: list[int] = []

    def watch(connection, cursor, statement, parameters, context, executemany) -> None:
        if statement.startswith("SELECT survey_ballot_pools.sealed") and "FOR UPDATE" in statement:
            formats.append(cursor.pgresult.fformat(0))

    payloads = [_payload(survey, scale=scale) for scale in (1, 2, 3)]
    sa.event.listen(db.engine, "after_cursor_execute", watch)
    try:
        for ref, payload in zip(REFS, payloads):
            ballot_box.cast_encrypted(survey, ref, payload, {})
    finally:
        sa.event.remove(db.engine, "after_cursor_execute", watch)
    assert formats == [1, 1, 1], "the pool came back as text (hex)"
    db.session.commit()
    # Read back as text, through the entity: the same pool, whole.
    assert sorted(b.payload for b in ballot_box.pending_pool(survey).ballots) == sorted(payloads)
