"""Zero-knowledge proofs: true statements verify, false or moved ones do not."""

from __future__ import annotations

import pytest
import rbcl
from hypothesis import given, settings
from hypothesis import strategies as st

from crypto.elgamal import Ciphertext, KeyPair, encrypt, generate_keypair
from crypto.errors import DecodeError
from crypto.group import ORDER, Point, Scalar
from crypto.proofs import (
    ZERO_OR_ONE,
    DisjunctiveProof,
    DleqProof,
    VectorProof,
    _membership_verifies,
    _prove_membership_unchecked,
    _slot_context,
    _sum_context,
    prove_at_most,
    prove_dleq,
    prove_membership,
    prove_one_hot,
    prove_vector,
    prove_zero_or_one,
    verify_at_most,
    verify_dleq,
    verify_membership,
    verify_one_hot,
    verify_vector,
    verify_vector_encoded,
    verify_zero_or_one,
    weighted_sum,
)

CONTEXT = b"survey:42/question:7"


@pytest.fixture(scope="module")
def keypair() -> KeyPair:
    return generate_keypair()


def _encrypt_all(keypair: KeyPair, values: list[int]) -> tuple[list[Ciphertext], list[Scalar]]:
    nonces = [Scalar.random() for _ in values]
    return [encrypt(keypair.public_key, v, r) for v, r in zip(values, nonces)], nonces


@settings(max_examples=10, deadline=None)
@given(st.sampled_from([0, 1]), st.binary(max_size=40))
def test_zero_or_one_proof_verifies_for_true_statements(value: int, context: bytes) -> None:
    keys = generate_keypair()
    nonce = Scalar.random()
    ciphertext = encrypt(keys.public_key, value, nonce)
    proof = prove_zero_or_one(keys.public_key, ciphertext, value, nonce, context)
    assert verify_zero_or_one(keys.public_key, ciphertext, proof, context)
    assert not verify_zero_or_one(keys.public_key, ciphertext, proof, context + b"!")


def test_encryption_of_two_cannot_pass_as_zero_or_one(keypair: KeyPair) -> None:
    nonce = Scalar.random()
    ciphertext = encrypt(keypair.public_key, 2, nonce)
    with pytest.raises(ValueError):
        prove_zero_or_one(keypair.public_key, ciphertext, 2, nonce, CONTEXT)
    for claimed in (0, 1):
        lie = _prove_membership_unchecked(
            keypair.public_key, ciphertext, claimed, nonce, (0, 1), CONTEXT
        )
        assert not verify_zero_or_one(keypair.public_key, ciphertext, lie, CONTEXT)
    # A proof honestly made for an encryption of 1 does not carry over.
    honest_nonce = Scalar.random()
    honest = encrypt(keypair.public_key, 1, honest_nonce)
    proof = prove_zero_or_one(keypair.public_key, honest, 1, honest_nonce, CONTEXT)
    assert not verify_zero_or_one(keypair.public_key, ciphertext, proof, CONTEXT)
    # Nor does a proof of random scalars.
    forged = DisjunctiveProof(
        tuple(Scalar.random().to_bytes() for _ in range(2)),
        tuple(Scalar.random().to_bytes() for _ in range(2)),
    )
    assert not verify_zero_or_one(keypair.public_key, ciphertext, forged, CONTEXT)


def test_proof_is_bound_to_key_context_and_ciphertext(keypair: KeyPair) -> None:
    nonce = Scalar.random()
    ciphertext = encrypt(keypair.public_key, 1, nonce)
    proof = prove_zero_or_one(keypair.public_key, ciphertext, 1, nonce, CONTEXT)
    assert verify_zero_or_one(keypair.public_key, ciphertext, proof, CONTEXT)
    assert not verify_zero_or_one(keypair.public_key, ciphertext, proof, b"survey:42/question:8")
    assert not verify_zero_or_one(generate_keypair().public_key, ciphertext, proof, CONTEXT)
    rerandomized = ciphertext + encrypt(keypair.public_key, 0)
    assert not verify_zero_or_one(keypair.public_key, rerandomized, proof, CONTEXT)
    swapped = DisjunctiveProof(proof.challenges[::-1], proof.responses[::-1])
    assert not verify_zero_or_one(keypair.public_key, ciphertext, swapped, CONTEXT)


