"""Known answers (RFC 9496 Appendix A) and algebraic properties of crypto.group."""

from __future__ import annotations

import hashlib

import pytest
import rbcl
from hypothesis import given, settings
from hypothesis import strategies as st

from crypto.errors import DecodeError
from crypto.group import (
    GENERATOR_ENCODING,
    IDENTITY_ENCODING,
    ORDER,
    Point,
    Scalar,
    hash_to_point,
    hash_to_scalar,
    is_canonical_point_encoding,
    is_canonical_scalar_encoding,
    mul_encoding_checked,
    point_from_uniform_bytes,
    sub_encodings_checked,
)
from tests.crypto import ristretto_reference as reference

# RFC 9496 A.1: encodings of B·k for k = 0..15.
GENERATOR_MULTIPLES = [
    "0000000000000000000000000000000000000000000000000000000000000000",
    "e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76",
    "6a493210f7499cd17fecb510ae0cea23a110e8d5b901f8acadd3095c73a3b919",
    "94741f5d5d52755ece4f23f044ee27d5d1ea1e2bd196b462166b16152a9d0259",
    "da80862773358b466ffadfe0b3293ab3d9fd53c5ea6c955358f568322daf6a57",
    "e882b131016b52c1d3337080187cf768423efccbb517bb495ab812c4160ff44e",
    "f64746d3c92b13050ed8d80236a7f0007c3b3f962f5ba793d19a601ebb1df403",
    "44f53520926ec81fbd5a387845beb7df85a96a24ece18738bdcfa6a7822a176d",
    "903293d8f2287ebe10e2374dc1a53e0bc887e592699f02d077d5263cdd55601c",
    "02622ace8f7303a31cafc63f8fc48fdc16e1c8c8d234b2f0d6685282a9076031",
    "20706fd788b2720a1ed2a5dad4952b01f413bcf0e7564de8cdc816689e2db95f",
    "bce83f8ba5dd2fa572864c24ba1810f9522bc6004afe95877ac73241cafdab42",
    "e4549ee16b9aa03099ca208c67adafcafa4c3f3e4e5303de6026e3ca8ff84460",
    "aa52e000df2e16f55fb1032fc33bc42742dad6bd5a8fc0be0167436c5948501f",
    "46376b80f409b29dc2b5f6f0c52591990896e5716f41477cd30085ab7f10301e",
    "e0c418f7c8d9c4cdd7395b93ea124f3ad99021bb681dfc3302a9d99a2e53e64e",
]

# RFC 9496 A.2: encodings that must be refused, grouped by the RFC's reason.
INVALID_ENCODINGS = {
    "non-canonical field element": [
        "00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "f3ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    ],
    "negative field element": [
        "0100000000000000000000000000000000000000000000000000000000000000",
        "01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "ed57ffd8c914fb201471d1c3d245ce3c746fcbe63a3679d51b6a516ebebe0e20",
        "c34c4e1826e5d403b78e246e88aa051c36ccf0aafebffe137d148a2bf9104562",
        "c940e5a4404157cfb1628b108db051a8d439e1a421394ec4ebccb9ec92a8ac78",
        "47cfc5497c53dc8e61c91d17fd626ffb1c49e2bca94eed052281b510b1117a24",
        "f1c6165d33367351b0da8f6e4511010c68174a03b6581212c71c0e1d026c3c72",
        "87260f7a2f12495118360f02c26a470f450dadf34a413d21042b43b9d93e1309",
    ],
    "non-square x^2": [
        "26948d35ca62e643e26a83177332e6b6afeb9d08e4268b650f1f5bbd8d81d371",
        "4eac077a713c57b4f4397629a4145982c661f48044dd3f96427d40b147d9742f",
        "de6a7b00deadc788eb6b6c8d20c0ae96c2f2019078fa604fee5b87d6e989ad7b",
        "bcab477be20861e01e4a0e295284146a510150d9817763caf1a6f4b422d67042",
        "2a292df7e32cababbd9de088d1d1abec9fc0440f637ed2fba145094dc14bea08",
        "f4a9e534fc0d216c44b218fa0c42d99635a0127ee2e53c712f70609649fdff22",
        "8268436f8c4126196cf64b3c7ddbda90746a378625f9813dd9b8457077256731",
        "2810e5cbc2cc4d4eece54f61c6f69758e289aa7ab440b3cbeaa21995c2f4232b",
    ],
    "negative xy": [
        "3eb858e78f5a7254d8c9731174a94f76755fd3941c0ac93735c07ba14579630e",
        "a45fdc55c76448c049a1ab33f17023edfb2be3581e9c7aade8a6125215e04220",
        "d483fe813c6ba647ebbfd3ec41adca1c6130c2beeee9d9bf065c8d151c5f396e",
        "8a2e1d30050198c65a54483123960ccc38aef6848e1ec8f5f780e8523769ba32",
        "32888462f8b486c68ad7dd9610be5192bbeaf3b443951ac1a8118419d9fa097b",
        "227142501b9d4355ccba290404bde41575b037693cef1f438c47f8fbf35d1165",
        "5c37cc491da847cfeb9281d407efc41e15144c876e0170b499a96a22ed31e01e",
        "445425117cb8c90edcbc7c1cc0e74f747f2c1efa5630a967c64f287792a48a4b",
    ],
    "y = 0": [
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    ],
}

