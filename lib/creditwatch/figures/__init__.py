"""Plotly figures of creditwatch, one function per chart, shared by the dashboard (app/) and
the report notebooks: one title and one colour scheme (``style``) for each chart.

Drawing only: the numbers (bins, quartiles, percentiles, rates, drift rows) come from the
analytics layer and the drift engine as they are; thresholds and bands are passed in from the
model bundle and ``Settings``. Notebooks display a figure with ``creditwatch.reports.charts.show``.
"""

from __future__ import annotations

from creditwatch.figures.business import (
    amount_histogram,
    approval_by_band,
    approval_by_segment,
    expected_cost,
)
from creditwatch.figures.drift import (
    distributions,
    drift_history,
    drift_ranking,
    feature_distribution,
    reason_mix,
)
from creditwatch.figures.model import (
    auc_history,
    calibration,
    cost_history,
    maturity,
    score_distribution,
)
from creditwatch.figures.operations import (
    confidence,
    decision_donut,
    http_statuses,
    latency_boxes,
    probability_histogram,
)
from creditwatch.figures.simulation import batches, lines
from creditwatch.figures.timeline import latency_over_time, volume

__all__ = ["amount_histogram", "approval_by_band", "approval_by_segment", "auc_history",
           "batches", "calibration", "confidence", "cost_history", "decision_donut",
           "distributions", "drift_history", "drift_ranking", "expected_cost",
           "feature_distribution", "http_statuses", "latency_boxes", "latency_over_time", "lines",
           "maturity", "probability_histogram", "reason_mix", "score_distribution", "volume"]
