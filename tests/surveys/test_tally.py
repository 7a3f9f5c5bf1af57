"""Closing, tallying and releasing with the server-held key (PRIVACY.md
invariants 3, 4, 8 and 9): the released counts are the sums of the answers;
only sums of approved groups are ever decrypted, and a request for any other
sum is refused and recorded; nothing is decrypted below k; comments open only
past their threshold, in a shuffled batch, with no date of their own."""

from __future__ import annotations

import itertools
import types
from collections import Counter

import pytest
import sqlalchemy as sa

from core.clock import today
from core.extensions import db
from crypto import ballot as crypto_ballot
from crypto import sealing
from crypto.elgamal import PublicKey
from surveys import ballot_box, keys, models, tally
from surveys.definitions import ballot_questions, question_spec
from surveys.errors import BallotRejected, DecryptionRefused
from surveys.models import (
    Ballot,
    DecryptionRefusal,
    ReleasedComment,
    SealedComment,
    Survey,
    SurveyState,
)
from surveys.pool import PendingComment
from tests.surveys.helpers import alter_pool, cast_all, expected_counts, launched_pulse, row_count, voters


def _released_texts(survey: Survey) -> list[str]:
    return list(db.session.scalars(sa.select(ReleasedComment.text).where(ReleasedComment.survey_id == survey.id)
                                   .order_by(ReleasedComment.position)))


# -- counts --------------------------------------------------------------------------------------

def test_released_counts_are_the_sums_of_the_answers(app_ctx):
    people = voters(16, ("A", "B"))
    survey = launched_pulse(people, dimensions=("department",))
    refs = list(people)[:12]
    cast_all(survey, refs)
    tally.close(survey)
    assert [g.key for g in survey.groups if g.is_approved] == ["all", "department=A", "department=B"]
    assert tally.release_with_server_key(survey)
    assert survey.state == SurveyState.RELEASED and survey.released_on == today()
    for group in survey.groups:
        assert group.respondents == (6 if group.dimension else 12)
        assert group.counts == expected_counts(survey, refs, group)


def test_no_result_exists_while_the_survey_is_open(app_ctx):
    survey = launched_pulse(voters(10))
    cast_all(survey, list(voters(10))[:8])
    assert not tally.release_with_server_key(survey)
    assert survey.groups == [] and survey.state == SurveyState.OPEN
    assert tally.decryption_targets(survey) == []


def test_nothing_is_decrypted_with_fewer_than_k_respondents(app_ctx):
    people = voters(12, ("A", "B"))
    survey = launched_pulse(people, dimensions=("department",), k=5, comment_threshold=5)
    cast_all(survey, list(people)[:4], comment=lambda i: f"only four of us {i}")
    tally.close(survey)
    assert survey.groups and not any(g.is_approved for g in survey.groups)
    assert all(g.encrypted_sums is None for g in survey.groups)
    assert tally.decryption_targets(survey) == []
    assert tally.release_with_server_key(survey)
    assert all(g.counts is None for g in survey.groups)
    assert row_count(ReleasedComment) == 0


def test_a_withheld_group_is_never_decrypted(app_ctx):
    people = voters(15, ("A", "B", "C"))
    survey = launched_pulse(people, dimensions=("department",))
    # A and B answer in full, C only twice: C is withheld, and then B by complementary
    # suppression (groups are approved in order, so A, shown first, stays; either hides C).
    refs = [ref for ref in people if people[ref]["department"] in "AB"] + ["voter:2", "voter:5"]
    cast_all(survey, refs)
    tally.close(survey)
    withheld = [g for g in survey.groups if not g.is_approved]
    assert {g.key for g in withheld} == {"department=B", "department=C"}
    assert all(g.encrypted_sums is None for g in withheld)
    # Even with sums planted on a withheld group, release decrypts approved groups only.
    whole = survey.groups[0]
    withheld[0].encrypted_sums = whole.encrypted_sums
    approved = [g for g in survey.groups if g.is_approved]
    assert tally.decryption_targets(survey) == [c.alpha for g in approved for c in tally._ciphertexts(g.encrypted_sums)]
    tally.release_with_server_key(survey)
    assert all(g.counts is None for g in withheld)
    assert whole.counts == expected_counts(survey, refs, whole)


# -- what may be decrypted -----------------------------------------------------------------------

def _closed_cross_survey() -> Survey:
    people = voters(20, ("A", "B"), ("Day", "Night"))
    survey = launched_pulse(people, dimensions=("department", "shift"))
    cast_all(survey, list(people)[:18])
    tally.close(survey)
    return survey


