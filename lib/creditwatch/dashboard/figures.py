"""Plotly figures of the dashboard, each drawn from one analytics aggregate as it comes.

Drawing only: the numbers (bins, quartiles, percentiles, rates) are the analytics layer's;
thresholds and bands are passed in from the model bundle and ``Settings``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from creditwatch.scoring.scorer import APPROVED, CONFIDENCE_LEVELS, REFUSED

COLORS = {APPROVED: "#2e7d32", REFUSED: "#c62828"}
REFERENCE_COLOR, CURRENT_COLOR = "#607d8b", "#ef6c00"
ALERT_COLOR, WARN_COLOR = "#c62828", "#f9a825"
STAGE_LABELS = {"preprocessing_ms": "preprocessing", "inference_ms": "inference",
                "total_ms": "total"}
STATUS_COLORS = {"2xx": "#2e7d32", "4xx": "#f9a825", "5xx": "#c62828"}


def _layout(fig: go.Figure, title: str, **axes: Any) -> go.Figure:
    fig.update_layout(title=title, margin={"l": 10, "r": 10, "t": 50, "b": 10},
                      legend={"orientation": "h", "y": -0.2}, **axes)
    return fig


def decision_donut(decisions: pd.DataFrame, title: str = "Decisions") -> go.Figure:
    fig = go.Figure(go.Pie(labels=decisions["decision"], values=decisions["count"], hole=0.55,
                           marker={"colors": [COLORS.get(d, "#9e9e9e")
                                              for d in decisions["decision"]]},
                           sort=False, textinfo="percent+label"))
    return _layout(fig, title)


def volume(frame: pd.DataFrame) -> go.Figure:
    freq = frame.attrs.get("freq", "bucket")
    fig = go.Figure([
        go.Scatter(x=frame["bucket"], y=frame["n_predictions"], name="predictions",
                   mode="lines", line={"color": "#1565c0"}),
        go.Scatter(x=frame["bucket"], y=frame["n_errors"], name="rejected requests",
                   mode="lines", line={"color": ALERT_COLOR}),
    ])
    return _layout(fig, f"Volume per {freq}", yaxis_title="requests")


def probability_histogram(frame: pd.DataFrame, threshold: float | None) -> go.Figure:
    """Stacked bins per decision; the model's decision threshold as a vertical line."""
    fig = go.Figure()
    for decision, part in frame.groupby("decision", sort=False):
        fig.add_bar(x=(part["bin_left"] + part["bin_right"]) / 2, y=part["count"],
                    width=part["bin_right"] - part["bin_left"], name=str(decision),
                    marker_color=COLORS.get(str(decision)))
    if threshold is not None:
        fig.add_vline(x=threshold, line={"color": ALERT_COLOR, "dash": "dash", "width": 2},
                      annotation_text=f"threshold {threshold:.4f}",
                      annotation_position="top right")
    fig.update_layout(barmode="stack")
    return _layout(fig, "Probability of default", xaxis_title="probability",
                   yaxis_title="predictions", xaxis_range=[0, 1])


def confidence(frame: pd.DataFrame) -> go.Figure:
    colors = dict(zip(CONFIDENCE_LEVELS.tolist(), ("#f9a825", "#29b6f6", "#2e7d32"),
                      strict=True))
    fig = go.Figure(go.Bar(x=frame["confidence"], y=frame["count"],
                           marker_color=[colors.get(c, "#9e9e9e") for c in frame["confidence"]],
                           text=[f"{s:.0%}" for s in frame["share"]], textposition="auto"))
    return _layout(fig, "Confidence levels", yaxis_title="predictions")


def latency_boxes(summary: pd.DataFrame) -> go.Figure:
    """Box plots from the analytics' quartiles and Tukey whiskers (no raw rows needed)."""
    fig = go.Figure()
    for row in summary.to_dict("records"):
        name = STAGE_LABELS.get(str(row["stage"]), str(row["stage"]))
        fig.add_trace(go.Box(
            name=name, x=[name], q1=[row["q1"]], median=[row["p50"]], q3=[row["q3"]],
            lowerfence=[row["lower_fence"]], upperfence=[row["upper_fence"]]))
    return _layout(fig, "Latency by stage (box: quartiles, whiskers: 1.5 IQR)",
                   yaxis_title="ms", showlegend=False)


def latency_over_time(frame: pd.DataFrame, p95_alert_ms: float) -> go.Figure:
    """Mean and P95 per bucket; the P95 alert line once P95 comes within half of it (drawn
    always, it would flatten millisecond-scale curves against a far-away line)."""
    fig = go.Figure([
        go.Scatter(x=frame["bucket"], y=frame["mean"], name="mean", mode="lines+markers"),
        go.Scatter(x=frame["bucket"], y=frame["p95"], name="P95", mode="lines+markers",
                   line={"dash": "dot"}),
    ])
    if not frame.empty and frame["p95"].max() >= p95_alert_ms / 2:
        fig.add_hline(y=p95_alert_ms, line={"color": ALERT_COLOR, "dash": "dash"},
                      annotation_text=f"P95 alert {p95_alert_ms:g} ms")
    return _layout(fig, f"Total latency per {frame.attrs.get('freq', 'bucket')}",
                   yaxis_title="ms")


