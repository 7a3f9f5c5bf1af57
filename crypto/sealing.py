"""Sealing secrets and free text.

* Passphrase sealing (trustee key shares, the server key): scrypt derives an
  AES-256-GCM key from the passphrase; the scrypt parameters and salt travel
  in the sealed blob's header, which GCM authenticates, so parameters can be
  raised later without breaking old blobs.

      version:1  log2_n:1  r:1  p:1  salt:16  nonce:12  ciphertext+tag

* Free text to an ElGamal public key (ElGamal KEM + HKDF-SHA256 + AES-GCM),
  with a proof that the sender knows the KEM's ephemeral key. Described
  below byte for byte, so that another implementation (the browser) can
  produce sealed texts this module accepts.

Opening anything that does not authenticate raises SealError with a message;
cryptography's InvalidTag never escapes.

Why a sealed text carries a proof
---------------------------------
A comment is opened with S = x·R, which trustees produce as proven partial
decryptions of the comment's R. Without more, R is a point the voter chose,
and honest trustees become a decryption oracle: a voter who puts another
voter's ballot ciphertext alpha = r'·G in place of R gets x·alpha = beta - m·G
computed and stored, and reads the other vote m off it. Even where nobody
stores x·R (the server key opens comments itself), the attacker can seal the
body under each guess S = beta - m·G and see which guess comes out in the
released comments. So every sealed text proves knowledge of r with R = r·G
(Schnorr, strong Fiat–Shamir). Someone who can prove that already knows
r·PK = S, so decrypting their R tells them nothing they did not know; a point
whose discrete log they do not know (a victim's alpha, alpha plus a known
offset, a multiple of it) cannot be proven, and is refused before anyone
decrypts it. The proof hashes
the AES-GCM part too, so a valid (R, proof) cannot be kept while the body is
swapped, and the public key and context, so it cannot be moved to another
survey or question. ``verify_sealed_text`` is the check; opening runs it
too; only ``proven_sealed_text_ephemeral`` hands out an R to decrypt.

Sealed text, version 2 (version 1, without a proof, is refused everywhere)::

    offset  size  field
    0       1     version = 0x02
    1       32    R = r·G, canonical ristretto255 encoding, not the identity
    33      32    c, challenge: canonical scalar, 32 bytes little-endian, < L
    65      32    z, response: canonical scalar, likewise
    97      n+16  AES-GCM ciphertext of the padded text (n = 64·k, k >= 1),
                  followed by its 16-byte tag: the "body"

``frame(p1, p2, ...)`` below is, for each part in order, its length as 8 bytes
big-endian followed by the part. L = 2^252 + 27742317777372353535851937790883648493.

Padding: P = len(utf8) as 4 bytes big-endian || utf8 || zero bytes up to the
next multiple of 64 (so the size of a sealed text does not give away the exact
length of a comment). Encryption: S = r·PK;
HKDF-SHA256 with no salt (RFC 5869: 32 zero bytes), IKM = R || S (64 bytes),
info = frame(b"leverage/sealing/text/v2", PK, context), 44 bytes of output:
the AES-256 key is the first 32, the 12-byte GCM nonce the last 12. The nonce
is derived, not stored: R is fresh for every seal, so no (key, nonce) pair
repeats, and it is a function of R, S, PK and context, which the proof fixes.
AES-GCM associated data = frame(version || R, context).

Proof (made after encrypting, since it covers the body): a random witness k,
commitment A = k·G, then

    c = SHA-512(frame(b"leverage/crypto/v1",
                      b"proof/knowledge-of-sealed-text-ephemeral-key/v2",
                      b"ristretto255", PK, context, R, body, A))

read as a 64-byte little-endian integer and reduced mod L; z = k + c·r mod L.
The verifier recomputes A = z·G - c·R and checks that c matches the hash.
PK, R and A are 32-byte encodings; context is the caller's bytes as given.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from crypto.elgamal import PublicKey, SecretKey
from crypto.errors import DecodeError, SealError
from crypto.group import POINT_SIZE, Point, Scalar, frame, is_canonical_point_encoding
from crypto.proofs import (
    KNOWLEDGE_PROOF_SIZE,
    KnowledgeProof,
    ScalarSource,
    prove_ephemeral_key,
    verify_ephemeral_key,
)
from crypto.threshold import PartialDecryption, ThresholdKey, combine_partials

PASSPHRASE_SEAL_VERSION: Final = 1
#: Version 1 (R and body, no proof) is refused: see the module docstring.
TEXT_SEAL_VERSION: Final = 2
SALT_SIZE: Final = 16
NONCE_SIZE: Final = 12
TAG_SIZE: Final = 16
TEXT_PADDING_BLOCK: Final = 64
_PASSPHRASE_HEADER_SIZE: Final = 4 + SALT_SIZE + NONCE_SIZE
#: Version byte, R and the proof: everything before the AES-GCM body.
TEXT_HEADER_SIZE: Final = 1 + POINT_SIZE + KNOWLEDGE_PROOF_SIZE
_TEXT_AAD_HEADER_SIZE: Final = 1 + POINT_SIZE
_PASSPHRASE_AAD_DOMAIN: Final = b"leverage/sealing/passphrase/v1"
_TEXT_KDF_DOMAIN: Final = b"leverage/sealing/text/v2"
#: Refuse headers that would make opening cost more than this much memory:
#: a tampered header must not be able to exhaust the server.
_MAX_SCRYPT_MEMORY: Final = 1 << 30


@dataclass(frozen=True, slots=True)
class ScryptParams:
    """scrypt cost: N = 2**log2_n, block size r, parallelism p."""

    log2_n: int = 17
    r: int = 8
    p: int = 1

    def __post_init__(self) -> None:
        if not (14 <= self.log2_n <= 22 and 1 <= self.r <= 32 and 1 <= self.p <= 4):
            raise ValueError("scrypt parameters out of the accepted range")
        if 128 * self.r * (1 << self.log2_n) * self.p > _MAX_SCRYPT_MEMORY:
            raise ValueError("scrypt parameters need too much memory")


#: 128 MiB, about 0.3 s on the reference machine; tests may pass cheaper ones.
DEFAULT_SCRYPT: Final = ScryptParams()


def _passphrase_bytes(passphrase: str | bytes) -> bytes:
    if isinstance(passphrase, str):
        passphrase = passphrase.encode("utf-8")
    if not isinstance(passphrase, bytes) or not passphrase:
        raise ValueError("the passphrase must be a non-empty str or bytes")
    return passphrase


def _derive_key(passphrase: bytes, salt: bytes, params: ScryptParams) -> bytes:
    kdf = Scrypt(salt=salt, length=32, n=1 << params.log2_n, r=params.r, p=params.p)
    return kdf.derive(passphrase)


def seal_with_passphrase(
    secret: bytes,
    passphrase: str | bytes,
    *,
    associated_data: bytes = b"",
    params: ScryptParams = DEFAULT_SCRYPT,
) -> bytes:
    """Encrypt ``secret`` under a key derived from ``passphrase``.

    ``associated_data`` (e.g. survey id and trustee index) is authenticated
    but not stored; opening must pass the same, so a sealed share cannot be
    passed off as another trustee's or another survey's.
    """
    if not isinstance(secret, bytes):
        raise TypeError("secret must be bytes")
    salt = os.urandom(SALT_SIZE)
    nonce = os.urandom(NONCE_SIZE)
    header = bytes([PASSPHRASE_SEAL_VERSION, params.log2_n, params.r, params.p]) + salt + nonce
    key = _derive_key(_passphrase_bytes(passphrase), salt, params)
    aad = frame(_PASSPHRASE_AAD_DOMAIN, header, associated_data)
    return header + AESGCM(key).encrypt(nonce, secret, aad)


def open_with_passphrase(
    sealed: bytes, passphrase: str | bytes, *, associated_data: bytes = b""
) -> bytes:
    """Recover the secret; SealError for a wrong passphrase or any tampering."""
    if not isinstance(sealed, bytes) or len(sealed) < _PASSPHRASE_HEADER_SIZE + TAG_SIZE:
        raise SealError("sealed data is truncated or malformed")
    if sealed[0] != PASSPHRASE_SEAL_VERSION:
        raise SealError(f"unknown sealed data version {sealed[0]}")
    try:
        params = ScryptParams(sealed[1], sealed[2], sealed[3])
    except ValueError as exc:
        raise SealError("sealed data has unacceptable key-derivation parameters") from exc
    header = sealed[:_PASSPHRASE_HEADER_SIZE]
    salt = header[4 : 4 + SALT_SIZE]
    nonce = header[4 + SALT_SIZE :]
    key = _derive_key(_passphrase_bytes(passphrase), salt, params)
    aad = frame(_PASSPHRASE_AAD_DOMAIN, header, associated_data)
    try:
        return AESGCM(key).decrypt(nonce, sealed[_PASSPHRASE_HEADER_SIZE:], aad)
    except InvalidTag:
        raise SealError("wrong passphrase, or the sealed data was altered") from None


def _text_key_and_nonce(
    public_key: PublicKey, ephemeral: bytes, shared: bytes, context: bytes
) -> tuple[bytes, bytes]:
    okm = HKDF(
        algorithm=hashes.SHA256(),
        length=32 + NONCE_SIZE,
        salt=None,
        info=frame(_TEXT_KDF_DOMAIN, public_key.to_bytes(), context),
    ).derive(ephemeral + shared)
    return okm[:32], okm[32:]


def _pad(text: str) -> bytes:
    data = text.encode("utf-8")
    framed = len(data).to_bytes(4, "big") + data
    return framed + bytes(-len(framed) % TEXT_PADDING_BLOCK)


def _unpad(padded: bytes) -> str:
    length = int.from_bytes(padded[:4], "big")
    if 4 + length > len(padded) or any(padded[4 + length :]):
        raise SealError("sealed text has malformed padding")
    try:
        return padded[4 : 4 + length].decode("utf-8")
    except UnicodeDecodeError:
        raise SealError("sealed text is not valid UTF-8") from None


def seal_text(
    public_key: PublicKey,
    text: str,
    context: bytes,
    *,
    random_scalar: ScalarSource | None = None,
) -> bytes:
    """Encrypt free text to ``public_key`` with a proof of its ephemeral key.
    ``context`` (e.g. survey and question ids) is authenticated and bound into
    the proof; it must be given again to verify and to open.

    ``random_scalar`` is for test vectors only (see ``crypto.proofs``): r is
    drawn first, then the proof's witness."""
    if not isinstance(text, str):
        raise TypeError("text must be str")
    if not isinstance(public_key, PublicKey) or not isinstance(context, bytes):
        raise TypeError("seal_text takes a PublicKey, a str and a bytes context")
    nonce_scalar = Scalar.random() if random_scalar is None else random_scalar()
    ephemeral = Point.base_times(nonce_scalar)
    shared = (public_key.point * nonce_scalar).to_bytes()
    key, nonce = _text_key_and_nonce(public_key, ephemeral.to_bytes(), shared, context)
    aad_header = bytes([TEXT_SEAL_VERSION]) + ephemeral.to_bytes()
    body = AESGCM(key).encrypt(nonce, _pad(text), frame(aad_header, context))
    proof = prove_ephemeral_key(
        public_key, nonce_scalar, ephemeral, context, body, random_scalar=random_scalar
    )
    return aad_header + proof.to_bytes() + body


