"""Strength from recent evidence: each union's evidence window (how many days back
evidence counts toward a unit's tier), and the one-off pulses organizers chose to
count as a unit's temperature check.

Revision ID: 0011_strength_evidence
Revises: 0010_endorsement_state
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_strength_evidence'
down_revision = '0010_endorsement_state'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('unions', schema=None) as batch_op:
        # Unions that exist already get the default window; organizers change it on a unit's strength page.
        batch_op.add_column(sa.Column('evidence_window_days', sa.Integer(), nullable=False, server_default='90'))
    with op.batch_alter_table('unions', schema=None) as batch_op:
        # The model sets the default itself; none stays in the schema.
        batch_op.alter_column('evidence_window_days', server_default=None)

    op.create_table('temperature_checks',
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('marked_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_temperature_checks_survey_id_surveys'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['bargaining_units.id'], name=op.f('fk_temperature_checks_unit_id_bargaining_units'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('survey_id', name=op.f('pk_temperature_checks'))
    )
    with op.batch_alter_table('temperature_checks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_temperature_checks_unit_id'), ['unit_id'], unique=False)


def downgrade():
    with op.batch_alter_table('temperature_checks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_temperature_checks_unit_id'))
    op.drop_table('temperature_checks')

    with op.batch_alter_table('unions', schema=None) as batch_op:
        batch_op.drop_column('evidence_window_days')
