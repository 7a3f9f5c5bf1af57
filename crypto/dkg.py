"""The key ceremony: t-of-n trustees make a survey key together, with no dealer.

Pedersen's distributed key generation with Feldman commitments. Trustee i
(1..n) draws a polynomial f_i of degree t-1, publishes C_ik = a_ik·G
(k = 0..t-1), and sends trustee j the share f_i(j) sealed to j's personal key.
Summed coefficient-wise, C_k = Σ_i C_ik commit to F = Σ_i f_i, and trustee j's
final share is x_j = Σ_i f_i(j) = F(j). So the result of a ceremony is an
ordinary ``crypto.threshold.ThresholdKey`` whose public key is F(0)·G, and
``partial_decrypt``, ``verify_partial`` and ``combine_partials`` work on it
unchanged. Nobody ever holds F(0): it would take t final shares.

Who is who. Each trustee has a personal key pair (k_j, K_j = k_j·G) made in
their browser, with k_j sealed by their passphrase (``crypto.sealing``), and
proves possession of k_j when joining (a Schnorr proof bound to the ceremony
id and their index, ``join_context``). The server relays and stores; it is
not trusted. Every message a trustee makes is bound to it by k_j, so the
server cannot post one in their name:

* a dealing is signed with the dealer's personal key (otherwise the server
  could replace every dealing with one of its own and know the joint key);
* its constant term carries a Schnorr proof of knowledge of a_i0 (so no
  dealer can pick C_i0 to cancel the others' and choose the joint key);
* each sealed share proves knowledge of its ephemeral key (so a complaint,
  which reveals k_j·R, only reveals what the dealer of R already knew);
* a complaint carries a Chaum–Pedersen proof that log_G K_j = log_R D;
* an acknowledgement is a signature over the context and every dealing.

``ceremony_context`` frames the ceremony id, t and every personal key, in
trustee order; everything after the join is bound to it, and
``ceremony_fingerprint`` is a short code of it for trustees to compare aloud.

Formats (``frame`` is ``crypto.group.frame``: each part preceded by its length
as 8 bytes big-endian; indices and t are one byte; ids are UTF-8):

* join context: frame(b"leverage/ceremony/personal-key", ceremony id, j)
* ceremony context: frame(b"leverage/ceremony/context", version, ceremony id,
  t, n, K_1, ..., K_n)
* Schnorr proof (possession, constant term, share ephemeral key, signature):
  (c, z), 32 bytes each little-endian, c = SHA-512(frame(b"leverage/crypto/v1",
  domain, b"ristretto255", public, *parts, A)) mod L with A = w·G, z = w + c·x.
  Domains and parts: possession b"proof/ceremony/knowledge-of-discrete-log/v1"
  with (context); signature b"proof/ceremony/schnorr-signature/v1" with
  (message); share b"proof/ceremony/knowledge-of-sealed-share-ephemeral-key/v1"
  with (K_j, context, i, j, body). The constant term's possession context is
  frame(b"leverage/ceremony/constant-term", ceremony context, i).
* sealed share, version 1 (145 bytes): 0x01 || R (32) || c (32) || z (32) ||
  AES-256-GCM of f_i(j) (32 bytes little-endian) and its 16-byte tag (the
  body). R = r·G, S = r·K_j; HKDF-SHA256 with no salt, IKM = R || S,
  info = frame(b"leverage/ceremony/share/v1", K_j, context, i, j), 44 bytes:
  key the first 32, nonce the last 12. AAD = frame(0x01 || R, context, i, j).
* a dealing's signed message: frame(b"leverage/ceremony/dealing", context,
  body) with body = frame(i, frame(C_i0..), constant proof, frame(E_i1..E_in));
  an acknowledgement's: frame(b"leverage/ceremony/acknowledgement", context,
  frame(body_1, signature_1), ..., frame(body_n, signature_n)).
* complaint proof: ``crypto.proofs.prove_dleq`` (secret k_j, public K_j, base R,
  D) under frame(b"leverage/ceremony/complaint", context, i, j).

Random scalars are drawn from the CSPRNG unless a ``random_scalar`` source is
given (test vectors only; see ``crypto.proofs``), in this order: a dealing
draws its t coefficients, the constant proof's witness, then for each
recipient in order r and the share proof's witness, then the signature's
witness; a possession proof, a signature and a complaint draw one witness.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final, NamedTuple

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from crypto.errors import DecodeError, DkgError
from crypto.group import (
    ORDER,
    POINT_SIZE,
    SCALAR_SIZE,
    Point,
    Scalar,
    frame,
    hash_to_scalar,
    is_canonical_point_encoding,
)
from crypto.proofs import (
    DleqProof,
    KnowledgeProof,
    ScalarSource,
    prove_dleq,
    verify_dleq,
)
from crypto.threshold import MAX_TRUSTEES, KeyShare, ThresholdKey

CEREMONY_VERSION: Final = 1
TRANSCRIPT_FORMAT: Final = "leverage-key-ceremony"
SHARE_SEAL_VERSION: Final = 1
PROOF_SIZE: Final = 2 * SCALAR_SIZE
SIGNATURE_SIZE: Final = PROOF_SIZE
_TAG_SIZE: Final = 16
SEALED_SHARE_SIZE: Final = 1 + POINT_SIZE + PROOF_SIZE + SCALAR_SIZE + _TAG_SIZE
MAX_CEREMONY_ID: Final = 255
#: Bits of the context's digest in ``ceremony_fingerprint``: enough that a
#: server cannot make another set of keys with the same code in the hours a
#: ceremony lasts (2^80 hashes), few enough to read out over the phone.
FINGERPRINT_BITS: Final = 80

_PERSONAL_KEY_LABEL: Final = b"leverage/ceremony/personal-key"
_CONTEXT_LABEL: Final = b"leverage/ceremony/context"
_CONSTANT_LABEL: Final = b"leverage/ceremony/constant-term"
_DEALING_LABEL: Final = b"leverage/ceremony/dealing"
_ACKNOWLEDGEMENT_LABEL: Final = b"leverage/ceremony/acknowledgement"
_COMPLAINT_LABEL: Final = b"leverage/ceremony/complaint"
_SHARE_KDF_LABEL: Final = b"leverage/ceremony/share/v1"
_FINGERPRINT_LABEL: Final = b"leverage/ceremony/fingerprint"
POSSESSION_DOMAIN: Final = b"proof/ceremony/knowledge-of-discrete-log/v1"
SIGNATURE_DOMAIN: Final = b"proof/ceremony/schnorr-signature/v1"
SHARE_EPHEMERAL_DOMAIN: Final = b"proof/ceremony/knowledge-of-sealed-share-ephemeral-key/v1"
_SHARE_HEADER_SIZE: Final = 1 + POINT_SIZE + PROOF_SIZE


# -- small pieces -----------------------------------------------------------------------------------


def _draw(random_scalar: ScalarSource | None) -> Scalar:
    return Scalar.random() if random_scalar is None else random_scalar()


def _index_byte(index: int) -> bytes:
    return bytes([index])


def _id_bytes(ceremony_id: str) -> bytes:
    if not isinstance(ceremony_id, str) or not ceremony_id:
        raise DkgError("a ceremony id is a non-empty string")
    try:
        encoded = ceremony_id.encode("utf-8")
    except UnicodeEncodeError:
        raise DkgError("a ceremony id must be valid Unicode text") from None
    if len(encoded) > MAX_CEREMONY_ID:
        raise DkgError(f"a ceremony id is at most {MAX_CEREMONY_ID} bytes")
    return encoded


def _schnorr_prove(
    domain: bytes,
    secret: Scalar,
    public: Point,
    parts: Sequence[bytes],
    random_scalar: ScalarSource | None,
) -> bytes:
    witness = _draw(random_scalar)
    commitment = Point.base_times(witness)
    challenge = hash_to_scalar(domain, public.to_bytes(), *parts, commitment.to_bytes())
    return challenge.to_bytes() + (witness + challenge * secret).to_bytes()


def _schnorr_verify(domain: bytes, public: Point, proof: bytes, parts: Sequence[bytes]) -> bool:
    """The identity is refused as a public key: its discrete log is known."""
    if not isinstance(public, Point) or public.is_identity() or type(proof) is not bytes:
        return False
    try:
        parsed = KnowledgeProof.from_bytes(proof)
    except DecodeError:
        return False
    challenge = Scalar._trusted(parsed.challenge)
    commitment = Point.base_times(Scalar._trusted(parsed.response)) - public * challenge
    expected = hash_to_scalar(domain, public.to_bytes(), *parts, commitment.to_bytes())
    return hmac.compare_digest(parsed.challenge, expected.to_bytes())


def _evaluate(coefficients: Sequence[int], x: int) -> int:
    value = 0
    for coefficient in reversed(coefficients):
        value = (value * x + coefficient) % ORDER
    return value


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: object, what: str, trustee: int | None = None) -> bytes:
    if not isinstance(text, str):
        raise DkgError(f"{what} must be base64 text", trustee)
    try:
        data = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise DkgError(f"{what} is not valid base64", trustee) from None
    if _b64(data) != text:
        raise DkgError(f"{what} is not canonical base64", trustee)
    return data


def _point_from_b64(text: object, what: str, trustee: int | None = None) -> Point:
    try:
        return Point.from_bytes(_unb64(text, what, trustee))
    except DecodeError:
        raise DkgError(f"{what} is not a valid point", trustee) from None


def _index_from_json(value: object, what: str) -> int:
    if type(value) is not int or not 1 <= value <= MAX_TRUSTEES:
        raise DkgError(f"{what} must be a trustee index 1..{MAX_TRUSTEES}")
    return value


def _list_from_json(value: object, what: str, trustee: int | None = None) -> list[Any]:
    if not isinstance(value, list):
        raise DkgError(f"{what} must be a list", trustee)
    return value


def _exact_keys(data: object, keys: set[str], what: str) -> dict[str, Any]:
    if not isinstance(data, dict) or set(data) != keys:
        raise DkgError(f"{what} must be an object with exactly the fields {sorted(keys)}")
    return data


# -- joining ----------------------------------------------------------------------------------------


def join_context(ceremony_id: str, trustee_index: int) -> bytes:
    """What trustee j's personal key is bound to: its possession proof's
    context, and the associated data of its passphrase seal."""
    if type(trustee_index) is not int or not 1 <= trustee_index <= MAX_TRUSTEES:
        raise DkgError(f"trustee index must be 1..{MAX_TRUSTEES}")
    return frame(_PERSONAL_KEY_LABEL, _id_bytes(ceremony_id), _index_byte(trustee_index))


def prove_possession(
    secret: Scalar, public: Point, context: bytes, *, random_scalar: ScalarSource | None = None
) -> bytes:
    """Schnorr proof (64 bytes) of knowing ``secret`` = log_G ``public``, bound to ``context``."""
    if not isinstance(context, bytes):
        raise TypeError("context must be bytes")
    if secret.is_zero() or Point.base_times(secret) != public:
        raise ValueError("the public key is not the secret times the generator")
    return _schnorr_prove(POSSESSION_DOMAIN, secret, public, (context,), random_scalar)


def verify_possession(public: Point, proof: bytes, context: bytes) -> bool:
    return isinstance(context, bytes) and _schnorr_verify(
        POSSESSION_DOMAIN, public, proof, (context,)
    )


def sign(
    secret: Scalar, public: Point, message: bytes, *, random_scalar: ScalarSource | None = None
) -> bytes:
    """A Schnorr signature (64 bytes) on ``message`` with a personal key."""
    if secret.is_zero() or Point.base_times(secret) != public:
        raise ValueError("the public key is not the secret times the generator")
    return _schnorr_prove(SIGNATURE_DOMAIN, secret, public, (message,), random_scalar)


def verify_signature(public: Point, signature: bytes, message: bytes) -> bool:
    return isinstance(message, bytes) and _schnorr_verify(
        SIGNATURE_DOMAIN, public, signature, (message,)
    )


# -- the ceremony's context -------------------------------------------------------------------------


class CeremonyParameters(NamedTuple):
    """What a ceremony context binds, read back from it."""

    ceremony_id: str
    threshold: int
    personal_keys: tuple[Point, ...]


def ceremony_context(ceremony_id: str, threshold: int, personal_keys: Sequence[Point]) -> bytes:
    """The bytes every dealing, complaint and acknowledgement is bound to:
    the ceremony id, t, and every personal key in trustee order 1..n."""
    keys = tuple(personal_keys)
    count = len(keys)
    if type(threshold) is not int or not 1 <= threshold <= count <= MAX_TRUSTEES:
        raise DkgError(f"need 1 <= threshold <= trustees <= {MAX_TRUSTEES}")
    seen: set[Point] = set()
    for index, key in enumerate(keys, start=1):
        if not isinstance(key, Point) or key.is_identity():
            raise DkgError(f"trustee {index}'s personal key is not a valid point", index)
        if key in seen:
            raise DkgError(f"trustee {index}'s personal key is another trustee's", index)
        seen.add(key)
    return frame(
        _CONTEXT_LABEL,
        bytes([CEREMONY_VERSION]),
        _id_bytes(ceremony_id),
        bytes([threshold]),
        bytes([count]),
        *(key.to_bytes() for key in keys),
    )


def _unframe(data: bytes) -> list[bytes]:
    parts = []
    at = 0
    while at < len(data):
        if at + 8 > len(data):
            raise DkgError("the ceremony context is malformed")
        size = int.from_bytes(data[at : at + 8], "big")
        if at + 8 + size > len(data):
            raise DkgError("the ceremony context is malformed")
        parts.append(data[at + 8 : at + 8 + size])
        at += 8 + size
    return parts


def parse_ceremony_context(context: bytes) -> CeremonyParameters:
    """The ceremony id, t and personal keys a context was made from; DkgError
    for anything ``ceremony_context`` would not have made."""
    if type(context) is not bytes:
        raise DkgError("the ceremony context must be bytes")
    parts = _unframe(context)
    if len(parts) < 5 or parts[0] != _CONTEXT_LABEL:
        raise DkgError("this is not a ceremony context")
    if parts[1] != bytes([CEREMONY_VERSION]):
        raise DkgError("the ceremony context has an unknown version")
    if len(parts[3]) != 1 or len(parts[4]) != 1 or parts[4][0] != len(parts) - 5:
        raise DkgError("the ceremony context is malformed")
    try:
        ceremony_id = parts[2].decode("utf-8")
        keys = tuple(Point.from_bytes(part) for part in parts[5:])
    except (UnicodeDecodeError, DecodeError):
        raise DkgError("the ceremony context is malformed") from None
    parameters = CeremonyParameters(ceremony_id, parts[3][0], keys)
    if ceremony_context(*parameters) != context:
        raise DkgError("the ceremony context is not canonical")
    return parameters


def ceremony_fingerprint(context: bytes) -> str:
    """A short code of the context ("4F2A-91C3-07BD-E55A-1D20") for trustees to
    compare with each other: the same code means the same ceremony id, t and
    personal keys."""
    parse_ceremony_context(context)
    digest = hashlib.sha256(frame(_FINGERPRINT_LABEL, context)).hexdigest().upper()
    code = digest[: FINGERPRINT_BITS // 4]
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def _trustee_key(parameters: CeremonyParameters, index: int, role: str = "trustee") -> Point:
    if type(index) is not int or not 1 <= index <= len(parameters.personal_keys):
        raise DkgError(f"{role} index must be 1..{len(parameters.personal_keys)}")
    return parameters.personal_keys[index - 1]


def _check_own_key(parameters: CeremonyParameters, index: int, secret: Scalar) -> Point:
    key = _trustee_key(parameters, index)
    if not isinstance(secret, Scalar) or Point.base_times(secret) != key:
        raise DkgError(f"this secret is not trustee {index}'s personal key in this ceremony", index)
    return key


# -- sealed shares ----------------------------------------------------------------------------------


def _share_key_and_nonce(
    recipient_key: Point, ephemeral: bytes, shared: bytes, context: bytes, dealer: int, recipient: int
) -> tuple[bytes, bytes]:
    okm = HKDF(
        algorithm=hashes.SHA256(),
        length=32 + 12,
        salt=None,
        info=frame(
            _SHARE_KDF_LABEL,
            recipient_key.to_bytes(),
            context,
            _index_byte(dealer),
            _index_byte(recipient),
        ),
    ).derive(ephemeral + shared)
    return okm[:32], okm[32:]


def _share_aad(ephemeral: bytes, context: bytes, dealer: int, recipient: int) -> bytes:
    return frame(
        bytes([SHARE_SEAL_VERSION]) + ephemeral, context, _index_byte(dealer), _index_byte(recipient)
    )


def _share_proof_parts(
    recipient_key: Point, context: bytes, dealer: int, recipient: int, body: bytes
) -> tuple[bytes, ...]:
    return (recipient_key.to_bytes(), context, _index_byte(dealer), _index_byte(recipient), body)


def seal_share(
    share: Scalar,
    recipient_key: Point,
    context: bytes,
    dealer: int,
    recipient: int,
    *,
    random_scalar: ScalarSource | None = None,
) -> bytes:
    """Encrypt dealer i's share f_i(j) to trustee j's personal key, bound to the
    context and both indices, with a proof of knowledge of its ephemeral key."""
    if not (isinstance(share, Scalar) and isinstance(recipient_key, Point)):
        raise TypeError("seal_share takes a Scalar share and a Point key")
    if recipient_key.is_identity():
        raise DkgError(f"trustee {recipient}'s personal key is the identity", recipient)
    nonce_scalar = _draw(random_scalar)
    ephemeral = Point.base_times(nonce_scalar).to_bytes()
    shared = (recipient_key * nonce_scalar).to_bytes()
    key, nonce = _share_key_and_nonce(recipient_key, ephemeral, shared, context, dealer, recipient)
    body = AESGCM(key).encrypt(
        nonce, share.to_bytes(), _share_aad(ephemeral, context, dealer, recipient)
    )
    proof = _schnorr_prove(
        SHARE_EPHEMERAL_DOMAIN,
        nonce_scalar,
        Point._trusted(ephemeral),
        _share_proof_parts(recipient_key, context, dealer, recipient, body),
        random_scalar,
    )
    return bytes([SHARE_SEAL_VERSION]) + ephemeral + proof + body


def _sealed_share_ephemeral(sealed: bytes, dealer: int, recipient: int) -> Point:
    """R of a sealed share, checked for structure only."""
    if type(sealed) is not bytes or len(sealed) != SEALED_SHARE_SIZE:
        raise DkgError(f"dealer {dealer}'s share for trustee {recipient} is malformed", dealer)
    if sealed[0] != SHARE_SEAL_VERSION:
        raise DkgError(
            f"dealer {dealer}'s share for trustee {recipient} has an unknown version", dealer
        )
    ephemeral = sealed[1 : 1 + POINT_SIZE]
    if not is_canonical_point_encoding(ephemeral) or ephemeral == bytes(POINT_SIZE):
        raise DkgError(
            f"dealer {dealer}'s share for trustee {recipient} has an invalid ephemeral point", dealer
        )
    return Point(ephemeral)


def verify_sealed_share(
    sealed: bytes, recipient_key: Point, context: bytes, dealer: int, recipient: int
) -> bool:
    """True when the sealed share is well formed and proves its ephemeral key
    for this recipient, context and pair of indices."""
    try:
        ephemeral = _sealed_share_ephemeral(sealed, dealer, recipient)
    except DkgError:
        return False
    return _schnorr_verify(
        SHARE_EPHEMERAL_DOMAIN,
        ephemeral,
        sealed[1 + POINT_SIZE : _SHARE_HEADER_SIZE],
        _share_proof_parts(recipient_key, context, dealer, recipient, sealed[_SHARE_HEADER_SIZE:]),
    )


def _open_share_with_shared(
    sealed: bytes,
    recipient_key: Point,
    shared: Point,
    context: bytes,
    dealer: int,
    recipient: int,
) -> Scalar:
    if not verify_sealed_share(sealed, recipient_key, context, dealer, recipient):
        raise DkgError(f"dealer {dealer}'s share for trustee {recipient} is malformed", dealer)
    ephemeral = sealed[1 : 1 + POINT_SIZE]
    key, nonce = _share_key_and_nonce(
        recipient_key, ephemeral, shared.to_bytes(), context, dealer, recipient
    )
    try:
        plain = AESGCM(key).decrypt(
            nonce, sealed[_SHARE_HEADER_SIZE:], _share_aad(ephemeral, context, dealer, recipient)
        )
        return Scalar.from_bytes(plain)
    except (InvalidTag, DecodeError):
        raise DkgError(
            f"dealer {dealer}'s share for trustee {recipient} does not open", dealer
        ) from None


def open_share(
    sealed: bytes, recipient_secret: Scalar, context: bytes, dealer: int, recipient: int
) -> Scalar:
    """Trustee j opens dealer i's share with its personal secret; DkgError
    naming the dealer when it does not open."""
    recipient_key = Point.base_times(recipient_secret)
    ephemeral = _sealed_share_ephemeral(sealed, dealer, recipient)
    return _open_share_with_shared(
        sealed, recipient_key, ephemeral * recipient_secret, context, dealer, recipient
    )


def share_matches(share: Scalar, commitments: Sequence[Point], recipient: int) -> bool:
    """Feldman's check: share·G == Σ_k recipient^k·C_k."""
    if not isinstance(share, Scalar) or type(recipient) is not int or recipient < 1:
        return False
    if not all(isinstance(c, Point) for c in commitments):
        return False
    expected = Point.identity()
    power = Scalar(1)
    step = Scalar(recipient)
    for commitment in commitments:
        expected = expected + commitment * power
        power = power * step
    return Point.base_times(share) == expected


