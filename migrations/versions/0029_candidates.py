"""Candidates: job seekers' profiles (looking status), weighted preferences, proof of
leverage that is not a job, experiences without employers, jobs with their requirements
and the experiences mapped to them, preconditions and questions in the demand model,
and the card links shared with one employer each, with the answers given through them.

Every text, the looking status, the income band and each answer are sealed (LargeBinary
here; see candidates/models.py). A link keeps only its token's SHA-256. Every table hangs
from `candidate_profiles`, which hangs from `accounts` with ON DELETE CASCADE.

Revision ID: 0029_candidates
Revises: 0028_escrow
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

revision = "0029_candidates"
down_revision = "0028_escrow"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('candidate_profiles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('looking', sa.LargeBinary(), nullable=False),
    sa.Column('created_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_candidate_profiles_account_id_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_candidate_profiles')),
    sa.UniqueConstraint('account_id', name=op.f('uq_candidate_profiles_account_id'))
    )
    op.create_table('candidate_experiences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('what', sa.LargeBinary(), nullable=False),
    sa.Column('achieved', sa.LargeBinary(), nullable=True),
    sa.Column('skills', sa.LargeBinary(), nullable=True),
    sa.Column('scale', sa.LargeBinary(), nullable=True),
    sa.Column('years', sa.LargeBinary(), nullable=True),
    sa.ForeignKeyConstraint(['profile_id'], ['candidate_profiles.id'], name=op.f('fk_candidate_experiences_profile_id_candidate_profiles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_candidate_experiences'))
    )
    with op.batch_alter_table('candidate_experiences', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_candidate_experiences_profile_id'), ['profile_id'], unique=False)

    op.create_table('candidate_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.LargeBinary(), nullable=False),
    sa.Column('contact', sa.LargeBinary(), nullable=True),
    sa.Column('created_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['profile_id'], ['candidate_profiles.id'], name=op.f('fk_candidate_jobs_profile_id_candidate_profiles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_candidate_jobs'))
    )
    with op.batch_alter_table('candidate_jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_candidate_jobs_profile_id'), ['profile_id'], unique=False)

    op.create_table('candidate_preconditions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('demand', 'question', name='demandkind', native_enum=False, length=24), nullable=False),
    sa.Column('tier', sa.Enum('dealbreaker', 'priority', 'important', 'nice_to_have', 'curious', name='tier', native_enum=False, length=24), nullable=False),
    sa.Column('basis', sa.Enum('performance', 'growth', 'needs', 'collective', 'market', name='basis', native_enum=False, length=24), nullable=False),
    sa.Column('category', sa.Enum('pay', 'benefits', 'scheduling', 'security_conditions', 'career', 'representation', 'culture', 'deia', 'hiring', name='category', native_enum=False, length=24), nullable=False),
    sa.Column('text', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['profile_id'], ['candidate_profiles.id'], name=op.f('fk_candidate_preconditions_profile_id_candidate_profiles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_candidate_preconditions'))
    )
    with op.batch_alter_table('candidate_preconditions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_candidate_preconditions_profile_id'), ['profile_id'], unique=False)

    op.create_table('candidate_preferences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('aspect', sa.Enum('location', 'commute', 'work_place', 'schedule', 'pay_floor', 'job_type', 'skill', name='preferenceaspect', native_enum=False, length=24), nullable=False),
    sa.Column('tier', sa.Enum('dealbreaker', 'priority', 'important', 'nice_to_have', 'curious', name='tier', native_enum=False, length=24), nullable=False),
    sa.Column('text', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['profile_id'], ['candidate_profiles.id'], name=op.f('fk_candidate_preferences_profile_id_candidate_profiles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_candidate_preferences'))
    )
    with op.batch_alter_table('candidate_preferences', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_candidate_preferences_profile_id'), ['profile_id'], unique=False)

    op.create_table('candidate_proofs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('freelance', 'audience', 'coaching', 'other', name='proofkind', native_enum=False, length=24), nullable=False),
    sa.Column('description', sa.LargeBinary(), nullable=False),
    sa.Column('size', sa.LargeBinary(), nullable=True),
    sa.Column('duration', sa.LargeBinary(), nullable=True),
    sa.Column('income', sa.LargeBinary(), nullable=False),
    sa.Column('names_on_purpose', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['profile_id'], ['candidate_profiles.id'], name=op.f('fk_candidate_proofs_profile_id_candidate_profiles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_candidate_proofs'))
    )
    with op.batch_alter_table('candidate_proofs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_candidate_proofs_profile_id'), ['profile_id'], unique=False)

    op.create_table('candidate_card_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.LargeBinary(length=32), nullable=False),
    sa.Column('created_on', sa.Date(), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=False),
    sa.Column('revoked_on', sa.Date(), nullable=True),
    sa.Column('view_count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['candidate_jobs.id'], name=op.f('fk_candidate_card_links_job_id_candidate_jobs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_candidate_card_links')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_candidate_card_links_token_hash'))
    )
    with op.batch_alter_table('candidate_card_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_candidate_card_links_job_id'), ['job_id'], unique=False)

    op.create_table('candidate_requirements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['candidate_jobs.id'], name=op.f('fk_candidate_requirements_job_id_candidate_jobs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_candidate_requirements'))
    )
    with op.batch_alter_table('candidate_requirements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_candidate_requirements_job_id'), ['job_id'], unique=False)

    op.create_table('candidate_card_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('link_id', sa.Integer(), nullable=False),
    sa.Column('precondition_id', sa.Integer(), nullable=False),
    sa.Column('response', sa.LargeBinary(), nullable=False),
    sa.Column('how', sa.LargeBinary(), nullable=True),
    sa.Column('answered_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['link_id'], ['candidate_card_links.id'], name=op.f('fk_candidate_card_answers_link_id_candidate_card_links'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['precondition_id'], ['candidate_preconditions.id'], name=op.f('fk_candidate_card_answers_precondition_id_candidate_preconditions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_candidate_card_answers')),
    sa.UniqueConstraint('link_id', 'precondition_id', name=op.f('uq_candidate_card_answers_link_id_precondition_id'))
    )
    with op.batch_alter_table('candidate_card_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_candidate_card_answers_link_id'), ['link_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_candidate_card_answers_precondition_id'), ['precondition_id'], unique=False)

    op.create_table('candidate_matches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('requirement_id', sa.Integer(), nullable=False),
    sa.Column('experience_id', sa.Integer(), nullable=False),
    sa.Column('how', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['experience_id'], ['candidate_experiences.id'], name=op.f('fk_candidate_matches_experience_id_candidate_experiences'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requirement_id'], ['candidate_requirements.id'], name=op.f('fk_candidate_matches_requirement_id_candidate_requirements'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_candidate_matches')),
    sa.UniqueConstraint('requirement_id', 'experience_id', name=op.f('uq_candidate_matches_requirement_id_experience_id'))
    )
    with op.batch_alter_table('candidate_matches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_candidate_matches_experience_id'), ['experience_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_candidate_matches_requirement_id'), ['requirement_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('candidate_matches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_candidate_matches_experience_id'))
        batch_op.drop_index(batch_op.f('ix_candidate_matches_requirement_id'))
    op.drop_table('candidate_matches')
    with op.batch_alter_table('candidate_card_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_candidate_card_answers_link_id'))
        batch_op.drop_index(batch_op.f('ix_candidate_card_answers_precondition_id'))
    op.drop_table('candidate_card_answers')
    with op.batch_alter_table('candidate_requirements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_candidate_requirements_job_id'))
    op.drop_table('candidate_requirements')
    with op.batch_alter_table('candidate_card_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_candidate_card_links_job_id'))
    op.drop_table('candidate_card_links')
    with op.batch_alter_table('candidate_proofs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_candidate_proofs_profile_id'))
    op.drop_table('candidate_proofs')
    with op.batch_alter_table('candidate_preferences', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_candidate_preferences_profile_id'))
    op.drop_table('candidate_preferences')
    with op.batch_alter_table('candidate_preconditions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_candidate_preconditions_profile_id'))
    op.drop_table('candidate_preconditions')
    with op.batch_alter_table('candidate_jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_candidate_jobs_profile_id'))
    op.drop_table('candidate_jobs')
    with op.batch_alter_table('candidate_experiences', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_candidate_experiences_profile_id'))
    op.drop_table('candidate_experiences')
    op.drop_table('candidate_profiles')
