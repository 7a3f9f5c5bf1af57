"""The key ceremony (surveys.ceremony): trustees played in Python as their
browsers play them make a t-of-n key with no dealer; every message out of
turn, malformed or unproven is refused and leaves nothing; a dealer who sends
a bad piece is found and named, and a false complaint is refused; a survey
launched with the key releases with any t trustees' browser partials and not
with t-1, refuses partials of anything but the approved targets, and its
election record carries a transcript the verifier checks. Nothing the server
stores, alone, decrypts anything."""

from __future__ import annotations

import base64
import binascii
import io
import itertools
import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from core.clock import utcnow
from core.extensions import db
from crypto import ballot as crypto_ballot
from crypto import dkg, sealing
from crypto import verify
from crypto.elgamal import PublicKey
from crypto.group import Point, Scalar, is_canonical_scalar_encoding
from crypto.record import RecordError, verify_record
from crypto.threshold import PARTIAL_SIZE, ThresholdKey, partial_decrypt
from surveys import ceremony, keys, launch, record, tally
from surveys.ceremony import CeremonyError, CeremonyFailure, CeremonyState, OutOfTurn
from surveys.errors import DecryptionRefused, SurveyError, TrusteeError
from surveys.models import (
    Ballot,
    DecryptionRefusal,
    KeyCeremony,
    KeyMode,
    ReleasedComment,
    Survey,
    SurveyState,
    TrusteeKey,
)
from tests.surveys.ceremony_helpers import PythonTrustee, run_ceremony
from surveys.scopes import Electorate
from tests.surveys.helpers import cast_all, expected_counts, pulse, row_count, run_job, voters

SCOPE = "union:1"
TRUSTEES = ("trustee:1", "trustee:2", "trustee:3")
PEOPLE = voters(12)
REFS = list(PEOPLE)[:10]
COMMENTS = [f"ceremony comment {i}" for i in range(10)]


def _trustees(refs=TRUSTEES) -> list[PythonTrustee]:
    return [PythonTrustee(ref) for ref in refs]


def _stored(ceremony_id: int) -> KeyCeremony:
    db.session.expire_all()
    return db.session.get(KeyCeremony, ceremony_id)


def _ceremony_survey(done: ceremony.CeremonyStatus, *, close: bool = True) -> Survey:
    survey = pulse(key_mode=KeyMode.TRUSTEES, t=2, comment_threshold=10)
    launch.launch(survey, PEOPLE, (), (), key_ceremony_id=done.id)
    if close:
        cast_all(survey, REFS, comment=lambda i: COMMENTS[i])
        tally.close(survey)
    return survey


# -- the ceremony --------------------------------------------------------------------------------

def test_a_ceremony_goes_from_joining_to_done_and_its_key_is_the_transcripts(app_ctx):
    started = ceremony.start(SCOPE, TRUSTEES, 2)
    assert started.state == CeremonyState.JOINING and started.trustee_count == 3 and started.fingerprint is None
    trustees = _trustees()
    states = []
    for step in (PythonTrustee.join, PythonTrustee.deal, PythonTrustee.check):
        for trustee in trustees:
            states.append(step(trustee, started.id).state)
    assert states == [CeremonyState.JOINING] * 2 + [CeremonyState.DEALING] * 3 + [CeremonyState.CHECKING] * 3 + [
        CeremonyState.DONE]
    done = ceremony.status(started.id)
    assert done.finished_on is not None and done.fingerprint is not None and not done.waiting
    key = ceremony.joint_key(started.id)
    assert (key.threshold, key.trustee_count) == (2, 3)
    assert dkg.verify_transcript(dkg.Transcript.from_json(ceremony.transcript_of(started.id))) == key
    assert ceremony.current(SCOPE).id == started.id
    assert ceremony.running(SCOPE) is None


def test_the_progress_says_who_has_taken_the_step(app_ctx):
    started = ceremony.start(SCOPE, TRUSTEES, 2)
    first, second, _ = _trustees()
    first.join(started.id)
    status = second.join(started.id)
    assert status.done_in_step == 2
    assert [t.trustee_ref for t in status.waiting] == ["trustee:3"]
    assert status.trustee("trustee:1").joined_on is not None


def test_every_trustee_sees_the_same_fingerprint_of_the_ceremony(app_ctx):
    started = ceremony.start(SCOPE, TRUSTEES, 2)
    for trustee in _trustees():
        trustee.join(started.id)
    material = ceremony.material_for(started.id, "trustee:2")
    assert ceremony.status(started.id).fingerprint == dkg.ceremony_fingerprint(material.context)


