"""Prepared bargaining summaries: each unit's ranked items, sealed, and its PDF,
prepared by a job, sealed (organizer.bargaining.prepared and .downloads say
how they are kept current).

Nothing is built here: a unit without a prepared summary is ranked from its
demands when its summary is read, and the job that prepares PDFs prepares the
missing summaries on its first run. The downgrade drops both tables; nothing
else was changed.

Revision ID: 0018_prepared_summaries
Revises: 0017_election_record
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa

revision = "0018_prepared_summaries"
down_revision = "0017_election_record"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "prepared_summaries",
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("items", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["bargaining_units.id"],
                                name=op.f("fk_prepared_summaries_unit_id_bargaining_units"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("unit_id", name=op.f("pk_prepared_summaries")),
    )
    op.create_table(
        "prepared_downloads",
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("about", sa.LargeBinary(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["bargaining_units.id"],
                                name=op.f("fk_prepared_downloads_unit_id_bargaining_units"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("unit_id", "format", name=op.f("pk_prepared_downloads")),
    )


def downgrade() -> None:
    op.drop_table("prepared_downloads")
    op.drop_table("prepared_summaries")
