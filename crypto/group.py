"""The ristretto255 group: scalars and points as small immutable values.

Arithmetic runs in libsodium (through rbcl), which takes and returns 32-byte
encodings. Scalar and Point therefore hold their canonical encoding, and the
results of arithmetic are trusted without re-decoding; only bytes coming from
outside go through ``from_bytes``, which refuses anything non-canonical.

The ``*_encodings`` functions at the bottom are the same operations on raw
encodings, for the hot loops (proof verification, tallying) where building
objects would cost more than the arithmetic. They trust their inputs: pass
them only encodings that came out of ``Point``/``Scalar`` or libsodium.

The ``*_checked`` functions after them take encodings straight from outside
(a ballot's bytes) and say when one is not a canonical point, instead of
computing with it: they read libsodium's return code, which rbcl's wrappers
drop. Every operation decodes its points anyway, so checking a point this way
costs nothing, where ``is_canonical_point_encoding`` followed by the operation
decodes it twice (decoding is a square root, about a tenth of a scalar
multiplication).
"""

from __future__ import annotations

import ctypes
import hashlib
import hmac
from functools import lru_cache
from typing import Final

import rbcl

from crypto import libsodium
from crypto.errors import DecodeError

GROUP_NAME: Final = b"ristretto255"
#: Prime order of the group (RFC 9496, section 4.1).
ORDER: Final = 2**252 + 27742317777372353535851937790883648493
POINT_SIZE: Final = 32
SCALAR_SIZE: Final = 32
#: Every hash in the package starts with this, so no other protocol's hash
#: (or a future version of this one) can produce the same input.
PROTOCOL_TAG: Final = b"leverage/crypto/v1"

IDENTITY_ENCODING: Final = bytes(POINT_SIZE)
GENERATOR_ENCODING: Final = bytes.fromhex(
    "e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76"
)
ZERO_SCALAR_ENCODING: Final = bytes(SCALAR_SIZE)

_add = rbcl.crypto_core_ristretto255_add
_sub = rbcl.crypto_core_ristretto255_sub
_base_mul = rbcl.crypto_scalarmult_ristretto255_base_allow_scalar_zero
_mul = rbcl.crypto_scalarmult_ristretto255_allow_scalar_zero
_is_valid_point = rbcl.crypto_core_ristretto255_is_valid_point
_scalar_add = rbcl.crypto_core_ristretto255_scalar_add
_scalar_sub = rbcl.crypto_core_ristretto255_scalar_sub
_scalar_mul = rbcl.crypto_core_ristretto255_scalar_mul
_scalar_negate = rbcl.crypto_core_ristretto255_scalar_negate
_scalar_invert = rbcl.crypto_core_ristretto255_scalar_invert
_scalar_reduce = rbcl.crypto_core_ristretto255_scalar_reduce
_scalar_random = rbcl.crypto_core_ristretto255_scalar_random
_from_hash = rbcl.crypto_core_ristretto255_from_hash


def is_canonical_point_encoding(data: bytes) -> bool:
    """True when ``data`` is the canonical encoding of a group element.

    libsodium 1.0.18 (the one rbcl bundles) ignores the top bit of the last
    byte when decoding, so it accepts two encodings of every point; RFC 9496
    requires refusing the one with the bit set, and so do we, otherwise a
    ballot could be replayed under a different byte string.
    """
    return (
        type(data) is bytes
        and len(data) == POINT_SIZE
        and data[31] < 0x80
        and _is_valid_point(data)
    )


def is_canonical_scalar_encoding(data: bytes) -> bool:
    """True when ``data`` is 32 little-endian bytes of an integer below ORDER."""
    # ORDER is 2^252 plus a 125-bit number: a top byte below 0x10 is below 2^252,
    # which settles almost every scalar without building the integer.
    return (
        type(data) is bytes
        and len(data) == SCALAR_SIZE
        and (data[31] < 0x10 or int.from_bytes(data, "little") < ORDER)
    )


