"""Drift report history and fired alerts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pandas as pd
import pytest

from creditwatch.store import Store

from tests.store.records import T0

DAY = timedelta(days=1)


def _report(day: int, status: str = "OK", **extra: Any) -> dict[str, Any]:
    report: dict[str, Any] = {
        "created_at": T0 + timedelta(days=day + 1, minutes=5),
        "window_start": T0 + day * DAY, "window_end": T0 + (day + 1) * DAY,
        "model_version": "m1", "n_reference": 5000, "n_predictions": 400,
        "n_features_analyzed": 118, "n_features_drifted": 3, "drift_share": 3 / 118,
        "weighted_drift_score": 0.02, "status": status,
        "params": {"alpha": 0.05, "correction": "bh"},
        "details": [{"feature": "AMT_CREDIT", "test": "ks", "statistic": 0.12,
                     "p_value": 1e-5, "p_adjusted": 4e-4, "effect_size": 0.3, "drifted": True,
                     "importance": 0.08}],
    }
    report.update(extra)
    return report


def test_drift_report_round_trip_and_update(store: Store) -> None:
    """A stored report reads back whole, per-column details included, and its report paths
    can be filled in afterwards."""
    report = _report(0)
    report_id = store.write_drift_report(report)
    stored = store.get_drift_report(report_id)
    assert stored is not None
    for key, value in report.items():
        assert stored[key] == value, key
    store.update_drift_report(report_id, report_path="reports/drift/x.html",
                              json_path="reports/drift/x.json")
    updated = store.get_drift_report(report_id)
    assert updated is not None and updated["report_path"] == "reports/drift/x.html"
    assert store.get_drift_report(report_id + 100) is None
    with pytest.raises(KeyError):
        store.update_drift_report(report_id + 100, status="OK")
    with pytest.raises(ValueError, match="unknown"):
        store.write_drift_report({**report, "shares": 1})


def test_drift_history_by_window(store: Store) -> None:
    """The history lists reports by window start (details only on request), filtered by a
    window range and model version; the latest report is the last created."""
    for day, status in enumerate(["OK", "OK", "WARNING", "ALERT"]):
        store.write_drift_report(_report(day, status))
    store.write_drift_report(_report(1, "OK", model_version="m0",
                                     created_at=T0 + timedelta(days=9)))
    history = store.read_drift_reports(model_version="m1")
    assert history["status"].tolist() == ["OK", "OK", "WARNING", "ALERT"]
    assert "details" not in history.columns
    assert str(history["window_start"].dtype) == "datetime64[ns, UTC]"
    middle = store.read_drift_reports(T0 + DAY, T0 + 3 * DAY, details=True)
    assert len(middle) == 3 and isinstance(middle.iloc[0]["details"], list)
    latest = store.latest_drift_report()
    assert latest is not None and latest["model_version"] == "m0"
    latest_m1 = store.latest_drift_report("m1")
    assert latest_m1 is not None and latest_m1["status"] == "ALERT"


def test_alerts_round_trip_and_cool_down_lookup(store: Store) -> None:
    """Fired alerts are recorded with their delivery outcome; the last alert of a key is
    what a cool-down compares against."""
    first = store.write_alert({
        "fired_at": T0, "kind": "drift_share", "severity": "critical",
        "message": "drift share 42 % > 30 %", "value": 0.42, "threshold": 0.3,
        "window_start": T0 - DAY, "window_end": T0,
    })
    store.write_alert({"fired_at": T0 + timedelta(hours=2), "kind": "drift_share",
                       "severity": "critical", "message": "again", "value": 0.5,
                       "threshold": 0.3})
    store.write_alert({"fired_at": T0 + timedelta(hours=3), "kind": "latency_p95",
                       "dedup_key": "latency_p95:/predict", "severity": "warning",
                       "message": "slow", "value": 140.0, "threshold": 100.0})
    store.update_alert_delivery(first, {"slack": "ok", "email": "failed: refused"})
    last = store.last_alert("drift_share")
    assert last is not None and last["message"] == "again"
    assert last["fired_at"] == T0 + timedelta(hours=2)
    assert store.last_alert("latency_p95:/predict") is not None
    assert store.last_alert("nothing") is None
    frame = store.read_alerts()
    assert frame["kind"].tolist() == ["drift_share", "drift_share", "latency_p95"]
    assert frame.iloc[0]["delivered"] == {"slack": "ok", "email": "failed: refused"}
    assert frame.iloc[0]["window_end"] == pd.Timestamp(T0)
    assert len(store.read_alerts(T0 + timedelta(hours=1), None, kind="drift_share")) == 1