# RFC 9496 A.3: the one-way map on 64-byte inputs. The inputs are the SHA-512
# digests of these lines (as in the drafts), which the test also checks.
HASH_TO_GROUP = [
    (
        "Ristretto is traditionally a short shot of espresso coffee",
        "5d1be09e3d0c82fc538112490e35701979d99e06ca3e2b5b54bffe8b4dc772c1"
        "4d98b696a1bbfb5ca32c436cc61c16563790306c79eaca7705668b47dffe5bb6",
        "3066f82a1a747d45120d1740f14358531a8f04bbffe6a819f86dfe50f44a0a46",
    ),
    (
        "made with the normal amount of ground coffee but extracted with",
        "f116b34b8f17ceb56e8732a60d913dd10cce47a6d53bee9204be8b44f6678b27"
        "0102a56902e2488c46120e9276cfe54638286b9e4b3cdb470b542d46c2068d38",
        "f26e5b6f7d362d2d2a94c5d0e7602cb4773c95a2e5c31a64f133189fa76ed61b",
    ),
    (
        "about half the amount of water in the same amount of time",
        "8422e1bbdaab52938b81fd602effb6f89110e1e57208ad12d9ad767e2e25510c"
        "27140775f9337088b982d83d7fcf0b2fa1edffe51952cbe7365e95c86eaf325c",
        "006ccd2a9e6867e6a2c5cea83d3302cc9de128dd2a9a57dd8ee7b9d7ffe02826",
    ),
    (
        "by using a finer grind.",
        "ac22415129b61427bf464e17baee8db65940c233b98afce8d17c57beeb7876c2"
        "150d15af1cb1fb824bbd14955f2b57d08d388aab431a391cfc33d5bafb5dbbaf",
        "f8f0c87cf237953c5890aec3998169005dae3eca1fbb04548c635953c817f92a",
    ),
    (
        "This produces a concentrated shot of coffee per volume.",
        "165d697a1ef3d5cf3c38565beefcf88c0f282b8e7dbd28544c483432f1cec767"
        "5debea8ebb4e5fe7d6f6e5db15f15587ac4d4d4a1de7191e0c1ca6664abcc413",
        "ae81e7dedf20a497e10c304a765c1767a42d6e06029758d2d7e8ef7cc4c41179",
    ),
    (
        "Just pulling a normal shot short will produce a weaker shot",
        "a836e6c9a9ca9f1e8d486273ad56a78c70cf18f0ce10abb1c7172ddd605d7fd2"
        "979854f47ae1ccf204a33102095b4200e5befc0465accc263175485f0e17ea5c",
        "e2705652ff9f5e44d3e841bf1c251cf7dddb77d140870d1ab2ed64f1a9ce8628",
    ),
    (
        "and is not a Ristretto as some believe.",
        "2cdc11eaeb95daf01189417cdddbf95952993aa9cb9c640eb5058d09702c7462"
        "2c9965a697a3b345ec24ee56335b556e677b30e6f90ac77d781064f866a3c982",
        "80bd07262511cdde4863f8a7434cef696750681cb9510eea557088f76d9e5065",
    ),
]

scalars = st.integers(min_value=0, max_value=ORDER - 1).map(Scalar)


