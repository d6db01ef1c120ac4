"""``show`` for notebooks that export offline (the figures are ``creditwatch.figures``).

``show(fig)`` puts the figure in the cell output as HTML; the first figure of a kernel
carries plotly.js itself (inline, no CDN), the next ones reuse it, so an executed notebook
and its HTML export display without network access.
"""

from __future__ import annotations

import plotly.graph_objects as go

_state = {"plotly_sent": False}


def show(fig: go.Figure) -> None:
    """Display ``fig`` in a notebook, offline-safe (see the module docstring)."""
    from IPython.display import HTML, display

    first = not _state["plotly_sent"]
    html = fig.to_html(full_html=False, include_plotlyjs=first,
                       config={"displaylogo": False, "responsive": True})
    _state["plotly_sent"] = True
    display(HTML(html))
