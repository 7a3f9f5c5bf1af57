"""Surveys can require answers encrypted on the member's device; the booth
remembers the trackers of ballots opened for checking, so that none is cast.

Surveys launched before this revision keep the paths they were launched with:
every one of them took answers the server encrypted, so the new column starts
false for all of them (new votes default to true at launch, in the launch form).

Revision ID: 0016_device_encryption
Revises: 0015_unit_roster
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa

revision = "0016_device_encryption"
down_revision = "0015_unit_roster"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("surveys", schema=None) as batch_op:
        batch_op.add_column(sa.Column("device_encryption_required", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table("surveys", schema=None) as batch_op:
        # The model sets the default itself; none stays in the schema.
        batch_op.alter_column("device_encryption_required", server_default=None)

    op.create_table(
        "booth_checked_ballots",
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("tracker", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["survey_id"], ["surveys.id"], name=op.f("fk_booth_checked_ballots_survey_id_surveys"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("survey_id", "tracker", name=op.f("pk_booth_checked_ballots")),
    )


def downgrade() -> None:
    op.drop_table("booth_checked_ballots")
    with op.batch_alter_table("surveys", schema=None) as batch_op:
        batch_op.drop_column("device_encryption_required")
