"""Trustee keys (t-of-n with Feldman commitments) and the server-key mode."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crypto.elgamal import encrypt, generate_keypair, sum_ciphertexts
from crypto.errors import (
    DecodeError,
    InvalidPartialError,
    InvalidShareError,
    NotEnoughPartialsError,
)
from crypto.group import ORDER, Point, Scalar
from crypto.threshold import (
    DecryptionMode,
    DecryptionResult,
    KeyShare,
    PartialDecryption,
    ThresholdKey,
    check_share,
    combine_partials,
    deal_shares,
    decrypt_with_partials,
    decrypt_with_server_key,
    lagrange_coefficients_at_zero,
    partial_decrypt,
    partial_decrypt_many,
    verify_partial,
    verify_share,
)

CONTEXT = b"survey:1/tally"


@st.composite
def quorum(draw: st.DrawFn) -> tuple[int, int, list[int]]:
    trustees = draw(st.integers(1, 5))
    threshold = draw(st.integers(1, trustees))
    chosen = draw(st.permutations(range(1, trustees + 1)))
    return threshold, trustees, list(chosen)


@settings(max_examples=20, deadline=None)
@given(quorum(), st.lists(st.integers(0, 20), min_size=1, max_size=4))
def test_any_t_of_n_partials_decrypt_and_t_minus_one_are_refused(
    shape: tuple[int, int, list[int]], votes: list[int]
) -> None:
    threshold, trustees, order = shape
    key, shares = deal_shares(threshold, trustees)
    assert all(verify_share(key, share) for share in shares)
    total = sum_ciphertexts(encrypt(key.public_key, v) for v in votes)
    chosen = [shares[i - 1] for i in order[:threshold]]
    partials = [partial_decrypt(key, s, total.alpha, CONTEXT) for s in chosen]
    result = decrypt_with_partials(key, total, partials, CONTEXT)
    assert result == DecryptionResult(
        sum(votes), DecryptionMode.TRUSTEES, tuple(sorted(order[:threshold]))
    )
    with pytest.raises(NotEnoughPartialsError):
        decrypt_with_partials(key, total, partials[:-1], CONTEXT)


def test_more_than_t_partials_are_all_checked_and_t_are_used() -> None:
    key, shares = deal_shares(2, 4)
    ciphertext = encrypt(key.public_key, 9)
    partials = partial_decrypt_many(key, shares[0], [ciphertext.alpha], CONTEXT) + tuple(
        partial_decrypt(key, s, ciphertext.alpha, CONTEXT) for s in shares[1:]
    )
    assert decrypt_with_partials(key, ciphertext, partials, CONTEXT).value == 9
    assert decrypt_with_partials(key, ciphertext, partials, CONTEXT).trustees == (1, 2)


def test_fewer_than_t_shares_do_not_give_the_key() -> None:
    key, shares = deal_shares(3, 5)
    secret_point = key.public_key.point
    for subset in ([shares[0], shares[1]], [shares[2], shares[4]]):
        indices = [s.index for s in subset]
        guess = (
            sum(
                (
                    lam * s.scalar.to_int()
                    for lam, s in zip(lagrange_coefficients_at_zero(indices), subset)
                ),
            )
            % ORDER
        )
        assert Point.base_times(Scalar(guess)) != secret_point
    full = shares[:3]
    indices = [s.index for s in full]
    recovered = (
        sum(lam * s.scalar.to_int() for lam, s in zip(lagrange_coefficients_at_zero(indices), full))
        % ORDER
    )
    assert Point.base_times(Scalar(recovered)) == secret_point


def test_bad_partial_is_named_and_refused() -> None:
    key, shares = deal_shares(2, 3)
    ciphertext = encrypt(key.public_key, 4)
    good = [partial_decrypt(key, s, ciphertext.alpha, CONTEXT) for s in shares]
    tampered = PartialDecryption(
        good[1].trustee_index, good[1].point + Point.generator(), good[1].proof
    )
    with pytest.raises(InvalidPartialError) as caught:
        decrypt_with_partials(key, ciphertext, [good[0], tampered], CONTEXT)
    assert caught.value.trustee_index == 2
    # Trustee 3 using trustee 1's share but claiming to be 3.
    impostor = partial_decrypt(key, KeyShare(3, shares[0].scalar), ciphertext.alpha, CONTEXT)
    with pytest.raises(InvalidPartialError) as caught:
        decrypt_with_partials(key, ciphertext, [good[0], impostor], CONTEXT)
    assert caught.value.trustee_index == 3
    with pytest.raises(InvalidPartialError, match="duplicate"):
        decrypt_with_partials(key, ciphertext, [good[0], good[0]], CONTEXT)
    # A partial for another ciphertext or another context is refused too.
    other = encrypt(key.public_key, 4)
    moved = partial_decrypt(key, shares[1], other.alpha, CONTEXT)
    assert not verify_partial(key, ciphertext.alpha, moved, CONTEXT)
    with pytest.raises(InvalidPartialError):
        combine_partials(key, ciphertext.alpha, [good[0], moved], CONTEXT)
    assert not verify_partial(key, ciphertext.alpha, good[1], b"survey:2/tally")
    assert not verify_partial(key, ciphertext.alpha, "junk", CONTEXT)  # type: ignore[arg-type]


def test_feldman_commitments_expose_a_bad_share() -> None:
    key, shares = deal_shares(3, 4)
    check_share(key, shares[2])
    bad = KeyShare(3, shares[2].scalar + Scalar(1))
    assert not verify_share(key, bad)
    with pytest.raises(InvalidShareError):
        check_share(key, bad)
    assert not verify_share(key, KeyShare(5, shares[0].scalar))
    other_key, _ = deal_shares(3, 4)
    assert not verify_share(other_key, shares[2])


def test_server_key_mode_gives_the_same_result_type() -> None:
    keys = generate_keypair()
    total = sum_ciphertexts(encrypt(keys.public_key, v) for v in (1, 0, 1, 1))
    result = decrypt_with_server_key(keys.secret_key, total)
    assert result == DecryptionResult(3, DecryptionMode.SERVER_KEY, ())
    assert isinstance(result, DecryptionResult)


def test_threshold_objects_round_trip_and_refuse_bad_bytes() -> None:
    key, shares = deal_shares(2, 3)
    assert ThresholdKey.from_bytes(key.to_bytes()) == key
    assert KeyShare.from_bytes(shares[1].to_bytes()).scalar == shares[1].scalar
    ciphertext = encrypt(key.public_key, 1)
    partial = partial_decrypt(key, shares[0], ciphertext.alpha, CONTEXT)
    assert PartialDecryption.from_bytes(partial.to_bytes()) == partial
    for bad in (
        key.to_bytes()[:-1],
        b"\x02" + key.to_bytes()[1:],
        key.to_bytes()[:1] + b"\x04\x03" + key.to_bytes()[3:],
    ):
        with pytest.raises(DecodeError):
            ThresholdKey.from_bytes(bad)
    with pytest.raises(DecodeError):
        KeyShare.from_bytes(shares[0].to_bytes()[:-1])
    with pytest.raises(DecodeError):
        PartialDecryption.from_bytes(b"\x00" + partial.to_bytes()[1:])
    assert shares[0].scalar.to_bytes().hex() not in repr(shares[0])


def test_dealing_refuses_impossible_quorums() -> None:
    for threshold, trustees in ((0, 3), (4, 3), (2, 256)):
        with pytest.raises(ValueError):
            deal_shares(threshold, trustees)
