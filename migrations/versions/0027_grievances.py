"""Reports of problems at work (grievances): the stewards' personal keys, each
union's rules (days allowed at each step, from when reports are counted) and
referral list, the reports with their threads and sealed step logs, and the
counts released. Every field but ids, units, a report's random public id and
the announced flags is sealed (see organizer/grievances/models.py).

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


def _indexed(table: str, column: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column], unique=False)


def upgrade():
    op.create_table(
        "grievance_steward_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("public_key", sa.LargeBinary(length=32), nullable=False),
        sa.Column("sealed_secret", sa.LargeBinary(), nullable=False),
        sa.Column("made_on", sa.Date(), nullable=False),
        sa.Column("retired_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"],
                                name=op.f("fk_grievance_steward_keys_account_id_accounts"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grievance_steward_keys")),
        sa.UniqueConstraint("public_key", name=op.f("uq_grievance_steward_keys_public_key")),
    )
    _indexed("grievance_steward_keys", "account_id")

    op.create_table(
        "grievance_rules",
        sa.Column("union_id", sa.Integer(), nullable=False),
        sa.Column("days_received", sa.Integer(), nullable=False),
        sa.Column("days_investigating", sa.Integer(), nullable=False),
        sa.Column("days_step_1", sa.Integer(), nullable=False),
        sa.Column("days_step_2", sa.Integer(), nullable=False),
        sa.Column("days_arbitration", sa.Integer(), nullable=False),
        sa.Column("counted_since", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["union_id"], ["unions.id"], name=op.f("fk_grievance_rules_union_id_unions"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("union_id", name=op.f("pk_grievance_rules")),
    )

    op.create_table(
        "grievance_referrals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("union_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("helps_with", sa.String(length=200), nullable=False),
        sa.Column("reach", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["union_id"], ["unions.id"], name=op.f("fk_grievance_referrals_union_id_unions"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grievance_referrals")),
    )
    _indexed("grievance_referrals", "union_id")

    op.create_table(
        "grievances",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=32), nullable=False),
        sa.Column("reporter_id", sa.LargeBinary(), nullable=True),
        sa.Column("reporter_ref", sa.LargeBinary(), nullable=False),
        sa.Column("kind", sa.LargeBinary(), nullable=False),
        sa.Column("filed_on", sa.LargeBinary(), nullable=False),
        sa.Column("step", sa.LargeBinary(), nullable=False),
        sa.Column("step_on", sa.LargeBinary(), nullable=False),
        sa.Column("due_on", sa.LargeBinary(), nullable=True),
        sa.Column("reminded_for", sa.LargeBinary(), nullable=True),
        sa.Column("member_key", sa.LargeBinary(), nullable=False),
        sa.Column("member_sealed_secret", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["bargaining_units.id"],
                                name=op.f("fk_grievances_unit_id_bargaining_units"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grievances")),
        sa.UniqueConstraint("public_id", name=op.f("uq_grievances_public_id")),
    )
    _indexed("grievances", "unit_id")

    op.create_table(
        "grievance_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("grievance_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.LargeBinary(), nullable=False),
        sa.Column("author_id", sa.LargeBinary(), nullable=True),
        sa.Column("sent_on", sa.LargeBinary(), nullable=False),
        sa.Column("envelope", sa.LargeBinary(), nullable=False),
        sa.Column("is_announced", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["grievance_id"], ["grievances.id"],
                                name=op.f("fk_grievance_messages_grievance_id_grievances"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grievance_messages")),
    )
    _indexed("grievance_messages", "grievance_id")

    op.create_table(
        "grievance_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("grievance_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.LargeBinary(), nullable=False),
        sa.Column("began_on", sa.LargeBinary(), nullable=False),
        sa.Column("due_on", sa.LargeBinary(), nullable=True),
        sa.Column("by_id", sa.LargeBinary(), nullable=True),
        sa.Column("is_announced", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["grievance_id"], ["grievances.id"],
                                name=op.f("fk_grievance_steps_grievance_id_grievances"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grievance_steps")),
    )
    _indexed("grievance_steps", "grievance_id")

    op.create_table(
        "grievance_count_releases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("released_on", sa.LargeBinary(), nullable=False),
        sa.Column("since", sa.LargeBinary(), nullable=False),
        sa.Column("figures", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["bargaining_units.id"],
                                name=op.f("fk_grievance_count_releases_unit_id_bargaining_units"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grievance_count_releases")),
    )
    _indexed("grievance_count_releases", "unit_id")


def downgrade():
    for table, column in (("grievance_count_releases", "unit_id"), ("grievance_steps", "grievance_id"),
                          ("grievance_messages", "grievance_id"), ("grievances", "unit_id"),
                          ("grievance_referrals", "union_id"), ("grievance_steward_keys", "account_id")):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_{column}"))
    for table in ("grievance_count_releases", "grievance_steps", "grievance_messages", "grievances",
                  "grievance_referrals", "grievance_rules", "grievance_steward_keys"):
        op.drop_table(table)
