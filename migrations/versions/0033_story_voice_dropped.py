"""A story no longer keeps its author's role: beside its unit, in the clear, "a
steward" named the one steward of a unit that has one, to anyone holding a copy
of the database (PRIVACY.md: a tag that fewer than k share). The archive never
says the role now; the author's own entry says "Your story".

Revision ID: 0033_story_voice_dropped
Revises: 0032_report_reseal
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

revision = "0033_story_voice_dropped"
down_revision = "0032_report_reseal"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("escrow_stories", schema=None) as batch_op:
        batch_op.drop_column("voice")


def downgrade():
    # The roles are gone: every story comes back as a member's, the one role that says least.
    with op.batch_alter_table("escrow_stories", schema=None) as batch_op:
        batch_op.add_column(sa.Column("voice", sa.Enum("member", "steward", "organizer", name="authorvoice",
                                                       native_enum=False, length=24),
                                      nullable=False, server_default="member"))