class Scalar:
    """An integer modulo the group order; immutable, compared in constant time."""

    __slots__ = ("_encoding",)
    _encoding: bytes

    def __init__(self, value: int) -> None:
        object.__setattr__(self, "_encoding", (value % ORDER).to_bytes(SCALAR_SIZE, "little"))

    @classmethod
    def _trusted(cls, encoding: bytes) -> Scalar:
        scalar = object.__new__(cls)
        object.__setattr__(scalar, "_encoding", encoding)
        return scalar

    @classmethod
    def from_bytes(cls, data: bytes) -> Scalar:
        """Decode 32 canonical bytes; refuse values at or above the order."""
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise DecodeError("a scalar encoding must be bytes")
        data = bytes(data)
        if len(data) != SCALAR_SIZE:
            raise DecodeError(f"a scalar encoding is {SCALAR_SIZE} bytes, got {len(data)}")
        if not is_canonical_scalar_encoding(data):
            raise DecodeError("non-canonical scalar encoding (not below the group order)")
        return cls._trusted(data)

    @classmethod
    def random(cls) -> Scalar:
        """A uniformly random non-zero scalar from the operating system's CSPRNG."""
        while True:
            encoding = _scalar_random()
            if encoding != ZERO_SCALAR_ENCODING:
                return cls._trusted(encoding)

    def to_bytes(self) -> bytes:
        return self._encoding

    def to_int(self) -> int:
        return int.from_bytes(self._encoding, "little")

    def is_zero(self) -> bool:
        return hmac.compare_digest(self._encoding, ZERO_SCALAR_ENCODING)

    def inverse(self) -> Scalar:
        if self.is_zero():
            raise ZeroDivisionError("zero has no inverse modulo the group order")
        return Scalar._trusted(_scalar_invert(self._encoding))

    def __add__(self, other: Scalar) -> Scalar:
        if not isinstance(other, Scalar):
            return NotImplemented
        return Scalar._trusted(_scalar_add(self._encoding, other._encoding))

    def __sub__(self, other: Scalar) -> Scalar:
        if not isinstance(other, Scalar):
            return NotImplemented
        return Scalar._trusted(_scalar_sub(self._encoding, other._encoding))

    def __neg__(self) -> Scalar:
        return Scalar._trusted(_scalar_negate(self._encoding))

    def __mul__(self, other: object) -> Scalar | Point:
        if isinstance(other, Scalar):
            return Scalar._trusted(_scalar_mul(self._encoding, other._encoding))
        if isinstance(other, Point):
            return other._times(self._encoding)
        return NotImplemented

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Scalar):
            return NotImplemented
        return hmac.compare_digest(self._encoding, other._encoding)

    def __hash__(self) -> int:
        return hash((Scalar, self._encoding))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Scalar is immutable")

    def __repr__(self) -> str:
        # Scalars are usually secrets (keys, nonces); keep them out of logs.
        return "Scalar(<hidden>)"

    def __reduce__(self) -> tuple[object, tuple[bytes]]:
        return (Scalar.from_bytes, (self._encoding,))


class Point:
    """An element of ristretto255, held as its canonical 32-byte encoding."""

    __slots__ = ("_encoding",)
    _encoding: bytes

    def __init__(self, encoding: bytes) -> None:
        if not is_canonical_point_encoding(encoding):
            raise DecodeError("not a canonical ristretto255 encoding")
        object.__setattr__(self, "_encoding", encoding)

    @classmethod
    def _trusted(cls, encoding: bytes) -> Point:
        point = object.__new__(cls)
        object.__setattr__(point, "_encoding", encoding)
        return point

    @classmethod
    def from_bytes(cls, data: bytes) -> Point:
        """Decode 32 bytes, refusing every encoding RFC 9496 refuses."""
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise DecodeError("a point encoding must be bytes")
        data = bytes(data)
        if len(data) != POINT_SIZE:
            raise DecodeError(f"a point encoding is {POINT_SIZE} bytes, got {len(data)}")
        return cls(data)

    @classmethod
    def generator(cls) -> Point:
        return cls._trusted(GENERATOR_ENCODING)

    @classmethod
    def identity(cls) -> Point:
        return cls._trusted(IDENTITY_ENCODING)

    @classmethod
    def base_times(cls, scalar: Scalar) -> Point:
        """scalar·G through libsodium's fixed-base tables (about 3x faster)."""
        return cls._trusted(_base_mul(scalar._encoding))

    def to_bytes(self) -> bytes:
        return self._encoding

    def is_identity(self) -> bool:
        return self._encoding == IDENTITY_ENCODING

    def _times(self, scalar_encoding: bytes) -> Point:
        if self._encoding == GENERATOR_ENCODING:
            return Point._trusted(_base_mul(scalar_encoding))
        return Point._trusted(_mul(scalar_encoding, self._encoding))

    def __add__(self, other: Point) -> Point:
        if not isinstance(other, Point):
            return NotImplemented
        return Point._trusted(_add(self._encoding, other._encoding))

    def __sub__(self, other: Point) -> Point:
        if not isinstance(other, Point):
            return NotImplemented
        return Point._trusted(_sub(self._encoding, other._encoding))

    def __neg__(self) -> Point:
        return Point._trusted(_sub(IDENTITY_ENCODING, self._encoding))

    def __mul__(self, other: Scalar) -> Point:
        if not isinstance(other, Scalar):
            return NotImplemented
        return self._times(other._encoding)

    def __rmul__(self, other: Scalar) -> Point:
        if not isinstance(other, Scalar):
            return NotImplemented
        return self._times(other._encoding)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Point):
            return NotImplemented
        return self._encoding == other._encoding

    def __hash__(self) -> int:
        return hash((Point, self._encoding))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Point is immutable")

    def __repr__(self) -> str:
        return f"Point({self._encoding.hex()})"

    def __reduce__(self) -> tuple[object, tuple[bytes]]:
        return (Point.from_bytes, (self._encoding,))


