"""The endorsement state of claims and demands as one column with its own
transitions, instead of a state read from two nullable columns.

Revision ID: 0010_endorsement_state
Revises: 0009_policy_floors_audit
Create Date: 2026-12-03
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_endorsement_state'
down_revision = '0009_policy_floors_audit'
branch_labels = None
depends_on = None

TABLES = ('claims', 'demands')


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column(
                'endorsement_state',
                sa.Enum('not_asked', 'requested', 'surveyed', name='endorsementstate', native_enum=False, length=24),
                nullable=False, server_default='not_asked'))
        # What the two columns meant: a survey linked is "surveyed"; asked with
        # no survey yet is "requested"; neither is "not asked" (the default).
        op.execute(f"UPDATE {table} SET endorsement_state = 'surveyed' WHERE endorsement_survey_id IS NOT NULL")
        op.execute(f"UPDATE {table} SET endorsement_state = 'requested' "
                   "WHERE endorsement_survey_id IS NULL AND endorsement_requested_on IS NOT NULL")
        with op.batch_alter_table(table, schema=None) as batch_op:
            # The models set the default themselves; none stays in the schema.
            batch_op.alter_column('endorsement_state', server_default=None)


def downgrade():
    for table in TABLES:
        # A re-request kept its last survey linked; the old columns said
        # "requested" by having none.
        op.execute(f"UPDATE {table} SET endorsement_survey_id = NULL WHERE endorsement_state = 'requested'")
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('endorsement_state')
