"""Does a window's input lie where the reference has data? (When to distrust an estimate.)

The label-free estimate trusts the calibrated probabilities: it assumes that among the window's
applications given q, a share q will default, as in the reference. That holds under covariate
shift *inside* the region the model was trained on (P(default | inputs) does not change), but
not where the inputs leave it: there the model extrapolates (a tree model is flat beyond its
last split) and P(default | score) can differ from the reference's, in either direction.

Novelty of a row: the importance-weighted mean of ``z²`` over the model's most important
numeric fields (``coverage_fields``), where ``z = Φ⁻¹(u)`` and ``u`` is the row's mid-rank
quantile among ``GRID`` evenly spaced quantiles of the reference sample (clipped to
``[½/GRID, 1 − ½/GRID]``: a resolution of 1/512 in rank, ample for telling typical rows from
edge ones, and a search in a table that stays in cache instead of the whole sample); missing
values and the DAYS_EMPLOYED sentinel are left out of the mean. A typical row scores about 1;
a row at the edge of the reference on every field scores about 9.6. A row is *outside* the coverage when its
novelty exceeds the ``coverage_quantile`` of the reference rows' own novelty (so about 1 % of
reference-like rows are outside by construction). The estimator widens its band for the
outside rows (``estimate``): the band then says "somewhere in here, if those rows' log-odds
are off by up to ``extrapolation_logit``" instead of a confident wrong number.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.special import ndtri

from creditwatch.schema import DAYS_EMPLOYED_SENTINEL, NUMERIC_FIELDS

GRID = 512  # reference quantiles kept per field
# z² of every possible mid-rank: twice the rank (left + right count) runs over 0 .. 2·GRID
_Z2 = ndtri(np.clip(np.arange(2 * GRID + 1) / (2.0 * GRID), 0.5 / GRID, 1 - 0.5 / GRID)) ** 2


@dataclass(frozen=True)
class CoverageReference:
    """Sorted reference values and weights of the fields novelty reads, and its threshold."""

    fields: tuple[str, ...]
    weights: NDArray[np.float64]
    grids: tuple[NDArray[np.float64], ...]  # GRID reference quantiles per field
    threshold: float

    @classmethod
    def fit(cls, reference: pd.DataFrame, importances: dict[str, float], *, n_fields: int,
            quantile: float) -> CoverageReference:
        """From the bundle's raw reference sample and gain importances."""
        ranked = sorted((f for f in NUMERIC_FIELDS if f in reference.columns),
                        key=lambda f: (-importances.get(f, 0.0), f))[:n_fields]
        grids: list[NDArray[np.float64]] = []
        fields: list[str] = []
        for name in ranked:
            x = _clean(reference, name)
            x = np.sort(x[~np.isnan(x)])
            if len(x):
                positions = ((np.arange(GRID) + 0.5) * len(x) / GRID).astype(np.int64)
                grids.append(x[np.minimum(positions, len(x) - 1)])
                fields.append(name)
        weights = np.array([max(importances.get(f, 0.0), 1e-9) for f in fields])
        draft = cls(tuple(fields), weights / weights.sum(), tuple(grids), np.inf)
        novelty = draft.novelty(reference)
        return cls(draft.fields, draft.weights, draft.grids,
                   float(np.quantile(novelty, quantile)) if len(novelty) else np.inf)

    def novelty(self, frame: pd.DataFrame) -> NDArray[np.float64]:
        """Each row's novelty (weighted mean z² over its present fields; 0 with none)."""
        total = np.zeros(len(frame))
        weight = np.zeros(len(frame))
        for name, w, grid in zip(self.fields, self.weights, self.grids, strict=True):
            if name not in frame.columns:
                continue
            x = _clean(frame, name)
            present = ~np.isnan(x)
            values = x[present]
            left = np.searchsorted(grid, values, "left")  # one search; ties from the table
            hit = np.minimum(left, GRID - 1)
            right = np.where(grid[hit] == values, _run_ends(grid)[hit], left)
            total[present] += w * _Z2[left + right]
            weight[present] += w
        return np.divide(total, weight, out=np.zeros(len(frame)), where=weight > 0)

    def outside(self, frame: pd.DataFrame) -> NDArray[np.bool_]:
        """Rows outside the reference's coverage."""
        return self.novelty(frame) > self.threshold


def _run_ends(grid: NDArray[np.float64]) -> NDArray[np.int64]:
    """For each grid position, one past the last grid value equal to it."""
    return np.searchsorted(grid, grid, "right").astype(np.int64)


def _clean(frame: pd.DataFrame, name: str) -> NDArray[np.float64]:
    column = frame[name]
    if column.dtype == object:  # values as sent: numbers as text are read, other text is missing
        column = pd.to_numeric(column, errors="coerce")
    x: NDArray[np.float64] = column.to_numpy(dtype=np.float64, na_value=np.nan)
    if name == "DAYS_EMPLOYED":
        x = np.where(x == DAYS_EMPLOYED_SENTINEL, np.nan, x)
    return x
