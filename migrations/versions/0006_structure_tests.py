"""Structure tests: collective actions organizers record per unit (petition,
gear day, rally, mock strike vote, strike) with how many took part and the
headcount that day; counts only, never names.

Revision ID: 0006_structure_tests
Revises: 0005_same_demand
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_structure_tests'
down_revision = '0005_same_demand'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('structure_tests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('petition', 'gear_day', 'rally', 'mock_strike_vote', 'strike', name='structuretestkind', native_enum=False, length=24), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('participants', sa.Integer(), nullable=False),
    sa.Column('headcount', sa.Integer(), nullable=False),
    sa.CheckConstraint('headcount > 0 AND participants >= 0 AND participants <= headcount', name=op.f('ck_structure_tests_participants_within_headcount')),
    sa.ForeignKeyConstraint(['unit_id'], ['bargaining_units.id'], name=op.f('fk_structure_tests_unit_id_bargaining_units'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_structure_tests'))
    )
    with op.batch_alter_table('structure_tests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_structure_tests_unit_id'), ['unit_id'], unique=False)


def downgrade():
    with op.batch_alter_table('structure_tests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_structure_tests_unit_id'))

    op.drop_table('structure_tests')
