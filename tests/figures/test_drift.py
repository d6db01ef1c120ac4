"""Drift charts: the history's axis spans its windows, insufficient windows are left out."""

from __future__ import annotations

import pandas as pd

from creditwatch import figures


def _history(ends: list[str], statuses: list[str]) -> pd.DataFrame:
    end = pd.to_datetime(ends, utc=True)
    return pd.DataFrame({"window_start": end - pd.Timedelta("1D"), "window_end": end,
                         "drift_share": 0.2, "weighted_drift_score": 0.3, "status": statuses})


def test_one_window_history_spans_the_window() -> None:
    """A history of one daily window is drawn on an axis covering that day (and a little
    more), not on a sub-second axis around its end."""
    fig = figures.drift_history(_history(["2026-03-10"], ["WARNING"]), 0.3, 0.1)
    start, end = (pd.Timestamp(v) for v in fig.layout.xaxis.range)
    assert start <= pd.Timestamp("2026-03-09", tz="UTC") < pd.Timestamp("2026-03-10", tz="UTC") < end
    assert end - start < pd.Timedelta("2D")


def test_insufficient_windows_are_left_out() -> None:
    """A window without a verdict (too few predictions) draws no point, and the lines are the
    alert and warning shares passed in."""
    fig = figures.drift_history(_history(["2026-03-10", "2026-03-11"],
                                         ["INSUFFICIENT_DATA", "OK"]), 0.3, 0.1)
    assert [len(trace.x) for trace in fig.data] == [1, 1]
    assert sorted(shape.y0 for shape in fig.layout.shapes) == [0.1, 0.3]
