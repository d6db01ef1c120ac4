"""Shadow predictions: the challenger's scores of answered predictions, made in shadow.

Revision ID: 0007_shadow_predictions
Revises: 0006_fairness_reports
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from creditwatch.store.types import BIGINT_PK, UTCDateTime

revision = "0007_shadow_predictions"
down_revision = "0006_fairness_reports"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "shadow_predictions",
        sa.Column("id", BIGINT_PK, nullable=False),
        sa.Column("request_id", sa.String(64), nullable=False),
        sa.Column("model_version", sa.String(64), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.Column("application_time", UTCDateTime(), nullable=False),
        sa.Column("probability", sa.Float(), nullable=False),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("threshold", sa.Float(), nullable=False),
        sa.Column("scored_at", UTCDateTime(), nullable=False),
        sa.Column("scoring_ms", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shadow_predictions")),
        sa.UniqueConstraint("request_id", "model_version",
                            name=op.f("uq_shadow_predictions_request_id_model_version")),
    )
    op.create_index(op.f("ix_shadow_predictions_received_at"), "shadow_predictions",
                    ["received_at"])


def downgrade() -> None:
    op.drop_table("shadow_predictions")