@pytest.mark.parametrize("t, refs", [(1, TRUSTEES), (3, TRUSTEES[:2]), (2, ("trustee:1", "trustee:1"))])
def test_a_quorum_of_one_or_more_than_the_trustees_is_refused(app_ctx, t, refs):
    with pytest.raises(CeremonyError):
        ceremony.start(SCOPE, refs, t)
    assert row_count(KeyCeremony) == 0


def test_one_ceremony_at_a_time_per_scope_and_a_stopped_one_makes_room(app_ctx):
    started = ceremony.start(SCOPE, TRUSTEES, 2)
    with pytest.raises(OutOfTurn):
        ceremony.start(SCOPE, TRUSTEES[:2], 2)
    assert ceremony.start("union:2", TRUSTEES, 2).scope == "union:2"
    stopped = ceremony.stop(started.id)
    assert stopped.state == CeremonyState.FAILED and stopped.failure == CeremonyFailure.STOPPED
    with pytest.raises(OutOfTurn):
        PythonTrustee("trustee:1").join(started.id)
    assert ceremony.start(SCOPE, TRUSTEES[:2], 2).state == CeremonyState.JOINING


# -- out of turn, malformed, unproven -----------------------------------------------------------

def _joined(refs=TRUSTEES) -> ceremony.CeremonyStatus:
    started = ceremony.start(SCOPE, refs, 2)
    for trustee in _trustees(refs):
        trustee.join(started.id)
    return started


def _dealt(refs=TRUSTEES) -> ceremony.CeremonyStatus:
    started = _joined(refs)
    for trustee in _trustees(refs):
        trustee.deal(started.id)
    return started


def test_steps_out_of_turn_are_refused(app_ctx):
    started = ceremony.start(SCOPE, TRUSTEES, 2)
    first = PythonTrustee("trustee:1")
    first.join(started.id)
    with pytest.raises(OutOfTurn):
        first.join(started.id)
    with pytest.raises(OutOfTurn):
        ceremony.deal(started.id, "trustee:1", {"dealer": 1})
    with pytest.raises(OutOfTurn):
        ceremony.acknowledge(started.id, "trustee:1", bytes(64))
    with pytest.raises(TrusteeError):
        PythonTrustee("outsider:1").join(started.id)
    stored = _stored(started.id)
    assert stored.state == CeremonyState.JOINING
    assert [t.personal_key is not None for t in stored.trustees] == [True, False, False]


def test_a_personal_key_without_its_proof_or_with_a_malformed_seal_is_refused(app_ctx):
    started = ceremony.start(SCOPE, TRUSTEES, 2)
    first, second, _ = _trustees()
    # Trustee 1's genuine key and proof, posted as trustee 2's: the proof is bound to the index.
    message = first.join_message(started.id)
    with pytest.raises(CeremonyError, match="proof"):
        ceremony.join(started.id, "trustee:2", **message)
    with pytest.raises(CeremonyError, match="sealed key"):
        ceremony.join(started.id, "trustee:1", **{**message, "sealed_secret": message["sealed_secret"][:-1]})
    with pytest.raises(CeremonyError, match="valid key"):
        ceremony.join(started.id, "trustee:1", **{**message, "personal_key": bytes(32)})
    assert all(t.personal_key is None for t in _stored(started.id).trustees)
    ceremony.join(started.id, "trustee:1", **message)
    copied = second.join_message(started.id)
    with pytest.raises(CeremonyError, match="another trustee"):
        ceremony.join(started.id, "trustee:2", **{**copied, "personal_key": message["personal_key"]})


def _resigned(dealing: dkg.Dealing, secret: Scalar, context: bytes, **changes) -> dkg.Dealing:
    fields = {"dealer": dealing.dealer, "commitments": dealing.commitments, "constant_proof": dealing.constant_proof,
              "sealed_shares": dealing.sealed_shares, "signature": b""}
    return dkg.sign_dealing(context, dkg.Dealing(**{**fields, **changes}), secret)


