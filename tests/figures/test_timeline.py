"""Time-bucket charts: bars a bucket wide on an axis of whole buckets, one bucket included."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pytest

from creditwatch import figures
from creditwatch.analytics import Analytics
from creditwatch.config import Settings
from creditwatch.figures.timeline import MAX_TICKS, bucket_freq
from creditwatch.model.bundle import ModelBundle
from creditwatch.scoring import Scorer
from creditwatch.store import Store

from tests.plugins.seeded import NOW
from tests.support.seed import seed_store

HOUR_MS = 3_600_000


def _span_ms(axis: dict) -> float:
    start, end = (pd.Timestamp(v) for v in axis["range"])
    return (end - start) / pd.Timedelta(milliseconds=1)


@pytest.fixture
def one_hour(store: Store, bundle: ModelBundle) -> Analytics:
    """A store whose whole traffic (predictions and rejected requests) falls between 11:10
    and 11:50 of one day: one hourly bucket, as in the demo."""
    seeded = seed_store(store, Scorer(bundle, Settings(store={"url": None})), 40,
                        start=NOW - timedelta(minutes=50), end=NOW - timedelta(minutes=10),
                        error_rate=0.2, seed=3)
    assert seeded.anomalies > 0
    return Analytics(store, settings=Settings(store={"url": None}), now=NOW)


def test_one_bucket_is_an_hour_wide_bar_on_a_readable_axis(one_hour: Analytics) -> None:
    """With all traffic in one hour, the volume and latency charts draw one bar from 11:00
    over (almost) the hour, on an axis from 11:00 to 12:00 ticked on the hour and labelled to
    the minute, never a sub-second axis; the stacked bar is every request of the hour."""
    with one_hour as analytics:
        volume, latency = analytics.volume("24h"), analytics.latency_over_time("24h")
        kpis = analytics.kpis("24h")
    assert len(volume) == len(latency) == 1 and volume.attrs["freq"] == "hour"
    bucket = pd.Timestamp(NOW).floor("h") - pd.Timedelta(hours=1)
    for fig in (figures.volume(volume), figures.latency_over_time(latency, 500.0)):
        axis = fig.layout.xaxis.to_plotly_json()
        assert [pd.Timestamp(v) for v in axis["range"]] == [bucket, bucket + pd.Timedelta("1h")]
        assert _span_ms(axis) == HOUR_MS and axis["dtick"] == HOUR_MS
        assert "%S" not in axis["tickformat"] and "%L" not in axis["tickformat"]
        bars = [t for t in fig.data if t.type == "bar"]
        assert bars and all(t.width >= 0.8 * HOUR_MS for t in bars)
        assert all(t.offset >= 0 and t.offset + t.width <= HOUR_MS for t in bars)
    stacked = figures.volume(volume)
    assert stacked.layout.barmode == "stack"
    assert sum(t.y[0] for t in stacked.data) == kpis["total_predictions"] + kpis["n_errors"]


def test_a_one_day_bucket_spans_the_day() -> None:
    """A single daily bucket is a day-wide bar on an axis of that day, labelled by date."""
    frame = pd.DataFrame({"bucket": [pd.Timestamp("2026-03-09", tz="UTC")], "n_predictions": [7],
                          "n_approved": [5], "n_errors": [1]})
    frame.attrs["freq"] = "day"
    axis = figures.volume(frame).layout.xaxis.to_plotly_json()
    assert _span_ms(axis) == 24 * HOUR_MS and axis["tickformat"] == "%b %d"


@pytest.mark.parametrize(("n", "freq"), [(1, "minute"), (200, "minute"), (24, "hour"),
                                         (960, "hour"), (30, "day"), (400, "day")])
def test_ticks_stay_few_and_on_bucket_boundaries(n: int, freq: str) -> None:
    """Whatever the number of buckets, the axis covers them all, its ticks are at most
    MAX_TICKS steps apart over it, on bucket boundaries, and none is labelled to the second."""
    width = {"minute": pd.Timedelta("1min"), "hour": pd.Timedelta("1h"), "day": pd.Timedelta("1D")}
    frame = pd.DataFrame({"bucket": pd.date_range("2026-03-01", periods=n, freq=width[freq],
                                                  tz="UTC"), "mean": 3.0, "p95": 5.0})
    frame.attrs["freq"] = freq
    axis = figures.latency_over_time(frame).layout.xaxis.to_plotly_json()
    width_ms = width[freq] / pd.Timedelta(milliseconds=1)
    assert _span_ms(axis) == n * width_ms
    assert axis["dtick"] % width_ms == 0 and _span_ms(axis) / axis["dtick"] <= MAX_TICKS
    since_epoch = pd.Timestamp(axis["tick0"]) - pd.Timestamp(0, tz="UTC")
    assert since_epoch % width[freq] == pd.Timedelta(0)
    assert "%S" not in axis["tickformat"] and "%L" not in axis["tickformat"]


def test_bucket_size_without_its_attribute() -> None:
    """A frame that lost its ``freq`` attribute gets it back from the step between buckets."""
    frame = pd.DataFrame({"bucket": pd.date_range("2026-03-01", periods=3, freq="1D", tz="UTC")})
    assert bucket_freq(frame) == "day"
    assert bucket_freq(frame.head(1)) == "hour"
