"""Score validated applications and persist every result before answering.

The record of each prediction is appended to the local spool (one ``os.write``) before the
response is built, so an answered prediction reaches the store even if the process dies right
after answering. Rejections go to the same spool as ``anomaly`` records.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import numpy as np

from creditwatch.api.errors import ApiError
from creditwatch.api.state import ApiState
from creditwatch.store.records import excerpt
from creditwatch.validation import validate


def record_anomaly(state: ApiState, *, request_id: str, endpoint: str, kind: str, status: int,
                   errors: Any, raw: bytes | None) -> None:
    """Spool one rejected request for the anomalies table."""
    state.spool.append("anomaly", {
        "occurred_at": datetime.now(UTC), "request_id": request_id, "endpoint": endpoint,
        "kind": kind, "http_status": status, "errors": errors, "payload_excerpt": excerpt(raw),
    })
    state.metrics.spooled.labels("anomaly").inc()
    state.writer.notify()


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
    top_idx = [i for _, i in state.top_feature_idx]
    top_names = [name for name, _ in state.top_feature_idx]
    top_values = scores.features[:, top_idx]
    decisions = scores.decisions
    results: list[dict[str, Any]] = []
    for r in range(n):
        prediction_id = request_id if n == 1 else f"{request_id}-{r}"
        result = scores.record(r)
        result["prediction_id"] = prediction_id
        result["preprocessing_ms"] = scores.preprocessing_ms / n
        result["inference_ms"] = scores.inference_ms / n
        result["total_ms"] = (time.perf_counter() - started) * 1e3 / (1 if n == 1 else n)
        values = top_values[r]
        state.spool.append("prediction", {
            "request_id": prediction_id,
            "received_at": received,
            "application_time": validated.application_times[r],
            "endpoint": endpoint,
            "model_version": scores.model_version,
            "probability": result["probability"],
            "decision": str(decisions[r]),
            "threshold": scores.threshold,
            "confidence": result["confidence"],
            "data_quality_score": result["data_quality_score"],
            "preprocessing_ms": result["preprocessing_ms"],
            "inference_ms": result["inference_ms"],
            "total_ms": result["total_ms"],
            "http_status": 200,
            "client_id": validated.client_ids[r],
            "inputs": rows[r],
            "quality_flags": {
                "missing": result["missing_fields"],
                "out_of_range": result["out_of_range_fields"],
                "unknown_category": result["unknown_category_fields"],
            },
            "features": {name: (None if np.isnan(v) else float(v))
                         for name, v in zip(top_names, values, strict=True)},
        })
        results.append(result)
    state.metrics.spooled.labels("prediction").inc(n)
    for decision, count in zip(*np.unique(decisions, return_counts=True), strict=True):
        state.metrics.decisions.labels(str(decision)).inc(int(count))
    for p in scores.probability:
        state.metrics.probability.observe(float(p))
    state.writer.notify()
    return results
