"""(to be written)

Revision ID: 0028_escrow
Revises: 0027_grievances
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

revision = "0028_escrow"
down_revision = "0027_grievances"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