def http_statuses(frame: pd.DataFrame) -> go.Figure:
    fig = go.Figure(go.Bar(x=frame["http_status"].astype(str), y=frame["count"],
                           marker_color=[STATUS_COLORS.get(c, "#9e9e9e")
                                         for c in frame["status_class"]],
                           text=frame["count"], textposition="auto"))
    return _layout(fig, "HTTP status codes", xaxis_title="status", yaxis_title="requests",
                   xaxis_type="category")


def amount_histogram(frame: pd.DataFrame) -> go.Figure:
    fig = go.Figure()
    for decision, part in frame.groupby("decision", sort=False):
        fig.add_bar(x=(part["bin_left"] + part["bin_right"]) / 2, y=part["count"],
                    width=part["bin_right"] - part["bin_left"], name=str(decision),
                    marker_color=COLORS.get(str(decision)), opacity=0.7)
    fig.update_layout(barmode="overlay")
    return _layout(fig, "Credit amount by decision", xaxis_title="AMT_CREDIT",
                   yaxis_title="applications")


def approval_by_band(frame: pd.DataFrame) -> go.Figure:
    fig = go.Figure(go.Bar(x=frame["band"], y=frame["approval_rate"],
                           text=[f"{r:.0%} of {n}" for r, n in zip(frame["approval_rate"],
                                                                   frame["n"], strict=True)],
                           textposition="auto", marker_color=COLORS[APPROVED]))
    return _layout(fig, "Approval rate by credit amount", yaxis_tickformat=".0%",
                   yaxis_range=[0, 1], xaxis_type="category")


def approval_by_segment(frame: pd.DataFrame, field: str) -> go.Figure:
    fig = go.Figure(go.Bar(x=frame["value"], y=frame["approval_rate"],
                           text=[f"{r:.0%} of {n}" for r, n in zip(frame["approval_rate"],
                                                                   frame["n"], strict=True)],
                           textposition="auto", marker_color="#1565c0"))
    return _layout(fig, f"Approval rate by {field}", yaxis_tickformat=".0%",
                   yaxis_range=[0, 1], xaxis_type="category")


def expected_cost(cost: Mapping[str, Any]) -> go.Figure:
    names = ["model's decisions", "approve everyone", "refuse everyone"]
    values = [cost["expected_cost"], cost["approve_all_cost"], cost["refuse_all_cost"]]
    fig = go.Figure(go.Bar(x=names, y=values, text=[f"{v:,.1f}" for v in values],
                           textposition="auto",
                           marker_color=["#1565c0", COLORS[APPROVED], COLORS[REFUSED]]))
    return _layout(fig, "Expected cost of the decisions (cost units)", yaxis_title="cost")


def drift_history(frame: pd.DataFrame, alert_share: float, warning_share: float) -> go.Figure:
    fig = go.Figure([
        go.Scatter(x=frame["window_end"], y=frame["drift_share"], name="drift share",
                   mode="lines+markers", line={"color": "#1565c0"}),
        go.Scatter(x=frame["window_end"], y=frame["weighted_drift_score"],
                   name="importance-weighted score", mode="lines+markers",
                   line={"color": "#6a1b9a", "dash": "dot"}),
    ])
    fig.add_hline(y=alert_share, line={"color": ALERT_COLOR, "dash": "dash"},
                  annotation_text=f"alert {alert_share:.0%}")
    fig.add_hline(y=warning_share, line={"color": WARN_COLOR, "dash": "dot"},
                  annotation_text=f"warning {warning_share:.0%}")
    return _layout(fig, "Drift history (by window end)", yaxis_tickformat=".0%",
                   yaxis_range=[0, 1])


def feature_distribution(frame: pd.DataFrame, feature: str) -> go.Figure:
    """Reference against window shares, per bin (numeric) or per category."""
    numeric = "bin_left" in frame.columns
    x = ((frame["bin_left"] + frame["bin_right"]) / 2) if numeric else frame["category"]
    fig = go.Figure([
        go.Bar(x=x, y=frame["reference_share"], name="reference (training)",
               marker_color=REFERENCE_COLOR, opacity=0.75),
        go.Bar(x=x, y=frame["current_share"], name="window (production)",
               marker_color=CURRENT_COLOR, opacity=0.75),
    ])
    fig.update_layout(barmode="overlay" if numeric else "group")
    return _layout(fig, f"{feature}: reference vs window", yaxis_tickformat=".0%",
                   yaxis_title="share of values",
                   xaxis_type="linear" if numeric else "category")
