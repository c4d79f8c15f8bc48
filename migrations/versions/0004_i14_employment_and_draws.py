"""Employment dates and draws on the roster; earned and draw balance on statements (issue 14)

Revision ID: i14_employment_and_draws
Revises: i13_revenue_metrics
"""
from alembic import op
import sqlalchemy as sa

revision = "i14_employment_and_draws"
down_revision = "i13_revenue_metrics"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("roster_rep", schema=None) as batch_op:
        batch_op.add_column(sa.Column("start_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("end_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("draw_cents", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("draw_kind", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("draw_balance_cents", sa.BigInteger(), nullable=True))
    with op.batch_alter_table("run_statement", schema=None) as batch_op:
        batch_op.add_column(sa.Column("earned_cents", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("draw_balance_cents", sa.BigInteger(), nullable=True))


def downgrade():
    with op.batch_alter_table("run_statement", schema=None) as batch_op:
        batch_op.drop_column("draw_balance_cents")
        batch_op.drop_column("earned_cents")
    with op.batch_alter_table("roster_rep", schema=None) as batch_op:
        for column in ("draw_balance_cents", "draw_kind", "draw_cents", "end_date", "start_date"):
            batch_op.drop_column(column)
