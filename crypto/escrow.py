"""Stories in escrow: a text sealed to a key so that it opens only on its terms.

A story is sealed to an ElGamal public key: the union's joint key, made by its
trustees in a key ceremony (`crypto.dkg`), or a key made for the one story
whose secret the server keeps. It is hybrid encryption: an ECIES-style KEM
over ristretto255 gives a fresh AES-256-GCM key for the story alone, and the
story's *terms* (which story, which union, when it may open, in which time
zone) are bound into everything: the key derivation, the associated data and
a proof. Trustees open a story by partial decryptions of its KEM point R
(`crypto.threshold`), each proven under a context made from the same terms.

Terms
-----
``StoryTerms.context()`` is, with ``frame`` as in ``crypto.group``::

    frame(b"leverage/escrow/terms/v1", story_id, union_id, condition, time_zone)

story_id: 32 lowercase hex digits (ASCII); union_id: decimal digits (ASCII);
condition: ``b"on:" + YYYY-MM-DD`` (the first day it may open, in the time
zone) or ``b"recognised"`` (when the union is recognised, an event the
organizers record later); time_zone: the IANA name (ASCII). The trustees'
partials are proven under ``frame(b"leverage/escrow/partials/v1", context)``.

Sealed story, version 1::

    offset  size  field
    0       1     version = 0x01
    1       32    R = r·G, canonical ristretto255 encoding, not the identity
    33      32    c, challenge: canonical scalar, 32 bytes little-endian, < L
    65      32    z, response: canonical scalar, likewise
    97      n+16  AES-GCM ciphertext of the padded story (n = 256·k, k >= 1),
                  followed by its 16-byte tag: the "body"

Padding: P = len(story) as 4 bytes big-endian || story || zero bytes up to the
next multiple of 256, so a sealed story tells its length only to the nearest
256 bytes. Encryption: S = r·PK; HKDF-SHA256 with no salt, IKM = R || S,
info = frame(b"leverage/escrow/story/v1", PK, context), 44 bytes: the AES key
is the first 32, the GCM nonce the last 12 (derived: R is fresh for every
story). Associated data = frame(version || R, context).

Proof: a Schnorr proof that the sealer knew r, made after encrypting: witness
k, A = k·G, c = hash_to_scalar(b"proof/knowledge-of-escrow-story-ephemeral-key/v1",
PK, context, R, body, A) (``crypto.group.hash_to_scalar``), z = k + c·r mod L.

Why a proof, and why a domain of its own
----------------------------------------
The joint key that seals stories also locks the union's surveys. Whoever asks
trustees to decrypt a point they did not make could be asking for someone's
ballot (its alpha) or a survey comment's R: decrypting it would answer for
them. So a trustee decrypts a story's R only after this proof verifies, and
someone who can prove they knew r already knows r·PK: decrypting tells them
nothing they did not know. The proof's hash domain is not the survey
comments' (``crypto.sealing``): a story's seal never passes as a comment's,
so a server cannot have a story opened early through a survey's release,
and a comment's seal never passes as a story's. The terms are hashed too, so
a story's R cannot be presented under another story's terms or an earlier
date: a story opens on its own terms or not at all.

What this does not do: the story is sealed where it is written. Whoever seals
it knew r and could open it any time; the server seals a story as it arrives
and keeps no r, so the guarantee is against everything after that moment (a
copy of the database, an operator without the trustees, a server broken into
later). In server-key mode the server holds the secret too, sealed with the
application key: then its operator could open a story early, and every page
says so.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from crypto.elgamal import PublicKey, SecretKey
from crypto.errors import CryptoError, DecodeError, SealError
from crypto.group import (
    POINT_SIZE,
    SCALAR_SIZE,
    Point,
    Scalar,
    base_mul_encoding,
    frame,
    hash_to_scalar,
    is_canonical_point_encoding,
    is_canonical_scalar_encoding,
    mul_encoding,
    sub_encodings,
)
from crypto.proofs import ScalarSource
from crypto.threshold import (
    KeyShare,
    PartialDecryption,
    ThresholdKey,
    combine_partials,
    partial_decrypt,
    verify_partial,
)

STORY_SEAL_VERSION: Final = 1
STORY_PADDING_BLOCK: Final = 256
NONCE_SIZE: Final = 12
TAG_SIZE: Final = 16
#: Version byte, R and the proof: everything before the AES-GCM body.
STORY_HEADER_SIZE: Final = 1 + POINT_SIZE + 2 * SCALAR_SIZE
#: The longest story (in bytes, before padding) a seal takes: far beyond any form's limit.
MAX_STORY_BYTES: Final = 1 << 20
TERMS_DOMAIN: Final = b"leverage/escrow/terms/v1"
PARTIALS_DOMAIN: Final = b"leverage/escrow/partials/v1"
KDF_DOMAIN: Final = b"leverage/escrow/story/v1"
PROOF_DOMAIN: Final = b"proof/knowledge-of-escrow-story-ephemeral-key/v1"
RECOGNISED: Final = b"recognised"
_STORY_ID = re.compile(r"[0-9a-f]{32}")
_TIME_ZONE = re.compile(r"[A-Za-z0-9_+\-/]{1,64}")


@dataclass(frozen=True, slots=True)
class StoryTerms:
    """When and for whom of a story, as bound into its seal: its id, its union,
    and either the first day it may open in `time_zone` or "when the union is
    recognised". Exactly one of `opens_on` and `when_recognised`."""

    story_id: str
    union_id: int
    opens_on: date | None
    when_recognised: bool
    time_zone: str

    def __post_init__(self) -> None:
        if not isinstance(self.story_id, str) or not _STORY_ID.fullmatch(self.story_id):
            raise DecodeError("a story id is 32 lowercase hex digits")
        if type(self.union_id) is not int or not 1 <= self.union_id < 2**31:
            raise DecodeError("a union id is a positive row id")
        if type(self.when_recognised) is not bool:
            raise DecodeError("when_recognised is true or false")
        if self.when_recognised == (self.opens_on is not None):
            raise DecodeError("a story opens on a date or when the union is recognised, one of the two")
        if self.opens_on is not None and type(self.opens_on) is not date:
            raise DecodeError("a story's date is a day")
        if not isinstance(self.time_zone, str) or not _TIME_ZONE.fullmatch(self.time_zone):
            raise DecodeError("a time zone is an IANA name")

    @property
    def condition(self) -> bytes:
        return RECOGNISED if self.when_recognised else b"on:" + self.opens_on.isoformat().encode("ascii")

    def context(self) -> bytes:
        return frame(TERMS_DOMAIN, self.story_id.encode("ascii"), str(self.union_id).encode("ascii"),
                     self.condition, self.time_zone.encode("ascii"))

    def partials_context(self) -> bytes:
        """What every trustee's partial decryption of the story is proven under."""
        return frame(PARTIALS_DOMAIN, self.context())

    def is_due(self, local_today: date, recognised_on: date | None) -> bool:
        """Whether the story may open on `local_today` (a day in `time_zone`), the union
        having been recognised on `recognised_on` (None: not yet)."""
        if self.when_recognised:
            return recognised_on is not None and recognised_on <= local_today
        return self.opens_on <= local_today


