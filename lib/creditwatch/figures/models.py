"""Champion against challenger figures: agreement and approval over time, approval change by
group, and both models' AUC (estimated, realized) per window."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from creditwatch.figures.style import BLUE, GREEN, NEUTRAL, ORANGE, PURPLE, RED, layout


def agreement_history(history: pd.DataFrame) -> go.Figure:
    """Per window: decision agreement and both approval rates (``summary_frame`` rows)."""
    fig = go.Figure()
    rows = history.sort_values("window_start")
    for column, name, color, dash in (("agreement", "decision agreement", BLUE, "solid"),
                                      ("approval_champion", "approval, champion", GREEN, "dot"),
                                      ("approval_challenger", "approval, challenger", ORANGE,
                                       "dash")):
        fig.add_trace(go.Scatter(x=rows["window_start"], y=rows[column], name=name,
                                 mode="lines+markers", line={"color": color, "dash": dash},
                                 hovertemplate="%{x}: %{y:.1%}<extra>" + name + "</extra>"))
    return layout(fig, "Decision agreement and approval rates, per window",
                  yaxis_title="share", yaxis_tickformat=".0%")


def flips(history: pd.DataFrame) -> go.Figure:
    """Per window: decisions the challenger would flip, each way, as stacked bars."""
    rows = history.sort_values("window_start")
    fig = go.Figure([
        go.Bar(x=rows["window_start"], y=rows["approve_to_refuse"], name="approved → refused",
               marker_color=RED),
        go.Bar(x=rows["window_start"], y=rows["refuse_to_approve"], name="refused → approved",
               marker_color=GREEN)])
    fig.update_layout(barmode="stack")
    return layout(fig, "Decision flips (champion → challenger), per window",
                  yaxis_title="applications")


def approval_change(groups: pd.DataFrame, attribute: str) -> go.Figure:
    """Per group of ``attribute``: the approval change (challenger minus champion), points."""
    rows = groups[groups["attribute"] == attribute].sort_values("group")
    change = rows["change"] * 100
    fig = go.Figure(go.Bar(
        x=change, y=rows["group"].astype(str), orientation="h",
        marker_color=[RED if c < 0 else GREEN for c in change],
        customdata=rows[["n", "approval_champion", "approval_challenger"]].to_numpy(),
        hovertemplate="%{y}: %{x:+.1f} pt<br>n %{customdata[0]:,}: %{customdata[1]:.1%} → "
                      "%{customdata[2]:.1%}<extra></extra>"))
    fig.add_vline(x=0, line_color=NEUTRAL)
    return layout(fig, f"Approval change by {attribute} (challenger − champion)",
                  xaxis_title="percentage points", height=max(220, 60 + 40 * len(rows)))


def auc_comparison(history: pd.DataFrame) -> go.Figure:
    """Per window: each model's estimated AUC (dashed) and realized AUC (solid, once
    outcomes exist)."""
    fig = go.Figure()
    rows = history.sort_values("window_start")
    for role, color in (("champion", BLUE), ("challenger", PURPLE)):
        for kind, dash in (("estimated", "dash"), ("realized", "solid")):
            column = f"auc_{kind}_{role}"
            values = pd.to_numeric(rows[column], errors="coerce")
            if values.notna().any():
                fig.add_trace(go.Scatter(x=rows["window_start"], y=values, name=f"{role}, {kind}",
                                         mode="lines+markers",
                                         line={"color": color, "dash": dash}))
    return layout(fig, "AUC per window: estimated (label-free) and realized",
                  yaxis_title="AUC")