# -- dealings ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Dealing:
    """Dealer i's public part: commitments C_i0..C_i,t-1, the proof of
    knowledge of a_i0, the share for each trustee j at j-1 (sealed to K_j),
    and the dealer's signature on all of it."""

    dealer: int
    commitments: tuple[Point, ...]
    constant_proof: bytes
    sealed_shares: tuple[bytes, ...]
    signature: bytes

    def to_json(self) -> dict[str, Any]:
        return {
            "dealer": self.dealer,
            "commitments": [_b64(c.to_bytes()) for c in self.commitments],
            "constant_proof": _b64(self.constant_proof),
            "sealed_shares": [_b64(s) for s in self.sealed_shares],
            "signature": _b64(self.signature),
        }

    @classmethod
    def from_json(cls, data: object) -> Dealing:
        """Strict: DkgError (naming the dealer once known) for anything else."""
        fields = _exact_keys(
            data, {"dealer", "commitments", "constant_proof", "sealed_shares", "signature"}, "a dealing"
        )
        dealer = _index_from_json(fields["dealer"], "a dealing's dealer")
        commitments = tuple(
            _point_from_b64(c, f"dealer {dealer}'s commitment", dealer)
            for c in _list_from_json(fields["commitments"], "commitments", dealer)
        )
        sealed = tuple(
            _unb64(s, f"dealer {dealer}'s sealed share", dealer)
            for s in _list_from_json(fields["sealed_shares"], "sealed shares", dealer)
        )
        return cls(
            dealer,
            commitments,
            _unb64(fields["constant_proof"], f"dealer {dealer}'s constant proof", dealer),
            sealed,
            _unb64(fields["signature"], f"dealer {dealer}'s signature", dealer),
        )


