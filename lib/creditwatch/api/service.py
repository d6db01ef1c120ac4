"""Score validated applications and persist every result before answering.

The records of a request's predictions are appended to the local spool (one ``os.write`` for
the whole request) before the response is built, so an answered prediction reaches the store
even if the process dies right after answering. Rejections go to the same spool as ``anomaly``
records.
"""

from __future__ import annotations

import contextlib
import time
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from creditwatch.api.errors import ApiError
from creditwatch.api.state import ApiState
from creditwatch.store.records import excerpt
from creditwatch.validation import validate


def _spool(state: ApiState, kind: str, records: list[dict[str, Any]]) -> None:
    """Append ``records`` in one write; a spool that cannot take them (full disk) is a 503:
    an answer whose record might be lost must not leave."""
    try:
        state.spool.append_many(kind, records)
    except OSError as exc:
        raise ApiError(503, "cannot persist the prediction right now", str(exc)[:200],
                       kind="spool_unavailable") from None
    state.metrics.child(state.metrics.spooled, kind).inc(len(records))


def record_anomaly(state: ApiState, *, request_id: str, endpoint: str, kind: str, status: int,
                   errors: Any, raw: bytes | None) -> None:
    """Spool one rejected request for the anomalies table (the writer ships it with the next
    batch: no wake-up per request, batching is what keeps the store off the hot path)."""
    record = {"occurred_at": datetime.now(UTC), "request_id": request_id, "endpoint": endpoint,
              "kind": kind, "http_status": status, "errors": errors,
              "payload_excerpt": excerpt(raw)}
    # The rejection is answered anyway; only its anomaly row cannot be kept then.
    with contextlib.suppress(ApiError):
        _spool(state, "anomaly", [record])


def score_rows(state: ApiState, rows: list[Any], *, endpoint: str, request_id: str,
               started: float) -> list[dict[str, Any]]:
    """Validate, score and spool ``rows``; ApiError 422 (nothing scored) if any row is bad."""
    validated = validate(rows, state.scorer.pipeline.encoder)
    if not validated.ok:
        report = validated.error_report()
        detail = report[0]["errors"] if endpoint == "/predict" else report
        raise ApiError(422, "invalid application", detail, kind="validation")
    scores = state.scorer.score_encoded(validated.encoded, started=started)
    received = datetime.now(UTC)
    n = len(rows)
    top = scores.features[:, state.top_idx]
    # NaN != NaN: a missing feature is stored as NULL (None in an object array, one pass)
    boxed = top.astype(object)
    boxed[top != top] = None
    top_values = boxed.tolist()
    top_names = state.top_names
    results: list[dict[str, Any]] = []
    records: list[dict[str, Any]] = []
    pre_ms, inf_ms = scores.preprocessing_ms / n, scores.inference_ms / n
    for r, result in enumerate(scores.records()):
        prediction_id = request_id if n == 1 else f"{request_id}-{r}"
        result["prediction_id"] = prediction_id
        result["preprocessing_ms"] = pre_ms
        result["inference_ms"] = inf_ms
        result["total_ms"] = (time.perf_counter() - started) * 1e3 / n
        records.append({
            "request_id": prediction_id,
            "received_at": received,
            "application_time": validated.application_times[r],
            "endpoint": endpoint,
            "model_version": scores.model_version,
            "probability": result["probability"],
            "decision": result["decision"],
            "threshold": scores.threshold,
            "confidence": result["confidence"],
            "data_quality_score": result["data_quality_score"],
            "preprocessing_ms": pre_ms,
            "inference_ms": inf_ms,
            "total_ms": result["total_ms"],
            "http_status": 200,
            "client_id": validated.client_ids[r],
            "inputs": rows[r],
            "quality_flags": {
                "missing": result["missing_fields"],
                "out_of_range": result["out_of_range_fields"],
                "unknown_category": result["unknown_category_fields"],
            },
            "features": dict(zip(top_names, top_values[r], strict=True)),
        })
        results.append(result)
    _spool(state, "prediction", records)
    metrics = state.metrics
    for decision, count in Counter(r["decision"] for r in results).items():
        metrics.child(metrics.decisions, decision).inc(count)
    for result in results:
        metrics.probability.observe(result["probability"])
    return results