def test_malformed_or_unsigned_dealings_are_refused_and_stored_nowhere(app_ctx):
    started = _joined()
    context = bytes(_stored(started.id).context)
    dealer = PythonTrustee("trustee:1")
    genuine = dealer.dealing(started.id)
    forged = dkg.Dealing(genuine.dealer, genuine.commitments, genuine.constant_proof, genuine.sealed_shares,
                         bytes(64))
    short = _resigned(genuine, dealer.secret(dealer.material(started.id)), context,
                      sealed_shares=genuine.sealed_shares[:2])
    for bad in (forged.to_json(), short.to_json(), {**genuine.to_json(), "dealer": 2}, {"dealer": 1}, "nonsense"):
        with pytest.raises(CeremonyError):
            ceremony.deal(started.id, "trustee:1", bad)
    # Trustee 1's genuine dealing posted by trustee 2.
    with pytest.raises(CeremonyError):
        ceremony.deal(started.id, "trustee:2", genuine.to_json())
    assert all(t.dealing is None for t in _stored(started.id).trustees)
    assert ceremony.deal(started.id, "trustee:1", genuine.to_json()).state == CeremonyState.DEALING


def test_an_acknowledgement_must_be_the_trustees_own_signature(app_ctx):
    started = _dealt()
    material = PythonTrustee("trustee:1").material(started.id)
    dealings = [dkg.Dealing.from_json(d) for d in material.dealings]
    first = PythonTrustee("trustee:1")
    signature = dkg.make_acknowledgement(material.context, dealings, 1, first.secret(material))
    with pytest.raises(CeremonyError):
        ceremony.acknowledge(started.id, "trustee:2", signature)
    with pytest.raises(CeremonyError):
        ceremony.acknowledge(started.id, "trustee:1", bytes(64))
    assert all(t.acknowledged_on is None for t in _stored(started.id).trustees)
    assert ceremony.acknowledge(started.id, "trustee:1", signature).done_in_step == 1


# -- a bad dealer ---------------------------------------------------------------------------------

def test_a_dealer_who_sends_a_bad_piece_is_found_and_named(app_ctx):
    started = _joined()
    context = bytes(_stored(started.id).context)
    first, second, third = _trustees()
    first.deal(started.id)
    keys_ = [Point.from_bytes(k) for k in first.material(started.id).personal_keys]

    def bad_piece_for_trustee_3(dealing: dkg.Dealing, secret: Scalar) -> dkg.Dealing:
        wrong = dkg.seal_share(Scalar(12345), keys_[2], context, 2, 3)
        return _resigned(dealing, secret, context, sealed_shares=(*dealing.sealed_shares[:2], wrong))

    # The piece is sealed properly and the dealing signed: only its recipient can tell.
    second.deal(started.id, bad_piece_for_trustee_3)
    third.deal(started.id)
    assert first.check(started.id).state == CeremonyState.CHECKING
    failed = third.check(started.id)
    assert failed.state == CeremonyState.FAILED
    assert (failed.failure, failed.blamed_index, failed.accuser_index) == (CeremonyFailure.BAD_PIECE, 2, 3)
    assert failed.by_index(failed.blamed_index).trustee_ref == "trustee:2"
    assert ceremony.current(SCOPE) is None
    with pytest.raises(OutOfTurn):
        second.check(started.id)


def test_a_complaint_against_an_honest_dealer_is_refused(app_ctx):
    started = _dealt()
    accuser = PythonTrustee("trustee:1")
    material = accuser.material(started.id)
    dealings = [dkg.Dealing.from_json(d) for d in material.dealings]
    unfounded = dkg.make_complaint(material.context, dealings[1], 1, accuser.secret(material))
    with pytest.raises(CeremonyError, match="does not hold"):
        ceremony.complain(started.id, "trustee:1", unfounded.to_json())
    # Nor can one trustee complain in another's name.
    with pytest.raises(CeremonyError):
        ceremony.complain(started.id, "trustee:3", unfounded.to_json())
    stored = _stored(started.id)
    assert stored.state == CeremonyState.CHECKING and all(t.complaint is None for t in stored.trustees)


def test_a_trustee_who_leaves_fails_the_ceremony_under_way_naming_them(app_ctx):
    started = _joined()
    keys.forget_trustee("trustee:2")
    failed = ceremony.status(started.id)
    assert (failed.state, failed.failure, failed.blamed_index) == (CeremonyState.FAILED,
                                                                     CeremonyFailure.TRUSTEE_LEFT, 2)
    assert "trustee:2" not in failed.trustee_refs


# -- surveys made with the key --------------------------------------------------------------------