def test_membership_in_larger_sets(keypair: KeyPair) -> None:
    allowed = (0, 3, 5, 1000)
    for value in allowed:
        nonce = Scalar.random()
        ciphertext = encrypt(keypair.public_key, value, nonce)
        proof = prove_membership(keypair.public_key, ciphertext, value, nonce, allowed, CONTEXT)
        assert verify_membership(keypair.public_key, ciphertext, proof, allowed, CONTEXT)
        assert not verify_membership(
            keypair.public_key, ciphertext, proof, (0, 3, 5, 1001), CONTEXT
        )
    nonce = Scalar.random()
    outside = encrypt(keypair.public_key, 4, nonce)
    lie = _prove_membership_unchecked(keypair.public_key, outside, 3, nonce, allowed, CONTEXT)
    assert not verify_membership(keypair.public_key, outside, lie, allowed, CONTEXT)


@pytest.mark.parametrize(
    "malformed",
    [
        DisjunctiveProof((), ()),
        DisjunctiveProof((bytes(32),), (bytes(32),)),
        DisjunctiveProof((bytes(32), bytes(31)), (bytes(32), bytes(32))),
        DisjunctiveProof((bytes(32), ORDER.to_bytes(32, "little")), (bytes(32), bytes(32))),
        DisjunctiveProof(("x", "y"), (bytes(32), bytes(32))),  # type: ignore[arg-type]
        "not a proof",
        None,
    ],
)
def test_malformed_proofs_are_false_not_errors(keypair: KeyPair, malformed: object) -> None:
    ciphertext = encrypt(keypair.public_key, 1)
    assert verify_zero_or_one(keypair.public_key, ciphertext, malformed, CONTEXT) is False  # type: ignore[arg-type]


def test_verifiers_return_false_for_mismatched_arguments(keypair: KeyPair) -> None:
    ciphertexts, nonces = _encrypt_all(keypair, [0, 1, 0])
    proof = prove_one_hot(keypair.public_key, ciphertexts, [0, 1, 0], nonces, CONTEXT)
    assert verify_one_hot(keypair.public_key, ciphertexts, proof, CONTEXT)
    assert not verify_one_hot(keypair.public_key, ciphertexts[:2], proof, CONTEXT)
    assert not verify_one_hot(keypair.public_key, [], proof, CONTEXT)
    assert not verify_one_hot(keypair.public_key, ciphertexts, None, CONTEXT)  # type: ignore[arg-type]
    assert not verify_one_hot(keypair.public_key, ciphertexts, proof, "text")  # type: ignore[arg-type]
    assert not verify_one_hot(None, ciphertexts, proof, CONTEXT)  # type: ignore[arg-type]
    assert not verify_vector(
        keypair.public_key, ciphertexts, proof, CONTEXT, allowed_sums=(1,), weights=(1, 1)
    )
    assert not verify_vector(
        keypair.public_key, ciphertexts, proof, CONTEXT, allowed_sums=(1, 1), weights=None
    )
    assert not verify_at_most(keypair.public_key, ciphertexts, proof, -1, CONTEXT)


@settings(max_examples=15, deadline=None)
@given(
    st.integers(min_value=2, max_value=6).flatmap(
        lambda n: st.tuples(st.just(n), st.integers(0, n - 1))
    )
)
def test_one_hot_vectors_verify(shape: tuple[int, int]) -> None:
    size, hot = shape
    keys = generate_keypair()
    values = [1 if i == hot else 0 for i in range(size)]
    nonces = [Scalar.random() for _ in values]
    ciphertexts = [encrypt(keys.public_key, v, r) for v, r in zip(values, nonces)]
    proof = prove_one_hot(keys.public_key, ciphertexts, values, nonces, CONTEXT)
    assert verify_one_hot(keys.public_key, ciphertexts, proof, CONTEXT)
    assert not verify_one_hot(keys.public_key, ciphertexts, proof, CONTEXT + b"x")
    assert not verify_one_hot(keys.public_key, ciphertexts[::-1], proof, CONTEXT)


