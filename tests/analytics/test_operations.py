"""Operational aggregates equal pandas/numpy on the store's own readers, on both stores."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd
import pytest

from creditwatch.analytics import Analytics
from creditwatch.analytics.operations import field_errors

from tests.analytics import oracle
from tests.plugins.seeded import NOW

PERIODS = ["24h", "7d", "all", (NOW - timedelta(days=5, hours=3), NOW - timedelta(days=1))]


@pytest.mark.parametrize("period", PERIODS, ids=["24h", "7d", "all", "explicit"])
def test_kpis_equal_an_independent_computation(seeded_analytics: Analytics, period: object
                                               ) -> None:
    """Every KPI, its previous-period value and the change between them match pandas."""
    a = seeded_analytics
    window = a.window(period)  # type: ignore[arg-type]
    got = a.kpis(period)  # type: ignore[arg-type]
    want = oracle.kpis(a.store, window)
    for key, value in want.items():
        assert got[key] == pytest.approx(value, rel=1e-9), key
    assert got["refused"] == got["total_predictions"] - got["approved"]
    previous = window.previous()
    if previous is None:
        assert got["previous"] is None and got["delta"]["total_predictions"] is None
        return
    before = oracle.kpis(a.store, previous)
    for key, value in before.items():
        assert got["previous"][key] == pytest.approx(value, rel=1e-9), key
        assert got["delta"][key] == pytest.approx(want[key] - value, rel=1e-9, abs=1e-12), key
    assert got["delta_pct"]["total_predictions"] == pytest.approx(
        (want["total_predictions"] - before["total_predictions"]) / before["total_predictions"])


def test_kpis_carry_the_latest_drift_verdict(seeded_analytics: Analytics) -> None:
    """The KPI call reports the status and share of the most recently created drift report."""
    latest = seeded_analytics.store.latest_drift_report()
    assert latest is not None
    got = seeded_analytics.kpis("24h")
    assert (got["drift_status"], got["drift_share"]) == (latest["status"], latest["drift_share"])


@pytest.mark.parametrize(("period", "freq"), [("24h", "hour"), ("7d", "day"), ("all", "auto")])
def test_volume_per_bucket_matches_pandas(seeded_analytics: Analytics, period: str, freq: str
                                          ) -> None:
    """Predictions, approvals and errors per bucket equal a pandas group-by, and the buckets
    run without gaps from the first to the last one."""
    a = seeded_analytics
    window = a.window(period)
    got = a.volume(period, freq)
    unit = got.attrs["freq"]
    assert unit == ("day" if freq == "auto" else freq)
    p, e = oracle.predictions(a.store, window), oracle.anomalies(a.store, window)
    pb = oracle.floor_times(p["received_at"], unit)
    want = pd.DataFrame({
        "n_predictions": p.groupby(pb).size(),
        "n_approved": (p["decision"] == "APPROVED").groupby(pb).sum(),
        "n_errors": e.groupby(oracle.floor_times(e["occurred_at"], unit)).size(),
    }).fillna(0)
    frame = got.set_index("bucket")
    assert frame["n_predictions"].sum() == len(p) and frame["n_errors"].sum() == len(e)
    nonzero = frame[(frame["n_predictions"] > 0) | (frame["n_errors"] > 0)]
    want.index = want.index.as_unit("us")
    pd.testing.assert_frame_equal(nonzero.astype("int64"), want.astype("int64"),
                                  check_names=False, check_freq=False)
    steps = frame.index.to_series().diff().dropna().unique()
    assert len(steps) == 1  # contiguous buckets, empty ones included as zeros


def test_latency_summary_matches_numpy(seeded_analytics: Analytics) -> None:
    """Per stage: count, mean, quartiles, p95/p99, extremes and Tukey whiskers as numpy."""
    a = seeded_analytics
    p = oracle.predictions(a.store, a.window("7d"))
    got = a.latency_summary("7d").set_index("stage")
    assert list(got.index) == ["preprocessing_ms", "inference_ms", "total_ms"]
    for stage in got.index:
        v = p[stage].dropna().to_numpy()
        q1, q3 = np.percentile(v, [25, 75])
        iqr = q3 - q1
        row = got.loc[stage]
        assert row["n"] == len(v)
        expected = {"mean": v.mean(), "min": v.min(), "max": v.max(), "q1": q1, "q3": q3,
                    "p50": np.percentile(v, 50), "p95": np.percentile(v, 95),
                    "p99": np.percentile(v, 99),
                    "lower_fence": v[v >= q1 - 1.5 * iqr].min(),
                    "upper_fence": v[v <= q3 + 1.5 * iqr].max()}
        for key, value in expected.items():
            assert row[key] == pytest.approx(value, rel=1e-9), (stage, key)


def test_latency_over_time_matches_pandas(seeded_analytics: Analytics) -> None:
    """Mean and P95 of total latency per hour equal pandas on the same rows."""
    a = seeded_analytics
    got = a.latency_over_time("24h", "hour").set_index("bucket")
    p = oracle.predictions(a.store, a.window("24h"))
    groups = p.groupby(oracle.floor_times(p["received_at"], "hour"))["total_ms"]
    want_mean = groups.mean()
    want_p95 = groups.apply(lambda s: np.percentile(s, 95))
    want_mean.index = want_mean.index.as_unit("us")
    want_p95.index = want_p95.index.as_unit("us")
    np.testing.assert_allclose(got["mean"], want_mean.loc[got.index], rtol=1e-9)
    np.testing.assert_allclose(got["p95"], want_p95.loc[got.index], rtol=1e-9)
    assert got["n"].sum() == len(p)


def test_slowest_requests_are_the_top_latencies(seeded_analytics: Analytics) -> None:
    """The ten slowest requests are the ten largest total latencies, slowest first."""
    a = seeded_analytics
    got = a.slowest_requests("7d", 10)
    p = oracle.predictions(a.store, a.window("7d"))
    want = p.sort_values(["total_ms", "id"], ascending=[False, True]).head(10)
    assert got["request_id"].tolist() == want["request_id"].tolist()
    np.testing.assert_allclose(got["total_ms"], want["total_ms"])


def test_http_statuses_and_anomalies(seeded_analytics: Analytics) -> None:
    """Status counts add predictions (200) and anomalies (their status); the latest
    anomalies come newest first with their field errors spelled out."""
    a = seeded_analytics
    window = a.window("7d")
    p, e = oracle.predictions(a.store, window), oracle.anomalies(a.store, window)
    got = a.http_status_counts("7d").set_index("http_status")
    want = pd.concat([p["http_status"], e["http_status"]]).value_counts().sort_index()
    assert got["count"].to_dict() == want.to_dict()
    assert got.loc[200, "status_class"] == "2xx" and got.loc[422, "status_class"] == "4xx"
    latest = a.latest_anomalies("7d", 5)
    want_latest = e.sort_values(["occurred_at", "id"], ascending=False).head(5)
    assert latest["request_id"].tolist() == want_latest["request_id"].tolist()
    assert all(text.startswith(("AMT_CREDIT: ", "CODE_GENDER: ")) for text in latest["field_errors"])
    kinds = a.anomaly_kinds("7d")
    assert kinds["count"].sum() == len(e)


def test_field_errors_reads_single_and_batch_documents() -> None:
    """Field errors are found in a /predict error list and in a batch's per-row reports."""
    single = '[{"field": "AMT_CREDIT", "kind": "wrong_type", "message": "must be a number"}]'
    batch = '[{"index": 3, "errors": [{"field": "X", "kind": "unknown_field", "message": "no"}]}]'
    assert field_errors(single) == "AMT_CREDIT: must be a number"
    assert field_errors(batch) == "X: no"
    assert field_errors(None) == ""
    assert field_errors('{"detail": "boom"}') == "{'detail': 'boom'}"


def test_coverage_counts_everything(seeded_analytics: Analytics) -> None:
    """Coverage counts every stored row and spans the first to the last prediction."""
    a = seeded_analytics
    p = a.store.read_predictions(time_column="received_at")
    got = a.coverage()
    assert got["n_predictions"] == len(p)
    assert got["n_anomalies"] == len(a.store.read_anomalies())
    assert got["n_alerts"] == 3 and got["n_drift_reports"] == 7
    assert (got["first"], got["last"]) == (p["received_at"].min(), p["received_at"].max())
    assert got["model_versions"] == p["model_version"].value_counts().to_dict()
