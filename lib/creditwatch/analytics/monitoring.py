"""Drift history (the drift engine's ``drift_reports``) and fired alerts."""

from __future__ import annotations

from typing import Any

import pandas as pd

from creditwatch.analytics.core import AnalyticsBase
from creditwatch.windows import Period

_REPORT_COLUMNS = ("id, created_at, window_start, window_end, model_version, n_reference, "
                   "n_predictions, n_features_analyzed, n_features_drifted, drift_share, "
                   "weighted_drift_score, status, report_path, json_path")
# FROM clause of the most recently created drift report (the latest verdict).
LATEST_REPORT = "FROM drift_reports ORDER BY created_at DESC, id DESC LIMIT 1"


class MonitoringMixin(AnalyticsBase):
    def drift_history(self, period: Period = "30d", *, latest_per_window: bool = True
                      ) -> pd.DataFrame:
        """Drift reports whose window starts in the period, by window. With
        ``latest_per_window`` a window checked several times keeps its latest report."""
        params: dict[str, Any] = {}
        where = self._bounds("window_start", self.window(period), params)
        keep = ("QUALIFY row_number() OVER (PARTITION BY window_start, window_end, "
                "model_version ORDER BY created_at DESC, id DESC) = 1") if latest_per_window else ""
        return self._query(f"""
            SELECT {_REPORT_COLUMNS} FROM drift_reports WHERE {where} {keep}
            ORDER BY window_start, window_end, created_at, id""", params)

    def latest_drift(self) -> dict[str, Any] | None:
        """The most recently created drift report (summary columns), or None."""
        row = self._row(f"SELECT {_REPORT_COLUMNS} {LATEST_REPORT}")
        return row or None

    def alerts(self, period: Period = "7d") -> pd.DataFrame:
        """Alerts fired in the period, newest first."""
        params: dict[str, Any] = {}
        where = self._bounds("fired_at", self.window(period), params)
        return self._query(f"""
            SELECT fired_at, kind, severity, message, value, threshold, window_start,
                   window_end, dedup_key
            FROM alerts WHERE {where} ORDER BY fired_at DESC, id DESC""", params)

    def alert_counts(self, period: Period = "7d") -> pd.DataFrame:
        """Alerts fired in the period per kind and severity."""
        params: dict[str, Any] = {}
        where = self._bounds("fired_at", self.window(period), params)
        return self._query(f"""
            SELECT kind, severity, count(*) AS count, max(fired_at) AS last_fired
            FROM alerts WHERE {where} GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2""", params)