def test_vector_summing_to_two_fails_the_one_hot_proof(keypair: KeyPair) -> None:
    values = [1, 1, 0, 0, 0]
    ciphertexts, nonces = _encrypt_all(keypair, values)
    with pytest.raises(ValueError):
        prove_one_hot(keypair.public_key, ciphertexts, values, nonces, CONTEXT)
    # Honest 0/1 proofs for every slot plus a lying sum proof.
    honest = prove_vector(
        keypair.public_key, ciphertexts, values, nonces, CONTEXT, allowed_sums=(0, 1, 2)
    )
    total_nonce = Scalar(sum(n.to_int() for n in nonces))
    lie = _prove_membership_unchecked(
        keypair.public_key,
        weighted_sum(ciphertexts, (1,) * 5),
        1,
        total_nonce,
        (1,),
        _sum_context(CONTEXT, ciphertexts, (1,) * 5),
    )
    forged = VectorProof(honest.slot_proofs, lie)
    assert not verify_one_hot(keypair.public_key, ciphertexts, forged, CONTEXT)
    # The at-most-2 proof of the same vector is fine, and does not pass as one-hot.
    assert verify_at_most(keypair.public_key, ciphertexts, honest, 2, CONTEXT)
    assert not verify_one_hot(keypair.public_key, ciphertexts, honest, CONTEXT)
    assert not verify_at_most(keypair.public_key, ciphertexts, honest, 1, CONTEXT)


def test_zero_vector_fails_the_one_hot_proof(keypair: KeyPair) -> None:
    values = [0, 0, 0]
    ciphertexts, nonces = _encrypt_all(keypair, values)
    honest = prove_at_most(keypair.public_key, ciphertexts, values, nonces, 1, CONTEXT)
    assert not verify_one_hot(keypair.public_key, ciphertexts, honest, CONTEXT)


@settings(max_examples=12, deadline=None)
@given(st.lists(st.sampled_from([0, 1]), min_size=2, max_size=6), st.integers(1, 4))
def test_at_most_m_ones(values: list[int], max_ones: int) -> None:
    keys = generate_keypair()
    nonces = [Scalar.random() for _ in values]
    ciphertexts = [encrypt(keys.public_key, v, r) for v, r in zip(values, nonces)]
    if sum(values) <= max_ones:
        proof = prove_at_most(keys.public_key, ciphertexts, values, nonces, max_ones, CONTEXT)
        assert verify_at_most(keys.public_key, ciphertexts, proof, max_ones, CONTEXT)
    else:
        with pytest.raises(ValueError):
            prove_at_most(keys.public_key, ciphertexts, values, nonces, max_ones, CONTEXT)


def test_slot_holding_two_fails_even_if_the_sum_is_allowed(keypair: KeyPair) -> None:
    values = [2, 0, 0]
    ciphertexts, nonces = _encrypt_all(keypair, values)
    slot_lies = tuple(
        _prove_membership_unchecked(
            keypair.public_key, c, min(v, 1), r, (0, 1), _slot_context(CONTEXT, i)
        )
        for i, (c, v, r) in enumerate(zip(ciphertexts, values, nonces))
    )
    total_nonce = Scalar(sum(n.to_int() for n in nonces))
    sum_proof = prove_membership(
        keypair.public_key,
        weighted_sum(ciphertexts, (1, 1, 1)),
        2,
        total_nonce,
        (0, 1, 2),
        _sum_context(CONTEXT, ciphertexts, (1, 1, 1)),
    )
    assert not verify_at_most(
        keypair.public_key, ciphertexts, VectorProof(slot_lies, sum_proof), 2, CONTEXT
    )


def test_weighted_sum_forbids_choices_together_with_the_weighted_slot(keypair: KeyPair) -> None:
    # Options then "can't say" weighing m = 2: choosing it plus an option sums to 3.
    weights = (1, 1, 1, 2)
    for values, ok in (([0, 0, 0, 1], True), ([1, 1, 0, 0], True), ([1, 0, 0, 1], False)):
        ciphertexts, nonces = _encrypt_all(keypair, values)
        if ok:
            proof = prove_vector(
                keypair.public_key,
                ciphertexts,
                values,
                nonces,
                CONTEXT,
                allowed_sums=(0, 1, 2),
                weights=weights,
            )
            assert verify_vector(
                keypair.public_key,
                ciphertexts,
                proof,
                CONTEXT,
                allowed_sums=(0, 1, 2),
                weights=weights,
            )
            assert not verify_vector(
                keypair.public_key,
                ciphertexts,
                proof,
                CONTEXT,
                allowed_sums=(0, 1, 2),
                weights=(1, 1, 1, 1),
            )
        else:
            with pytest.raises(ValueError):
                prove_vector(
                    keypair.public_key,
                    ciphertexts,
                    values,
                    nonces,
                    CONTEXT,
                    allowed_sums=(0, 1, 2),
                    weights=weights,
                )


