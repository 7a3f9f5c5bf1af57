"""Coworkers and their accounts. An account's person is a sealed id, so the links
cannot be joined in SQL: the unit's roster keeps them (this module tells it of
every link made or undone), and these loaders read them from it. The chart's
pages, which mark who holds an account, and removing a coworker from the chart,
refused while they hold one, live here for that reason."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext, lazy_gettext
from sqlalchemy.orm import Session

from core.extensions import db
from organizer import policy
from organizer.accounts.models import Account, RoleAssignment
from organizer.audit import services as audit
from organizer.audit.models import AuditAction
from organizer.charting import roster
from organizer.charting.models import BargainingUnit, Department, Person, Shift
from organizer.charting.people import segment_names
from organizer.errors import DomainError, NotAllowed
from organizer.roles import Role


_ORGANIZERS_ONLY = lazy_gettext("Only the union's organizers can see or change its chart.")


def remove_person(actor: Account, person: Person) -> None:
    policy.require_organizer(actor, person.unit, _ORGANIZERS_ONLY)
    # Under the roster's lock, so an account made meanwhile cannot be left pointing at nobody.
    if roster.lock(person.unit).account_of(person.id) is not None:
        raise DomainError(gettext(
            "This coworker has an account. Their account must be closed before they leave the chart."))
    unit, name = person.unit, person.name
    db.session.delete(person)
    db.session.flush()
    audit.record(actor, AuditAction.PERSON_REMOVED, f"Removed {name} from the chart.", unit=unit)


# -- the sealed links ----------------------------------------------------------------------------
#
# An account's person is a sealed id, so it cannot be joined in SQL. The unit's
# roster (charting.roster) keeps each person's account id, rewritten in the same
# flush as every account that is made, deleted or relinked (the watcher below
# tells it). An account linked to a coworker always holds a role in the
# coworker's unit (or, for an organizer, in its union): accounts.create_account
# refuses anything else, so those role holders are all that a rebuild opens.

def _accounts_of_unit(unit: BargainingUnit) -> sa.Select:
    holding_a_role = sa.select(RoleAssignment.account_id).where(sa.or_(
        RoleAssignment.unit_id == unit.id, RoleAssignment.union_id == unit.union_id))
    return sa.select(Account).where(Account.id.in_(holding_a_role))


def _opened_links(session: Session, unit_id: int) -> dict[int, int]:
    """Account id by person id, opened from the accounts themselves: for a roster rebuilt from scratch."""
    unit = session.get(BargainingUnit, unit_id)
    rows = session.execute(_accounts_of_unit(unit).with_only_columns(Account.id, Account.person_id))
    return {person_id: account_id for account_id, person_id in rows if person_id is not None}


def _links_changed(session: Session) -> Iterator[roster.LinkChange]:
    """The account links the flush under way makes or undoes."""
    for account in session.new:
        if isinstance(account, Account) and account.person_id is not None:
            yield roster.LinkChange(account.person_id, account, linked=True)
    for account in session.deleted:
        if isinstance(account, Account) and account.person_id is not None:
            yield roster.LinkChange(account.person_id, account, linked=False)
    for account in session.dirty:
        if isinstance(account, Account):
            history = sa.inspect(account).attrs.person_id.history
            for before in history.deleted:
                if before is not None:
                    yield roster.LinkChange(before, account, linked=False)
            for after in history.added:
                if after is not None:
                    yield roster.LinkChange(after, account, linked=True)


roster.watch_links(_links_changed)
roster.register_link_source(_opened_links)


def accounts_by_person(unit: BargainingUnit) -> dict[int, Account]:
    """The accounts of the unit's charted coworkers, by person id."""
    linked = roster.of(unit).accounts()
    if not linked:
        return {}
    found = {account.id: account for account in db.session.scalars(
        _accounts_of_unit(unit).where(Account.id.in_(list(linked.values()))))}
    return {person_id: found[account_id] for person_id, account_id in linked.items() if account_id in found}


def has_account(person: Person) -> bool:
    """Whether an account is linked to this coworker: one roster read."""
    return roster.of(person.unit).account_of(person.id) is not None


def account_of(person: Person) -> Account | None:
    account_id = roster.of(person.unit).account_of(person.id)
    return db.session.get(Account, account_id) if account_id is not None else None


def person_of(account: Account) -> Person | None:
    return db.session.get(Person, account.person_id) if account.person_id is not None else None


