"""The roles a person holds in a union (organizer of a union; steward, member or
committee member of a unit), and `Actor`: what the packages below accounts/ ask
of whoever acts. accounts.models.Account is the one implementation; audit/ and
charting/ take any Actor, so they never import the accounts package that sits
above them."""

from __future__ import annotations

from typing import Protocol

from flask_babel import lazy_gettext

from core.labels import LabelledEnum


class Role(LabelledEnum):
    ORGANIZER = "organizer", lazy_gettext("Organizer")
    STEWARD = "steward", lazy_gettext("Steward")
    MEMBER = "member", lazy_gettext("Member")
    #: On the unit's organizing committee: charts and holds one-on-ones for the
    #: department(s) an organizer named them for, and sees nothing else of the unit.
    COMMITTEE = "committee", lazy_gettext("Committee member")


class Actor(Protocol):
    """Whoever acts, as the packages below accounts/ see them (an Account)."""

    #: The account's id; audit entries name it.
    id: int

    def organizer_union_ids(self) -> set[int]:
        """The unions this actor organizes."""
        ...

    def unit_ids_as(self, role: Role) -> set[int]:
        """The units where this actor holds `role` (steward, member or committee member)."""
        ...

    def committee_department_ids(self, unit_id: int) -> set[int]:
        """The departments of this unit the actor sits on its organizing committee for (none: empty)."""
        ...
