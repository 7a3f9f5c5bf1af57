"""Fuzz target: ballot decoding. Any bytes at all either decode to a ballot that
serializes back to exactly those bytes, or raise DecodeError; nothing else
(no other exception, no hang, no lenient second encoding)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crypto import ballot as ballots
from crypto.elgamal import generate_keypair
from crypto.errors import DecodeError

SPECS = [ballots.QuestionSpec.scale(), ballots.QuestionSpec.yes_no(allows_cant_say=True),
         ballots.QuestionSpec.multiple_choice(4, 2)]
_KEY = generate_keypair().public_key
VALID = ballots.serialize(ballots.encrypt_ballot(_KEY, b"fuzz", SPECS, [3, True, [0, 2]]))


def decode_or_refuse(data: bytes) -> None:
    """The fuzz target proper (also usable with a coverage-guided fuzzer)."""
    try:
        decoded = ballots.deserialize(data)
    except DecodeError:
        return
    assert ballots.serialize(decoded) == data, "a ballot has exactly one encoding"
    assert isinstance(ballots.verify_ballot(_KEY, b"fuzz", SPECS, decoded), bool)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=4096))
def test_arbitrary_bytes(data):
    decode_or_refuse(data)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutations_of_a_valid_ballot(data):
    blob = bytearray(VALID)
    for _ in range(data.draw(st.integers(1, 8))):
        action = data.draw(st.sampled_from(["flip", "insert", "delete", "truncate", "splice"]))
        position = data.draw(st.integers(0, max(len(blob) - 1, 0)))
        if action == "flip" and blob:
            blob[position] ^= data.draw(st.integers(1, 255))
        elif action == "insert":
            blob[position:position] = data.draw(st.binary(min_size=1, max_size=64))
        elif action == "delete" and blob:
            del blob[position:position + data.draw(st.integers(1, 64))]
        elif action == "truncate":
            del blob[position:]
        elif action == "splice":
            blob[position:position + 32] = data.draw(st.binary(min_size=32, max_size=32))
    decode_or_refuse(bytes(blob))
    if bytes(blob) != VALID:
        try:
            decoded = ballots.deserialize(bytes(blob))
        except DecodeError:
            return
        assert not ballots.verify_ballot(_KEY, b"fuzz", SPECS, decoded), "a changed ballot must not verify"


def test_the_valid_ballot_itself_verifies():
    assert ballots.verify_ballot(_KEY, b"fuzz", SPECS, ballots.deserialize(VALID))
