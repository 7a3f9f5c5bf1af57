"""Sealed comments as a decryption oracle, and the proof of the ephemeral key
that closes it.

The attack: a voter seals a "comment" whose ephemeral point R is another
voter's ballot ciphertext alpha. Trustees who decrypt R hand out
x·alpha = beta - m·G, which gives the vote m away; even without stored
partials, a body sealed under the guess S = beta - m·G opens exactly when the
guess is right. Every such comment must be refused before anyone decrypts it.

The reference functions below implement the sealed-text format from the
module docstring of crypto.sealing with hashlib and cryptography only (no
call into crypto.sealing or crypto.proofs), so the docstring, which a browser
implementation will follow, is checked against the code byte for byte.
"""

from __future__ import annotations

import hashlib

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crypto.elgamal import Ciphertext, KeyPair, PublicKey, encrypt, generate_keypair
from crypto.errors import SealError
from crypto.group import ORDER, Point, Scalar
from crypto.sealing import (
    TEXT_HEADER_SIZE,
    TEXT_SEAL_VERSION,
    open_text_with_partials,
    open_text_with_secret_key,
    open_text_with_shared_point,
    proven_sealed_text_ephemeral,
    seal_text,
    sealed_text_ephemeral,
    verify_sealed_text,
)
from crypto.threshold import deal_shares, partial_decrypt
from tests.crypto.mutations import mutate

CONTEXT = b"survey:7/question:4"
MARKER = "the victim voted yes"


# --- The format, from the docstring ------------------------------------------


def ref_frame(*parts: bytes) -> bytes:
    return b"".join(len(part).to_bytes(8, "big") + part for part in parts)


def ref_challenge(key: bytes, context: bytes, ephemeral: bytes, body: bytes, commitment: bytes) -> int:
    digest = hashlib.sha512(
        ref_frame(
            b"leverage/crypto/v1",
            b"proof/knowledge-of-sealed-text-ephemeral-key/v2",
            b"ristretto255",
            key,
            context,
            ephemeral,
            body,
            commitment,
        )
    ).digest()
    return int.from_bytes(digest, "little") % ORDER


def ref_key_and_nonce(key: bytes, ephemeral: bytes, shared: bytes, context: bytes) -> tuple[bytes, bytes]:
    okm = HKDF(
        algorithm=hashes.SHA256(),
        length=44,
        salt=None,
        info=ref_frame(b"leverage/sealing/text/v2", key, context),
    ).derive(ephemeral + shared)
    return okm[:32], okm[32:]


def ref_pad(text: str) -> bytes:
    data = text.encode("utf-8")
    framed = len(data).to_bytes(4, "big") + data
    return framed + bytes(-len(framed) % 64)


def ref_body(key: bytes, ephemeral: bytes, shared: bytes, text: str, context: bytes) -> bytes:
    """The AES-GCM part sealed under a given shared point S (an attacker's guess)."""
    aes_key, nonce = ref_key_and_nonce(key, ephemeral, shared, context)
    aad = ref_frame(bytes([2]) + ephemeral, context)
    return AESGCM(aes_key).encrypt(nonce, ref_pad(text), aad)


def ref_prove(key: bytes, r: int, ephemeral: bytes, body: bytes, context: bytes, witness: int) -> bytes:
    commitment = Point.base_times(Scalar(witness)).to_bytes()
    c = ref_challenge(key, context, ephemeral, body, commitment)
    z = (witness + c * r) % ORDER
    return c.to_bytes(32, "little") + z.to_bytes(32, "little")


def ref_seal(public_key: PublicKey, text: str, context: bytes, r: int, witness: int) -> bytes:
    key = public_key.to_bytes()
    ephemeral = Point.base_times(Scalar(r)).to_bytes()
    shared = (public_key.point * Scalar(r)).to_bytes()
    body = ref_body(key, ephemeral, shared, text, context)
    return bytes([2]) + ephemeral + ref_prove(key, r, ephemeral, body, context, witness) + body


