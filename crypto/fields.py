"""Field encryption for personal data at rest, and the blind index used to look it up.

Names, contact details, assessments and notes are sealed with AES-256-GCM under an
application data key that lives outside the database (PRIVACY.md invariant 6).
Every blob names the key that sealed it, so keys can rotate: new writes use the
current key, old blobs stay readable until `rotate` re-seals them.

A blob is bound to its *purpose* (for example ``b"person.name"``) through the
AES-GCM associated data, so a ciphertext copied into another column fails to open
instead of being read as that column's value.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import unicodedata
from collections.abc import Mapping

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_FORMAT_VERSION = 1
_NONCE_BYTES = 12
_KEY_BYTES = 32
_MAX_KEY_ID_BYTES = 32


class FieldCipherError(Exception):
    """A sealed field could not be opened: wrong key, unknown key id, or tampering."""


class FieldCipher:
    """Seals and opens short byte strings with the application's data keys."""

    def __init__(self, keys: Mapping[str, bytes], current_key_id: str) -> None:
        if current_key_id not in keys:
            raise ValueError(f"current data key id {current_key_id!r} is not among the keys")
        for key_id, key in keys.items():
            if not key_id or len(key_id.encode()) > _MAX_KEY_ID_BYTES or not key_id.isascii():
                raise ValueError(f"data key id {key_id!r} must be 1-32 ASCII characters")
            if len(key) != _KEY_BYTES:
                raise ValueError(f"data key {key_id!r} must be {_KEY_BYTES} bytes")
        self._aeads = {key_id: AESGCM(key) for key_id, key in keys.items()}
        self.current_key_id = current_key_id

    def encrypt(self, plaintext: bytes, purpose: bytes) -> bytes:
        key_id = self.current_key_id.encode()
        header = bytes([_FORMAT_VERSION, len(key_id)]) + key_id
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._aeads[self.current_key_id].encrypt(nonce, plaintext, header + purpose)
        return header + nonce + sealed

    def decrypt(self, blob: bytes, purpose: bytes) -> bytes:
        key_id, header, body = self._split(blob)
        aead = self._aeads.get(key_id)
        if aead is None:
            raise FieldCipherError(f"sealed with unknown data key {key_id!r}")
        nonce, sealed = body[:_NONCE_BYTES], body[_NONCE_BYTES:]
        try:
            return aead.decrypt(nonce, sealed, header + purpose)
        except InvalidTag:
            raise FieldCipherError("sealed field failed authentication (wrong key, purpose or tampered)") from None

    def key_id_of(self, blob: bytes) -> str:
        return self._split(blob)[0]

    def needs_rotation(self, blob: bytes) -> bool:
        return self.key_id_of(blob) != self.current_key_id

    def rotate(self, blob: bytes, purpose: bytes) -> bytes:
        """Re-seal a blob under the current key; a blob already there is returned as is."""
        if not self.needs_rotation(blob):
            return blob
        return self.encrypt(self.decrypt(blob, purpose), purpose)

    @staticmethod
    def _split(blob: bytes) -> tuple[str, bytes, bytes]:
        if len(blob) < 2 or blob[0] != _FORMAT_VERSION:
            raise FieldCipherError("not a sealed field of a known format")
        key_id_len = blob[1]
        header_len = 2 + key_id_len
        if len(blob) < header_len + _NONCE_BYTES + 16:
            raise FieldCipherError("sealed field is truncated")
        try:
            key_id = blob[2:header_len].decode("ascii")
        except UnicodeDecodeError:
            raise FieldCipherError("sealed field has a malformed key id") from None
        return key_id, blob[:header_len], blob[header_len:]


def normalize_email(email: str) -> str:
    """The one spelling of an address that lookups compare: NFKC, trimmed, lower case."""
    return unicodedata.normalize("NFKC", email).strip().lower()


class BlindIndex:
    """A keyed hash for equality lookups on sealed values (email) without storing them.

    Without the key, an attacker holding the database cannot test guesses
    against the index, which a plain hash of an email would allow.
    """

    def __init__(self, key: bytes) -> None:
        if len(key) < _KEY_BYTES:
            raise ValueError(f"blind index key must be at least {_KEY_BYTES} bytes")
        self._key = key

    def __call__(self, value: str, purpose: bytes = b"email") -> bytes:
        message = purpose + b"\x00" + value.encode("utf-8")
        return hmac.new(self._key, message, hashlib.sha256).digest()

    def matches(self, value: str, digest: bytes, purpose: bytes = b"email") -> bool:
        return hmac.compare_digest(self(value, purpose), digest)