def frame(*parts: bytes) -> bytes:
    """Concatenate with an 8-byte length before each part, so no two different
    lists of parts can produce the same bytes."""
    return b"".join(len(part).to_bytes(8, "big") + part for part in parts)


def _tagged_digest(domain: bytes, parts: tuple[bytes, ...]) -> bytes:
    return hashlib.sha512(frame(PROTOCOL_TAG, domain, GROUP_NAME, *parts)).digest()


def hash_to_scalar(domain: bytes, *parts: bytes) -> Scalar:
    """SHA-512 of the domain tag and the length-prefixed parts, reduced mod the
    order (64 bytes, so the bias is below 2^-250)."""
    return Scalar._trusted(_scalar_reduce(_tagged_digest(domain, parts)))


def hash_to_point(domain: bytes, *parts: bytes) -> Point:
    """A point nobody knows the discrete log of: SHA-512 of the domain tag and
    the length-prefixed parts through the RFC 9496 one-way map."""
    return Point._trusted(_from_hash(_tagged_digest(domain, parts)))


def point_from_uniform_bytes(data: bytes) -> Point:
    """RFC 9496 section 4.3.4: 64 uniformly random bytes to a point."""
    if not isinstance(data, bytes) or len(data) != 64:
        raise DecodeError("the one-way map takes exactly 64 bytes")
    return Point._trusted(_from_hash(data))


# Unchecked operations on encodings, for hot loops. See the module docstring.


def add_encodings(left: bytes, right: bytes) -> bytes:
    return _add(left, right)


def sub_encodings(left: bytes, right: bytes) -> bytes:
    return _sub(left, right)


def mul_encoding(scalar: bytes, point: bytes) -> bytes:
    return _mul(scalar, point)


def base_mul_encoding(scalar: bytes) -> bytes:
    return _base_mul(scalar)


@lru_cache(maxsize=1024)
def small_multiple_encoding(value: int) -> bytes:
    """value·G for the small integers that votes and sums take."""
    return _base_mul(Scalar(value).to_bytes())


# Checked operations on encodings from outside. See the module docstring.

#: Private handles on the functions rbcl wraps (indexing a library makes a new
#: handle), declared to return libsodium's int; rbcl's own are left as they are.
_library = libsodium.library()
_checked_mul = _library["crypto_scalarmult_ristretto255"]
_checked_sub = _library["crypto_core_ristretto255_sub"]
for _function in (_checked_mul, _checked_sub):
    _function.restype = ctypes.c_int
_new_point = ctypes.create_string_buffer


def _outside_point_shape(data: bytes) -> bool:
    # libsodium 1.0.18 ignores the top bit; a canonical encoding has it clear
    # (see is_canonical_point_encoding). The length check also keeps libsodium
    # from reading past the end of a short buffer.
    return type(data) is bytes and len(data) == POINT_SIZE and data[31] < 0x80


def mul_encoding_checked(scalar: bytes, point: bytes) -> bytes | None:
    """scalar·point, or None when ``point`` is not a canonical encoding of a
    group element; ``scalar`` must be 32 bytes."""
    if not (_outside_point_shape(point) and type(scalar) is bytes and len(scalar) == SCALAR_SIZE):
        return None
    product = _new_point(POINT_SIZE)
    if _checked_mul(product, scalar, point) == 0:
        return product.raw
    # libsodium answers -1 both for a point that does not decode and for a
    # product that is the identity (a zero scalar, or the identity point).
    return IDENTITY_ENCODING if _is_valid_point(point) else None


def sub_encodings_checked(left: bytes, right: bytes) -> bytes | None:
    """left - right, or None when either is not a canonical encoding of a group element."""
    if not (_outside_point_shape(left) and _outside_point_shape(right)):
        return None
    difference = _new_point(POINT_SIZE)
    return difference.raw if _checked_sub(difference, left, right) == 0 else None
