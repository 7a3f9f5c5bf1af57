"""An achievement names the qualification at hire it grew from (`claims.grew_from_id`), so a
member's profile reads as a chronology — what each qualification became, year by year —
rather than three separate lists. Nullable, and unset when the qualification is removed:
the achievement stays, unlinked.

Revision ID: 0030_claim_lineage
Revises: 0029_candidates
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

revision = "0030_claim_lineage"
down_revision = "0029_candidates"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("claims") as batch_op:
        batch_op.add_column(sa.Column("grew_from_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_claims_grew_from_id"), ["grew_from_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_claims_grew_from_id_claims"), "claims", ["grew_from_id"],
                                    ["id"], ondelete="SET NULL")


def downgrade():
    with op.batch_alter_table("claims") as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_claims_grew_from_id_claims"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_claims_grew_from_id"))
        batch_op.drop_column("grew_from_id")
