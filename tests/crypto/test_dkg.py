"""The key ceremony (crypto.dkg): a joint key no one ever held, that any t
trustees decrypt with and t-1 cannot; bad shares caught and their dealer named;
unfounded complaints refused; transcripts that fail at any change."""

from __future__ import annotations

import base64
import copy
import itertools
import json
from dataclasses import dataclass, replace
from typing import Any

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from hypothesis import given, settings
from hypothesis import strategies as st

from crypto import dkg
from crypto.elgamal import encrypt, sum_ciphertexts
from crypto.errors import DkgError, NotEnoughPartialsError
from crypto.group import ORDER, Point, Scalar
from crypto.threshold import (
    DecryptionMode,
    KeyShare,
    combine_partials,
    decrypt_with_partials,
    lagrange_coefficients_at_zero,
    partial_decrypt,
)

CEREMONY_ID = "union-4/ceremony-1"
DECRYPTION_CONTEXT = b"leverage-survey:9:round:1/tally"


@dataclass
class Trustees:
    """A ceremony's trustees as their browsers would hold them."""

    ceremony_id: str
    threshold: int
    secrets: list[Scalar]
    keys: list[Point]
    possession_proofs: list[bytes]

    @property
    def count(self) -> int:
        return len(self.keys)

    @property
    def context(self) -> bytes:
        return dkg.ceremony_context(self.ceremony_id, self.threshold, self.keys)

    def secret(self, index: int) -> Scalar:
        return self.secrets[index - 1]


def join(threshold: int, count: int, ceremony_id: str = CEREMONY_ID) -> Trustees:
    secrets = [Scalar.random() for _ in range(count)]
    keys = [Point.base_times(s) for s in secrets]
    proofs = [dkg.prove_possession(s, k, dkg.join_context(ceremony_id, j))
              for j, (s, k) in enumerate(zip(secrets, keys), start=1)]
    return Trustees(ceremony_id, threshold, secrets, keys, proofs)


def deal_all(trustees: Trustees) -> list[dkg.Dealing]:
    return [dkg.make_dealing(trustees.context, trustees.threshold, i, trustees.keys, trustees.secret(i))
            for i in range(1, trustees.count + 1)]


def finish(trustees: Trustees, dealings: list[dkg.Dealing]) -> dkg.Transcript:
    acknowledgements = [dkg.make_acknowledgement(trustees.context, dealings, j, trustees.secret(j))
                        for j in range(1, trustees.count + 1)]
    return dkg.Transcript(dkg.CEREMONY_VERSION, trustees.ceremony_id, trustees.threshold, tuple(trustees.keys),
                          tuple(trustees.possession_proofs), tuple(dealings), tuple(acknowledgements))


@pytest.fixture(scope="module")
def ceremony() -> tuple[Trustees, dkg.Transcript]:
    trustees = join(2, 3)
    return trustees, finish(trustees, deal_all(trustees))


def resealed(trustees: Trustees, dealing: dkg.Dealing, recipient: int, sealed: bytes) -> dkg.Dealing:
    """The dealing with one sealed share replaced, signed again by its dealer:
    a cheating dealer's dealing, which nobody but the recipient can tell apart."""
    shares = list(dealing.sealed_shares)
    shares[recipient - 1] = sealed
    return dkg.sign_dealing(trustees.context, replace(dealing, sealed_shares=tuple(shares)),
                            trustees.secret(dealing.dealer))


# ------------------------------------------------------------------ end to end


