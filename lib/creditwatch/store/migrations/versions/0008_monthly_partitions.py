"""PostgreSQL: predictions, feature_values and prediction_reasons partitioned by month of
application_time, the request ids' uniqueness in prediction_request_ids (SQLite unchanged).

Each table is rebuilt keeping every row: a partitioned copy is made, a partition for every
month holding rows plus the next three (``store.partitions``), the rows copied, the old table
dropped and the copy renamed; the keys and indexes are made last, on the filled partitions.
The id sequence stays the same object (owned by the new ``predictions.id``), so ids go on.
The downgrade rebuilds the plain tables the same way.

Revision ID: 0008_monthly_partitions
Revises: 0007_shadow_predictions
Create Date: 2026-12-07
"""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import op
from sqlalchemy import Connection

from creditwatch.store.partitions import (
    PARTITIONED,
    SCHEMA,
    Month,
    create_month,
    month_of,
    months_between,
    next_month,
)

revision = "0008_monthly_partitions"
down_revision = "0007_shadow_predictions"
branch_labels = None
depends_on = None

AHEAD = 3  # months made in advance beyond the current one

# (table, primary key, [(index name, columns)]) as the models declare them
LAYOUT = {
    "predictions": ("id", [
        ("ix_predictions_received_at", "received_at"),
        ("ix_predictions_application_time", "application_time"),
        ("ix_predictions_model_version_application_time", "model_version, application_time"),
        ("ix_predictions_client_id_application_time", "client_id, application_time"),
    ]),
    "feature_values": ("prediction_id, feature", [
        ("ix_feature_values_feature_application_time_value", "feature, application_time, value"),
    ]),
    "prediction_reasons": ("prediction_id, rank", [
        ("ix_prediction_reasons_application_time_code", "application_time, code"),
    ]),
}
SEQUENCE = "predictions_id_seq"


def _rebuild(conn: Connection, table: str, months: list[Month] | None) -> None:
    """Rebuild ``table`` as a table partitioned by month, with partitions for ``months``
    (``None``: as a plain table), holding the same rows."""
    key, indexes = LAYOUT[table]
    partitioned = months is not None
    if partitioned and table == "predictions":  # the unique one is prediction_request_ids'
        indexes = [*indexes, ("ix_predictions_request_id", "request_id")]
    conn.exec_driver_sql(f"ALTER TABLE {table} RENAME TO _{table}_old")
    partition_by = " PARTITION BY RANGE (application_time)" if partitioned else ""
    conn.exec_driver_sql(
        f"CREATE TABLE {table} (LIKE _{table}_old INCLUDING DEFAULTS INCLUDING STORAGE "
        f"INCLUDING COMPRESSION){partition_by}")
    for month in months or ():
        create_month(conn, month, (table,))
    conn.exec_driver_sql(f"INSERT INTO {table} SELECT * FROM _{table}_old")
    if table == "predictions":
        conn.exec_driver_sql(f"ALTER SEQUENCE {SEQUENCE} OWNED BY {table}.id")
    conn.exec_driver_sql(f"DROP TABLE _{table}_old")
    if partitioned:
        key += ", application_time"
    conn.exec_driver_sql(f"ALTER TABLE {table} ADD CONSTRAINT pk_{table} PRIMARY KEY ({key})")
    for name, columns in indexes:
        conn.exec_driver_sql(f"CREATE INDEX {name} ON {table} ({columns})")


def _months(conn: Connection) -> list[Month]:
    """Every month from the oldest row of the three tables to AHEAD months after now (or
    their newest row, if later)."""
    first = last = month_of(datetime.now(UTC))
    for _ in range(AHEAD):
        last = next_month(last)
    for table in PARTITIONED:
        oldest, newest = conn.exec_driver_sql(
            f"SELECT min(application_time), max(application_time) FROM {table}").one()
        if oldest is not None:
            first, last = min(first, month_of(oldest)), max(last, month_of(newest))
    return months_between(first, last)


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    conn.exec_driver_sql(f"CREATE SCHEMA {SCHEMA}")
    conn.exec_driver_sql("CREATE TABLE prediction_request_ids (request_id VARCHAR(64) "
                         "NOT NULL, CONSTRAINT pk_prediction_request_ids PRIMARY KEY "
                         "(request_id))")
    conn.exec_driver_sql("INSERT INTO prediction_request_ids SELECT request_id FROM predictions")
    conn.exec_driver_sql("ALTER TABLE predictions DROP CONSTRAINT uq_predictions_request_id")
    months = _months(conn)
    for table in PARTITIONED:
        _rebuild(conn, table, months)


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    for table in PARTITIONED:
        _rebuild(conn, table, None)
    conn.exec_driver_sql("ALTER TABLE predictions ADD CONSTRAINT uq_predictions_request_id "
                         "UNIQUE (request_id)")
    conn.exec_driver_sql("DROP TABLE prediction_request_ids")
    # CASCADE: a feature values partition a purge left detached (it was being dropped)
    conn.exec_driver_sql(f"DROP SCHEMA {SCHEMA} CASCADE")
