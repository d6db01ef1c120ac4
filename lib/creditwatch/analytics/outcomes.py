"""Outcomes joined to their predictions: the labelled view every outcome-based figure reads.

A prediction's outcome is its latest one (the highest outcome id: corrections keep their
history, the last received counts); a prediction without one has ``defaulted`` NULL. Rows
are cohorts by ``application_time`` when the copy's clock is application time (model
performance and fairness are judged on the applications made in a window, whenever their
outcome arrived). Outcomes repeat their prediction's application time, so a window reads
only its own outcomes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from creditwatch.analytics.core import AnalyticsBase
from creditwatch.analytics.tables import SEGMENTS
from creditwatch.windows import Period

LABELLED_COLUMNS = ("id", "application_time", "received_at", "model_version", "probability",
                    "decision", "threshold", *SEGMENTS, "days_birth")


class OutcomesMixin(AnalyticsBase):
    def labelled(self, period: Period = "30d", *, model_version: str | None = None,
                 columns: Sequence[str] = LABELLED_COLUMNS) -> pd.DataFrame:
        """The period's predictions (``columns``, by default ``LABELLED_COLUMNS``) with their
        current outcome: ``defaulted`` (0/1, NULL when none yet) and ``observed_at``; oldest
        first."""
        unknown = set(columns) - set(LABELLED_COLUMNS)
        if unknown:
            raise ValueError(f"unknown labelled columns: {sorted(unknown)}")
        window = self.window(period)
        self._covered(self.time_column, window.start)
        params: dict[str, Any] = {}
        where = self._bounds(f"p.{self.time_column}", window, params, "p")
        where_o = self._bounds("application_time", window, params, "o") \
            if self.time_column == "application_time" else "TRUE"
        if model_version is not None:
            where += " AND p.model_version = $model_version"
            params["model_version"] = model_version
        selected = ", ".join(f"p.{c}" for c in columns)
        return self._query(f"""
            WITH latest AS (
                SELECT prediction_id, arg_max(defaulted, id) AS defaulted,
                       arg_max(observed_at, id) AS observed_at
                FROM outcomes WHERE {where_o} GROUP BY 1)
            SELECT {selected}, l.defaulted, l.observed_at
            FROM predictions AS p LEFT JOIN latest AS l ON l.prediction_id = p.id
            WHERE {where} ORDER BY p.{self.time_column}, p.id""", params)