@pytest.mark.parametrize("threshold, count", [(2, 3), (3, 5)])
def test_the_joint_key_decrypts_with_any_t_final_shares_and_not_with_fewer(threshold, count):
    trustees = join(threshold, count)
    dealings = deal_all(trustees)
    transcript = finish(trustees, dealings)
    key = dkg.verify_transcript(transcript)
    assert key == dkg.joint_key(threshold, count, dealings)
    assert key.public_key.point == sum((d.commitments[0] for d in dealings), Point.identity())

    shares = [dkg.final_share(trustees.context, dealings, j, trustees.secret(j)) for j in range(1, count + 1)]
    for share in shares:
        assert Point.base_times(share.scalar) == key.verification_key(share.index)

    votes = [1, 0, 1, 1, 0, 1]
    total = sum_ciphertexts(encrypt(key.public_key, v) for v in votes)
    partials = {s.index: partial_decrypt(key, s, total.alpha, DECRYPTION_CONTEXT) for s in shares}
    for chosen in itertools.combinations(range(1, count + 1), threshold):
        result = decrypt_with_partials(key, total, [partials[j] for j in chosen], DECRYPTION_CONTEXT)
        assert (result.value, result.mode, result.trustees) == (sum(votes), DecryptionMode.TRUSTEES, chosen)
    for chosen in itertools.combinations(range(1, count + 1), threshold - 1):
        with pytest.raises(NotEnoughPartialsError):
            combine_partials(key, total.alpha, [partials[j] for j in chosen], DECRYPTION_CONTEXT)

    # The whole key exists only as an interpolation of t final shares: nobody held it.
    chosen = [shares[j] for j in range(threshold)]
    lambdas = lagrange_coefficients_at_zero([s.index for s in chosen])
    secret = Scalar(sum(c * s.scalar.to_int() for c, s in zip(lambdas, chosen)) % ORDER)
    assert Point.base_times(secret) == key.public_key.point
    assert all(Point.base_times(s.scalar) != key.public_key.point for s in shares)


def test_the_transcript_round_trips_through_json_and_verifies(ceremony):
    trustees, transcript = ceremony
    document = json.loads(json.dumps(transcript.to_json()))
    assert document["format"] == "leverage-key-ceremony" and document["version"] == 1
    assert dkg.Transcript.from_json(document) == transcript
    assert dkg.verify_transcript(dkg.Transcript.from_json(document)) == dkg.verify_transcript(transcript)
    assert "sealed_secret" not in json.dumps(document)


def test_a_context_is_read_back_and_its_fingerprint_follows_every_key(ceremony):
    trustees, _ = ceremony
    parameters = dkg.parse_ceremony_context(trustees.context)
    assert parameters == (CEREMONY_ID, 2, tuple(trustees.keys))
    code = dkg.ceremony_fingerprint(trustees.context)
    assert len(code) == 24 and code.count("-") == 4 and code == code.upper()
    others = [
        dkg.ceremony_context(CEREMONY_ID + "x", 2, trustees.keys),
        dkg.ceremony_context(CEREMONY_ID, 3, trustees.keys),
        dkg.ceremony_context(CEREMONY_ID, 2, trustees.keys[:2] + [Point.base_times(Scalar.random())]),
        dkg.ceremony_context(CEREMONY_ID, 2, [trustees.keys[1], trustees.keys[0], trustees.keys[2]]),
    ]
    assert len({code, *(dkg.ceremony_fingerprint(c) for c in others)}) == 5
    with pytest.raises(DkgError):
        dkg.parse_ceremony_context(trustees.context + b"\x00")
    with pytest.raises(DkgError) as refused:
        dkg.ceremony_context(CEREMONY_ID, 2, [trustees.keys[0], trustees.keys[1], trustees.keys[0]])
    assert refused.value.trustee == 3


def test_a_possession_proof_is_bound_to_its_ceremony_and_index(ceremony):
    trustees, _ = ceremony
    key, proof = trustees.keys[0], trustees.possession_proofs[0]
    assert dkg.verify_possession(key, proof, dkg.join_context(CEREMONY_ID, 1))
    assert not dkg.verify_possession(key, proof, dkg.join_context(CEREMONY_ID, 2))
    assert not dkg.verify_possession(key, proof, dkg.join_context("union-4/ceremony-2", 1))
    assert not dkg.verify_possession(trustees.keys[1], proof, dkg.join_context(CEREMONY_ID, 1))
    assert not dkg.verify_possession(Point.identity(), proof, dkg.join_context(CEREMONY_ID, 1))
    with pytest.raises(ValueError):
        dkg.prove_possession(trustees.secret(2), key, dkg.join_context(CEREMONY_ID, 1))