def test_launch_uses_the_joint_key_deals_nothing_and_keeps_no_secret(app_ctx):
    done = run_ceremony(SCOPE, TRUSTEES, 2)
    survey = _ceremony_survey(done, close=False)
    key = ceremony.joint_key(done.id)
    assert survey.threshold_key == key.to_bytes() and survey.public_key == key.public_key.to_bytes()
    assert survey.key_ceremony_id == done.id and survey.trustee_threshold == 2
    assert survey.server_secret is None
    assert [(t.trustee_index, t.trustee_ref, t.sealed_share) for t in survey.trustees] == [
        (1, "trustee:1", None), (2, "trustee:2", None), (3, "trustee:3", None)]
    assert row_count(TrusteeKey) == 0


def test_a_ceremony_not_finished_gives_no_key(app_ctx):
    started = _joined()
    survey = pulse(key_mode=KeyMode.TRUSTEES, t=2)
    with pytest.raises(CeremonyError):
        launch.launch(survey, PEOPLE, (), (), key_ceremony_id=started.id)
    assert survey.public_key is None and survey.state == SurveyState.DRAFT


def test_a_stored_key_changed_since_its_ceremony_is_refused_at_launch(app_ctx):
    done = run_ceremony(SCOPE, TRUSTEES, 2)
    other = run_ceremony("union:2", TRUSTEES, 2)
    _stored(done.id).joint_key = bytes(_stored(other.id).joint_key)
    survey = pulse(key_mode=KeyMode.TRUSTEES, t=2)
    with pytest.raises(CeremonyError, match="does not match"):
        launch.launch(survey, PEOPLE, (), (), key_ceremony_id=done.id)
    assert survey.public_key is None


@pytest.mark.parametrize("pair", list(itertools.combinations(TRUSTEES, 2)))
def test_any_two_trustees_release_from_their_browsers_and_one_does_not(app_ctx, pair):
    survey = _ceremony_survey(run_ceremony(SCOPE, TRUSTEES, 2))
    first, second = (PythonTrustee(ref) for ref in pair)
    assert first.decrypt(survey) == 1
    assert survey.state == SurveyState.CLOSED and all(g.counts is None for g in survey.groups)
    with pytest.raises(TrusteeError, match="needed"):
        tally.release_with_partials(survey)
    assert second.decrypt(survey) == 2
    assert survey.state == SurveyState.RELEASED
    whole = survey.groups[0]
    assert whole.counts == expected_counts(survey, REFS, whole)
    assert sorted(db.session.scalars(sa.select(ReleasedComment.text))) == sorted(COMMENTS)


def test_the_passphrase_never_goes_to_the_server_for_a_ceremony_survey(app_ctx):
    survey = _ceremony_survey(run_ceremony(SCOPE, TRUSTEES, 2))
    with pytest.raises(TrusteeError, match="browser"):
        tally.contribute(survey, "trustee:1", PythonTrustee("trustee:1").passphrase)
    assert all(t.partials is None for t in survey.trustees)


def test_a_partial_of_anything_but_the_approved_targets_is_refused_and_recorded(app_ctx):
    survey = _ceremony_survey(run_ceremony(SCOPE, TRUSTEES, 2))
    trustee = PythonTrustee("trustee:1")
    honest = trustee.partials(survey)
    task = tally.browser_decryption(survey, trustee.ref)
    material = task.ceremony
    share = dkg.final_share(material.context, [dkg.Dealing.from_json(d) for d in material.dealings], 1,
                            trustee.secret(material))
    # A properly proven partial of one ballot's first ciphertext, in the place of the first approved sum.
    one_ballot = _one_ballots_first_alpha(survey)
    oracle = partial_decrypt(ThresholdKey.from_bytes(task.threshold_key), share, one_ballot, task.context).to_bytes()
    for partials in ([oracle, *honest[1:]], honest[:-1], [*honest, honest[0]]):
        with pytest.raises(DecryptionRefused):
            tally.contribute_partials(survey, trustee.ref, partials)
    assert row_count(DecryptionRefusal, survey) == 3
    other = [bytes([2]) + p[1:] for p in honest]  # numbered for trustee 2
    with pytest.raises(TrusteeError):
        tally.contribute_partials(survey, trustee.ref, other)
    with pytest.raises(TrusteeError):
        tally.contribute_partials(survey, trustee.ref, [b"short"] * len(honest))
    assert all(t.partials is None for t in survey.trustees)
    assert tally.contribute_partials(survey, trustee.ref, honest) == 1


