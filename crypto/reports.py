"""Messages sealed to several people's personal keys: a member's report of a
problem at work, sealed to the stewards of their unit (and to a key of the
member's own, so the member can read it back), and each later message of its
thread (what the member adds, what a steward answers).

Personal keys are the key ceremony's (``crypto.dkg``): a secret scalar k made
in the person's browser, its public key K = k·G, k sealed with a passphrase
the server never sees (``crypto.sealing.seal_with_passphrase``, its associated
data the key's context), and a Schnorr proof of possession of k bound to the
same context (``crypto.dkg.prove_possession``). Only the contexts are new:

* a steward's key:    frame(b"leverage/reports/steward-key/v1", account ref)
* a member's key for one report (their reply key):
                      frame(b"leverage/reports/member-key/v1", report id)
* a message:          frame(b"leverage/reports/message/v1", report id, kind)

(``frame`` is ``crypto.group.frame``: each part preceded by its length as 8
bytes big-endian; ids, refs and kinds are UTF-8.)

One message, version 1, to n recipients (1 <= n <= 32)::

    offset      size   field
    0           1      version = 0x01
    1           1      n
    2           32     R = r·G, canonical ristretto255, not the identity
    34          32·n   K_1 .. K_n, the recipients' public keys, distinct
    34+32n      48·n   W_1 .. W_n, the content key wrapped for each recipient
    34+80n      64     proof (c, z) of knowledge of r
    98+80n      m+16   body: AES-256-GCM of the padded text and its tag
                       (m = 256·j, 1 <= j <= 128)

The content key CEK is 32 random bytes. For recipient i, S_i = r·K_i, and
HKDF-SHA256 with no salt (RFC 5869: 32 zero bytes), IKM = R || S_i,
info = frame(b"leverage/reports/wrap/v1", K_i, context), gives 44 bytes: the
wrapping key (the first 32) and its GCM nonce (the last 12); W_i is the
AES-GCM of CEK (32 bytes and the 16-byte tag) with associated data
frame(header, context), header being version || n || R || K_1 .. K_n. The
body's key and nonce are HKDF-SHA256 (no salt) of IKM = CEK with
info = frame(b"leverage/reports/body/v1", context), 44 bytes split the same
way; its associated data is frame(header, context) too. The text is padded as
P = len(utf8) as 4 bytes big-endian || utf8 || zero bytes up to the next
multiple of 256, so a message's size tells its length only to within 256 bytes.

One r serves every recipient. That is safe for Diffie–Hellman key
encapsulation (Bellare, Boldyreva and Staddon, "Randomness re-use in
multi-recipient encryption schemes", PKC 2003, prove it for DHIES-style
schemes in the random-oracle model): each S_i differs with K_i, and each KDF
input names K_i. The proof (strong Fiat–Shamir) is

    c = SHA-512(frame(b"leverage/crypto/v1",
                      b"proof/reports/knowledge-of-ephemeral-key/v1",
                      b"ristretto255", R, context, K_1..K_n, W_1..W_n, body, A))

read little-endian mod L, with A = w·G and z = w + c·r mod L; the verifier
recomputes A = z·G - c·R. It lets a party that holds no key (the server)
refuse a message before storing it unless it is whole (no byte of it
changed), bound to this report and kind, and addressed to exactly the keys it
names: a recipient cannot be dropped, added or swapped, nor a body moved
under another's wrapped keys. Nobody ever decrypts a point on anyone else's
behalf here (unlike ``crypto.sealing``'s comments), so the proof is not
needed against an oracle; it is what makes "a forged message is refused"
checkable by the server.

Random values are drawn in this order (test vectors only give a
``random_scalar`` source and a fixed ``content_key``; see ``crypto.proofs``):
r, then the proof's witness w.

Every opening checks the proof first; anything malformed or altered raises
``SealError`` (``verify_message`` never raises, and says False).

A further copy (version 1). A message's recipients are fixed when it is
sealed: its header names them and everything is bound to the header. A
steward who makes a key later (or a newer one) is given a copy of the
message's content key instead, made in the browser of a steward who can open
the message (the holder, whose key is among its recipients or was given a
copy before)::

    offset  size  field
    0       1     version = 0x01
    1       32    K, the new recipient's public key
    33      32    R' = r'·G, canonical, not the identity
    65      32    H, the holder's public key (not K)
    97      48    W', the content key wrapped for K
    145     64    the holder's signature (c, z)
                  (209 bytes)

With D = SHA-256(frame(b"leverage/reports/message-digest/v1", message)),
S' = r'·K and header' its first 97 bytes, HKDF-SHA256 (no salt) of
IKM = R' || S' with info = frame(b"leverage/reports/rewrap/v1", K, context, D)
gives the wrapping key and nonce; W' is the AES-GCM of CEK with associated
data frame(header', context, D). The signature is a Schnorr proof of
knowledge of h (H = h·G):

    c = SHA-512(frame(b"leverage/crypto/v1", b"proof/reports/rewrap-signature/v1",
                      b"ristretto255", header', context, D, W', A))

with A = w·G and z = w + c·h mod L. A copy is bound to one message (D) and
its context, and names who made it: a party with no key (the server) can
check that it is whole, for that message, and signed by the key it names,
though not that W' holds the right key; the recipient finds that out, since
a wrong key does not open the body (AES-GCM). Random values: r', then w. The
content key itself never leaves the holder's device but wrapped.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from crypto.dkg import prove_possession, verify_possession
from crypto.errors import DecodeError, SealError
from crypto.group import (
    POINT_SIZE,
    SCALAR_SIZE,
    Point,
    Scalar,
    frame,
    hash_to_scalar,
    is_canonical_point_encoding,
    is_canonical_scalar_encoding,
)
from crypto.proofs import ScalarSource
from crypto.sealing import NONCE_SIZE, PASSPHRASE_SEAL_VERSION, SALT_SIZE, TAG_SIZE, ScryptParams

__all__ = ["MESSAGE_VERSION", "MAX_RECIPIENTS", "REWRAP_SIZE", "REWRAP_VERSION", "Message", "Rewrap",
           "check_sealed_secret", "content_key", "content_key_from_rewrap", "key_fingerprint",
           "member_key_context", "message_context", "message_digest", "open_message", "open_rewrapped",
           "open_with_content_key", "parse_message", "parse_rewrap", "prove_possession", "rewrap",
           "seal_message", "steward_key_context", "verify_message", "verify_possession", "verify_rewrap"]

MESSAGE_VERSION: Final = 1
MAX_RECIPIENTS: Final = 32
PADDING_BLOCK: Final = 256
#: The largest padded text: 32 KiB, room for a long report in any script.
MAX_PADDED: Final = 128 * PADDING_BLOCK
#: The most UTF-8 bytes a message's text may hold.
MAX_TEXT_BYTES: Final = MAX_PADDED - 4
CONTENT_KEY_SIZE: Final = 32
WRAPPED_KEY_SIZE: Final = CONTENT_KEY_SIZE + TAG_SIZE
PROOF_SIZE: Final = 2 * SCALAR_SIZE
#: A personal secret sealed with a passphrase: header, salt, nonce, the 32-byte scalar, the tag.
SEALED_SECRET_SIZE: Final = 4 + SALT_SIZE + NONCE_SIZE + SCALAR_SIZE + TAG_SIZE
_HEADER_FIXED: Final = 2 + POINT_SIZE

_STEWARD_KEY_LABEL: Final = b"leverage/reports/steward-key/v1"
_MEMBER_KEY_LABEL: Final = b"leverage/reports/member-key/v1"
_MESSAGE_LABEL: Final = b"leverage/reports/message/v1"
_WRAP_LABEL: Final = b"leverage/reports/wrap/v1"
_BODY_LABEL: Final = b"leverage/reports/body/v1"
_FINGERPRINT_LABEL: Final = b"leverage/reports/key-fingerprint/v1"
_PROOF_DOMAIN: Final = b"proof/reports/knowledge-of-ephemeral-key/v1"
_FINGERPRINT_HEX_DIGITS: Final = 16

REWRAP_VERSION: Final = 1
_REWRAP_HEADER_SIZE: Final = 1 + 3 * POINT_SIZE
REWRAP_SIZE: Final = _REWRAP_HEADER_SIZE + WRAPPED_KEY_SIZE + PROOF_SIZE
_REWRAP_LABEL: Final = b"leverage/reports/rewrap/v1"
_DIGEST_LABEL: Final = b"leverage/reports/message-digest/v1"
_REWRAP_PROOF_DOMAIN: Final = b"proof/reports/rewrap-signature/v1"


# -- contexts ------------------------------------------------------------------------------------

def _text(value: str, what: str) -> bytes:
    if not isinstance(value, str) or not value:
        raise ValueError(f"{what} must be a non-empty str")
    return value.encode("utf-8")


def steward_key_context(account_ref: str) -> bytes:
    """What a steward's personal key is bound to: its sealed secret's associated
    data and its proof of possession. A key made for one account is not another's."""
    return frame(_STEWARD_KEY_LABEL, _text(account_ref, "account_ref"))


