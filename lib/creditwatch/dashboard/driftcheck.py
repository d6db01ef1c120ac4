"""The Data Drift page's actions: run a drift check for a window, find a report's window
and its Evidently HTML. The statistics are the drift engine's (``creditwatch.drift``)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from creditwatch.analytics import resolve_period
from creditwatch.config import Settings
from creditwatch.drift import Window
from creditwatch.drift.monitor import DriftMonitor
from creditwatch.errors import CreditwatchError
from creditwatch.store import Store


def period_window(period: str, now: datetime) -> tuple[datetime, datetime]:
    """The bounds of a relative period ("24h", "7d", "30d") ending at ``now``."""
    window = resolve_period(period, now)
    assert window.start is not None and window.end is not None
    return window.start, window.end


def report_window(store: Store, report_id: int) -> tuple[datetime, datetime]:
    report = store.get_drift_report(report_id)
    if report is None:
        raise CreditwatchError(f"no drift report {report_id}")
    return report["window_start"], report["window_end"]


def report_html(store: Store, report_id: int) -> Path | None:
    """The Evidently HTML of a stored report, when one was written and is still there."""
    report = store.get_drift_report(report_id)
    path = (report or {}).get("report_path")
    if not path or not Path(path).is_file():
        return None
    return Path(path)


def run(settings: Settings, store: Store, start: datetime, end: datetime) -> int:
    """Check ``[start, end)`` of application time against the serving model's training
    reference with the drift engine, write its Evidently report, store the run; returns the
    new report's id."""
    monitor = DriftMonitor(store, settings)
    drift_run = monitor.run(Window(start, end), html=True)
    assert drift_run.report_id is not None
    return drift_run.report_id
