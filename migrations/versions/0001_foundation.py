"""Foundation: unions, bargaining units, departments, shifts, the chart of
people, accounts, role assignments and invitations.

Sealed columns (names, contact details, assessments, notes) are plain binary
here: the database only ever sees ciphertext.

Revision ID: 0001_foundation
Revises:
Create Date: 2026-11-28
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0001_foundation'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('unions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('release_threshold', sa.Integer(), nullable=False),
    sa.Column('created_on', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unions')),
    sa.UniqueConstraint('name', name=op.f('uq_unions_name'))
    )
    op.create_table('bargaining_units',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('union_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('created_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['union_id'], ['unions.id'], name=op.f('fk_bargaining_units_union_id_unions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bargaining_units')),
    sa.UniqueConstraint('union_id', 'name', name=op.f('uq_bargaining_units_union_id_name'))
    )
    with op.batch_alter_table('bargaining_units', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bargaining_units_union_id'), ['union_id'], unique=False)

    op.create_table('departments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['bargaining_units.id'], name=op.f('fk_departments_unit_id_bargaining_units'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_departments')),
    sa.UniqueConstraint('unit_id', 'name', name=op.f('uq_departments_unit_id_name'))
    )
    with op.batch_alter_table('departments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_departments_unit_id'), ['unit_id'], unique=False)

    op.create_table('shifts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['bargaining_units.id'], name=op.f('fk_shifts_unit_id_bargaining_units'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shifts')),
    sa.UniqueConstraint('unit_id', 'name', name=op.f('uq_shifts_unit_id_name'))
    )
    with op.batch_alter_table('shifts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shifts_unit_id'), ['unit_id'], unique=False)

    op.create_table('people',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('shift_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.LargeBinary(), nullable=False),
    sa.Column('email', sa.LargeBinary(), nullable=True),
    sa.Column('phone', sa.LargeBinary(), nullable=True),
    sa.Column('assessment', sa.LargeBinary(), nullable=False),
    sa.Column('notes', sa.LargeBinary(), nullable=True),
    sa.Column('is_member', sa.Boolean(), nullable=False),
    sa.Column('card_signed_on', sa.Date(), nullable=True),
    sa.Column('charted_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_people_department_id_departments'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['shift_id'], ['shifts.id'], name=op.f('fk_people_shift_id_shifts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['unit_id'], ['bargaining_units.id'], name=op.f('fk_people_unit_id_bargaining_units'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_people'))
    )
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_people_unit_id'), ['unit_id'], unique=False)

    op.create_table('accounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('display_name', sa.LargeBinary(), nullable=False),
    sa.Column('email', sa.LargeBinary(), nullable=False),
    sa.Column('email_index', sa.LargeBinary(length=32), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('session_token_hash', sa.LargeBinary(length=32), nullable=False),
    sa.Column('failed_login_count', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.Column('created_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_accounts_person_id_people'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_accounts')),
    sa.UniqueConstraint('email_index', name=op.f('uq_accounts_email_index')),
    sa.UniqueConstraint('person_id', name=op.f('uq_accounts_person_id')),
    sa.UniqueConstraint('session_token_hash', name=op.f('uq_accounts_session_token_hash'))
    )
    op.create_table('invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.LargeBinary(length=32), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('organizer', 'steward', 'member', name='role', native_enum=False, length=16), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('accepted_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['invited_by_id'], ['accounts.id'], name=op.f('fk_invitations_invited_by_id_accounts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_invitations_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitations')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_invitations_token_hash'))
    )
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invitations_person_id'), ['person_id'], unique=False)

    op.create_table('role_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('organizer', 'steward', 'member', name='role', native_enum=False, length=16), nullable=False),
    sa.Column('union_id', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("(role = 'organizer' AND union_id IS NOT NULL AND unit_id IS NULL) OR (role <> 'organizer' AND unit_id IS NOT NULL AND union_id IS NULL)", name=op.f('ck_role_assignments_scope_matches_role')),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_role_assignments_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['union_id'], ['unions.id'], name=op.f('fk_role_assignments_union_id_unions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['bargaining_units.id'], name=op.f('fk_role_assignments_unit_id_bargaining_units'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_role_assignments')),
    sa.UniqueConstraint('account_id', 'role', 'union_id', 'unit_id', name=op.f('uq_role_assignments_account_id_role_union_id_unit_id'))
    )
    with op.batch_alter_table('role_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_role_assignments_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_role_assignments_union_id'), ['union_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_role_assignments_unit_id'), ['unit_id'], unique=False)



def downgrade():
    with op.batch_alter_table('role_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_role_assignments_unit_id'))
        batch_op.drop_index(batch_op.f('ix_role_assignments_union_id'))
        batch_op.drop_index(batch_op.f('ix_role_assignments_account_id'))

    op.drop_table('role_assignments')
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invitations_person_id'))

    op.drop_table('invitations')
    op.drop_table('accounts')
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_people_unit_id'))

    op.drop_table('people')
    with op.batch_alter_table('shifts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shifts_unit_id'))

    op.drop_table('shifts')
    with op.batch_alter_table('departments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_departments_unit_id'))

    op.drop_table('departments')
    with op.batch_alter_table('bargaining_units', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bargaining_units_union_id'))

    op.drop_table('bargaining_units')
    op.drop_table('unions')