def _dealing_body(dealing: Dealing) -> bytes:
    return frame(
        _index_byte(dealing.dealer),
        frame(*(c.to_bytes() for c in dealing.commitments)),
        dealing.constant_proof,
        frame(*dealing.sealed_shares),
    )


def _dealing_message(context: bytes, dealing: Dealing) -> bytes:
    return frame(_DEALING_LABEL, context, _dealing_body(dealing))


def _constant_context(context: bytes, dealer: int) -> bytes:
    return frame(_CONSTANT_LABEL, context, _index_byte(dealer))


def make_dealing(
    context: bytes,
    threshold: int,
    dealer: int,
    personal_keys: Sequence[Point],
    dealer_secret: Scalar,
    *,
    random_scalar: ScalarSource | None = None,
) -> Dealing:
    """Dealer i's dealing (browsers make theirs in JavaScript; this one is for
    tests and vectors). The polynomial exists only inside this call."""
    parameters = parse_ceremony_context(context)
    if threshold != parameters.threshold or tuple(personal_keys) != parameters.personal_keys:
        raise DkgError("the threshold or personal keys are not the ones of this ceremony context")
    _check_own_key(parameters, dealer, dealer_secret)
    coefficients = [_draw(random_scalar) for _ in range(threshold)]
    commitments = tuple(Point.base_times(a) for a in coefficients)
    constant_proof = _schnorr_prove(
        POSSESSION_DOMAIN,
        coefficients[0],
        commitments[0],
        (_constant_context(context, dealer),),
        random_scalar,
    )
    values = [a.to_int() for a in coefficients]
    sealed_shares = tuple(
        seal_share(
            Scalar(_evaluate(values, recipient)),
            key,
            context,
            dealer,
            recipient,
            random_scalar=random_scalar,
        )
        for recipient, key in enumerate(parameters.personal_keys, start=1)
    )
    unsigned = Dealing(dealer, commitments, constant_proof, sealed_shares, b"")
    return sign_dealing(context, unsigned, dealer_secret, random_scalar=random_scalar)


