"""Column types every package's models share."""

from __future__ import annotations

import enum

import sqlalchemy as sa

#: The largest id an INTEGER column holds (PostgreSQL's is 32 bits). A larger number
#: in a URL or a form names no row, and the database would refuse to compare with it.
LARGEST_ROW_ID = 2**31 - 1

#: Long enough for every stored enum value so far; a longer value is a migration.
ENUM_LENGTH = 24


def enum_column(enum_class: type[enum.Enum], length: int = ENUM_LENGTH) -> sa.Enum:
    """An enum stored as its members' values, in a short string column with a CHECK.

    Not a native enum: adding a member is then a plain migration on SQLite and
    PostgreSQL alike. The values (not the member names) are stored, so a member
    may be renamed in code without touching a row."""
    return sa.Enum(enum_class, native_enum=False, length=length,
                   values_callable=lambda members: [member.value for member in members])
