"""Same demand: a steward can mark a member's demand as the same as another
member's, so the bargaining summary lists it once and counts everyone who
raised it.

Revision ID: 0005_same_demand
Revises: 0004_demands
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005_same_demand'
down_revision = '0004_demands'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('demands', schema=None) as batch_op:
        batch_op.add_column(sa.Column('same_as_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_demands_same_as_id'), ['same_as_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_demands_same_as_id_demands'), 'demands', ['same_as_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('demands', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_demands_same_as_id_demands'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_demands_same_as_id'))
        batch_op.drop_column('same_as_id')

