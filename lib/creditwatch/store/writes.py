"""Batched, idempotent writes: predictions (with their feature values), anomalies, API logs.

Each table gets one bulk statement per batch (SQLite: an executemany SQLAlchemy folds into
multi-row ``INSERT ... VALUES`` pages; PostgreSQL: COPY, see ``bulk_pg``), and
``ON CONFLICT DO NOTHING`` on the natural key makes a replayed batch (the API's spool after
a crash) a no-op for the rows already stored: each request is stored once however many
times it is sent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Table

from creditwatch.store import bulk_pg
from creditwatch.store._base import StoreBase
from creditwatch.store.models import ANOMALIES, API_LOGS, FEATURE_VALUES, PREDICTIONS
from creditwatch.store.records import anomaly_row, log_row, prediction_row
from creditwatch.store.types import clean_float


@dataclass(frozen=True, slots=True)
class WriteCounts:
    """Rows actually inserted (records already stored are not counted)."""

    predictions: int = 0
    feature_values: int = 0
    anomalies: int = 0
    logs: int = 0


class WritesMixin(StoreBase):
    def write_predictions(self, records: Sequence[Mapping[str, Any]]) -> int:
        """Store ``records`` (see ``PredictionRecord``) in one transaction; returns how many
        were new. A request id already stored, or repeated in the batch, is skipped."""
        return self.write_batch(predictions=records).predictions

    def write_anomalies(self, records: Sequence[Mapping[str, Any]]) -> int:
        """Store rejected requests (see ``AnomalyRecord``); idempotent on request id."""
        return self.write_batch(anomalies=records).anomalies

    def write_logs(self, records: Sequence[Mapping[str, Any]]) -> int:
        """Store API log events (see ``LogRecord``); idempotent on ``event_id`` when given."""
        return self.write_batch(logs=records).logs

    def write_batch(
        self,
        predictions: Sequence[Mapping[str, Any]] = (),
        anomalies: Sequence[Mapping[str, Any]] = (),
        logs: Sequence[Mapping[str, Any]] = (),
    ) -> WriteCounts:
        """Store a mixed batch atomically: all of it is committed, or none of it.

        The background writer drains its queue into one call, so a spool segment is either
        entirely in the store or entirely still to replay.
        """
        # Convert first: a malformed record fails before any transaction is opened.
        prediction_rows, features = _prediction_rows(predictions)
        anomaly_rows = [anomaly_row(r) for r in anomalies]
        log_rows = [log_row(r) for r in logs]
        if not (prediction_rows or anomaly_rows or log_rows):
            return WriteCounts()
        with self._write() as conn:
            n_pred, n_feat = self._insert_predictions(conn, prediction_rows, features)
            n_anom = self._insert_ignore(conn, ANOMALIES, anomaly_rows, "request_id")
            n_logs = self._insert_ignore(conn, API_LOGS, log_rows, "event_id")
        return WriteCounts(n_pred, n_feat, n_anom, n_logs)

    def _insert_predictions(
        self,
        conn: Connection,
        rows: list[dict[str, Any]],
        features: dict[str, Mapping[str, Any]],
    ) -> tuple[int, int]:
        if not rows:
            return 0, 0
        if self.dialect == "postgresql":
            inserted = [
                (int(i), str(r))
                for i, r in bulk_pg.insert_ignore(
                    conn, PREDICTIONS, rows, "request_id", ("id", "request_id")
                )
            ]
        else:
            stmt = (
                self._insert(PREDICTIONS)
                .on_conflict_do_nothing(index_elements=["request_id"])
                .returning(PREDICTIONS.c.id, PREDICTIONS.c.request_id)
            )
            inserted = [(int(i), str(r)) for i, r in conn.execute(stmt, rows).all()]
        # Only the rows actually inserted come back: replayed ones are skipped here and so
        # are their feature values below.
        if not inserted or not features:
            return len(inserted), 0
        # Twenty rows per prediction: bind each prediction's time once and hand plain tuples
        # to the driver, instead of converting 20 000 timestamps per 1000 predictions.
        # The dialect's implementation (not the decorator itself) holds SQLite's fixed-width
        # text format; the decorator's processor left whole seconds without ".000000", and
        # such rows fell out of text-compared time windows.
        time_type = FEATURE_VALUES.c.application_time.type
        bind = time_type.dialect_impl(conn.dialect).bind_processor(conn.dialect)
        times = {row["request_id"]: row["application_time"] for row in rows}
        feature_rows = []
        for pid, rid in inserted:
            when = bind(times[rid]) if bind is not None else times[rid]
            for name, value in features.get(rid, {}).items():
                feature_rows.append((pid, name, clean_float(value), when))
        if feature_rows:
            self._copy_feature_values(conn, feature_rows)
        return len(inserted), len(feature_rows)

    def _copy_feature_values(self, conn: Connection, rows: list[tuple[Any, ...]]) -> None:
        if self.dialect == "postgresql":
            bulk_pg.copy_feature_values(conn, rows)
        else:
            conn.exec_driver_sql(
                "INSERT INTO feature_values (prediction_id, feature, value, application_time) "
                "VALUES (?, ?, ?, ?)",
                rows,
            )

    def _insert_ignore(
        self, conn: Connection, table: Table, rows: list[dict[str, Any]], key: str
    ) -> int:
        if not rows:
            return 0
        if self.dialect == "postgresql":
            return len(bulk_pg.insert_ignore(conn, table, rows, key))
        stmt = self._insert(table).on_conflict_do_nothing(index_elements=[key])
        return len(conn.execute(stmt.returning(table.c.id), rows).all())


def _prediction_rows(
    records: Sequence[Mapping[str, Any]],
) -> tuple[list[dict[str, Any]], dict[str, Mapping[str, Any]]]:
    """Rows for ``predictions`` (first occurrence of each request id) and features by id."""
    rows: list[dict[str, Any]] = []
    features: dict[str, Mapping[str, Any]] = {}
    seen: set[str] = set()
    for record in records:
        row = prediction_row(record)
        rid = row["request_id"]
        if rid in seen:
            continue
        seen.add(rid)
        rows.append(row)
        if record.get("features"):
            features[rid] = record["features"]
    return rows, features
