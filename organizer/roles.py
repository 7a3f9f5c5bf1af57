"""The roles a person holds in a union (organizer of a union, steward or member of
a unit), and `Actor`: what the packages below accounts/ ask of whoever acts.
accounts.models.Account is the one implementation; audit/ and charting/ take any
Actor, so they never import the accounts package that sits above them."""

from __future__ import annotations

from typing import Protocol

from core.labels import LabelledEnum


class Role(LabelledEnum):
    ORGANIZER = "organizer", "Organizer"
    STEWARD = "steward", "Steward"
    MEMBER = "member", "Member"


class Actor(Protocol):
    """Whoever acts, as the packages below accounts/ see them (an Account)."""

    #: The account's id; audit entries name it.
    id: int

    def organizer_union_ids(self) -> set[int]:
        """The unions this actor organizes."""
        ...

    def unit_ids_as(self, role: Role) -> set[int]:
        """The units where this actor holds `role` (steward or member)."""
        ...
