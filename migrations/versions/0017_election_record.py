"""What the election record needs stored: the parts of the released groups with
their ballots' trackers, the digest of the record's parameters that every
decryption is proven under, the order comments are decrypted in, and the
server key's decryption proofs.

Surveys closed before this revision have no row: their ballots' cells were
dropped by the mix, so no record can be made for them (their fingerprints are
still listed).

Revision ID: 0017_election_record
Revises: 0016_device_encryption
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa

revision = "0017_election_record"
down_revision = "0016_device_encryption"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "survey_record_evidence",
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("parameters_digest", sa.LargeBinary(length=32), nullable=False),
        sa.Column("parts", sa.JSON(), nullable=False),
        sa.Column("comment_order", sa.JSON(), nullable=False),
        sa.Column("server_proofs", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(["survey_id"], ["surveys.id"], name=op.f("fk_survey_record_evidence_survey_id_surveys"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("survey_id", name=op.f("pk_survey_record_evidence")),
    )


def downgrade() -> None:
    op.drop_table("survey_record_evidence")
