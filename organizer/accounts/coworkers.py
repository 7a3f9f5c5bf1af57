"""Coworkers and their accounts. An account's person is a sealed id, so the links
cannot be joined in SQL: these loaders open them in the app. The chart's list,
which marks who holds an account, and removing a coworker from the chart,
refused while they hold one, live here for that reason."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import sqlalchemy as sa

from core.extensions import db
from organizer import policy
from organizer.accounts.models import Account, RoleAssignment
from organizer.audit import services as audit
from organizer.audit.models import AuditAction
from organizer.charting.models import ASSESSMENT_LABELS, BargainingUnit, Department, Person, Shift
from organizer.charting.people import segment_names
from organizer.errors import DomainError


_ORGANIZERS_ONLY = "Only the union's organizers can see or change its chart."


def remove_person(actor: Account, person: Person) -> None:
    policy.require_organizer(actor, person.unit, _ORGANIZERS_ONLY)
    if has_account(person):
        raise DomainError(
            "This coworker has an account. Their account must be closed before they leave the chart.")
    unit, name = person.unit, person.name
    db.session.delete(person)
    db.session.flush()
    audit.record(actor, AuditAction.PERSON_REMOVED, f"Removed {name} from the chart.", unit=unit)


# -- the sealed links, opened in the app ----------------------------------------------------------
#
# An account's person and a person's department and shift are sealed ids, so
# they cannot be joined in SQL. These loaders replace the relationships. An
# account linked to a coworker always holds a role in the coworker's unit (or,
# for an organizer, in its union): accounts.create_account refuses anything
# else, so the accounts behind those role assignments are all that need opening.

def _accounts_of_unit(unit: BargainingUnit) -> sa.Select:
    holding_a_role = sa.select(RoleAssignment.account_id).where(sa.or_(
        RoleAssignment.unit_id == unit.id, RoleAssignment.union_id == unit.union_id))
    return sa.select(Account).where(Account.id.in_(holding_a_role))


def accounts_by_person(unit: BargainingUnit) -> dict[int, Account]:
    """The accounts of the unit's charted coworkers, by person id."""
    charted = set(db.session.scalars(sa.select(Person.id).where(Person.unit_id == unit.id)))
    return {account.person_id: account for account in db.session.scalars(_accounts_of_unit(unit))
            if account.person_id in charted}


def has_account(person: Person) -> bool:
    """Whether an account is linked to this coworker. Opens only the links (not whole
    accounts), since account creation asks this once per new account."""
    linked = db.session.scalars(_accounts_of_unit(person.unit).with_only_columns(Account.person_id))
    return any(person_id == person.id for person_id in linked)


def account_of(person: Person) -> Account | None:
    return accounts_by_person(person.unit).get(person.id)


def person_of(account: Account) -> Person | None:
    return db.session.get(Person, account.person_id) if account.person_id is not None else None


@dataclass(frozen=True)
class ChartView:
    people: list[Person]
    #: Number of coworkers at each assessment level, over the whole unit (not the filter).
    counts_by_assessment: dict[int, int]
    headcount: int
    members: int
    department_names: dict[int, str] = field(default_factory=dict)
    shift_names: dict[int, str] = field(default_factory=dict)
    #: Ids of the unit's coworkers who have an account.
    with_account: frozenset[int] = frozenset()

    def department_of(self, person: Person) -> str | None:
        return self.department_names.get(person.department_id) if person.department_id is not None else None

    def shift_of(self, person: Person) -> str | None:
        return self.shift_names.get(person.shift_id) if person.shift_id is not None else None

    def has_account(self, person: Person) -> bool:
        return person.id in self.with_account


def chart(
    actor: Account, unit: BargainingUnit, *, department_id: int | None = None,
    shift_id: int | None = None, assessment: int | None = None, is_member: bool | None = None,
) -> ChartView:
    policy.require_organizer(actor, unit, _ORGANIZERS_ONLY)
    # Segments, membership and assessments are sealed: every filter runs here, not in SQL.
    everyone = list(db.session.scalars(sa.select(Person).where(Person.unit_id == unit.id)))
    counts = Counter(person.assessment for person in everyone)
    shown = [
        person for person in everyone
        if (department_id is None or person.department_id == department_id)
        and (shift_id is None or person.shift_id == shift_id)
        and (assessment is None or person.assessment == assessment)
        and (is_member is None or person.is_member == is_member)
    ]
    shown.sort(key=lambda person: person.name.casefold())
    return ChartView(
        people=shown,
        counts_by_assessment={level: counts.get(level, 0) for level in ASSESSMENT_LABELS},
        headcount=len(everyone),
        members=sum(1 for person in everyone if person.is_member),
        department_names=segment_names(Department, unit),
        shift_names=segment_names(Shift, unit),
        with_account=frozenset(accounts_by_person(unit)),
    )
