"""Email notifications: each account's choice to be emailed (off until turned
on) and the release day its home page last showed as new, and one row per
survey and event announced, so a job that runs twice mails nobody twice.

Revision ID: 0012_notifications
Revises: 0011_strength_evidence
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_notifications'
down_revision = '0011_strength_evidence'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('wants_email', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('results_seen_on', sa.Date(), nullable=True))
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        # The model sets the default itself; none stays in the schema.
        batch_op.alter_column('wants_email', server_default=None)

    op.create_table(
        'survey_announcements',
        sa.Column('survey_id', sa.Integer(), nullable=False),
        sa.Column('event', sa.Enum('opened', 'trustees_needed', 'released', name='surveyevent',
                                   native_enum=False, length=24), nullable=False),
        sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_announcements_survey_id_surveys'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('survey_id', 'event', name=op.f('pk_survey_announcements')),
    )


def downgrade():
    op.drop_table('survey_announcements')
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_column('results_seen_on')
        batch_op.drop_column('wants_email')