def _pad(story: bytes) -> bytes:
    framed = len(story).to_bytes(4, "big") + story
    return framed + bytes(-len(framed) % STORY_PADDING_BLOCK)


def _unpad(padded: bytes) -> bytes:
    length = int.from_bytes(padded[:4], "big")
    if 4 + length > len(padded) or any(padded[4 + length:]):
        raise SealError("sealed story has malformed padding")
    return padded[4:4 + length]


def _key_and_nonce(public_key: PublicKey, ephemeral: bytes, shared: bytes, context: bytes) -> tuple[bytes, bytes]:
    okm = HKDF(algorithm=hashes.SHA256(), length=32 + NONCE_SIZE, salt=None,
               info=frame(KDF_DOMAIN, public_key.to_bytes(), context)).derive(ephemeral + shared)
    return okm[:32], okm[32:]


def _challenge(public_key: bytes, context: bytes, ephemeral: bytes, body: bytes, commitment: bytes) -> bytes:
    # Strong Fiat–Shamir: the key, the terms, R and the body are all hashed, so the
    # proof cannot be lifted onto another story's body, key or terms.
    return hash_to_scalar(PROOF_DOMAIN, public_key, context, ephemeral, body, commitment).to_bytes()


def _scalar_source(random_scalar: ScalarSource | None) -> Scalar:
    return Scalar.random() if random_scalar is None else random_scalar()


def seal_story(public_key: PublicKey, story: bytes, terms: StoryTerms, *,
               random_scalar: ScalarSource | None = None) -> bytes:
    """Seal `story` (bytes) to `public_key` under `terms`. `random_scalar` is for
    test vectors only: r is drawn first, then the proof's witness."""
    if not isinstance(public_key, PublicKey) or not isinstance(terms, StoryTerms) or not isinstance(story, bytes):
        raise TypeError("seal_story takes a PublicKey, the story as bytes and its StoryTerms")
    if len(story) > MAX_STORY_BYTES:
        raise ValueError(f"a story is at most {MAX_STORY_BYTES} bytes")
    context = terms.context()
    nonce_scalar = _scalar_source(random_scalar)
    ephemeral = Point.base_times(nonce_scalar).to_bytes()
    shared = (public_key.point * nonce_scalar).to_bytes()
    key, nonce = _key_and_nonce(public_key, ephemeral, shared, context)
    header = bytes([STORY_SEAL_VERSION]) + ephemeral
    body = AESGCM(key).encrypt(nonce, _pad(story), frame(header, context))
    witness = _scalar_source(random_scalar)
    commitment = base_mul_encoding(witness.to_bytes())
    challenge = Scalar.from_bytes(_challenge(public_key.to_bytes(), context, ephemeral, body, commitment))
    response = witness + challenge * nonce_scalar
    return header + challenge.to_bytes() + response.to_bytes() + body


@dataclass(frozen=True, slots=True)
class _Parsed:
    ephemeral: bytes
    challenge: bytes
    response: bytes
    body: bytes


