"""The record shapes the repository accepts, and their conversion to table rows.

Writers (the API's background writer, its spool replay, the demo) hand plain dicts; these
functions check the keys once per record (a typo must fail loudly, not drop a column), fill
the derived columns and bound the free-text ones.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypedDict

from creditwatch.schema import ID_COLUMN
from creditwatch.store.chain import PREDICTION, PREDICTION_FIELDS, inputs_digest, row_hash
from creditwatch.store.models import PAYLOAD_EXCERPT_MAX, REASON_CODE_MAX, REASON_TEXT_MAX
from creditwatch.store.types import clean_float, clean_text, dumps, to_utc


# Required keys in a base class, optional ones in a total=False subclass: with postponed
# annotations NotRequired[] is not seen at runtime, and the key check below relies on it.
class _PredictionRequired(TypedDict):
    request_id: str
    received_at: datetime
    endpoint: str
    model_version: str
    probability: float
    decision: str
    threshold: float
    inputs: dict[str, Any]


class PredictionRecord(_PredictionRequired, total=False):
    """One prediction to store. ``features``: the model's top features' values (name → value)."""

    application_time: datetime | None  # default: received_at
    confidence: str | None
    data_quality_score: float | None
    preprocessing_ms: float | None
    inference_ms: float | None
    total_ms: float | None
    http_status: int  # default 200
    amt_credit: float | None  # default: inputs["AMT_CREDIT"]
    client_id: int | None  # default: inputs["SK_ID_CURR"]
    quality_flags: dict[str, Any] | None
    features: Mapping[str, float | None] | None
    # The reasons answered with it, best first (``Reason.to_dict()``: code, text, fields,
    # values, contribution); stored in ``prediction_reasons``.
    reasons: Sequence[Mapping[str, Any]] | None


class _AnomalyRequired(TypedDict):
    occurred_at: datetime
    endpoint: str
    kind: str
    http_status: int


class AnomalyRecord(_AnomalyRequired, total=False):
    request_id: str | None
    errors: Any
    payload_excerpt: str | bytes | None  # cut to PAYLOAD_EXCERPT_MAX characters


class _LogRequired(TypedDict):
    ts: datetime
    level: str
    event: str


class LogRecord(_LogRequired, total=False):
    request_id: str | None
    event_id: str | None
    data: dict[str, Any] | None


def key_sets(cls: type) -> tuple[type, frozenset[str], frozenset[str]]:
    required: frozenset[str] = cls.__required_keys__  # type: ignore[attr-defined]
    return cls, required, required | cls.__optional_keys__  # type: ignore[attr-defined]


_PREDICTION_KEYS = key_sets(PredictionRecord)
_ANOMALY_KEYS = key_sets(AnomalyRecord)
_LOG_KEYS = key_sets(LogRecord)


def check_keys(record: Mapping[str, Any],
               keys: tuple[type, frozenset[str], frozenset[str]]) -> None:
    """Refuse a record with an unknown key or without a required one (``key_sets``)."""
    cls, required, allowed = keys
    present = record.keys()
    # Two C-level subset tests on the hot path; the sets of differences only on failure.
    if present <= allowed and present >= required:
        return
    unknown = present - allowed
    if unknown:
        raise ValueError(f"unknown {cls.__name__} keys: {sorted(unknown)}")
    raise ValueError(f"{cls.__name__} is missing {sorted(required - present)}")


# Rows are tuples in these column orders (bound positionally, no per-row dict lookups).
# Times are already in the store's form (``stamp``) and JSON columns already text: each
# dialect's bulk path hands them to its driver as they are.
PREDICTION_COLUMNS = (
    "request_id", "received_at", "application_time", "endpoint", "model_version",
    "probability", "decision", "threshold", "confidence", "data_quality_score",
    "preprocessing_ms", "inference_ms", "total_ms", "http_status", "amt_credit", "client_id",
    "inputs", "quality_flags", "inputs_digest",
)
ANOMALY_COLUMNS = (
    "occurred_at", "request_id", "endpoint", "kind", "errors", "payload_excerpt", "http_status",
)
LOG_COLUMNS = ("ts", "level", "event", "request_id", "event_id", "data")
REASON_COLUMNS = ("prediction_id", "rank", "code", "text", "contribution", "fields",
                  "field_values", "application_time")
REASON_KEYS = frozenset({"code", "text", "fields", "values", "contribution"})
APPLICATION_TIME = PREDICTION_COLUMNS.index("application_time")
# Where each field a prediction's chain hash covers sits in its row (``id`` comes back
# from the insert: None here).
CHAINED = tuple(None if name == "id" else PREDICTION_COLUMNS.index(name)
                for name in PREDICTION_FIELDS)

Stamp = Callable[[datetime], Any]  # an aware UTC datetime → the value its dialect stores
Link = tuple[str, int, str]  # a chain entry to append: (kind, row id, row hash)


@dataclass(slots=True)
class PredictionBatch:
    """The ``predictions`` rows of a batch (first occurrence of each request id); for
    those with features: request id → (its stamped application time, its feature values);
    for those with reasons: request id → (stamped application time, REASON_COLUMNS rows
    without the prediction id and time)."""

    rows: list[tuple[Any, ...]] = field(default_factory=list)
    features: dict[str, tuple[Any, Mapping[str, Any]]] = field(default_factory=dict)
    reasons: dict[str, tuple[Any, list[tuple[Any, ...]]]] = field(default_factory=dict)


def prediction_batch(records: Iterable[Mapping[str, Any]], stamp: Stamp) -> PredictionBatch:
    batch = PredictionBatch()
    seen: set[str] = set()
    for record in records:
        row = prediction_row(record, stamp)
        rid = row[0]
        if rid in seen:
            continue
        seen.add(rid)
        batch.rows.append(row)
        features = record.get("features")
        if features:
            if not isinstance(features, Mapping):
                raise TypeError(f"features of {rid!r} must be a mapping of name to value")
            batch.features[rid] = (row[APPLICATION_TIME], features)
        reasons = record.get("reasons")
        if reasons:
            batch.reasons[rid] = (row[APPLICATION_TIME], reason_rows(rid, reasons))
    return batch


def prediction_links(inserted: Sequence[tuple[int, str]],
                     rows: Sequence[tuple[Any, ...]]) -> list[Link]:
    """The chain links of the new predictions ``inserted`` (id, request id, in id order)
    from their ``rows``."""
    if not inserted:
        return []
    by_request = {row[0]: row for row in rows}
    links: list[Link] = []
    for pid, rid in inserted:
        row = by_request[rid]
        values = [pid if i is None else row[i] for i in CHAINED]
        links.append((PREDICTION, pid, row_hash(PREDICTION, values)))
    return links


def reason_rows(rid: str, reasons: Any) -> list[tuple[Any, ...]]:
    """(rank, code, text, contribution, fields JSON, values JSON) of each reason, rank from
    1; a malformed reason is a TypeError (a data error: the writer sets the record aside)."""
    if not isinstance(reasons, Sequence) or isinstance(reasons, str | bytes):
        raise TypeError(f"reasons of {rid!r} must be a list")
    rows: list[tuple[Any, ...]] = []
    for rank, reason in enumerate(reasons, 1):
        if not isinstance(reason, Mapping) or set(reason) != REASON_KEYS:
            raise TypeError(f"reason {rank} of {rid!r} must have exactly {sorted(REASON_KEYS)}")
        fields, values = reason["fields"], reason["values"]
        if not isinstance(values, Mapping) or list(values) != list(fields):
            raise TypeError(f"reason {rank} of {rid!r}: values must map each field, in order")
        contribution = _lenient_float(reason["contribution"])
        code = str(reason["code"])
        if contribution is None or not 0 < len(code) <= REASON_CODE_MAX:
            raise TypeError(f"reason {rank} of {rid!r}: needs a code of at most "
                            f"{REASON_CODE_MAX} characters and a finite contribution")
        text = clean_text(str(reason["text"]))[:REASON_TEXT_MAX]
        rows.append((rank, code, text, contribution,
                     dumps([str(f) for f in fields]), dumps(list(values.values()))))
    return rows


def prediction_row(record: Mapping[str, Any], stamp: Stamp) -> tuple[Any, ...]:
    """The ``predictions`` row of ``record`` (without ``features``), in PREDICTION_COLUMNS order."""
    check_keys(record, _PREDICTION_KEYS)
    get = record.get
    inputs = record["inputs"]
    if not isinstance(inputs, Mapping):
        # a TypeError is a data error: the writer sets the record aside instead of retrying
        raise TypeError(f"inputs of {record.get('request_id')!r} must be a JSON object")
    received_at = stamp(to_utc(record["received_at"]))
    application_time = get("application_time")
    amt_credit = record["amt_credit"] if "amt_credit" in record else _lenient_float(
        inputs.get("AMT_CREDIT"))
    inputs_text = dumps(inputs)
    return (
        str(record["request_id"]),
        received_at,
        received_at if application_time is None else stamp(to_utc(application_time)),
        record["endpoint"],
        record["model_version"],
        float(record["probability"]),
        str(record["decision"]),
        float(record["threshold"]),
        get("confidence"),
        clean_float(get("data_quality_score")),
        clean_float(get("preprocessing_ms")),
        clean_float(get("inference_ms")),
        clean_float(get("total_ms")),
        int(get("http_status", 200)),
        clean_float(amt_credit),
        _client_id(get("client_id", inputs.get(ID_COLUMN))),
        inputs_text,
        json_text(get("quality_flags")),
        inputs_digest(inputs_text),
    )


def json_text(value: Any) -> str | None:
    """A JSON column's bound text; None is SQL NULL (the columns are ``none_as_null``)."""
    return None if value is None else dumps(value)