def sign_dealing(
    context: bytes,
    dealing: Dealing,
    dealer_secret: Scalar,
    *,
    random_scalar: ScalarSource | None = None,
) -> Dealing:
    """The dealing with its dealer's signature on the context and every other field."""
    parameters = parse_ceremony_context(context)
    dealer_key = _check_own_key(parameters, dealing.dealer, dealer_secret)
    signature = sign(
        dealer_secret, dealer_key, _dealing_message(context, dealing), random_scalar=random_scalar
    )
    return Dealing(
        dealing.dealer, dealing.commitments, dealing.constant_proof, dealing.sealed_shares, signature
    )


def verify_dealing_shape(
    context: bytes, threshold: int, dealer: int, trustee_count: int, dealing: Dealing
) -> None:
    """Everything about a dealing anyone can check without a personal secret:
    its dealer, t commitments, the proof of its constant term, n well-formed
    sealed shares that prove their ephemeral keys, and the dealer's
    signature. Raises DkgError naming the dealer."""
    parameters = parse_ceremony_context(context)
    if threshold != parameters.threshold or trustee_count != len(parameters.personal_keys):
        raise DkgError("the threshold or trustee count is not the one of this ceremony context")
    dealer_key = _trustee_key(parameters, dealer, "dealer")
    if not isinstance(dealing, Dealing):
        raise DkgError(f"dealer {dealer}'s dealing is not a dealing", dealer)
    if dealing.dealer != dealer:
        raise DkgError(
            f"the dealing in dealer {dealer}'s place says it is dealer {dealing.dealer}'s", dealer
        )
    commitments = dealing.commitments
    if (
        not isinstance(commitments, tuple)
        or len(commitments) != threshold
        or not all(isinstance(c, Point) for c in commitments)
    ):
        raise DkgError(f"dealer {dealer} did not commit to {threshold} coefficients", dealer)
    if commitments[0].is_identity():
        raise DkgError(f"dealer {dealer}'s constant term is zero", dealer)
    if not _schnorr_verify(
        POSSESSION_DOMAIN, commitments[0], dealing.constant_proof, (_constant_context(context, dealer),)
    ):
        raise DkgError(f"dealer {dealer}'s proof of their constant term does not verify", dealer)
    if not isinstance(dealing.sealed_shares, tuple) or len(dealing.sealed_shares) != trustee_count:
        raise DkgError(
            f"dealer {dealer} did not seal one share for each of {trustee_count} trustees", dealer
        )
    for recipient, (sealed, key) in enumerate(
        zip(dealing.sealed_shares, parameters.personal_keys), start=1
    ):
        if not verify_sealed_share(sealed, key, context, dealer, recipient):
            raise DkgError(f"dealer {dealer}'s share for trustee {recipient} is malformed", dealer)
    if not verify_signature(dealer_key, dealing.signature, _dealing_message(context, dealing)):
        raise DkgError(f"dealer {dealer}'s signature on their dealing does not verify", dealer)