def test_an_approved_group_may_be_decrypted(app_ctx):
    survey = _closed_cross_survey()
    for group in survey.groups:
        if group.is_approved:
            assert tally.request_decryption(survey, list(reversed(group.cells)), requested_by="trustee:1") is group
    assert row_count(DecryptionRefusal) == 0


def test_any_other_set_of_ballots_is_refused_and_the_refusal_recorded(app_ctx):
    # Night answered by two people only: Night is withheld, and Day with it (the
    # whole minus Day would be Night), so a withheld group exists to ask for.
    people = voters(20, ("A", "B"), ("Day", "Night"))
    night = [ref for ref, segments in people.items() if segments["shift"] == "Night"]
    survey = launched_pulse(people, dimensions=("department", "shift"))
    cast_all(survey, [ref for ref in people if ref not in night] + night[:2])
    tally.close(survey)
    assert len(survey.segment_plan["cells"]) == 4
    withheld = [g for g in survey.groups if not g.is_approved]
    assert withheld, "this survey was meant to withhold a group"
    cells = sorted(survey.segment_plan["cells"])
    requests = [[cell] for cell in cells] + [cells[:3], [], withheld[0].cells]
    for wanted in requests:
        with pytest.raises(DecryptionRefused):
            tally.request_decryption(survey, wanted, requested_by="organizer:7")
    db.session.commit()
    db.session.remove()
    refusals = db.session.scalars(sa.select(DecryptionRefusal).order_by(DecryptionRefusal.id)).all()
    assert len(refusals) == len(requests)
    assert all(r.requested_by == "organizer:7" and r.refused_on == today() for r in refusals)
    assert refusals[0].description == f"sum over cells {cells[0]}"


def test_decryption_targets_are_the_approved_sums_only(app_ctx):
    survey = _closed_cross_survey()
    approved = [g for g in survey.groups if g.is_approved]
    expected = [c.alpha for g in approved for c in tally._ciphertexts(g.encrypted_sums)]
    targets = tally.decryption_targets(survey)
    assert targets == expected
    # No target is the randomness of a single ballot's answer.
    ballot_alphas = {
        ciphertext.alpha.to_bytes()
        for payload in db.session.scalars(sa.select(Ballot.payload))
        for answer in crypto_ballot.deserialize(bytes(payload)).answers
        for ciphertext in answer.ciphertexts
    }
    assert not ballot_alphas & {t.to_bytes() for t in targets}


def test_comment_ephemerals_are_decryption_targets_only_past_the_comment_threshold(app_ctx):
    people = voters(12)
    below = launched_pulse(people, dimensions=(), comment_threshold=10)
    cast_all(below, list(people)[:9], comment=lambda i: f"below {i}")
    # Other people: two surveys over nearly the same respondents would withhold
    # the second (differencing across surveys), which is not what this test is about.
    others = {ref.replace("voter", "other"): segments for ref, segments in people.items()}
    at = launched_pulse(others, dimensions=(), comment_threshold=10)
    cast_all(at, list(others)[:10], comment=lambda i: f"at {i}")
    for survey in (below, at):
        tally.close(survey)
    slots = len(tally._ciphertexts(below.groups[0].encrypted_sums))
    assert len(tally.decryption_targets(below)) == slots
    at_targets = tally.decryption_targets(at)
    ephemerals = {sealing.sealed_text_ephemeral(c.sealed).to_bytes()
                  for c in db.session.scalars(sa.select(SealedComment).where(SealedComment.survey_id == at.id))}
    assert len(at_targets) == slots + 10
    assert {t.to_bytes() for t in at_targets[slots:]} == ephemerals


# -- comments ------------------------------------------------------------------------------------

def test_comments_are_not_released_below_the_comment_threshold(app_ctx):
    people = voters(12)
    survey = launched_pulse(people, dimensions=(), k=5, comment_threshold=10)
    cast_all(survey, list(people)[:9], comment=lambda i: f"comment {i}")
    tally.close(survey)
    tally.release_with_server_key(survey)
    # The figures come out (9 >= k), the comments do not (9 < 10).
    assert survey.groups[0].counts is not None
    assert row_count(ReleasedComment) == 0