def _parse(sealed: bytes) -> _Parsed:
    """Structure and canonical encodings only; the proof is checked by `_proven`."""
    if type(sealed) is not bytes or len(sealed) < STORY_HEADER_SIZE + STORY_PADDING_BLOCK + TAG_SIZE:
        raise SealError("sealed story is truncated or malformed")
    if sealed[0] != STORY_SEAL_VERSION:
        raise SealError(f"unknown sealed story version {sealed[0]}")
    if (len(sealed) - STORY_HEADER_SIZE - TAG_SIZE) % STORY_PADDING_BLOCK:
        raise SealError("sealed story is truncated or malformed")
    ephemeral = sealed[1:1 + POINT_SIZE]
    if not is_canonical_point_encoding(ephemeral) or ephemeral == bytes(POINT_SIZE):
        raise SealError("sealed story carries an invalid point")
    challenge = sealed[1 + POINT_SIZE:1 + POINT_SIZE + SCALAR_SIZE]
    response = sealed[1 + POINT_SIZE + SCALAR_SIZE:STORY_HEADER_SIZE]
    if not (is_canonical_scalar_encoding(challenge) and is_canonical_scalar_encoding(response)):
        raise SealError("sealed story carries a malformed proof")
    return _Parsed(ephemeral, challenge, response, sealed[STORY_HEADER_SIZE:])


def _proven(public_key: PublicKey, sealed: bytes, terms: StoryTerms) -> _Parsed:
    if not isinstance(public_key, PublicKey) or not isinstance(terms, StoryTerms):
        raise SealError("a sealed story is checked against a PublicKey and its StoryTerms")
    parsed = _parse(sealed)
    commitment = sub_encodings(base_mul_encoding(parsed.response), mul_encoding(parsed.challenge, parsed.ephemeral))
    expected = _challenge(public_key.to_bytes(), terms.context(), parsed.ephemeral, parsed.body, commitment)
    if not hmac.compare_digest(expected, parsed.challenge):
        raise SealError("the sealed story's proof does not verify for this key and these terms")
    return parsed


def verify_sealed_story(public_key: PublicKey, sealed: bytes, terms: StoryTerms) -> bool:
    """True only for a well-formed sealed story whose proof verifies for this key
    and these terms. Never raises."""
    try:
        _proven(public_key, sealed, terms)
    except (SealError, CryptoError, TypeError, ValueError):
        return False
    return True


def proven_story_point(public_key: PublicKey, sealed: bytes, terms: StoryTerms) -> Point:
    """The point R trustees partially decrypt to open the story, returned only if
    its proof verifies (SealError otherwise): never hand any other point to them."""
    return Point.from_bytes(_proven(public_key, sealed, terms).ephemeral)


def _open(public_key: PublicKey, parsed: _Parsed, shared: Point, terms: StoryTerms) -> bytes:
    context = terms.context()
    key, nonce = _key_and_nonce(public_key, parsed.ephemeral, shared.to_bytes(), context)
    header = bytes([STORY_SEAL_VERSION]) + parsed.ephemeral
    try:
        padded = AESGCM(key).decrypt(nonce, parsed.body, frame(header, context))
    except InvalidTag:
        raise SealError("wrong key or terms, or the sealed story was altered") from None
    return _unpad(padded)


def open_story_with_secret_key(secret_key: SecretKey, sealed: bytes, terms: StoryTerms) -> bytes:
    """Open with the whole secret key (server-key mode), once the proof verifies."""
    public_key = secret_key.public_key()
    parsed = _proven(public_key, sealed, terms)
    return _open(public_key, parsed, Point.from_bytes(parsed.ephemeral) * secret_key.scalar, terms)


def story_partial(key: ThresholdKey, share: KeyShare, sealed: bytes, terms: StoryTerms, *,
                  random_scalar: ScalarSource | None = None) -> PartialDecryption:
    """A trustee's part of opening the story: refused (SealError) unless its proof
    verifies. What a trustee's browser computes (static/js/escrow/story.js)."""
    point = proven_story_point(key.public_key, sealed, terms)
    return partial_decrypt(key, share, point, terms.partials_context(), random_scalar=random_scalar)


def verify_story_partial(key: ThresholdKey, sealed: bytes, terms: StoryTerms, partial: PartialDecryption) -> bool:
    """Whether `partial` is a proven partial decryption of this story's R by its trustee. Never raises."""
    try:
        point = proven_story_point(key.public_key, sealed, terms)
    except (SealError, CryptoError, TypeError, ValueError):
        return False
    return verify_partial(key, point, partial, terms.partials_context())


def open_story_with_partials(key: ThresholdKey, sealed: bytes, partials: Sequence[PartialDecryption],
                             terms: StoryTerms) -> bytes:
    """Open with at least t trustees' partials; a bad one raises InvalidPartialError
    naming its trustee, too few NotEnoughPartialsError, a bad proof SealError."""
    parsed = _proven(key.public_key, sealed, terms)
    shared, _ = combine_partials(key, Point.from_bytes(parsed.ephemeral), partials, terms.partials_context())
    return _open(key.public_key, parsed, shared, terms)
