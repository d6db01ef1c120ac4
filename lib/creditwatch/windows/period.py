"""Periods: what "24h", "7d", "30d", "all" or explicit bounds mean as a window.

A relative period is a duration (``creditwatch.windows.parse``) ending now, or at the
``now`` given for reproducible reports; its previous period is the window of the same
length just before, which is what period-over-period changes compare with ("all" has none).
"""

from __future__ import annotations

from datetime import datetime

from creditwatch.windows.chunker import Chunker
from creditwatch.windows.parse import DURATION_HELP, WindowError, parse_duration
from creditwatch.windows.window import Window

NAMED = ("24h", "7d", "30d", "all")  # the dashboard's choices

Period = str | Window | tuple[datetime | None, datetime | None]


def resolve_period(period: Period, now: datetime | None = None) -> Window:
    """``"24h"``, ``"7d"``, ``"30d"``, any duration, ``"all"``, a ``Window``, or a
    ``(start, end)`` pair of aware datetimes (either may be None) as a ``Window``."""
    if isinstance(period, Window):
        return period
    if isinstance(period, tuple):
        if len(period) != 2:
            raise WindowError(f"an explicit period is (start, end), got {period!r}")
        return Window(*period)
    if not isinstance(period, str):
        raise WindowError(f"a period is a string such as '7d', a Window or (start, end); "
                          f"got {period!r}")
    text = period.strip().lower()
    if text == "all":
        return Window(None, None, "all")
    try:
        span = parse_duration(text)
    except WindowError:
        raise WindowError(f"unknown period {period!r}: use all, a duration ({DURATION_HELP}) "
                          "or explicit (start, end) bounds") from None
    return Chunker.last(span, now=now, label=text)