def _check_dealings(
    parameters: CeremonyParameters, dealings: Sequence[Dealing]
) -> tuple[Dealing, ...]:
    dealings = tuple(dealings)
    count = len(parameters.personal_keys)
    if len(dealings) != count:
        raise DkgError(f"a ceremony of {count} trustees needs {count} dealings, got {len(dealings)}")
    for dealer, dealing in enumerate(dealings, start=1):
        if not isinstance(dealing, Dealing) or dealing.dealer != dealer:
            raise DkgError(f"the dealing in dealer {dealer}'s place is not theirs", dealer)
        if len(dealing.sealed_shares) != count:
            raise DkgError(
                f"dealer {dealer} did not seal one share for each of {count} trustees", dealer
            )
    return dealings


def joint_key(threshold: int, trustee_count: int, dealings: Sequence[Dealing]) -> ThresholdKey:
    """The ceremony's key: the dealings' commitments summed coefficient-wise.
    It does not check the dealings; ``verify_transcript`` does."""
    dealings = tuple(dealings)
    if len(dealings) != trustee_count:
        raise DkgError(f"a ceremony of {trustee_count} trustees needs {trustee_count} dealings")
    sums = [Point.identity()] * threshold
    for dealer, dealing in enumerate(dealings, start=1):
        if not isinstance(dealing, Dealing) or dealing.dealer != dealer:
            raise DkgError(f"the dealing in dealer {dealer}'s place is not theirs", dealer)
        if len(dealing.commitments) != threshold:
            raise DkgError(f"dealer {dealer} did not commit to {threshold} coefficients", dealer)
        sums = [total + c for total, c in zip(sums, dealing.commitments)]
    try:
        return ThresholdKey(threshold, trustee_count, tuple(sums))
    except DecodeError as exc:
        raise DkgError(f"the dealings do not make a key: {exc}") from None


