"""Tables of the prediction store, as typed declarative models.

The repository writes and reads through Core statements on ``Model.__table__`` (batched
executemany, no per-object unit of work); the classes are the schema's single definition,
and Alembic's autogenerate compares the migrations against them in the tests.

Time-window reads are the main access path, so every table is indexed on its time column;
``feature_values`` repeats the prediction's ``application_time`` so a distribution query for
one feature over a window is a single covering index range scan, without a join.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from creditwatch.store.partitions import only_on
from creditwatch.store.types import BIGINT_PK, JSONB_OR_JSON, UTCDateTime

# Deterministic constraint names, so migrations can refer to them on both dialects.
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

PAYLOAD_EXCERPT_MAX = 2048  # characters of a rejected payload kept in anomalies
REASON_CODE_MAX, REASON_TEXT_MAX = 8, 200  # characters of a stored reason's code and text


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Prediction(Base):
    """One answered scoring request (one row per application of a batch).

    One row per request id. On PostgreSQL the table is partitioned by month of
    ``application_time`` (``store.partitions``); a partitioned table's unique keys must hold
    the partition key, so there the request id's uniqueness is kept by
    ``prediction_request_ids`` and the primary key is (id, application_time), made by
    migration 0008 (Alembic does not compare primary keys; ``tests/store`` checks them).
    """

    __tablename__ = "predictions"

    id: Mapped[int] = mapped_column(BIGINT_PK, primary_key=True)
    request_id: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # The application's own time when the client sends one, else received_at.
    application_time: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    endpoint: Mapped[str] = mapped_column(String(32))
    model_version: Mapped[str] = mapped_column(String(64))
    probability: Mapped[float] = mapped_column(Float)
    decision: Mapped[str] = mapped_column(String(16))
    threshold: Mapped[float] = mapped_column(Float)
    confidence: Mapped[str | None] = mapped_column(String(16))
    data_quality_score: Mapped[float | None] = mapped_column(Float)
    preprocessing_ms: Mapped[float | None] = mapped_column(Float)
    inference_ms: Mapped[float | None] = mapped_column(Float)
    total_ms: Mapped[float | None] = mapped_column(Float)
    http_status: Mapped[int] = mapped_column(SmallInteger, default=200)
    amt_credit: Mapped[float | None] = mapped_column(Float)
    client_id: Mapped[int | None] = mapped_column(BigInteger)  # SK_ID_CURR when given
    inputs: Mapped[dict[str, Any]] = mapped_column(JSONB_OR_JSON)
    # Missing / out-of-range / unseen-category field names reported with the answer.
    quality_flags: Mapped[dict[str, Any] | None] = mapped_column(JSONB_OR_JSON)
    # SHA-256 of the inputs in canonical form (``store.chain``): what the audit chain
    # covers, and what stays when the retention purge removes the inputs.
    inputs_digest: Mapped[str | None] = mapped_column(String(64))
    # Set when the retention purge replaced the inputs by {} (``store.retention``).
    inputs_purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        only_on("sqlite", UniqueConstraint("request_id")),
        only_on("postgresql", Index(None, "request_id")),  # unique: prediction_request_ids
        Index(None, "model_version", "application_time"),
        # Outcomes matched by SK_ID_CURR take the client's latest prediction before a time.
        Index(None, "client_id", "application_time"),
        {"postgresql_partition_by": "RANGE (application_time)"},
    )


class PredictionRequestId(Base):
    """PostgreSQL only: the request ids of the stored predictions, one row each, filled in
    the transaction that inserts the prediction (``bulk_pg.insert_predictions``). Its primary
    key is the global uniqueness the partitioned ``predictions`` cannot declare itself."""

    __tablename__ = "prediction_request_ids"

    request_id: Mapped[str] = mapped_column(String(64), primary_key=True)

    __table_args__ = ({"info": {"dialect": "postgresql"}},)


class FeatureValue(Base):
    """The model's most important feature values of one prediction, in long format.

    No foreign key to ``predictions``: checking it for the 20 rows each prediction adds
    cost more than the rest of a 1000-prediction batch on PostgreSQL (measured: +60-100 ms),
    and the repository only ever writes these rows in the transaction that inserted their
    prediction, with the id it returned. Deleting predictions must delete these rows too.
    """

    __tablename__ = "feature_values"

    prediction_id: Mapped[int] = mapped_column(BIGINT_PK, primary_key=True)
    feature: Mapped[str] = mapped_column(String(128), primary_key=True)
    value: Mapped[float | None] = mapped_column(Float)
    application_time: Mapped[datetime] = mapped_column(UTCDateTime)

    # Covers "values of feature F in window W" entirely from the index.
    # WITHOUT ROWID on SQLite: the rows live in the primary-key tree itself, one B-tree
    # less to update for the twenty rows each prediction adds.
    __table_args__ = (
        Index(None, "feature", "application_time", "value"),
        {"sqlite_with_rowid": False, "postgresql_partition_by": "RANGE (application_time)"},
    )


class PredictionReason(Base):
    """One reason given with a prediction (see ``creditwatch.explain``): its rank in the
    answer (1 = largest contribution), stable code, text as answered, the raw fields behind
    it with the applicant's values (two JSON arrays, in the same order), and its contribution
    to the log-odds of default.

    Every refused prediction has its reasons here (an approval only when asked for with
    ``?explain=true``). ``application_time`` repeats the prediction's, so the reason mix of a
    window is one index range scan. No foreign key, for the same reason as ``feature_values``.
    """

    __tablename__ = "prediction_reasons"

    prediction_id: Mapped[int] = mapped_column(BIGINT_PK, primary_key=True)
    rank: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    code: Mapped[str] = mapped_column(String(REASON_CODE_MAX))
    text: Mapped[str] = mapped_column(String(REASON_TEXT_MAX))
    contribution: Mapped[float] = mapped_column(Float)
    # plain JSON (not JSONB): the arrays keep their order and are only ever read whole
    fields: Mapped[list[str]] = mapped_column(JSON)
    field_values: Mapped[list[Any]] = mapped_column(JSON)
    application_time: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index(None, "application_time", "code"),
                      {"sqlite_with_rowid": False,
                       "postgresql_partition_by": "RANGE (application_time)"})


class ShadowPrediction(Base):
    """The challenger's score of one answered prediction, made in shadow (``creditwatch.shadow``):
    never answered, only compared. ``request_id`` is the champion's prediction's (unique
    there), ``application_time`` and ``received_at`` repeat its own, so a window reads the
    pairs with one join on the request id. One row per prediction and challenger version:
    a replayed spool stores nothing twice. No foreign key, for the same reason as
    ``feature_values`` (the shadow row may even reach the store in the batch before its
    prediction's)."""

    __tablename__ = "shadow_predictions"

    id: Mapped[int] = mapped_column(BIGINT_PK, primary_key=True)
    request_id: Mapped[str] = mapped_column(String(64))
    model_version: Mapped[str] = mapped_column(String(64))  # the challenger's
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    application_time: Mapped[datetime] = mapped_column(UTCDateTime)
    probability: Mapped[float] = mapped_column(Float)
    decision: Mapped[str] = mapped_column(String(16))
    threshold: Mapped[float] = mapped_column(Float)
    scored_at: Mapped[datetime] = mapped_column(UTCDateTime)
    scoring_ms: Mapped[float | None] = mapped_column(Float)  # the shadow batch's, per row

    __table_args__ = (UniqueConstraint("request_id", "model_version"),)


class Outcome(Base):
    """What became of a predicted loan: did the client default? One row per value received.

    A prediction's outcome is its latest row (highest id); an earlier row with another value
    is kept as the history of corrections. Re-sending the current value adds nothing.
    ``application_time`` repeats the prediction's, so window reads need no join (and the
    rows live in the same month partition as their prediction, see the retention docs).
    No foreign key, for the same reason as ``feature_values``: the store resolves the
    prediction in the transaction that inserts the outcome.
    """

    __tablename__ = "outcomes"

    id: Mapped[int] = mapped_column(BIGINT_PK, primary_key=True)
    # Unique per received item (request id + position): a replayed spool stores nothing twice.
    event_id: Mapped[str] = mapped_column(String(80), unique=True)
    prediction_id: Mapped[int] = mapped_column(BigInteger)
    application_time: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    defaulted: Mapped[int] = mapped_column(SmallInteger)  # 1: the client defaulted
    observed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    source: Mapped[str] = mapped_column(String(64))  # api, a file name, the simulator
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    __table_args__ = (Index(None, "prediction_id", "id"),)


class AuditEntry(Base):
    """One link of the tamper-evident decision log (``store.chain``): the hash of a stored
    prediction's or outcome's content, chained to the previous entry's. ``seq`` runs 1, 2,
    3, ... without gaps; one entry per (kind, row id)."""

    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(BIGINT_PK, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(16))  # "prediction" or "outcome"
    row_id: Mapped[int] = mapped_column(BigInteger)
    row_hash: Mapped[str] = mapped_column(String(64))
    chain_hash: Mapped[str] = mapped_column(String(64))
    written_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    __table_args__ = (UniqueConstraint("kind", "row_id"),)


class Anomaly(Base):
    """A rejected or failed request."""

    __tablename__ = "anomalies"

    id: Mapped[int] = mapped_column(BIGINT_PK, primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # Unique so a replayed spool segment cannot store the same rejection twice.
    request_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    endpoint: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(32), index=True)
    errors: Mapped[Any | None] = mapped_column(JSONB_OR_JSON)  # field-level errors
    payload_excerpt: Mapped[str | None] = mapped_column(Text)  # ≤ PAYLOAD_EXCERPT_MAX chars
    http_status: Mapped[int] = mapped_column(SmallInteger)


class ApiLog(Base):
    """A structured log event of the API."""

    __tablename__ = "api_logs"

    id: Mapped[int] = mapped_column(BIGINT_PK, primary_key=True)
    # Client-made id, unique so replaying a batch cannot duplicate a line (NULL: no check).
    event_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    ts: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    level: Mapped[str] = mapped_column(String(16))
    event: Mapped[str] = mapped_column(String(128))
    request_id: Mapped[str | None] = mapped_column(String(64), index=True)
    data: Mapped[dict[str, Any] | None] = mapped_column(JSONB_OR_JSON)


class TrainingReference(Base):
    """The reference sample of one model version: header and per-feature statistics."""

    __tablename__ = "training_reference"

    id: Mapped[int] = mapped_column(BIGINT_PK, primary_key=True)
    model_version: Mapped[str] = mapped_column(String(64), unique=True)
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    n_rows: Mapped[int] = mapped_column(Integer)
    n_columns: Mapped[int] = mapped_column(Integer)
    stats: Mapped[dict[str, Any] | None] = mapped_column(JSONB_OR_JSON)


class TrainingReferenceColumn(Base):
    """One column of a reference sample: its values as one JSON array, in row order.

    Column storage keeps each column's dtype and lets a reader fetch only the columns it
    needs; plain JSON (not JSONB) because the arrays are only ever read whole.
    """

    __tablename__ = "training_reference_columns"

    reference_id: Mapped[int] = mapped_column(
        BIGINT_PK, ForeignKey("training_reference.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(128), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    dtype: Mapped[str] = mapped_column(String(32))
    values: Mapped[list[Any]] = mapped_column(JSON)


class DriftReport(Base):
    """One drift run over one window of application_time (filled by the drift engine)."""

    __tablename__ = "drift_reports"

    id: Mapped[int] = mapped_column(BIGINT_PK, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime)
    window_end: Mapped[datetime] = mapped_column(UTCDateTime)
    model_version: Mapped[str | None] = mapped_column(String(64))
    n_reference: Mapped[int | None] = mapped_column(Integer)
    n_predictions: Mapped[int] = mapped_column(Integer)
    n_features_analyzed: Mapped[int] = mapped_column(Integer)
    n_features_drifted: Mapped[int] = mapped_column(Integer)
    drift_share: Mapped[float | None] = mapped_column(Float)
    weighted_drift_score: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(32))
    params: Mapped[dict[str, Any] | None] = mapped_column(JSONB_OR_JSON)  # alpha, correction...
    details: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONB_OR_JSON)  # per column
    report_path: Mapped[str | None] = mapped_column(Text)  # Evidently HTML
    json_path: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index(None, "window_start", "window_end"),)