def _one_ballots_first_alpha(survey: Survey) -> Point:
    payload = db.session.scalars(sa.select(Ballot.payload).where(Ballot.survey_id == survey.id)).first()
    return crypto_ballot.deserialize(payload).answers[0].ciphertexts[0].alpha


def test_the_task_is_offered_only_to_a_trustee_whose_turn_it_is(app_ctx):
    done = run_ceremony(SCOPE, TRUSTEES, 2)
    open_survey = _ceremony_survey(done, close=False)
    with pytest.raises(SurveyError, match="not waiting"):
        tally.browser_decryption(open_survey, "trustee:1")
    survey = _ceremony_survey(done)
    with pytest.raises(TrusteeError):
        tally.browser_decryption(survey, "outsider:1")
    task = tally.browser_decryption(survey, "trustee:2")
    assert task.trustee_index == 2 and task.targets == tuple(t.to_bytes() for t in tally.decryption_targets(survey))
    assert task.ceremony.sealed_secret == bytes(_stored(done.id).trustees[1].sealed_secret)
    PythonTrustee("trustee:2").decrypt(survey)
    with pytest.raises(TrusteeError, match="already"):
        tally.browser_decryption(survey, "trustee:2")


def test_surveys_keep_their_key_when_a_new_ceremony_replaces_it(app_ctx):
    old = run_ceremony(SCOPE, TRUSTEES, 2)
    survey = _ceremony_survey(old)
    new = run_ceremony(SCOPE, ("trustee:1", "trustee:4", "trustee:5"), 2)
    assert ceremony.current(SCOPE).id == new.id
    assert [s.id for s in ceremony.unreleased_surveys_using(old.id)] == [survey.id]
    for ref in ("trustee:2", "trustee:3"):
        PythonTrustee(ref).decrypt(survey)
    assert survey.state == SurveyState.RELEASED
    assert ceremony.unreleased_surveys_using(old.id) == []


def test_the_next_round_of_a_recurring_pulse_takes_the_newest_key_of_its_scope(app, app_ctx, electorates):
    old = run_ceremony(SCOPE, TRUSTEES, 2)
    electorates["test:series"] = Electorate(PEOPLE, ())
    first = pulse(key_mode=KeyMode.TRUSTEES, t=2, scope="test:series", recurrence_weeks=2)
    launch.launch(first, PEOPLE, (), key_ceremony_id=old.id)
    cast_all(first, REFS)
    tally.close(first)
    # The trustees change before the next round: a new ceremony, which the round must use.
    new = run_ceremony(SCOPE, ("trustee:1", "trustee:4", "trustee:5"), 2)
    first.opens_at = utcnow() - timedelta(weeks=2, days=1)
    first.closes_at = first.opens_at + timedelta(weeks=1)
    assert run_job(app, "open_next_pulse_rounds") == 1
    second = db.session.scalars(sa.select(Survey).where(Survey.series_id == first.id, Survey.round_number == 2)).one()
    assert second.state == SurveyState.OPEN and second.key_ceremony_id == new.id
    assert second.threshold_key == ceremony.joint_key(new.id).to_bytes()
    assert sorted(t.trustee_ref for t in second.trustees) == ["trustee:1", "trustee:4", "trustee:5"]
    assert all(t.sealed_share is None for t in second.trustees), "nothing dealt"
    assert row_count(TrusteeKey) == 0, "no trustee passphrase was needed on the server"


# -- the election record --------------------------------------------------------------------------

def _released_record() -> tuple[Survey, dict]:
    survey = _ceremony_survey(run_ceremony(SCOPE, TRUSTEES, 2))
    for ref in ("trustee:1", "trustee:3"):
        PythonTrustee(ref).decrypt(survey)
    return survey, record.build(survey)


def test_the_record_carries_the_transcript_and_verifies(app_ctx, tmp_path):
    survey, document = _released_record()
    key = document["parameters"]["key"]
    assert key["made_by"] == "ceremony" and key["ceremony"]["format"] == "leverage-key-ceremony"
    assert "sealed_secret" not in json.dumps(key["ceremony"])
    result = verify_record(document)
    assert result.released and result.decryptions > 0
    path = tmp_path / "record.json"
    path.write_text(json.dumps(document))
    out = io.StringIO()
    assert verify.check_record_file(path, stdout=out, stderr=io.StringIO()) == verify.OK
    assert "key ceremony" in out.getvalue()
    # Every partial the browsers posted is published, under its trustee's number.
    partial = base64.b64decode(document["release"]["decryptions"]["sums"][0][0][0])
    assert len(partial) == PARTIAL_SIZE and partial[0] in (1, 3)