def test_dleq_proof(keypair: KeyPair) -> None:
    secret = Scalar.random()
    base = Point.base_times(Scalar.random())
    public, image = Point.base_times(secret), base * secret
    proof = prove_dleq(secret, public, base, image, CONTEXT)
    assert verify_dleq(public, base, image, proof, CONTEXT)
    assert not verify_dleq(public, base, image + Point.generator(), proof, CONTEXT)
    assert not verify_dleq(public, base, image, proof, CONTEXT + b"?")
    assert not verify_dleq(Point.base_times(Scalar.random()), base, image, proof, CONTEXT)
    wrong = Scalar.random()
    lie = prove_dleq(wrong, public, base, base * wrong, CONTEXT)
    assert not verify_dleq(public, base, base * wrong, lie, CONTEXT)
    assert not verify_dleq(public, base, image, DleqProof(b"x", b"y"), CONTEXT)
    assert DleqProof.from_bytes(proof.to_bytes()) == proof
    with pytest.raises(DecodeError):
        DleqProof.from_bytes(proof.to_bytes()[:-1])
    with pytest.raises(DecodeError):
        DleqProof.from_bytes(proof.challenge + b"\xff" * 32)


def test_disjunctive_proof_round_trips_and_refuses_bad_bytes(keypair: KeyPair) -> None:
    nonce = Scalar.random()
    ciphertext = encrypt(keypair.public_key, 0, nonce)
    proof = prove_zero_or_one(keypair.public_key, ciphertext, 0, nonce, CONTEXT)
    data = proof.to_bytes()
    assert DisjunctiveProof.from_bytes(data, 2) == proof
    with pytest.raises(DecodeError):
        DisjunctiveProof.from_bytes(data, 3)
    with pytest.raises(DecodeError):
        DisjunctiveProof.from_bytes(data[:-32] + ORDER.to_bytes(32, "little"), 2)


def test_weak_fiat_shamir_forgeries_are_refused(keypair: KeyPair) -> None:
    """The forgeries that work when a statement part is left out of the hash
    (the flaw that broke real voting systems) fail here: the challenge covers
    the ciphertext and the public key, not just the commitments."""
    from crypto.elgamal import PublicKey
    from crypto.proofs import _membership_challenge

    g = Point.generator()
    placeholder = bytes(32)

    # Leave beta out: fix alpha and the commitments, then solve for a beta that
    # passes. The result claims 1 but decrypts to garbage.
    r, w, v = Scalar.random(), Scalar.random(), Scalar.random()
    h = keypair.public_key.point
    alpha, first, second = r * g, w * g, v * h
    c = Scalar.from_bytes(
        _membership_challenge(
            h.to_bytes(),
            CONTEXT,
            (1,),
            alpha.to_bytes(),
            placeholder,
            [first.to_bytes(), second.to_bytes()],
        )
    )
    z = w + c * r
    beta = g + ((z - v) * c.inverse()) * h
    forged_ciphertext = Ciphertext(alpha, beta)
    forged = DisjunctiveProof((c.to_bytes(),), (z.to_bytes(),))
    assert beta - keypair.secret_key.scalar * alpha != g  # the statement is false
    assert not verify_membership(keypair.public_key, forged_ciphertext, forged, (1,), CONTEXT)

    # Leave the key out: fix the ciphertext and commitments, then solve for a
    # public key under which an encryption of 5 "holds 1".
    r, w, u = Scalar.random(), Scalar.random(), Scalar.random()
    alpha = r * g
    beta = Point.base_times(Scalar(5)) + Point.base_times(Scalar.random())
    first, second = w * g, u * g
    c = Scalar.from_bytes(
        _membership_challenge(
            placeholder,
            CONTEXT,
            (1,),
            alpha.to_bytes(),
            beta.to_bytes(),
            [first.to_bytes(), second.to_bytes()],
        )
    )
    z = w + c * r
    crafted_key = PublicKey(z.inverse() * (second + c * (beta - g)))
    forged = DisjunctiveProof((c.to_bytes(),), (z.to_bytes(),))
    assert not verify_membership(crafted_key, Ciphertext(alpha, beta), forged, (1,), CONTEXT)


