"""Passphrase sealing and free text sealed to an ElGamal key."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crypto.elgamal import generate_keypair
from crypto.errors import InvalidPartialError, NotEnoughPartialsError, SealError
from crypto.group import Point
from crypto.sealing import (
    TEXT_HEADER_SIZE,
    TEXT_PADDING_BLOCK,
    ScryptParams,
    open_text_with_partials,
    open_text_with_secret_key,
    open_text_with_shared_point,
    open_with_passphrase,
    seal_text,
    seal_with_passphrase,
    sealed_text_ephemeral,
    verify_sealed_text,
)
from crypto.threshold import PartialDecryption, deal_shares, partial_decrypt

# The cheapest accepted cost, to keep the suite fast; production uses the default.
FAST = ScryptParams(log2_n=14, r=8, p=1)
SHARE = bytes(range(34))
WHO = b"survey:1/trustee:2"


@pytest.fixture(scope="module")
def sealed_share() -> bytes:
    return seal_with_passphrase(
        SHARE, "correct horse battery staple", associated_data=WHO, params=FAST
    )


def test_passphrase_round_trip(sealed_share: bytes) -> None:
    assert (
        open_with_passphrase(sealed_share, "correct horse battery staple", associated_data=WHO)
        == SHARE
    )
    assert sealed_share[1:4] == bytes([14, 8, 1])  # parameters stored beside the salt


def test_wrong_passphrase_is_a_clear_error(sealed_share: bytes) -> None:
    with pytest.raises(SealError, match="wrong passphrase"):
        open_with_passphrase(sealed_share, "correct horse battery stapler", associated_data=WHO)


def test_other_associated_data_does_not_open(sealed_share: bytes) -> None:
    with pytest.raises(SealError):
        open_with_passphrase(
            sealed_share, "correct horse battery staple", associated_data=b"survey:1/trustee:3"
        )


@pytest.mark.parametrize(
    ("position", "mask"),
    [
        (0, 0x01),  # version
        (1, 0x01),  # log2 N
        (2, 0x01),  # r
        (3, 0x02),  # p
        (4, 0x01),  # salt
        (20, 0x80),  # nonce
        (32, 0x01),  # ciphertext
        (-1, 0x01),  # tag
        (1, 0x40),  # log2 N far too large: refused before deriving
    ],
)
def test_tampering_with_any_part_is_a_seal_error(
    sealed_share: bytes, position: int, mask: int
) -> None:
    altered = bytearray(sealed_share)
    altered[position] ^= mask
    with pytest.raises(SealError):
        open_with_passphrase(bytes(altered), "correct horse battery staple", associated_data=WHO)


def test_truncated_sealed_data_is_a_seal_error(sealed_share: bytes) -> None:
    for length in (0, 10, 47):
        with pytest.raises(SealError):
            open_with_passphrase(
                sealed_share[:length], "correct horse battery staple", associated_data=WHO
            )


def test_weak_scrypt_parameters_are_refused() -> None:
    with pytest.raises(ValueError):
        ScryptParams(log2_n=10)
    with pytest.raises(ValueError):
        ScryptParams(log2_n=22, r=32)


@settings(max_examples=15, deadline=None)
@given(st.text(max_size=300), st.binary(max_size=30))
def test_free_text_round_trips_with_the_secret_key(text: str, context: bytes) -> None:
    keys = generate_keypair()
    sealed = seal_text(keys.public_key, text, context)
    assert verify_sealed_text(keys.public_key, sealed, context)
    assert open_text_with_secret_key(keys.secret_key, sealed, context) == text
    assert (len(sealed) - TEXT_HEADER_SIZE - 16) % TEXT_PADDING_BLOCK == 0
    with pytest.raises(SealError):
        open_text_with_secret_key(keys.secret_key, sealed, context + b"x")


def test_free_text_opens_with_threshold_partials() -> None:
    key, shares = deal_shares(2, 3)
    sealed = seal_text(key.public_key, "Night shift has no break room.", b"survey:1/q:3")
    ephemeral = sealed_text_ephemeral(sealed)
    partials = [partial_decrypt(key, s, ephemeral, b"release:1") for s in (shares[0], shares[2])]
    assert open_text_with_partials(key, sealed, partials, b"survey:1/q:3", b"release:1") == (
        "Night shift has no break room."
    )
    with pytest.raises(NotEnoughPartialsError):
        open_text_with_partials(key, sealed, partials[:1], b"survey:1/q:3", b"release:1")
    bad = PartialDecryption(
        partials[1].trustee_index, partials[1].point + Point.generator(), partials[1].proof
    )
    with pytest.raises(InvalidPartialError) as named:
        open_text_with_partials(key, sealed, [partials[0], bad], b"survey:1/q:3", b"release:1")
    assert named.value.trustee_index == 3


def test_free_text_does_not_open_with_another_key_or_point() -> None:
    keys, other = generate_keypair(), generate_keypair()
    sealed = seal_text(keys.public_key, "private", b"ctx")
    with pytest.raises(SealError):
        open_text_with_secret_key(other.secret_key, sealed, b"ctx")
    with pytest.raises(SealError):
        open_text_with_shared_point(keys.public_key, sealed, Point.generator(), b"ctx")


def test_every_byte_of_sealed_text_is_authenticated() -> None:
    keys = generate_keypair()
    sealed = seal_text(keys.public_key, "short comment", b"ctx")
    for position in range(len(sealed)):
        altered = bytearray(sealed)
        altered[position] ^= 0x01
        with pytest.raises(SealError):
            open_text_with_secret_key(keys.secret_key, bytes(altered), b"ctx")
    for length in (0, 33, TEXT_HEADER_SIZE, len(sealed) - 1):
        with pytest.raises(SealError):
            open_text_with_secret_key(keys.secret_key, sealed[:length], b"ctx")


def test_sealed_text_length_hides_exact_comment_length() -> None:
    keys = generate_keypair()
    assert len(seal_text(keys.public_key, "a", b"")) == len(
        seal_text(keys.public_key, "a" * 50, b"")
    )
