"""Which store columns the local DuckDB copy keeps, table by table.

Only what the aggregates read: no raw inputs (the bulky part of a prediction) except the
applicant segments, extracted from the inputs JSON by the store itself during the pull
(``inputs ->> 'NAME_INCOME_TYPE'`` on PostgreSQL, ``json_extract`` on SQLite).

Predictions, anomalies, outcomes and shadow predictions are append-only and copied
incrementally by id; drift reports and alerts are small and updated in place (a report's
HTML path, an alert's delivery), so they are copied whole at each refresh. A copy kept from
a given time on (``LocalCopy(since=...)``) keeps the predictions, anomalies and shadow
predictions of that time on, by their ``clock``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
from sqlalchemy import Table

from creditwatch.analytics.fetch import TIMESTAMP, Column
from creditwatch.schema import FIELD_BY_NAME
from creditwatch.store.models import (
    ALERTS,
    ANOMALIES,
    DRIFT_REPORTS,
    OUTCOMES,
    PREDICTIONS,
    SHADOW_PREDICTIONS,
)

# Segment column in the copy -> application field (the schema is the source of truth).
SEGMENTS: dict[str, str] = {
    "income_type": "NAME_INCOME_TYPE",
    "education": "NAME_EDUCATION_TYPE",
    "contract_type": "NAME_CONTRACT_TYPE",
    "gender": "CODE_GENDER",
}
assert all(field in FIELD_BY_NAME for field in SEGMENTS.values())


@dataclass(frozen=True, slots=True)
class Mirror:
    """One table of the copy: its store table, its columns, how it is refreshed."""

    name: str
    table: Table
    columns: tuple[Column, ...]
    incremental: bool  # by id (append-only) or reloaded whole
    clock: str | None = None  # the server time a copy kept from a given time on keeps rows by


def _col(table: Table, name: str, kind: pa.DataType) -> Column:
    return Column(name, table.c[name], kind)


_P = PREDICTIONS
PREDICTION_COLUMNS = (
    _col(_P, "id", pa.int64()),
    _col(_P, "request_id", pa.string()),
    _col(_P, "received_at", TIMESTAMP),
    _col(_P, "application_time", TIMESTAMP),
    _col(_P, "endpoint", pa.string()),
    _col(_P, "model_version", pa.string()),
    _col(_P, "probability", pa.float64()),
    _col(_P, "decision", pa.string()),
    _col(_P, "threshold", pa.float64()),
    _col(_P, "confidence", pa.string()),
    _col(_P, "data_quality_score", pa.float64()),
    _col(_P, "preprocessing_ms", pa.float64()),
    _col(_P, "inference_ms", pa.float64()),
    _col(_P, "total_ms", pa.float64()),
    _col(_P, "http_status", pa.int64()),
    _col(_P, "amt_credit", pa.float64()),
    *(Column(name, _P.c.inputs[field].as_string(), pa.string())
      for name, field in SEGMENTS.items()),
    # The applicant's age (a protected attribute's source) as the schema's day offset.
    Column("days_birth", _P.c.inputs["DAYS_BIRTH"].as_float(), pa.float64()),
)

_O = OUTCOMES
OUTCOME_COLUMNS = (
    _col(_O, "id", pa.int64()),
    _col(_O, "prediction_id", pa.int64()),
    _col(_O, "application_time", TIMESTAMP),
    _col(_O, "defaulted", pa.int64()),
    _col(_O, "observed_at", TIMESTAMP),
    _col(_O, "received_at", TIMESTAMP),
)

_S = SHADOW_PREDICTIONS
SHADOW_COLUMNS = (
    _col(_S, "id", pa.int64()),
    _col(_S, "request_id", pa.string()),
    _col(_S, "model_version", pa.string()),
    _col(_S, "received_at", TIMESTAMP),
    _col(_S, "probability", pa.float64()),
    _col(_S, "threshold", pa.float64()),
)

_A = ANOMALIES
ANOMALY_COLUMNS = (
    _col(_A, "id", pa.int64()),
    _col(_A, "occurred_at", TIMESTAMP),
    _col(_A, "request_id", pa.string()),
    _col(_A, "endpoint", pa.string()),
    _col(_A, "kind", pa.string()),
    _col(_A, "http_status", pa.int64()),
    # The field errors as JSON text (parsed only for the few rows a table shows).
    _col(_A, "errors", pa.string()),
)

_D = DRIFT_REPORTS
DRIFT_COLUMNS = (
    _col(_D, "id", pa.int64()),
    _col(_D, "created_at", TIMESTAMP),
    _col(_D, "window_start", TIMESTAMP),
    _col(_D, "window_end", TIMESTAMP),
    _col(_D, "model_version", pa.string()),
    _col(_D, "n_reference", pa.int64()),
    _col(_D, "n_predictions", pa.int64()),
    _col(_D, "n_features_analyzed", pa.int64()),
    _col(_D, "n_features_drifted", pa.int64()),
    _col(_D, "drift_share", pa.float64()),
    _col(_D, "weighted_drift_score", pa.float64()),
    _col(_D, "status", pa.string()),
    _col(_D, "report_path", pa.string()),
    _col(_D, "json_path", pa.string()),
)

_L = ALERTS
ALERT_COLUMNS = (
    _col(_L, "id", pa.int64()),
    _col(_L, "fired_at", TIMESTAMP),
    _col(_L, "kind", pa.string()),
    _col(_L, "dedup_key", pa.string()),
    _col(_L, "severity", pa.string()),
    _col(_L, "message", pa.string()),
    _col(_L, "value", pa.float64()),
    _col(_L, "threshold", pa.float64()),
    _col(_L, "window_start", TIMESTAMP),
    _col(_L, "window_end", TIMESTAMP),
)

MIRRORS = (
    Mirror("predictions", PREDICTIONS, PREDICTION_COLUMNS, incremental=True, clock="received_at"),
    Mirror("anomalies", ANOMALIES, ANOMALY_COLUMNS, incremental=True, clock="occurred_at"),
    # Outcomes are append-only too (a correction is a new row; the latest counts).
    Mirror("outcomes", OUTCOMES, OUTCOME_COLUMNS, incremental=True),
    # The challenger's shadow scores (append-only), joined to predictions by request id.
    Mirror("shadow_predictions", SHADOW_PREDICTIONS, SHADOW_COLUMNS, incremental=True,
           clock="received_at"),
    Mirror("drift_reports", DRIFT_REPORTS, DRIFT_COLUMNS, incremental=False),
    Mirror("alerts", ALERTS, ALERT_COLUMNS, incremental=False),
)
# Columns a copy kept from a given time on answers for only from that time on.
CLOCKS = frozenset(m.clock for m in MIRRORS if m.clock is not None)
