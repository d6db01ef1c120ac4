"""Performance reports: model performance per window of application time and model version.

Revision ID: 0003_performance_reports
Revises: 0002
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from creditwatch.store.types import BIGINT_PK, JSONB_OR_JSON, UTCDateTime

revision = "0003_performance_reports"
down_revision = "0002"
branch_labels = None
depends_on = None

_FLOATS = ("labelled_share", "auc_reference", "auc_realized", "auc_realized_sd", "auc_estimated",
           "auc_estimated_low", "auc_estimated_high", "default_rate_realized",
           "default_rate_estimated", "default_rate_estimated_low", "default_rate_estimated_high",
           "cost_realized", "cost_estimated", "cost_estimated_low", "cost_estimated_high")
_DRIFT_FLOATS = ("score_ks", "score_ks_p_value", "approval_rate", "approval_p_value")


def upgrade() -> None:
    op.create_table(
        "performance_reports",
        sa.Column("id", BIGINT_PK, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("window_start", UTCDateTime(), nullable=False),
        sa.Column("window_end", UTCDateTime(), nullable=False),
        sa.Column("model_version", sa.String(64), nullable=False),
        sa.Column("n_predictions", sa.Integer(), nullable=False),
        sa.Column("n_labelled", sa.Integer(), nullable=False),
        *(sa.Column(name, sa.Float(), nullable=True) for name in _FLOATS[:1]),
        sa.Column("immature", sa.Boolean(), nullable=False),
        *(sa.Column(name, sa.Float(), nullable=True) for name in _FLOATS[1:]),
        sa.Column("miscalibrated_bands", sa.Integer(), nullable=True),
        sa.Column("outside_share", sa.Float(), nullable=True),
        sa.Column("extrapolating", sa.Boolean(), nullable=False),
        *(sa.Column(name, sa.Float(), nullable=True) for name in _DRIFT_FLOATS),
        sa.Column("concept_status", sa.String(16), nullable=True),
        sa.Column("concept_drift", sa.Boolean(), nullable=False),
        sa.Column("params", JSONB_OR_JSON, nullable=True),
        sa.Column("result", JSONB_OR_JSON, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_performance_reports")),
        sa.UniqueConstraint("window_start", "window_end", "model_version",
                            name=op.f("uq_performance_reports_window_start_window_end_"
                                      "model_version")),
    )
    op.create_index(op.f("ix_performance_reports_created_at"), "performance_reports",
                    ["created_at"])


def downgrade() -> None:
    op.drop_table("performance_reports")