# ------------------------------------------------------------------ the relay cannot deal or agree for anyone


def test_a_dealing_made_by_anyone_but_its_dealer_is_refused(ceremony):
    """The server knows every personal key and could draw a polynomial of its
    own for each dealer; the signature is what stops it knowing the key."""
    trustees, transcript = ceremony
    impostor = Scalar.random()
    forged_keys = list(trustees.keys)
    forged_keys[0] = Point.base_times(impostor)
    forged_context = dkg.ceremony_context(CEREMONY_ID, 2, forged_keys)
    forged = dkg.make_dealing(forged_context, 2, 1, forged_keys, impostor)
    with pytest.raises(DkgError) as refused:
        dkg.verify_dealing_shape(trustees.context, 2, 1, 3, forged)
    assert refused.value.trustee == 1
    with pytest.raises(DkgError, match="dealer 1"):
        dkg.verify_transcript(replace(transcript, dealings=(forged, *transcript.dealings[1:])))
    with pytest.raises(DkgError):
        dkg.make_dealing(trustees.context, 2, 1, trustees.keys, impostor)


def test_an_acknowledgement_covers_every_dealing(ceremony):
    trustees, transcript = ceremony
    dealings = list(transcript.dealings)
    signature = transcript.acknowledgements[1]
    assert dkg.verify_acknowledgement(trustees.context, dealings, 2, signature)
    assert not dkg.verify_acknowledgement(trustees.context, dealings, 3, signature)
    other = dkg.make_dealing(trustees.context, 2, 3, trustees.keys, trustees.secret(3))
    assert not dkg.verify_acknowledgement(trustees.context, dealings[:2] + [other], 2, signature)
    assert not dkg.verify_acknowledgement(trustees.context, dealings[:2], 2, signature)


# ------------------------------------------------------------------ bad shares and complaints


def test_a_share_that_does_not_match_is_caught_and_its_dealer_named(ceremony):
    trustees, transcript = ceremony
    honest = transcript.dealings[0]
    share = dkg.open_share(honest.sealed_shares[1], trustees.secret(2), trustees.context, 1, 2)
    assert dkg.share_matches(share, honest.commitments, 2)
    bad_sealed = dkg.seal_share(share + Scalar(1), trustees.keys[1], trustees.context, 1, 2)
    cheat = resealed(trustees, honest, 2, bad_sealed)
    dkg.verify_dealing_shape(trustees.context, 2, 1, 3, cheat)  # nobody else can tell
    dealings = [cheat, *transcript.dealings[1:]]

    with pytest.raises(DkgError) as refused:
        dkg.final_share(trustees.context, dealings, 2, trustees.secret(2))
    assert refused.value.trustee == 1 and "dealer 1" in str(refused.value)
    with pytest.raises(DkgError) as refused:
        dkg.make_acknowledgement(trustees.context, dealings, 2, trustees.secret(2))
    assert refused.value.trustee == 1
    dkg.make_acknowledgement(trustees.context, dealings, 3, trustees.secret(3))  # trustee 3's share is fine

    complaint = dkg.make_complaint(trustees.context, cheat, 2, trustees.secret(2))
    complaint = dkg.Complaint.from_json(json.loads(json.dumps(complaint.to_json())))
    assert dkg.judge_complaint(trustees.context, cheat, complaint, trustees.keys[1]) is True
    # The same complaint against the honest dealing it replaced is unfounded.
    assert dkg.judge_complaint(trustees.context, honest, complaint, trustees.keys[1]) is False


