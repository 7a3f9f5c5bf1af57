"""Sealing secrets and free text.

* Passphrase sealing (trustee key shares, the server key): scrypt derives an
  AES-256-GCM key from the passphrase; the scrypt parameters and salt travel
  in the sealed blob's header, which GCM authenticates, so parameters can be
  raised later without breaking old blobs.

      version:1  log2_n:1  r:1  p:1  salt:16  nonce:12  ciphertext+tag

* Free text to an ElGamal public key (ElGamal KEM + HKDF-SHA256 + AES-GCM):
  R = r·G, shared point S = r·h, key and nonce from HKDF over R, S and h.
  Opening needs only S = x·R, which the holder of x computes directly or
  trustees produce as partial decryptions of R (crypto.threshold), so comments
  use the same quorum as tallies. The plaintext is padded to a multiple of
  64 bytes so a blob's size does not give away the exact length of a comment.

      version:1  R:32  ciphertext+tag

Opening anything that does not authenticate raises SealError with a message;
cryptography's InvalidTag never escapes.
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
from crypto.group import POINT_SIZE, Point, Scalar, frame
from crypto.threshold import PartialDecryption, ThresholdKey, combine_partials

PASSPHRASE_SEAL_VERSION: Final = 1
TEXT_SEAL_VERSION: Final = 1
SALT_SIZE: Final = 16
NONCE_SIZE: Final = 12
TAG_SIZE: Final = 16
TEXT_PADDING_BLOCK: Final = 64
_PASSPHRASE_HEADER_SIZE: Final = 4 + SALT_SIZE + NONCE_SIZE
_TEXT_HEADER_SIZE: Final = 1 + POINT_SIZE
_PASSPHRASE_AAD_DOMAIN: Final = b"leverage/sealing/passphrase/v1"
_TEXT_KDF_DOMAIN: Final = b"leverage/sealing/text/v1"
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


def seal_text(public_key: PublicKey, text: str, context: bytes) -> bytes:
    """Encrypt free text to ``public_key``. ``context`` (e.g. survey and
    question ids) is authenticated and must be given again to open."""
    if not isinstance(text, str):
        raise TypeError("text must be str")
    nonce_scalar = Scalar.random()
    ephemeral = Point.base_times(nonce_scalar).to_bytes()
    shared = (public_key.point * nonce_scalar).to_bytes()
    key, nonce = _text_key_and_nonce(public_key, ephemeral, shared, context)
    header = bytes([TEXT_SEAL_VERSION]) + ephemeral
    return header + AESGCM(key).encrypt(nonce, _pad(text), frame(header, context))


def sealed_text_ephemeral(sealed: bytes) -> Point:
    """The point R that trustees partially decrypt to open a sealed text."""
    if not isinstance(sealed, bytes) or len(sealed) < _TEXT_HEADER_SIZE + TAG_SIZE:
        raise SealError("sealed text is truncated or malformed")
    if sealed[0] != TEXT_SEAL_VERSION:
        raise SealError(f"unknown sealed text version {sealed[0]}")
    try:
        return Point.from_bytes(sealed[1:_TEXT_HEADER_SIZE])
    except DecodeError:
        raise SealError("sealed text carries an invalid ephemeral point") from None


def open_text_with_shared_point(
    public_key: PublicKey, sealed: bytes, shared: Point, context: bytes
) -> str:
    """Open with S = x·R, however it was obtained."""
    ephemeral = sealed_text_ephemeral(sealed)
    key, nonce = _text_key_and_nonce(public_key, ephemeral.to_bytes(), shared.to_bytes(), context)
    header = sealed[:_TEXT_HEADER_SIZE]
    try:
        padded = AESGCM(key).decrypt(nonce, sealed[_TEXT_HEADER_SIZE:], frame(header, context))
    except InvalidTag:
        raise SealError("wrong key or context, or the sealed text was altered") from None
    return _unpad(padded)


def open_text_with_secret_key(secret_key: SecretKey, sealed: bytes, context: bytes) -> str:
    ephemeral = sealed_text_ephemeral(sealed)
    return open_text_with_shared_point(
        secret_key.public_key(), sealed, ephemeral * secret_key.scalar, context
    )


def open_text_with_partials(
    key: ThresholdKey,
    sealed: bytes,
    partials: Sequence[PartialDecryption],
    context: bytes,
    partials_context: bytes,
) -> str:
    """Open with trustees' partial decryptions of ``sealed_text_ephemeral``.

    ``partials_context`` is the context the trustees used for their partials;
    a bad partial raises InvalidPartialError naming the trustee.
    """
    ephemeral = sealed_text_ephemeral(sealed)
    shared, _ = combine_partials(key, ephemeral, partials, partials_context)
    return open_text_with_shared_point(key.public_key, sealed, shared, context)
