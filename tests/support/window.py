"""Hand-made monitoring rows with exact figures: predictions of a given latency and number
approved, rejected requests, a drift report (for windows placed on the edges of a band)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any


def predictions(n: int, at: datetime, *, latency: float, approved: int) -> list[dict[str, Any]]:
    """``n`` predictions one second apart from ``at``, each taking ``latency`` ms, the first
    ``approved`` of them approved."""
    return [{
        "request_id": f"r-{at.timestamp()}-{i}", "received_at": at + timedelta(seconds=i),
        "endpoint": "/predict", "model_version": "m1", "probability": 0.1,
        "decision": "APPROVED" if i < approved else "REFUSED", "threshold": 0.2,
        "total_ms": latency, "inputs": {"AMT_CREDIT": 1000.0},
    } for i in range(n)]


def anomalies(n: int, at: datetime) -> list[dict[str, Any]]:
    """``n`` rejected requests (422) one second apart from ``at``."""
    return [{"occurred_at": at + timedelta(seconds=i), "request_id": f"bad-{at.timestamp()}-{i}",
             "endpoint": "/predict", "kind": "validation", "http_status": 422,
             "errors": [{"field": "AMT_CREDIT"}]} for i in range(n)]


def drift_report(created_at: datetime, share: float, status: str) -> dict[str, Any]:
    """A drift report of the day before ``created_at``: ``share`` of 10,000 features drifted."""
    return {"created_at": created_at, "window_start": created_at - timedelta(days=1),
            "window_end": created_at, "model_version": "m1", "n_predictions": 500,
            "n_features_analyzed": 10_000, "n_features_drifted": round(share * 10_000),
            "drift_share": share, "status": status}