def test_duplicate_allowed_values_are_refused(keypair: KeyPair) -> None:
    nonce = Scalar.random()
    ciphertext = encrypt(keypair.public_key, 1, nonce)
    with pytest.raises(ValueError):
        prove_membership(keypair.public_key, ciphertext, 1, nonce, (1, 1), CONTEXT)
    proof = prove_zero_or_one(keypair.public_key, ciphertext, 1, nonce, CONTEXT)
    assert not verify_membership(keypair.public_key, ciphertext, proof, (1, 1), CONTEXT)


def test_dleq_forgery_with_the_result_left_out_of_the_hash_is_refused() -> None:
    """A trustee could pass off a wrong partial decryption if the hash skipped
    the claimed result; here it is covered, so the forgery fails."""
    from crypto.proofs import _dleq_challenge

    share, w, u = Scalar.random(), Scalar.random(), Scalar.random()
    target = Point.base_times(Scalar.random())
    public = Point.base_times(share)
    first, second = Point.base_times(w), target * u
    c = Scalar.from_bytes(
        _dleq_challenge(
            CONTEXT,
            public.to_bytes(),
            target.to_bytes(),
            bytes(32),
            first.to_bytes(),
            second.to_bytes(),
        )
    )
    z = w + c * share
    wrong_result = c.inverse() * (target * z - second)
    assert wrong_result != target * share
    assert not verify_dleq(
        public, target, wrong_result, DleqProof(c.to_bytes(), z.to_bytes()), CONTEXT
    )


def _laid_out(ciphertexts, proof: VectorProof) -> tuple[bytes, bytes, bytes]:
    """A vector and its proof as a ballot lays them out (crypto.ballot)."""
    return (b"".join(c.to_bytes() for c in ciphertexts), b"".join(p.to_bytes() for p in proof.slot_proofs),
            proof.sum_proof.to_bytes())


@pytest.mark.parametrize(("values", "allowed_sums", "weights"), [
    ([0, 1, 0], (1,), (1, 1, 1)),
    ([1, 0, 1, 0], (0, 1, 2), (1, 1, 1, 1)),
    ([0, 0, 0, 1], (0, 1, 2), (1, 1, 1, 2)),  # "can't say" weighs max_choices
    ([0, 0], (0, 1), (1, 1)),
])
def test_vector_proofs_verify_from_their_bytes_as_from_objects(keypair: KeyPair, values, allowed_sums,
                                                               weights) -> None:
    ciphertexts, nonces = _encrypt_all(keypair, values)
    proof = prove_vector(keypair.public_key, ciphertexts, values, nonces, CONTEXT,
                         allowed_sums=allowed_sums, weights=weights)
    laid_out = _laid_out(ciphertexts, proof)
    assert verify_vector(keypair.public_key, ciphertexts, proof, CONTEXT, allowed_sums=allowed_sums, weights=weights)
    assert verify_vector_encoded(keypair.public_key, *laid_out, CONTEXT, allowed_sums=allowed_sums, weights=weights)
    # Everything the statement is bound to still matters.
    assert not verify_vector_encoded(keypair.public_key, *laid_out, CONTEXT + b"!", allowed_sums=allowed_sums,
                                     weights=weights)
    assert not verify_vector_encoded(generate_keypair().public_key, *laid_out, CONTEXT, allowed_sums=allowed_sums,
                                     weights=weights)
    assert not verify_vector_encoded(keypair.public_key, *laid_out, CONTEXT, allowed_sums=(3,) * len(allowed_sums),
                                     weights=weights)
    cts, slots, sums = laid_out
    for altered in (cts[64:] + cts[:64], cts[:-1] + bytes([cts[-1] ^ 1])):
        assert not verify_vector_encoded(keypair.public_key, altered, slots, sums, CONTEXT,
                                         allowed_sums=allowed_sums, weights=weights)
    for short in ((cts[:-1], slots, sums), (cts, slots[:-1], sums), (cts, slots, sums + bytes(64))):
        assert not verify_vector_encoded(keypair.public_key, *short, CONTEXT, allowed_sums=allowed_sums,
                                         weights=weights)
    non_canonical = slots[:32] + ORDER.to_bytes(32, "little") + slots[64:]
    assert not verify_vector_encoded(keypair.public_key, cts, non_canonical, sums, CONTEXT,
                                     allowed_sums=allowed_sums, weights=weights)


