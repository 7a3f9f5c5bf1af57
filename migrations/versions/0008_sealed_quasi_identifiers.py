"""Sealed quasi-identifiers: a coworker's membership, card date, day charted,
department and shift, and the link from an account to its coworker, move from
clear columns into sealed ones, with no foreign key or unique constraint left
to give them away (the chart service keeps them consistent). A new sealed
`segment_changed_on` records the day of each coworker's last move.

This is a data migration that reads no model: it seals each existing value
(and the downgrade opens it again) with the application's field cipher,
which Flask-Migrate makes reachable by running migrations inside the app. The
format is the one core.sealing's fixed-width types use at this revision,
written out below so later changes there cannot change this migration:
fixed-width plaintexts, None sealed as blanks, so neither a blob's size nor a
NULL says anything of the value.

Existing coworkers get today as the day of their last move. Nobody can tell
which of them were moved just before the upgrade, so every breakdown waits out
one freeze (unit_surveys.SEGMENT_FREEZE_DAYS) after it: a department filled
with a target and puppets yesterday gets no breakdown either.

On SQLite the pages that held the clear values are freed, not overwritten:
run VACUUM after upgrading (VACUUM FULL on PostgreSQL), and treat earlier
backups as holding the clear values.

Revision ID: 0008_sealed_quasi_identifiers
Revises: 0007_ballot_pool
Create Date: 2026-12-01
"""
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any, NamedTuple

from alembic import op
import sqlalchemy as sa
from flask import current_app


# revision identifiers, used by Alembic.
revision = '0008_sealed_quasi_identifiers'
down_revision = '0007_ballot_pool'
branch_labels = None
depends_on = None

#: The app's field cipher, registered by core.sealing.init_app.
_CIPHER = 'leverage.field_cipher'


class _Sealed(NamedTuple):
    """How one column is sealed at this revision (core.sealing's fixed-width types)."""

    purpose: str
    width: int
    write: Callable[[Any], bytes]
    read: Callable[[bytes], Any]

    def seal(self, value) -> bytes:
        raw = b' ' * self.width if value is None else self.write(value)
        return current_app.extensions[_CIPHER].encrypt(raw, self.purpose.encode())

    def open(self, blob):
        if blob is None:
            return None
        raw = current_app.extensions[_CIPHER].decrypt(bytes(blob), self.purpose.encode())
        return None if raw == b' ' * self.width else self.read(raw)


def _an_id(purpose: str) -> _Sealed:
    return _Sealed(purpose, 20, lambda value: f'{int(value):020d}'.encode('ascii'),
                   lambda raw: int(raw.decode('ascii')))


def _a_day(purpose: str) -> _Sealed:
    return _Sealed(purpose, 10, lambda value: value.isoformat().encode('ascii'),
                   lambda raw: date.fromisoformat(raw.decode('ascii')))


PEOPLE = {
    'department_id': _an_id('person.department_id'),
    'shift_id': _an_id('person.shift_id'),
    'is_member': _Sealed('person.is_member', 1, lambda value: b'1' if value else b'0', lambda raw: raw == b'1'),
    'card_signed_on': _a_day('person.card_signed_on'),
    'charted_on': _a_day('person.charted_on'),
}
SEGMENT_CHANGED_ON = _a_day('person.segment_changed_on')
ACCOUNT_PERSON = _an_id('account.person_id')
#: Sealed columns that may not be NULL.
REQUIRED = ('is_member', 'charted_on', 'segment_changed_on')


def _clear_people() -> sa.TableClause:
    return sa.table('people', sa.column('id', sa.Integer()), sa.column('department_id', sa.Integer()),
                    sa.column('shift_id', sa.Integer()), sa.column('is_member', sa.Boolean()),
                    sa.column('card_signed_on', sa.Date()), sa.column('charted_on', sa.Date()))


def _sealed(table: str, columns) -> sa.TableClause:
    return sa.table(table, sa.column('id', sa.Integer()), *(sa.column(c, sa.LargeBinary()) for c in columns))