# -- the chart ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ChartView:
    """One page of a unit's chart, and the unit's counts."""

    #: The page's coworkers, in chart order (by name).
    people: list[Person]
    #: Number of coworkers at each assessment level, over the whole unit (not the filter),
    #: or over a committee member's departments.
    counts_by_assessment: dict[int, int]
    headcount: int
    members: int
    department_names: dict[int, str] = field(default_factory=dict)
    shift_names: dict[int, str] = field(default_factory=dict)
    #: The roles of the account of each coworker on the page who has one, by person id.
    roles: dict[int, tuple[Role, ...]] = field(default_factory=dict)
    #: How many coworkers match the filters and the search, over every page.
    matching: int = 0
    page: int = 1
    pages: int = 1
    per_page: int = roster.DEFAULT_CHART_PAGE_SIZE
    #: The departments a committee member's chart is limited to, by name (None: the whole unit).
    only_departments: tuple[str, ...] | None = None

    @property
    def first_shown(self) -> int:
        """The position (from 1) of the page's first coworker among those matching."""
        return (self.page - 1) * self.per_page + 1 if self.people else 0

    @property
    def last_shown(self) -> int:
        return (self.page - 1) * self.per_page + len(self.people)

    def department_of(self, person: Person) -> str | None:
        return self.department_names.get(person.department_id) if person.department_id is not None else None

    def shift_of(self, person: Person) -> str | None:
        return self.shift_names.get(person.shift_id) if person.shift_id is not None else None

    def has_account(self, person: Person) -> bool:
        return person.id in self.roles

    def roles_of(self, person: Person) -> str:
        return ", ".join(str(role.label) for role in self.roles.get(person.id, ()))


def chart(
    actor: Account, unit: BargainingUnit, *, department_id: int | None = None,
    shift_id: int | None = None, assessment: int | None = None, is_member: bool | None = None,
    search: str | None = None, page: int = 1, per_page: int = roster.DEFAULT_CHART_PAGE_SIZE,
) -> ChartView:
    """One page of the chart: the coworkers matching every filter given and whose
    name contains `search`, by name. Segments, membership and assessments are sealed,
    so the roster filters them in memory; only the page's rows are opened. A page
    past the last shows the last. A committee member's chart is their own departments'
    coworkers, and its counts are theirs too: nothing of the rest of the unit."""
    within = _charted_departments(actor, unit)
    if per_page not in roster.CHART_PAGE_SIZES:
        sizes = ", ".join(str(size) for size in roster.CHART_PAGE_SIZES)
        raise DomainError(gettext("Show %(sizes)s coworkers a page.", sizes=sizes), field="per_page")
    if within is not None and department_id is not None and department_id not in within:
        raise DomainError("Choose one of your departments.", field="department")
    listed = roster.of(unit)
    matching = listed.matching(department_id=department_id, shift_id=shift_id, assessment=assessment,
                               is_member=is_member, search=search, within=within)
    pages = max(1, -(-len(matching) // per_page))
    page = min(max(page, 1), pages)
    shown = matching[(page - 1) * per_page:page * per_page]
    loaded = {person.id: person for person in db.session.scalars(sa.select(Person).where(Person.id.in_(shown)))}
    summary = listed.summary if within is None else listed.summary_in(within)
    department_names = segment_names(Department, unit)
    return ChartView(
        people=[loaded[person_id] for person_id in shown if person_id in loaded],
        counts_by_assessment=summary.counts_by_assessment,
        headcount=summary.headcount,
        members=summary.members,
        department_names=department_names,
        shift_names=segment_names(Shift, unit),
        roles=_roles_of_accounts(unit, {person_id: listed.account_of(person_id) for person_id in shown}),
        matching=len(matching), page=page, pages=pages, per_page=per_page,
        only_departments=None if within is None else tuple(sorted(
            (department_names[d] for d in within if d in department_names), key=str.casefold)),
    )


def _charted_departments(actor: Account, unit: BargainingUnit) -> set[int] | None:
    """None for the union's organizers (the whole unit); a committee member's departments."""
    if policy.organizes(actor, unit):
        return None
    if not policy.charts_in(actor, unit):
        raise NotAllowed(_ORGANIZERS_ONLY)
    return policy.committee_departments(actor, unit)


def _roles_of_accounts(unit: BargainingUnit, account_of_person: dict[int, int | None]) -> dict[int, tuple[Role, ...]]:
    """The roles in this unit (or its union) of each person's account, by person id, in
    one query; an account holding none of them is not counted as the coworker's."""
    account_ids = {account_id for account_id in account_of_person.values() if account_id is not None}
    held: dict[int, list[Role]] = {}
    for account_id, role in db.session.execute(
            sa.select(RoleAssignment.account_id, RoleAssignment.role)
            .where(RoleAssignment.account_id.in_(account_ids),
                   sa.or_(RoleAssignment.unit_id == unit.id, RoleAssignment.union_id == unit.union_id))
            .order_by(RoleAssignment.role)):
        held.setdefault(account_id, []).append(role)
    return {person_id: tuple(held[account_id]) for person_id, account_id in account_of_person.items()
            if account_id in held}
