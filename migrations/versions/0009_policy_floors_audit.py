"""Policy floors and the audit log: each union's floor of k for endorsement
surveys and of the comment threshold (beside the results floor it already
had), and the audit log of what officers did, its words sealed.

Revision ID: 0009_policy_floors_audit
Revises: 0008_sealed_quasi_identifiers
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_policy_floors_audit'
down_revision = '0008_sealed_quasi_identifiers'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('unions', schema=None) as batch_op:
        # Existing unions start at PRIVACY.md's defaults; a server default fills their rows.
        batch_op.add_column(sa.Column('endorsement_threshold', sa.Integer(), nullable=False, server_default='3'))
        batch_op.add_column(sa.Column('comment_threshold', sa.Integer(), nullable=False, server_default='10'))
    with op.batch_alter_table('unions', schema=None) as batch_op:
        # The models set the defaults themselves; none stays in the schema.
        batch_op.alter_column('endorsement_threshold', server_default=None)
        batch_op.alter_column('comment_threshold', server_default=None)
    # A results floor set below the default before floors existed is brought up to it.
    op.execute("UPDATE unions SET release_threshold = 5 WHERE release_threshold < 5")

    op.create_table('audit_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('union_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('actor_account_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.Enum('person_charted', 'person_edited', 'person_moved', 'person_removed',
                                'segment_created', 'segment_renamed', 'segment_removed', 'invitation_sent',
                                'invitation_revoked', 'invitation_accepted', 'survey_launched', 'survey_closed',
                                'floors_changed', name='auditaction', native_enum=False, length=24),
              nullable=False),
    sa.Column('description', sa.LargeBinary(), nullable=False),
    sa.Column('recorded_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['actor_account_id'], ['accounts.id'], name=op.f('fk_audit_entries_actor_account_id_accounts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['union_id'], ['unions.id'], name=op.f('fk_audit_entries_union_id_unions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['bargaining_units.id'], name=op.f('fk_audit_entries_unit_id_bargaining_units'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entries'))
    )
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entries_union_id'), ['union_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entries_unit_id'), ['unit_id'], unique=False)


def downgrade():
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entries_unit_id'))
        batch_op.drop_index(batch_op.f('ix_audit_entries_union_id'))
    op.drop_table('audit_entries')
    with op.batch_alter_table('unions', schema=None) as batch_op:
        batch_op.drop_column('comment_threshold')
        batch_op.drop_column('endorsement_threshold')
