"""throttle: throttle_counter (sign-in failures every worker and host shares)

Revision ID: i11_throttle
Revises: i11_sessions
"""
from alembic import op
import sqlalchemy as sa


revision = "i11_throttle"
down_revision = "i11_sessions"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "throttle_counter",
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("window_start", sa.DateTime(), nullable=False),
        sa.Column("last_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_throttle_counter")),
    )


def downgrade():
    op.drop_table("throttle_counter")