def test_a_share_that_does_not_open_is_caught_and_its_dealer_named(ceremony):
    """A dealer who knows r can prove its ephemeral key over any body; the
    complaint shows the body does not open."""
    trustees, transcript = ceremony
    honest = transcript.dealings[2]
    nonce = Scalar.random()
    ephemeral = Point.base_times(nonce).to_bytes()
    body = AESGCM(AESGCM.generate_key(256)).encrypt(bytes(12), bytes(32), b"")
    proof = dkg._schnorr_prove(dkg.SHARE_EPHEMERAL_DOMAIN, nonce, Point(ephemeral),
                               dkg._share_proof_parts(trustees.keys[0], trustees.context, 3, 1, body), None)
    cheat = resealed(trustees, honest, 1, bytes([1]) + ephemeral + proof + body)
    dkg.verify_dealing_shape(trustees.context, 2, 3, 3, cheat)
    with pytest.raises(DkgError, match="does not open") as refused:
        dkg.open_share(cheat.sealed_shares[0], trustees.secret(1), trustees.context, 3, 1)
    assert refused.value.trustee == 3
    complaint = dkg.make_complaint(trustees.context, cheat, 1, trustees.secret(1))
    assert dkg.judge_complaint(trustees.context, cheat, complaint, trustees.keys[0]) is True


def test_an_unfounded_or_unproven_complaint_is_refused(ceremony):
    trustees, transcript = ceremony
    dealing = transcript.dealings[0]
    complaint = dkg.make_complaint(trustees.context, dealing, 2, trustees.secret(2))
    judge = lambda c, key=trustees.keys[1], d=dealing: dkg.judge_complaint(trustees.context, d, c, key)  # noqa: E731
    assert judge(complaint) is False, "the share is good: the complaint is unfounded"
    # A complaint proves itself or counts for nothing: D that is not k_j·R, a
    # proof moved to another accuser or dealer, or the wrong key.
    assert judge(replace(complaint, revealed=complaint.revealed + Point.generator())) is False
    assert judge(replace(complaint, accuser=3), key=trustees.keys[2]) is False
    assert judge(replace(complaint, dealer=2), d=transcript.dealings[1]) is False
    assert judge(complaint, key=trustees.keys[2]) is False
    assert judge(replace(complaint, proof=bytes(64))) is False
    assert judge(replace(complaint, proof=b"short")) is False
    assert judge(replace(complaint, dealer=2)) is False
    # Someone without k_2 who claims trustee 2's share does not open: the
    # revealed point is a guess, and its proof cannot be made.
    guess = Scalar.random()
    ephemeral = Point(dealing.sealed_shares[1][1:33])
    forged = dkg.Complaint(1, 2, ephemeral * guess, complaint.proof)
    assert judge(forged) is False


def test_a_malformed_dealing_is_refused_naming_its_dealer(ceremony):
    trustees, transcript = ceremony
    dealing = transcript.dealings[1]
    variants = {
        "wrong dealer": replace(dealing, dealer=3),
        "too few commitments": replace(dealing, commitments=dealing.commitments[:1]),
        "zero constant": replace(dealing, commitments=(Point.identity(), dealing.commitments[1])),
        "constant proof": replace(dealing, constant_proof=transcript.dealings[0].constant_proof),
        "a share missing": replace(dealing, sealed_shares=dealing.sealed_shares[:2]),
        "shares swapped": replace(dealing, sealed_shares=(dealing.sealed_shares[1], dealing.sealed_shares[0],
                                                          dealing.sealed_shares[2])),
        "share truncated": replace(dealing, sealed_shares=(dealing.sealed_shares[0][:-1], *dealing.sealed_shares[1:])),
        "share for another ceremony": replace(dealing, sealed_shares=(
            dkg.seal_share(Scalar(5), trustees.keys[0], dkg.ceremony_context("elsewhere", 2, trustees.keys), 2, 1),
            *dealing.sealed_shares[1:])),
    }
    # Each signed again by its dealer, so that each check is what refuses it.
    variants = {name: dkg.sign_dealing(trustees.context, v, trustees.secret(v.dealer)) for name, v in variants.items()}
    variants["signature"] = replace(dealing, signature=transcript.dealings[0].signature)
    for name, variant in variants.items():
        with pytest.raises(DkgError) as refused:
            dkg.verify_dealing_shape(trustees.context, 2, 2, 3, variant)
        assert refused.value.trustee == 2, name
    # A complaint against a malformed dealing finds the dealer at fault.
    complaint = dkg.make_complaint(trustees.context, dealing, 1, trustees.secret(1))
    assert dkg.judge_complaint(trustees.context, variants["signature"], complaint, trustees.keys[0]) is True


