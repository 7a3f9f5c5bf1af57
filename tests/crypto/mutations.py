"""Shared by the crypto fuzz tests: hostile edits of valid bytes, drawn by hypothesis."""

from __future__ import annotations

from hypothesis import strategies as st


def mutate(data: st.DataObject, original: bytes, max_edits: int) -> bytes:
    """`original` after 1..max_edits random flips, insertions, deletions, truncations and splices."""
    blob = bytearray(original)
    for _ in range(data.draw(st.integers(1, max_edits))):
        action = data.draw(st.sampled_from(["flip", "insert", "delete", "truncate", "splice"]))
        position = data.draw(st.integers(0, max(len(blob) - 1, 0)))
        if action == "flip" and blob:
            blob[position] ^= data.draw(st.integers(1, 255))
        elif action == "insert":
            blob[position:position] = data.draw(st.binary(min_size=1, max_size=64))
        elif action == "delete" and blob:
            del blob[position:position + data.draw(st.integers(1, 64))]
        elif action == "truncate":
            del blob[position:]
        elif action == "splice":
            blob[position:position + 32] = data.draw(st.binary(min_size=32, max_size=32))
    return bytes(blob)