def member_key_context(report_id: str) -> bytes:
    """What a member's key for one report is bound to: every report has its own key,
    so that no two reports (nor their replies) share anything that links them."""
    return frame(_MEMBER_KEY_LABEL, _text(report_id, "report_id"))


def message_context(report_id: str, kind: str) -> bytes:
    """What a message of a report's thread is bound to: the report and the message's
    kind ("report", "addition", "reply"), so that none can be moved to another
    report, nor an answer passed off as the member's own words."""
    return frame(_MESSAGE_LABEL, _text(report_id, "report_id"), _text(kind, "kind"))


def key_fingerprint(public: Point) -> str:
    """A short code of a public key ("4F2A-91C3-07BD-E55A") that a steward can read
    out and a member compare, to see that the key a page seals to is the steward's."""
    digest = hashlib.sha256(frame(_FINGERPRINT_LABEL, public.to_bytes())).hexdigest()
    code = digest[:_FINGERPRINT_HEX_DIGITS].upper()
    return "-".join(code[at:at + 4] for at in range(0, len(code), 4))


def check_sealed_secret(sealed: object) -> bool:
    """Whether ``sealed`` has the shape of a personal secret sealed with a passphrase
    (``crypto.sealing``'s format, with acceptable scrypt settings). Its contents
    only the passphrase opens: this checks the shape, nothing more."""
    if type(sealed) is not bytes or len(sealed) != SEALED_SECRET_SIZE or sealed[0] != PASSPHRASE_SEAL_VERSION:
        return False
    try:
        ScryptParams(sealed[1], sealed[2], sealed[3])
    except ValueError:
        return False
    return True


