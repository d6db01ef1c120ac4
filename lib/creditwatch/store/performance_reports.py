"""Performance reports (written by ``performance.monitor``): one row per window of
application time and model version.

    store.write_performance_report(row)          # replaces the row of the same window+version
    store.read_performance_reports(start, end)    # DataFrame by window, without ``result``
    store.latest_performance_reports()            # {model_version: newest window's row}
    store.latest_performance_report()             # the newest window's row, any version

``latest_performance_reports`` is the simple read for gauges and health lines: for each model
version, the report of its most recent window (the largest ``window_end``; among equal ends
the shortest window, then the newest computation), every column but the bulky ``result``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import delete, select

from creditwatch.store._base import StoreBase, window
from creditwatch.store.models import PERFORMANCE_REPORTS
from creditwatch.store.records import report_row

_T = PERFORMANCE_REPORTS
_KEYS = frozenset(_T.c.keys()) - {"id"}
_SUMMARY = [c for c in _T.c if c.key != "result"]


def _row(report: Mapping[str, Any]) -> dict[str, Any]:
    return report_row(report, _KEYS, "performance")


class PerformanceReportsMixin(StoreBase):
    def write_performance_report(self, report: Mapping[str, Any]) -> int:
        """Store one window's report (keys: the ``performance_reports`` columns; NaN stored
        as NULL; ``created_at`` defaults to now), replacing any report of the same window
        and model version in the same transaction; returns its id."""
        return self.write_performance_reports([report])[0]

    def write_performance_reports(self, reports: Sequence[Mapping[str, Any]]) -> list[int]:
        """``write_performance_report`` for several reports in one transaction (a history):
        all are stored, or none (a bad one is refused before anything is written)."""
        rows = [_row(report) for report in reports]
        ids = []
        with self._write() as conn:
            for row in rows:
                conn.execute(delete(_T).where(_T.c.window_start == row["window_start"],
                                              _T.c.window_end == row["window_end"],
                                              _T.c.model_version == row["model_version"]))
                ids.append(int(conn.execute(_T.insert().returning(_T.c.id), row).scalar_one()))
        return ids

    def get_performance_report(self, report_id: int) -> dict[str, Any] | None:
        """One report with its full ``result``, or None."""
        with self.engine.connect() as conn:
            found = conn.execute(select(_T).where(_T.c.id == report_id)).mappings().one_or_none()
        return dict(found) if found is not None else None

    def read_performance_reports(
        self,
        start: datetime | None = None,
        end: datetime | None = None,
        *,
        model_version: str | None = None,
        created: tuple[datetime, datetime] | None = None,
        result: bool = False,
    ) -> pd.DataFrame:
        """Reports whose window starts in ``[start, end)`` (and, given ``created``, that were
        computed in that ``[from, to)``), oldest window first; ``result`` only when asked."""
        columns = list(_T.c) if result else _SUMMARY
        stmt = select(*columns).where(*window(_T.c.window_start, start, end))
        if created is not None:
            stmt = stmt.where(*window(_T.c.created_at, *created))
        if model_version is not None:
            stmt = stmt.where(_T.c.model_version == model_version)
        return self._frame(stmt.order_by(_T.c.window_start, _T.c.window_end, _T.c.id))

    def latest_performance_reports(self) -> dict[str, dict[str, Any]]:
        """For each model version, the report of its most recent window (see the module
        docstring), without ``result``; {} when there is none."""
        stmt = select(*_SUMMARY).order_by(_T.c.model_version, _T.c.window_end.desc(),
                                          _T.c.window_start.desc(), _T.c.created_at.desc(),
                                          _T.c.id.desc())
        latest: dict[str, dict[str, Any]] = {}
        with self.engine.connect() as conn:
            for row in conn.execute(stmt).mappings():
                latest.setdefault(row["model_version"], dict(row))
        return latest

    def latest_performance_report(self) -> dict[str, Any] | None:
        """The report of the most recent window of any model version (latest end, then
        latest computed), without ``result``; None when there is none."""
        latest = list(self.latest_performance_reports().values())
        return max(latest, key=lambda r: (r["window_end"], r["created_at"])) if latest else None
