"""The data each dashboard page shows, one function per page, all from the analytics layer.

The app caches these calls (``st.cache_data``) and the benchmark times exactly them, first
and repeated, so "a page's data" means the same thing in both places. Nothing here computes
a statistic: every figure comes from ``creditwatch.analytics`` or the store's drift and
performance reports (the Model page only bins its window's scores beside the reference's).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from creditwatch.analytics import NAMED, Analytics
from creditwatch.dashboard.models import ModelsData as ModelsData  # the Models page: own module
from creditwatch.dashboard.models import models as models
from creditwatch.drift import ranking
from creditwatch.drift.result import features_frame
from creditwatch.explain import DEFAULT_REASONS
from creditwatch.explain.drift import reason_mix
from creditwatch.model.bundle import ModelBundle

PERIODS: tuple[str, ...] = NAMED  # "24h", "7d", "30d", "all"
PERIOD_LABELS = {"24h": "Last 24 h", "7d": "Last 7 days", "30d": "Last 30 days",
                 "all": "All time"}
RECENT_ALERTS = "7d"  # what "alerts fired recently" covers on the Home page
SLOWEST = 10
LATEST_ANOMALIES = 20
SCORE_BINS = 30


@dataclass(frozen=True)
class HomeData:
    kpis: dict[str, Any]  # all time
    kpis_24h: dict[str, Any]
    latest_drift: dict[str, Any] | None
    alerts: pd.DataFrame  # fired in RECENT_ALERTS, newest first
    volume: pd.DataFrame  # traffic of the last RECENT_ALERTS
    latest_model: dict[str, Any] | None = None  # the newest window's performance report


@dataclass(frozen=True)
class OverviewData:
    kpis: dict[str, Any]
    decisions: pd.DataFrame
    # per hour (the guide's traffic chart) up to 8 days, per day beyond, per minute for "all"
    # of under 3 h: the analytics' automatic buckets, so the chart stays a few hundred bars
    volume: pd.DataFrame
    histogram: pd.DataFrame
    confidence: pd.DataFrame


@dataclass(frozen=True)
class PerformanceData:
    kpis: dict[str, Any]
    latency: pd.DataFrame  # per stage: quartiles and whiskers
    latency_over_time: pd.DataFrame
    slowest: pd.DataFrame
    statuses: pd.DataFrame
    anomalies: pd.DataFrame


@dataclass(frozen=True)
class BusinessData:
    kpis: dict[str, Any]
    decisions: pd.DataFrame
    amounts: pd.DataFrame
    by_amount: pd.DataFrame
    by_segment: pd.DataFrame
    cost: dict[str, Any] | None  # None without the model's costs


@dataclass(frozen=True)
class DriftData:
    history: pd.DataFrame  # one row per checked window (its latest report)
    latest: dict[str, Any] | None


@dataclass(frozen=True)
class ModelData:
    history: pd.DataFrame  # one performance report per window and model version


@dataclass(frozen=True)
class ModelWindowData:
    report: dict[str, Any]  # the stored report, with its full result
    calibration: pd.DataFrame  # realized calibration by PD band (empty without outcomes)
    scores: pd.DataFrame  # bin_left, bin_right, window_share, reference_share


def home(a: Analytics) -> HomeData:
    return HomeData(a.kpis("all"), a.kpis("24h"), a.latest_drift(), a.alerts(RECENT_ALERTS),
                    a.volume(RECENT_ALERTS), a.store.latest_performance_report())


def overview(a: Analytics, period: str) -> OverviewData:
    return OverviewData(a.kpis(period), a.decisions(period), a.volume(period),
                        a.probability_histogram(period), a.confidence_levels(period))


def performance(a: Analytics, period: str) -> PerformanceData:
    return PerformanceData(a.kpis(period), a.latency_summary(period),
                           a.latency_over_time(period), a.slowest_requests(period, SLOWEST),
                           a.http_status_counts(period),
                           a.latest_anomalies(period, LATEST_ANOMALIES))


def business(a: Analytics, period: str, costs: tuple[float, float] | None) -> BusinessData:
    """``costs``: the model bundle's (cost_fn, cost_fp); the expected cost needs them."""
    cost = None
    if costs is not None:
        cost = a.expected_cost(period, cost_fn=costs[0], cost_fp=costs[1])
    return BusinessData(a.kpis(period), a.decisions(period), a.amount_histogram(period),
                        a.decisions_by_amount(period), a.approval_by_segment(period), cost)


