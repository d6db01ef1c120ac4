"""Prediction reasons: the reason codes answered with each refused (or explained) prediction.

Revision ID: 0004_prediction_reasons
Revises: 0003_performance_reports
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from creditwatch.store.types import BIGINT_PK, UTCDateTime

revision = "0004_prediction_reasons"
down_revision = "0003_performance_reports"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "prediction_reasons",
        sa.Column("prediction_id", BIGINT_PK, nullable=False),
        sa.Column("rank", sa.SmallInteger(), nullable=False),
        sa.Column("code", sa.String(8), nullable=False),
        sa.Column("text", sa.String(200), nullable=False),
        sa.Column("contribution", sa.Float(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("field_values", sa.JSON(), nullable=False),
        sa.Column("application_time", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("prediction_id", "rank", name=op.f("pk_prediction_reasons")),
        sqlite_with_rowid=False,
    )
    op.create_index(op.f("ix_prediction_reasons_application_time_code"), "prediction_reasons",
                    ["application_time", "code"])


def downgrade() -> None:
    op.drop_table("prediction_reasons")
