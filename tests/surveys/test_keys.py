"""Trustee keys and the t-of-n quorum (PRIVACY.md invariant 5): trustees seal
their personal keys with a passphrase; a survey's key is dealt t-of-n at
launch; fewer than t trustees release nothing, t release everything approved;
a wrong passphrase, an outsider, a tampered share or a tampered partial
decryption is refused, naming the trustee where one is at fault."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from core.extensions import db
from crypto import ballot as crypto_ballot
from crypto import sealing
from crypto.elgamal import PublicKey, SecretKey
from crypto.threshold import PARTIAL_SIZE, ThresholdKey, verify_share
from surveys import ballot_box, keys, launch, tally
from surveys.definitions import ballot_questions, question_spec
from surveys.errors import BallotRejected, SurveyError, TrusteeError
from surveys.models import KeyMode, ReleasedComment, Survey, SurveyState, SurveyTrustee, TrusteeKey
from surveys.pool import PendingComment
from tests.surveys.helpers import (
    alter_pool,
    cast_all,
    expected_counts,
    launched_pulse,
    passphrase,
    pulse,
    register_trustees,
    row_count,
    voters,
)

TRUSTEES = ("trustee:1", "trustee:2", "trustee:3")
PEOPLE = voters(12)
REFS = list(PEOPLE)[:10]
COMMENTS = [f"trustee-mode comment {i}" for i in range(10)]


def _closed_trustee_survey(t: int = 2, trustees=TRUSTEES) -> Survey:
    register_trustees(*trustees)
    survey = launched_pulse(PEOPLE, dimensions=(), key_mode=KeyMode.TRUSTEES, t=t, trustees=trustees,
                            comment_threshold=10)
    cast_all(survey, REFS, comment=lambda i: COMMENTS[i])
    tally.close(survey)
    return survey


def _trustee(survey: Survey, ref: str) -> SurveyTrustee:
    return next(t for t in survey.trustees if t.trustee_ref == ref)


# -- personal keys -------------------------------------------------------------------------------

def test_a_trustee_key_is_sealed_with_the_passphrase(app_ctx):
    key = keys.register_trustee_key("trustee:1", passphrase("trustee:1"))
    assert len(key.public_key) == 32
    secret = sealing.open_with_passphrase(key.sealed_secret, passphrase("trustee:1"),
                                          associated_data=b"leverage/trustee-key/trustee:1")
    assert SecretKey.from_bytes(secret).public_key().to_bytes() == key.public_key
    with pytest.raises(sealing.SealError):
        sealing.open_with_passphrase(key.sealed_secret, "not the passphrase at all",
                                     associated_data=b"leverage/trustee-key/trustee:1")


def test_a_short_passphrase_is_refused(app_ctx):
    with pytest.raises(TrusteeError):
        keys.register_trustee_key("trustee:1", "short")
    assert keys.trustee_key("trustee:1") is None


def test_a_trustee_keeps_their_key_while_holding_a_share_of_an_unreleased_survey(app_ctx):
    survey = _closed_trustee_survey()
    old = keys.trustee_key("trustee:1").public_key
    with pytest.raises(TrusteeError):
        keys.register_trustee_key("trustee:1", "a brand new passphrase")
    assert keys.trustee_key("trustee:1").public_key == old
    for ref in TRUSTEES[:2]:
        tally.contribute(survey, ref, passphrase(ref))
    assert survey.state == SurveyState.RELEASED
    keys.register_trustee_key("trustee:1", "a brand new passphrase")
    assert keys.trustee_key("trustee:1").public_key != old
    assert row_count(TrusteeKey) == 3


# -- launch --------------------------------------------------------------------------------------

def test_launch_deals_one_checked_share_to_each_trustee_and_keeps_no_secret(app_ctx):
    register_trustees(*TRUSTEES)
    survey = launched_pulse(PEOPLE, key_mode=KeyMode.TRUSTEES, t=2, trustees=TRUSTEES)
    key = ThresholdKey.from_bytes(survey.threshold_key)
    assert (key.threshold, key.trustee_count) == (2, 3)
    assert survey.public_key == key.public_key.to_bytes()
    assert survey.server_secret is None
    assert [(t.trustee_index, t.trustee_ref) for t in survey.trustees] == list(enumerate(TRUSTEES, start=1))
    for trustee in survey.trustees:
        assert verify_share(key, keys.open_share(survey, trustee, passphrase(trustee.trustee_ref)))


@pytest.mark.parametrize("t, trustees", [
    (3, TRUSTEES[:2]),
    (2, (TRUSTEES[0], TRUSTEES[0])),  # the same person twice is one trustee
    (2, ()),
    (2, TRUSTEES[:1]),
])
def test_a_quorum_larger_than_the_trustees_is_refused_at_launch(app_ctx, t, trustees):
    register_trustees(*TRUSTEES)
    survey = pulse(key_mode=KeyMode.TRUSTEES, t=t)
    with pytest.raises(SurveyError, match=f"Choose at least {t} trustees") as refused:
        launch.launch(survey, PEOPLE, [], trustees)
    assert refused.value.field == "trustees"
    assert survey.public_key is None and survey.trustees == [] and survey.state == SurveyState.DRAFT


def test_a_quorum_of_one_is_refused_when_the_key_is_made(app_ctx):
    """Even a survey whose t was lowered behind the definitions' back gets no key from one trustee."""
    register_trustees(*TRUSTEES)
    survey = pulse(key_mode=KeyMode.TRUSTEES, t=2)
    survey.trustee_threshold = 1
    with pytest.raises(SurveyError, match="at least 2 trustees") as refused:
        launch.launch(survey, PEOPLE, [], TRUSTEES[:1])
    assert refused.value.field == "trustees"
    assert survey.public_key is None and survey.trustees == [] and survey.threshold_key is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SurveyTrustee)) == 0


