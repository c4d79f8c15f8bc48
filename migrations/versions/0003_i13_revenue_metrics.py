"""Revenue key results: a key result's metric, window and measuring day; a check-in's deals import; a deal's source.

Revision ID: i13_revenue_metrics
Revises: i9_rollup_cache
"""
from alembic import op
import sqlalchemy as sa

revision = "i13_revenue_metrics"
down_revision = "i9_rollup_cache"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("key_result", schema=None) as batch_op:
        batch_op.add_column(sa.Column("metric", sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column("window_months", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("measured_on", sa.Date(), nullable=True))
    with op.batch_alter_table("check_in", schema=None) as batch_op:
        batch_op.add_column(sa.Column("import_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_check_in_import_id"), ["import_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_check_in_import_id_payout_import"), "payout_import",
                                    ["import_id"], ["id"])
    with op.batch_alter_table("deal", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source", sa.String(length=40), nullable=False, server_default=""))


def downgrade():
    with op.batch_alter_table("deal", schema=None) as batch_op:
        batch_op.drop_column("source")
    with op.batch_alter_table("check_in", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_check_in_import_id_payout_import"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_check_in_import_id"))
        batch_op.drop_column("import_id")
    with op.batch_alter_table("key_result", schema=None) as batch_op:
        batch_op.drop_column("measured_on")
        batch_op.drop_column("window_months")
        batch_op.drop_column("metric")
