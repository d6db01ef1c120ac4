"""The monitoring gauges: latest drift report, active alerts, latest performance report, read
from a real store (SQLite and PostgreSQL) by the monitor, never by a /metrics request."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from prometheus_client.parser import text_string_to_metric_families

from creditwatch.api.metrics import ApiMetrics
from creditwatch.api.monitor_reads import latest_performance, refresh_gauges
from creditwatch.cli.processes import free_port
from creditwatch.config import Settings
from creditwatch.spool import Spool
from creditwatch.store import Store, upgrade
from creditwatch.writer import BackgroundWriter

from tests.plugins.api_server import InProcessApiFactory

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def samples(metrics: ApiMetrics) -> Samples:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for f in text_string_to_metric_families(metrics.render().decode())
            for s in f.samples}


def make_metrics(store: Store, tmp_path: Path) -> ApiMetrics:
    return ApiMetrics(BackgroundWriter(Spool(tmp_path / "spool"), store))


def drift_report(created: datetime, status: str, share: float) -> dict[str, Any]:
    return {"created_at": created, "window_start": created - timedelta(days=1),
            "window_end": created, "n_predictions": 500, "n_features_analyzed": 40,
            "n_features_drifted": round(share * 40), "drift_share": share, "status": status}


def test_gauges_show_the_latest_drift_report_and_the_alerts_still_cooling_down(
        store: Store, tmp_path: Path) -> None:
    """With no report the drift status gauges all read 0; after two reports the newest one's
    status reads 1 (the others 0), its share and window end are exposed; alerts fired within
    the cool-down are counted by kind and severity (an older one is not), and a kind that is
    no longer active reads 0 at the next refresh."""
    settings = Settings(alerts={"cooldown_minutes": 60})
    metrics = make_metrics(store, tmp_path)
    assert refresh_gauges(metrics, store, settings, reference_auc=0.77, now=NOW)
    m = samples(metrics)
    assert m[("creditwatch_monitor_up", ())] == 1
    assert m[("creditwatch_model_auc", (("kind", "reference"),))] == 0.77
    assert {v for (name, _), v in m.items() if name == "creditwatch_drift_status"} == {0.0}
    store.write_drift_report(drift_report(NOW - timedelta(hours=5), "ALERT", 0.5))
    store.write_drift_report(drift_report(NOW - timedelta(hours=1), "WARNING", 0.2))
    for minutes, kind, severity in [(10, "drift", "critical"), (20, "error_rate", "warning"),
                                    (30, "error_rate", "warning"), (90, "latency", "warning")]:
        store.write_alert({"fired_at": NOW - timedelta(minutes=minutes), "kind": kind,
                           "severity": severity, "message": kind})
    assert refresh_gauges(metrics, store, settings, reference_auc=None, now=NOW)
    m = samples(metrics)
    status = {labels[0][1]: v for (name, labels), v in m.items()
              if name == "creditwatch_drift_status"}
    assert status == {"OK": 0, "WARNING": 1, "ALERT": 0, "INSUFFICIENT_DATA": 0}
    assert m[("creditwatch_drift_share", ())] == pytest.approx(0.2)
    assert m[("creditwatch_drift_window_end_timestamp_seconds", ())] == pytest.approx(
        (NOW - timedelta(hours=1)).timestamp())
    active = "creditwatch_alerts_active"
    assert m[(active, (("kind", "drift"), ("severity", "critical")))] == 1
    assert m[(active, (("kind", "error_rate"), ("severity", "warning")))] == 2
    assert (active, (("kind", "latency"), ("severity", "warning"))) not in m
    assert refresh_gauges(metrics, store, settings, reference_auc=None,
                          now=NOW + timedelta(minutes=55))
    m = samples(metrics)
    assert m[(active, (("kind", "drift"), ("severity", "critical")))] == 0
    assert m[(active, (("kind", "error_rate"), ("severity", "warning")))] == 0


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_performance_gauges_read_the_latest_report(
        kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    """Before any performance report the performance gauges stay unset (no error); once
    reports are stored, the newest window's estimated AUC and band, realized AUC,
    concept-drift flag and window end are exposed."""
    url = (f"sqlite:///{tmp_path / 'perf.db'}" if kind == "sqlite"
           else str(request.getfixturevalue("pg_fresh_url")))
    upgrade(url)
    with Store(url) as store:
        assert latest_performance(store) is None
        metrics = make_metrics(store, tmp_path)
        assert refresh_gauges(metrics, store, Settings(), reference_auc=None, now=NOW)
        assert not any(name == "creditwatch_model_auc" for name, _ in samples(metrics))
        store.write_performance_reports([
            _report(NOW - timedelta(days=1), NOW, auc_estimated=0.71, auc_estimated_low=0.69,
                    auc_estimated_high=0.73, auc_realized=0.64, concept_drift=True),
            _report(NOW - timedelta(days=2), NOW - timedelta(days=1), auc_estimated=0.75,
                    auc_estimated_low=0.73, auc_estimated_high=0.77, auc_realized=None,
                    concept_drift=False)])
        assert refresh_gauges(metrics, store, Settings(), reference_auc=None, now=NOW)
        m = samples(metrics)
    auc = {labels[0][1]: v for (name, labels), v in m.items() if name == "creditwatch_model_auc"}
    assert auc == pytest.approx({"estimated": 0.71, "estimated_low": 0.69,
                                 "estimated_high": 0.73, "realized": 0.64})
    assert m[("creditwatch_model_concept_drift", ())] == 1
    assert m[("creditwatch_performance_window_end_timestamp_seconds", ())] == pytest.approx(
        NOW.timestamp())


@pytest.mark.postgres
def test_an_unreachable_store_sets_monitor_up_to_zero_and_keeps_the_gauges(
        tmp_path: Path) -> None:
    """A refresh against a PostgreSQL server that is not there answers False, sets
    creditwatch_monitor_up to 0 and raises nothing (the thread keeps running)."""
    store = Store(f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/none",
                  connect_timeout=1)
    metrics = make_metrics(store, tmp_path)
    assert not refresh_gauges(metrics, store, Settings(), reference_auc=None, now=NOW)
    assert samples(metrics)[("creditwatch_monitor_up", ())] == 0


def test_the_monitor_thread_refreshes_on_schedule_and_metrics_requests_never_read_the_store(
        inproc_api_factory: InProcessApiFactory) -> None:
    """In a running API with a 0.2 s refresh, a drift report written to the store shows in
    /metrics within seconds; 30 /metrics requests issue no query on drift_reports or alerts
    themselves (only the monitor thread does)."""
    api = inproc_api_factory(api={"monitor_refresh_s": 0.2})
    store = api.state.store
    store.write_drift_report(drift_report(datetime.now(UTC), "ALERT", 0.45))
    deadline = time.monotonic() + 20
    while "creditwatch_drift_share 0.45" not in api.client.get("/metrics").text:
        assert time.monotonic() < deadline, "the monitor did not refresh"
        time.sleep(0.1)
    api.state.monitor.stop()  # the thread ends: any read now would be a request's
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    sa.event.listen(store.engine, "before_cursor_execute", record)
    try:
        for _ in range(30):
            assert api.client.get("/metrics").status_code == 200
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", record)
    assert not [s for s in seen if "drift_reports" in s or "FROM alerts" in s]


def _report(start: datetime, end: datetime, **figures: Any) -> dict[str, Any]:
    """A stored performance report of [start, end) with the given figures."""
    return {"window_start": start, "window_end": end, "model_version": "m1",
            "n_predictions": 2000, "n_labelled": 1800, "immature": False,
            "extrapolating": False, **figures}