@dataclass(frozen=True, slots=True)
class _SealedText:
    ephemeral: Point
    proof: KnowledgeProof
    body: bytes


def _parse_sealed_text(sealed: bytes) -> _SealedText:
    """Structure and canonical encodings only; the proof is not checked here."""
    if type(sealed) is not bytes or len(sealed) < 1:
        raise SealError("sealed text is truncated or malformed")
    if sealed[0] != TEXT_SEAL_VERSION:
        if sealed[0] == 1:
            raise SealError(
                "sealed text version 1 carries no proof of its ephemeral key and is refused"
            )
        raise SealError(f"unknown sealed text version {sealed[0]}")
    body_size = len(sealed) - TEXT_HEADER_SIZE - TAG_SIZE
    if body_size < TEXT_PADDING_BLOCK or body_size % TEXT_PADDING_BLOCK:
        raise SealError("sealed text is truncated or malformed")
    ephemeral = sealed[1 : 1 + POINT_SIZE]
    if not is_canonical_point_encoding(ephemeral):
        raise SealError("sealed text carries an invalid ephemeral point")
    if ephemeral == bytes(POINT_SIZE):
        raise SealError("sealed text carries the identity as its ephemeral point")
    try:
        proof = KnowledgeProof.from_bytes(sealed[1 + POINT_SIZE : TEXT_HEADER_SIZE])
    except DecodeError:
        raise SealError("sealed text carries a malformed proof") from None
    return _SealedText(Point(ephemeral), proof, sealed[TEXT_HEADER_SIZE:])


