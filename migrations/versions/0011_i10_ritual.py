"""the weekly ritual: roll-over lineage, key-result threads

Revision ID: i10_ritual
Revises: i11_account_tokens
"""
from alembic import op
import sqlalchemy as sa


revision = "i10_ritual"
down_revision = "i11_account_tokens"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("key_result_comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key_result_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["person.id"], name=op.f("fk_key_result_comment_author_id_person")),
        sa.ForeignKeyConstraint(["key_result_id"], ["key_result.id"],
                                name=op.f("fk_key_result_comment_key_result_id_key_result"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_key_result_comment")))
    with op.batch_alter_table("key_result_comment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_key_result_comment_key_result_id"), ["key_result_id"], unique=False)
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
    op.drop_table("key_result_comment")
    with op.batch_alter_table("key_result", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_key_result_copied_from_id_key_result"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_key_result_copied_from_id"))
        batch_op.drop_column("copied_from_id")
    with op.batch_alter_table("objective", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_objective_copied_from_id_objective"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_objective_copied_from_id"))
        batch_op.drop_column("copied_from_id")
