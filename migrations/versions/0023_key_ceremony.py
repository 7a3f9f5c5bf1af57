"""Key ceremonies: trustees make a union's survey key together, with no dealer.

A ceremony keeps each trustee's personal public key with its proof, the
personal secret sealed in the trustee's browser with a passphrase the server
never sees, and each dealer's public commitments and sealed pieces; the union side keeps which of its steps were announced to the
trustees by email. A survey
launched with the ceremony's joint key names it; its trustees then hold no
sealed share of their own on the survey (the column becomes optional). Surveys
launched before this revision keep the key dealt at launch.

Revision ID: 0023_key_ceremony
Revises: 0022_account_language
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa

revision = "0023_key_ceremony"
down_revision = "0022_account_language"
branch_labels = None
depends_on = None

STATES = ("joining", "dealing", "checking", "done", "failed")
FAILURES = ("bad_piece", "trustee_left", "stopped")


def upgrade() -> None:
    op.create_table(
        "survey_key_ceremonies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=40), nullable=False),
        sa.Column("scope", sa.String(length=64), nullable=False),
        sa.Column("threshold", sa.Integer(), nullable=False),
        sa.Column("trustee_count", sa.Integer(), nullable=False),
        sa.Column("state", sa.Enum(*STATES, name="ceremonystate", native_enum=False, length=24), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("step_started_on", sa.Date(), nullable=False),
        sa.Column("finished_on", sa.Date(), nullable=True),
        sa.Column("context", sa.LargeBinary(), nullable=True),
        sa.Column("joint_key", sa.LargeBinary(), nullable=True),
        sa.Column("transcript", sa.JSON(), nullable=True),
        sa.Column("failure", sa.Enum(*FAILURES, name="ceremonyfailure", native_enum=False, length=24),
                  nullable=True),
        sa.Column("blamed_index", sa.Integer(), nullable=True),
        sa.Column("accuser_index", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_key_ceremonies")),
        sa.UniqueConstraint("public_id", name=op.f("uq_survey_key_ceremonies_public_id")),
    )
    with op.batch_alter_table("survey_key_ceremonies", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_survey_key_ceremonies_scope"), ["scope"], unique=False)

    op.create_table(
        "survey_ceremony_trustees",
        sa.Column("ceremony_id", sa.Integer(), nullable=False),
        sa.Column("trustee_index", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("trustee_ref", sa.String(length=64), nullable=False),
        sa.Column("personal_key", sa.LargeBinary(length=32), nullable=True),
        sa.Column("possession_proof", sa.LargeBinary(), nullable=True),
        sa.Column("sealed_secret", sa.LargeBinary(), nullable=True),
        sa.Column("dealing", sa.JSON(), nullable=True),
        sa.Column("acknowledgement", sa.LargeBinary(), nullable=True),
        sa.Column("complaint", sa.JSON(), nullable=True),
        sa.Column("joined_on", sa.Date(), nullable=True),
        sa.Column("dealt_on", sa.Date(), nullable=True),
        sa.Column("acknowledged_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["ceremony_id"], ["survey_key_ceremonies.id"],
                                name=op.f("fk_survey_ceremony_trustees_ceremony_id_survey_key_ceremonies"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("ceremony_id", "trustee_index", name=op.f("pk_survey_ceremony_trustees")),
        sa.UniqueConstraint("ceremony_id", "trustee_ref", name=op.f("uq_survey_ceremony_trustees_ceremony_id_trustee_ref")),
    )
    with op.batch_alter_table("survey_ceremony_trustees", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_survey_ceremony_trustees_trustee_ref"), ["trustee_ref"], unique=False)

    op.create_table(
        "ceremony_announcements",
        sa.Column("ceremony_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=24), nullable=False),
        sa.Column("notice", sa.Enum("your_turn", "reminder", name="ceremonynotice", native_enum=False, length=24),
                  nullable=False),
        sa.ForeignKeyConstraint(["ceremony_id"], ["survey_key_ceremonies.id"],
                                name=op.f("fk_ceremony_announcements_ceremony_id_survey_key_ceremonies"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("ceremony_id", "step", "notice", name=op.f("pk_ceremony_announcements")),
    )

    with op.batch_alter_table("surveys", schema=None) as batch_op:
        batch_op.add_column(sa.Column("key_ceremony_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_surveys_key_ceremony_id"), ["key_ceremony_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_surveys_key_ceremony_id_survey_key_ceremonies"),
                                    "survey_key_ceremonies", ["key_ceremony_id"], ["id"])
    with op.batch_alter_table("survey_trustees", schema=None) as batch_op:
        batch_op.alter_column("sealed_share", existing_type=sa.LargeBinary(), nullable=True)


def downgrade() -> None:
    # Trustees of ceremony surveys hold no sealed share: those rows cannot go back to a dealt key.
    op.execute("DELETE FROM survey_trustees WHERE sealed_share IS NULL")
    with op.batch_alter_table("survey_trustees", schema=None) as batch_op:
        batch_op.alter_column("sealed_share", existing_type=sa.LargeBinary(), nullable=False)
    with op.batch_alter_table("surveys", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_surveys_key_ceremony_id_survey_key_ceremonies"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_surveys_key_ceremony_id"))
        batch_op.drop_column("key_ceremony_id")
    op.drop_table("ceremony_announcements")
    op.drop_table("survey_ceremony_trustees")
    op.drop_table("survey_key_ceremonies")