def test_comments_are_released_at_the_comment_threshold(app_ctx):
    people = voters(12)
    survey = launched_pulse(people, dimensions=(), k=5, comment_threshold=10)
    written = [f"comment number {i}" for i in range(10)]
    cast_all(survey, list(people)[:10], comment=lambda i: written[i])
    tally.close(survey)
    tally.release_with_server_key(survey)
    assert Counter(_released_texts(survey)) == Counter(written)
    text_question = survey.questions[-1]
    assert set(db.session.scalars(sa.select(ReleasedComment.question_id))) == {text_question.id}


def test_released_comments_are_shuffled_not_in_the_order_written(app_ctx, monkeypatch):
    # Make every stored key the order of writing (sequential "random" keys), so
    # only the engine's own shuffles stand between the batch and that order.
    counter = itertools.count(1)
    monkeypatch.setattr(models, "secrets", types.SimpleNamespace(
        token_bytes=lambda n: next(counter).to_bytes(n, "big")))
    people = voters(30)
    survey = launched_pulse(people, dimensions=(), comment_threshold=10)
    written = [f"comment {i:02d}" for i in range(30)]
    cast_all(survey, list(people), comment=lambda i: written[i])
    # The test (not the engine) opens the waiting comments one by one: the pool keeps no order of writing.
    secret = keys.server_secret_key(survey)
    waiting = [sealing.open_text_with_secret_key(secret, c.sealed, ballot_box.comment_context(survey, c.question_id))
               for c in ballot_box.pending_pool(survey).comments]
    assert sorted(waiting) == written and waiting != written
    tally.close(survey)
    tally.release_with_server_key(survey)
    released = _released_texts(survey)
    assert sorted(released) == written
    # One order in 30! is the order of writing; that is not a flaky test.
    assert released != written
    # And the released rows' own ids follow the shuffled position, not the writing.
    by_id = db.session.scalars(sa.select(ReleasedComment.text).order_by(ReleasedComment.id)).all()
    assert by_id == released


def test_comments_carry_no_date_of_their_own(app_ctx):
    for model in (SealedComment, ReleasedComment, Ballot):
        for column in model.__table__.columns:
            assert not isinstance(column.type, (sa.Date, sa.DateTime, sa.Time, sa.Interval)), column
    people = voters(10)
    survey = launched_pulse(people, dimensions=(), comment_threshold=10)
    cast_all(survey, list(people), comment=lambda i: "dated by the round only")
    tally.close(survey)
    tally.release_with_server_key(survey)
    # The only date shown next to a comment is the round's end.
    assert survey.closed_on == today()


def test_release_twice_releases_once(app_ctx):
    people = voters(10)
    survey = launched_pulse(people, dimensions=(), comment_threshold=10)
    cast_all(survey, list(people), comment=lambda i: f"once {i}")
    tally.close(survey)
    assert tally.release_with_server_key(survey)
    counts = survey.groups[0].counts
    assert not tally.release_with_server_key(survey)
    assert survey.groups[0].counts == counts
    assert row_count(ReleasedComment) == 10


def test_a_comment_that_does_not_open_is_left_out_and_does_not_block_the_release(app_ctx):
    # A ballot encrypted elsewhere can carry a well-formed comment sealed for
    # another context; the ballot box cannot tell without the key.
    people = voters(12)
    survey = launched_pulse(people, dimensions=(), comment_threshold=10)
    cast_all(survey, list(people)[:10], comment=lambda i: f"fine {i}")
    question = survey.questions[-1]
    forged = sealing.seal_text(PublicKey.from_bytes(survey.public_key), "sealed for elsewhere", b"another context")
    encrypted = crypto_ballot.encrypt_ballot(PublicKey.from_bytes(survey.public_key), survey.context,
                                             [question_spec(q) for q in ballot_questions(survey)], [True, 2, [1]])
    # The comment's proof binds it to its context, so the ballot box refuses it now ...
    with pytest.raises(BallotRejected):
        ballot_box.cast_encrypted(survey, "voter:10", crypto_ballot.serialize(encrypted), {question.id: forged})
    ballot_box.cast_encrypted(survey, "voter:10", crypto_ballot.serialize(encrypted), {})
    # ... and one found in storage all the same (damage, an older format) is left out, not fatal.
    alter_pool(survey, lambda pool: pool.comments.append(PendingComment(question.id, forged)))
    tally.close(survey)
    assert tally.release_with_server_key(survey)
    assert survey.state == SurveyState.RELEASED
    assert sorted(_released_texts(survey)) == sorted(f"fine {i}" for i in range(10))
    assert survey.groups[0].counts[str(survey.questions[0].id)][0] == 7  # 6 of the 10, and the eleventh
