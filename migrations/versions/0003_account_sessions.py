"""Sessions: one row per signed-in browser instead of one token per account,
so signing in on a phone no longer signs the laptop out, and signing out ends
only this browser's session.

Existing sign-ins end with this migration (their tokens lived on the account).

Revision ID: 0003_account_sessions
Revises: 0002_survey_engine
Create Date: 2026-11-28
"""
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003_account_sessions'
down_revision = '0002_survey_engine'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('account_sessions',
    sa.Column('token_hash', sa.LargeBinary(length=32), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('created_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_account_sessions_account_id_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('token_hash', name=op.f('pk_account_sessions'))
    )
    with op.batch_alter_table('account_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_sessions_account_id'), ['account_id'], unique=False)

    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_accounts_session_token_hash'), type_='unique')
        batch_op.drop_column('session_token_hash')


def downgrade():
    # Every account gets a fresh random token hash: nobody is signed in after a downgrade.
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_token_hash', sa.LargeBinary(length=32), nullable=True))
    connection = op.get_bind()
    accounts = sa.table('accounts', sa.column('id', sa.Integer), sa.column('session_token_hash', sa.LargeBinary))
    for (account_id,) in connection.execute(sa.select(accounts.c.id)).all():
        connection.execute(accounts.update().where(accounts.c.id == account_id)
                           .values(session_token_hash=secrets.token_bytes(32)))
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.alter_column('session_token_hash', existing_type=sa.LargeBinary(length=32), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_accounts_session_token_hash'), ['session_token_hash'])

    with op.batch_alter_table('account_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_sessions_account_id'))

    op.drop_table('account_sessions')
