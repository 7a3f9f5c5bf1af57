"""Decrypting sums: t-of-n trustee keys, or a single server key.

Trustee mode: a dealer splits a fresh secret x with a random polynomial f of
degree t-1 (f(0) = x) into shares s_i = f(i), publishes Feldman commitments
C_k = a_k·G so each trustee can check its share, and forgets f. To decrypt a
point A (a ciphertext's alpha, or a sealed text's ephemeral point) each trustee
sends s_i·A with a Chaum–Pedersen proof against its verification key
s_i·G = Σ i^k·C_k; any t valid partials give x·A by Lagrange interpolation in
the exponent. Fewer than t shares are uniformly random given the public data,
so they reveal nothing about x.

Server-key mode: the survey engine holds x itself. Both modes return a
``DecryptionResult`` so the engine treats them alike and can show which one
produced a figure.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from crypto.dlog import DEFAULT_MAX_VALUE, discrete_log
from crypto.elgamal import Ciphertext, PublicKey, SecretKey, decrypt_to_point
from crypto.errors import (
    DecodeError,
    InvalidPartialError,
    InvalidShareError,
    NotEnoughPartialsError,
)
from crypto.group import (
    IDENTITY_ENCODING,
    ORDER,
    POINT_SIZE,
    SCALAR_SIZE,
    Point,
    Scalar,
    add_encodings,
    frame,
    mul_encoding,
)
from crypto.proofs import DLEQ_PROOF_SIZE, DleqProof, ScalarSource, prove_dleq, verify_dleq

THRESHOLD_KEY_VERSION: Final = 1
KEY_SHARE_VERSION: Final = 1
MAX_TRUSTEES: Final = 255
PARTIAL_SIZE: Final = 1 + POINT_SIZE + DLEQ_PROOF_SIZE


@dataclass(frozen=True, slots=True)
class ThresholdKey:
    """The public side of a t-of-n key: threshold, trustee count, and the
    Feldman commitments (commitments[0] is the survey's public key)."""

    threshold: int
    trustee_count: int
    commitments: tuple[Point, ...]

    def __post_init__(self) -> None:
        if type(self.threshold) is not int or type(self.trustee_count) is not int:
            raise DecodeError("threshold and trustee count must be integers")
        if not 1 <= self.threshold <= self.trustee_count <= MAX_TRUSTEES:
            raise DecodeError(f"need 1 <= threshold <= trustees <= {MAX_TRUSTEES}")
        if not isinstance(self.commitments, tuple) or len(self.commitments) != self.threshold:
            raise DecodeError("need exactly one commitment per polynomial coefficient")
        if not all(isinstance(c, Point) for c in self.commitments):
            raise DecodeError("commitments must be points")
        if self.commitments[0].is_identity():
            raise DecodeError("the public key must not be the identity")

    @property
    def public_key(self) -> PublicKey:
        return PublicKey(self.commitments[0])

    def verification_key(self, trustee_index: int) -> Point:
        """s_i·G, computed from the commitments alone: Σ_k i^k·C_k."""
        if not 1 <= trustee_index <= self.trustee_count:
            raise ValueError(f"trustee index must be 1..{self.trustee_count}")
        total = IDENTITY_ENCODING
        power = 1
        for commitment in self.commitments:
            total = add_encodings(
                total, mul_encoding(Scalar(power).to_bytes(), commitment.to_bytes())
            )
            power = power * trustee_index % ORDER
        return Point._trusted(total)

    def to_bytes(self) -> bytes:
        header = bytes([THRESHOLD_KEY_VERSION, self.threshold, self.trustee_count])
        return header + b"".join(c.to_bytes() for c in self.commitments)

    @classmethod
    def from_bytes(cls, data: bytes) -> ThresholdKey:
        if not isinstance(data, bytes) or len(data) < 3:
            raise DecodeError("threshold key too short")
        if data[0] != THRESHOLD_KEY_VERSION:
            raise DecodeError(f"unknown threshold key version {data[0]}")
        threshold, trustee_count = data[1], data[2]
        if len(data) != 3 + threshold * POINT_SIZE:
            raise DecodeError("threshold key has the wrong length")
        commitments = tuple(
            Point.from_bytes(data[i : i + POINT_SIZE]) for i in range(3, len(data), POINT_SIZE)
        )
        return cls(threshold, trustee_count, commitments)


@dataclass(frozen=True, slots=True, repr=False)
class KeyShare:
    """Trustee ``index``'s share s_i = f(i). Secret: seal it (crypto.sealing)."""

    index: int
    scalar: Scalar

    def __post_init__(self) -> None:
        if type(self.index) is not int or not 1 <= self.index <= MAX_TRUSTEES:
            raise DecodeError(f"share index must be 1..{MAX_TRUSTEES}")
        if not isinstance(self.scalar, Scalar):
            raise DecodeError("share value must be a Scalar")

    def to_bytes(self) -> bytes:
        return bytes([KEY_SHARE_VERSION, self.index]) + self.scalar.to_bytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> KeyShare:
        if not isinstance(data, bytes) or len(data) != 2 + SCALAR_SIZE:
            raise DecodeError(f"a key share is {2 + SCALAR_SIZE} bytes")
        if data[0] != KEY_SHARE_VERSION:
            raise DecodeError(f"unknown key share version {data[0]}")
        return cls(data[1], Scalar.from_bytes(data[2:]))

    def __repr__(self) -> str:
        return f"KeyShare(index={self.index}, scalar=<hidden>)"


def deal_shares(threshold: int, trustee_count: int) -> tuple[ThresholdKey, tuple[KeyShare, ...]]:
    """Make a fresh key split t-of-n. The polynomial exists only inside this
    call; the caller must seal each share for its trustee and keep none."""
    if not 1 <= threshold <= trustee_count <= MAX_TRUSTEES:
        raise ValueError(f"need 1 <= threshold <= trustees <= {MAX_TRUSTEES}")
    coefficients = [Scalar.random().to_int() for _ in range(threshold)]
    commitments = tuple(Point.base_times(Scalar(a)) for a in coefficients)
    shares = []
    for index in range(1, trustee_count + 1):
        value = 0
        for coefficient in reversed(coefficients):
            value = (value * index + coefficient) % ORDER
        shares.append(KeyShare(index, Scalar(value)))
    return ThresholdKey(threshold, trustee_count, commitments), tuple(shares)


def verify_share(key: ThresholdKey, share: KeyShare) -> bool:
    """A trustee's check that its share lies on the committed polynomial."""
    if not (isinstance(key, ThresholdKey) and isinstance(share, KeyShare)):
        return False
    if not 1 <= share.index <= key.trustee_count:
        return False
    return Point.base_times(share.scalar) == key.verification_key(share.index)


def check_share(key: ThresholdKey, share: KeyShare) -> None:
    """verify_share, raising InvalidShareError instead of returning False."""
    if not verify_share(key, share):
        raise InvalidShareError(
            f"key share {getattr(share, 'index', '?')} does not match the commitments"
        )


@dataclass(frozen=True, slots=True)
class PartialDecryption:
    """s_i·A for one point A, with a proof it used trustee i's share."""

    trustee_index: int
    point: Point
    proof: DleqProof

    def to_bytes(self) -> bytes:
        return bytes([self.trustee_index]) + self.point.to_bytes() + self.proof.to_bytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> PartialDecryption:
        if not isinstance(data, bytes) or len(data) != PARTIAL_SIZE:
            raise DecodeError(f"a partial decryption is {PARTIAL_SIZE} bytes")
        if data[0] == 0:
            raise DecodeError("trustee indices start at 1")
        return cls(
            data[0],
            Point.from_bytes(data[1 : 1 + POINT_SIZE]),
            DleqProof.from_bytes(data[1 + POINT_SIZE :]),
        )


def _partial_context(key: ThresholdKey, trustee_index: int, context: bytes) -> bytes:
    return frame(b"partial-decryption", key.to_bytes(), trustee_index.to_bytes(1, "big"), context)


def partial_decrypt(
    key: ThresholdKey,
    share: KeyShare,
    target: Point,
    context: bytes,
    *,
    random_scalar: ScalarSource | None = None,
) -> PartialDecryption:
    """Trustee's contribution for ``target`` (a ciphertext's alpha or a sealed
    text's ephemeral point). ``context`` names what is being decrypted and
    must be the same when the partials are combined. ``random_scalar`` is for
    test vectors only (the proof's witness; see ``crypto.proofs``)."""
    if not 1 <= share.index <= key.trustee_count:
        raise InvalidShareError("share index is outside this key's trustees")
    point = target * share.scalar
    proof = prove_dleq(
        share.scalar,
        Point.base_times(share.scalar),
        target,
        point,
        _partial_context(key, share.index, context),
        random_scalar=random_scalar,
    )
    return PartialDecryption(share.index, point, proof)


def partial_decrypt_many(
    key: ThresholdKey, share: KeyShare, targets: Sequence[Point], context: bytes
) -> tuple[PartialDecryption, ...]:
    return tuple(partial_decrypt(key, share, target, context) for target in targets)


def verify_partial(
    key: ThresholdKey, target: Point, partial: PartialDecryption, context: bytes
) -> bool:
    if not (
        isinstance(key, ThresholdKey)
        and isinstance(target, Point)
        and isinstance(partial, PartialDecryption)
        and type(partial.trustee_index) is int
        and 1 <= partial.trustee_index <= key.trustee_count
        and isinstance(partial.point, Point)
    ):
        return False
    return verify_dleq(
        key.verification_key(partial.trustee_index),
        target,
        partial.point,
        partial.proof,
        _partial_context(key, partial.trustee_index, context),
    )


def lagrange_coefficients_at_zero(indices: Sequence[int]) -> list[int]:
    """λ_i = Π_{j≠i} j / (j - i) mod ORDER, so that Σ λ_i f(i) = f(0)."""
    coefficients = []
    for i in indices:
        numerator, denominator = 1, 1
        for j in indices:
            if j != i:
                numerator = numerator * j % ORDER
                denominator = denominator * (j - i) % ORDER
        coefficients.append(numerator * pow(denominator, -1, ORDER) % ORDER)
    return coefficients


def combine_partials(
    key: ThresholdKey, target: Point, partials: Sequence[PartialDecryption], context: bytes
) -> tuple[Point, tuple[int, ...]]:
    """x·target from any t valid partials, and the trustees used.

    Every partial given is checked: a bad or duplicated one raises
    InvalidPartialError naming its trustee (so the engine can say who), and
    fewer than t partials raise NotEnoughPartialsError.
    """
    seen: set[int] = set()
    for partial in partials:
        index = getattr(partial, "trustee_index", 0)
        if type(index) is not int:
            index = 0
        if index in seen:
            raise InvalidPartialError(index, "duplicate trustee")
        if not verify_partial(key, target, partial, context):
            raise InvalidPartialError(index)
        seen.add(index)
    if len(partials) < key.threshold:
        raise NotEnoughPartialsError(
            f"{len(partials)} valid partial decryptions, {key.threshold} needed"
        )
    chosen = sorted(partials, key=lambda p: p.trustee_index)[: key.threshold]
    indices = [p.trustee_index for p in chosen]
    total = IDENTITY_ENCODING
    for partial, coefficient in zip(chosen, lagrange_coefficients_at_zero(indices)):
        total = add_encodings(
            total, mul_encoding(Scalar(coefficient).to_bytes(), partial.point.to_bytes())
        )
    return Point._trusted(total), tuple(indices)


class DecryptionMode(enum.Enum):
    SERVER_KEY = "server_key"
    TRUSTEES = "trustees"


@dataclass(frozen=True, slots=True)
class DecryptionResult:
    """A decrypted sum, how it was decrypted, and by which trustees (if any)."""

    value: int
    mode: DecryptionMode
    trustees: tuple[int, ...] = ()


def decrypt_with_partials(
    key: ThresholdKey,
    ciphertext: Ciphertext,
    partials: Sequence[PartialDecryption],
    context: bytes,
    max_value: int = DEFAULT_MAX_VALUE,
) -> DecryptionResult:
    """Decrypt a sum from trustees' partials of ``ciphertext.alpha``."""
    shared, trustees = combine_partials(key, ciphertext.alpha, partials, context)
    value = discrete_log(ciphertext.beta - shared, max_value)
    return DecryptionResult(value, DecryptionMode.TRUSTEES, trustees)


def decrypt_with_server_key(
    secret_key: SecretKey, ciphertext: Ciphertext, max_value: int = DEFAULT_MAX_VALUE
) -> DecryptionResult:
    """Decrypt a sum with the server-held key (the union's automatic mode)."""
    value = discrete_log(decrypt_to_point(secret_key, ciphertext), max_value)
    return DecryptionResult(value, DecryptionMode.SERVER_KEY)