def drift(a: Analytics) -> DriftData:
    return DriftData(a.drift_history("all"), a.latest_drift())


def reasons(a: Analytics, bundle: ModelBundle, period: str) -> tuple[pd.DataFrame, int]:
    """The reason mix of the period's refusals against the training reference, and how
    many refusals it counts (``creditwatch.explain.drift``)."""
    start, end = a.window(period).bounds
    return reason_mix(a.store, bundle, start, end, a.settings.api.reasons_max or DEFAULT_REASONS)


def drift_details(a: Analytics, report_id: int) -> pd.DataFrame:
    """The per-feature rows of one stored drift report (test, statistic, corrected p-value,
    effect size, drifted...) in the drift ranking's order (``ranking.RULE``), with the
    effect size relative to the minimum the report used; empty when it has none."""
    report = a.store.get_drift_report(report_id) or {}
    min_effect = (report.get("params") or {}).get("min_effect") or {}
    return ranking.rank(features_frame(report.get("details") or []), min_effect)


def feature_distribution(a: Analytics, feature: str, start: datetime,
                         end: datetime) -> pd.DataFrame:
    """Reference against one drift window (application time) for one feature."""
    return a.feature_distribution(feature, (start, end))


def model(a: Analytics) -> ModelData:
    """Every stored performance report (without the full results), by window."""
    return ModelData(a.store.read_performance_reports())


def model_window(a: Analytics, report_id: int,
                 reference_scores: tuple[float, ...] | None) -> ModelWindowData | None:
    """One report with its calibration table and its window's scores (read from the store,
    by application time and model version) binned with the reference's held-out scores."""
    report = a.store.get_performance_report(report_id)
    if report is None:
        return None
    realized = (report.get("result") or {}).get("realized") or {}
    table = pd.DataFrame(realized.get("calibration") or [])
    window = a.store.read_predictions(report["window_start"], report["window_end"],
                                      columns=["probability"],
                                      model_version=report["model_version"])["probability"]
    scores = window.to_numpy(dtype=np.float64)
    ref = np.asarray(reference_scores or (), dtype=np.float64)
    both = np.r_[scores, ref]
    bins = pd.DataFrame(columns=["bin_left", "bin_right", "window_share", "reference_share"])
    if len(both):
        edges = np.histogram_bin_edges(both, bins=SCORE_BINS,
                                       range=(0.0, float(np.quantile(both, 0.995)) or 1.0))
        shares = [np.histogram(np.clip(x, edges[0], edges[-1]), edges)[0] / max(len(x), 1)
                  for x in (scores, ref)]
        bins = pd.DataFrame({"bin_left": edges[:-1], "bin_right": edges[1:],
                             "window_share": shares[0], "reference_share": shares[1]})
    return ModelWindowData(report, table, bins)


@dataclass(frozen=True)
class FairnessData:
    """The period's figures per protected attribute, and per day (per hour for 24 h)."""

    period: list[Any]  # fairness.AttributeFairness of the whole period, per attribute
    history: pd.DataFrame  # analytics.fairness.summary_frame of the windows


FAIRNESS_ALL_DAYS = 90  # "all time" on the Fairness page: the last 90 days, day by day


def fairness(a: Analytics, period: str, costs: tuple[float, float]) -> FairnessData:
    """``costs``: the bundle's (cost_fn, cost_fp), else the configured ones."""
    from datetime import timedelta

    from creditwatch.analytics.fairness import run_windows, summary_frame
    from creditwatch.windows import Chunker, Window

    window = a.window(period)
    end = window.end or a.window("24h").bounds[1]  # "all" ends now
    start = window.start or end - timedelta(days=FAIRNESS_ALL_DAYS)
    step = timedelta(hours=1) if end - start <= timedelta(days=1) else timedelta(days=1)
    windows = [w for w in Chunker.consecutive(step, start, end) if w.bounds[0] >= start]
    results = run_windows(a, [Window(start, end), *windows], a.settings, cost_fn=costs[0],
                          cost_fp=costs[1])
    whole = len(results) // (len(windows) + 1)
    return FairnessData(results[:whole], summary_frame(results[whole:]))
