"""(to be written)

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


def upgrade():
    pass


def downgrade():
    pass