def final_share(
    context: bytes, dealings: Sequence[Dealing], recipient: int, recipient_secret: Scalar
) -> KeyShare:
    """Trustee j's share of the joint key, Σ_i f_i(j), from its sealed shares;
    DkgError naming the dealer whose share does not open or does not match."""
    parameters = parse_ceremony_context(context)
    _check_own_key(parameters, recipient, recipient_secret)
    total = Scalar(0)
    for dealer, dealing in enumerate(_check_dealings(parameters, dealings), start=1):
        sealed = dealing.sealed_shares[recipient - 1]
        share = open_share(sealed, recipient_secret, context, dealer, recipient)
        if not share_matches(share, dealing.commitments, recipient):
            raise DkgError(
                f"dealer {dealer}'s share for trustee {recipient} does not match their commitments",
                dealer,
            )
        total = total + share
    return KeyShare(recipient, total)


# -- acknowledgements -------------------------------------------------------------------------------


def _acknowledgement_message(context: bytes, dealings: Sequence[Dealing]) -> bytes:
    return frame(
        _ACKNOWLEDGEMENT_LABEL,
        context,
        *(frame(_dealing_body(d), d.signature) for d in dealings),
    )


def make_acknowledgement(
    context: bytes,
    dealings: Sequence[Dealing],
    trustee: int,
    secret: Scalar,
    *,
    random_scalar: ScalarSource | None = None,
) -> bytes:
    """Trustee j's signature that every share it received opens and matches.
    It checks them first (as the browser does) and raises DkgError naming the
    first dealer whose share does not, rather than acknowledging it."""
    parameters = parse_ceremony_context(context)
    final_share(context, dealings, trustee, secret)
    return sign(
        secret,
        parameters.personal_keys[trustee - 1],
        _acknowledgement_message(context, dealings),
        random_scalar=random_scalar,
    )


