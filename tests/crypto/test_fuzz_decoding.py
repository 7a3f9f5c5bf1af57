"""Fuzz target: ballot decoding (a rank answer included). Any bytes at all either decode to a ballot that
serializes back to exactly those bytes, or raise DecodeError; nothing else
(no other exception, no hang, no lenient second encoding). And the one-pass
check the ballot box runs (``verify_serialized``) gives, for any bytes, the
answer of decoding then verifying."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crypto import ballot as ballots
from crypto.elgamal import generate_keypair
from crypto.errors import DecodeError
from tests.crypto.mutations import mutate

SPECS = [ballots.QuestionSpec.scale(), ballots.QuestionSpec.yes_no(allows_cant_say=True),
         ballots.QuestionSpec.multiple_choice(4, 2), ballots.QuestionSpec.rank(4, 3, allows_cant_say=True)]
_KEY = generate_keypair().public_key
#: A ranking among them (crypto.rank): its cells and line proofs are fuzzed like every other part.
VALID = ballots.serialize(ballots.encrypt_ballot(_KEY, b"fuzz", SPECS, [3, True, [0, 2], [3, 0]]))


def decode_or_refuse(data: bytes) -> None:
    """The fuzz target proper (also usable with a coverage-guided fuzzer)."""
    try:
        decoded = ballots.deserialize(data)
    except DecodeError:
        assert ballots.verify_serialized(_KEY, b"fuzz", SPECS, data) is False
        return
    assert ballots.serialize(decoded) == data, "a ballot has exactly one encoding"
    verified = ballots.verify_ballot(_KEY, b"fuzz", SPECS, decoded)
    assert isinstance(verified, bool)
    assert ballots.verify_serialized(_KEY, b"fuzz", SPECS, data) is verified


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=4096))
def test_arbitrary_bytes(data):
    decode_or_refuse(data)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutations_of_a_valid_ballot(data):
    blob = mutate(data, VALID, 8)
    decode_or_refuse(blob)
    if blob != VALID:
        try:
            decoded = ballots.deserialize(blob)
        except DecodeError:
            return
        assert not ballots.verify_ballot(_KEY, b"fuzz", SPECS, decoded), "a changed ballot must not verify"


def test_the_valid_ballot_itself_verifies():
    assert ballots.verify_ballot(_KEY, b"fuzz", SPECS, ballots.deserialize(VALID))
    assert ballots.verify_serialized(_KEY, b"fuzz", SPECS, VALID)