def test_every_trustee_needs_a_key_before_launch(app_ctx):
    register_trustees(*TRUSTEES[:2])
    survey = pulse(key_mode=KeyMode.TRUSTEES, t=2)
    with pytest.raises(SurveyError):
        launch.launch(survey, PEOPLE, [], TRUSTEES)
    assert survey.public_key is None and survey.state == SurveyState.DRAFT


# -- the quorum ----------------------------------------------------------------------------------

def test_fewer_than_t_trustees_release_nothing_and_t_release_everything_approved(app_ctx):
    survey = _closed_trustee_survey(t=2)
    assert tally.contribute(survey, "trustee:1", passphrase("trustee:1")) == 1
    assert survey.state == SurveyState.CLOSED
    assert all(g.counts is None for g in survey.groups)
    assert row_count(ReleasedComment) == 0
    assert tally.contribute(survey, "trustee:3", passphrase("trustee:3")) == 2
    assert survey.state == SurveyState.RELEASED
    whole = survey.groups[0]
    assert whole.counts == expected_counts(survey, REFS, whole)
    released = db.session.scalars(sa.select(ReleasedComment.text)).all()
    assert sorted(released) == sorted(COMMENTS)
    assert _trustee(survey, "trustee:2").partials is None


def test_the_last_of_t_trustees_releases_at_once(app_ctx):
    survey = _closed_trustee_survey(t=2, trustees=("trustee:a", "trustee:b"))
    assert tally.contribute(survey, "trustee:a", passphrase("trustee:a")) == 1
    assert survey.state == SurveyState.CLOSED
    assert tally.contribute(survey, "trustee:b", passphrase("trustee:b")) == 2
    assert survey.state == SurveyState.RELEASED and survey.groups[0].counts is not None


def test_a_wrong_passphrase_is_refused_and_stores_nothing(app_ctx):
    survey = _closed_trustee_survey()
    with pytest.raises(TrusteeError, match="passphrase"):
        tally.contribute(survey, "trustee:1", passphrase("trustee:2"))
    assert all(t.partials is None for t in survey.trustees)
    assert survey.state == SurveyState.CLOSED


def test_someone_who_is_not_a_trustee_of_the_survey_is_refused(app_ctx):
    survey = _closed_trustee_survey()
    register_trustees("trustee:elsewhere")
    with pytest.raises(TrusteeError):
        tally.contribute(survey, "trustee:elsewhere", passphrase("trustee:elsewhere"))
    assert all(t.partials is None for t in survey.trustees)


def test_a_trustee_contributes_once(app_ctx):
    survey = _closed_trustee_survey(t=3)
    tally.contribute(survey, "trustee:1", passphrase("trustee:1"))
    given = _trustee(survey, "trustee:1").partials
    with pytest.raises(TrusteeError):
        tally.contribute(survey, "trustee:1", passphrase("trustee:1"))
    assert _trustee(survey, "trustee:1").partials == given