@pytest.mark.parametrize("k", range(16))
def test_generator_multiples_match_rfc_9496(k: int) -> None:
    expected = bytes.fromhex(GENERATOR_MULTIPLES[k])
    assert Point.base_times(Scalar(k)).to_bytes() == expected
    repeated = Point.identity()
    for _ in range(k):
        repeated = repeated + Point.generator()
    assert repeated.to_bytes() == expected
    assert reference.encode(reference.multiply(k, reference.GENERATOR)) == expected
    assert Point.from_bytes(expected).to_bytes() == expected


def test_generator_constant_is_rfc_generator() -> None:
    assert GENERATOR_ENCODING.hex() == GENERATOR_MULTIPLES[1]


def test_variable_base_multiplication_matches_vectors() -> None:
    three = Point.from_bytes(bytes.fromhex(GENERATOR_MULTIPLES[3]))
    five = Point.from_bytes(bytes.fromhex(GENERATOR_MULTIPLES[5]))
    fifteen = bytes.fromhex(GENERATOR_MULTIPLES[15])
    assert (three * Scalar(5)).to_bytes() == fifteen
    assert (Scalar(3) * five).to_bytes() == fifteen
    assert (three * Scalar(0)).is_identity()


@pytest.mark.parametrize(
    ("reason", "encoding"),
    [(reason, e) for reason, encodings in INVALID_ENCODINGS.items() for e in encodings],
)
def test_invalid_encodings_of_rfc_9496_are_refused(reason: str, encoding: str) -> None:
    data = bytes.fromhex(encoding)
    with pytest.raises(DecodeError):
        Point.from_bytes(data)
    # The independent decoder refuses it for the reason the RFC lists it under.
    with pytest.raises(reference.Refused, match=reason.replace("^", r"\^")):
        reference.decode(data)


@pytest.mark.parametrize(("label", "uniform", "expected"), HASH_TO_GROUP)
def test_one_way_map_matches_rfc_9496(label: str, uniform: str, expected: str) -> None:
    data = bytes.fromhex(uniform)
    assert hashlib.sha512(label.encode()).digest() == data
    assert point_from_uniform_bytes(data).to_bytes().hex() == expected
    assert reference.from_uniform_bytes(data).hex() == expected


def test_encoding_with_top_bit_set_is_refused_although_libsodium_accepts_it() -> None:
    point = Point.base_times(Scalar.random()).to_bytes()
    flipped = point[:31] + bytes([point[31] | 0x80])
    assert rbcl.crypto_core_ristretto255_is_valid_point(flipped)
    with pytest.raises(DecodeError):
        Point.from_bytes(flipped)


@settings(max_examples=150, deadline=None)
@given(st.binary(min_size=32, max_size=32), st.sampled_from([0, 1, 0x7F, 0x80, 0xFF]))
def test_checked_operations_refuse_exactly_what_decoding_refuses(data: bytes, top: int) -> None:
    """The operations that check points as they decode them (the ballot box's path) say
    None for every encoding Point.from_bytes refuses, and otherwise compute as the rest."""
    data = data[:31] + bytes([top if top in (0x7F, 0x80) else data[31] ^ top])
    scalar = Scalar.random()
    generator = Point.generator()
    try:
        point = Point.from_bytes(data)
    except DecodeError:
        assert mul_encoding_checked(scalar.to_bytes(), data) is None
        assert sub_encodings_checked(data, GENERATOR_ENCODING) is None
        assert sub_encodings_checked(GENERATOR_ENCODING, data) is None
        return
    assert mul_encoding_checked(scalar.to_bytes(), data) == (point * scalar).to_bytes()
    assert sub_encodings_checked(data, GENERATOR_ENCODING) == (point - generator).to_bytes()
    assert sub_encodings_checked(GENERATOR_ENCODING, data) == (generator - point).to_bytes()