def ref_verify(key: bytes, sealed: bytes, context: bytes) -> bool:
    if sealed[0] != 2 or (len(sealed) - 97 - 16) % 64 or len(sealed) < 97 + 16 + 64:
        return False
    ephemeral, c_bytes, z_bytes, body = sealed[1:33], sealed[33:65], sealed[65:97], sealed[97:]
    c, z = int.from_bytes(c_bytes, "little"), int.from_bytes(z_bytes, "little")
    if c >= ORDER or z >= ORDER or ephemeral == bytes(32):
        return False
    commitment = Point.base_times(Scalar(z)) - Point.from_bytes(ephemeral) * Scalar(c)
    return c == ref_challenge(key, context, ephemeral, body, commitment.to_bytes())


def ref_open(keys: KeyPair, sealed: bytes, context: bytes) -> str:
    ephemeral, body = sealed[1:33], sealed[97:]
    shared = (Point.from_bytes(ephemeral) * keys.secret_key.scalar).to_bytes()
    aes_key, nonce = ref_key_and_nonce(keys.public_key.to_bytes(), ephemeral, shared, context)
    padded = AESGCM(aes_key).decrypt(nonce, body, ref_frame(sealed[:33], context))
    length = int.from_bytes(padded[:4], "big")
    return padded[4 : 4 + length].decode("utf-8")


def assemble(ephemeral: bytes, proof: bytes, body: bytes, version: int = 2) -> bytes:
    return bytes([version]) + ephemeral + proof + body


# --- Fixtures ---------------------------------------------------------------


@pytest.fixture(scope="module")
def keys() -> KeyPair:
    return generate_keypair()


@pytest.fixture(scope="module")
def victim(keys: KeyPair) -> tuple[Ciphertext, Scalar]:
    """The victim's "yes" slot: holds 1, made with a nonce only the victim knows."""
    nonce = Scalar.random()
    return encrypt(keys.public_key, 1, nonce), nonce


@pytest.fixture(scope="module")
def honest(keys: KeyPair) -> bytes:
    return seal_text(keys.public_key, "The break room has no windows.", CONTEXT)


def oracle_body(keys: KeyPair, ciphertext: Ciphertext, guess: int) -> bytes:
    """A body that opens with S = x·alpha exactly when the victim's slot holds ``guess``."""
    shared = ciphertext.beta - Point.base_times(Scalar(guess))
    return ref_body(
        keys.public_key.to_bytes(), ciphertext.alpha.to_bytes(), shared.to_bytes(), MARKER, CONTEXT
    )


# --- The reference and the code agree ---------------------------------------


def test_sealed_text_from_the_documented_format_verifies_and_opens(keys: KeyPair) -> None:
    r, witness = Scalar.random().to_int(), Scalar.random().to_int()
    sealed = ref_seal(keys.public_key, "Nurses on nights get no break.", CONTEXT, r, witness)
    assert sealed[0] == TEXT_SEAL_VERSION == 2
    assert verify_sealed_text(keys.public_key, sealed, CONTEXT)
    assert open_text_with_secret_key(keys.secret_key, sealed, CONTEXT) == (
        "Nurses on nights get no break."
    )


def test_library_output_matches_the_documented_format(keys: KeyPair, honest: bytes) -> None:
    assert len(honest) == TEXT_HEADER_SIZE + 64 + 16 and TEXT_HEADER_SIZE == 97
    assert ref_verify(keys.public_key.to_bytes(), honest, CONTEXT)
    assert ref_open(keys, honest, CONTEXT) == "The break room has no windows."
    assert sealed_text_ephemeral(honest).to_bytes() == honest[1:33]
    assert proven_sealed_text_ephemeral(keys.public_key, honest, CONTEXT) == Point.from_bytes(
        honest[1:33]
    )


def test_honest_comments_verify_and_open_with_threshold_partials() -> None:
    key, shares = deal_shares(2, 3)
    sealed = seal_text(key.public_key, "Rotas change without notice.", CONTEXT)
    assert verify_sealed_text(key.public_key, sealed, CONTEXT)
    ephemeral = proven_sealed_text_ephemeral(key.public_key, sealed, CONTEXT)
    partials = [partial_decrypt(key, s, ephemeral, b"release:1") for s in shares[:2]]
    assert open_text_with_partials(key, sealed, partials, CONTEXT, b"release:1") == (
        "Rotas change without notice."
    )


# --- The oracle attack ------------------------------------------------------


