"""The one look of every chart: the palette, what each colour means, and the common layout.

Decision, confidence and HTTP-status colours are defined here once; the dashboard and the
report notebooks draw with them, so APPROVED is the same green everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import plotly.graph_objects as go

from creditwatch.scoring.scorer import APPROVED, CONFIDENCE_LEVELS, REFUSED

GREEN, RED, AMBER = "#2e7d32", "#c62828", "#f9a825"
BLUE, PURPLE, NEUTRAL = "#1565c0", "#6a1b9a", "#9e9e9e"
LIGHT_BLUE, SLATE, ORANGE = "#29b6f6", "#607d8b", "#ef6c00"

DECISION_COLORS = {APPROVED: GREEN, REFUSED: RED}
CONFIDENCE_COLORS = dict(zip(CONFIDENCE_LEVELS.tolist(), (AMBER, LIGHT_BLUE, GREEN), strict=True))
STATUS_COLORS = {"2xx": GREEN, "4xx": AMBER, "5xx": RED}
REFERENCE_COLOR, CURRENT_COLOR = SLATE, ORANGE  # training reference against production
ALERT_COLOR, WARN_COLOR = RED, AMBER  # threshold lines


def color(colors: Mapping[str, str], key: Any) -> str:
    """The colour of ``key`` in ``colors``; neutral grey for anything else."""
    return colors.get(str(key), NEUTRAL)


def layout(fig: go.Figure, title: str, **kw: Any) -> go.Figure:
    """Title, white template, tight margins and a legend under the plot."""
    fig.update_layout(title=title, template="plotly_white",
                      margin={"l": 10, "r": 10, "t": 50, "b": 10},
                      legend={"orientation": "h", "y": -0.2}, **kw)
    return fig
