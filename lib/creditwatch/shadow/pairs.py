"""The (champion, challenger) score pairs of a range, read from the analytics copy.

One query joins each shadow score to the prediction it shadows (by request id) and to that
prediction's current outcome (the latest, as ``Analytics.labelled``), on the fairness clock
(``received_at``: the shadow saw the traffic when it was received). Numbers only, oldest
first, plus the protected attributes' raw fields (segments and ``DAYS_BIRTH``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from creditwatch.analytics.fairness import CLOCK, COPY_COLUMNS
from creditwatch.analytics.layer import Analytics
from creditwatch.windows import Window


@dataclass(frozen=True)
class Pairs:
    """Shadowed predictions, oldest first (by ``CLOCK``, then id)."""

    clock: np.ndarray  # datetime64[us], naive UTC
    champion_version: np.ndarray  # object
    challenger_version: np.ndarray  # object
    p_champion: np.ndarray
    t_champion: np.ndarray
    p_challenger: np.ndarray
    t_challenger: np.ndarray
    defaulted: np.ndarray  # 0/1, NaN without an outcome
    fields: pd.DataFrame  # the protected attributes' raw fields, by application field name

    def slice(self, window: Window, challenger: str) -> np.ndarray:
        """Positions of ``window``'s pairs scored by ``challenger``."""
        lo, hi = (np.datetime64(t.replace(tzinfo=None), "us") for t in window.bounds)
        inside = (self.clock >= lo) & (self.clock < hi) & (self.challenger_version == challenger)
        return np.flatnonzero(inside)


def read_pairs(analytics: Analytics, start: datetime, end: datetime,
               challenger: str | None = None) -> Pairs:
    """The shadowed predictions received in ``[start, end)`` (of ``challenger`` only, when
    given)."""
    params: dict[str, Any] = {}
    where = analytics._bounds(f"p.{CLOCK}", Window(start, end), params)
    if challenger is not None:
        where += " AND s.model_version = $challenger"
        params["challenger"] = challenger
    raw = ", ".join(f"p.{column} AS \"{field}\"" for field, column in COPY_COLUMNS.items())
    frame = analytics._query(f"""
        WITH latest AS (SELECT prediction_id, arg_max(defaulted, id) AS defaulted
                        FROM outcomes GROUP BY 1)
        SELECT epoch_us(p.{CLOCK}) AS clock, p.model_version AS champion_version,
               s.model_version AS challenger_version, p.probability AS p_champion,
               p.threshold AS t_champion, s.probability AS p_challenger,
               s.threshold AS t_challenger, l.defaulted::DOUBLE AS defaulted, {raw}
        FROM predictions AS p
        JOIN shadow_predictions AS s ON s.request_id = p.request_id
        LEFT JOIN latest AS l ON l.prediction_id = p.id
        WHERE {where} ORDER BY p.{CLOCK}, p.id, s.model_version""", params)
    f64 = np.float64
    return Pairs(
        frame["clock"].to_numpy(np.int64).astype("datetime64[us]"),
        frame["champion_version"].to_numpy(object), frame["challenger_version"].to_numpy(object),
        frame["p_champion"].to_numpy(f64), frame["t_champion"].to_numpy(f64),
        frame["p_challenger"].to_numpy(f64), frame["t_challenger"].to_numpy(f64),
        frame["defaulted"].to_numpy(f64, na_value=np.nan),
        frame[list(COPY_COLUMNS)].reset_index(drop=True))
