"""The ballot box under concurrent submissions (PRIVACY.md invariants 1, 4 and
9), on PostgreSQL: many people answering at once, some submitting twice or
three times at the same moment, and one ballot replayed by several people at
once; a survey closing while ballots are being cast; and every trustee of
a survey decrypting at the same moment; and one survey released from two
places at once. Each
submission runs in its own thread, app context, session and transaction, as
web workers would. Afterwards the ledger and the ballots count the same
people, each exactly once, every extra submission was refused, every ballot
stored is counted in the tally, and a result is released exactly once.

SQLite lets one writer in at a time, so there is no race to test there: the
tests skip on SQLite, and fail (never skip) when PostgreSQL was asked for."""

from __future__ import annotations

import queue
import threading
from collections import Counter, defaultdict
from collections.abc import Callable

from flask import Flask

from core.extensions import db
from crypto import ballot as crypto_ballot
from crypto.elgamal import PublicKey
from surveys import ballot_box, tally
from surveys.definitions import ballot_questions, question_spec
from surveys.errors import AlreadyAnswered, BallotRejected, SurveyNotOpen
from surveys.models import Ballot, KeyMode, ParticipationEntry, ReleasedComment, Survey, SurveyState
from tests.concurrency import postgresql_only
from tests.surveys.helpers import (
    answer_plan,
    answers,
    cast_all,
    launched_pulse,
    passphrase,
    register_trustees,
    row_count,
    voters,
)

THREADS = 8

postgresql = postgresql_only("concurrent submissions race only on PostgreSQL; SQLite admits one writer at a time")


def _submit_concurrently(app: Flask, survey_id: int, submissions: list[tuple[str, Callable[[Survey, str], object]]],
                         threads: int = THREADS, progress: Callable[[int], None] = lambda done: None,
                         ) -> list[tuple[str, str]]:
    """Run every (ref, submit) on `threads` threads, each submission in its own
    app context and session, committing as a view would. Returns (ref, outcome)."""
    work: queue.Queue = queue.Queue()
    for submission in submissions:
        work.put(submission)
    outcomes: list[tuple[str, str]] = []
    lock = threading.Lock()
    start = threading.Barrier(threads)

    def worker() -> None:
        start.wait()
        while True:
            try:
                ref, submit = work.get_nowait()
            except queue.Empty:
                return
            with app.app_context():
                try:
                    submit(db.session.get(Survey, survey_id), ref)
                    db.session.commit()
                    outcome = "cast"
                except (AlreadyAnswered, BallotRejected, SurveyNotOpen) as refused:
                    db.session.rollback()
                    outcome = type(refused).__name__
                except Exception as error:  # noqa: BLE001 - reported by the test, not lost in a thread
                    db.session.rollback()
                    outcome = f"unexpected {type(error).__name__}: {error}"
                finally:
                    db.session.remove()
            with lock:
                outcomes.append((ref, outcome))
                done = len(outcomes)
            progress(done)

    workers = [threading.Thread(target=worker, name=f"submitter-{i}") for i in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in workers), "a submission hung"
    return outcomes


def _cast(survey: Survey, ref: str) -> None:
    yes, scale, issues = answer_plan(int(ref.split(":")[1]))
    ballot_box.cast(survey, ref, answers(survey, yes, scale, issues, comment=f"from {ref}"))


def test_concurrent_and_repeated_submissions_count_each_person_once(app, postgresql):
    people = voters(60, ("A", "B", "C"))
    survey = launched_pulse(people, dimensions=("department",))
    db.session.commit()
    submissions = []
    for i, ref in enumerate(people):
        # Some people press "submit" two or three times; their copies sit next
        # to each other in the queue, so different threads take them at once.
        submissions += [(ref, _cast)] * (3 if i % 10 == 0 else 2 if i % 10 == 5 else 1)

    outcomes = _submit_concurrently(app, survey.id, submissions)

    assert len(outcomes) == len(submissions)
    unexpected = [o for o in outcomes if o[1] not in ("cast", "AlreadyAnswered")]
    assert not unexpected, unexpected
    by_ref: dict[str, Counter] = defaultdict(Counter)
    for ref, outcome in outcomes:
        by_ref[ref][outcome] += 1
    assert {ref: counts["cast"] for ref, counts in by_ref.items()} == {ref: 1 for ref in people}
    assert sum(counts["AlreadyAnswered"] for counts in by_ref.values()) == len(submissions) - len(people) == 18
    db.session.expire_all()
    assert ballot_box.counts(survey) == (len(people), len(people))


