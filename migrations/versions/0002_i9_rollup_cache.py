"""roll-up cache: one row per cycle with its computed progress and a generation number

Revision ID: i9_rollup_cache
Revises: 4bfca7af5d39
"""
from alembic import op
import sqlalchemy as sa


revision = "i9_rollup_cache"
down_revision = "4bfca7af5d39"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "cycle_rollup",
        sa.Column("cycle_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("payload_generation", sa.Integer(), nullable=True),
        sa.Column("payload", sa.Text(), nullable=True),
        sa.Column("computed_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("cycle_id", name=op.f("pk_cycle_rollup")),
    )


def downgrade():
    op.drop_table("cycle_rollup")