def verify_acknowledgement(
    context: bytes, dealings: Sequence[Dealing], trustee: int, signature: bytes
) -> bool:
    try:
        parameters = parse_ceremony_context(context)
        key = _trustee_key(parameters, trustee)
        dealings = _check_dealings(parameters, dealings)
    except DkgError:
        return False
    return verify_signature(key, signature, _acknowledgement_message(context, dealings))


# -- complaints -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Complaint:
    """Trustee j (the accuser) says dealer i's share does not open or match, and
    reveals D = k_j·R_ij with a proof, so that anyone can open the share."""

    dealer: int
    accuser: int
    revealed: Point
    proof: bytes

    def to_json(self) -> dict[str, Any]:
        return {
            "dealer": self.dealer,
            "accuser": self.accuser,
            "revealed": _b64(self.revealed.to_bytes()),
            "proof": _b64(self.proof),
        }

    @classmethod
    def from_json(cls, data: object) -> Complaint:
        fields = _exact_keys(data, {"dealer", "accuser", "revealed", "proof"}, "a complaint")
        accuser = _index_from_json(fields["accuser"], "a complaint's accuser")
        return cls(
            _index_from_json(fields["dealer"], "a complaint's dealer"),
            accuser,
            _point_from_b64(fields["revealed"], f"trustee {accuser}'s revealed point", accuser),
            _unb64(fields["proof"], f"trustee {accuser}'s complaint proof", accuser),
        )


def _complaint_context(context: bytes, dealer: int, accuser: int) -> bytes:
    return frame(_COMPLAINT_LABEL, context, _index_byte(dealer), _index_byte(accuser))


def make_complaint(
    context: bytes,
    dealing: Dealing,
    accuser: int,
    accuser_secret: Scalar,
    *,
    random_scalar: ScalarSource | None = None,
) -> Complaint:
    """Trustee j's complaint against the dealer of ``dealing``. It does not
    check that the share is bad: an unfounded complaint is refused by
    ``judge_complaint`` (and gives away the accuser's own share)."""
    parameters = parse_ceremony_context(context)
    accuser_key = _check_own_key(parameters, accuser, accuser_secret)
    if not isinstance(dealing, Dealing) or not 1 <= accuser <= len(dealing.sealed_shares):
        raise DkgError(f"the dealing holds no share for trustee {accuser}")
    sealed = dealing.sealed_shares[accuser - 1]
    ephemeral = _sealed_share_ephemeral(sealed, dealing.dealer, accuser)
    revealed = ephemeral * accuser_secret
    proof = prove_dleq(
        accuser_secret,
        accuser_key,
        ephemeral,
        revealed,
        _complaint_context(context, dealing.dealer, accuser),
        random_scalar=random_scalar,
    )
    return Complaint(dealing.dealer, accuser, revealed, proof.to_bytes())


def judge_complaint(
    context: bytes, dealing: Dealing, complaint: Complaint, accuser_key: Point
) -> bool:
    """True when the dealer is at fault: its dealing is malformed, or the share
    the accuser's revealed point opens does not open or does not match the
    commitments. False when the complaint is unfounded or does not prove
    itself (wrong dealer, accuser or key, or a proof that fails)."""
    try:
        parameters = parse_ceremony_context(context)
    except DkgError:
        return False
    if not (isinstance(dealing, Dealing) and isinstance(complaint, Complaint)):
        return False
    count = len(parameters.personal_keys)
    accuser = complaint.accuser
    if (
        type(accuser) is not int
        or not 1 <= accuser <= count
        or complaint.dealer != dealing.dealer
        or not isinstance(complaint.revealed, Point)
        or accuser_key != parameters.personal_keys[accuser - 1]
    ):
        return False
    try:
        verify_dealing_shape(context, parameters.threshold, dealing.dealer, count, dealing)
    except DkgError:
        return True
    sealed = dealing.sealed_shares[accuser - 1]
    ephemeral = _sealed_share_ephemeral(sealed, dealing.dealer, accuser)
    try:
        proof = DleqProof.from_bytes(complaint.proof)
    except DecodeError:
        return False
    if not verify_dleq(
        accuser_key,
        ephemeral,
        complaint.revealed,
        proof,
        _complaint_context(context, dealing.dealer, accuser),
    ):
        return False
    try:
        share = _open_share_with_shared(
            sealed, accuser_key, complaint.revealed, context, dealing.dealer, accuser
        )
    except DkgError:
        return True
    return not share_matches(share, dealing.commitments, accuser)


