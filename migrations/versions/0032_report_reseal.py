"""Reports passed on to stewards who made their key later: a further copy of a
message's key, wrapped in a steward's browser to the newer steward's public key
(organizer/grievances/copies.py). The copy is sealed at rest; only its id and
its message's id are in the clear.

Revision ID: 0032_report_reseal
Revises: 0031_briefs
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

revision = "0032_report_reseal"
down_revision = "0031_briefs"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "grievance_key_copies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("copy", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["message_id"], ["grievance_messages.id"],
                                name=op.f("fk_grievance_key_copies_message_id_grievance_messages"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grievance_key_copies")),
    )
    with op.batch_alter_table("grievance_key_copies", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_grievance_key_copies_message_id"), ["message_id"], unique=False)


def downgrade():
    with op.batch_alter_table("grievance_key_copies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_grievance_key_copies_message_id"))
    op.drop_table("grievance_key_copies")