def test_trustees_are_asked_only_once_the_survey_is_closed(app_ctx):
    register_trustees(*TRUSTEES)
    survey = launched_pulse(PEOPLE, key_mode=KeyMode.TRUSTEES, t=2, trustees=TRUSTEES)
    with pytest.raises(SurveyError):
        tally.contribute(survey, "trustee:1", passphrase("trustee:1"))
    assert not tally.release_with_server_key(survey)
    server = launched_pulse(PEOPLE)
    tally.close(server)
    with pytest.raises(SurveyError):
        tally.contribute(server, "trustee:1", passphrase("trustee:1"))


def test_a_tampered_key_share_is_refused_as_a_share_problem(app_ctx):
    survey = _closed_trustee_survey()
    trustee = _trustee(survey, "trustee:1")
    sealed = bytearray(trustee.sealed_share)
    sealed[-1] ^= 0x01
    trustee.sealed_share = bytes(sealed)
    with pytest.raises(TrusteeError, match="share"):
        tally.contribute(survey, "trustee:1", passphrase("trustee:1"))
    assert trustee.partials is None


def test_a_share_sealed_for_another_trustee_does_not_open(app_ctx):
    survey = _closed_trustee_survey()
    first, second = _trustee(survey, "trustee:1"), _trustee(survey, "trustee:2")
    first.sealed_share = second.sealed_share
    with pytest.raises(TrusteeError):
        tally.contribute(survey, "trustee:1", passphrase("trustee:1"))


@pytest.mark.parametrize("where, flip", [
    (0, 0x01),                  # the trustee index, to 0
    (0, 0x03),                  # the trustee index, to the next trustee's
    (1, 0x01), (20, 0x01),      # the partial point
    (PARTIAL_SIZE - 1, 0x01),   # the end of its proof
    (PARTIAL_SIZE + 50, 0x01),  # another target's partial
    (-1, 0x01),                 # the last comment's partial
], ids=["index-zero", "index-other", "point-first-byte", "point", "proof", "second-partial", "last-partial"])
def test_a_tampered_stored_partial_refuses_the_release_and_names_its_trustee(app_ctx, where, flip):
    survey = _closed_trustee_survey(t=2)
    tally.contribute(survey, "trustee:1", passphrase("trustee:1"))
    db.session.commit()
    stored = _trustee(survey, "trustee:1")
    partials = bytearray(stored.partials)
    partials[where] ^= flip
    stored.partials = bytes(partials)
    db.session.commit()
    with pytest.raises(TrusteeError, match="Trustee 1\\b"):
        tally.contribute(survey, "trustee:2", passphrase("trustee:2"))
    db.session.rollback()
    survey = db.session.get(Survey, survey.id)
    assert survey.state == SurveyState.CLOSED
    assert all(g.counts is None for g in survey.groups)
    assert row_count(ReleasedComment) == 0


def test_a_comment_that_does_not_open_does_not_block_the_trustees_release(app_ctx):
    register_trustees(*TRUSTEES)
    survey = launched_pulse(PEOPLE, dimensions=(), key_mode=KeyMode.TRUSTEES, t=2, trustees=TRUSTEES,
                            comment_threshold=10)
    cast_all(survey, REFS, comment=lambda i: COMMENTS[i])
    # Sealed for another context: its proof now refuses it at the door ...
    forged = sealing.seal_text(PublicKey.from_bytes(survey.public_key), "sealed for elsewhere", b"elsewhere")
    payload = crypto_ballot.serialize(crypto_ballot.encrypt_ballot(
        PublicKey.from_bytes(survey.public_key), survey.context,
        [question_spec(q) for q in ballot_questions(survey)], [True, 2, [1]]))
    with pytest.raises(BallotRejected):
        ballot_box.cast_encrypted(survey, "voter:10", payload, {survey.questions[-1].id: forged})
    # ... and one that got into storage anyway (damage, or an older format) is left out of the release.
    alter_pool(survey, lambda pool: pool.comments.append(PendingComment(survey.questions[-1].id, forged)))
    tally.close(survey)
    for ref in TRUSTEES[:2]:
        tally.contribute(survey, ref, passphrase(ref))
    assert survey.state == SurveyState.RELEASED
    assert sorted(db.session.scalars(sa.select(ReleasedComment.text))) == sorted(COMMENTS)