# -- the transcript ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Transcript:
    """Everything public about a finished ceremony, in trustee order; it goes
    into the election record of every survey made with the key. The sealed
    personal secrets are not part of it."""

    version: int
    ceremony_id: str
    threshold: int
    personal_keys: tuple[Point, ...]
    possession_proofs: tuple[bytes, ...]
    dealings: tuple[Dealing, ...]
    acknowledgements: tuple[bytes, ...]

    @property
    def context(self) -> bytes:
        return ceremony_context(self.ceremony_id, self.threshold, self.personal_keys)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": TRANSCRIPT_FORMAT,
            "version": self.version,
            "ceremony_id": self.ceremony_id,
            "threshold": self.threshold,
            "personal_keys": [_b64(k.to_bytes()) for k in self.personal_keys],
            "possession_proofs": [_b64(p) for p in self.possession_proofs],
            "dealings": [d.to_json() for d in self.dealings],
            "acknowledgements": [_b64(a) for a in self.acknowledgements],
        }

    @classmethod
    def from_json(cls, data: object) -> Transcript:
        fields = _exact_keys(
            data,
            {"format", "version", "ceremony_id", "threshold", "personal_keys",
             "possession_proofs", "dealings", "acknowledgements"},
            "a ceremony transcript",
        )
        if fields["format"] != TRANSCRIPT_FORMAT:
            raise DkgError("this is not a key ceremony transcript")
        if type(fields["version"]) is not int or type(fields["threshold"]) is not int:
            raise DkgError("a transcript's version and threshold are integers")
        if not isinstance(fields["ceremony_id"], str):
            raise DkgError("a transcript's ceremony id is a string")
        keys = _list_from_json(fields["personal_keys"], "personal keys")
        proofs = _list_from_json(fields["possession_proofs"], "possession proofs")
        acknowledgements = _list_from_json(fields["acknowledgements"], "acknowledgements")
        return cls(
            fields["version"],
            fields["ceremony_id"],
            fields["threshold"],
            tuple(
                _point_from_b64(k, f"trustee {j}'s personal key", j)
                for j, k in enumerate(keys, start=1)
            ),
            tuple(
                _unb64(p, f"trustee {j}'s possession proof", j)
                for j, p in enumerate(proofs, start=1)
            ),
            tuple(Dealing.from_json(d) for d in _list_from_json(fields["dealings"], "dealings")),
            tuple(
                _unb64(a, f"trustee {j}'s acknowledgement", j)
                for j, a in enumerate(acknowledgements, start=1)
            ),
        )


def verify_transcript(transcript: Transcript) -> ThresholdKey:
    """Check a finished ceremony and return its key. Raises DkgError naming the
    first thing that fails, and the trustee at fault: the version, the counts,
    each trustee's proof of possession, each dealing's shape and signature,
    each trustee's acknowledgement of every dealing."""
    if not isinstance(transcript, Transcript):
        raise DkgError("not a ceremony transcript")
    if transcript.version != CEREMONY_VERSION:
        raise DkgError(f"unknown ceremony version {transcript.version!r}")
    count = len(transcript.personal_keys)
    threshold = transcript.threshold
    if type(threshold) is not int or not 1 <= threshold <= count <= MAX_TRUSTEES:
        raise DkgError(f"the transcript needs 1 <= threshold <= trustees <= {MAX_TRUSTEES}")
    for what, items in (
        ("possession proofs", transcript.possession_proofs),
        ("dealings", transcript.dealings),
        ("acknowledgements", transcript.acknowledgements),
    ):
        if len(items) != count:
            raise DkgError(f"the transcript has {len(items)} {what} for {count} trustees")
    context = transcript.context
    for trustee, (key, proof) in enumerate(
        zip(transcript.personal_keys, transcript.possession_proofs), start=1
    ):
        if not verify_possession(key, proof, join_context(transcript.ceremony_id, trustee)):
            raise DkgError(
                f"trustee {trustee}'s proof of their personal key does not verify", trustee
            )
    for dealer, dealing in enumerate(transcript.dealings, start=1):
        verify_dealing_shape(context, threshold, dealer, count, dealing)
    for trustee, signature in enumerate(transcript.acknowledgements, start=1):
        if not verify_acknowledgement(context, transcript.dealings, trustee, signature):
            raise DkgError(f"trustee {trustee}'s acknowledgement does not verify", trustee)
    return joint_key(threshold, count, transcript.dealings)
