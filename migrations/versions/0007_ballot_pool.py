"""The ballot pool: accepted ballots and their respondents wait, shuffled and
sealed, until they move into storage in random batches and are mixed at close;
ballots no longer carry a clear cell tag.

Revision ID: 0007_ballot_pool
Revises: 0006_structure_tests
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_ballot_pool'
down_revision = '0006_structure_tests'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('survey_ballot_pools',
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('sealed', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_ballot_pools_survey_id_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('survey_id', name=op.f('pk_survey_ballot_pools'))
    )
    # The rebuild must keep WITHOUT ROWID: the rows' order stays that of their random keys.
    with op.batch_alter_table('survey_ballots', schema=None, table_kwargs={'sqlite_with_rowid': False}) as batch_op:
        batch_op.add_column(sa.Column('sealed_cell', sa.LargeBinary(), nullable=True))
        batch_op.alter_column('cell', existing_type=sa.String(length=16), nullable=True)
    if op.get_bind().dialect.name == 'postgresql':
        # The pool is sealed, so it never compresses: spare PostgreSQL the attempt on every answer.
        op.execute("ALTER TABLE survey_ballot_pools ALTER COLUMN sealed SET STORAGE EXTERNAL")
    with op.batch_alter_table('survey_participation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_participation_voter_ref'), ['voter_ref'], unique=False)
    # Surveys whose sums are formed need no cell on their ballots any more: store less.
    op.execute("UPDATE survey_ballots SET cell = NULL WHERE survey_id IN "
               "(SELECT DISTINCT survey_id FROM survey_tally_groups)")


def downgrade():
    op.execute("UPDATE survey_ballots SET cell = 'c0' WHERE cell IS NULL")
    # The rebuild must keep WITHOUT ROWID: the rows' order stays that of their random keys.
    with op.batch_alter_table('survey_ballots', schema=None, table_kwargs={'sqlite_with_rowid': False}) as batch_op:
        batch_op.alter_column('cell', existing_type=sa.String(length=16), nullable=False)
        batch_op.drop_column('sealed_cell')
    with op.batch_alter_table('survey_participation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_participation_voter_ref'))
    op.drop_table('survey_ballot_pools')
