"""Questions on a statement line, and in-app notifications (issue 14)

Revision ID: i14_statement_questions
Revises: i14_employment_and_draws
"""
from alembic import op
import sqlalchemy as sa

revision = "i14_statement_questions"
down_revision = "i14_employment_and_draws"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('statement_question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('statement_id', sa.Integer(), nullable=False),
    sa.Column('line_id', sa.Integer(), nullable=False),
    sa.Column('asked_by_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('attachment_name', sa.String(length=255), nullable=True),
    sa.Column('attachment_key', sa.String(length=64), nullable=True),
    sa.Column('attachment_bytes', sa.Integer(), nullable=True),
    sa.Column('asked_at', sa.DateTime(), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.Column('adjustment_cents', sa.BigInteger(), nullable=True),
    sa.Column('adjustment_reason', sa.Text(), nullable=False),
    sa.CheckConstraint("state IN ('open', 'no_change', 'adjusted')", name=op.f('ck_statement_question_state')),
    sa.ForeignKeyConstraint(['answered_by_id'], ['person.id'], name=op.f('fk_statement_question_answered_by_id_person')),
    sa.ForeignKeyConstraint(['asked_by_id'], ['person.id'], name=op.f('fk_statement_question_asked_by_id_person')),
    sa.ForeignKeyConstraint(['line_id'], ['payout_line.id'], name=op.f('fk_statement_question_line_id_payout_line')),
    sa.ForeignKeyConstraint(['statement_id'], ['run_statement.id'], name=op.f('fk_statement_question_statement_id_run_statement')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_statement_question'))
    )
    with op.batch_alter_table('statement_question', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_statement_question_asked_by_id'), ['asked_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_statement_question_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_statement_question_statement_id'), ['statement_id'], unique=False)

    op.create_table('notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('link', sa.String(length=255), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('read_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_notification_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification'))
    )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notification_person_id'), ['person_id'], unique=False)


def downgrade():
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notification_person_id'))
    op.drop_table('notification')
    with op.batch_alter_table('statement_question', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_statement_question_statement_id'))
        batch_op.drop_index(batch_op.f('ix_statement_question_state'))
        batch_op.drop_index(batch_op.f('ix_statement_question_asked_by_id'))
    op.drop_table('statement_question')
