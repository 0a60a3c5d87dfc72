"""device logins (RFC 8628) waiting for their approval on another device

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-08 04:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import selfcare_tui.server.tables

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    moment = selfcare_tui.server.tables.UtcDateTime(timezone=True)
    op.create_table(
        "device_grants",
        sa.Column("device_code_hash", sa.String(length=64), nullable=False),
        sa.Column("user_code", sa.String(length=9), nullable=False),
        sa.Column("client_name", sa.String(length=100), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("created_at", moment, nullable=False),
        sa.Column("expires_at", moment, nullable=False),
        sa.Column("interval", sa.Integer(), nullable=False),
        sa.Column("next_poll_at", moment, nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("consent_hash", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_device_grants_user_id_users")
        ),
        sa.PrimaryKeyConstraint("device_code_hash", name=op.f("pk_device_grants")),
        sa.UniqueConstraint("user_code", name=op.f("uq_device_grants_user_code")),
    )


def downgrade() -> None:
    op.drop_table("device_grants")
