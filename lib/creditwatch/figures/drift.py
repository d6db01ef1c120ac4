"""Charts of data drift: the history of windows, the ranking of columns, and reference
against window distributions (one feature, or a grid of several)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from creditwatch.drift.result import DriftStatus
from creditwatch.figures.style import (
    ALERT_COLOR,
    BLUE,
    CURRENT_COLOR,
    PURPLE,
    REFERENCE_COLOR,
    WARN_COLOR,
    layout,
)

PAD = 0.03  # share of the drift history's span left on each side


def drift_history(history: pd.DataFrame, alert_share: float,
                  warning_share: float | None = None) -> go.Figure:
    """Drift share and importance-weighted score per window (by its end) over the span of
    the windows, with the alert (and warning) lines; windows with too few predictions for a
    verdict are left out (their share would read as 0)."""
    history = history[history["status"] != DriftStatus.INSUFFICIENT_DATA.value]
    fig = go.Figure([
        go.Scatter(x=history["window_end"], y=history["drift_share"], name="drift share",
                   mode="lines+markers", line={"color": BLUE}),
        go.Scatter(x=history["window_end"], y=history["weighted_drift_score"],
                   name="importance-weighted score", mode="lines+markers",
                   line={"color": PURPLE, "dash": "dot"}),
    ])
    fig.add_hline(y=alert_share, line={"color": ALERT_COLOR, "dash": "dash"},
                  annotation_text=f"alert {alert_share:.0%}")
    if warning_share is not None:
        fig.add_hline(y=warning_share, line={"color": WARN_COLOR, "dash": "dot"},
                      annotation_text=f"warning {warning_share:.0%}")
    if not history.empty:  # the windows' whole span: one window is not a sub-second axis
        start, end = history["window_start"].min(), history["window_end"].max()
        pad = (end - start) * PAD
        fig.update_xaxes(range=[start - pad, end + pad])
    return layout(fig, "Drift history (by window end)", yaxis_tickformat=".0%",
                  yaxis_range=[0, 1], yaxis_title="share of features")


def drift_ranking(ranked: pd.DataFrame) -> go.Figure:
    """Columns in the drift ranking's order, first on top (rows of ``DriftResult.ranked()``,
    cut to those to show): the effect size relative to its drift minimum, drifted in red,
    the drift minimum as a vertical line at 1."""
    rows = ranked[::-1]
    labels = [f"{f} ({t})" for f, t in zip(rows["feature"], rows["test"], strict=True)]
    fig = go.Figure(go.Bar(x=rows["relative_effect"], y=labels, orientation="h",
                           marker_color=[ALERT_COLOR if d else BLUE for d in rows["drifted"]]))
    fig.add_vline(x=1, line={"color": "black", "dash": "dash"})
    return layout(fig, f"Drift ranking, first {len(rows)} columns (red: drifted; dashed: the "
                  "drift minimum)",
                  height=max(320, 22 * len(rows) + 100), showlegend=False,
                  xaxis_title="effect size / its drift minimum")


def _reference_bars(frame: pd.DataFrame, legend: bool = True) -> list[go.Bar]:
    """Reference and window shares, per bin (numeric) or per category."""
    numeric = "bin_left" in frame.columns
    x = (frame["bin_left"] + frame["bin_right"]) / 2 if numeric else frame["category"]
    return [go.Bar(x=x, y=frame[f"{side}_share"], name=name, marker_color=bar_color,
                   opacity=0.75, showlegend=legend, legendgroup=side)
            for side, name, bar_color in (("reference", "reference (training)", REFERENCE_COLOR),
                                          ("current", "window (production)", CURRENT_COLOR))]


def feature_distribution(frame: pd.DataFrame, feature: str) -> go.Figure:
    """Reference against window shares of one feature (``Analytics.feature_distribution``)."""
    numeric = "bin_left" in frame.columns
    fig = go.Figure(_reference_bars(frame))
    return layout(fig, f"{feature}: reference vs window", barmode="overlay" if numeric else "group",
                  yaxis_tickformat=".0%", yaxis_title="share of values",
                  xaxis_type="linear" if numeric else "category")


def distributions(frames: list[pd.DataFrame], cols: int = 3) -> go.Figure:
    """``feature_distribution`` of several features in a grid (titles from each frame's
    ``attrs["feature"]``)."""
    rows = max(1, -(-len(frames) // cols))
    titles = [str(f.attrs.get("feature", "")) for f in frames]
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=titles)
    for i, frame in enumerate(frames):
        for trace in _reference_bars(frame, legend=i == 0):
            fig.add_trace(trace, row=i // cols + 1, col=i % cols + 1)
    return layout(fig, "Reference vs window", barmode="overlay", height=300 * rows)


REASON_BARS = 12  # codes shown in the reason mix chart


def reason_mix(mix: pd.DataFrame) -> go.Figure:
    """Reason drift: per reason code (the most cited of the window or the reference first),
    the share of refusals given it in the window and in the training reference."""
    top = mix.assign(_key=mix[["share", "reference_share"]].max(axis=1))
    rows = top.nlargest(REASON_BARS, "_key").iloc[::-1]
    labels = [f"{c} · {t}" for c, t in zip(rows["code"], rows["text"], strict=True)]
    fig = go.Figure([
        go.Bar(x=rows["reference_share"], y=labels, orientation="h", name="training reference",
               marker_color=REFERENCE_COLOR),
        go.Bar(x=rows["share"], y=labels, orientation="h", name="this window",
               marker_color=CURRENT_COLOR),
    ])
    return layout(fig, "Reasons given for refusals: window against reference", barmode="group",
                  xaxis_tickformat=".0%", xaxis_title="share of refused applications",
                  height=max(320, 40 * len(rows) + 120))