def _lenient_float(value: Any) -> float | None:
    """A number taken from the raw inputs: whatever is not one is left to the inputs."""
    try:
        return clean_float(value)
    except (TypeError, ValueError, OverflowError):
        return None


def _client_id(value: Any) -> int | None:
    """SK_ID_CURR as a BIGINT; a value that cannot be one is left to the raw inputs."""
    try:
        out = int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return out if -(2**63) <= out < 2**63 else None


def anomaly_row(record: Mapping[str, Any], stamp: Stamp) -> tuple[Any, ...]:
    """The ``anomalies`` row of ``record``, in ANOMALY_COLUMNS order."""
    check_keys(record, _ANOMALY_KEYS)
    return (
        stamp(to_utc(record["occurred_at"])),
        record.get("request_id"),
        record["endpoint"],
        record["kind"],
        json_text(record.get("errors")),
        excerpt(record.get("payload_excerpt")),
        int(record["http_status"]),
    )


def log_row(record: Mapping[str, Any], stamp: Stamp) -> tuple[Any, ...]:
    """The ``api_logs`` row of ``record``, in LOG_COLUMNS order."""
    check_keys(record, _LOG_KEYS)
    get = record.get
    return (
        stamp(to_utc(record["ts"])),
        record["level"],
        record["event"],
        get("request_id"),
        get("event_id"),
        json_text(get("data")),
    )


def excerpt(payload: str | bytes | None, limit: int = PAYLOAD_EXCERPT_MAX) -> str | None:
    """At most ``limit`` characters of a payload; undecodable bytes are replaced, not fatal."""
    if payload is None:
        return None
    if isinstance(payload, bytes):
        # Decode only what can matter: a UTF-8 character is at most 4 bytes.
        payload = payload[: 4 * limit].decode("utf-8", errors="replace")
    # PostgreSQL text cannot hold NUL nor lone surrogates: replace them, never fail the batch.
    payload = clean_text(payload)
    return payload if len(payload) <= limit else payload[: limit - 1] + "…"


def report_row(report: Mapping[str, Any], columns: frozenset[str], kind: str) -> dict[str, Any]:
    """A stored report's row (performance, fairness): only ``columns`` (a typo fails
    loudly), NaN as NULL, ``created_at`` now unless given."""
    unknown = report.keys() - columns
    if unknown:
        raise ValueError(f"unknown {kind} report keys: {sorted(unknown)}")
    row = {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in report.items()}
    row.setdefault("created_at", datetime.now(UTC))
    return row
