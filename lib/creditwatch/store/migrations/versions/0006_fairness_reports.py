"""Fairness reports: fairness per window of received_at and protected attribute.

Revision ID: 0006_fairness_reports
Revises: 0005_audit_log
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from creditwatch.store.types import BIGINT_PK, JSONB_OR_JSON, UTCDateTime

revision = "0006_fairness_reports"
down_revision = "0005_audit_log"
branch_labels = None
depends_on = None

_FLOATS = ("worst_air", "worst_air_low", "worst_air_high", "independence_p", "tpr_gap",
           "tpr_gap_p", "fpr_gap", "fpr_gap_p")


def upgrade() -> None:
    op.create_table(
        "fairness_reports",
        sa.Column("id", BIGINT_PK, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("window_start", UTCDateTime(), nullable=False),
        sa.Column("window_end", UTCDateTime(), nullable=False),
        sa.Column("attribute", sa.String(64), nullable=False),
        sa.Column("n_predictions", sa.Integer(), nullable=False),
        sa.Column("n_labelled", sa.Integer(), nullable=False),
        sa.Column("labelled_share", sa.Float(), nullable=True),
        sa.Column("mature", sa.Boolean(), nullable=False),
        sa.Column("reference", sa.String(64), nullable=True),
        sa.Column("worst_group", sa.String(64), nullable=True),
        *(sa.Column(name, sa.Float(), nullable=True) for name in _FLOATS),
        sa.Column("params", JSONB_OR_JSON, nullable=True),
        sa.Column("result", JSONB_OR_JSON, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fairness_reports")),
        sa.UniqueConstraint("window_start", "window_end", "attribute",
                            name=op.f("uq_fairness_reports_window_start_window_end_attribute")),
    )
    op.create_index(op.f("ix_fairness_reports_created_at"), "fairness_reports", ["created_at"])


def downgrade() -> None:
    op.drop_table("fairness_reports")
