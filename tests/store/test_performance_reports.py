"""Performance reports: one row per window and model version, the latest per version."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

import pytest

from creditwatch.store import Store

from tests.store.records import T0

DAY = timedelta(days=1)


def _report(day: int, version: str = "m1", **extra: Any) -> dict[str, Any]:
    report: dict[str, Any] = {
        "created_at": T0 + (day + 1) * DAY, "window_start": T0 + day * DAY,
        "window_end": T0 + (day + 1) * DAY, "model_version": version,
        "n_predictions": 1000, "n_labelled": 850, "labelled_share": 0.85, "immature": False,
        "auc_reference": 0.75, "auc_realized": 0.74, "auc_realized_sd": 0.02, "auc_estimated": 0.745,
        "auc_estimated_low": 0.72, "auc_estimated_high": 0.77, "default_rate_realized": 0.08,
        "default_rate_estimated": 0.081, "default_rate_estimated_low": 0.07,
        "default_rate_estimated_high": 0.09, "cost_realized": 600.0, "cost_estimated": 610.0,
        "cost_estimated_low": 550.0, "cost_estimated_high": 670.0, "miscalibrated_bands": 0,
        "outside_share": 0.01, "extrapolating": False, "score_ks": 0.02,
        "score_ks_p_value": 0.6, "approval_rate": 0.8, "approval_p_value": 0.5,
        "concept_status": "ok", "concept_drift": False, "params": {"band_level": 0.95},
        "result": {"estimated": {"auc": {"value": 0.745}}, "realized": None, "concept": None},
    }
    report.update(extra)
    return report


def test_report_round_trip_and_nan_as_null(store: Store) -> None:
    """A stored report reads back whole (booleans as booleans, JSON as JSON); a NaN figure
    is stored as NULL; unknown keys are refused and write nothing."""
    report = _report(0, auc_realized=float("nan"))
    report_id = store.write_performance_report(report)
    stored = store.get_performance_report(report_id)
    assert stored is not None
    assert stored["auc_realized"] is None
    for key, value in report.items():
        if key != "auc_realized":
            assert stored[key] == value, key
    assert stored["immature"] is False and stored["extrapolating"] is False
    with pytest.raises(ValueError, match="unknown performance report keys"):
        store.write_performance_report({**report, "gini": 0.5})
    assert len(store.read_performance_reports()) == 1
    assert store.get_performance_report(report_id + 100) is None


def test_computing_a_window_again_replaces_its_row(store: Store) -> None:
    """The same window and model version keep one row (the newest); another version of the
    same window has its own."""
    store.write_performance_report(_report(0, n_labelled=100, immature=True))
    store.write_performance_report(_report(0, n_labelled=900))
    store.write_performance_report(_report(0, version="m2"))
    frame = store.read_performance_reports()
    assert sorted(frame["model_version"]) == ["m1", "m2"]
    assert frame.loc[frame["model_version"] == "m1", "n_labelled"].tolist() == [900]
    assert "result" not in frame.columns
    assert "result" in store.read_performance_reports(result=True).columns


def test_reports_by_window_range_and_latest_per_version(store: Store) -> None:
    """Reports list by window start, filtered by range and version; the latest of each
    version is its most recent window, whatever order they were computed in."""
    for day in (3, 0, 1, 2):
        store.write_performance_report(_report(day, created_at=T0 + 10 * DAY - day * DAY))
    store.write_performance_report(_report(1, version="m0"))
    frame = store.read_performance_reports(T0 + DAY, T0 + 3 * DAY, model_version="m1")
    assert [t.to_pydatetime() for t in frame["window_start"]] == [T0 + DAY, T0 + 2 * DAY]
    latest = store.latest_performance_reports()
    assert set(latest) == {"m0", "m1"}
    assert latest["m1"]["window_start"] == T0 + 3 * DAY
    assert latest["m0"]["window_start"] == T0 + DAY
    assert "result" not in latest["m1"]
    newest = store.latest_performance_report()
    assert newest is not None and newest["model_version"] == "m1"
    assert not math.isnan(latest["m1"]["auc_estimated"])


def test_no_reports(store: Store) -> None:
    """An empty table: no rows, no latest report."""
    assert store.latest_performance_reports() == {}
    assert store.latest_performance_report() is None
    assert store.read_performance_reports().empty