class PerformanceReport(Base):
    """Model performance of one window of application_time for one model version (filled by
    ``performance.monitor``): the realized figures from the outcomes known when it ran, the
    label-free estimate with its band, the concept-drift signal and prediction drift; the
    whole result in ``result``. Computing a window again replaces its row."""

    __tablename__ = "performance_reports"

    id: Mapped[int] = mapped_column(BIGINT_PK, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime)
    window_end: Mapped[datetime] = mapped_column(UTCDateTime)
    model_version: Mapped[str] = mapped_column(String(64))
    n_predictions: Mapped[int] = mapped_column(Integer)
    n_labelled: Mapped[int] = mapped_column(Integer)
    labelled_share: Mapped[float | None] = mapped_column(Float)
    immature: Mapped[bool] = mapped_column(Boolean)
    auc_reference: Mapped[float | None] = mapped_column(Float)  # held-out, from training
    auc_realized: Mapped[float | None] = mapped_column(Float)
    auc_realized_sd: Mapped[float | None] = mapped_column(Float)  # its sampling SD
    auc_estimated: Mapped[float | None] = mapped_column(Float)
    auc_estimated_low: Mapped[float | None] = mapped_column(Float)
    auc_estimated_high: Mapped[float | None] = mapped_column(Float)
    default_rate_realized: Mapped[float | None] = mapped_column(Float)
    default_rate_estimated: Mapped[float | None] = mapped_column(Float)
    default_rate_estimated_low: Mapped[float | None] = mapped_column(Float)
    default_rate_estimated_high: Mapped[float | None] = mapped_column(Float)
    cost_realized: Mapped[float | None] = mapped_column(Float)
    cost_estimated: Mapped[float | None] = mapped_column(Float)
    cost_estimated_low: Mapped[float | None] = mapped_column(Float)
    cost_estimated_high: Mapped[float | None] = mapped_column(Float)
    miscalibrated_bands: Mapped[int | None] = mapped_column(Integer)
    outside_share: Mapped[float | None] = mapped_column(Float)
    extrapolating: Mapped[bool] = mapped_column(Boolean)
    score_ks: Mapped[float | None] = mapped_column(Float)  # prediction drift
    score_ks_p_value: Mapped[float | None] = mapped_column(Float)
    approval_rate: Mapped[float | None] = mapped_column(Float)
    approval_p_value: Mapped[float | None] = mapped_column(Float)
    concept_status: Mapped[str | None] = mapped_column(String(16))
    concept_drift: Mapped[bool] = mapped_column(Boolean)
    params: Mapped[dict[str, Any] | None] = mapped_column(JSONB_OR_JSON)  # the settings used
    result: Mapped[dict[str, Any] | None] = mapped_column(JSONB_OR_JSON)  # WindowPerformance

    __table_args__ = (UniqueConstraint("window_start", "window_end", "model_version"),)


