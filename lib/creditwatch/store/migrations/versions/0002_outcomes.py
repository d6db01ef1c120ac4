"""Outcomes: what became of each predicted loan (defaulted or not), with corrections kept.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from creditwatch.store.types import BIGINT_PK, UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outcomes",
        sa.Column("id", BIGINT_PK, nullable=False),
        sa.Column("event_id", sa.String(80), nullable=False),
        sa.Column("prediction_id", sa.BigInteger(), nullable=False),
        sa.Column("application_time", UTCDateTime(), nullable=False),
        sa.Column("defaulted", sa.SmallInteger(), nullable=False),
        sa.Column("observed_at", UTCDateTime(), nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcomes")),
        sa.UniqueConstraint("event_id", name=op.f("uq_outcomes_event_id")),
    )
    op.create_index(op.f("ix_outcomes_application_time"), "outcomes", ["application_time"])
    op.create_index(op.f("ix_outcomes_received_at"), "outcomes", ["received_at"])
    op.create_index(op.f("ix_outcomes_prediction_id_id"), "outcomes", ["prediction_id", "id"])
    op.create_index(op.f("ix_predictions_client_id_application_time"), "predictions",
                    ["client_id", "application_time"])


def downgrade() -> None:
    op.drop_index(op.f("ix_predictions_client_id_application_time"), table_name="predictions")
    op.drop_table("outcomes")
