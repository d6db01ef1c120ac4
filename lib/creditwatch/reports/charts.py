"""Plotly figures of the analytics frames, and ``show`` for notebooks that export offline.

``show(fig)`` puts the figure in the cell output as HTML; the first figure of a kernel
carries plotly.js itself (inline, no CDN), the next ones reuse it, so an executed notebook
and its HTML export display without network access.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from creditwatch.scoring.scorer import APPROVED, REFUSED

COLORS = {APPROVED: "#388E3C", REFUSED: "#D32F2F", "reference": "#1D6A4B",
          "current": "#8B2D2D", "line": "#1B2A4A", "warn": "#F57C00"}
_state = {"plotly_sent": False}


def show(fig: go.Figure) -> None:
    """Display ``fig`` in a notebook, offline-safe (see the module docstring)."""
    from IPython.display import HTML, display

    first = not _state["plotly_sent"]
    html = fig.to_html(full_html=False, include_plotlyjs=first,
                       config={"displaylogo": False, "responsive": True})
    _state["plotly_sent"] = True
    display(HTML(html))


def _layout(fig: go.Figure, title: str, **kw: object) -> go.Figure:
    fig.update_layout(title=title, template="plotly_white", height=kw.pop("height", 380),
                      margin={"l": 50, "r": 20, "t": 60, "b": 40}, **kw)
    return fig


def latency_over_time(frame: pd.DataFrame) -> go.Figure:
    """Mean and P95 of total latency per bucket (from ``Analytics.latency_over_time``)."""
    fig = go.Figure()
    fig.add_scatter(x=frame["bucket"], y=frame["mean"], name="mean", mode="lines+markers",
                    line={"color": COLORS["line"]})
    fig.add_scatter(x=frame["bucket"], y=frame["p95"], name="P95", mode="lines",
                    line={"color": COLORS[REFUSED], "dash": "dash"})
    return _layout(fig, f"Latency per {frame.attrs.get('freq', 'bucket')} (ms)",
                   yaxis_title="ms")


def volume(frame: pd.DataFrame) -> go.Figure:
    """Predictions and errors per bucket (from ``Analytics.volume``)."""
    fig = go.Figure()
    fig.add_bar(x=frame["bucket"], y=frame["n_predictions"], name="predictions",
                marker_color=COLORS["line"])
    fig.add_bar(x=frame["bucket"], y=frame["n_errors"], name="errors",
                marker_color=COLORS[REFUSED])
    return _layout(fig, f"Volume per {frame.attrs.get('freq', 'bucket')}", barmode="overlay")


def score_distribution(hist: pd.DataFrame, threshold: float | None) -> go.Figure:
    """Probability histogram by decision, with the model's threshold as a vertical line."""
    fig = go.Figure()
    for decision, part in hist.groupby("decision", sort=False):
        fig.add_bar(x=(part["bin_left"] + part["bin_right"]) / 2, y=part["count"],
                    width=(part["bin_right"] - part["bin_left"]).tolist(), name=str(decision),
                    marker_color=COLORS.get(str(decision)))
    if threshold is not None:
        fig.add_vline(x=threshold, line_dash="dash", line_color="black",
                      annotation_text=f"threshold {threshold:.3f}")
    return _layout(fig, "Score distribution by decision", barmode="stack",
                   xaxis_title="probability of default", yaxis_title="predictions")


def decision_split(decisions: pd.DataFrame) -> go.Figure:
    """Donut of decisions (from ``Analytics.decisions``)."""
    fig = go.Figure(go.Pie(labels=decisions["decision"], values=decisions["count"], hole=0.5,
                           marker_colors=[COLORS.get(d, "#999") for d in decisions["decision"]]))
    return _layout(fig, "Decision split", height=340)


def confidence(levels: pd.DataFrame) -> go.Figure:
    fig = go.Figure(go.Bar(x=levels["confidence"], y=levels["count"],
                           marker_color=COLORS["line"]))
    return _layout(fig, "Confidence levels", height=320)


def drift_history(history: pd.DataFrame, alert_share: float) -> go.Figure:
    """Drift share (and importance-weighted score) per window, with the alert line; windows
    with too few predictions for a verdict are left out (their share would read as 0)."""
    history = history[history["status"] != "INSUFFICIENT_DATA"]
    fig = go.Figure()
    fig.add_scatter(x=history["window_end"], y=history["drift_share"], name="drift share",
                    mode="lines+markers", line={"color": COLORS["line"]})
    fig.add_scatter(x=history["window_end"], y=history["weighted_drift_score"],
                    name="weighted score", mode="lines", line={"dash": "dot"})
    fig.add_hline(y=alert_share, line_dash="dash", line_color=COLORS[REFUSED],
                  annotation_text=f"alert {alert_share:.0%}")
    return _layout(fig, "Drift history", yaxis_tickformat=".0%", yaxis_title="share of features")


def drift_bars(features: pd.DataFrame, top: int = 20) -> go.Figure:
    """The ``top`` columns by test statistic, drifted ones in red (a drift result's rows)."""
    rows = features[features["statistic"].notna()].nlargest(top, "statistic")[::-1]
    colors = [COLORS[REFUSED] if d else COLORS[APPROVED] for d in rows["drifted"]]
    labels = [f"{f} ({t})" for f, t in zip(rows["feature"], rows["test"], strict=True)]
    fig = go.Figure(go.Bar(x=rows["statistic"], y=labels, orientation="h", marker_color=colors))
    return _layout(fig, f"Top {len(rows)} columns by test statistic (red: drifted)",
                   height=max(320, 22 * len(rows) + 100), xaxis_title="statistic")


def distributions(frames: list[pd.DataFrame], cols: int = 3) -> go.Figure:
    """Reference vs window shares for several features (``Analytics.feature_distribution``)."""
    rows = max(1, -(-len(frames) // cols))
    titles = [str(f.attrs.get("feature", "")) for f in frames]
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=titles)
    for i, frame in enumerate(frames):
        r, c = i // cols + 1, i % cols + 1
        x = frame["category"] if "category" in frame else (frame["bin_left"] + frame["bin_right"]) / 2
        for side in ("reference", "current"):
            fig.add_bar(x=x, y=frame[f"{side}_share"], name=side, row=r, col=c,
                        marker_color=COLORS[side], opacity=0.65, showlegend=i == 0)
    return _layout(fig, "Reference vs window", barmode="overlay", height=300 * rows)


def batches(frame: pd.DataFrame) -> go.Figure:
    """A simulation's batches: answered, rejected and not sent, with the approval rate."""
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    for column, color in (("accepted", COLORS[APPROVED]), ("rejected", COLORS["warn"]),
                          ("server_errors", COLORS[REFUSED]), ("not_sent", "#999")):
        fig.add_bar(x=frame["batch"], y=frame[column], name=column, marker_color=color)
    fig.add_scatter(x=frame["batch"], y=frame["approval_rate"], name="approval rate",
                    mode="lines+markers", secondary_y=True, line={"color": COLORS["line"]})
    fig.update_yaxes(tickformat=".0%", secondary_y=True)
    return _layout(fig, "Simulation batches", barmode="stack", xaxis_title="batch")


def lines(frame: pd.DataFrame, x: str, title: str) -> go.Figure:
    """Every other column of ``frame`` as a line against ``x``."""
    fig = go.Figure()
    for column in frame.columns:
        if column != x:
            fig.add_scatter(x=frame[x], y=frame[column], name=str(column), mode="lines+markers")
    return _layout(fig, title)