# -- sealing -------------------------------------------------------------------------------------

def _pad(text: str) -> bytes:
    data = text.encode("utf-8")
    if len(data) > MAX_TEXT_BYTES:
        raise ValueError(f"the text is longer than {MAX_TEXT_BYTES} bytes")
    framed = len(data).to_bytes(4, "big") + data
    return framed + bytes(-len(framed) % PADDING_BLOCK)


def _unpad(padded: bytes) -> str:
    length = int.from_bytes(padded[:4], "big")
    if 4 + length > len(padded) or any(padded[4 + length:]):
        raise SealError("the message has malformed padding")
    try:
        return padded[4:4 + length].decode("utf-8")
    except UnicodeDecodeError:
        raise SealError("the message is not valid UTF-8") from None


def _hkdf(ikm: bytes, info: bytes) -> tuple[bytes, bytes]:
    okm = HKDF(algorithm=hashes.SHA256(), length=32 + NONCE_SIZE, salt=None, info=info).derive(ikm)
    return okm[:32], okm[32:]


def _wrap_key(recipient: bytes, ephemeral: bytes, shared: bytes, context: bytes) -> tuple[bytes, bytes]:
    return _hkdf(ephemeral + shared, frame(_WRAP_LABEL, recipient, context))


def _body_key(content_key: bytes, context: bytes) -> tuple[bytes, bytes]:
    return _hkdf(content_key, frame(_BODY_LABEL, context))


def _challenge(ephemeral: bytes, context: bytes, keys: bytes, wraps: bytes, body: bytes, commitment: bytes) -> Scalar:
    return hash_to_scalar(_PROOF_DOMAIN, ephemeral, context, keys, wraps, body, commitment)


