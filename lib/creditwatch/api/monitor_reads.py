"""What the monitoring gauges show, read from the store: the latest drift report, the alerts
still cooling down, the latest performance report (``api.monitor`` calls this on its
schedule).

The performance figures come through ``latest_performance`` alone, over the store's reader of
``performance_reports`` (written by ``creditwatch performance run|history``).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from sqlalchemy.exc import SQLAlchemyError

from creditwatch.api.metrics import ApiMetrics
from creditwatch.config import Settings
from creditwatch.drift.result import DriftStatus
from creditwatch.store import Store

log = structlog.get_logger("creditwatch.api")
# Columns read from the latest report (names as `creditwatch performance history --json`).
PERFORMANCE_FIELDS = ("window_end", "auc_estimated", "auc_estimated_low", "auc_estimated_high",
                      "auc_realized", "concept_drift")
_AUC_KINDS = {"auc_estimated": "estimated", "auc_estimated_low": "estimated_low",
              "auc_estimated_high": "estimated_high", "auc_realized": "realized"}


def latest_performance(store: Store) -> dict[str, Any] | None:
    """The newest window's performance figures (``PERFORMANCE_FIELDS``, None where unknown)
    from the store's ``latest_performance_report``; None before the first report."""
    report = store.latest_performance_report()
    if report is None:
        return None
    return {name: report.get(name) for name in PERFORMANCE_FIELDS}


def refresh_gauges(metrics: ApiMetrics, store: Store, settings: Settings,
                   reference_auc: float | None, now: datetime | None = None) -> bool:
    """Read the store and set the monitoring gauges; False (``creditwatch_monitor_up`` 0, the
    gauges left as they were) when the store cannot be read."""
    now = now or datetime.now(UTC)
    if reference_auc is not None:
        metrics.model_auc.labels("reference").set(reference_auc)
    try:
        drift = store.latest_drift_report()
        since = now - timedelta(minutes=settings.alerts.cooldown_minutes)
        alerts = store.read_alerts(since, now + timedelta(seconds=1))
        performance = latest_performance(store)
    except (SQLAlchemyError, OSError) as exc:
        metrics.monitor_up.set(0)
        log.warning("monitor_store_unreadable", error=str(exc)[:300])
        return False
    _set_drift(metrics, drift)
    active: dict[tuple[str, str], int] = {}
    for kind, severity in zip(alerts["kind"], alerts["severity"], strict=True):
        active[(str(kind), str(severity))] = active.get((str(kind), str(severity)), 0) + 1
    _set_alerts(metrics, active)
    if performance is not None:
        _set_performance(metrics, performance)
    metrics.monitor_up.set(1)
    metrics.monitor_refreshed.set(time.time())
    return True


def _timestamp(value: Any) -> float:
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp()
    return 0.0


def _set_drift(metrics: ApiMetrics, report: dict[str, Any] | None) -> None:
    current = None if report is None else str(report["status"])
    for status in {*DriftStatus, *([current] if current else [])}:
        metrics.drift_status.labels(str(status)).set(1.0 if status == current else 0.0)
    if report is not None:
        share = report.get("drift_share")
        metrics.drift_share.set(float(share) if share is not None else 0.0)
        metrics.drift_window_end.set(_timestamp(report.get("window_end")))


def _set_alerts(metrics: ApiMetrics, active: dict[tuple[str, str], int]) -> None:
    # A kind no longer active reads 0 (multiprocess mode cannot remove a label set).
    for key in metrics.alert_labels - active.keys():
        metrics.alerts_active.labels(*key).set(0)
    for (kind, severity), count in active.items():
        metrics.alerts_active.labels(kind, severity).set(count)
    metrics.alert_labels |= set(active)


def _set_performance(metrics: ApiMetrics, row: dict[str, Any]) -> None:
    for field, kind in _AUC_KINDS.items():
        value = row.get(field)
        if value is not None:
            metrics.model_auc.labels(kind).set(float(value))
    if row.get("concept_drift") is not None:
        metrics.concept_drift.set(1.0 if row["concept_drift"] else 0.0)
    metrics.performance_window_end.set(_timestamp(row.get("window_end")))
