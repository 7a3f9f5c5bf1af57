"""A slow, independent ristretto255 written straight from RFC 9496, for tests.

It shares no code with libsodium, so agreement between the two on encodings,
decodings and hash-to-group is evidence that both follow the RFC, and the
reason it gives for refusing an encoding lets the tests check that each
invalid test vector fails for the reason the RFC lists it under.
"""

from __future__ import annotations

P = 2**255 - 19
D = (-121665 * pow(121666, -1, P)) % P
SQRT_M1 = pow(2, (P - 1) // 4, P)

Extended = tuple[int, int, int, int]


class Refused(ValueError):
    """An encoding the RFC's decoding procedure refuses, with the reason."""


def _is_negative(value: int) -> bool:
    return value % P & 1 == 1


def _abs(value: int) -> int:
    value %= P
    return P - value if _is_negative(value) else value


def sqrt_ratio_m1(u: int, v: int) -> tuple[bool, int]:
    u %= P
    v %= P
    v3 = v * v * v % P
    v7 = v3 * v3 * v % P
    r = (u * v3) * pow(u * v7, (P - 5) // 8, P) % P
    check = v * r * r % P
    correct_sign_sqrt = check == u
    flipped_sign_sqrt = check == (-u) % P
    flipped_sign_sqrt_i = check == (-u * SQRT_M1) % P
    if flipped_sign_sqrt or flipped_sign_sqrt_i:
        r = SQRT_M1 * r % P
    return correct_sign_sqrt or flipped_sign_sqrt, _abs(r)


INVSQRT_A_MINUS_D = sqrt_ratio_m1(1, (-1 - D) % P)[1]


def decode(encoding: bytes) -> Extended:
    if len(encoding) != 32:
        raise Refused("wrong length")
    s = int.from_bytes(encoding, "little")
    if s >= P:
        raise Refused("non-canonical field element")
    if _is_negative(s):
        raise Refused("negative field element")
    ss = s * s % P
    u1 = (1 - ss) % P
    u2 = (1 + ss) % P
    u2_sqr = u2 * u2 % P
    v = (-(D * u1 * u1) - u2_sqr) % P
    was_square, invsqrt = sqrt_ratio_m1(1, v * u2_sqr)
    den_x = invsqrt * u2 % P
    den_y = invsqrt * den_x * v % P
    x = _abs(2 * s * den_x)
    y = u1 * den_y % P
    t = x * y % P
    if not was_square:
        raise Refused("non-square x^2")
    if _is_negative(t):
        raise Refused("negative xy")
    if y == 0:
        raise Refused("y = 0")
    return x, y, 1, t


def encode(point: Extended) -> bytes:
    x0, y0, z0, t0 = point
    u1 = (z0 + y0) * (z0 - y0) % P
    u2 = x0 * y0 % P
    _, invsqrt = sqrt_ratio_m1(1, u1 * u2 * u2)
    den1 = invsqrt * u1 % P
    den2 = invsqrt * u2 % P
    z_inv = den1 * den2 * t0 % P
    rotate = _is_negative(t0 * z_inv)
    if rotate:
        x, y = y0 * SQRT_M1 % P, x0 * SQRT_M1 % P
        den_inv = den1 * INVSQRT_A_MINUS_D % P
    else:
        x, y, den_inv = x0, y0, den2
    if _is_negative(x * z_inv):
        y = (-y) % P
    s = _abs(den_inv * (z0 - y))
    return s.to_bytes(32, "little")


def add(p1: Extended, p2: Extended) -> Extended:
    x1, y1, z1, t1 = p1
    x2, y2, z2, t2 = p2
    a = (y1 - x1) * (y2 - x2) % P
    b = (y1 + x1) * (y2 + x2) % P
    c = 2 * D * t1 * t2 % P
    d = 2 * z1 * z2 % P
    e, f, g, h = b - a, d - c, d + c, b + a
    return e * f % P, g * h % P, f * g % P, e * h % P


IDENTITY: Extended = (0, 1, 1, 0)


def multiply(scalar: int, point: Extended) -> Extended:
    result = IDENTITY
    addend = point
    while scalar:
        if scalar & 1:
            result = add(result, addend)
        addend = add(addend, addend)
        scalar >>= 1
    return result


def _ed25519_base() -> Extended:
    # The ristretto255 generator is the Ed25519 base point: y = 4/5, x even.
    y = 4 * pow(5, -1, P) % P
    was_square, x = sqrt_ratio_m1((y * y - 1) % P, (D * y * y + 1) % P)
    assert was_square
    return x, y, 1, x * y % P


GENERATOR: Extended = _ed25519_base()


# sqrt(a*d - 1) with a = -1; RFC 9496 fixes this root (the odd one), and the
# assertion below checks that the literal is a square root at all.
SQRT_AD_MINUS_ONE = 25063068953384623474111414158702152701244531502492656460079210482610430750235
assert SQRT_AD_MINUS_ONE * SQRT_AD_MINUS_ONE % P == (-D - 1) % P


def _elligator(r0: int) -> Extended:
    r = SQRT_M1 * r0 * r0 % P
    ns = (r + 1) * (1 - D * D) % P
    c = P - 1
    dd = (c - D * r) * (r + D) % P
    was_square, s = sqrt_ratio_m1(ns, dd)
    s_prime = (-_abs(s * r0)) % P
    if not was_square:
        s, c = s_prime, r
    nt = (c * (r - 1) * (D - 1) ** 2 - dd) % P
    w0 = 2 * s * dd % P
    w1 = nt * SQRT_AD_MINUS_ONE % P
    w2 = (1 - s * s) % P
    w3 = (1 + s * s) % P
    return w0 * w3 % P, w2 * w1 % P, w1 * w3 % P, w0 * w2 % P


def from_uniform_bytes(data: bytes) -> bytes:
    assert len(data) == 64
    mask = (1 << 255) - 1
    r0 = int.from_bytes(data[:32], "little") & mask
    r1 = int.from_bytes(data[32:], "little") & mask
    return encode(add(_elligator(r0 % P), _elligator(r1 % P)))