def _parse_proven_sealed_text(
    public_key: PublicKey, sealed: bytes, context: bytes
) -> _SealedText:
    parsed = _parse_sealed_text(sealed)
    if not verify_ephemeral_key(public_key, parsed.ephemeral, parsed.proof, context, parsed.body):
        raise SealError(
            "the sealed text's proof of its ephemeral key does not verify "
            "for this key and context"
        )
    return parsed


def verify_sealed_text(public_key: PublicKey, sealed: bytes, context: bytes) -> bool:
    """True only if ``sealed`` is a well-formed current-version sealed text
    whose sender proved knowledge of its ephemeral key, for this public key,
    context and body. Never raises: False for anything malformed or hostile.

    Run it before storing a comment cast from outside, and before any R is
    handed to trustees or the server key (``proven_sealed_text_ephemeral``)."""
    try:
        if not isinstance(public_key, PublicKey) or not isinstance(context, bytes):
            return False
        _parse_proven_sealed_text(public_key, sealed, context)
    except (SealError, TypeError, ValueError):
        return False
    return True


def sealed_text_ephemeral(sealed: bytes) -> Point:
    """The point R of a sealed text, checked for structure only.

    It does not check the proof, which needs the key and context: never hand
    its result to trustees; use ``proven_sealed_text_ephemeral`` for that."""
    return _parse_sealed_text(sealed).ephemeral


