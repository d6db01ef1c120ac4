"""Drift history, alerts and feature distributions equal independent computations."""

from __future__ import annotations

import numpy as np
import pytest

from creditwatch.analytics import Analytics
from creditwatch.model.bundle import ModelBundle
from creditwatch.schema import FIELD_BY_NAME

from tests.plugins.seeded import NOW


def test_drift_history_keeps_the_latest_report_per_window(seeded_analytics: Analytics) -> None:
    """The history lists the reports whose window starts in the period, by window; a window
    checked twice keeps its latest report unless all reports are asked for."""
    a = seeded_analytics
    window = a.window("30d")
    stored = a.store.read_drift_reports(window.start, window.end)
    every = a.drift_history("30d", latest_per_window=False)
    assert every["id"].tolist() == stored["id"].tolist()
    latest = a.drift_history("30d")
    want = stored.sort_values("created_at").groupby(["window_start", "window_end"]).tail(1)
    assert sorted(latest["id"]) == sorted(want["id"])
    assert latest["window_start"].is_monotonic_increasing
    assert latest["drift_share"].iloc[-1] == pytest.approx(0.42)
    assert len(a.drift_history("24h")) == 1
    newest = a.store.latest_drift_report()
    assert newest is not None
    assert a.latest_drift()["id"] == newest["id"]  # type: ignore[index]


def test_alerts_in_the_period_newest_first(seeded_analytics: Analytics) -> None:
    """Alerts fired in the period are listed newest first, and counted per kind."""
    a = seeded_analytics
    window = a.window("7d")
    stored = a.store.read_alerts(window.start, window.end)
    got = a.alerts("7d")
    assert got["kind"].tolist() == stored["kind"].tolist()[::-1]
    assert got["fired_at"].is_monotonic_decreasing
    counts = a.alert_counts("all").set_index("kind")["count"]
    assert counts.to_dict() == a.store.read_alerts()["kind"].value_counts().to_dict()
    assert len(a.alerts("24h")) == 1


@pytest.mark.parametrize("feature", ["AMT_CREDIT", "EXT_SOURCE_2", "DAYS_BIRTH"])
def test_numeric_distribution_matches_numpy(seeded_analytics: Analytics, feature: str) -> None:
    """Reference and window counts per bin equal numpy.histogram of the stored reference and
    the stored inputs, with the tails beyond the 0.5 % / 99.5 % quantiles folded in."""
    a = seeded_analytics
    window = a.window("2d")
    bins = 15
    got = a.feature_distribution(feature, "2d", bins=bins)
    ref = a.store.read_reference(columns=[feature]).data[feature].to_numpy(float)  # type: ignore[union-attr]
    cur = a.store.read_inputs(window.start, window.end, fields=[feature])[feature].to_numpy(float)
    ref, cur = ref[np.isfinite(ref)], cur[np.isfinite(cur)]
    lo = min(np.quantile(ref, 0.005), np.quantile(cur, 0.005))
    hi = max(np.quantile(ref, 0.995), np.quantile(cur, 0.995))
    edges = np.linspace(lo, hi, bins + 1)
    want_ref, _ = np.histogram(np.clip(ref, lo, hi), edges)
    want_cur, _ = np.histogram(np.clip(cur, lo, hi), edges)
    assert got["reference_count"].tolist() == want_ref.tolist()
    assert got["current_count"].tolist() == want_cur.tolist()
    np.testing.assert_allclose(got["bin_left"], edges[:-1], rtol=1e-9)
    np.testing.assert_allclose(got["current_share"], want_cur / len(cur))
    assert got.attrs["kind"] == "numeric" and got.attrs["n_current"] == len(cur)


@pytest.mark.parametrize("feature", ["NAME_INCOME_TYPE", "FLAG_OWN_CAR", "FLAG_EMP_PHONE"])
def test_categorical_distribution_matches_value_counts(seeded_analytics: Analytics,
                                                       feature: str) -> None:
    """Per level, reference and window counts equal value_counts (0/1 flags as "0"/"1")."""
    a = seeded_analytics
    window = a.window("7d")
    got = a.feature_distribution(feature, "7d").set_index("category")
    ref = a.store.read_reference(columns=[feature]).data[feature]  # type: ignore[union-attr]
    cur = a.store.read_inputs(window.start, window.end, fields=[feature])[feature]
    integer = FIELD_BY_NAME[feature].dtype == "int"
    for side, values in (("reference", ref), ("current", cur)):
        counts = values.dropna().astype("int64" if integer else object).astype(str).value_counts()
        mine = got[f"{side}_count"]
        assert mine[mine > 0].to_dict() == counts.to_dict(), side
    assert got.attrs["kind"] == "categorical"


def test_model_derived_feature_comes_from_feature_values(seeded_analytics: Analytics,
                                                         bundle: ModelBundle) -> None:
    """A derived model feature (absent from the inputs) is read from the stored top-feature
    values; it has no reference side."""
    a = seeded_analytics
    derived = next(f for f in bundle.top_features(20) if f not in FIELD_BY_NAME)
    window = a.window("7d")
    got = a.feature_distribution(derived, "7d", bins=10)
    stored = a.store.read_feature_values(window.start, window.end, features=[derived])
    assert got["current_count"].sum() == stored["value"].notna().sum()
    assert got["reference_count"].sum() == 0


def test_asking_twice_gives_the_same_distribution(seeded_analytics: Analytics) -> None:
    """Asking twice for the same feature returns the same counts (the cache is reused)."""
    a = seeded_analytics
    first = a.feature_distribution("AMT_CREDIT", (NOW.replace(day=1), NOW))
    second = a.feature_distribution("AMT_CREDIT", (NOW.replace(day=1), NOW))
    assert first.equals(second)
