"""Surveys in two languages: a question's prompt and options, and a survey's
title and introduction, written again in another language (Spanish first).

A survey names the language it is written in (`surveys.language`), and each
survey and question holds its wording in the other languages in one JSON
column, keyed by language code (`translations`): {"es": {"prompt": ..., "options":
[...]}}. One column per language (`prompt_es`, `title_es`, ...) would make every
language after Spanish a migration and a model change in four places; a key per
code of `core.i18n.LANGUAGES` takes a new language with no schema change, and
keeps what varies with the language (the wording) apart from what never does
(the type, the number of options, the ids the encrypted ballot is bound to), so
that one tally counts every language's answers together.

Surveys written before this revision were written in English, with no other
wording: the new columns start as "en" and {} for them, and the model sets
both itself from then on (no default stays in the schema).

Revision ID: 0024_survey_languages
Revises: 0023_key_ceremony
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

revision = "0024_survey_languages"
down_revision = "0023_key_ceremony"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("surveys", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=8), nullable=False, server_default="en"))
        batch_op.add_column(sa.Column("translations", sa.JSON(), nullable=False, server_default=sa.text("'{}'")))
    with op.batch_alter_table("survey_questions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("translations", sa.JSON(), nullable=False, server_default=sa.text("'{}'")))
    with op.batch_alter_table("surveys", schema=None) as batch_op:
        batch_op.alter_column("language", server_default=None)
        batch_op.alter_column("translations", server_default=None)
    with op.batch_alter_table("survey_questions", schema=None) as batch_op:
        batch_op.alter_column("translations", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("survey_questions", schema=None) as batch_op:
        batch_op.drop_column("translations")
    with op.batch_alter_table("surveys", schema=None) as batch_op:
        batch_op.drop_column("translations")
        batch_op.drop_column("language")