def proven_sealed_text_ephemeral(public_key: PublicKey, sealed: bytes, context: bytes) -> Point:
    """The point R that trustees partially decrypt to open a sealed text,
    returned only if its proof verifies (SealError otherwise)."""
    return _parse_proven_sealed_text(public_key, sealed, context).ephemeral


def _open_parsed(
    public_key: PublicKey, parsed: _SealedText, sealed: bytes, shared: Point, context: bytes
) -> str:
    key, nonce = _text_key_and_nonce(
        public_key, parsed.ephemeral.to_bytes(), shared.to_bytes(), context
    )
    aad_header = sealed[:_TEXT_AAD_HEADER_SIZE]
    try:
        padded = AESGCM(key).decrypt(nonce, parsed.body, frame(aad_header, context))
    except InvalidTag:
        raise SealError("wrong key or context, or the sealed text was altered") from None
    return _unpad(padded)


def open_text_with_shared_point(
    public_key: PublicKey, sealed: bytes, shared: Point, context: bytes
) -> str:
    """Open with S = x·R, however it was obtained. The proof is checked first,
    so a text whose R the sender could not prove never opens, even by guess."""
    parsed = _parse_proven_sealed_text(public_key, sealed, context)
    return _open_parsed(public_key, parsed, sealed, shared, context)


def open_text_with_secret_key(secret_key: SecretKey, sealed: bytes, context: bytes) -> str:
    """Open with the secret key itself (server key, a trustee's personal key);
    refused, like every opening, unless the proof verifies."""
    public_key = secret_key.public_key()
    parsed = _parse_proven_sealed_text(public_key, sealed, context)
    return _open_parsed(
        public_key, parsed, sealed, parsed.ephemeral * secret_key.scalar, context
    )


def open_text_with_partials(
    key: ThresholdKey,
    sealed: bytes,
    partials: Sequence[PartialDecryption],
    context: bytes,
    partials_context: bytes,
) -> str:
    """Open with trustees' partial decryptions of ``proven_sealed_text_ephemeral``.

    ``partials_context`` is the context the trustees used for their partials;
    a bad partial raises InvalidPartialError naming the trustee. A sealed text
    whose proof fails raises SealError before any partial is combined.
    """
    parsed = _parse_proven_sealed_text(key.public_key, sealed, context)
    shared, _ = combine_partials(key, parsed.ephemeral, partials, partials_context)
    return _open_parsed(key.public_key, parsed, sealed, shared, context)
