"""Each account's chosen language.

One column, sealed at a fixed width like the other quasi-identifiers (see
core.sealing.SealedCode): the accounts of a unit that read Spanish, in the
clear, would narrow down who among its Spanish speakers has an account.
Accounts made before this revision keep NULL (read as no language chosen),
which tells only that they are older than it, as their creation day does.

Revision ID: 0022_account_language
Revises: 0021_committee
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa

revision = "0022_account_language"
down_revision = "0021_committee"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_column('language')
