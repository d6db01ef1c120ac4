"""Batched, idempotent writes: predictions (with their feature values), outcomes, anomalies,
API logs, shadow predictions.

Records are converted once into positional rows (``records``: UTC stamps and JSON text in the
dialect's stored form), and each table gets one bulk statement per batch at the driver level,
past SQLAlchemy's per-row parameter processing (SQLite: ``executemany``, see
``bulk_sqlite``; PostgreSQL: COPY, see ``bulk_pg``), and
``ON CONFLICT DO NOTHING`` on the natural key makes a replayed batch (the API's spool after
a crash) a no-op for the rows already stored: each request is stored once however many
times it is sent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.exc import IntegrityError

from creditwatch.store import bulk_pg, bulk_sqlite, chain, partitions
from creditwatch.store._base import StoreBase
from creditwatch.store.models import (
    ANOMALIES,
    API_LOGS,
    PREDICTION_REQUEST_IDS,
    PREDICTIONS,
    SHADOW_PREDICTIONS,
)
from creditwatch.store.outcomes import check_outcomes, insert_outcomes
from creditwatch.store.records import (
    ANOMALY_COLUMNS,
    APPLICATION_TIME,
    LOG_COLUMNS,
    PREDICTION_COLUMNS,
    Link,
    PredictionBatch,
    anomaly_row,
    log_row,
    prediction_batch,
    prediction_links,
)
from creditwatch.store.shadow import SHADOW_COLUMNS, SHADOW_KEY, shadow_row
from creditwatch.store.types import sqlite_time


@dataclass(frozen=True, slots=True)
class WriteCounts:
    """Rows actually inserted (records already stored are not counted)."""

    predictions: int = 0
    feature_values: int = 0
    anomalies: int = 0
    logs: int = 0
    outcomes: int = 0
    reasons: int = 0  # prediction_reasons rows
    shadow: int = 0  # shadow_predictions rows
    # What became of each outcome record, by event id (see ``store.outcomes``).
    outcome_statuses: Mapping[str, str] = field(default_factory=dict)


class WritesMixin(StoreBase):
    def write_predictions(self, records: Sequence[Mapping[str, Any]]) -> int:
        """Store ``records`` (see ``PredictionRecord``) in one transaction; returns how many
        were new. A request id already stored, or repeated in the batch, is skipped."""
        return self.write_batch(predictions=records).predictions

    def write_anomalies(self, records: Sequence[Mapping[str, Any]]) -> int:
        """Store rejected requests (see ``AnomalyRecord``); idempotent on request id."""
        return self.write_batch(anomalies=records).anomalies

    def write_outcomes(self, records: Sequence[Mapping[str, Any]]) -> WriteCounts:
        """Match and store outcomes (see ``OutcomeRecord``) in one transaction; the counts
        carry each record's status. Unknown predictions are stored as anomalies."""
        return self.write_batch(outcomes=records)

    def write_logs(self, records: Sequence[Mapping[str, Any]]) -> int:
        """Store API log events (see ``LogRecord``); idempotent on ``event_id`` when given."""
        return self.write_batch(logs=records).logs

    def write_shadow(self, records: Sequence[Mapping[str, Any]]) -> int:
        """Store challenger scores (see ``store.shadow.ShadowRecord``); idempotent on
        (request id, challenger version). Returns how many were new."""
        return self.write_batch(shadow=records).shadow

    def write_batch(
        self,
        predictions: Sequence[Mapping[str, Any]] = (),
        anomalies: Sequence[Mapping[str, Any]] = (),
        logs: Sequence[Mapping[str, Any]] = (),
        outcomes: Sequence[Mapping[str, Any]] = (),
        shadow: Sequence[Mapping[str, Any]] = (),
    ) -> WriteCounts:
        """Store a mixed batch atomically: all of it is committed, or none of it.

        The background writer drains its queue into one call, so a spool segment is either
        entirely in the store or entirely still to replay.
        """
        # Convert first: a malformed record fails before any transaction is opened. Times
        # are stamped once here, in the form the dialect's bulk path binds as is.
        stamp = sqlite_time if self.dialect == "sqlite" else datetime.isoformat
        batch = prediction_batch(predictions, stamp)
        anomaly_rows = [anomaly_row(r, stamp) for r in anomalies]
        log_rows = [log_row(r, stamp) for r in logs]
        shadow_rows = [shadow_row(r, stamp) for r in shadow]
        check_outcomes(outcomes)
        if not (batch.rows or anomaly_rows or log_rows or outcomes or shadow_rows):
            return WriteCounts()
        months = ({partitions.month_of(r[APPLICATION_TIME]) for r in batch.rows}
                  if self.dialect == "postgresql" else set())
        for attempt in (1, 2):
            # before the transaction: a missing month is made in a short one of its own
            partitions.ensure_months(self.engine, months)
            try:
                with self._write() as conn:
                    n_pred, n_feat, n_reasons, chained = self._insert_predictions(conn, batch)
                    # After the predictions: an outcome may name one of this very batch.
                    matched = insert_outcomes(conn, self.dialect, outcomes, stamp)
                    unmatched = [anomaly_row(r, stamp) for r in matched.anomalies]
                    n_anom = self._insert_ignore(conn, ANOMALIES, ANOMALY_COLUMNS,
                                                 anomaly_rows + unmatched, "request_id")
                    n_logs = self._insert_ignore(conn, API_LOGS, LOG_COLUMNS, log_rows,
                                                 "event_id")
                    n_shadow = self._insert_ignore(conn, SHADOW_PREDICTIONS, SHADOW_COLUMNS,
                                                   shadow_rows, SHADOW_KEY)
                    # Last, so the chain head's lock is held for the shortest time.
                    chain.append(conn, self.dialect, chained + matched.chained,
                                 stamp(datetime.now(UTC)))
                break
            except IntegrityError as exc:
                # A month's partition was missing after all (dropped by hand, or met while a
                # purge swapped it): look again, make it, write the batch once more.
                if attempt == 2 or not partitions.is_missing_partition(exc):
                    raise
                partitions.forget(self.engine)
        return WriteCounts(n_pred, n_feat, n_anom, n_logs, matched.inserted,
                           reasons=n_reasons, shadow=n_shadow,
                           outcome_statuses=matched.statuses)

    def _insert_predictions(self, conn: Connection,
                            batch: PredictionBatch) -> tuple[int, int, int, list[Link]]:
        """Predictions, then the feature values and reasons of those actually inserted:
        (predictions, feature values, reasons) rows, and the chain links of the new
        predictions (``store.chain``)."""
        if not batch.rows:
            return 0, 0, 0, []
        if self.dialect == "postgresql":
            inserted = [
                (int(i), str(r))
                for i, r in bulk_pg.insert_ignore(
                    conn, PREDICTIONS, PREDICTION_COLUMNS, batch.rows, "request_id",
                    ("id", "request_id"), keys_table=PREDICTION_REQUEST_IDS.name,
                )
            ]
        else:
            inserted = bulk_sqlite.insert_returning(conn, "predictions", PREDICTION_COLUMNS,
                                                     batch.rows, "request_id")
        # Only the rows actually inserted come back: replayed ones are skipped here and so
        # are their feature values and reasons.
        n_feat = n_reasons = 0
        pg = self.dialect == "postgresql"
        if inserted and batch.features:
            n_feat = (bulk_pg.copy_feature_values if pg else bulk_sqlite.insert_feature_values)(
                conn, inserted, batch.features)
        if inserted and batch.reasons:
            n_reasons = (bulk_pg.copy_reasons if pg else bulk_sqlite.insert_reasons)(
                conn, inserted, batch.reasons)
        return len(inserted), n_feat, n_reasons, prediction_links(inserted, batch.rows)

    def _insert_ignore(
        self,
        conn: Connection,
        table: Table,
        columns: Sequence[str],
        rows: list[tuple[Any, ...]],
        key: str,
    ) -> int:
        if not rows:
            return 0
        if self.dialect == "postgresql":
            return len(bulk_pg.insert_ignore(conn, table, columns, rows, key))
        return bulk_sqlite.insert_ignore(conn, table.name, columns, rows, key)
