"""(to be written)

Revision ID: 0026_pay_surveys
Revises: 0025_rank_questions
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

revision = "0026_pay_surveys"
down_revision = "0025_rank_questions"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
