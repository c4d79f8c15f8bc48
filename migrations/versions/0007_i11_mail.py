"""mail: sent_mail (one row per message, unique per kind, recipient and period) and mail_opt_out

Revision ID: i11_mail
Revises: i14_signed_plans
"""
from alembic import op
import sqlalchemy as sa


revision = "i11_mail"
down_revision = "i14_signed_plans"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sent_mail",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("period_key", sa.String(length=80), nullable=False),
        sa.Column("address", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("transport", sa.String(length=20), nullable=False),
        sa.Column("error", sa.String(length=500), nullable=False),
        sa.Column("claimed_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["recipient_id"], ["person.id"], name=op.f("fk_sent_mail_recipient_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sent_mail")),
        sa.UniqueConstraint("kind", "recipient_id", "period_key", name="uq_sent_mail_once"),
    )
    with op.batch_alter_table("sent_mail", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sent_mail_recipient_id"), ["recipient_id"], unique=False)
    op.create_table(
        "mail_opt_out",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_mail_opt_out_person_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_opt_out")),
        sa.UniqueConstraint("person_id", "kind", name="uq_mail_opt_out_person"),
    )
    with op.batch_alter_table("mail_opt_out", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mail_opt_out_person_id"), ["person_id"], unique=False)


def downgrade():
    with op.batch_alter_table("mail_opt_out", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mail_opt_out_person_id"))
    op.drop_table("mail_opt_out")
    with op.batch_alter_table("sent_mail", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sent_mail_recipient_id"))
    op.drop_table("sent_mail")