def test_one_ballot_replayed_by_several_people_at_once_is_cast_once(app, postgresql):
    people = voters(16)
    survey = launched_pulse(people, dimensions=())
    payload = crypto_ballot.serialize(crypto_ballot.encrypt_ballot(
        PublicKey.from_bytes(survey.public_key), survey.context,
        [question_spec(q) for q in ballot_questions(survey)], [True, 4, [2]]))
    db.session.commit()

    def replay(survey: Survey, ref: str) -> None:
        ballot_box.cast_encrypted(survey, ref, payload, {})

    outcomes = _submit_concurrently(app, survey.id, [(ref, replay) for ref in people])

    assert Counter(outcome for _, outcome in outcomes) == {"cast": 1, "BallotRejected": len(people) - 1}
    db.session.expire_all()
    assert ballot_box.counts(survey) == (1, 1)


def test_a_survey_closing_while_ballots_are_cast_counts_every_ballot_it_stores(app, postgresql):
    people = voters(48)
    survey = launched_pulse(people, dimensions=())
    db.session.commit()
    closed = threading.Event()

    def close_midway(done: int) -> None:
        # The close job runs while other threads are in the middle of casting.
        if done == 12 and not closed.is_set():
            closed.set()
            with app.app_context():
                tally.close(db.session.get(Survey, survey.id))
                db.session.commit()
                db.session.remove()

    outcomes = _submit_concurrently(app, survey.id, [(ref, _cast) for ref in people], progress=close_midway)

    assert closed.is_set()
    counted = Counter(outcome for _, outcome in outcomes)
    assert set(counted) <= {"cast", "SurveyNotOpen"}, counted
    assert counted["SurveyNotOpen"] > 0, "the survey closed after every ballot was cast; nothing raced"
    db.session.expire_all()
    whole = survey.groups[0]
    # Every ballot and ledger entry stored belongs to a person the tally counts, and no other.
    assert row_count(ParticipationEntry, survey) == row_count(Ballot, survey) == whole.respondents == counted["cast"]
    assert tally.release_with_server_key(survey)
    yes_no = survey.questions[0]
    assert sum(whole.counts[str(yes_no.id)]) == whole.respondents


def test_trustees_decrypting_at_the_same_moment_release_the_result(app, postgresql):
    # With t = n, the last of the t must see the others' partials even when all
    # of them press "decrypt" together, or the result would never be released.
    trustees = [f"trustee:{i}" for i in range(1, 4)]
    register_trustees(*trustees)
    people = voters(10)
    survey = launched_pulse(people, dimensions=(), key_mode=KeyMode.TRUSTEES, t=3, trustees=trustees)
    cast_all(survey, list(people)[:8])
    tally.close(survey)
    db.session.commit()

    def decrypt(survey: Survey, ref: str) -> None:
        tally.contribute(survey, ref, passphrase(ref))

    outcomes = _submit_concurrently(app, survey.id, [(ref, decrypt) for ref in trustees], threads=len(trustees))

    assert sorted(outcome for _, outcome in outcomes) == ["cast"] * 3
    db.session.expire_all()
    assert survey.state == SurveyState.RELEASED
    assert survey.groups[0].counts is not None


def test_a_survey_released_from_two_places_at_once_is_released_once(app, postgresql):
    # The release job and an organizer's "close now" may both find the survey closed.
    people = voters(12)
    survey = launched_pulse(people, dimensions=(), comment_threshold=10)
    cast_all(survey, list(people)[:10], comment=lambda i: f"released once {i}")
    tally.close(survey)
    db.session.commit()

    def release(survey: Survey, ref: str) -> None:
        if not tally.release_with_server_key(survey):
            raise SurveyNotOpen("already released")

    outcomes = _submit_concurrently(app, survey.id, [(f"releaser:{i}", release) for i in range(4)], threads=4)

    assert Counter(outcome for _, outcome in outcomes) == {"cast": 1, "SurveyNotOpen": 3}
    db.session.expire_all()
    assert row_count(ReleasedComment, survey) == 10
