"""roll-over lineage: objective and key result remember what they were copied from

Revision ID: i10_rollover
Revises: i11_mail
"""
from alembic import op
import sqlalchemy as sa


revision = "i10_rollover"
down_revision = "i11_mail"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("objective", schema=None) as batch_op:
        batch_op.add_column(sa.Column("copied_from_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_objective_copied_from_id"), ["copied_from_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_objective_copied_from_id_objective"), "objective",
                                    ["copied_from_id"], ["id"], ondelete="SET NULL")
    with op.batch_alter_table("key_result", schema=None) as batch_op:
        batch_op.add_column(sa.Column("copied_from_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_key_result_copied_from_id"), ["copied_from_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_key_result_copied_from_id_key_result"), "key_result",
                                    ["copied_from_id"], ["id"], ondelete="SET NULL")


def downgrade():
    with op.batch_alter_table("key_result", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_key_result_copied_from_id_key_result"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_key_result_copied_from_id"))
        batch_op.drop_column("copied_from_id")
    with op.batch_alter_table("objective", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_objective_copied_from_id_objective"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_objective_copied_from_id"))
        batch_op.drop_column("copied_from_id")
