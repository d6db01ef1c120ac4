"""Charts of time buckets (``Analytics.volume``, ``Analytics.latency_over_time``).

Each bucket is a bar spanning its whole width (minute, hour or day: the frame's
``attrs["freq"]``), on an axis that covers whole buckets and puts its ticks on bucket
boundaries, so one bucket reads as one hour-long (or day-long) bar rather than as a point on
a sub-millisecond axis. Each bar has a one-pixel outline of its colour, so that a month of
hourly buckets (several bars per pixel) still shows.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from creditwatch.analytics.core import BUCKET_US
from creditwatch.figures.style import ALERT_COLOR, BLUE, PURPLE, RED, layout

MAX_TICKS = 8
# Tick steps, smallest first: the first that is a whole number of buckets and leaves at most
# MAX_TICKS ticks is used (a multiple of 28 days beyond).
TICK_STEPS = tuple(pd.Timedelta(step) for step in (
    "1min", "2min", "5min", "10min", "15min", "30min", "1h", "2h", "3h", "6h", "12h", "1D",
    "2D", "7D", "14D", "28D"))
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


def tick_step(span: pd.Timedelta, width: pd.Timedelta) -> pd.Timedelta:
    """The first of ``TICK_STEPS`` that is a whole number of buckets and cuts ``span`` in at
    most ``MAX_TICKS``; beyond them, a multiple of 28 days."""
    for step in TICK_STEPS:
        if step % width == pd.Timedelta(0) and span / step <= MAX_TICKS:
            return step
    return TICK_STEPS[-1] * math.ceil(span / (TICK_STEPS[-1] * MAX_TICKS))


def bucket_axis(frame: pd.DataFrame) -> dict[str, Any]:
    """Layout of the x axis: whole buckets from the first to the last, at most
    ``MAX_TICKS`` ticks on bucket boundaries (whole hours, midnights...), labelled to the
    precision of their step."""
    freq = bucket_freq(frame)
    width = pd.Timedelta(microseconds=BUCKET_US[freq])
    axis: dict[str, Any] = {"type": "date", "hoverformat": HOVER_FORMATS[freq]}
    if frame.empty:
        return axis
    first, end = frame["bucket"].min(), frame["bucket"].max() + width
    step = tick_step(end - first, width)
    day, hour = pd.Timedelta("1D"), pd.Timedelta("1h")
    axis.update(range=[first, end], dtick=step / pd.Timedelta(milliseconds=1),
                tick0=first.floor("D" if step >= day else step),
                tickformat="%b %d" if step >= day else "%H:%M<br>%b %d" if step >= hour
                else "%H:%M")
    return axis


def _bars(frame: pd.DataFrame, column: str, name: str, color: str) -> go.Bar:
    """One bar per bucket, from its start over its width (less the gap), outlined."""
    width_ms = BUCKET_US[bucket_freq(frame)] / 1000
    return go.Bar(x=frame["bucket"], y=frame[column], name=name, width=width_ms * (1 - GAP),
                  offset=width_ms * GAP / 2,
                  marker={"color": color, "line": {"color": color, "width": 1}})


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