def _flip(text: str) -> str:
    raw = bytearray(base64.b64decode(text))
    raw[len(raw) // 2] ^= 1
    return base64.b64encode(bytes(raw)).decode()


@pytest.mark.parametrize("where", ["acknowledgement", "possession_proof", "dealing_signature", "threshold"])
def test_a_tampered_transcript_fails_the_record(app_ctx, where):
    _, document = _released_record()
    transcript = document["parameters"]["key"]["ceremony"]
    if where == "acknowledgement":
        transcript["acknowledgements"][1] = _flip(transcript["acknowledgements"][1])
    elif where == "possession_proof":
        transcript["possession_proofs"][0] = _flip(transcript["possession_proofs"][0])
    elif where == "dealing_signature":
        transcript["dealings"][2]["signature"] = _flip(transcript["dealings"][2]["signature"])
    else:
        transcript["threshold"] = 3
    with pytest.raises(RecordError, match="transcript"):
        verify_record(document)


def test_a_record_whose_key_is_not_its_ceremonys_fails(app_ctx):
    _, document = _released_record()
    other = run_ceremony("union:2", ("trustee:7", "trustee:8", "trustee:9"), 2)
    document["parameters"]["key"]["ceremony"] = ceremony.transcript_of(other.id)
    with pytest.raises(RecordError, match="not the one their key ceremony made"):
        verify_record(document)
    _, dealt = _released_record()
    dealt["parameters"]["key"]["made_by"] = "dealer"
    with pytest.raises(RecordError):
        verify_record(dealt)


# -- nothing stored opens anything -----------------------------------------------------------------

def _values(value: object):
    """Every stored value as bytes: raw, and decoded where text may be hex or base64."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        yield bytes(value)
    elif isinstance(value, str):
        yield value.encode()
        for decode in (bytes.fromhex, lambda s: base64.b64decode(s, validate=True)):
            try:
                yield decode(value)
            except (ValueError, binascii.Error):
                pass
    elif isinstance(value, dict):
        for item in value.values():
            yield from _values(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _values(item)


def _everything_stored() -> tuple[set[bytes], set[str]]:
    """Every 32-byte string that could be a scalar, and every short text, in every
    row of every table, read as the server reads them (sealed columns opened)."""
    scalars, texts = set(), set()
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(sa.select(table)):
            for value in row:
                if isinstance(value, str) and len(value) < 200:
                    texts.add(value)
                for blob in _values(value):
                    for offset in range(max(0, len(blob) - 31)):
                        window = blob[offset:offset + 32]
                        if is_canonical_scalar_encoding(window):
                            scalars.add(window)
    return scalars, texts


def test_nothing_the_server_stores_alone_decrypts_anything(app_ctx):
    survey = _ceremony_survey(run_ceremony(SCOPE, TRUSTEES, 2))
    PythonTrustee("trustee:1").decrypt(survey)  # one part given: still short of t
    # The control: a server-key survey, whose key the server does hold, must be found.
    control = pulse(key_mode=KeyMode.SERVER_KEY, scope="test:control")
    launch.launch(control, PEOPLE, (), ())
    db.session.flush()
    key = ThresholdKey.from_bytes(survey.threshold_key)
    stored = _stored(survey.key_ceremony_id)
    # Whoever holds any of these secrets opens something: the survey key, a final
    # share, a personal key (which opens its pieces), or a piece's ephemeral key.
    opens = {key.public_key.point.to_bytes(): "the survey key"}
    opens.update({key.verification_key(j).to_bytes(): f"trustee {j}'s share" for j in range(1, 4)})
    for trustee in stored.trustees:
        opens[bytes(trustee.personal_key)] = f"trustee {trustee.trustee_index}'s personal key"
        for recipient, sealed in enumerate(dkg.Dealing.from_json(trustee.dealing).sealed_shares, start=1):
            opens[sealed[1:33]] = f"the piece of dealer {trustee.trustee_index} for trustee {recipient}"
    control_key = PublicKey.from_bytes(control.public_key).point.to_bytes()
    scalars, texts = _everything_stored()
    found = {}
    for candidate in scalars:
        public = Point.base_times(Scalar.from_bytes(candidate)).to_bytes()
        if public in opens or public == control_key:
            found[opens.get(public, "the control")] = candidate
    assert list(found) == ["the control"], f"stored secrets open {sorted(set(found) - {'the control'})}"
    # Nor does any text the server holds open a trustee's sealed personal secret.
    for trustee in stored.trustees:
        context = dkg.join_context(stored.public_id, trustee.trustee_index)
        for text in texts:
            with pytest.raises(sealing.SealError):
                sealing.open_with_passphrase(bytes(trustee.sealed_secret), text, associated_data=context)
    assert len(scalars) > 100 and len(texts) > 10


# -- the browser adds up what it is asked to decrypt ----------------------------------------------
#
# The real worker (static/js/ceremony/worker.js) under node, given the very JSON
# the decryption page embeds (BrowserDecryption.to_json()), as a trustee's
# browser gets it: it decrypts what the engine asks, and refuses, before it
# opens the key with the passphrase, a server that asks for anything else.

ROOMS = ("Day", "Night")


def _segmented_ceremony_survey() -> Survey:
    """Closed, with comments, its sums released for the whole survey and for each of two departments."""
    done = run_ceremony(SCOPE, TRUSTEES, 2)
    people = voters(12, departments=ROOMS)
    survey = pulse(key_mode=KeyMode.TRUSTEES, t=2, comment_threshold=10)
    launch.launch(survey, people, ("department",), (), key_ceremony_id=done.id)
    cast_all(survey, list(people), comment=lambda i: f"browser-checked comment {i}")
    tally.close(survey)
    assert [g.is_approved for g in survey.groups] == [True, True, True]
    return survey


def _decrypt_message(task: dict, passphrase: str, message_id: int = 1, **changes) -> dict:
    """The worker's "decrypt" message, made from the page's JSON as static/js/ceremony/page.js makes it."""
    material = task["ceremony"]
    return {"id": message_id, "type": "decrypt", "ceremonyId": material["ceremony_id"],
            "trusteeIndex": material["trustee_index"], "threshold": material["threshold"],
            "personalKeys": material["personal_keys"], "sealedSecret": material["sealed_secret"],
            "dealings": material["dealings"], "thresholdKey": task["threshold_key"], "targets": task["targets"],
            "context": task["context"], "check": task["check"], "passphrase": passphrase, **changes}


def _run_worker(messages: list[dict]) -> dict[int, list[dict]]:
    from tests.crypto.test_ceremony_vectors import run_js

    by_id: dict[int, list[dict]] = {}
    for message in run_js("worker", messages=messages):
        by_id.setdefault(message["id"], []).append(message)
    return by_id


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def test_the_browser_adds_up_the_ballots_itself_and_decrypts_the_approved_sums(app_ctx):
    survey = _segmented_ceremony_survey()
    trustee = PythonTrustee("trustee:2")
    task = tally.browser_decryption(survey, trustee.ref).to_json()
    check = task["check"]
    assert len(check["part_sizes"]) == 2 and sum(check["part_sizes"]) == 12
    assert [g["parts"] for g in check["groups"]] == [[0, 1], [0], [1]] or \
        [g["parts"] for g in check["groups"]] == [[0, 1], [1], [0]]
    width = check["width"]
    alphas = base64.b64decode(check["alphas"])
    # What a page with two workers does: each adds up half the ballots; the worker that decrypts adds their sums.
    half = 5 * width * 32
    by_id = _run_worker([
        {"id": 1, "type": "sum", "alphas": _b64(alphas[:half]), "width": width, "partSizes": check["part_sizes"],
         "first": 0},
        {"id": 2, "type": "sum", "alphas": _b64(alphas[half:]), "width": width, "partSizes": check["part_sizes"],
         "first": 5},
    ])
    pieces = [[index, _b64(bytes(sums.values()) if isinstance(sums, dict) else sums)]
              for message in (by_id[1][-1], by_id[2][-1]) for index, sums in message["parts"]]
    assert {index for index, _ in pieces} == {0, 1} and len(pieces) == 3, "the first half spans both parts"
    decrypted = _run_worker([
        {"id": 3, "type": "verify", "thresholdKey": task["threshold_key"], "targets": task["targets"],
         "check": check, "partSums": pieces},
        _decrypt_message(task, trustee.passphrase, 4, partSums=pieces),
        _decrypt_message(task, trustee.passphrase, 5),  # adding up alone, with no part sums given
    ])
    assert decrypted[3][-1] == {"id": 3, "type": "verified"}
    for message_id in (4, 5):
        assert decrypted[message_id][-1]["type"] == "decrypted", decrypted[message_id][-1]
    partials = [base64.b64decode(p) for p in decrypted[4][-1]["partials"]]
    assert len(partials) == len(task["targets"]) == 3 * width + 12
    assert tally.contribute_partials(survey, trustee.ref, partials) == 1
    assert PythonTrustee("trustee:3").decrypt(survey) == 2 and survey.state == SurveyState.RELEASED
    assert survey.groups[0].counts == expected_counts(survey, [f"voter:{i}" for i in range(12)], survey.groups[0])


def _one_ballot_alphas(check: dict) -> tuple[bytes, list[bytes]]:
    alphas = base64.b64decode(check["alphas"])
    width = check["width"]
    first = alphas[:width * 32]
    return first, [first[slot * 32:(slot + 1) * 32] for slot in range(width)]


def _tampered(task: dict, how: str) -> dict:
    """The task as a server that wants more than the approved sums decrypted would send it."""
    task = json.loads(json.dumps(task))
    check = task["check"]
    width = check["width"]
    first_ballot, first_alphas = _one_ballot_alphas(check)
    if how == "one ballot's ciphertext for a sum":
        task["targets"][0] = _b64(first_alphas[0])
    elif how == "one ballot's ciphertext for a comment":
        task["targets"][3 * width] = _b64(first_alphas[1])
    elif how == "a comment whose proof fails":
        sealed = bytearray(base64.b64decode(check["comments"][0]["sealed"]))
        sealed[40] ^= 1
        check["comments"][0]["sealed"] = _b64(bytes(sealed))
    elif how == "a comment moved to another round":
        context = base64.b64decode(check["comments"][0]["context"])
        check["comments"][0]["context"] = _b64(context.replace(b"round:1", b"round:2", 1))
    elif how == "a ballot counted twice":
        # The first ballot again, in its own part: every figure then adds up, with one ballot twice.
        part = 0
        alphas = base64.b64decode(check["alphas"])
        check["alphas"] = _b64(alphas[:check["part_sizes"][0] * width * 32] + first_ballot
                               + alphas[check["part_sizes"][0] * width * 32:])
        check["part_sizes"][part] += 1
        for group in check["groups"]:
            group["respondents"] += part in group["parts"]
        sums = [Point.from_bytes(base64.b64decode(t)) for t in task["targets"]]
        for position, group in enumerate(check["groups"]):
            if part in group["parts"]:
                for slot in range(width):
                    at = position * width + slot
                    task["targets"][at] = _b64((sums[at] + Point.from_bytes(first_alphas[slot])).to_bytes())
    elif how == "a group of fewer than k":
        check["release_threshold"] = 7
    elif how == "a sum missing":
        task["targets"] = task["targets"][width:]
    return task


@pytest.mark.parametrize("how, refusal", [
    ("one ballot's ciphertext for a sum", "are not the sums of the survey's ballots"),
    ("one ballot's ciphertext for a comment", "is not a written comment with a valid proof"),
    ("a comment whose proof fails", "is not a written comment with a valid proof"),
    ("a comment moved to another round", "is not a written comment with a valid proof"),
    ("a ballot counted twice", "count one ballot twice"),
    ("a group of fewer than k", "fewer people than the survey allows"),
    ("a sum missing", "are not the sums of the survey's ballots"),
])
def test_the_browser_refuses_a_server_that_asks_for_anything_but_the_approved_sums(app_ctx, how, refusal):
    survey = _segmented_ceremony_survey()
    trustee = PythonTrustee("trustee:1")
    task = _tampered(tally.browser_decryption(survey, trustee.ref).to_json(), how)
    by_id = _run_worker([
        {"id": 1, "type": "verify", "thresholdKey": task["threshold_key"], "targets": task["targets"],
         "check": task["check"]},
        _decrypt_message(task, trustee.passphrase, 2),
    ])
    for message_id in (1, 2):
        answer = by_id[message_id][-1]
        assert answer["type"] == "error" and refusal in answer["message"], answer
        assert "Nothing was sent" in answer["message"]
    # Refused before the passphrase opened anything: no unlocking, no decrypting.
    assert not {m.get("step") for m in by_id[2]} & {"unlock", "decrypt"}
    assert all(t.partials is None for t in survey.trustees)
