"""(to be written)

Revision ID: 0027_grievances
Revises: 0026_pay_surveys
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

revision = "0027_grievances"
down_revision = "0026_pay_surveys"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
