"""Expected figures of a window from calibrated probabilities, with their sampling variance.

Confidence-based performance estimation: if each application's label is a Bernoulli draw with
its calibrated probability ``q`` (independent, given the inputs), the labels the window will
get are random but their distribution is known. This module gives the expectation of each
realized figure under that model and the variance of the realized figure around it, for this
window's size and scores:

* default rate ``Σq/n``, variance ``Σq(1−q)/n²``;
* confusion matrix at a threshold on the raw probabilities (refuse ``p >= t``): expected TP,
  FP, FN, TN are sums of ``q`` and ``1−q`` over the refused and approved rows; the expected
  cost is the cost of those expected counts (``model.threshold.total_cost``), with variance
  ``c_fn²·Σ_approved q(1−q) + c_fp²·Σ_refused q(1−q)``;
* AUC: the expected Mann–Whitney count over the expected number of pairs,
  ``Σ_{i≠j} q_i(1−q_j)·H(s_i−s_j) / Σ_{i≠j} q_i(1−q_j)`` (H = 1 above, ½ on ties; the scores
  ``s`` are the raw probabilities, which set the ranking). Its variance is the delta method
  on the realized AUC written as ``(S − N(N+1)/2) / (N(n−N))`` with ``S = Σ rank_i·y_i`` and
  ``N = Σ y_i``: both are sums of independent terms, so their variances and covariance are
  exact and the only approximation is the linearisation (tests compare it with a parametric
  bootstrap).

None of this accounts for the calibrator being wrong for the window (covariate shift outside
the reference's coverage, or concept drift): see ``creditwatch.performance.coverage`` and
``creditwatch.performance.concept``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from creditwatch.model.threshold import total_cost
from creditwatch.performance.ranking import Floats, Ranked


@dataclass(frozen=True, slots=True)
class Expected:
    """An expected figure and the standard deviation of the realized figure around it."""

    value: float
    sd: float


def _dot(a: Floats, b: Floats) -> float:
    """``Σ a·b`` without BLAS. ``a @ b`` calls OpenBLAS's ddot, which splits a dot product of
    more than 10,000 elements over threads; waking them costs far more than the sum itself on
    a window's scores (33k rows: 6x the CPU of a whole window's evaluation, measured, and
    much more wall time on a busy machine). numpy's own loop sums in one thread."""
    return float(np.einsum("i,i->", a, b))


def default_rate(q: Floats) -> Expected:
    n = len(q)
    if n == 0:
        return Expected(float("nan"), float("nan"))
    return Expected(float(q.sum() / n), float(np.sqrt(np.sum(q * (1 - q))) / n))


def auc(q: Floats, ranked: Ranked) -> Expected:
    """Expected AUC of labels drawn from ``q`` against the ranked scores, and its SD."""
    n = len(q)
    v = q * (1 - q)
    pos, neg = ranked.run_sums(q), ranked.run_sums(1 - q)
    pairs = pos.sum() * neg.sum() - v.sum()
    if n < 2 or pairs <= 0:
        return Expected(float("nan"), float("nan"))
    below = np.cumsum(neg) - neg  # expected non-defaulters strictly below each run
    within = pos * neg - ranked.run_sums(v)  # expected tied pairs i != j inside each run
    mean = float((_dot(pos, below) + 0.5 * within.sum()) / pairs)
    r = ranked.ranks
    s_bar, n_bar = _dot(r, q), float(q.sum())
    var_s, var_n, cov = _dot(r * r, v), float(v.sum()), _dot(r, v)
    denom = n_bar * (n - n_bar)
    if denom <= 0:
        return Expected(mean, float("nan"))
    d_s = 1.0 / denom
    d_n = (-(n_bar + 0.5) * denom - (s_bar - n_bar * (n_bar + 1) / 2) * (n - 2 * n_bar)) / denom**2
    var = d_s * d_s * var_s + 2 * d_s * d_n * cov + d_n * d_n * var_n
    return Expected(mean, float(np.sqrt(max(var, 0.0))))


@dataclass(frozen=True, slots=True)
class ExpectedDecisions:
    """Expected confusion counts at a threshold and the expected cost with its SD."""

    tp: float
    fp: float
    fn: float
    tn: float
    cost: Expected


def decisions(q: Floats, p: Floats, threshold: float, cost_fn: float,
              cost_fp: float) -> ExpectedDecisions:
    refused = (p >= threshold).astype(np.float64)
    n_refused, total = float(refused.sum()), float(q.sum())
    v = q * (1 - q)
    v_refused, v_total = _dot(v, refused), float(v.sum())
    tp = _dot(q, refused)
    fp, fn = n_refused - tp, total - tp
    tn = len(q) - n_refused - fn
    var = cost_fn**2 * (v_total - v_refused) + cost_fp**2 * v_refused
    return ExpectedDecisions(tp, fp, fn, tn,
                             Expected(total_cost(fn, fp, cost_fn, cost_fp), float(np.sqrt(var))))
