"""Exponential ElGamal, tallying and the discrete log."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crypto.dlog import BABY_STEPS, discrete_log
from crypto.elgamal import (
    PARALLEL_MIN_CIPHERTEXTS,
    Ciphertext,
    KeyPair,
    PublicKey,
    SecretKey,
    decrypt_sum,
    encrypt,
    generate_keypair,
    process_pool,
    sum_ciphertext_encodings,
    sum_ciphertexts,
    sum_ciphertexts_parallel,
)
from crypto.errors import DecodeError, DiscreteLogError
from crypto.group import Point, Scalar


@pytest.fixture(scope="module")
def keypair() -> KeyPair:
    return generate_keypair()


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=1000), min_size=0, max_size=12))
def test_decrypted_sum_is_the_sum_of_plaintexts(values: list[int]) -> None:
    keys = generate_keypair()
    ciphertexts = [encrypt(keys.public_key, v) for v in values]
    assert decrypt_sum(keys.secret_key, sum_ciphertexts(ciphertexts)) == sum(values)
    encodings = [c.to_bytes() for c in ciphertexts]
    assert sum_ciphertext_encodings(encodings) == sum_ciphertexts(ciphertexts)


def test_encryption_is_randomized_and_add_operator_adds(keypair: KeyPair) -> None:
    first, second = encrypt(keypair.public_key, 1), encrypt(keypair.public_key, 1)
    assert first != second
    assert decrypt_sum(keypair.secret_key, first + second) == 2
    assert decrypt_sum(keypair.secret_key, (first + second) - first) == 1
    assert decrypt_sum(keypair.secret_key, first.scaled(7)) == 7


def test_wrong_key_does_not_decrypt(keypair: KeyPair) -> None:
    other = generate_keypair()
    ciphertext = encrypt(keypair.public_key, 3)
    with pytest.raises(DiscreteLogError):
        decrypt_sum(other.secret_key, ciphertext, max_value=100_000)


@pytest.mark.parametrize(
    "value",
    [0, 1, BABY_STEPS - 1, BABY_STEPS, BABY_STEPS + 1, 999_999, 1_000_000, 10_000_000],
)
def test_discrete_log_finds_values_up_to_ten_million(value: int) -> None:
    assert discrete_log(Point.base_times(Scalar(value))) == value


def test_discrete_log_refuses_values_above_the_bound() -> None:
    with pytest.raises(DiscreteLogError):
        discrete_log(Point.base_times(Scalar(5001)), max_value=5000)
    with pytest.raises(DiscreteLogError):
        discrete_log(Point.base_times(Scalar(BABY_STEPS + 3)), max_value=BABY_STEPS + 2)
    assert discrete_log(Point.base_times(Scalar(5000)), max_value=5000) == 5000


def test_discrete_log_takes_only_validated_points() -> None:
    with pytest.raises(TypeError):
        discrete_log(b"\x01" * 32)  # type: ignore[arg-type]


def test_empty_sum_is_an_encryption_of_zero(keypair: KeyPair) -> None:
    assert sum_ciphertexts([]) == Ciphertext.zero()
    assert decrypt_sum(keypair.secret_key, Ciphertext.zero()) == 0


def test_raw_sum_names_an_undecodable_ciphertext(keypair: KeyPair) -> None:
    good = [encrypt(keypair.public_key, 1).to_bytes() for _ in range(3)]
    bad = b"\xff" * 64
    with pytest.raises(DecodeError, match="ciphertext 2"):
        sum_ciphertext_encodings([good[0], good[1], bad, good[2]])
    with pytest.raises(DecodeError, match="ciphertext 1"):
        sum_ciphertext_encodings([good[0], good[1][:63]])


def test_raw_sum_accepts_ciphertexts_that_cancel(keypair: KeyPair) -> None:
    # Two valid ciphertexts can sum to the identity; that must not be taken
    # for the zero bytes libsodium returns on an undecodable input.
    ciphertext = encrypt(keypair.public_key, 0)
    negated = Ciphertext.zero() - ciphertext
    total = sum_ciphertext_encodings([ciphertext.to_bytes(), negated.to_bytes()])
    assert total == Ciphertext.zero()


def _many_ciphertexts(keypair: KeyPair, count: int) -> tuple[list[bytes], int]:
    base = [encrypt(keypair.public_key, v % 3) for v in range(50)]
    encodings = [base[i % 50].to_bytes() for i in range(count)]
    return encodings, sum(i % 50 % 3 for i in range(count))


def test_parallel_sum_equals_serial_sum_on_threads(keypair: KeyPair) -> None:
    encodings, expected = _many_ciphertexts(keypair, PARALLEL_MIN_CIPHERTEXTS + 123)
    total = sum_ciphertexts_parallel(encodings, workers=3)
    assert total == sum_ciphertext_encodings(encodings)
    assert decrypt_sum(keypair.secret_key, total) == expected


def test_parallel_sum_on_a_process_pool_names_bad_ciphertext(keypair: KeyPair) -> None:
    encodings, expected = _many_ciphertexts(keypair, PARALLEL_MIN_CIPHERTEXTS + 10)
    with process_pool(2) as pool:
        total = sum_ciphertexts_parallel(encodings, executor=pool, workers=2)
        assert decrypt_sum(keypair.secret_key, total) == expected
        broken = list(encodings)
        broken[PARALLEL_MIN_CIPHERTEXTS] = b"\xff" * 64
        with pytest.raises(DecodeError, match=f"ciphertext {PARALLEL_MIN_CIPHERTEXTS}"):
            sum_ciphertexts_parallel(broken, executor=pool, workers=2)


def test_small_inputs_stay_on_the_calling_thread(keypair: KeyPair) -> None:
    class RefusingExecutor:
        def map(self, *args: object) -> None:
            raise AssertionError("small sums must not be sent to workers")

    encodings, expected = _many_ciphertexts(keypair, 100)
    total = sum_ciphertexts_parallel(encodings, executor=RefusingExecutor(), workers=2)  # type: ignore[arg-type]
    assert decrypt_sum(keypair.secret_key, total) == expected


def test_keys_and_ciphertexts_round_trip_and_refuse_bad_bytes(keypair: KeyPair) -> None:
    assert PublicKey.from_bytes(keypair.public_key.to_bytes()) == keypair.public_key
    assert SecretKey.from_bytes(keypair.secret_key.to_bytes()) == keypair.secret_key
    assert SecretKey.from_bytes(keypair.secret_key.to_bytes()).public_key() == keypair.public_key
    ciphertext = encrypt(keypair.public_key, 4)
    assert Ciphertext.from_bytes(ciphertext.to_bytes()) == ciphertext
    with pytest.raises(DecodeError):
        PublicKey.from_bytes(bytes(32))  # the identity: x = 0
    with pytest.raises(DecodeError):
        SecretKey.from_bytes(bytes(32))
    with pytest.raises(DecodeError):
        Ciphertext.from_bytes(ciphertext.to_bytes()[:-1])
    with pytest.raises(DecodeError):
        Ciphertext.from_bytes(ciphertext.to_bytes()[:32] + b"\xff" * 32)
    assert keypair.secret_key.to_bytes().hex() not in repr(keypair)
    assert keypair.secret_key.to_bytes().hex() not in repr(keypair.secret_key)


def test_negative_values_are_refused(keypair: KeyPair) -> None:
    with pytest.raises(ValueError):
        encrypt(keypair.public_key, -1)


def test_ciphertexts_hold_only_points() -> None:
    with pytest.raises(TypeError):
        Ciphertext(b"\x00" * 32, b"\x00" * 32)  # type: ignore[arg-type]
