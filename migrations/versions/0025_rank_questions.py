"""(to be written)

Revision ID: 0025_rank_questions
Revises: 0024_survey_languages
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

revision = "0025_rank_questions"
down_revision = "0024_survey_languages"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
