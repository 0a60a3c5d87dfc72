"""the monthly billing run: one invoice per place and month, runs claimed in the database

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 21:05:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import selfcare_tui.server.tables

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "billing_runs",
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column(
            "started_at", selfcare_tui.server.tables.UtcDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "heartbeat_at", selfcare_tui.server.tables.UtcDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "finished_at", selfcare_tui.server.tables.UtcDateTime(timezone=True), nullable=True
        ),
        sa.Column("started_by", sa.Integer(), nullable=True),
        sa.Column("issued", sa.Integer(), nullable=False),
        sa.Column("estimated", sa.Integer(), nullable=False),
        sa.Column("already_billed", sa.Integer(), nullable=False),
        sa.Column("notices", sa.Integer(), nullable=False),
        sa.Column("total_amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["started_by"], ["users.id"], name=op.f("fk_billing_runs_started_by_users")
        ),
        sa.PrimaryKeyConstraint("month", name=op.f("pk_billing_runs")),
    )
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.add_column(sa.Column("billing_month", sa.String(length=7), nullable=True))
        batch_op.create_unique_constraint(
            "uq_invoices_place_billing_month", ["place_id", "billing_month"]
        )


def downgrade() -> None:
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.drop_constraint("uq_invoices_place_billing_month", type_="unique")
        batch_op.drop_column("billing_month")

    op.drop_table("billing_runs")