class FairnessReport(Base):
    """Fairness of one window (of ``received_at``, the fairness clock) for one protected
    attribute (filled by ``creditwatch fairness run|history``): the figures a dashboard or
    an alert reads at a glance as columns, the per-group table and every test in ``result``
    (``AttributeFairness.to_dict``). Computing a window again replaces its row."""

    __tablename__ = "fairness_reports"

    id: Mapped[int] = mapped_column(BIGINT_PK, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime)
    window_end: Mapped[datetime] = mapped_column(UTCDateTime)
    attribute: Mapped[str] = mapped_column(String(64))  # CODE_GENDER, AGE_BAND...
    n_predictions: Mapped[int] = mapped_column(Integer)
    n_labelled: Mapped[int] = mapped_column(Integer)
    labelled_share: Mapped[float | None] = mapped_column(Float)
    mature: Mapped[bool] = mapped_column(Boolean)
    reference: Mapped[str | None] = mapped_column(String(64))  # the most favoured group
    worst_group: Mapped[str | None] = mapped_column(String(64))  # lowest AIR upper bound
    worst_air: Mapped[float | None] = mapped_column(Float)
    worst_air_low: Mapped[float | None] = mapped_column(Float)
    worst_air_high: Mapped[float | None] = mapped_column(Float)
    independence_p: Mapped[float | None] = mapped_column(Float)  # group x decision
    tpr_gap: Mapped[float | None] = mapped_column(Float)
    tpr_gap_p: Mapped[float | None] = mapped_column(Float)
    fpr_gap: Mapped[float | None] = mapped_column(Float)
    fpr_gap_p: Mapped[float | None] = mapped_column(Float)
    params: Mapped[dict[str, Any] | None] = mapped_column(JSONB_OR_JSON)  # the settings used
    result: Mapped[dict[str, Any] | None] = mapped_column(JSONB_OR_JSON)  # AttributeFairness

    __table_args__ = (UniqueConstraint("window_start", "window_end", "attribute"),)


