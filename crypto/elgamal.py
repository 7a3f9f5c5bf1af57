"""Exponential ElGamal on ristretto255: keys, encrypting small counts, summing.

A ciphertext of m under public key h = x·G is (alpha, beta) = (r·G, m·G + r·h).
Adding ciphertexts adds the plaintexts, so a tally is a sum of ciphertexts and
only the sum is ever decrypted: x·alpha is removed from beta and the small m
is read off m·G with a discrete log (see ``crypto.dlog``).

Summing is the tally's hot loop, so it also works on raw 64-byte encodings and
can split the work across cores. libsodium runs outside the GIL (rbcl calls it
through ctypes), so a thread pool already uses every core without copying the
data to other processes; a process pool can be passed in instead.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Final

from crypto.dlog import DEFAULT_MAX_VALUE, discrete_log
from crypto.errors import DecodeError
from crypto.group import (
    IDENTITY_ENCODING,
    POINT_SIZE,
    Point,
    Scalar,
    add_encodings,
    base_mul_encoding,
    is_canonical_point_encoding,
    mul_encoding,
    small_multiple_encoding,
)

CIPHERTEXT_SIZE: Final = 2 * POINT_SIZE
#: Below this many ciphertexts, handing work to other workers costs more than
#: it saves, so sum_ciphertexts_parallel stays on the calling thread.
PARALLEL_MIN_CIPHERTEXTS: Final = 4096


@dataclass(frozen=True, slots=True)
class PublicKey:
    """h = x·G; never the identity (that would mean x = 0: no secrecy)."""

    point: Point

    def __post_init__(self) -> None:
        if not isinstance(self.point, Point) or self.point.is_identity():
            raise DecodeError("a public key must be a non-identity point")

    def to_bytes(self) -> bytes:
        return self.point.to_bytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> PublicKey:
        return cls(Point.from_bytes(data))


@dataclass(frozen=True, slots=True, repr=False)
class SecretKey:
    """x, a non-zero scalar. Compared in constant time; never shown in repr."""

    scalar: Scalar

    def __post_init__(self) -> None:
        if not isinstance(self.scalar, Scalar) or self.scalar.is_zero():
            raise DecodeError("a secret key must be a non-zero scalar")

    def public_key(self) -> PublicKey:
        return PublicKey(Point.base_times(self.scalar))

    def to_bytes(self) -> bytes:
        return self.scalar.to_bytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> SecretKey:
        return cls(Scalar.from_bytes(data))

    def __repr__(self) -> str:
        return "SecretKey(<hidden>)"


@dataclass(frozen=True, slots=True, repr=False)
class KeyPair:
    secret_key: SecretKey
    public_key: PublicKey

    def __repr__(self) -> str:
        return f"KeyPair(public_key={self.public_key!r})"


def generate_keypair() -> KeyPair:
    secret_key = SecretKey(Scalar.random())
    return KeyPair(secret_key, secret_key.public_key())


@dataclass(frozen=True, slots=True)
class Ciphertext:
    """(alpha, beta) = (r·G, m·G + r·h)."""

    alpha: Point
    beta: Point

    def __post_init__(self) -> None:
        if not (isinstance(self.alpha, Point) and isinstance(self.beta, Point)):
            raise TypeError("a ciphertext is two Points; decode bytes with Ciphertext.from_bytes")

    @classmethod
    def zero(cls) -> Ciphertext:
        """The trivial encryption of 0 (r = 0): the neutral element for sums."""
        return cls(Point.identity(), Point.identity())

    def to_bytes(self) -> bytes:
        return self.alpha.to_bytes() + self.beta.to_bytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> Ciphertext:
        if not isinstance(data, (bytes, bytearray, memoryview)) or len(data) != CIPHERTEXT_SIZE:
            raise DecodeError(f"a ciphertext is {CIPHERTEXT_SIZE} bytes")
        data = bytes(data)
        return cls(Point.from_bytes(data[:POINT_SIZE]), Point.from_bytes(data[POINT_SIZE:]))

    def __add__(self, other: Ciphertext) -> Ciphertext:
        if not isinstance(other, Ciphertext):
            return NotImplemented
        return Ciphertext(self.alpha + other.alpha, self.beta + other.beta)

    def __sub__(self, other: Ciphertext) -> Ciphertext:
        if not isinstance(other, Ciphertext):
            return NotImplemented
        return Ciphertext(self.alpha - other.alpha, self.beta - other.beta)

    def scaled(self, factor: int) -> Ciphertext:
        """An encryption of factor·m (used for weighted sums of slots)."""
        scalar = Scalar(factor)
        return Ciphertext(self.alpha * scalar, self.beta * scalar)


def encrypt(public_key: PublicKey, value: int, nonce: Scalar | None = None) -> Ciphertext:
    """Encrypt a small non-negative integer; ``nonce`` is r, random if omitted.

    Pass a nonce only to build a proof about the ciphertext; reusing one
    across two ciphertexts reveals the difference of their plaintexts.
    """
    if value < 0:
        raise ValueError("exponential ElGamal here encrypts non-negative counts")
    r = (nonce if nonce is not None else Scalar.random()).to_bytes()
    alpha = base_mul_encoding(r)
    shared = mul_encoding(r, public_key.point.to_bytes())
    # Add even when value is 0 (adding the identity): the same libsodium calls
    # for every vote, so timing does not tell a 0 from a 1.
    beta = add_encodings(_value_encoding(value), shared)
    return Ciphertext(Point._trusted(alpha), Point._trusted(beta))


def _value_encoding(value: int) -> bytes:
    if value < 1024:
        return small_multiple_encoding(value)
    return base_mul_encoding(Scalar(value).to_bytes())


def sum_ciphertexts(ciphertexts: Iterable[Ciphertext]) -> Ciphertext:
    """The homomorphic sum; the sum of nothing is Ciphertext.zero()."""
    alpha = beta = IDENTITY_ENCODING
    for ciphertext in ciphertexts:
        alpha = add_encodings(alpha, ciphertext.alpha.to_bytes())
        beta = add_encodings(beta, ciphertext.beta.to_bytes())
    return Ciphertext(Point._trusted(alpha), Point._trusted(beta))


def _sum_concatenated(first_index: int, blob: bytes) -> bytes:
    """Sum 64-byte ciphertext encodings laid end to end; return alpha || beta.

    libsodium's add answers an undecodable input with 32 zero bytes (and rbcl
    drops the error code), which would silently wipe the running sum. A zero
    result is otherwise a legitimate but rare identity, so only then are the
    inputs checked, keeping the common path to two additions per ciphertext.
    """
    add = add_encodings
    alpha = beta = IDENTITY_ENCODING
    for offset in range(0, len(blob), CIPHERTEXT_SIZE):
        alpha_part = blob[offset : offset + POINT_SIZE]
        beta_part = blob[offset + POINT_SIZE : offset + CIPHERTEXT_SIZE]
        alpha = add(alpha, alpha_part)
        beta = add(beta, beta_part)
        if (alpha == IDENTITY_ENCODING or beta == IDENTITY_ENCODING) and not (
            is_canonical_point_encoding(alpha_part) and is_canonical_point_encoding(beta_part)
        ):
            index = first_index + offset // CIPHERTEXT_SIZE
            raise DecodeError(f"ciphertext {index} is not a valid encoding")
    return alpha + beta


def _concatenate(encodings: Sequence[bytes]) -> bytes:
    for index, encoding in enumerate(encodings):
        if type(encoding) is not bytes or len(encoding) != CIPHERTEXT_SIZE:
            raise DecodeError(f"ciphertext {index} is not {CIPHERTEXT_SIZE} bytes")
    return b"".join(encodings)


def _ciphertext_from_sum(summed: bytes) -> Ciphertext:
    return Ciphertext(Point._trusted(summed[:POINT_SIZE]), Point._trusted(summed[POINT_SIZE:]))


def sum_ciphertext_encodings(encodings: Sequence[bytes]) -> Ciphertext:
    """Sum raw 64-byte ciphertext encodings on the calling thread.

    Raises DecodeError (naming the position) for a wrong length or an
    undecodable point. The encodings are expected to come from ballots that
    were verified when they were cast; this is not a substitute for that.
    """
    return _ciphertext_from_sum(_sum_concatenated(0, _concatenate(encodings)))


def process_pool(max_workers: int | None = None) -> ProcessPoolExecutor:
    """A process pool that is safe to start from a threaded server process
    (forkserver where available, else spawn; never a bare fork)."""
    methods = multiprocessing.get_all_start_methods()
    method = "forkserver" if "forkserver" in methods else "spawn"
    return ProcessPoolExecutor(
        max_workers=max_workers, mp_context=multiprocessing.get_context(method)
    )


def sum_ciphertexts_parallel(
    encodings: Sequence[bytes],
    *,
    executor: Executor | None = None,
    workers: int | None = None,
) -> Ciphertext:
    """Sum raw ciphertext encodings, split across ``workers`` chunks.

    Small inputs stay on the calling thread. Without an ``executor`` a
    short-lived thread pool is used (libsodium releases the GIL); a caller
    with a long-lived ProcessPoolExecutor (see ``process_pool``) may pass it.
    """
    count = len(encodings)
    workers = workers or os.cpu_count() or 1
    blob = _concatenate(encodings)
    if count < PARALLEL_MIN_CIPHERTEXTS or workers < 2:
        return _ciphertext_from_sum(_sum_concatenated(0, blob))
    per_chunk = -(-count // workers)
    starts = list(range(0, count, per_chunk))
    chunks = [blob[s * CIPHERTEXT_SIZE : (s + per_chunk) * CIPHERTEXT_SIZE] for s in starts]
    if executor is None:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            partial_sums = list(pool.map(_sum_concatenated, starts, chunks))
    else:
        partial_sums = list(executor.map(_sum_concatenated, starts, chunks))
    return _ciphertext_from_sum(_sum_concatenated(0, b"".join(partial_sums)))


def decrypt_to_point(secret_key: SecretKey, ciphertext: Ciphertext) -> Point:
    """m·G = beta - x·alpha."""
    return ciphertext.beta - ciphertext.alpha * secret_key.scalar


def decrypt_sum(
    secret_key: SecretKey, ciphertext: Ciphertext, max_value: int = DEFAULT_MAX_VALUE
) -> int:
    """Decrypt a sum of ciphertexts to its count in 0..max_value.

    Meant for sums: decrypting one ballot's ciphertext would reveal a vote,
    which the survey engine's release rules forbid.
    """
    return discrete_log(decrypt_to_point(secret_key, ciphertext), max_value)
