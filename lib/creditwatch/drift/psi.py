"""Population stability index, beside every test (reported, not used for the verdict).

``PSI = Σ (q_b − p_b)·ln(q_b / p_b)`` over bins ``b``, with ``p``/``q`` the reference/current
shares. Numeric columns use the reference deciles as bins (edges are reference values, so ties
never straddle an edge; duplicate edges leave empty bins in both samples); categorical columns
use the reference levels plus one bin for levels the reference never showed. Shares are
floored at ``EPSILON`` so that an empty bin gives a large but finite term; this is the usual
convention and keeps the index comparable with the credit-scoring rule of thumb
(< 0.1 stable, 0.1–0.25 moderate shift, > 0.25 major shift). The index is reported beside
the verdict, never used for it, so it has no threshold setting.
"""

from __future__ import annotations

import numpy as np

from creditwatch.drift.categorical import CategoricalBatch
from creditwatch.drift.ks import _pair
from creditwatch.drift.numeric import NumericBatch, numeric_batch
from creditwatch.drift.registry import DriftMethod, register

EPSILON = 1e-4


def from_counts(ref_counts: np.ndarray, cur_counts: np.ndarray) -> np.ndarray:
    """PSI of each row of two ``(p, bins)`` count matrices."""
    ref = np.asarray(ref_counts, dtype=np.float64)
    cur = np.asarray(cur_counts, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.maximum(ref / ref.sum(axis=1, keepdims=True), EPSILON)
        q = np.maximum(cur / cur.sum(axis=1, keepdims=True), EPSILON)
        return ((q - p) * np.log(q / p)).sum(axis=1)


def bin_counts(cum: np.ndarray, total: np.ndarray) -> np.ndarray:
    """Counts per decile bin from the counts at or below each edge."""
    cum = np.asarray(cum, dtype=np.int64)
    full = np.concatenate((np.zeros((cum.shape[0], 1), dtype=np.int64), cum,
                           np.asarray(total, dtype=np.int64)[:, None]), axis=1)
    return np.diff(full, axis=1)


def batch(data: NumericBatch | CategoricalBatch) -> np.ndarray:
    """PSI of every column of a window: reference deciles (numeric) or levels (categorical)."""
    if isinstance(data, CategoricalBatch):
        return from_counts(data.ref_counts, data.cur_counts)
    return from_counts(bin_counts(data.ref_cum, data.n_ref), bin_counts(data.cur_cum, data.n_cur))


def psi(reference: np.ndarray, current: np.ndarray) -> float:
    """PSI of two numeric samples of one column on the reference deciles, NaN dropped."""
    ref, cur = _pair(reference, current)
    return float(batch(numeric_batch(ref, cur))[0])


PSI = register(DriftMethod(
    name="psi", kinds=("numeric", "categorical"), role="effect", setting=None, batch=batch,
    pair=psi, description="population stability index (reference deciles or levels)",
))
