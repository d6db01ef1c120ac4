"""Charts of the scoring service: decisions, probabilities, confidence, latency by stage,
HTTP statuses (from the analytics frames as they come)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from creditwatch.figures.style import (
    ALERT_COLOR,
    CONFIDENCE_COLORS,
    DECISION_COLORS,
    STATUS_COLORS,
    color,
    layout,
)

STAGE_LABELS = {"preprocessing_ms": "preprocessing", "inference_ms": "inference",
                "total_ms": "total"}


def decision_donut(decisions: pd.DataFrame) -> go.Figure:
    """Share of each decision (``Analytics.decisions``)."""
    fig = go.Figure(go.Pie(labels=decisions["decision"], values=decisions["count"], hole=0.55,
                           marker={"colors": [color(DECISION_COLORS, d)
                                              for d in decisions["decision"]]},
                           sort=False, textinfo="percent+label"))
    return layout(fig, "Decision split")


def decision_bins(frame: pd.DataFrame, **bar: object) -> list[go.Bar]:
    """One bar trace per decision over equal-width bins (``bin_left``, ``bin_right``)."""
    return [go.Bar(x=(part["bin_left"] + part["bin_right"]) / 2, y=part["count"],
                   width=(part["bin_right"] - part["bin_left"]).tolist(), name=str(decision),
                   marker_color=color(DECISION_COLORS, decision), **bar)
            for decision, part in frame.groupby("decision", sort=False)]


def probability_histogram(frame: pd.DataFrame, threshold: float | None) -> go.Figure:
    """Stacked bins per decision; the model's decision threshold as a vertical line."""
    fig = go.Figure(decision_bins(frame))
    if threshold is not None:
        fig.add_vline(x=threshold, line={"color": ALERT_COLOR, "dash": "dash", "width": 2},
                      annotation_text=f"threshold {threshold:.4f}",
                      annotation_position="top right")
    return layout(fig, "Probability of default", barmode="stack", xaxis_title="probability",
                  yaxis_title="predictions", xaxis_range=[0, 1])


def confidence(frame: pd.DataFrame) -> go.Figure:
    """Predictions per confidence level, with each level's share."""
    fig = go.Figure(go.Bar(x=frame["confidence"], y=frame["count"],
                           marker_color=[color(CONFIDENCE_COLORS, c) for c in frame["confidence"]],
                           text=[f"{s:.0%}" for s in frame["share"]], textposition="auto"))
    return layout(fig, "Confidence levels", yaxis_title="predictions")


def latency_boxes(summary: pd.DataFrame) -> go.Figure:
    """Box plots from the analytics' quartiles and Tukey whiskers (no raw rows needed)."""
    fig = go.Figure()
    for row in summary.to_dict("records"):
        name = STAGE_LABELS.get(str(row["stage"]), str(row["stage"]))
        fig.add_trace(go.Box(
            name=name, x=[name], q1=[row["q1"]], median=[row["p50"]], q3=[row["q3"]],
            lowerfence=[row["lower_fence"]], upperfence=[row["upper_fence"]]))
    return layout(fig, "Latency by stage (box: quartiles, whiskers: 1.5 IQR)",
                  yaxis_title="ms", showlegend=False)


def http_statuses(frame: pd.DataFrame) -> go.Figure:
    """Requests per HTTP status code, coloured by class."""
    fig = go.Figure(go.Bar(x=frame["http_status"].astype(str), y=frame["count"],
                           marker_color=[color(STATUS_COLORS, c) for c in frame["status_class"]],
                           text=frame["count"], textposition="auto"))
    return layout(fig, "HTTP status codes", xaxis_title="status", yaxis_title="requests",
                  xaxis_type="category")
