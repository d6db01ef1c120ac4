"""Time windows and durations: one grammar, one ``Window``, one chunker.

    from creditwatch.windows import Window, Chunker, parse_duration, resolve_period
    parse_duration("6h")                     # timedelta(hours=6); s, m, h, d, w
    parse_time("2026-03-01T12:00Z")          # aware UTC; naive ISO text means UTC
    parse_moment("7d")                       # seven days ago (or an ISO time)
    resolve_period("7d")                     # Window of the last 7 days, label "7d"
    Chunker.consecutive(timedelta(days=1), since, until)   # aligned daily windows

Modules: ``parse`` (the grammar, ISO times, UTC), ``window`` (``Window``), ``chunker``
(aligned windows), ``period`` (what "7d" or "all" means). The commands' shared options
(``--days``, ``--hours``, ``--since``, ``--until``, ``--every``) are in
``creditwatch.cli.options``.
"""

from __future__ import annotations

from creditwatch.windows.chunker import Chunker
from creditwatch.windows.parse import (
    DURATION,
    DURATION_HELP,
    WindowError,
    parse_duration,
    parse_moment,
    parse_time,
    to_utc,
)
from creditwatch.windows.period import NAMED, Period, resolve_period
from creditwatch.windows.window import Window

__all__ = ["DURATION", "DURATION_HELP", "NAMED", "Chunker", "Period", "Window", "WindowError",
           "parse_duration", "parse_moment", "parse_time", "resolve_period", "to_utc"]
