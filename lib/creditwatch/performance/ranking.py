"""Ranking figures of a window's scores against its labels: AUC (Gini) and the KS separation.

Both come from one sort of the scores (:class:`Ranked`): average ranks over runs of equal
scores give the Mann–Whitney form of the AUC, ``(Σ ranks of defaulters − n1(n1+1)/2) / (n1·n0)``,
which counts a tied defaulter/non-defaulter pair as one half, as the area under the ROC curve
does (``sklearn.metrics.roc_auc_score``). The KS statistic is the largest gap between the
score distributions of defaulters and non-defaulters, evaluated at the end of every run of
equal scores (``scipy.stats.ks_2samp(...).statistic``). The estimator reuses the same sort with
probabilities in place of labels (``creditwatch.performance.estimate``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Floats = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Ranked:
    """One window's scores, sorted once: the sort order, the run boundaries of equal scores
    and each row's average rank (1-based, in the original row order)."""

    order: NDArray[np.intp]
    starts: NDArray[np.intp]  # first sorted position of each run of equal scores
    ends: NDArray[np.intp]  # one past its last position
    ranks: Floats

    @classmethod
    def of(cls, scores: np.ndarray) -> Ranked:
        s = np.asarray(scores, dtype=np.float64)
        if s.ndim != 1 or np.isnan(s).any():
            raise ValueError("scores must be a 1-d array without NaN")
        order = np.argsort(s, kind="stable")
        ordered = s[order]
        ends = np.r_[np.flatnonzero(ordered[1:] != ordered[:-1]) + 1, len(s)].astype(np.intp)
        starts = np.r_[0, ends[:-1]].astype(np.intp)
        mid = (starts + ends + 1) / 2.0  # average of the 1-based ranks start+1 .. end
        ranks = np.empty(len(s))
        ranks[order] = np.repeat(mid, ends - starts)
        return cls(order, starts, ends, ranks)

    def __len__(self) -> int:
        return len(self.order)

    def run_sums(self, values: np.ndarray) -> Floats:
        """The sum of ``values`` (original row order) over each run of equal scores."""
        if not len(self.order):
            return np.zeros(0)
        return np.add.reduceat(np.asarray(values, dtype=np.float64)[self.order], self.starts)


def auc(y: np.ndarray, ranked: Ranked) -> float:
    """Area under the ROC curve of ``y`` (1 = default) against the ranked scores; NaN when
    one class is absent."""
    y = np.asarray(y, dtype=bool)
    n1 = int(y.sum())
    n0 = len(y) - n1
    if n1 == 0 or n0 == 0:
        return float("nan")
    return float((ranked.ranks[y].sum() - n1 * (n1 + 1) / 2.0) / (n1 * n0))


def ks_separation(y: np.ndarray, ranked: Ranked) -> float:
    """Largest distance between the score ECDFs of defaulters and non-defaulters."""
    y = np.asarray(y, dtype=np.float64)
    n1 = y.sum()
    n0 = len(y) - n1
    if n1 == 0 or n0 == 0:
        return float("nan")
    pos = np.cumsum(ranked.run_sums(y))
    neg = (ranked.ends - pos)  # non-defaulters at or below each run
    return float(np.max(np.abs(pos / n1 - neg / n0)))


def gini(auc_value: float) -> float:
    """The Gini coefficient (accuracy ratio) of an AUC: ``2·AUC − 1``."""
    return 2.0 * auc_value - 1.0


def auc_sd(auc_value: float, n_pos: int, n_neg: int) -> float:
    """Standard error of an AUC measured on ``n_pos`` positives and ``n_neg`` negatives
    (Hanley & McNeil 1982, with Q1 = A/(2−A), Q2 = 2A²/(1+A)); NaN without both classes."""
    a = auc_value
    if n_pos < 1 or n_neg < 1 or a != a:
        return float("nan")
    q1, q2 = a / (2 - a), 2 * a * a / (1 + a)
    var = (a * (1 - a) + (n_pos - 1) * (q1 - a * a) + (n_neg - 1) * (q2 - a * a)) / (n_pos * n_neg)
    return float(np.sqrt(max(var, 0.0)))
