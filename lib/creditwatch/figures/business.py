"""Charts of the decisions' business side: amounts, approval rates, expected cost."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from creditwatch.figures.operations import decision_bins
from creditwatch.figures.style import BLUE, DECISION_COLORS, layout
from creditwatch.scoring.scorer import APPROVED, REFUSED


def amount_histogram(frame: pd.DataFrame) -> go.Figure:
    """Credit amounts per decision, overlaid."""
    fig = go.Figure(decision_bins(frame, opacity=0.7))
    return layout(fig, "Credit amount by decision", barmode="overlay", xaxis_title="AMT_CREDIT",
                  yaxis_title="applications")


def _approval(frame: pd.DataFrame, x: str, title: str, bar_color: str) -> go.Figure:
    text = [f"{r:.0%} of {n}" for r, n in zip(frame["approval_rate"], frame["n"], strict=True)]
    fig = go.Figure(go.Bar(x=frame[x], y=frame["approval_rate"], text=text,
                           textposition="auto", marker_color=bar_color))
    return layout(fig, title, yaxis_tickformat=".0%", yaxis_range=[0, 1], xaxis_type="category")


def approval_by_band(frame: pd.DataFrame) -> go.Figure:
    """Approval rate per credit amount band (``Analytics.decisions_by_amount``)."""
    return _approval(frame, "band", "Approval rate by credit amount", DECISION_COLORS[APPROVED])


def approval_by_segment(frame: pd.DataFrame, field: str) -> go.Figure:
    """Approval rate per value of one applicant segment (``Analytics.approval_by_segment``)."""
    return _approval(frame, "value", f"Approval rate by {field}", BLUE)


def expected_cost(cost: Mapping[str, Any]) -> go.Figure:
    """Expected cost of the model's decisions against approving or refusing everyone."""
    names = ["model's decisions", "approve everyone", "refuse everyone"]
    values = [cost["expected_cost"], cost["approve_all_cost"], cost["refuse_all_cost"]]
    fig = go.Figure(go.Bar(x=names, y=values, text=[f"{v:,.1f}" for v in values],
                           textposition="auto",
                           marker_color=[BLUE, DECISION_COLORS[APPROVED],
                                         DECISION_COLORS[REFUSED]]))
    return layout(fig, "Expected cost of the decisions (cost units)", yaxis_title="cost")
