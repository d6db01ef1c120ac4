"""Charts of model performance per window (``performance_reports`` rows): realized against
estimated AUC and cost with the estimate's band, maturity, calibration by PD band, and the
window's scores against the reference's."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from creditwatch.figures.style import (
    ALERT_COLOR,
    BLUE,
    CURRENT_COLOR,
    GREEN,
    NEUTRAL,
    REFERENCE_COLOR,
    WARN_COLOR,
    layout,
)

BAND_FILL = "rgba(21, 101, 192, 0.15)"  # BLUE, light: the estimate's band


def _middle(history: pd.DataFrame) -> pd.Series:
    """The middle of each window (where its figures are drawn)."""
    return history["window_start"] + (history["window_end"] - history["window_start"]) / 2


def _estimate_vs_realized(history: pd.DataFrame, name: str, title: str,
                          axis: str) -> go.Figure:
    """The estimate's band (filled), the estimate (line) and the realized figure (markers:
    filled on mature windows, hollow on immature ones) per window."""
    x = _middle(history)
    mature = ~history["immature"].astype(bool)
    fig = go.Figure([
        go.Scatter(x=x, y=history[f"{name}_estimated_high"], mode="lines", line={"width": 0},
                   showlegend=False, hoverinfo="skip"),
        go.Scatter(x=x, y=history[f"{name}_estimated_low"], mode="lines", line={"width": 0},
                   fill="tonexty", fillcolor=BAND_FILL, name="estimate's band"),
        go.Scatter(x=x, y=history[f"{name}_estimated"], mode="lines+markers",
                   name="estimated (label-free)", line={"color": BLUE}),
        go.Scatter(x=x[mature], y=history.loc[mature, f"{name}_realized"], mode="markers",
                   name="realized (mature)", marker={"color": CURRENT_COLOR, "size": 9}),
        go.Scatter(x=x[~mature], y=history.loc[~mature, f"{name}_realized"], mode="markers",
                   name="realized (immature)",
                   marker={"color": CURRENT_COLOR, "size": 9, "symbol": "circle-open"}),
    ])
    return layout(fig, title, yaxis_title=axis, xaxis_title="window")


def auc_history(history: pd.DataFrame, reference: float | None = None,
                floor: float | None = None) -> go.Figure:
    """Realized against estimated AUC per window, with the held-out reference and the alert
    floor (reference minus ``performance.auc_drop``) as lines."""
    fig = _estimate_vs_realized(history, "auc", "AUC per window: realized vs estimated", "AUC")
    if reference is not None:
        fig.add_hline(y=reference, line={"color": REFERENCE_COLOR, "dash": "dot"},
                      annotation_text=f"reference {reference:.3f}")
    if floor is not None:
        fig.add_hline(y=floor, line={"color": ALERT_COLOR, "dash": "dash"},
                      annotation_text=f"alert floor {floor:.3f}")
    return fig


def cost_history(history: pd.DataFrame) -> go.Figure:
    """Realized against estimated cost of the decisions per window (cost units of the
    bundle's costs; realized on the labelled rows only, so compare on mature windows)."""
    return _estimate_vs_realized(history, "cost", "Cost of the decisions per window: realized "
                                 "vs estimated", "cost")


def maturity(history: pd.DataFrame, maturity_share: float) -> go.Figure:
    """Labelled share per window, mature windows in green, with the maturity line."""
    colors = [GREEN if not immature else NEUTRAL for immature in history["immature"]]
    fig = go.Figure(go.Bar(x=_middle(history), y=history["labelled_share"],
                           marker_color=colors, name="labelled share"))
    fig.add_hline(y=maturity_share, line={"color": WARN_COLOR, "dash": "dash"},
                  annotation_text=f"mature from {maturity_share:.0%}")
    return layout(fig, "Maturity: share of each window's predictions with an outcome",
                  yaxis_tickformat=".0%", yaxis_range=[0, 1], showlegend=False)


def calibration(table: pd.DataFrame) -> go.Figure:
    """Observed default rate (Jeffreys interval) against the mean PD per PD band; on the
    diagonal the model's probabilities are right; bands flagged miscalibrated in red."""
    rows = table[table["n"] > 0]
    colors = [ALERT_COLOR if bad else BLUE for bad in rows["miscalibrated"]]
    top = float(max(rows["ci_high"].max(), rows["mean_pd"].max(), 0.05)) if len(rows) else 1.0
    fig = go.Figure([
        go.Scatter(x=[0, top], y=[0, top], mode="lines", name="perfect calibration",
                   line={"color": NEUTRAL, "dash": "dash"}),
        go.Scatter(x=rows["mean_pd"], y=rows["observed_rate"], mode="markers",
                   name="observed (Jeffreys interval)", marker={"color": colors, "size": 10},
                   text=[f"{b}: {n:,} predictions" for b, n in zip(rows["band"], rows["n"],
                                                                    strict=True)],
                   error_y={"type": "data", "symmetric": False,
                            "array": rows["ci_high"] - rows["observed_rate"],
                            "arrayminus": rows["observed_rate"] - rows["ci_low"]}),
    ])
    return layout(fig, "Calibration by PD band", xaxis_title="mean predicted PD",
                  yaxis_title="observed default rate", xaxis_tickformat=".0%",
                  yaxis_tickformat=".0%")


def score_distribution(frame: pd.DataFrame, threshold: float | None = None) -> go.Figure:
    """Shares of the window's scores and of the reference's per bin (``bin_left``,
    ``bin_right``, ``window_share``, ``reference_share``), with the decision threshold."""
    x = (frame["bin_left"] + frame["bin_right"]) / 2
    fig = go.Figure([
        go.Bar(x=x, y=frame["reference_share"], name="reference (held-out)",
               marker_color=REFERENCE_COLOR, opacity=0.75),
        go.Bar(x=x, y=frame["window_share"], name="window (production)",
               marker_color=CURRENT_COLOR, opacity=0.75),
    ])
    if threshold is not None:
        fig.add_vline(x=threshold, line={"color": ALERT_COLOR, "dash": "dash"},
                      annotation_text=f"threshold {threshold:.3f}")
    return layout(fig, "Scores: window vs reference", barmode="overlay",
                  xaxis_title="probability of default", yaxis_title="share of scores",
                  yaxis_tickformat=".0%")
