"""Each union's time zone: survey times are typed and shown in it.

Revision ID: 0013_union_time_zone
Revises: 0012_notifications
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013_union_time_zone'
down_revision = '0012_notifications'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('unions', schema=None) as batch_op:
        # Unions that exist already get the default zone; organizers change it on the settings page.
        batch_op.add_column(sa.Column('time_zone', sa.String(length=64), nullable=False,
                                      server_default='America/New_York'))
    with op.batch_alter_table('unions', schema=None) as batch_op:
        # The model sets the default itself; none stays in the schema.
        batch_op.alter_column('time_zone', server_default=None)


def downgrade():
    with op.batch_alter_table('unions', schema=None) as batch_op:
        batch_op.drop_column('time_zone')