def test_a_lying_sum_proof_fails_from_bytes_too(keypair: KeyPair) -> None:
    values = [1, 1, 0]
    ciphertexts, nonces = _encrypt_all(keypair, values)
    honest = prove_vector(keypair.public_key, ciphertexts, values, nonces, CONTEXT, allowed_sums=(0, 1, 2))
    lie = _prove_membership_unchecked(keypair.public_key, weighted_sum(ciphertexts, (1,) * 3), 1,
                                      Scalar(sum(n.to_int() for n in nonces)), (1,),
                                      _sum_context(CONTEXT, ciphertexts, (1,) * 3))
    laid_out = _laid_out(ciphertexts, VectorProof(honest.slot_proofs, lie))
    assert not verify_vector_encoded(keypair.public_key, *laid_out, CONTEXT, allowed_sums=(1,), weights=(1,) * 3)
    assert verify_vector_encoded(keypair.public_key, *_laid_out(ciphertexts, honest), CONTEXT,
                                 allowed_sums=(0, 1, 2), weights=(1,) * 3)


def _encodings_libsodium_computes_with_but_decoding_refuses() -> list[bytes]:
    """Not a point at all (libsodium's operations then treat it as the identity), and
    a point's encoding with the top bit set (libsodium 1.0.18 ignores that bit)."""
    not_a_point = bytes([1]) * 32
    assert not rbcl.crypto_core_ristretto255_is_valid_point(not_a_point)
    point = Point.base_times(Scalar.random()).to_bytes()
    return [not_a_point, point[:31] + bytes([point[31] | 0x80])]


@pytest.mark.parametrize("kind", ["not a point", "top bit set"])
@pytest.mark.parametrize("where", ["alpha", "beta"])
def test_a_proof_made_over_a_point_that_does_not_decode_is_refused_from_bytes(keypair: KeyPair, where: str,
                                                                              kind: str) -> None:
    """The bytes path checks each point when it first computes with it. Were it to trust
    the encodings, a prover could compute with bytes that are not a point (libsodium's
    operations then treat them as the identity: so with nonce 0, and for beta the value 0),
    or with a second encoding of a real point, and pass."""
    nonce = Scalar(0) if kind == "not a point" else Scalar.random()
    value = 0 if (kind, where) == ("not a point", "beta") else 1
    honest = encrypt(keypair.public_key, value, nonce)
    real = getattr(honest, where).to_bytes()
    smuggled_point = bytes([1]) * 32 if kind == "not a point" else real[:31] + bytes([real[31] | 0x80])
    alpha, beta = (smuggled_point, honest.beta.to_bytes()) if where == "alpha" else (honest.alpha.to_bytes(),
                                                                                     smuggled_point)
    smuggled = Ciphertext(Point._trusted(alpha), Point._trusted(beta))
    slot = _prove_membership_unchecked(keypair.public_key, smuggled, value, nonce, ZERO_OR_ONE,
                                       _slot_context(CONTEXT, 0))
    total = _prove_membership_unchecked(keypair.public_key, smuggled, value, nonce, (0, 1),
                                        _sum_context(CONTEXT, [smuggled], (1,)))
    proof = VectorProof((slot,), total)
    # Computed with the encodings trusted, the forgery holds ...
    assert _membership_verifies(keypair.public_key.to_bytes(), alpha, beta, slot.challenges, slot.responses,
                                ZERO_OR_ONE, _slot_context(CONTEXT, 0))
    assert verify_vector(keypair.public_key, [smuggled], proof, CONTEXT, allowed_sums=(0, 1))
    # ... and the bytes path refuses it, as decoding the ballot would.
    assert not verify_vector_encoded(keypair.public_key, *_laid_out([smuggled], proof), CONTEXT,
                                     allowed_sums=(0, 1), weights=(1,))
    with pytest.raises(DecodeError):
        Ciphertext.from_bytes(smuggled.to_bytes())