def upgrade():
    bind = op.get_bind()
    people = bind.execute(sa.select(_clear_people())).mappings().all()
    links = bind.execute(sa.select(sa.table('accounts', sa.column('id', sa.Integer()),
                                            sa.column('person_id', sa.Integer())))).all()

    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_accounts_person_id'), type_='unique')
        batch_op.drop_constraint(batch_op.f('fk_accounts_person_id_people'), type_='foreignkey')
        batch_op.drop_column('person_id')
        batch_op.add_column(sa.Column('person_id', sa.LargeBinary(), nullable=True))
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_people_department_id_departments'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_people_shift_id_shifts'), type_='foreignkey')
        for column in PEOPLE:
            batch_op.drop_column(column)
        for column in [*PEOPLE, 'segment_changed_on']:
            batch_op.add_column(sa.Column(column, sa.LargeBinary(), nullable=True))

    sealed_accounts = _sealed('accounts', ['person_id'])
    for account_id, person_id in links:
        bind.execute(sealed_accounts.update().where(sealed_accounts.c.id == account_id)
                     .values(person_id=ACCOUNT_PERSON.seal(person_id)))
    sealed_people = _sealed('people', [*PEOPLE, 'segment_changed_on'])
    moved_on = datetime.now(UTC).date()
    for row in people:
        values = {column: sealed.seal(row[column]) for column, sealed in PEOPLE.items()}
        values['segment_changed_on'] = SEGMENT_CHANGED_ON.seal(moved_on)
        bind.execute(sealed_people.update().where(sealed_people.c.id == row['id']).values(**values))

    with op.batch_alter_table('people', schema=None) as batch_op:
        for column in REQUIRED:
            batch_op.alter_column(column, existing_type=sa.LargeBinary(), nullable=False)


def downgrade():
    bind = op.get_bind()
    sealed_people = _sealed('people', PEOPLE)
    people = [{'id': row['id'], **{column: sealed.open(row[column]) for column, sealed in PEOPLE.items()}}
              for row in bind.execute(sa.select(sealed_people)).mappings()]
    sealed_accounts = _sealed('accounts', ['person_id'])
    links = [(row.id, ACCOUNT_PERSON.open(row.person_id)) for row in bind.execute(sa.select(sealed_accounts))]
    # The clear columns had foreign keys and a unique constraint: a link the
    # service left dangling (or doubled) comes back as NULL rather than failing.
    departments = set(bind.execute(sa.text('SELECT id FROM departments')).scalars())
    shifts = set(bind.execute(sa.text('SELECT id FROM shifts')).scalars())
    charted = set(bind.execute(sa.text('SELECT id FROM people')).scalars())

    with op.batch_alter_table('people', schema=None) as batch_op:
        for column in [*PEOPLE, 'segment_changed_on']:
            batch_op.drop_column(column)
        batch_op.add_column(sa.Column('department_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('shift_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('is_member', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('card_signed_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('charted_on', sa.Date(), nullable=True))
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_column('person_id')
        batch_op.add_column(sa.Column('person_id', sa.Integer(), nullable=True))

    clear_people = _clear_people()
    today = datetime.now(UTC).date()
    for row in people:
        bind.execute(clear_people.update().where(clear_people.c.id == row['id']).values(
            department_id=row['department_id'] if row['department_id'] in departments else None,
            shift_id=row['shift_id'] if row['shift_id'] in shifts else None,
            is_member=bool(row['is_member']), card_signed_on=row['card_signed_on'],
            charted_on=row['charted_on'] or today))
    clear_accounts = sa.table('accounts', sa.column('id', sa.Integer()), sa.column('person_id', sa.Integer()))
    linked: set[int] = set()
    for account_id, person_id in links:
        if person_id in charted and person_id not in linked:
            linked.add(person_id)
            bind.execute(clear_accounts.update().where(clear_accounts.c.id == account_id)
                         .values(person_id=person_id))

    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.alter_column('is_member', existing_type=sa.Boolean(), nullable=False)
        batch_op.alter_column('charted_on', existing_type=sa.Date(), nullable=False)
        batch_op.create_foreign_key(batch_op.f('fk_people_department_id_departments'), 'departments',
                                    ['department_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_people_shift_id_shifts'), 'shifts',
                                    ['shift_id'], ['id'], ondelete='SET NULL')
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_accounts_person_id_people'), 'people',
                                    ['person_id'], ['id'], ondelete='SET NULL')
        batch_op.create_unique_constraint(batch_op.f('uq_accounts_person_id'), ['person_id'])