def seal_message(recipients: Sequence[Point], text: str, context: bytes, *,
                 random_scalar: ScalarSource | None = None, content_key: bytes | None = None) -> bytes:
    """Seal ``text`` to every key of ``recipients`` (in that order), bound to ``context``.

    ``random_scalar`` and ``content_key`` are for test vectors only."""
    if not isinstance(text, str) or not isinstance(context, bytes):
        raise TypeError("seal_message takes a str and a bytes context")
    keys = [point.to_bytes() for point in recipients]
    if not 1 <= len(keys) <= MAX_RECIPIENTS:
        raise ValueError(f"a message goes to 1 to {MAX_RECIPIENTS} keys")
    if len(set(keys)) != len(keys) or any(point.is_identity() for point in recipients):
        raise ValueError("the recipients' keys must be distinct and not the identity")
    cek = os.urandom(CONTENT_KEY_SIZE) if content_key is None else content_key
    if type(cek) is not bytes or len(cek) != CONTENT_KEY_SIZE:
        raise ValueError("the content key is 32 bytes")
    r = Scalar.random() if random_scalar is None else random_scalar()
    ephemeral = Point.base_times(r).to_bytes()
    header = bytes([MESSAGE_VERSION, len(keys)]) + ephemeral + b"".join(keys)
    aad = frame(header, context)
    wraps = []
    for recipient, key in zip(recipients, keys, strict=True):
        wrap_key, wrap_nonce = _wrap_key(key, ephemeral, (recipient * r).to_bytes(), context)
        wraps.append(AESGCM(wrap_key).encrypt(wrap_nonce, cek, aad))
    body_key, body_nonce = _body_key(cek, context)
    body = AESGCM(body_key).encrypt(body_nonce, _pad(text), aad)
    witness = Scalar.random() if random_scalar is None else random_scalar()
    commitment = Point.base_times(witness).to_bytes()
    challenge = _challenge(ephemeral, context, b"".join(keys), b"".join(wraps), body, commitment)
    response = witness + challenge * r
    return header + b"".join(wraps) + challenge.to_bytes() + response.to_bytes() + body


# -- reading -------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Message:
    """A sealed message's parts, read for structure (the proof is checked apart)."""

    ephemeral: bytes
    recipients: tuple[bytes, ...]
    wrapped_keys: tuple[bytes, ...]
    challenge: bytes
    response: bytes
    body: bytes
    header: bytes


def parse_message(sealed: object) -> Message:
    """The parts of a sealed message, checked for shape and canonical encodings only;
    DecodeError for anything else."""
    if type(sealed) is not bytes or len(sealed) < _HEADER_FIXED:
        raise DecodeError("the message is truncated or malformed")
    if sealed[0] != MESSAGE_VERSION:
        raise DecodeError(f"unknown message version {sealed[0]}")
    count = sealed[1]
    if not 1 <= count <= MAX_RECIPIENTS:
        raise DecodeError("the message names no recipient, or too many")
    keys_end = _HEADER_FIXED + POINT_SIZE * count
    wraps_end = keys_end + WRAPPED_KEY_SIZE * count
    proof_end = wraps_end + PROOF_SIZE
    body_size = len(sealed) - proof_end - TAG_SIZE
    if body_size < PADDING_BLOCK or body_size % PADDING_BLOCK or body_size > MAX_PADDED:
        raise DecodeError("the message is truncated or malformed")
    ephemeral = sealed[2:_HEADER_FIXED]
    keys = tuple(sealed[at:at + POINT_SIZE] for at in range(_HEADER_FIXED, keys_end, POINT_SIZE))
    for point in (ephemeral, *keys):
        if not is_canonical_point_encoding(point) or point == bytes(POINT_SIZE):
            raise DecodeError("the message carries an invalid point")
    if len(set(keys)) != count:
        raise DecodeError("the message names one recipient twice")
    challenge, response = sealed[wraps_end:wraps_end + SCALAR_SIZE], sealed[wraps_end + SCALAR_SIZE:proof_end]
    if not (is_canonical_scalar_encoding(challenge) and is_canonical_scalar_encoding(response)):
        raise DecodeError("the message carries a malformed proof")
    wraps = tuple(sealed[at:at + WRAPPED_KEY_SIZE] for at in range(keys_end, wraps_end, WRAPPED_KEY_SIZE))
    return Message(ephemeral, keys, wraps, challenge, response, sealed[proof_end:], sealed[:keys_end])


def _proof_holds(message: Message, context: bytes) -> bool:
    ephemeral = Point.from_bytes(message.ephemeral)
    challenge, response = Scalar.from_bytes(message.challenge), Scalar.from_bytes(message.response)
    commitment = (Point.base_times(response) - ephemeral * challenge).to_bytes()
    expected = _challenge(message.ephemeral, context, b"".join(message.recipients), b"".join(message.wrapped_keys),
                          message.body, commitment)
    return hmac.compare_digest(expected.to_bytes(), message.challenge)


