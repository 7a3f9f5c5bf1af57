"""Stories kept in escrow until they can be told.

A story is sealed to the union's survey key (or to a key of its own that the
server keeps) and sealed again with the application key; its author and the
readers it names are sealed ids. Trustees' parts in opening a story are kept
beside it, and the day each union was recognised in a table of its own, for
the stories that wait for it.

Revision ID: 0028_escrow
Revises: 0027_grievances
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

revision = "0028_escrow"
down_revision = "0027_grievances"
branch_labels = None
depends_on = None


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=24)


def upgrade():
    op.create_table(
        "escrow_stories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=32), nullable=False),
        sa.Column("union_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("voice", _enum("authorvoice", "member", "steward", "organizer"), nullable=False),
        sa.Column("author_id", sa.LargeBinary(), nullable=False),
        sa.Column("readers", _enum("storyreaders", "union", "unit", "officers", "named"), nullable=False),
        sa.Column("named_reader_ids", sa.LargeBinary(), nullable=False),
        sa.Column("opening", _enum("storyopening", "on_date", "recognised"), nullable=False),
        sa.Column("opens_on", sa.Date(), nullable=True),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("key_mode", _enum("storykey", "trustees", "server"), nullable=False),
        sa.Column("key_ceremony_id", sa.Integer(), nullable=True),
        sa.Column("threshold_key", sa.LargeBinary(), nullable=True),
        sa.Column("server_secret", sa.LargeBinary(), nullable=True),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.Column("saved_on", sa.Date(), nullable=False),
        sa.Column("state", _enum("storystate", "sealed", "opened"), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=True),
        sa.Column("opened_payload", sa.LargeBinary(), nullable=True),
        sa.Column("trustees_told", sa.Boolean(), nullable=False),
        sa.Column("readers_told", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["union_id"], ["unions.id"], name=op.f("fk_escrow_stories_union_id_unions"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["unit_id"], ["bargaining_units.id"],
                                name=op.f("fk_escrow_stories_unit_id_bargaining_units"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["key_ceremony_id"], ["survey_key_ceremonies.id"],
                                name=op.f("fk_escrow_stories_key_ceremony_id_survey_key_ceremonies"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_escrow_stories")),
        sa.UniqueConstraint("public_id", name=op.f("uq_escrow_stories_public_id")),
    )
    with op.batch_alter_table("escrow_stories", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_escrow_stories_union_id"), ["union_id"], unique=False)

    op.create_table(
        "escrow_story_parts",
        sa.Column("story_id", sa.Integer(), nullable=False),
        sa.Column("trustee_index", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("partial", sa.LargeBinary(), nullable=False),
        sa.Column("given_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["story_id"], ["escrow_stories.id"],
                                name=op.f("fk_escrow_story_parts_story_id_escrow_stories"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("story_id", "trustee_index", name=op.f("pk_escrow_story_parts")),
    )

    op.create_table(
        "escrow_union_recognitions",
        sa.Column("union_id", sa.Integer(), nullable=False),
        sa.Column("recognised_on", sa.Date(), nullable=False),
        sa.Column("recorded_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["union_id"], ["unions.id"], name=op.f("fk_escrow_union_recognitions_union_id_unions"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("union_id", name=op.f("pk_escrow_union_recognitions")),
    )


def downgrade():
    op.drop_table("escrow_union_recognitions")
    op.drop_table("escrow_story_parts")
    with op.batch_alter_table("escrow_stories", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_escrow_stories_union_id"))
    op.drop_table("escrow_stories")
