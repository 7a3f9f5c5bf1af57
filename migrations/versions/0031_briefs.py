"""Negotiation briefs: a person's brief of one kind (a member's, a job seeker's), its worst
cases with the answers planned, its coaching links and coaches, and their comments.

Every word is sealed (LargeBinary here; see briefs/models.py), names and the brief's kind
included; a brief is found by a keyed hash of its kind and account (`owner_index`). A
coaching link keeps only its token's SHA-256. Every table hangs from `briefs`, which hangs
from `accounts` with ON DELETE CASCADE; a coach's account deleted takes its coaching with
it, and its comments stay with no author.

Revision ID: 0031_briefs
Revises: 0030_claim_lineage
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

revision = "0031_briefs"
down_revision = "0030_claim_lineage"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "briefs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("owner_index", sa.LargeBinary(length=32), nullable=False),
        sa.Column("source", sa.LargeBinary(), nullable=False),
        sa.Column("author_name", sa.LargeBinary(), nullable=False),
        sa.Column("ask_first", sa.LargeBinary(), nullable=True),
        sa.Column("trade", sa.LargeBinary(), nullable=True),
        sa.Column("walk_away", sa.LargeBinary(), nullable=True),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.Column("updated_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], name=op.f("fk_briefs_account_id_accounts"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_briefs")),
        sa.UniqueConstraint("owner_index", name=op.f("uq_briefs_owner_index")),
    )
    with op.batch_alter_table("briefs") as batch_op:
        batch_op.create_index(batch_op.f("ix_briefs_account_id"), ["account_id"], unique=False)

    op.create_table(
        "brief_risks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("brief_id", sa.Integer(), nullable=False),
        sa.Column("standard", sa.Enum("wont_negotiate", "too_much", "answer_now", name="standardrisk",
                                      native_enum=False, length=24), nullable=True),
        sa.Column("worst_case", sa.LargeBinary(), nullable=True),
        sa.Column("response", sa.LargeBinary(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["brief_id"], ["briefs.id"], name=op.f("fk_brief_risks_brief_id_briefs"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_brief_risks")),
    )
    with op.batch_alter_table("brief_risks") as batch_op:
        batch_op.create_index(batch_op.f("ix_brief_risks_brief_id"), ["brief_id"], unique=False)

    op.create_table(
        "brief_coaches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("brief_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("invited_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("coach_account_id", sa.Integer(), nullable=True),
        sa.Column("coach_name", sa.LargeBinary(), nullable=True),
        sa.Column("accepted_on", sa.Date(), nullable=True),
        sa.Column("revoked_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["brief_id"], ["briefs.id"], name=op.f("fk_brief_coaches_brief_id_briefs"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["coach_account_id"], ["accounts.id"],
                                name=op.f("fk_brief_coaches_coach_account_id_accounts"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_brief_coaches")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_brief_coaches_token_hash")),
    )
    with op.batch_alter_table("brief_coaches") as batch_op:
        batch_op.create_index(batch_op.f("ix_brief_coaches_brief_id"), ["brief_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_brief_coaches_coach_account_id"), ["coach_account_id"], unique=False)

    op.create_table(
        "brief_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("brief_id", sa.Integer(), nullable=False),
        sa.Column("author_account_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.LargeBinary(), nullable=False),
        sa.Column("written_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["brief_id"], ["briefs.id"], name=op.f("fk_brief_comments_brief_id_briefs"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["author_account_id"], ["accounts.id"],
                                name=op.f("fk_brief_comments_author_account_id_accounts"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_brief_comments")),
    )
    with op.batch_alter_table("brief_comments") as batch_op:
        batch_op.create_index(batch_op.f("ix_brief_comments_brief_id"), ["brief_id"], unique=False)


def downgrade():
    for table in ("brief_comments", "brief_coaches", "brief_risks", "briefs"):
        op.drop_table(table)
