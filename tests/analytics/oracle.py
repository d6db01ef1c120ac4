"""Independent computations of the aggregates: pandas/numpy on the store's own readers."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd

from creditwatch.analytics import Window
from creditwatch.store import Store


def predictions(store: Store, window: Window) -> pd.DataFrame:
    return store.read_predictions(window.start, window.end, time_column="received_at")


def anomalies(store: Store, window: Window) -> pd.DataFrame:
    return store.read_anomalies(window.start, window.end)


def percentile(values: pd.Series, q: float) -> float:
    return float(np.percentile(values.dropna().to_numpy(), q))


def kpis(store: Store, window: Window) -> dict[str, float]:
    p, a = predictions(store, window), anomalies(store, window)
    n, errors = len(p), len(a)
    alerts = store.read_alerts(window.start, window.end)
    return {
        "total_predictions": n,
        "approved": int((p["decision"] == "APPROVED").sum()),
        "approval_rate": float((p["decision"] == "APPROVED").mean()),
        "n_errors": errors,
        "error_rate": errors / (n + errors),
        "latency_mean_ms": float(p["total_ms"].mean()),
        "latency_p50_ms": percentile(p["total_ms"], 50),
        "latency_p95_ms": percentile(p["total_ms"], 95),
        "latency_p99_ms": percentile(p["total_ms"], 99),
        "mean_probability": float(p["probability"].mean()),
        "n_alerts": len(alerts),
    }


def floor_times(times: pd.Series, freq: str) -> pd.Series:
    return times.dt.floor({"hour": "h", "day": "D", "minute": "min"}[freq])


def in_window(times: pd.Series, start: datetime | None, end: datetime | None) -> pd.Series:
    keep = pd.Series(True, index=times.index)
    if start is not None:
        keep &= times >= start
    if end is not None:
        keep &= times < end
    return keep
