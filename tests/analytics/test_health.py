"""Each KPI's verdict at the edges of its bands, and the alert it fires exactly when bad."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from creditwatch.analytics import health
from creditwatch.config import Settings
from creditwatch.drift.result import DriftStatus, share_status

S = Settings(store={"url": None})  # approval 70-85 % usual, 50-95 % alert; latency 50 / 100 ms;
# p95 100 ms; error rate 1 % / 5 %; drift share 10 % / 30 %
START = datetime(2026, 3, 10, 12, tzinfo=UTC)
GOOD, WARN, BAD, UNKNOWN = health.GOOD, health.WARN, health.BAD, health.UNKNOWN


@pytest.mark.parametrize(("judge", "value", "level"), [
    (health.approval, 0.70, GOOD), (health.approval, 0.85, GOOD),
    (health.approval, 0.6999, WARN), (health.approval, 0.8501, WARN),
    (health.approval, 0.50, WARN), (health.approval, 0.95, WARN),
    (health.approval, 0.4999, BAD), (health.approval, 0.9501, BAD),
    (health.approval, None, UNKNOWN),
    (health.latency, 49.99, GOOD), (health.latency, 50.0, WARN), (health.latency, 100.0, WARN),
    (health.latency, 100.01, BAD), (health.latency, None, UNKNOWN),
    (health.latency_p95, 100.0, GOOD), (health.latency_p95, 100.01, BAD),
    (health.latency_p95, None, UNKNOWN),
    (health.error_rate, 0.0099, GOOD), (health.error_rate, 0.01, WARN),
    (health.error_rate, 0.05, WARN), (health.error_rate, 0.0501, BAD),
    (health.error_rate, None, UNKNOWN),
    (health.drift, 0.0999, GOOD), (health.drift, 0.10, WARN), (health.drift, 0.30, WARN),
    (health.drift, 0.3001, BAD), (health.drift, None, UNKNOWN),
])
def test_each_band_edge_belongs_where_the_settings_say(judge: Any, value: float | None,
                                                       level: str) -> None:
    """At and just beyond each edge a KPI gets the level the settings' bands give it, and it
    fires (with its edge as the threshold) exactly when it is bad."""
    verdict = judge(value, S)
    assert verdict.level == level
    assert verdict.fires is (level == BAD)
    assert bool(verdict.message) is (level == BAD)
    if level == BAD:
        assert verdict.value == value and verdict.threshold is not None
    else:
        assert verdict.threshold is None


def test_bands_follow_changed_settings() -> None:
    """Moving an edge in the settings moves the verdict, alert included."""
    strict = Settings(store={"url": None}, alerts={"error_rate": 0.02, "latency_p95_ms": 20.0},
                      drift={"alert_share": 0.2})
    assert health.error_rate(0.03, S).level == WARN
    assert health.error_rate(0.03, strict).fires
    assert health.drift(0.25, strict).threshold == 0.2
    assert health.latency_p95(30.0, strict).message == "p95 latency 30.0 ms > 20 ms"


def test_alert_messages_quote_the_window() -> None:
    """Each alert's message, severity and threshold say what crossed which edge."""
    rate = health.error_rate(0.1, S, n_errors=10, n_predictions=90)
    assert (rate.kind, rate.severity, rate.threshold) == ("error_rate", "critical", 0.05)
    assert rate.message == "error rate 10.0% > 5% (10 rejected of 100)"
    low = health.approval(0.4, S)
    assert (low.severity, low.threshold) == ("warning", 0.5)
    assert low.message == "approval rate 40.0% outside [50%, 95%]"
    assert health.approval(0.97, S).threshold == 0.95
    drift = health.drift(0.45, S, status="ALERT")
    assert drift.message == ("latest drift report: 45% of features drifted > 30% (status "
                             "ALERT); retraining recommended")
    quiet = health.traffic(0, 20, START)
    assert (quiet.kind, quiet.level, quiet.severity) == ("no_traffic", BAD, "critical")
    assert quiet.message == "no predictions since 2026-03-10 12:00 UTC (20 in the window before)"
    assert health.traffic(0, 0, START).level == UNKNOWN
    assert health.traffic(5, 0, START).level == GOOD


@pytest.mark.parametrize("share", [0.0, 0.05, 0.1, 0.2, 0.3, 0.31, 1.0])
def test_drift_verdict_is_the_drift_engines_status(share: float) -> None:
    """A drift share's verdict is the status the drift engine gives the same share; a report
    with too little data is not judged (and fires nothing), whatever its share."""
    status = share_status(share, S.drift.warning_share, S.drift.alert_share)
    level = {DriftStatus.OK: GOOD, DriftStatus.WARNING: WARN, DriftStatus.ALERT: BAD}[status]
    assert health.drift(share, S, status=str(status)).level == level
    insufficient = health.drift(share, S, status="INSUFFICIENT_DATA")
    assert insufficient.level == UNKNOWN and not insufficient.fires


def test_judge_reads_every_kpi_of_an_analytics_result() -> None:
    """``judge`` gives one verdict per KPI of a ``kpis`` result, in the alert check's order,
    each the same as the KPI's own function gives."""
    kpis = {"total_predictions": 90, "n_errors": 10, "error_rate": 0.1, "approval_rate": 0.6,
            "latency_mean_ms": 70.0, "latency_p95_ms": 120.0, "drift_share": 0.2,
            "drift_status": "WARNING", "start": START, "end": START + timedelta(hours=24),
            "previous": {"total_predictions": 80}}
    verdicts = health.judge(kpis, S)
    assert list(verdicts) == ["error_rate", "latency_mean", "latency_p95", "drift",
                              "approval_rate", "no_traffic"]
    assert verdicts["error_rate"] == health.error_rate(0.1, S, n_errors=10, n_predictions=90)
    assert verdicts["latency_mean"] == health.latency(70.0, S)
    assert verdicts["latency_p95"] == health.latency_p95(120.0, S)
    assert verdicts["drift"] == health.drift(0.2, S, status="WARNING")
    assert verdicts["approval_rate"] == health.approval(0.6, S)
    assert verdicts["no_traffic"] == health.traffic(90, 80, START)
    assert [v.kind for v in verdicts.values() if v.fires] == ["error_rate", "latency_p95"]
