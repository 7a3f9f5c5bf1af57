"""Builders for test data, through the real services. Call them inside an app
context; they flush, and the caller commits when a request must see the data."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import count

from core.extensions import db
from crypto.sealing import ScryptParams
from organizer.accounts import services as accounts
from organizer.accounts.models import Account, RoleAssignment
from organizer.charting import people, unions
from organizer.charting.models import BargainingUnit, Person, Union
from organizer.roles import Role
from organizer.unit_surveys.services import union_key_scope
from surveys.ceremony import CeremonyStatus
from tests.surveys.ceremony_helpers import run_ceremony

PASSWORD = "correct horse battery staple"
_serial = count(1)


class OrganizerOf:
    """An actor that organizes exactly one union, for building data through the services."""

    def __init__(self, union: Union) -> None:
        self._union_id = union.id

    def organizer_union_ids(self) -> set[int]:
        return {self._union_id}


def create_union(name: str | None = None, *, units: tuple[str, ...] = ("Dock crew",)) -> Union:
    union = unions.create_union(name or f"Union {next(_serial)}")
    actor = OrganizerOf(union)
    for unit_name in units:
        unit = unions.create_unit(actor, union, unit_name)
        for department in ("Loading", "Cranes"):
            unions.add_segment(actor, unit, "department", department)
        for shift in ("Day", "Night"):
            unions.add_segment(actor, unit, "shift", shift)
    db.session.flush()
    db.session.refresh(union)
    return union


def create_person(unit: BargainingUnit, name: str | None = None, **fields: object) -> Person:
    details = people.PersonDetails(name=name or f"Coworker {next(_serial)}", **fields)
    return people.add_person(OrganizerOf(unit.union), unit, details)


def create_account(role: Role, *, unit: BargainingUnit | None = None, union: Union | None = None,
                   email: str | None = None, display_name: str | None = None) -> Account:
    n = next(_serial)
    if role == Role.ORGANIZER:
        assert union is not None, "an organizer needs a union"
        person, roles = None, [RoleAssignment(role=role, union_id=union.id)]
    else:
        assert unit is not None, "a steward or member needs a unit"
        person = create_person(unit)
        roles = [RoleAssignment(role=role, unit_id=unit.id)]
    return accounts.create_account(
        display_name=display_name or f"{role.value} {n}", email=email or f"{role.value}{n}@example.org",
        password=PASSWORD, person=person, roles=roles,
    )


#: The cheapest scrypt the sealing module accepts, for trustees' personal secrets in tests.
CHEAP_SCRYPT = ScryptParams(log2_n=14, r=8, p=1)


def finished_ceremony(union: Union, trustees: Sequence[Account], threshold: int = 2) -> CeremonyStatus:
    """The union's survey key, made by `trustees` (in that order; `threshold` of
    them to unlock results) in a whole key ceremony played in Python as their
    browsers play it (tests.surveys.ceremony_helpers): their passphrases are
    `ceremony_helpers.passphrase_of(account_ref(trustee))`."""
    return run_ceremony(union_key_scope(union.id), [accounts.account_ref(t) for t in trustees], threshold,
                        scrypt=CHEAP_SCRYPT)