class Alert(Base):
    """A fired alert and where it was delivered."""

    __tablename__ = "alerts"

    id: Mapped[int] = mapped_column(BIGINT_PK, primary_key=True)
    fired_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    kind: Mapped[str] = mapped_column(String(64))
    # Identity of "the same alert" for the cool-down (e.g. kind plus model version).
    dedup_key: Mapped[str] = mapped_column(String(200))
    severity: Mapped[str] = mapped_column(String(16))
    message: Mapped[str] = mapped_column(Text)
    value: Mapped[float | None] = mapped_column(Float)
    threshold: Mapped[float | None] = mapped_column(Float)
    window_start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    window_end: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered: Mapped[dict[str, Any] | None] = mapped_column(JSONB_OR_JSON)  # channel → outcome

    __table_args__ = (Index(None, "dedup_key", "fired_at"),)


def _table(model: type[Base]) -> Table:
    """The Core table of a model, typed as such (``__table__`` is typed as a FromClause)."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


# Core tables, used by the repository's batched statements.
PREDICTIONS = _table(Prediction)
FEATURE_VALUES = _table(FeatureValue)
PREDICTION_REASONS = _table(PredictionReason)
OUTCOMES = _table(Outcome)
SHADOW_PREDICTIONS = _table(ShadowPrediction)
PREDICTION_REQUEST_IDS = _table(PredictionRequestId)
ANOMALIES = _table(Anomaly)
API_LOGS = _table(ApiLog)
TRAINING_REFERENCE = _table(TrainingReference)
TRAINING_REFERENCE_COLUMNS = _table(TrainingReferenceColumn)
DRIFT_REPORTS = _table(DriftReport)
PERFORMANCE_REPORTS = _table(PerformanceReport)
FAIRNESS_REPORTS = _table(FairnessReport)
ALERTS = _table(Alert)
AUDIT_LOG = _table(AuditEntry)
