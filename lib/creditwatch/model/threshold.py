"""The business-cost decision threshold.

An application is REFUSED when its probability of default is >= the threshold. The cost of
a set of decisions is ``cost_fn * FN + cost_fp * FP``: a missed defaulter (approved, then
defaults) costs ``cost_fn``, a good client wrongly refused costs ``cost_fp``. The costs come
from Settings and the chosen threshold is stored in the model bundle; neither is a literal.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


def total_cost(fn: Any, fp: Any, cost_fn: float, cost_fp: float) -> Any:
    """The cost of ``fn`` missed defaulters and ``fp`` wrongly refused clients (numbers or
    arrays of counts, expected counts too): the one cost formula of the project."""
    return cost_fn * fn + cost_fp * fp


@dataclass(frozen=True, slots=True)
class CostCurve:
    """Total cost for every candidate threshold (the distinct probabilities, plus +inf)."""

    thresholds: np.ndarray
    costs: np.ndarray

    @property
    def best(self) -> tuple[float, float]:
        i = int(np.argmin(self.costs))
        return float(self.thresholds[i]), float(self.costs[i])


def cost_curve(y: np.ndarray, p: np.ndarray, cost_fn: float, cost_fp: float) -> CostCurve:
    """Exact cost at every threshold in O(n log n): sort once, cumulate positives."""
    y = np.asarray(y, dtype=np.int64)
    p = np.asarray(p, dtype=float)
    order = np.argsort(-p, kind="stable")
    p_sorted, y_sorted = p[order], y[order]
    # the last index of each run of equal probabilities: a threshold can't split ties
    last = np.r_[np.flatnonzero(np.diff(p_sorted) != 0), len(p_sorted) - 1]
    refused_pos = np.cumsum(y_sorted)[last]  # true positives when refusing p >= p_sorted[last]
    refused = last + 1
    n_pos = int(y.sum())
    fn = n_pos - refused_pos
    fp = refused - refused_pos
    thresholds = np.r_[p_sorted[last], np.inf]  # +inf: approve everyone
    costs = np.r_[total_cost(fn, fp, cost_fn, cost_fp), total_cost(n_pos, 0, cost_fn, cost_fp)]
    return CostCurve(thresholds, costs.astype(float))


def optimal_threshold(y: np.ndarray, p: np.ndarray, cost_fn: float,
                      cost_fp: float) -> tuple[float, float]:
    """The threshold minimising total cost on (y, p), and that cost."""
    threshold, cost = cost_curve(y, p, cost_fn, cost_fp).best
    return min(threshold, 1.0), cost


def cost_at(y: np.ndarray, p: np.ndarray, threshold: float, cost_fn: float,
            cost_fp: float) -> float:
    """Total cost of refusing every application with p >= threshold."""
    y = np.asarray(y, dtype=bool)
    refused = np.asarray(p) >= threshold
    return float(total_cost(np.sum(y & ~refused), np.sum(~y & refused), cost_fn, cost_fp))
