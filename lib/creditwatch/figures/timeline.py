"""Charts of time buckets (``Analytics.volume``, ``Analytics.latency_over_time``).

Each bucket is a bar spanning its whole width (minute, hour or day: the frame's
``attrs["freq"]``), on an axis that covers whole buckets and puts its ticks on bucket
boundaries, so one bucket reads as one hour-long (or day-long) bar rather than as a point on
a sub-millisecond axis.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from creditwatch.analytics.core import BUCKET_US
from creditwatch.figures.style import ALERT_COLOR, BLUE, PURPLE, RED, layout

MAX_TICKS = 8
TICK_FORMATS = {"minute": "%H:%M", "hour": "%b %d %H:%M", "day": "%b %d"}
HOVER_FORMATS = {"minute": "%Y-%m-%d %H:%M", "hour": "%Y-%m-%d %H:%M", "day": "%Y-%m-%d"}
GAP = 0.1  # share of a bucket left between two bars


def bucket_freq(frame: pd.DataFrame) -> str:
    """The frame's bucket size: its ``freq`` attribute, else the smallest step between
    buckets, else an hour."""
    freq = frame.attrs.get("freq")
    if freq in BUCKET_US:
        return str(freq)
    steps = pd.Series(frame["bucket"]).sort_values().diff().dropna()
    if len(steps):
        step_us = steps.min() / pd.Timedelta(microseconds=1)
        return min(BUCKET_US, key=lambda unit: abs(BUCKET_US[unit] - step_us))
    return "hour"


def bucket_axis(frame: pd.DataFrame) -> dict[str, Any]:
    """Layout of the x axis: whole buckets from the first to the last, at most ``MAX_TICKS``
    ticks, each on a bucket boundary, labelled to the bucket's precision."""
    freq = bucket_freq(frame)
    width = pd.Timedelta(microseconds=BUCKET_US[freq])
    axis: dict[str, Any] = {"type": "date", "hoverformat": HOVER_FORMATS[freq]}
    if frame.empty:
        return axis
    first, last = frame["bucket"].min(), frame["bucket"].max()
    n = round((last - first) / width) + 1
    axis.update(range=[first, last + width], tick0=first, tickformat=TICK_FORMATS[freq],
                dtick=width.total_seconds() * 1000 * math.ceil(n / MAX_TICKS))
    return axis


def _bars(frame: pd.DataFrame, column: str, name: str, color: str) -> go.Bar:
    """One bar per bucket, from its start over its width (less the gap)."""
    width_ms = BUCKET_US[bucket_freq(frame)] / 1000
    return go.Bar(x=frame["bucket"], y=frame[column], name=name, marker_color=color,
                  width=width_ms * (1 - GAP), offset=width_ms * GAP / 2)


def volume(frame: pd.DataFrame) -> go.Figure:
    """Answered predictions and rejected or failed requests per bucket, stacked: the bar is
    every scoring request of the bucket."""
    fig = go.Figure([_bars(frame, "n_predictions", "predictions", BLUE),
                     _bars(frame, "n_errors", "rejected or failed", RED)])
    return layout(fig, f"Volume per {bucket_freq(frame)}", barmode="stack",
                  yaxis_title="requests", xaxis=bucket_axis(frame))


def latency_over_time(frame: pd.DataFrame, p95_alert_ms: float | None = None) -> go.Figure:
    """Mean total latency per bucket as bars, P95 as a marker in the middle of each; the P95
    alert line once P95 comes within half of it (drawn always, it would flatten
    millisecond-scale bars against a far-away line)."""
    middle = frame["bucket"] + pd.Timedelta(microseconds=BUCKET_US[bucket_freq(frame)] / 2)
    fig = go.Figure([
        _bars(frame, "mean", "mean", BLUE),
        go.Scatter(x=middle, y=frame["p95"], name="P95", mode="lines+markers",
                   line={"color": PURPLE, "dash": "dot"}, marker={"symbol": "diamond"}),
    ])
    if p95_alert_ms is not None and not frame.empty and frame["p95"].max() >= p95_alert_ms / 2:
        fig.add_hline(y=p95_alert_ms, line={"color": ALERT_COLOR, "dash": "dash"},
                      annotation_text=f"P95 alert {p95_alert_ms:g} ms")
    return layout(fig, f"Total latency per {bucket_freq(frame)}", yaxis_title="ms",
                  xaxis=bucket_axis(frame))
