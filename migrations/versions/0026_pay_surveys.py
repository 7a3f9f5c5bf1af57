"""Pay surveys: a unit's roles, each member's own role, and each pay survey's bands.

`unit_pay_roles` holds the roles (job titles or classifications) an organizer
declared for a unit, in the clear: they are the employer's own titles.
`member_pay_roles` holds the role a member chose for themselves, sealed (the
role, and the day it was chosen, which the breakdown freeze reads), one row per
member; it is never written with a ballot. `pay_scales` says what makes a
survey a pay survey: its basis (by the hour or by the year) and its bands in
cents, with the roles declared with it and which of its questions asks the
pay (and, when asked, tenure and weekly hours).

A pay survey is a survey of the new kind `pay`. Survey kinds are stored as
their values in a string column with no check of its own (`core.columns`), so
the kind needs no change to `surveys`.

Revision ID: 0026_pay_surveys
Revises: 0025_rank_questions
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

revision = "0026_pay_surveys"
down_revision = "0025_rank_questions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'unit_pay_roles',
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('roles', sa.JSON(), nullable=False),
        sa.Column('changed_on', sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(['unit_id'], ['bargaining_units.id'],
                                name=op.f('fk_unit_pay_roles_unit_id_bargaining_units'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('unit_id', name=op.f('pk_unit_pay_roles')),
    )
    op.create_table(
        'member_pay_roles',
        sa.Column('account_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('role', sa.LargeBinary(), nullable=False),
        sa.Column('chosen_on', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['account_id'], ['accounts.id'],
                                name=op.f('fk_member_pay_roles_account_id_accounts'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['unit_id'], ['bargaining_units.id'],
                                name=op.f('fk_member_pay_roles_unit_id_bargaining_units'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('account_id', name=op.f('pk_member_pay_roles')),
    )
    with op.batch_alter_table('member_pay_roles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_pay_roles_unit_id'), ['unit_id'], unique=False)
    op.create_table(
        'pay_scales',
        sa.Column('survey_id', sa.Integer(), nullable=False),
        sa.Column('basis', sa.Enum('hourly', 'yearly', name='paybasis', native_enum=False, length=24),
                  nullable=False),
        sa.Column('bands', sa.JSON(), nullable=False),
        sa.Column('roles', sa.JSON(), nullable=False),
        sa.Column('band_question_id', sa.Integer(), nullable=True),
        sa.Column('tenure_question_id', sa.Integer(), nullable=True),
        sa.Column('hours_question_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'],
                                name=op.f('fk_pay_scales_survey_id_surveys'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['band_question_id'], ['survey_questions.id'],
                                name=op.f('fk_pay_scales_band_question_id_survey_questions'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['tenure_question_id'], ['survey_questions.id'],
                                name=op.f('fk_pay_scales_tenure_question_id_survey_questions'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['hours_question_id'], ['survey_questions.id'],
                                name=op.f('fk_pay_scales_hours_question_id_survey_questions'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('survey_id', name=op.f('pk_pay_scales')),
    )


def downgrade() -> None:
    # The pay surveys themselves go too: without their bands they are no survey the older schema can show.
    op.execute("DELETE FROM surveys WHERE kind = 'pay'")
    op.drop_table('pay_scales')
    with op.batch_alter_table('member_pay_roles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_member_pay_roles_unit_id'))
    op.drop_table('member_pay_roles')
    op.drop_table('unit_pay_roles')
