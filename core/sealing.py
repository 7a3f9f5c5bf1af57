"""Sealed columns: personal data encrypted before it reaches the database.

Models declare ``mapped_column(SealedText("person.name"))`` and read and write
plain Python values; the database only ever holds AES-GCM blobs under the
application data key (PRIVACY.md invariant 6). The purpose string is bound into
each blob so a value copied into another column does not open.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app

from crypto.fields import BlindIndex, FieldCipher

_CIPHER = "leverage.field_cipher"
_INDEX = "leverage.blind_index"


def init_app(app: Flask) -> None:
    app.extensions[_CIPHER] = FieldCipher(app.config["DATA_KEYS"], app.config["DATA_KEY_ID"])
    app.extensions[_INDEX] = BlindIndex(app.config["INDEX_KEY"])


def field_cipher() -> FieldCipher:
    return current_app.extensions[_CIPHER]


def blind_index(value: str, purpose: bytes = b"email") -> bytes:
    return current_app.extensions[_INDEX](value, purpose)


class SealedText(sa.types.TypeDecorator[str]):
    """A text value stored sealed; NULL stays NULL so optional fields remain optional."""

    impl = sa.LargeBinary
    cache_ok = True

    def __init__(self, purpose: str) -> None:
        super().__init__()
        self.purpose = purpose

    def process_bind_param(self, value: Any, dialect: sa.Dialect) -> bytes | None:
        if value is None:
            return None
        return field_cipher().encrypt(self._to_bytes(value), self.purpose.encode())

    def process_result_value(self, value: Any, dialect: sa.Dialect) -> Any:
        if value is None:
            return None
        return self._from_bytes(field_cipher().decrypt(bytes(value), self.purpose.encode()))

    def _to_bytes(self, value: Any) -> bytes:
        return str(value).encode("utf-8")

    def _from_bytes(self, raw: bytes) -> Any:
        return raw.decode("utf-8")


class SealedBytes(SealedText):
    """A byte string stored sealed."""

    cache_ok = True

    def _to_bytes(self, value: Any) -> bytes:
        return bytes(value)

    def _from_bytes(self, raw: bytes) -> Any:
        return raw


class SealedInt(SealedText):
    """A small integer (an assessment) stored sealed, so its value is not readable in a dump."""

    cache_ok = True

    def _from_bytes(self, raw: bytes) -> Any:
        return int(raw.decode("ascii"))
