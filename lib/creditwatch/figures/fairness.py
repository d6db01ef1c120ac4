"""Fairness figures: each group's adverse impact ratio with its interval, and over time."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from creditwatch.figures.style import ALERT_COLOR, BLUE, NEUTRAL, layout


def air_intervals(table: pd.DataFrame, attribute: str, threshold: float) -> go.Figure:
    """One point per group (its AIR) with the confidence interval as an error bar; the
    reference group sits at 1; the line is the alert threshold."""
    rows = table.sort_values("group")
    low = (rows["air"] - rows["air_low"]).fillna(0)
    high = (rows["air_high"] - rows["air"]).fillna(0)
    colors = [ALERT_COLOR if h < threshold else (BLUE if e else NEUTRAL)
              for h, e in zip(rows["air_high"].fillna(1.0), rows["eligible"], strict=True)]
    fig = go.Figure(go.Scatter(
        x=rows["air"], y=rows["group"].astype(str), mode="markers",
        marker={"size": 11, "color": colors},
        error_x={"type": "data", "symmetric": False, "array": high, "arrayminus": low},
        customdata=rows[["n", "approval_rate"]].to_numpy(),
        hovertemplate="%{y}: AIR %{x:.3f}<br>n %{customdata[0]:,}, approval "
                      "%{customdata[1]:.1%}<extra></extra>"))
    fig.add_vline(x=threshold, line_dash="dash", line_color=ALERT_COLOR,
                  annotation_text=f"{threshold:g}")
    return layout(fig, f"Adverse impact ratio by {attribute}", xaxis_title="AIR (vs most "
                  "favoured group)", height=max(220, 60 + 40 * len(rows)))


def air_history(frame: pd.DataFrame, attribute: str, threshold: float) -> go.Figure:
    """Each group's AIR per window (``monitor.summary_frame`` rows of one attribute), its
    interval as a shaded band."""
    fig = go.Figure()
    for group, rows in frame[frame["attribute"] == attribute].groupby("group", sort=True):
        rows = rows.sort_values("start")
        x = list(rows["start"])
        fig.add_trace(go.Scatter(x=x + x[::-1],
                                 y=list(rows["air_high"]) + list(rows["air_low"])[::-1],
                                 fill="toself", line={"width": 0}, opacity=0.15,
                                 showlegend=False, hoverinfo="skip", name=str(group)))
        fig.add_trace(go.Scatter(x=x, y=rows["air"], mode="lines+markers", name=str(group)))
    fig.add_hline(y=threshold, line_dash="dash", line_color=ALERT_COLOR)
    return layout(fig, f"Adverse impact ratio by {attribute}, per window", yaxis_title="AIR")
