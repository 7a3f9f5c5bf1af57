"""One-on-one conversations and their follow-ups.

Two tables, every field but the id and the unit sealed (see
organizer/conversations/models.py for what is kept and why).

Revision ID: 0020_conversations
Revises: 0019_union_cards
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa

revision = "0020_conversations"
down_revision = "0019_union_cards"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('conversations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.LargeBinary(), nullable=False),
    sa.Column('held_by_id', sa.LargeBinary(), nullable=False),
    sa.Column('held_on', sa.LargeBinary(), nullable=False),
    sa.Column('issues', sa.LargeBinary(), nullable=False),
    sa.Column('assessment_before', sa.LargeBinary(), nullable=False),
    sa.Column('assessment_after', sa.LargeBinary(), nullable=False),
    sa.Column('note', sa.LargeBinary(), nullable=True),
    sa.ForeignKeyConstraint(['unit_id'], ['bargaining_units.id'],
                            name=op.f('fk_conversations_unit_id_bargaining_units'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conversations'))
    )
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conversations_unit_id'), ['unit_id'], unique=False)

    op.create_table('follow_ups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.LargeBinary(), nullable=False),
    sa.Column('owner_id', sa.LargeBinary(), nullable=False),
    sa.Column('step', sa.LargeBinary(), nullable=False),
    sa.Column('due_on', sa.LargeBinary(), nullable=False),
    sa.Column('done_on', sa.LargeBinary(), nullable=True),
    sa.ForeignKeyConstraint(['unit_id'], ['bargaining_units.id'],
                            name=op.f('fk_follow_ups_unit_id_bargaining_units'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_ups'))
    )
    with op.batch_alter_table('follow_ups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_follow_ups_unit_id'), ['unit_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('follow_ups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_follow_ups_unit_id'))
    op.drop_table('follow_ups')
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conversations_unit_id'))
    op.drop_table('conversations')
