"""The unit roster: one sealed row per bargaining unit with what its pages
filter and count (organizer.charting.roster explains why and what it hides).

The upgrade builds the roster of every existing unit: it opens each unit's
people once (and the accounts' sealed links to them), with the application's
field cipher and blind-index key, which Flask-Migrate makes reachable by
running migrations inside the app. No model is read, and the roster's format
at this revision is written out below, so later changes to the app cannot
change this migration; the app rebuilds a roster whose format it does not
know. The downgrade drops the table: nothing else was changed.

Revision ID: 0015_unit_roster
Revises: 0014_employer_answer_history
Create Date: 2026-12-05
"""
import struct
import sys
import unicodedata
from array import array
from datetime import date

from alembic import op
import sqlalchemy as sa
from flask import current_app


# revision identifiers, used by Alembic.
revision = '0015_unit_roster'
down_revision = '0014_employer_answer_history'
branch_labels = None
depends_on = None

#: The app's field cipher and blind index, registered by core.sealing.init_app.
_CIPHER = 'leverage.field_cipher'
_INDEX = 'leverage.blind_index'

FORMAT_VERSION = 1
HEADER = struct.Struct('<BQII')
LEVELS = (0, 1, 2, 3, 4, 5)
SUMMARY = struct.Struct('<BQII' + 'I' * len(LEVELS))
EMAIL_TAG_BYTES = 8
EMAIL_PURPOSE = b'roster.email'


def _open(blob, purpose: str):
    if blob is None:
        return None
    return current_app.extensions[_CIPHER].decrypt(bytes(blob), purpose.encode())


def _seal(raw: bytes, purpose: str) -> bytes:
    return current_app.extensions[_CIPHER].encrypt(raw, purpose.encode())


def _an_id(blob, purpose: str):
    raw = _open(blob, purpose)
    return None if raw is None or raw == b' ' * 20 else int(raw.decode('ascii'))


def _text(blob, purpose: str):
    raw = _open(blob, purpose)
    return None if raw is None else raw.decode('utf-8')


def _name_key(name: str) -> str:
    decomposed = unicodedata.normalize('NFKD', name.casefold())
    kept = ''.join(ch for ch in decomposed
                   if not unicodedata.combining(ch) and not unicodedata.category(ch).startswith('C'))
    return ' '.join(unicodedata.normalize('NFC', kept).casefold().split())


def _email_tag(email) -> bytes:
    if not email:
        return bytes(EMAIL_TAG_BYTES)
    normalized = unicodedata.normalize('NFKC', email).strip().lower()
    return current_app.extensions[_INDEX](normalized, EMAIL_PURPOSE)[:EMAIL_TAG_BYTES]


def _entry(row, account_of: dict) -> tuple:
    raw_day = _open(row.segment_changed_on, 'person.segment_changed_on')
    changed = date.fromisoformat(raw_day.decode('ascii')) if raw_day and raw_day.strip() else date.today()
    assessment = _text(row.assessment, 'person.assessment')
    return (
        _name_key(_text(row.name, 'person.name') or ''), row.id,
        _an_id(row.department_id, 'person.department_id') or 0, _an_id(row.shift_id, 'person.shift_id') or 0,
        account_of.get(row.id, 0), changed.toordinal(), int(assessment) if assessment else 0,
        1 if _open(row.is_member, 'person.is_member') == b'1' else 0,
        _email_tag(_text(row.email, 'person.email')),
    )


def _roster(unit_id: int, entries: list) -> tuple[bytes, bytes]:
    """The summary and the entries, as organizer.charting.roster stores them at version 1:
    columns in (name key, person id) order, little-endian."""
    entries.sort(key=lambda entry: (entry[0], entry[1]))
    columns = [array('Q', [e[1] for e in entries]), array('Q', [e[2] for e in entries]),
               array('Q', [e[3] for e in entries]), array('Q', [e[4] for e in entries]),
               array('I', [e[5] for e in entries]), array('B', [e[6] for e in entries]),
               array('B', [e[7] for e in entries])]
    if sys.byteorder != 'little':
        for column in columns:
            column.byteswap()
    names = '\x00'.join(e[0] for e in entries).encode('utf-8')
    body = b''.join([HEADER.pack(FORMAT_VERSION, unit_id, len(entries), len(names)), *(c.tobytes() for c in columns),
                     b''.join(e[8] for e in entries), names])
    levels = [sum(1 for e in entries if e[6] == level) for level in LEVELS]
    summary = SUMMARY.pack(FORMAT_VERSION, unit_id, len(entries), sum(e[7] for e in entries), *levels)
    return summary, body


def upgrade():
    op.create_table(
        'unit_rosters',
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('summary', sa.LargeBinary(), nullable=False),
        sa.Column('entries', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['unit_id'], ['bargaining_units.id'],
                                name=op.f('fk_unit_rosters_unit_id_bargaining_units'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('unit_id', name=op.f('pk_unit_rosters')),
    )
    bind = op.get_bind()
    units = bind.execute(sa.text('SELECT id, union_id FROM bargaining_units')).all()
    if not units:
        return
    people = sa.table('people', *(sa.column(name, sa.LargeBinary()) for name in (
        'name', 'email', 'assessment', 'is_member', 'department_id', 'shift_id', 'segment_changed_on')),
        sa.column('id', sa.Integer()), sa.column('unit_id', sa.Integer()))
    rosters = sa.table('unit_rosters', sa.column('unit_id', sa.Integer()), sa.column('summary', sa.LargeBinary()),
                       sa.column('entries', sa.LargeBinary()))
    # An account's link to its coworker is sealed; the accounts holding a role in a unit or
    # its union are the only ones that can be linked to its people (accounts.create_account).
    links = bind.execute(sa.text(
        'SELECT DISTINCT a.id, a.person_id, r.unit_id, r.union_id FROM accounts a '
        'JOIN role_assignments r ON r.account_id = a.id')).all()
    opened = {account_id: _an_id(blob, 'account.person_id') for account_id, blob, _, _ in links}
    for unit_id, union_id in units:
        rows = bind.execute(sa.select(people).where(people.c.unit_id == unit_id)).all()
        charted = {row.id for row in rows}
        account_of = {opened[account_id]: account_id for account_id, _, role_unit, role_union in links
                      if (role_unit == unit_id or role_union == union_id) and opened[account_id] in charted}
        summary, body = _roster(unit_id, [_entry(row, account_of) for row in rows])
        bind.execute(rosters.insert().values(unit_id=unit_id, summary=_seal(summary, 'unit_roster.summary'),
                                             entries=_seal(body, 'unit_roster.entries')))


def downgrade():
    op.drop_table('unit_rosters')