def test_checked_multiplication_tells_an_identity_product_from_a_bad_point() -> None:
    # libsodium answers -1 for both; only the bad point is refused.
    point = Point.base_times(Scalar.random()).to_bytes()
    assert mul_encoding_checked(bytes(32), point) == IDENTITY_ENCODING
    assert mul_encoding_checked(Scalar.random().to_bytes(), IDENTITY_ENCODING) == IDENTITY_ENCODING
    flipped = point[:31] + bytes([point[31] | 0x80])
    assert rbcl.crypto_core_ristretto255_is_valid_point(flipped)
    assert mul_encoding_checked(Scalar(2).to_bytes(), flipped) is None
    assert sub_encodings_checked(flipped, point) is None
    for short in (point[:31], point + b"\0", bytearray(point)):
        assert mul_encoding_checked(Scalar(2).to_bytes(), short) is None  # type: ignore[arg-type]
        assert not is_canonical_point_encoding(short)  # type: ignore[arg-type]
    assert mul_encoding_checked(Scalar(2).to_bytes()[:31], point) is None


@pytest.mark.parametrize("value", [0, 1, 2**252 - 1, 2**252, ORDER - 1, ORDER, ORDER + 1, 2**253, 2**256 - 1])
def test_canonical_scalars_are_those_below_the_order(value: int) -> None:
    assert is_canonical_scalar_encoding(value.to_bytes(32, "little")) == (value < ORDER)


@settings(max_examples=150, deadline=None)
@given(st.binary(min_size=32, max_size=32))
def test_decoding_agrees_with_the_reference(data: bytes) -> None:
    try:
        reference.decode(data)
        accepted = True
    except reference.Refused:
        accepted = False
    if accepted:
        assert Point.from_bytes(data).to_bytes() == data
    else:
        with pytest.raises(DecodeError):
            Point.from_bytes(data)


@settings(max_examples=40, deadline=None)
@given(st.binary(min_size=64, max_size=64))
def test_one_way_map_agrees_with_the_reference(data: bytes) -> None:
    assert point_from_uniform_bytes(data).to_bytes() == reference.from_uniform_bytes(data)


@settings(max_examples=30, deadline=None)
@given(scalars, scalars)
def test_group_laws(a: Scalar, b: Scalar) -> None:
    g = Point.generator()
    assert (a + b) * g == a * g + b * g
    assert (a - b) * g == a * g - b * g
    assert a * (b * g) == (a * b) * g
    assert (-a) * g == -(a * g)
    assert Point.base_times(a) == a * g
    assert a * g + Point.identity() == a * g
    if not a.is_zero():
        assert a * a.inverse() == Scalar(1)


@pytest.mark.parametrize("value", [0, 1, 2**200, ORDER - 1])
def test_scalar_round_trips(value: int) -> None:
    scalar = Scalar(value)
    assert Scalar.from_bytes(scalar.to_bytes()) == scalar
    assert scalar.to_int() == value


@pytest.mark.parametrize(
    "data",
    [
        ORDER.to_bytes(32, "little"),
        (ORDER + 1).to_bytes(32, "little"),
        b"\xff" * 32,
        bytes(31),
        bytes(33),
    ],
)
def test_non_canonical_scalars_are_refused(data: bytes) -> None:
    with pytest.raises(DecodeError):
        Scalar.from_bytes(data)


@pytest.mark.parametrize("data", [bytes(31), bytes(33), b"", "not bytes"])
def test_points_of_wrong_length_or_type_are_refused(data: bytes) -> None:
    with pytest.raises(DecodeError):
        Point.from_bytes(data)


def test_identity_decodes_as_in_the_rfc() -> None:
    assert Point.from_bytes(bytes(32)).is_identity()


def test_hashes_separate_domains_and_part_boundaries() -> None:
    assert hash_to_scalar(b"one", b"x") != hash_to_scalar(b"two", b"x")
    assert hash_to_scalar(b"d", b"ab", b"c") != hash_to_scalar(b"d", b"a", b"bc")
    assert hash_to_scalar(b"d", b"ab") == hash_to_scalar(b"d", b"ab")
    assert hash_to_point(b"one", b"x") != hash_to_point(b"two", b"x")
    assert hash_to_point(b"d", b"ab", b"c") != hash_to_point(b"d", b"a", b"bc")


def test_values_are_immutable_and_scalars_stay_out_of_repr() -> None:
    secret = Scalar(123456789)
    assert "123456789" not in repr(secret)
    assert secret.to_bytes().hex() not in repr(secret)
    with pytest.raises(AttributeError):
        secret._encoding = bytes(32)  # type: ignore[misc]
    with pytest.raises(AttributeError):
        Point.generator()._encoding = bytes(32)  # type: ignore[misc]
