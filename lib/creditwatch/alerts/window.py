"""The operational metrics of a window, read from the store (server time: received_at)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np

from creditwatch.store import Store


@dataclass(frozen=True, slots=True)
class WindowMetrics:
    start: datetime
    end: datetime
    n_predictions: int
    n_rejected: int
    n_before: int  # predictions in the window before this one (volume-drop check)
    mean_latency_ms: float | None
    p95_latency_ms: float | None
    approval_rate: float | None
    drift_share: float | None
    drift_status: str | None
    drift_window_end: datetime | None

    @property
    def error_rate(self) -> float | None:
        total = self.n_predictions + self.n_rejected
        return self.n_rejected / total if total else None


def collect(store: Store, start: datetime, end: datetime) -> WindowMetrics:
    preds = store.read_predictions(start, end, columns=["total_ms", "decision"],
                                   time_column="received_at")
    anomalies = store.read_anomalies(start, end)
    before = store.count_predictions(start - (end - start), start, time_column="received_at")
    latency = preds["total_ms"].dropna().to_numpy(dtype=float)
    report = store.latest_drift_report()
    return WindowMetrics(
        start=start, end=end,
        n_predictions=len(preds), n_rejected=len(anomalies), n_before=before,
        mean_latency_ms=float(latency.mean()) if len(latency) else None,
        p95_latency_ms=float(np.percentile(latency, 95)) if len(latency) else None,
        approval_rate=float((preds["decision"] == "APPROVED").mean()) if len(preds) else None,
        drift_share=report.get("drift_share") if report else None,
        drift_status=report.get("status") if report else None,
        drift_window_end=report.get("window_end") if report else None,
    )
