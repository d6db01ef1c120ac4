"""Charts of a traffic simulation (notebook 02): its batches, and per-batch series."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from creditwatch.figures.style import AMBER, BLUE, GREEN, NEUTRAL, RED, layout


def batches(frame: pd.DataFrame) -> go.Figure:
    """A simulation's batches: answered, rejected and not sent, with the approval rate."""
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    for column, bar_color in (("accepted", GREEN), ("rejected", AMBER), ("server_errors", RED),
                              ("not_sent", NEUTRAL)):
        fig.add_bar(x=frame["batch"], y=frame[column], name=column, marker_color=bar_color)
    fig.add_scatter(x=frame["batch"], y=frame["approval_rate"], name="approval rate",
                    mode="lines+markers", secondary_y=True, line={"color": BLUE})
    fig.update_yaxes(tickformat=".0%", secondary_y=True)
    return layout(fig, "Simulation batches", barmode="stack", xaxis_title="batch")


def lines(frame: pd.DataFrame, x: str, title: str) -> go.Figure:
    """Every other column of ``frame`` as a line against ``x``."""
    fig = go.Figure([go.Scatter(x=frame[x], y=frame[column], name=str(column),
                                mode="lines+markers")
                     for column in frame.columns if column != x])
    return layout(fig, title)
