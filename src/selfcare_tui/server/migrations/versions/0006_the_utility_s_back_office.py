"""the utility's back office: queue items taken and versioned, request messages, audit operations

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 13:28:51
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# As written in tables.py then (a later change there must not change this migration).
OPEN_REQUESTS = "status IN ('submitted', 'in_progress')"
OPEN_REPORTS = "status IN ('open', 'in_progress')"


revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("operation", sa.String(length=60), nullable=True))
        batch_op.alter_column("account_number", existing_type=sa.VARCHAR(length=12), nullable=True)

    with op.batch_alter_table("outage_reports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("work_id", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("note", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
        batch_op.add_column(sa.Column("holder_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            "ix_outage_reports_open_queue",
            ["created_at", "reference"],
            unique=False,
            sqlite_where=sa.text(OPEN_REPORTS),
            postgresql_where=sa.text(OPEN_REPORTS),
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_outage_reports_work_id_works"), "works", ["work_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_outage_reports_holder_id_users"), "users", ["holder_id"], ["id"]
        )

    with op.batch_alter_table("request_history", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=20), server_default="status", nullable=False)
        )
        batch_op.add_column(sa.Column("document_code", sa.String(length=40), nullable=True))

    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "requested_documents", sa.JSON(), server_default=sa.text("'[]'"), nullable=False
            )
        )
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
        batch_op.add_column(sa.Column("holder_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            "ix_requests_open_queue",
            ["created_at", "id"],
            unique=False,
            sqlite_where=sa.text(OPEN_REQUESTS),
            postgresql_where=sa.text(OPEN_REQUESTS),
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_requests_holder_id_users"), "users", ["holder_id"], ["id"]
        )

    with op.batch_alter_table("works", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("works", schema=None) as batch_op:
        batch_op.drop_column("version")

    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_requests_holder_id_users"), type_="foreignkey")
        batch_op.drop_index("ix_requests_open_queue")
        batch_op.drop_column("holder_id")
        batch_op.drop_column("version")
        batch_op.drop_column("requested_documents")

    with op.batch_alter_table("request_history", schema=None) as batch_op:
        batch_op.drop_column("document_code")
        batch_op.drop_column("kind")

    with op.batch_alter_table("outage_reports", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_outage_reports_holder_id_users"), type_="foreignkey"
        )
        batch_op.drop_constraint(batch_op.f("fk_outage_reports_work_id_works"), type_="foreignkey")
        batch_op.drop_index("ix_outage_reports_open_queue")
        batch_op.drop_column("holder_id")
        batch_op.drop_column("version")
        batch_op.drop_column("note")
        batch_op.drop_column("work_id")

    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.alter_column("account_number", existing_type=sa.VARCHAR(length=12), nullable=False)
        batch_op.drop_column("operation")
