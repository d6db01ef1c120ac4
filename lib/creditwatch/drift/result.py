"""The result of comparing one window with the reference: per-column rows and a summary.

Built to be stored as is: ``to_dict()`` is plain JSON (NaN becomes ``null``) and ``from_dict``
gives back an equal result, so the drift history (``drift_reports``) can keep the summary as
columns and the per-column rows as JSON, and charts read them back without recomputing.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd

from creditwatch.drift import ranking


class DriftStatus(StrEnum):
    """Verdict of a window, from its drift share (thresholds configurable)."""

    OK = "OK"  # drift share below the warning share
    WARNING = "WARNING"  # from the warning share up to the alert share, both included
    ALERT = "ALERT"  # above the alert share
    INSUFFICIENT_DATA = "INSUFFICIENT_DATA"  # fewer current rows than the minimum, or no column


def share_status(share: float, warning_share: float, alert_share: float) -> DriftStatus:
    """The verdict a drift share earns: OK below ``warning_share``, WARNING from it up to
    ``alert_share`` (both included), ALERT above (``analytics.health`` judges with it too)."""
    if share > alert_share:
        return DriftStatus.ALERT
    return DriftStatus.WARNING if share >= warning_share else DriftStatus.OK


# One row per column; dtype of each (object columns hold str or None).
FEATURE_COLUMNS: dict[str, str] = {
    "feature": "object", "kind": "object", "test": "object", "statistic": "float64",
    "p_value": "float64", "p_adjusted": "float64", "effect_name": "object",
    "effect_size": "float64", "psi": "float64", "drifted": "bool", "importance": "float64",
    "n_ref": "int64", "n_cur": "int64", "missing_ref": "float64", "missing_cur": "float64",
    "missing_p_value": "float64", "missing_p_adjusted": "float64", "missing_shift": "bool",
    "reason": "object",
}


@dataclass(frozen=True, slots=True)
class DriftSettings:
    """The thresholds a result was computed with (kept with it, for the history)."""

    alpha: float
    correction: str
    warning_share: float
    alert_share: float
    min_rows: int
    min_missing_change: float  # a missing share must move this much to be a missing shift
    min_effect: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class DriftResult:
    """Per-column drift rows (``features``) and the window's summary."""

    features: pd.DataFrame
    n_rows_reference: int
    n_rows_current: int
    settings: DriftSettings

    @property
    def analyzed(self) -> pd.DataFrame:
        """The rows of the columns that were tested (no exclusion reason)."""
        return self.features[self.features["reason"].isna()]

    @property
    def n_features_analyzed(self) -> int:
        return len(self.analyzed)

    @property
    def n_features_drifted(self) -> int:
        return int(self.features["drifted"].sum())

    @property
    def drift_share(self) -> float:
        n = self.n_features_analyzed
        return self.n_features_drifted / n if n else 0.0

    @property
    def weighted_drift_score(self) -> float:
        """Importance-weighted share of drifted columns (equal weights without importances)."""
        rows = self.analyzed
        if rows.empty:
            return 0.0
        weights: np.ndarray = rows["importance"].to_numpy(dtype=np.float64)
        weights = np.ones(len(rows)) if np.isnan(weights).all() else np.nan_to_num(weights)
        total = weights.sum()
        return float(weights @ rows["drifted"].to_numpy(dtype=np.float64) / total) if total else 0.0

    @property
    def n_missing_shifts(self) -> int:
        return int(self.features["missing_shift"].sum())

    @property
    def status(self) -> DriftStatus:
        s = self.settings
        if self.n_rows_current < s.min_rows or self.n_features_analyzed == 0:
            return DriftStatus.INSUFFICIENT_DATA
        return share_status(self.drift_share, s.warning_share, s.alert_share)

    @property
    def drifted_features(self) -> list[str]:
        return self.features.loc[self.features["drifted"], "feature"].tolist()

    def ranked(self) -> pd.DataFrame:
        """Every column's row in the one order shown everywhere (``ranking.RULE``), with its
        effect size relative to the drift minimum."""
        return ranking.rank(self.features, self.settings.min_effect)

    @property
    def summary(self) -> dict[str, Any]:
        """The window's figures, as stored in one drift_reports row."""
        return {
            "n_rows_reference": self.n_rows_reference,
            "n_rows_current": self.n_rows_current,
            "n_features_analyzed": self.n_features_analyzed,
            "n_features_drifted": self.n_features_drifted,
            "drift_share": self.drift_share,
            "weighted_drift_score": self.weighted_drift_score,
            "n_missing_shifts": self.n_missing_shifts,
            "status": self.status.value,
        }

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form: summary, settings and one record per column (NaN as None)."""
        records = [{k: _plain(v) for k, v in row.items()}
                   for row in self.features.to_dict(orient="records")]
        return {"summary": self.summary, "settings": asdict(self.settings),
                "features": records}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DriftResult:
        """The result ``to_dict`` described (the summary is recomputed from the rows)."""
        summary = data["summary"]
        return cls(features_frame(data["features"]), int(summary["n_rows_reference"]),
                   int(summary["n_rows_current"]), DriftSettings(**data["settings"]))

    def __repr__(self) -> str:
        return (f"DriftResult(status={self.status.value}, drifted={self.n_features_drifted}/"
                f"{self.n_features_analyzed}, share={self.drift_share:.3f}, "
                f"rows={self.n_rows_current})")


def features_frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    """The per-column frame, with the fixed columns and dtypes, from records."""
    columns: dict[str, np.ndarray] = {}
    for name, dtype in FEATURE_COLUMNS.items():
        values = [row.get(name) for row in records]
        if dtype == "float64":  # None (JSON null) becomes NaN
            columns[name] = np.array([np.nan if v is None else v for v in values], dtype=float)
        else:
            columns[name] = np.array(values, dtype=dtype) if values else np.empty(0, dtype)
    return pd.DataFrame(columns)


def _plain(value: Any) -> Any:
    """A JSON-ready Python value: numpy scalars unwrapped, NaN as None."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value
