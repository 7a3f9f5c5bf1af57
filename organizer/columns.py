"""Column types shared by the feature packages' models."""

from __future__ import annotations

import enum

import sqlalchemy as sa


# -- leverage profiles, claims and demands ---------------------------------------------------------

def short_enum(enum_class: type[enum.Enum]) -> sa.Enum:
    return sa.Enum(enum_class, native_enum=False, length=24, values_callable=lambda members: [m.value for m in members])
