"""Prediction records as the API's writer will hand them to the store."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

T0 = datetime(2026, 3, 1, tzinfo=UTC)


def prediction(
    at: datetime = T0, *, request_id: str | None = None, n_features: int = 3, **extra: Any
) -> dict[str, Any]:
    """One complete prediction record at application time ``at``."""
    record: dict[str, Any] = {
        "request_id": request_id or uuid.uuid4().hex,
        "received_at": at,
        "application_time": at,
        "endpoint": "/predict",
        "model_version": "m1",
        "probability": 0.25,
        "decision": "approve",
        "threshold": 0.4,
        "confidence": "HIGH",
        "data_quality_score": 0.95,
        "preprocessing_ms": 0.3,
        "inference_ms": 0.5,
        "total_ms": 1.1,
        "http_status": 200,
        "inputs": {"AMT_CREDIT": 250_000.0, "SK_ID_CURR": 100_002, "CODE_GENDER": "F",
                   "EXT_SOURCE_1": None, "ORGANIZATION_TYPE": "Business Entity Type 3"},
        "features": {f"feature_{i}": i / 10 for i in range(n_features)},
    }
    record.update(extra)
    return record