def verify_message(sealed: object, context: bytes, recipients: Sequence[Point] | None = None) -> bool:
    """True only if ``sealed`` is a whole message of this version, bound to
    ``context``, whose sender proved knowledge of its ephemeral key; and, when
    ``recipients`` is given, addressed to exactly those keys in that order.
    Never raises."""
    try:
        if not isinstance(context, bytes):
            return False
        message = parse_message(sealed)
        if recipients is not None and message.recipients != tuple(point.to_bytes() for point in recipients):
            return False
        return _proof_holds(message, context)
    except (DecodeError, TypeError, ValueError):
        return False


def _checked(sealed: object, context: bytes) -> Message:
    try:
        message = parse_message(sealed)
    except DecodeError as error:
        raise SealError(str(error)) from None
    if not _proof_holds(message, context):
        raise SealError("the message's proof does not verify for this context")
    return message


def content_key(secret: Scalar, sealed: bytes, context: bytes) -> bytes:
    """The message's content key, for the holder of one recipient's secret; SealError as ``open_message``."""
    message = _checked(sealed, context)
    if secret.is_zero():
        raise SealError("not a secret key")
    own = Point.base_times(secret).to_bytes()
    if own not in message.recipients:
        raise SealError("the message is not addressed to this key")
    position = message.recipients.index(own)
    shared = (Point.from_bytes(message.ephemeral) * secret).to_bytes()
    wrap_key, wrap_nonce = _wrap_key(own, message.ephemeral, shared, context)
    try:
        return AESGCM(wrap_key).decrypt(wrap_nonce, message.wrapped_keys[position], frame(message.header, context))
    except InvalidTag:
        raise SealError("the message was altered") from None


def open_with_content_key(key: bytes, sealed: bytes, context: bytes) -> str:
    """The text, for whoever holds the message's content key; SealError when it is not that key,
    or the message is malformed, altered or bound to another context."""
    message = _checked(sealed, context)
    if type(key) is not bytes or len(key) != CONTENT_KEY_SIZE:
        raise SealError("not a content key")
    body_key, body_nonce = _body_key(key, context)
    try:
        padded = AESGCM(body_key).decrypt(body_nonce, message.body, frame(message.header, context))
    except InvalidTag:
        raise SealError("the message was altered, or this is not its key") from None
    return _unpad(padded)


def open_message(secret: Scalar, sealed: bytes, context: bytes) -> str:
    """The text, for the holder of one recipient's secret; SealError when the message
    is malformed, altered, bound to another context or not addressed to this key."""
    return open_with_content_key(content_key(secret, sealed, context), sealed, context)


# -- further copies ------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Rewrap:
    """A further copy of a message's content key, read for structure (the signature is checked apart)."""

    recipient: bytes
    ephemeral: bytes
    holder: bytes
    wrapped_key: bytes
    challenge: bytes
    response: bytes
    header: bytes


def message_digest(sealed: bytes) -> bytes:
    """What a further copy is bound to: the whole message, byte for byte."""
    return hashlib.sha256(frame(_DIGEST_LABEL, sealed)).digest()


def parse_rewrap(data: object) -> Rewrap:
    """The parts of a further copy, checked for shape and canonical encodings only; DecodeError otherwise."""
    if type(data) is not bytes or len(data) != REWRAP_SIZE or data[0] != REWRAP_VERSION:
        raise DecodeError("the copy is truncated or malformed")
    recipient, ephemeral, holder = (data[at:at + POINT_SIZE] for at in range(1, _REWRAP_HEADER_SIZE, POINT_SIZE))
    for point in (recipient, ephemeral, holder):
        if not is_canonical_point_encoding(point) or point == bytes(POINT_SIZE):
            raise DecodeError("the copy carries an invalid point")
    if recipient == holder:
        raise DecodeError("a copy is for someone other than its maker")
    proof_at = _REWRAP_HEADER_SIZE + WRAPPED_KEY_SIZE
    challenge, response = data[proof_at:proof_at + SCALAR_SIZE], data[proof_at + SCALAR_SIZE:]
    if not (is_canonical_scalar_encoding(challenge) and is_canonical_scalar_encoding(response)):
        raise DecodeError("the copy carries a malformed signature")
    return Rewrap(recipient, ephemeral, holder, data[_REWRAP_HEADER_SIZE:proof_at], challenge, response,
                  data[:_REWRAP_HEADER_SIZE])


