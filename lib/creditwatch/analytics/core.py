"""What every group of aggregates shares: the local copy, its refresh policy, periods, and
running one DuckDB query into a DataFrame."""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd

from creditwatch.analytics.mirror import LocalCopy, RefreshStats
from creditwatch.analytics.tables import CLOCKS
from creditwatch.config import Settings, get_settings
from creditwatch.store import Store
from creditwatch.windows import Period, Window, WindowError, resolve_period

TIME_COLUMNS = ("received_at", "application_time")
FREQS = ("minute", "hour", "day")
# Bucket widths in microseconds: buckets are computed on the integer epoch (UTC), several
# times faster than date_trunc on time-zone-aware timestamps.
BUCKET_US = {"minute": 60_000_000, "hour": 3_600_000_000, "day": 86_400_000_000}


class AnalyticsBase:
    """Holds the store, the settings and the local DuckDB copy."""

    def __init__(
        self,
        source: Store | Settings | str | None = None,
        *,
        settings: Settings | None = None,
        time_column: str = "received_at",
        refresh_s: float | None = None,
        full_check_s: float | None = None,
        now: datetime | None = None,
        since: datetime | None = None,
        tables: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        if time_column not in TIME_COLUMNS:
            raise ValueError(f"time_column must be one of {TIME_COLUMNS}, not {time_column!r}")
        if since is not None and time_column not in CLOCKS:
            raise ValueError("a copy kept from `since` on keeps predictions by received_at: "
                             f"time_column must be received_at, not {time_column!r}")
        if isinstance(source, Settings):
            settings = settings or source
        self.settings = settings or get_settings()
        if isinstance(source, Store):
            self.store, self._owns_store = source, False
        elif isinstance(source, str):
            self.store, self._owns_store = Store(source, auto_migrate=False), True
        else:
            self.store, self._owns_store = Store.from_settings(self.settings), True
        self.time_column = time_column
        self.refresh_s = self.settings.analytics.refresh_s if refresh_s is None else refresh_s
        check = self.settings.analytics.full_check_s if full_check_s is None else full_check_s
        # ``tables``: a copy of those tables and columns only (see ``LocalCopy``)
        self.copy = LocalCopy(self.store, full_check_s=check, since=since, tables=tables)
        self.fixed_now = now  # relative periods end here instead of the wall clock

    # -- refresh -------------------------------------------------------------------------
    def refresh(self, *, full: bool = False) -> RefreshStats:
        """Pull the rows added to the store since the last refresh (all of them if ``full``)."""
        return self.copy.refresh(full=full)

    def _fresh(self) -> None:
        if time.monotonic() - self.copy.last_refresh >= self.refresh_s:
            self.copy.refresh()

    # -- periods -------------------------------------------------------------------------
    def window(self, period: Period) -> Window:
        """The ``Window`` a period stands for now."""
        return resolve_period(period, self.fixed_now)

    def _bounds(self, column: str, window: Window | None, params: dict[str, Any],
                tag: str = "") -> str:
        """SQL conditions for ``window`` on ``column`` (binding ``params``; ``tag`` keeps the
        parameter names of several windows apart), or ``TRUE``."""
        self._covered(column, window.start if window is not None else None)
        if window is None:
            return "TRUE"
        parts = []
        if window.start is not None:
            params[f"start{tag}"] = window.start
            parts.append(f"{column} >= $start{tag}")
        if window.end is not None:
            params[f"end{tag}"] = window.end
            parts.append(f"{column} < $end{tag}")
        return " AND ".join(parts) or "TRUE"

    def _covered(self, column: str, start: datetime | None) -> None:
        """Raise ``WindowError`` when a copy kept from ``since`` on (see ``LocalCopy``)
        cannot answer for ``column`` from ``start`` on: it holds no older rows."""
        since = self.copy.since
        if since is not None and column in CLOCKS and (start is None or start < since):
            raise WindowError(f"this analytics copy holds {column} from "
                              f"{since:%Y-%m-%d %H:%M:%S} UTC on only")

    def _freq(self, freq: str, window: Window, column: str, table: str) -> str:
        """A bucket size: the one asked, or for ``auto`` minutes up to 3 hours, hours up to
        8 days, days beyond (at most ~200 buckets up to a day's span per bucket)."""
        if freq in FREQS:
            return freq
        if freq != "auto":
            raise WindowError(f"freq must be auto or one of {FREQS}, not {freq!r}")
        span = window.span
        if span is None:
            params: dict[str, Any] = {}
            where = self._bounds(column, window, params)
            lo, hi = self._query(f"SELECT min({column}), max({column}) FROM {table} WHERE {where}",
                                 params).iloc[0]
            span = (hi - lo).to_pytimedelta() if not pd.isna(lo) else timedelta(0)
        if span <= timedelta(hours=3):
            return "minute"
        return "hour" if span <= timedelta(days=8) else "day"

    # -- queries -------------------------------------------------------------------------
    def _query(self, sql: str, params: Mapping[str, Any] | None = None) -> pd.DataFrame:
        """Run ``sql`` on the copy (refreshed when due) into a DataFrame."""
        self._fresh()
        with self.copy.lock:
            return self.copy.con.execute(sql, dict(params or {})).df()

    def _row(self, sql: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The one row of ``sql`` as plain Python values (NaN as None)."""
        frame = self._query(sql, params)
        # to_dict keeps each column's own type (iloc[0] would upcast counts to floats).
        return {str(k): plain(v) for k, v in frame.to_dict("records")[0].items()} if len(frame) else {}

    def close(self) -> None:
        self.copy.close()
        if self._owns_store:
            self.store.close()

    def __enter__(self) -> AnalyticsBase:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def plain(value: Any) -> Any:
    """A JSON-ready Python value: numpy scalars unwrapped, NaN/NaT as None, timestamps as
    aware datetimes."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def bucket_key(column: str, unit: str) -> str:
    """SQL for the integer bucket of ``column`` (``bucket_time`` turns it back into time)."""
    return f"epoch_us({column}) // {BUCKET_US[unit]}"


def bucket_time(key: str, unit: str) -> str:
    return f"make_timestamp({key} * {BUCKET_US[unit]})::TIMESTAMPTZ"


def bin_sql(x: str, lo: str, step: str, bins: str) -> str:
    """SQL for the equal-width bin of ``x`` (bins ``[lo + i·step, lo + (i+1)·step)``, the
    last one closed, values beyond folded into the end bins). The floor of the division is
    corrected against the edges themselves, so a value lying exactly on an edge falls in
    the bin that edge opens, as numpy.histogram puts it."""
    raw = f"floor(({x} - {lo}) / {step})"
    fixed = (f"{raw} + CASE WHEN {x} >= {lo} + ({raw} + 1) * {step} THEN 1 "
             f"WHEN {x} < {lo} + {raw} * {step} THEN -1 ELSE 0 END")
    return f"least(greatest({fixed}, 0), {bins} - 1)::INTEGER"
