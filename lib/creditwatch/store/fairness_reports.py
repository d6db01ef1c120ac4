"""Fairness reports (written by ``creditwatch fairness run|history``): one row per window of
``received_at`` and protected attribute.

    store.write_fairness_reports(rows)                 # replaces rows of the same window+attribute
    store.read_fairness_reports(start, end)            # DataFrame by window, without ``result``
    store.read_fairness_reports(attribute="AGE_BAND", result=True)

A row (``AttributeFairness.stored()``) holds what a chart or an alert reads at a glance as
typed columns (counts, maturity, the reference group, the group with the lowest AIR upper
bound and its interval, the p-values of the tests) and the whole result, group table
included, in ``result``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import delete, select

from creditwatch.store._base import StoreBase, window
from creditwatch.store.models import FAIRNESS_REPORTS
from creditwatch.store.records import report_row

_T = FAIRNESS_REPORTS
_KEYS = frozenset(_T.c.keys()) - {"id"}
_SUMMARY = [c for c in _T.c if c.key != "result"]


def _row(report: Mapping[str, Any]) -> dict[str, Any]:
    return report_row(report, _KEYS, "fairness")


class FairnessReportsMixin(StoreBase):
    def write_fairness_reports(self, reports: Sequence[Mapping[str, Any]]) -> list[int]:
        """Store reports (keys: the ``fairness_reports`` columns; NaN stored as NULL;
        ``created_at`` defaults to now) in one transaction, each replacing the report of the
        same window and attribute: all are stored, or none (a bad one is refused before
        anything is written). Returns their ids."""
        rows = [_row(report) for report in reports]
        ids = []
        with self._write() as conn:
            for row in rows:
                conn.execute(delete(_T).where(_T.c.window_start == row["window_start"],
                                              _T.c.window_end == row["window_end"],
                                              _T.c.attribute == row["attribute"]))
                ids.append(int(conn.execute(_T.insert().returning(_T.c.id), row).scalar_one()))
        return ids

    def read_fairness_reports(
        self,
        start: datetime | None = None,
        end: datetime | None = None,
        *,
        attribute: str | None = None,
        result: bool = False,
    ) -> pd.DataFrame:
        """Reports whose window starts in ``[start, end)``, oldest window first (then by
        attribute); ``result`` only when asked."""
        columns = list(_T.c) if result else _SUMMARY
        stmt = select(*columns).where(*window(_T.c.window_start, start, end))
        if attribute is not None:
            stmt = stmt.where(_T.c.attribute == attribute)
        return self._frame(stmt.order_by(_T.c.window_start, _T.c.window_end, _T.c.attribute))
