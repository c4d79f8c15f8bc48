"""Signed plans: published plan versions and the reps' acknowledgements (issue 14)

Revision ID: i14_signed_plans
Revises: i14_statement_questions
"""
from alembic import op
import sqlalchemy as sa

revision = "i14_signed_plans"
down_revision = "i14_statement_questions"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('plan_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_key', sa.String(length=200), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('toml_text', sa.Text(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('pdf_name', sa.String(length=255), nullable=True),
    sa.Column('pdf_key', sa.String(length=64), nullable=True),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('published_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['published_by_id'], ['person.id'], name=op.f('fk_plan_version_published_by_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_version')),
    sa.UniqueConstraint('plan_key', 'version', name='uq_plan_version_key_version')
    )
    with op.batch_alter_table('plan_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_version_plan_key'), ['plan_key'], unique=False)

    op.create_table('plan_acknowledgement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_version_id', sa.Integer(), nullable=False),
    sa.Column('rep_id', sa.String(length=200), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('typed_name', sa.String(length=200), nullable=True),
    sa.Column('acknowledged_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_plan_acknowledgement_person_id_person')),
    sa.ForeignKeyConstraint(['plan_version_id'], ['plan_version.id'], name=op.f('fk_plan_acknowledgement_plan_version_id_plan_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_acknowledgement')),
    sa.UniqueConstraint('plan_version_id', 'rep_id', name='uq_plan_acknowledgement_version_rep')
    )
    with op.batch_alter_table('plan_acknowledgement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_acknowledgement_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_acknowledgement_plan_version_id'), ['plan_version_id'], unique=False)


def downgrade():
    with op.batch_alter_table('plan_acknowledgement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_acknowledgement_plan_version_id'))
        batch_op.drop_index(batch_op.f('ix_plan_acknowledgement_person_id'))
    op.drop_table('plan_acknowledgement')
    with op.batch_alter_table('plan_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_version_plan_key'))
    op.drop_table('plan_version')
