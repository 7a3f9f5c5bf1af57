"""Sealed columns: personal data encrypted before it reaches the database.

Models declare ``mapped_column(SealedText("person.name"))`` and read and write
plain Python values; the database only ever holds AES-GCM blobs under the
application data key (PRIVACY.md invariant 6). The purpose string is bound into
each blob so a value copied into another column does not open.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
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

    def opener(self) -> Callable[[Any], Any]:
        """Opens stored values of this column (selected with `type_coerce(column, LargeBinary)`)
        as loading them would, looking the key up once for all: for a page that reads
        thousands of one column and opens only the values it needs."""
        cipher, purpose = field_cipher(), self.purpose.encode()
        return lambda value: None if value is None else self._opened(cipher.decrypt(bytes(value), purpose))

    def _opened(self, raw: bytes) -> Any:
        return self._from_bytes(raw)

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


class _FixedWidth(SealedText):
    """A quasi-identifier sealed so that neither the blob's size nor a NULL says anything.

    Every plaintext of the type is exactly `width` bytes, and None is sealed too
    (as that many blanks): a clear NULL in a card-date column would tell members
    from the rest, and a longer blob a department id of more digits.
    """

    cache_ok = True
    width = 0

    def process_bind_param(self, value: Any, dialect: sa.Dialect) -> bytes:
        raw = b" " * self.width if value is None else self._to_bytes(value)
        if len(raw) != self.width:
            raise ValueError(f"{self.purpose}: {value!r} does not fit the sealed width of {self.width}")
        return field_cipher().encrypt(raw, self.purpose.encode())

    def process_result_value(self, value: Any, dialect: sa.Dialect) -> Any:
        if value is None:
            return None
        raw = field_cipher().decrypt(bytes(value), self.purpose.encode())
        return None if raw == b" " * self.width else self._from_bytes(raw)

    def _opened(self, raw: bytes) -> Any:
        return None if raw == b" " * self.width else self._from_bytes(raw)


class SealedId(_FixedWidth):
    """A row id (a department, an account's person) sealed at a fixed width of 20 digits."""

    cache_ok = True
    width = 20

    def _to_bytes(self, value: Any) -> bytes:
        number = int(value)
        if number < 0:
            raise ValueError(f"{self.purpose}: an id is never negative")
        return f"{number:020d}".encode("ascii")

    def _from_bytes(self, raw: bytes) -> Any:
        return int(raw.decode("ascii"))


class SealedBool(_FixedWidth):
    """A yes/no (membership) sealed as one byte."""

    cache_ok = True
    width = 1

    def _to_bytes(self, value: Any) -> bytes:
        return b"1" if value else b"0"

    def _from_bytes(self, raw: bytes) -> Any:
        return raw == b"1"


class SealedDate(_FixedWidth):
    """A day (a card signed, a segment changed) sealed as its ISO form."""

    cache_ok = True
    width = 10

    def _to_bytes(self, value: Any) -> bytes:
        return value.isoformat().encode("ascii")

    def _from_bytes(self, raw: bytes) -> Any:
        return date.fromisoformat(raw.decode("ascii"))


class SealedCode(_FixedWidth):
    """A short code (a language: "es", "pt-BR") sealed at a fixed width of 8,
    padded with spaces. The language a person reads in is a quasi-identifier:
    the few accounts of a unit that read Spanish, set against an employer's
    roster, would narrow down who has an account."""

    cache_ok = True
    width = 8

    def _to_bytes(self, value: Any) -> bytes:
        raw = str(value).encode("ascii")
        if not raw or len(raw) > self.width or b" " in raw:
            raise ValueError(f"{self.purpose}: {value!r} is not a code of 1 to {self.width} characters")
        return raw.ljust(self.width)

    def _from_bytes(self, raw: bytes) -> Any:
        return raw.decode("ascii").rstrip()


def sealed_none() -> None:
    """Column default of an optional fixed-width sealed column: an INSERT that leaves
    the value out still writes a sealed blob, never a NULL that tells rows apart."""
    return None
