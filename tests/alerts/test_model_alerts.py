"""Model-health alerts: stored performance reports judged by the alert check (both stores),
with the same cool-down and records as the KPIs' alerts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from creditwatch.alerts import run_check
from creditwatch.config import Settings
from creditwatch.store import Store

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)
MODEL_KINDS = {"model_auc_estimated", "model_auc_realized", "model_calibration",
               "concept_drift", "prediction_drift"}


def report(days_ago: int, **extra: Any) -> dict[str, Any]:
    """A healthy, mature daily report computed an hour ago, changed by ``extra``."""
    start = NOW - (days_ago + 1) * DAY
    row: dict[str, Any] = {
        "created_at": NOW - timedelta(hours=1), "window_start": start, "window_end": start + DAY,
        "model_version": "m1", "n_predictions": 5000, "n_labelled": 4500,
        "labelled_share": 0.9, "immature": False, "auc_reference": 0.76, "auc_realized": 0.75,
        "auc_realized_sd": 0.012, "auc_estimated": 0.755, "auc_estimated_low": 0.73,
        "auc_estimated_high": 0.78, "miscalibrated_bands": 0, "extrapolating": False,
        "score_ks": 0.02, "score_ks_p_value": 0.4, "concept_status": "ok",
        "concept_drift": False,
    }
    row.update(extra)
    return row


def check(store: Store, tmp_path: Path, now: datetime = NOW) -> tuple[set[str], set[str]]:
    result = run_check(store, Settings(paths={"root": tmp_path}), now=now)
    fired = {a.kind for a in result.fired} & MODEL_KINDS
    return fired, {a.kind for a in result.suppressed} & MODEL_KINDS


def test_healthy_reports_fire_nothing_and_no_report_says_nothing(store: Store,
                                                                 tmp_path: Path) -> None:
    """Without reports the check has no model verdict; healthy mature reports fire none."""
    result = run_check(store, Settings(paths={"root": tmp_path}), now=NOW)
    assert not MODEL_KINDS & set(result.verdicts)
    store.write_performance_report(report(1))
    store.write_performance_report(report(0))
    result = run_check(store, Settings(paths={"root": tmp_path}), now=NOW)
    assert set(result.verdicts) >= MODEL_KINDS
    assert {a.kind for a in result.fired} & MODEL_KINDS == set()


def test_each_model_signal_fires_its_alert_once_per_cooldown(store: Store,
                                                             tmp_path: Path) -> None:
    """Concept drift, a realized AUC far below the floor, miscalibration (mature windows),
    an estimate whose band lies below the floor and moved scores each fire, are recorded,
    and are suppressed by the cool-down on the next check."""
    store.write_performance_report(report(2, concept_status="concept_drift",
                                          concept_drift=True, miscalibrated_bands=3))
    store.write_performance_report(report(1, auc_realized=0.62, auc_realized_sd=0.01))
    store.write_performance_report(report(0, immature=True, n_labelled=0, auc_realized=None,
                                          auc_estimated=0.65, auc_estimated_low=0.63,
                                          auc_estimated_high=0.67, score_ks=0.3,
                                          score_ks_p_value=1e-12, concept_status=None))
    fired, _ = check(store, tmp_path)
    assert fired == MODEL_KINDS
    alerts = store.read_alerts()
    by_kind = dict(zip(alerts["kind"], alerts["severity"], strict=True))
    assert by_kind["concept_drift"] == "critical" and by_kind["prediction_drift"] == "warning"
    assert "concept drift" in alerts.loc[alerts["kind"] == "concept_drift", "message"].iloc[0]
    fired, suppressed = check(store, tmp_path, NOW + timedelta(minutes=10))
    assert fired == set() and suppressed == MODEL_KINDS


def test_an_immature_window_never_alarms_on_outcomes(store: Store, tmp_path: Path) -> None:
    """An immature window with a dreadful realized AUC and miscalibrated bands fires no
    outcome-based alert; noise within the realized AUC's sampling SD does not fire either."""
    store.write_performance_report(report(1, immature=True, auc_realized=0.55,
                                          miscalibrated_bands=5, concept_status="immature"))
    store.write_performance_report(report(0, auc_realized=0.70, auc_realized_sd=0.03))
    fired, _ = check(store, tmp_path)
    assert fired == set()


def test_reports_computed_before_the_window_count_only_as_the_latest(store: Store,
                                                                     tmp_path: Path) -> None:
    """Reports computed before the check's window are read only as each version's latest:
    an old bad window followed by a healthy latest one fires nothing."""
    old = NOW - 5 * DAY
    store.write_performance_report(report(3, created_at=old, concept_drift=True,
                                          concept_status="concept_drift"))
    store.write_performance_report(report(2, created_at=old))
    assert check(store, tmp_path)[0] == set()
    store.write_performance_report(report(2, created_at=old, concept_drift=True,
                                          concept_status="concept_drift"))
    assert check(store, tmp_path)[0] == {"concept_drift"}
