"""Committee members of a unit, each for one department or more.

A new role, `committee`, in the role assignments a unit's stewards and members
already hold, with the departments it covers sealed in one new column (NULL for
every other role). The check that a role's scope matches it now says which
roles carry departments.

Revision ID: 0021_committee
Revises: 0020_conversations
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa

revision = "0021_committee"
down_revision = "0020_conversations"
branch_labels = None
depends_on = None

_BEFORE = ("(role = 'organizer' AND union_id IS NOT NULL AND unit_id IS NULL)"
           " OR (role <> 'organizer' AND unit_id IS NOT NULL AND union_id IS NULL)")
_AFTER = ("(role = 'organizer' AND union_id IS NOT NULL AND unit_id IS NULL AND department_ids IS NULL)"
          " OR (role = 'committee' AND unit_id IS NOT NULL AND union_id IS NULL AND department_ids IS NOT NULL)"
          " OR (role NOT IN ('organizer', 'committee') AND unit_id IS NOT NULL AND union_id IS NULL"
          " AND department_ids IS NULL)")


def upgrade() -> None:
    with op.batch_alter_table('role_assignments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('department_ids', sa.LargeBinary(), nullable=True))
        batch_op.drop_constraint(batch_op.f('ck_role_assignments_scope_matches_role'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_role_assignments_scope_matches_role'), _AFTER)


def downgrade() -> None:
    # A committee seat has no place in the older schema: it goes (its holder stays a member).
    op.execute("DELETE FROM role_assignments WHERE role = 'committee'")
    with op.batch_alter_table('role_assignments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_role_assignments_scope_matches_role'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_role_assignments_scope_matches_role'), _BEFORE)
        batch_op.drop_column('department_ids')
