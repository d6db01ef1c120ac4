"""The record shapes the repository accepts, and their conversion to table rows.

Writers (the API's background writer, its spool replay, the demo) hand plain dicts; these
functions check the keys once per record (a typo must fail loudly, not drop a column), fill
the derived columns and bound the free-text ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, TypedDict

from creditwatch.schema import ID_COLUMN
from creditwatch.store.models import PAYLOAD_EXCERPT_MAX
from creditwatch.store.types import clean_float, clean_text, to_utc


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


def _keys(record: Mapping[str, Any], cls: type) -> None:
    allowed: frozenset[str] = cls.__required_keys__ | cls.__optional_keys__  # type: ignore[attr-defined]
    unknown = record.keys() - allowed
    if unknown:
        raise ValueError(f"unknown {cls.__name__} keys: {sorted(unknown)}")
    missing = cls.__required_keys__ - record.keys()  # type: ignore[attr-defined]
    if missing:
        raise ValueError(f"{cls.__name__} is missing {sorted(missing)}")


_FLOATS = ("data_quality_score", "preprocessing_ms", "inference_ms", "total_ms")


def prediction_row(record: Mapping[str, Any]) -> dict[str, Any]:
    """The ``predictions`` row of ``record`` (without ``features``)."""
    _keys(record, PredictionRecord)
    inputs = record["inputs"]
    received_at = to_utc(record["received_at"])
    application_time = record.get("application_time")
    amt_credit = record["amt_credit"] if "amt_credit" in record else _lenient_float(
        inputs.get("AMT_CREDIT"))
    client_id = record.get("client_id", inputs.get(ID_COLUMN))
    row = {
        "request_id": str(record["request_id"]),
        "received_at": received_at,
        "application_time": received_at if application_time is None else to_utc(application_time),
        "endpoint": record["endpoint"],
        "model_version": record["model_version"],
        "probability": float(record["probability"]),
        "decision": str(record["decision"]),
        "threshold": float(record["threshold"]),
        "confidence": record.get("confidence"),
        "http_status": int(record.get("http_status", 200)),
        "amt_credit": clean_float(amt_credit),
        "client_id": _client_id(client_id),
        "inputs": inputs,
        "quality_flags": record.get("quality_flags"),
    }
    for name in _FLOATS:
        row[name] = clean_float(record.get(name))
    return row


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


def anomaly_row(record: Mapping[str, Any]) -> dict[str, Any]:
    _keys(record, AnomalyRecord)
    return {
        "occurred_at": to_utc(record["occurred_at"]),
        "request_id": record.get("request_id"),
        "endpoint": record["endpoint"],
        "kind": record["kind"],
        "errors": record.get("errors"),
        "payload_excerpt": excerpt(record.get("payload_excerpt")),
        "http_status": int(record["http_status"]),
    }


def log_row(record: Mapping[str, Any]) -> dict[str, Any]:
    _keys(record, LogRecord)
    return {
        "ts": to_utc(record["ts"]),
        "level": record["level"],
        "event": record["event"],
        "request_id": record.get("request_id"),
        "event_id": record.get("event_id"),
        "data": record.get("data"),
    }


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
