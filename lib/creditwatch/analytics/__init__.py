"""Monitoring analytics in DuckDB: every aggregate the notebooks and the dashboard show.

    from creditwatch.analytics import Analytics
    a = Analytics(store)                     # or Analytics(settings), Analytics(url)
    a.kpis("7d")                             # totals, previous period and changes, one call
    a.volume("24h"); a.latency_over_time("7d"); a.probability_histogram("30d")

How the data gets to DuckDB (the choice, and why): DuckDB cannot attach the store here. Its
postgres and sqlite scanners are extensions that DuckDB downloads at run time, and this
project has no network but package registries; the extensions published on PyPI are built
for DuckDB 1.x, which DuckDB 2.0 refuses to load. So ``LocalCopy`` (``mirror``) keeps an
in-memory DuckDB copy of only the columns the aggregates read (no raw inputs, except four
applicant segments that the store extracts from the inputs JSON during the pull), pulled
into Arrow (PostgreSQL: ``COPY ... TO STDOUT`` parsed by Arrow's CSV reader; SQLite:
rows to Arrow columns) and refreshed incrementally: each refresh asks only for the rows
with an id above the last one copied. The first call pays the pull (seconds for a million
predictions); later calls cost one small "anything new?" query plus the DuckDB aggregate.
Refreshes are at most one per ``Settings.analytics.refresh_s``; a periodic count check
reloads a table whose store rows were deleted or committed out of id order.
``Analytics(store, since=t)`` copies only the predictions and anomalies received from ``t``
on (what the alert check needs for its window and the one before), and refuses periods
that reach back before ``t``.

Modules: ``fetch`` (store → Arrow), ``tables`` (which columns), ``mirror`` (the copy),
``operations`` / ``business`` / ``monitoring`` / ``features`` (the aggregates by page),
``health`` (each KPI's verdict: its healthy band and the alert it fires; the dashboard, the
reports and the alert check all judge with it). What a period ("7d", "all", bounds) means
is ``creditwatch.windows``' (re-exported here).
"""

from __future__ import annotations

from creditwatch.analytics.business import AMOUNT_BANDS
from creditwatch.analytics.layer import Analytics
from creditwatch.analytics.mirror import LocalCopy, RefreshStats
from creditwatch.analytics.tables import SEGMENTS
from creditwatch.windows import NAMED, Period, Window, WindowError, resolve_period

__all__ = ["AMOUNT_BANDS", "NAMED", "SEGMENTS", "Analytics", "LocalCopy", "Period",
           "RefreshStats", "Window", "WindowError", "resolve_period"]
