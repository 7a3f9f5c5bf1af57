"""Rank questions: a question type "rank" (put up to m options in order).

Nothing in the schema changes. A question's type is stored as its value in a
short string column with no CHECK (core.columns.enum_column), so "rank" needs
no new constraint; a rank question's number of places, m, is kept in the
column `max_choices`, which a multiple choice already uses for its m; its
answers are ballots like any other (an n×m matrix of ciphertexts, crypto.rank)
and its released counts one per cell, in the JSON the counts already use.

Going back below this revision would leave rank questions that the older code
cannot read, so the downgrade refuses while any exists.

Revision ID: 0025_rank_questions
Revises: 0024_survey_languages
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

revision = "0025_rank_questions"
down_revision = "0024_survey_languages"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    ranked = op.get_bind().scalar(sa.text("SELECT count(*) FROM survey_questions WHERE type = 'rank'"))
    if ranked:
        raise RuntimeError(f"{ranked} rank questions exist: the code before revision 0025 cannot read them. "
                           "Delete their surveys first, or stay at this revision.")