def test_the_oracle_attack_is_real_without_the_proof(
    keys: KeyPair, victim: tuple[Ciphertext, Scalar]
) -> None:
    # The danger the proof guards against, shown with the reference code: a
    # body sealed to R = alpha under the right guess opens, the wrong one not.
    ciphertext, _ = victim
    right = assemble(ciphertext.alpha.to_bytes(), bytes(64), oracle_body(keys, ciphertext, 1))
    wrong = assemble(ciphertext.alpha.to_bytes(), bytes(64), oracle_body(keys, ciphertext, 0))
    assert ref_open(keys, right, CONTEXT) == MARKER
    with pytest.raises(InvalidTag):
        ref_open(keys, wrong, CONTEXT)


def _forged_proofs(
    keys: KeyPair, victim: tuple[Ciphertext, Scalar], honest: bytes, body: bytes
) -> dict[str, bytes]:
    """Every proof an attacker without the victim's nonce can come up with."""
    ciphertext, nonce = victim
    alpha = ciphertext.alpha.to_bytes()
    key = keys.public_key.to_bytes()
    random_scalars = Scalar.random().to_bytes() + Scalar.random().to_bytes()
    # A simulated transcript: pick c and z, derive the commitment that would
    # make them check, and hope the hash agrees.
    c, z = Scalar.random(), Scalar.random()
    commitment = Point.base_times(z) - ciphertext.alpha * c
    simulated = c.to_bytes() + z.to_bytes()
    assert ref_challenge(key, CONTEXT, alpha, body, commitment.to_bytes()) != c.to_int()
    # The attacker's own valid proof, for a point it did make.
    own = seal_text(keys.public_key, "anything", CONTEXT)
    # Valid proofs for alpha itself, made by someone who knew the nonce, but
    # for another context or another body: the transcript must not carry over.
    r, witness = nonce.to_int(), Scalar.random().to_int()
    other_context = ref_prove(key, r, alpha, body, b"survey:8/question:4", witness)
    other_body = ref_prove(key, r, alpha, oracle_body(keys, ciphertext, 0), CONTEXT, witness)
    other_key = ref_prove(generate_keypair().public_key.to_bytes(), r, alpha, body, CONTEXT, witness)
    return {
        "zeros": bytes(64),
        "random scalars": random_scalars,
        "simulated": simulated,
        "copied from an honest comment": honest[33:97],
        "the attacker's own proof": own[33:97],
        "a proof of alpha for another context": other_context,
        "a proof of alpha for another body": other_body,
        "a proof of alpha for another key": other_key,
    }


def test_a_comment_whose_point_is_a_ballot_alpha_is_refused_whatever_its_proof(
    keys: KeyPair, victim: tuple[Ciphertext, Scalar], honest: bytes
) -> None:
    ciphertext, _ = victim
    body = oracle_body(keys, ciphertext, 1)
    forgeries = _forged_proofs(keys, victim, honest, body)
    for name, proof in forgeries.items():
        forged = assemble(ciphertext.alpha.to_bytes(), proof, body)
        assert not verify_sealed_text(keys.public_key, forged, CONTEXT), name
        with pytest.raises(SealError):
            proven_sealed_text_ephemeral(keys.public_key, forged, CONTEXT)
        # Opening checks the proof first, so the right guess does not open.
        with pytest.raises(SealError, match="proof"):
            open_text_with_secret_key(keys.secret_key, forged, CONTEXT)
        with pytest.raises(SealError, match="proof"):
            open_text_with_shared_point(
                keys.public_key, forged, ciphertext.alpha * keys.secret_key.scalar, CONTEXT
            )


def test_points_derived_from_a_ballot_alpha_are_refused_too(
    keys: KeyPair, victim: tuple[Ciphertext, Scalar]
) -> None:
    # alpha + t·G and 2·alpha: the attacker knows t, not log(alpha), and
    # S = x·(alpha + t·G) = beta - m·G + t·PK would still give m away.
    ciphertext, _ = victim
    t = Scalar.random()
    for point in (ciphertext.alpha + Point.base_times(t), ciphertext.alpha * Scalar(2)):
        body = ref_body(keys.public_key.to_bytes(), point.to_bytes(), bytes(32), MARKER, CONTEXT)
        for proof in (
            ref_prove(keys.public_key.to_bytes(), t.to_int(), point.to_bytes(), body, CONTEXT, 5),
            Scalar.random().to_bytes() + Scalar.random().to_bytes(),
        ):
            forged = assemble(point.to_bytes(), proof, body)
            assert not verify_sealed_text(keys.public_key, forged, CONTEXT)


