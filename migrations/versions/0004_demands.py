"""Leverage profiles and demands: members' claims (qualifications at hire,
performance, needs) and demands with kind, tier, basis and category, the
claims each demand rests on, endorsement requests, and the employer's response
recorded by stewards. Every free-text field is sealed (LargeBinary).

Revision ID: 0004_demands
Revises: 0003_account_sessions
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004_demands'
down_revision = '0003_account_sessions'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('claims',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('section', sa.Enum('hire', 'performance', 'need', name='claimsection', native_enum=False, length=24), nullable=False),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('text', sa.LargeBinary(), nullable=False),
    sa.Column('created_on', sa.Date(), nullable=False),
    sa.Column('endorsement_requested_on', sa.Date(), nullable=True),
    sa.Column('endorsement_survey_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_claims_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['endorsement_survey_id'], ['surveys.id'], name=op.f('fk_claims_endorsement_survey_id_surveys'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claims'))
    )
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claims_account_id'), ['account_id'], unique=False)

    op.create_table('demands',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('demand', 'question', name='demandkind', native_enum=False, length=24), nullable=False),
    sa.Column('tier', sa.Enum('dealbreaker', 'priority', 'important', 'nice_to_have', 'curious', name='tier', native_enum=False, length=24), nullable=False),
    sa.Column('basis', sa.Enum('performance', 'growth', 'needs', 'collective', 'market', name='basis', native_enum=False, length=24), nullable=False),
    sa.Column('category', sa.Enum('pay', 'benefits', 'scheduling', 'security_conditions', 'career', 'representation', 'culture', 'deia', 'hiring', name='category', native_enum=False, length=24), nullable=False),
    sa.Column('text', sa.LargeBinary(), nullable=False),
    sa.Column('is_attributable', sa.Boolean(), nullable=False),
    sa.Column('created_on', sa.Date(), nullable=False),
    sa.Column('employer_response', sa.Enum('supports', 'partly', 'refuses', 'no_answer', name='employerresponse', native_enum=False, length=24), nullable=True),
    sa.Column('employer_response_note', sa.LargeBinary(), nullable=True),
    sa.Column('responded_on', sa.Date(), nullable=True),
    sa.Column('endorsement_requested_on', sa.Date(), nullable=True),
    sa.Column('endorsement_survey_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_demands_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['endorsement_survey_id'], ['surveys.id'], name=op.f('fk_demands_endorsement_survey_id_surveys'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['unit_id'], ['bargaining_units.id'], name=op.f('fk_demands_unit_id_bargaining_units'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_demands'))
    )
    with op.batch_alter_table('demands', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_demands_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_demands_unit_id'), ['unit_id'], unique=False)

    op.create_table('demand_claims',
    sa.Column('demand_id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_demand_claims_claim_id_claims'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['demand_id'], ['demands.id'], name=op.f('fk_demand_claims_demand_id_demands'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('demand_id', 'claim_id', name=op.f('pk_demand_claims'))
    )


def downgrade():
    op.drop_table('demand_claims')
    with op.batch_alter_table('demands', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_demands_unit_id'))
        batch_op.drop_index(batch_op.f('ix_demands_account_id'))

    op.drop_table('demands')
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claims_account_id'))

    op.drop_table('claims')