def test_a_share_is_sealed_to_one_recipient_dealer_and_ceremony(ceremony):
    trustees, transcript = ceremony
    sealed = transcript.dealings[0].sealed_shares[2]
    context = trustees.context
    assert dkg.verify_sealed_share(sealed, trustees.keys[2], context, 1, 3)
    dkg.open_share(sealed, trustees.secret(3), context, 1, 3)
    for secret, ctx, dealer, recipient in [
        (trustees.secret(2), context, 1, 3),
        (trustees.secret(3), context, 2, 3),
        (trustees.secret(3), context, 1, 2),
        (trustees.secret(3), dkg.ceremony_context("union-4/ceremony-2", 2, trustees.keys), 1, 3),
    ]:
        with pytest.raises(DkgError):
            dkg.open_share(sealed, secret, ctx, dealer, recipient)
    assert len(sealed) == dkg.SEALED_SHARE_SIZE == 145


def test_final_share_and_dealing_refuse_a_secret_that_is_not_the_trustees(ceremony):
    trustees, transcript = ceremony
    with pytest.raises(DkgError) as refused:
        dkg.final_share(trustees.context, transcript.dealings, 2, trustees.secret(3))
    assert refused.value.trustee == 2
    with pytest.raises(DkgError):
        dkg.make_dealing(trustees.context, 3, 1, trustees.keys, trustees.secret(1))
    with pytest.raises(DkgError):
        dkg.final_share(trustees.context, transcript.dealings[:2], 2, trustees.secret(2))
    short = replace(transcript.dealings[1], sealed_shares=transcript.dealings[1].sealed_shares[:2])
    with pytest.raises(DkgError) as refused:
        dkg.final_share(trustees.context, [transcript.dealings[0], short, transcript.dealings[2]], 3, trustees.secret(3))
    assert refused.value.trustee == 2


# ------------------------------------------------------------------ tampering with the transcript


def _flip(text: str, position: int) -> str:
    data = bytearray(base64.b64decode(text))
    data[position % len(data)] ^= 0x01
    return base64.b64encode(bytes(data)).decode()


def _leaves(value: Any, path: tuple = ()) -> list[tuple[tuple, Any]]:
    if isinstance(value, dict):
        return [leaf for key, item in value.items() for leaf in _leaves(item, (*path, key))]
    if isinstance(value, list):
        return [leaf for index, item in enumerate(value) for leaf in _leaves(item, (*path, index))]
    return [(path, value)]


def _set(document: Any, path: tuple, value: Any) -> Any:
    changed = copy.deepcopy(document)
    target = changed
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return changed


