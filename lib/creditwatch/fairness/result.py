"""What a fairness run finds, for one protected attribute over one window (no computation
here: ``evaluate`` fills it)."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from creditwatch.fairness.independence import TestResult

TABLE_COLUMNS = (
    "group", "n", "share", "approved", "approval_rate", "air", "air_low", "air_high",
    "mean_score", "labelled", "defaults", "default_rate", "tpr", "fpr", "expected_defaults",
    "calibration_ratio", "calibration_z", "calibration_p", "cost", "cost_per_application",
    "eligible",
)


@dataclass(frozen=True, eq=False)
class AttributeFairness:
    """Per group figures (``table``, one row per group, ``TABLE_COLUMNS``) and the window's
    tests. ``reference``: the most favoured eligible group (highest approval rate); a group
    is *eligible* (may be the reference, may fire an alert) from ``min_group_size`` rows.
    Outcome figures are read on the labelled rows only; ``mature`` says whether enough of the
    window has outcomes for the TPR/FPR gaps to raise an alarm."""

    attribute: str
    start: datetime | None
    end: datetime | None
    level: float
    reference: str | None
    columns: dict[str, np.ndarray]  # TABLE_COLUMNS -> one value per group
    independence: TestResult  # group x decision
    tpr_gap: float  # max - min TPR over eligible groups
    tpr_test: TestResult  # group x refused, among the defaulters
    fpr_gap: float
    fpr_test: TestResult  # group x refused, among the good clients
    labelled_share: float
    mature: bool

    @functools.cached_property
    def table(self) -> pd.DataFrame:
        """One row per group, ``TABLE_COLUMNS`` (built on first use: a history of many
        windows computes every figure but draws few tables)."""
        return pd.DataFrame(self.columns, columns=list(TABLE_COLUMNS))

    @property
    def n(self) -> int:
        return int(self.columns["n"].sum())

    @property
    def worst_air(self) -> pd.Series | None:
        """The eligible non-reference group with the lowest AIR upper bound (None if none)."""
        rows = self.table[self.table["eligible"] & (self.table["group"] != self.reference)]
        rows = rows[rows["air_high"].notna()]
        return None if rows.empty else rows.iloc[int(rows["air_high"].to_numpy().argmin())]

    def stored(self) -> dict[str, Any]:
        """The ``fairness_reports`` row (without id, created_at and params): the summary
        columns, and the whole result (``to_dict``)."""
        worst = self.worst_air
        return {
            "window_start": self.start, "window_end": self.end, "attribute": self.attribute,
            "n_predictions": self.n, "n_labelled": int(self.columns["labelled"].sum()),
            "labelled_share": self.labelled_share, "mature": self.mature,
            "reference": self.reference,
            "worst_group": None if worst is None else str(worst["group"]),
            **{key: None if worst is None else float(worst[column]) for key, column in
               (("worst_air", "air"), ("worst_air_low", "air_low"),
                ("worst_air_high", "air_high"))},
            "independence_p": self.independence.p_value, "tpr_gap": self.tpr_gap,
            "tpr_gap_p": self.tpr_test.p_value, "fpr_gap": self.fpr_gap,
            "fpr_gap_p": self.fpr_test.p_value, "result": self.to_dict(),
        }

    def to_dict(self) -> dict[str, Any]:
        def clean(value: Any) -> Any:
            if isinstance(value, float) and math.isnan(value):
                return None
            return value.item() if hasattr(value, "item") else value

        return {
            "attribute": self.attribute,
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "level": self.level, "reference": self.reference, "n": self.n,
            "groups": [{k: clean(v) for k, v in row.items()}
                       for row in self.table.to_dict("records")],
            "independence": {k: clean(v) for k, v in self.independence.to_dict().items()},
            "tpr_gap": clean(self.tpr_gap),
            "tpr_test": {k: clean(v) for k, v in self.tpr_test.to_dict().items()},
            "fpr_gap": clean(self.fpr_gap),
            "fpr_test": {k: clean(v) for k, v in self.fpr_test.to_dict().items()},
            "labelled_share": clean(self.labelled_share), "mature": self.mature,
        }