def test_trustees_partials_are_never_combined_for_an_unproven_point() -> None:
    key, shares = deal_shares(2, 3)
    nonce = Scalar.random()
    ciphertext = encrypt(key.public_key, 1, nonce)
    shared = ciphertext.beta - Point.generator()
    body = ref_body(
        key.public_key.to_bytes(), ciphertext.alpha.to_bytes(), shared.to_bytes(), MARKER, CONTEXT
    )
    forged = assemble(ciphertext.alpha.to_bytes(), bytes(64), body)
    # Even if partials of alpha exist (made for a tally, say), they are not used.
    partials = [partial_decrypt(key, s, ciphertext.alpha, b"release:1") for s in shares[:2]]
    with pytest.raises(SealError, match="proof"):
        open_text_with_partials(key, forged, partials, CONTEXT, b"release:1")
    with pytest.raises(SealError):
        proven_sealed_text_ephemeral(key.public_key, forged, CONTEXT)


# --- Tampering --------------------------------------------------------------


def _add_one(scalar_bytes: bytes) -> bytes:
    return ((int.from_bytes(scalar_bytes, "little") + 1) % ORDER).to_bytes(32, "little")


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda s: bytes([1]) + s[1:], id="version 1"),
        pytest.param(lambda s: bytes([3]) + s[1:], id="version 3"),
        pytest.param(lambda s: bytes([0]) + s[1:], id="version 0"),
        pytest.param(
            lambda s: s[:1] + (Point.from_bytes(s[1:33]) + Point.generator()).to_bytes() + s[33:],
            id="R moved by G",
        ),
        pytest.param(lambda s: s[:1] + Point.generator().to_bytes() + s[33:], id="R is G"),
        pytest.param(lambda s: s[:1] + bytes(32) + s[33:], id="R is the identity"),
        pytest.param(lambda s: s[:1] + b"\xff" * 32 + s[33:], id="R not a point"),
        pytest.param(lambda s: s[:33] + _add_one(s[33:65]) + s[65:], id="challenge + 1"),
        pytest.param(lambda s: s[:65] + _add_one(s[65:97]) + s[97:], id="response + 1"),
        pytest.param(
            lambda s: s[:33] + ORDER.to_bytes(32, "little") + s[65:], id="challenge not canonical"
        ),
        pytest.param(
            lambda s: s[:65] + (int.from_bytes(s[65:97], "little") + ORDER).to_bytes(32, "little")
            + s[97:],
            id="response + L (same value, second encoding)",
        ),
        pytest.param(lambda s: s[:33] + s[65:97] + s[33:65] + s[97:], id="proof halves swapped"),
        pytest.param(lambda s: s[:100] + bytes([s[100] ^ 1]) + s[101:], id="body ciphertext"),
        pytest.param(lambda s: s[:-1] + bytes([s[-1] ^ 0x80]), id="body tag"),
        pytest.param(lambda s: s[:-16], id="tag cut off"),
        pytest.param(lambda s: s + bytes(64), id="body extended"),
        pytest.param(lambda s: s[:97], id="no body"),
    ],
)
def test_tampering_with_any_part_fails_to_verify_and_to_open(
    keys: KeyPair, honest: bytes, tamper  # type: ignore[no-untyped-def]
) -> None:
    altered = tamper(honest)
    assert altered != honest
    assert not verify_sealed_text(keys.public_key, altered, CONTEXT)
    with pytest.raises(SealError):
        open_text_with_secret_key(keys.secret_key, altered, CONTEXT)


def test_a_body_swapped_between_two_honest_comments_is_refused(keys: KeyPair, honest: bytes) -> None:
    other = seal_text(keys.public_key, "Overtime is unpaid.", CONTEXT)
    assert len(other) == len(honest)
    for spliced in (honest[:97] + other[97:], other[:97] + honest[97:]):
        assert not verify_sealed_text(keys.public_key, spliced, CONTEXT)
    # R and body of one, proof of the other.
    assert not verify_sealed_text(keys.public_key, honest[:33] + other[33:97] + honest[97:], CONTEXT)