def _tamperings(document: dict[str, Any]) -> list[tuple[str, Any]]:
    """The transcript with one thing changed: a bit of every byte field (first,
    middle, last byte), every number, every string, and every list shortened,
    extended or reordered."""
    out = []
    for path, value in _leaves(document):
        if isinstance(value, bool) or isinstance(value, int):
            out += [(f"{path} + 1", _set(document, path, value + 1)), (f"{path} - 1", _set(document, path, value - 1))]
        elif path[0] in ("format", "ceremony_id"):
            out.append((f"{path} changed", _set(document, path, value + "x")))
        else:
            size = len(base64.b64decode(value))
            out += [(f"{path} bit {p}", _set(document, path, _flip(value, p))) for p in (0, size // 2, size - 1)]
    lists = [(path[:-1], None) for path, _ in _leaves(document) if isinstance(path[-1], int)]
    for path in dict.fromkeys(p for p, _ in lists):
        items = document
        for step in path:
            items = items[step]
        out.append((f"{path} shortened", _set(document, path, items[:-1])))
        out.append((f"{path} extended", _set(document, path, items + items[-1:])))
        if len(items) > 1:
            out.append((f"{path} reordered", _set(document, path, items[1:] + items[:1])))
    return out


def _refused(document: Any) -> bool:
    try:
        dkg.verify_transcript(dkg.Transcript.from_json(document))
    except DkgError:
        return True
    return False


def test_changing_any_field_of_a_transcript_fails_verification(ceremony):
    _, transcript = ceremony
    document = transcript.to_json()
    assert not _refused(document)
    tamperings = _tamperings(document)
    assert len(tamperings) > 100
    accepted = [name for name, changed in tamperings if not _refused(changed)]
    assert accepted == []


def test_a_valid_key_swapped_in_fails_and_names_the_trustee(ceremony):
    trustees, transcript = ceremony
    stranger = Point.base_times(Scalar.random())
    keys = (transcript.personal_keys[0], stranger, transcript.personal_keys[2])
    with pytest.raises(DkgError, match="trustee 2") as refused:
        dkg.verify_transcript(replace(transcript, personal_keys=keys))
    assert refused.value.trustee == 2
    acknowledgements = (transcript.acknowledgements[0], transcript.acknowledgements[1],
                        transcript.acknowledgements[0])
    with pytest.raises(DkgError, match="trustee 3's acknowledgement") as refused:
        dkg.verify_transcript(replace(transcript, acknowledgements=acknowledgements))
    assert refused.value.trustee == 3


# ------------------------------------------------------------------ properties


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(1, ORDER - 1), min_size=1, max_size=5), st.integers(1, 255))
def test_a_share_matches_exactly_its_polynomial_at_its_index(coefficients, index):
    commitments = [Point.base_times(Scalar(a)) for a in coefficients]
    value = Scalar(dkg._evaluate(coefficients, index))
    assert dkg.share_matches(value, commitments, index)
    assert not dkg.share_matches(value + Scalar(1), commitments, index)
    if len(coefficients) > 1:
        assert not dkg.share_matches(value, commitments, index % 255 + 1)


@settings(max_examples=15, deadline=None)
@given(st.integers(0, ORDER - 1), st.integers(1, 255), st.integers(1, 255), st.binary(max_size=40))
def test_a_sealed_share_opens_for_its_recipient_only(value, dealer, recipient, salt):
    secret = Scalar.random()
    key = Point.base_times(secret)
    context = dkg.ceremony_context("c" + salt.hex(), 1, [key])
    sealed = dkg.seal_share(Scalar(value), key, context, dealer, recipient)
    assert dkg.open_share(sealed, secret, context, dealer, recipient) == Scalar(value)
    with pytest.raises(DkgError):
        dkg.open_share(sealed, Scalar.random(), context, dealer, recipient)
    with pytest.raises(DkgError):
        dkg.open_share(sealed, secret, context, dealer % 255 + 1, recipient)


@settings(max_examples=30, deadline=None)
@given(st.text(min_size=1, max_size=40), st.integers(1, 6), st.data())
def test_a_context_reads_back_what_made_it(ceremony_id, count, data):
    threshold = data.draw(st.integers(1, count))
    keys = [Point.base_times(Scalar.random()) for _ in range(count)]
    context = dkg.ceremony_context(ceremony_id, threshold, keys)
    assert dkg.parse_ceremony_context(context) == (ceremony_id, threshold, tuple(keys))


_json = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 300) | st.text(max_size=8)
    | st.sampled_from(["AAAA", base64.b64encode(bytes(32)).decode(), base64.b64encode(bytes(64)).decode()]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["dealer", "accuser", "commitments", "constant_proof", "sealed_shares", "signature",
                         "revealed", "proof", "format", "version", "x"]), inner, max_size=6),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(_json)
def test_reading_hostile_json_raises_only_dkg_errors(data):
    for reader in (dkg.Dealing.from_json, dkg.Complaint.from_json, dkg.Transcript.from_json):
        try:
            reader(data)
        except DkgError:
            pass


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=200))
def test_parsing_a_hostile_context_raises_only_dkg_errors(data):
    try:
        dkg.parse_ceremony_context(data)
    except DkgError:
        pass


def test_a_final_share_is_a_key_share_the_threshold_module_takes(ceremony):
    trustees, transcript = ceremony
    share = dkg.final_share(trustees.context, transcript.dealings, 1, trustees.secret(1))
    assert KeyShare.from_bytes(share.to_bytes()) == share
