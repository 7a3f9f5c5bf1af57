"""Typed errors raised by the crypto package, so callers can refuse cleanly.

Verifiers never raise for a false or mismatched statement (they return False);
these errors are for bytes that cannot be decoded, operations that cannot be
carried out, and sealed data that will not open.
"""

from __future__ import annotations


class CryptoError(Exception):
    """Base class for every error this package raises on purpose."""


class DecodeError(CryptoError, ValueError):
    """Bytes of the wrong length or a non-canonical or invalid encoding."""


class InvalidAnswerError(CryptoError, ValueError):
    """An answer that does not fit its question (refused before encrypting)."""


class DiscreteLogError(CryptoError):
    """A decrypted sum lies outside the range the caller allowed."""


class InvalidShareError(CryptoError):
    """A key share that does not match the dealer's Feldman commitments."""


class InvalidPartialError(CryptoError):
    """A partial decryption whose proof fails; names the trustee who sent it."""

    def __init__(self, trustee_index: int, reason: str = "proof does not verify") -> None:
        super().__init__(f"partial decryption from trustee {trustee_index} refused: {reason}")
        self.trustee_index = trustee_index
        self.reason = reason


class NotEnoughPartialsError(CryptoError):
    """Fewer valid partial decryptions than the threshold."""


class SealError(CryptoError):
    """Sealed data that will not open: wrong passphrase or key, or tampering."""


class DkgError(CryptoError):
    """A key ceremony message or transcript that does not check out. ``trustee``
    is the index of the trustee at fault when there is one, and the message
    names them."""

    def __init__(self, message: str, trustee: int | None = None) -> None:
        super().__init__(message)
        self.trustee = trustee