def test_a_proof_holds_only_for_its_own_key_and_context(keys: KeyPair, honest: bytes) -> None:
    assert verify_sealed_text(keys.public_key, honest, CONTEXT)
    assert not verify_sealed_text(keys.public_key, honest, CONTEXT + b"/")
    assert not verify_sealed_text(keys.public_key, honest, b"survey:7/question:5")
    assert not verify_sealed_text(generate_keypair().public_key, honest, CONTEXT)


def test_version_1_sealed_texts_are_refused_everywhere(keys: KeyPair) -> None:
    # The old layout: version 1, R, body; no proof to check, so no R to trust.
    r = Scalar.random()
    ephemeral = Point.base_times(r).to_bytes()
    shared = (keys.public_key.point * r).to_bytes()
    okm = HKDF(
        algorithm=hashes.SHA256(),
        length=44,
        salt=None,
        info=ref_frame(b"leverage/sealing/text/v1", keys.public_key.to_bytes(), CONTEXT),
    ).derive(ephemeral + shared)
    header = bytes([1]) + ephemeral
    old = header + AESGCM(okm[:32]).encrypt(okm[32:], ref_pad("old"), ref_frame(header, CONTEXT))
    assert not verify_sealed_text(keys.public_key, old, CONTEXT)
    with pytest.raises(SealError, match="version 1"):
        sealed_text_ephemeral(old)
    with pytest.raises(SealError, match="version 1"):
        open_text_with_secret_key(keys.secret_key, old, CONTEXT)


# --- Fuzzing: verify_sealed_text never raises -------------------------------

_FUZZ_KEYS = generate_keypair()
_FUZZ_HONEST = seal_text(_FUZZ_KEYS.public_key, "fuzz me", CONTEXT)


def _checked(public_key: object, sealed: object, context: object) -> bool:
    result = verify_sealed_text(public_key, sealed, context)  # type: ignore[arg-type]
    assert type(result) is bool
    return result


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_never_raise_and_never_verify(data: bytes) -> None:
    assert not _checked(_FUZZ_KEYS.public_key, data, CONTEXT)


@settings(max_examples=200, deadline=None)
@given(
    version=st.integers(0, 255),
    ephemeral=st.one_of(
        st.binary(min_size=32, max_size=32),
        st.builds(lambda: Point.base_times(Scalar.random()).to_bytes()),
        st.just(bytes(32)),
    ),
    proof=st.binary(min_size=64, max_size=64),
    blocks=st.integers(0, 3),
    tail=st.integers(-17, 17),
)
def test_well_shaped_random_sealed_texts_never_raise_and_never_verify(
    version: int, ephemeral: bytes, proof: bytes, blocks: int, tail: int
) -> None:
    body = bytes(max(0, 64 * blocks + 16 + tail))
    assert not _checked(_FUZZ_KEYS.public_key, bytes([version]) + ephemeral + proof + body, CONTEXT)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutations_of_an_honest_sealed_text_never_raise_and_never_verify(data: st.DataObject) -> None:
    mutated = mutate(data, _FUZZ_HONEST, 6)
    assert _checked(_FUZZ_KEYS.public_key, mutated, CONTEXT) == (mutated == _FUZZ_HONEST)


@settings(max_examples=100, deadline=None)
@given(
    public_key=st.one_of(
        st.none(), st.integers(), st.binary(max_size=40), st.just(_FUZZ_KEYS.public_key)
    ),
    sealed=st.one_of(
        st.none(),
        st.integers(),
        st.text(max_size=20),
        st.just(bytearray(_FUZZ_HONEST)),
        st.just(memoryview(_FUZZ_HONEST)),
        st.lists(st.integers(0, 255), max_size=5),
        st.just(_FUZZ_HONEST),
    ),
    context=st.one_of(st.none(), st.text(max_size=20), st.just(bytearray(CONTEXT)), st.just(CONTEXT)),
)
def test_wrong_types_never_raise(public_key: object, sealed: object, context: object) -> None:
    expected = (
        public_key is _FUZZ_KEYS.public_key and sealed is _FUZZ_HONEST and context is CONTEXT
    )
    assert _checked(public_key, sealed, context) == expected
