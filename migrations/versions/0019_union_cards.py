"""Digital union cards: signed, sealed, withdrawable.

Two tables: each union's card words, versioned (a card keeps the version it
was signed under), and the cards themselves, every field but the id and the
unit sealed (see organizer/cards/models.py for what is kept and why).

Revision ID: 0019_union_cards
Revises: 0018_prepared_summaries
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa

revision = "0019_union_cards"
down_revision = "0018_prepared_summaries"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('union_card_texts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('union_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('text', sa.LargeBinary(), nullable=False),
    sa.Column('set_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['union_id'], ['unions.id'], name=op.f('fk_union_card_texts_union_id_unions'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_union_card_texts')),
    sa.UniqueConstraint('union_id', 'version', name=op.f('uq_union_card_texts_union_id_version'))
    )
    with op.batch_alter_table('union_card_texts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_union_card_texts_union_id'), ['union_id'], unique=False)

    op.create_table('union_cards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.LargeBinary(), nullable=False),
    sa.Column('text_id', sa.LargeBinary(), nullable=False),
    sa.Column('text_digest', sa.LargeBinary(), nullable=False),
    sa.Column('legal_name', sa.LargeBinary(), nullable=False),
    sa.Column('email', sa.LargeBinary(), nullable=True),
    sa.Column('phone', sa.LargeBinary(), nullable=True),
    sa.Column('typed_signature', sa.LargeBinary(), nullable=True),
    sa.Column('on_paper', sa.LargeBinary(), nullable=False),
    sa.Column('signed_on', sa.LargeBinary(), nullable=False),
    sa.Column('signed_at', sa.LargeBinary(), nullable=True),
    sa.Column('recorded_by_id', sa.LargeBinary(), nullable=True),
    sa.Column('withdrawn_on', sa.LargeBinary(), nullable=True),
    sa.ForeignKeyConstraint(['unit_id'], ['bargaining_units.id'],
                            name=op.f('fk_union_cards_unit_id_bargaining_units'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_union_cards'))
    )
    with op.batch_alter_table('union_cards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_union_cards_unit_id'), ['unit_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('union_cards', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_union_cards_unit_id'))
    op.drop_table('union_cards')
    with op.batch_alter_table('union_card_texts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_union_card_texts_union_id'))
    op.drop_table('union_card_texts')
