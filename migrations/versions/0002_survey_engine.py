"""The anonymous survey engine: surveys and questions, the eligibility snapshot,
the participation ledger, encrypted ballots and sealed comments (random keys,
no person, no time, WITHOUT ROWID on SQLite), trustee keys and shares, tally
groups, released comments and refused decryption requests.

Revision ID: 0002_survey_engine
Revises: 0001_foundation
Create Date: 2026-11-28
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002_survey_engine'
down_revision = '0001_foundation'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('survey_trustee_keys',
    sa.Column('trustee_ref', sa.String(length=64), nullable=False),
    sa.Column('public_key', sa.LargeBinary(length=32), nullable=False),
    sa.Column('sealed_secret', sa.LargeBinary(), nullable=False),
    sa.Column('created_on', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('trustee_ref', name=op.f('pk_survey_trustee_keys'))
    )
    op.create_table('surveys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.Enum('pulse', 'endorsement', 'bargaining', 'vote', name='surveykind', native_enum=False, length=24), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('intro', sa.String(length=2000), nullable=True),
    sa.Column('state', sa.Enum('draft', 'open', 'closed', 'released', name='surveystate', native_enum=False, length=24), nullable=False),
    sa.Column('key_mode', sa.Enum('trustees', 'server_key', name='keymode', native_enum=False, length=24), nullable=False),
    sa.Column('release_threshold', sa.Integer(), nullable=False),
    sa.Column('comment_threshold', sa.Integer(), nullable=False),
    sa.Column('trustee_threshold', sa.Integer(), nullable=True),
    sa.Column('opens_at', sa.DateTime(), nullable=True),
    sa.Column('closes_at', sa.DateTime(), nullable=True),
    sa.Column('recurrence_weeks', sa.Integer(), nullable=True),
    sa.Column('series_id', sa.Integer(), nullable=True),
    sa.Column('round_number', sa.Integer(), nullable=False),
    sa.Column('public_key', sa.LargeBinary(length=32), nullable=True),
    sa.Column('threshold_key', sa.LargeBinary(), nullable=True),
    sa.Column('server_secret', sa.LargeBinary(), nullable=True),
    sa.Column('segment_plan', sa.JSON(), nullable=True),
    sa.Column('eligible_count', sa.Integer(), nullable=False),
    sa.Column('opened_on', sa.Date(), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('released_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['series_id'], ['surveys.id'], name=op.f('fk_surveys_series_id_surveys'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_surveys')),
    sa.UniqueConstraint('series_id', 'round_number', name=op.f('uq_surveys_series_id_round_number'))
    )
    with op.batch_alter_table('surveys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_surveys_scope'), ['scope'], unique=False)
        batch_op.create_index(batch_op.f('ix_surveys_series_id'), ['series_id'], unique=False)

    op.create_table('survey_ballots',
    sa.Column('id', sa.LargeBinary(length=16), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('cell', sa.String(length=16), nullable=False),
    sa.Column('payload', sa.LargeBinary(), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_ballots_survey_id_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_ballots')),
    sa.UniqueConstraint('fingerprint', name=op.f('uq_survey_ballots_fingerprint')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('survey_ballots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_ballots_survey_id'), ['survey_id'], unique=False)

    op.create_table('survey_decryption_refusals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('requested_by', sa.String(length=64), nullable=True),
    sa.Column('description', sa.String(length=500), nullable=False),
    sa.Column('refused_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_decryption_refusals_survey_id_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_decryption_refusals'))
    )
    with op.batch_alter_table('survey_decryption_refusals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_decryption_refusals_survey_id'), ['survey_id'], unique=False)

    op.create_table('survey_eligible_voters',
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('voter_ref', sa.String(length=64), nullable=False),
    sa.Column('cell', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_eligible_voters_survey_id_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('survey_id', 'voter_ref', name=op.f('pk_survey_eligible_voters'))
    )
    op.create_table('survey_participation',
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('voter_ref', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_participation_survey_id_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('survey_id', 'voter_ref', name=op.f('pk_survey_participation'))
    )
    op.create_table('survey_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('type', sa.Enum('scale', 'yes_no', 'single_choice', 'multiple_choice', 'free_text', name='questiontype', native_enum=False, length=24), nullable=False),
    sa.Column('prompt', sa.String(length=500), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('max_choices', sa.Integer(), nullable=False),
    sa.Column('allows_cant_say', sa.Boolean(), nullable=False),
    sa.Column('subject_ref', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_questions_survey_id_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_questions')),
    sa.UniqueConstraint('survey_id', 'position', name=op.f('uq_survey_questions_survey_id_position'))
    )
    with op.batch_alter_table('survey_questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_questions_survey_id'), ['survey_id'], unique=False)

    op.create_table('survey_tally_groups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('dimension', sa.String(length=40), nullable=True),
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.Column('cells', sa.JSON(), nullable=False),
    sa.Column('respondents', sa.Integer(), nullable=False),
    sa.Column('is_approved', sa.Boolean(), nullable=False),
    sa.Column('withheld_reason', sa.String(length=200), nullable=True),
    sa.Column('encrypted_sums', sa.LargeBinary(), nullable=True),
    sa.Column('counts', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_tally_groups_survey_id_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_tally_groups')),
    sa.UniqueConstraint('survey_id', 'key', name=op.f('uq_survey_tally_groups_survey_id_key'))
    )
    with op.batch_alter_table('survey_tally_groups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_tally_groups_survey_id'), ['survey_id'], unique=False)

    op.create_table('survey_trustees',
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('trustee_index', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('trustee_ref', sa.String(length=64), nullable=False),
    sa.Column('sealed_share', sa.LargeBinary(), nullable=False),
    sa.Column('partials', sa.LargeBinary(), nullable=True),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_trustees_survey_id_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('survey_id', 'trustee_index', name=op.f('pk_survey_trustees')),
    sa.UniqueConstraint('survey_id', 'trustee_ref', name=op.f('uq_survey_trustees_survey_id_trustee_ref'))
    )
    op.create_table('survey_released_comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['survey_questions.id'], name=op.f('fk_survey_released_comments_question_id_survey_questions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_released_comments_survey_id_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_released_comments'))
    )
    with op.batch_alter_table('survey_released_comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_released_comments_survey_id'), ['survey_id'], unique=False)

    op.create_table('survey_sealed_comments',
    sa.Column('id', sa.LargeBinary(length=16), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('sealed', sa.LargeBinary(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['survey_questions.id'], name=op.f('fk_survey_sealed_comments_question_id_survey_questions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_sealed_comments_survey_id_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_sealed_comments')),
    sa.UniqueConstraint('digest', name=op.f('uq_survey_sealed_comments_digest')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('survey_sealed_comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_sealed_comments_survey_id'), ['survey_id'], unique=False)



def downgrade():
    with op.batch_alter_table('survey_sealed_comments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_sealed_comments_survey_id'))

    op.drop_table('survey_sealed_comments')
    with op.batch_alter_table('survey_released_comments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_released_comments_survey_id'))

    op.drop_table('survey_released_comments')
    op.drop_table('survey_trustees')
    with op.batch_alter_table('survey_tally_groups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_tally_groups_survey_id'))

    op.drop_table('survey_tally_groups')
    with op.batch_alter_table('survey_questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_questions_survey_id'))

    op.drop_table('survey_questions')
    op.drop_table('survey_participation')
    op.drop_table('survey_eligible_voters')
    with op.batch_alter_table('survey_decryption_refusals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_decryption_refusals_survey_id'))

    op.drop_table('survey_decryption_refusals')
    with op.batch_alter_table('survey_ballots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_ballots_survey_id'))

    op.drop_table('survey_ballots')
    with op.batch_alter_table('surveys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_surveys_series_id'))
        batch_op.drop_index(batch_op.f('ix_surveys_scope'))

    op.drop_table('surveys')
    op.drop_table('survey_trustee_keys')
