"""The employer's answers, each kept with its day: a table of answers takes the
place of the three columns of `demands` that held only the latest one (the
demand now reads its answer from the history, so the two cannot disagree).

Every recorded answer becomes the first of its demand's history, with the day
it was recorded. Its note is sealed again under the new column's purpose
(a sealed value opens only in the column it was sealed for, see core.sealing),
with the application's field cipher, which Flask-Migrate makes reachable by
running migrations inside the app; no model is read, so later changes there
cannot change this migration. The downgrade puts each demand's latest answer
back into the three columns; the earlier ones are lost.

No account is stored with an answer: who recorded it is not kept (PRIVACY.md:
store less).

Revision ID: 0014_employer_answer_history
Revises: 0013_union_time_zone
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa
from flask import current_app


# revision identifiers, used by Alembic.
revision = '0014_employer_answer_history'
down_revision = '0013_union_time_zone'
branch_labels = None
depends_on = None

#: The app's field cipher, registered by core.sealing.init_app.
_CIPHER = 'leverage.field_cipher'
#: Purposes the note is sealed under: in the demand's column before, in the answer's after.
DEMAND_NOTE = b'demand.response_note'
ANSWER_NOTE = b'employer_answer.note'

RESPONSES = ('supports', 'partly', 'refuses', 'no_answer')


def _response_type() -> sa.Enum:
    return sa.Enum(*RESPONSES, name='employerresponse', native_enum=False, length=24)


def _reseal(blob, opened_for: bytes, sealed_for: bytes):
    if blob is None:
        return None
    cipher = current_app.extensions[_CIPHER]
    return cipher.encrypt(cipher.decrypt(bytes(blob), opened_for), sealed_for)


def _demands() -> sa.TableClause:
    return sa.table('demands', sa.column('id', sa.Integer()), sa.column('employer_response', sa.String()),
                    sa.column('employer_response_note', sa.LargeBinary()), sa.column('responded_on', sa.Date()),
                    sa.column('created_on', sa.Date()))


def _answers() -> sa.TableClause:
    return sa.table('employer_answers', sa.column('id', sa.Integer()), sa.column('demand_id', sa.Integer()),
                    sa.column('response', sa.String()), sa.column('note', sa.LargeBinary()),
                    sa.column('recorded_on', sa.Date()))


def upgrade():
    op.create_table('employer_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('demand_id', sa.Integer(), nullable=False),
    sa.Column('response', _response_type(), nullable=False),
    sa.Column('note', sa.LargeBinary(), nullable=True),
    sa.Column('recorded_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['demand_id'], ['demands.id'], name=op.f('fk_employer_answers_demand_id_demands'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_employer_answers'))
    )
    with op.batch_alter_table('employer_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_employer_answers_demand_id'), ['demand_id'], unique=False)

    bind = op.get_bind()
    demands = _demands()
    answered = bind.execute(sa.select(demands).where(demands.c.employer_response.is_not(None))
                            .order_by(demands.c.id)).mappings().all()
    answers = _answers()
    for row in answered:
        bind.execute(answers.insert().values(
            demand_id=row['id'], response=row['employer_response'],
            note=_reseal(row['employer_response_note'], DEMAND_NOTE, ANSWER_NOTE),
            # An answer was always recorded with its day; the day the demand was raised is the
            # earliest it can have been, should a row hold none.
            recorded_on=row['responded_on'] or row['created_on']))

    with op.batch_alter_table('demands', schema=None) as batch_op:
        batch_op.drop_column('responded_on')
        batch_op.drop_column('employer_response_note')
        batch_op.drop_column('employer_response')


def downgrade():
    with op.batch_alter_table('demands', schema=None) as batch_op:
        batch_op.add_column(sa.Column('employer_response', _response_type(), nullable=True))
        batch_op.add_column(sa.Column('employer_response_note', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('responded_on', sa.Date(), nullable=True))

    bind = op.get_bind()
    answers = _answers()
    latest: dict[int, dict] = {}
    for row in bind.execute(sa.select(answers).order_by(answers.c.recorded_on, answers.c.id)).mappings():
        latest[row['demand_id']] = row  # oldest first: the last one kept is the latest
    demands = _demands()
    for demand_id, row in latest.items():
        bind.execute(demands.update().where(demands.c.id == demand_id).values(
            employer_response=row['response'], employer_response_note=_reseal(row['note'], ANSWER_NOTE, DEMAND_NOTE),
            responded_on=row['recorded_on']))

    with op.batch_alter_table('employer_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_employer_answers_demand_id'))
    op.drop_table('employer_answers')
