"""Discrete logarithms of small multiples of the generator (baby-step giant-step).

Exponential ElGamal decrypts to m·G, so reading a tally means finding m. The
baby-step table (j·G for j below BABY_STEPS, keyed by the full encoding, so a
hit is exact) is built once per process and reused; each giant step is then
one point subtraction and one dictionary lookup, so sums up to ten million
take at most ~150 steps. Nothing here is secret: the table holds public points.
"""

from __future__ import annotations

import threading
from typing import Final

from crypto.errors import DiscreteLogError
from crypto.group import (
    GENERATOR_ENCODING,
    IDENTITY_ENCODING,
    Point,
    add_encodings,
    base_mul_encoding,
    sub_encodings,
)

BABY_STEPS: Final = 1 << 16
#: Largest sum decrypted unless the caller asks for more.
DEFAULT_MAX_VALUE: Final = 10_000_000

_table: dict[bytes, int] | None = None
_table_lock = threading.Lock()
_giant_step: bytes = b""


def _build_table() -> dict[bytes, int]:
    table: dict[bytes, int] = {}
    current = IDENTITY_ENCODING
    for j in range(BABY_STEPS):
        table[current] = j
        current = add_encodings(current, GENERATOR_ENCODING)
    return table


def baby_step_table() -> dict[bytes, int]:
    """The per-process table, built on first use (about half a second)."""
    global _table, _giant_step
    table = _table
    if table is None:
        with _table_lock:
            if _table is None:
                _giant_step = base_mul_encoding(BABY_STEPS.to_bytes(32, "little"))
                _table = _build_table()
            table = _table
    return table


def discrete_log(point: Point, max_value: int = DEFAULT_MAX_VALUE) -> int:
    """Find m in 0..max_value with m·G == point, or raise DiscreteLogError."""
    if max_value < 0:
        raise ValueError("max_value must be non-negative")
    if not isinstance(point, Point):
        raise TypeError("discrete_log takes a Point (raw bytes are not validated here)")
    target = point.to_bytes()
    table = baby_step_table()
    giant_step = _giant_step
    current = target
    base = 0
    while base <= max_value:
        j = table.get(current)
        if j is not None:
            if base + j <= max_value:
                return base + j
            break
        current = sub_encodings(current, giant_step)
        base += BABY_STEPS
    raise DiscreteLogError(f"the decrypted value is not in 0..{max_value}")