def _rewrap_key(recipient: bytes, ephemeral: bytes, shared: bytes, context: bytes,
                digest: bytes) -> tuple[bytes, bytes]:
    return _hkdf(ephemeral + shared, frame(_REWRAP_LABEL, recipient, context, digest))


def _rewrap_challenge(header: bytes, context: bytes, digest: bytes, wrapped: bytes, commitment: bytes) -> Scalar:
    return hash_to_scalar(_REWRAP_PROOF_DOMAIN, header, context, digest, wrapped, commitment)


def rewrap(holder_secret: Scalar, key: bytes, sealed: bytes, context: bytes, recipient: Point, *,
           random_scalar: ScalarSource | None = None) -> bytes:
    """A further copy of ``sealed``'s content key ``key`` for ``recipient``, signed by the holder.

    The key must open the message (a holder passes on nothing else), and the recipient must not be
    one already: SealError or ValueError. ``random_scalar`` is for test vectors only."""
    message = _checked(sealed, context)
    open_with_content_key(key, sealed, context)
    if holder_secret.is_zero():
        raise ValueError("not a secret key")
    target = recipient.to_bytes()
    holder = Point.base_times(holder_secret).to_bytes()
    if recipient.is_identity() or target == holder or target in message.recipients:
        raise ValueError("a copy goes to a key that does not hold the message yet")
    digest = message_digest(sealed)
    r = Scalar.random() if random_scalar is None else random_scalar()
    ephemeral = Point.base_times(r).to_bytes()
    header = bytes([REWRAP_VERSION]) + target + ephemeral + holder
    wrap_key, wrap_nonce = _rewrap_key(target, ephemeral, (recipient * r).to_bytes(), context, digest)
    wrapped = AESGCM(wrap_key).encrypt(wrap_nonce, key, frame(header, context, digest))
    witness = Scalar.random() if random_scalar is None else random_scalar()
    commitment = Point.base_times(witness).to_bytes()
    challenge = _rewrap_challenge(header, context, digest, wrapped, commitment)
    response = witness + challenge * holder_secret
    return header + wrapped + challenge.to_bytes() + response.to_bytes()


def _signature_holds(copy: Rewrap, context: bytes, digest: bytes) -> bool:
    holder = Point.from_bytes(copy.holder)
    challenge, response = Scalar.from_bytes(copy.challenge), Scalar.from_bytes(copy.response)
    commitment = (Point.base_times(response) - holder * challenge).to_bytes()
    expected = _rewrap_challenge(copy.header, context, digest, copy.wrapped_key, commitment)
    return hmac.compare_digest(expected.to_bytes(), copy.challenge)


def verify_rewrap(data: object, sealed: object, context: bytes) -> bool:
    """True only if ``data`` is a whole further copy of this very message (under ``context``), signed by
    the holder it names. Whether that holder may pass the message on is the caller's to check. Never raises."""
    try:
        if not isinstance(context, bytes) or type(sealed) is not bytes:
            return False
        return _signature_holds(parse_rewrap(data), context, message_digest(sealed))
    except (DecodeError, TypeError, ValueError):
        return False


def content_key_from_rewrap(secret: Scalar, data: bytes, sealed: bytes, context: bytes) -> bytes:
    """The content key a further copy carries, for the holder of its recipient's secret; SealError
    when the copy is malformed, forged, for another message or context, or not for this key."""
    try:
        copy = parse_rewrap(data)
    except DecodeError as error:
        raise SealError(str(error)) from None
    _checked(sealed, context)
    digest = message_digest(sealed)
    if not _signature_holds(copy, context, digest):
        raise SealError("the copy's signature does not verify for this message")
    if secret.is_zero() or Point.base_times(secret).to_bytes() != copy.recipient:
        raise SealError("the copy is not for this key")
    shared = (Point.from_bytes(copy.ephemeral) * secret).to_bytes()
    wrap_key, wrap_nonce = _rewrap_key(copy.recipient, copy.ephemeral, shared, context, digest)
    try:
        return AESGCM(wrap_key).decrypt(wrap_nonce, copy.wrapped_key, frame(copy.header, context, digest))
    except InvalidTag:
        raise SealError("the copy was altered") from None


def open_rewrapped(secret: Scalar, data: bytes, sealed: bytes, context: bytes) -> str:
    """The text of a message through a further copy of its key, for the copy's recipient; SealError otherwise."""
    return open_with_content_key(content_key_from_rewrap(secret, data, sealed, context), sealed, context)
