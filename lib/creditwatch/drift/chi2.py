"""Two-sample chi-square test for categorical columns, on the reference-vs-current table.

The table has two rows (reference counts, current counts) and one column per level; the test is
``scipy.stats.chi2_contingency`` on it with its defaults (Pearson statistic, expected counts
from the margins, Yates' continuity correction when the table has one degree of freedom, i.e.
for 2×2 tables such as the 0/1 flags; degenerate tables with one level give statistic 0 and
p-value 1). This is a test of homogeneity: both samples are random. A goodness-of-fit test
against the reference proportions scaled to the window (Evidently's ``chisquare``) treats the
reference shares as exact and raises false alarms at several times the nominal rate.

Rare levels are pooled first, so that the chi-square approximation holds (Cochran's rule):

1. a level is *rare* when its smallest expected count, ``min(n_ref, n_cur)·total/N``, is
   below ``MIN_EXPECTED = 5`` (in a 500-row window: a level under ~1 % of the data);
2. rare levels, and current values the reference never showed, go into one ``other`` level;
3. if ``other`` is itself below 5 expected and at least two levels were kept, it is folded
   into the smallest kept level (a surge of rare values still raises that level's count);
   with a single kept level it stays on its own, since folding would leave nothing to test:
   this is the near-constant flag (FLAG_DOCUMENT_10 is 1 in 0.002 % of applications) whose
   sudden 20 % of ones must be seen. That 2×2 table has a small expected cell, and Yates'
   correction keeps its false-alarm rate in check (see the calibration test).

The pooling depends on the window size (a small window pools more), so the reference keeps its
levels ordered by frequency and the cut is made per window.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import chdtrc

from creditwatch.drift.categorical import CategoricalBatch, CategoricalReference, categorical_batch
from creditwatch.drift.registry import DriftMethod, register

MIN_EXPECTED = 5.0


def pool(batch: CategoricalBatch) -> tuple[np.ndarray, np.ndarray]:
    """Pooled reference and current counts, ``(p, L + 1)`` (``other`` in the last column)."""
    r = batch.ref_counts.astype(np.float64)
    c = batch.cur_counts.astype(np.float64)
    n, m = r.sum(axis=1), c.sum(axis=1)
    total = r + c
    with np.errstate(invalid="ignore", divide="ignore"):
        smallest = (np.minimum(n, m) / (n + m))[:, None]
    rare = (total > 0) & (smallest * total < MIN_EXPECTED)
    kept = (total > 0) & ~rare
    rows = np.arange(r.shape[0])
    other_r = np.where(rare, r, 0).sum(axis=1)
    other_c = np.where(rare, c, 0).sum(axis=1)
    pr = np.concatenate((np.where(kept, r, 0), other_r[:, None]), axis=1)
    pc = np.concatenate((np.where(kept, c, 0), other_c[:, None]), axis=1)
    small_other = (other_r + other_c > 0) & (smallest[:, 0] * (other_r + other_c) < MIN_EXPECTED)
    fold = small_other & (kept.sum(axis=1) >= 2)
    target = np.argmin(np.where(kept, total, np.inf), axis=1)
    f = rows[fold]
    pr[f, target[fold]] += other_r[fold]
    pc[f, target[fold]] += other_c[fold]
    pr[f, -1] = 0
    pc[f, -1] = 0
    return pr, pc


def contingency_test(ref_counts: np.ndarray, cur_counts: np.ndarray
                     ) -> tuple[np.ndarray, np.ndarray]:
    """``chi2_contingency`` (default arguments) on each row pair, zero-total levels dropped."""
    r = np.asarray(ref_counts, dtype=np.float64)
    c = np.asarray(cur_counts, dtype=np.float64)
    total = r + c
    n, m = r.sum(axis=1, keepdims=True), c.sum(axis=1, keepdims=True)
    live = total > 0
    dof = live.sum(axis=1) - 1
    with np.errstate(invalid="ignore", divide="ignore"):
        e_r, e_c = n * total / (n + m), m * total / (n + m)
        yates = (dof == 1)[:, None]
        r = np.where(yates, r + np.sign(e_r - r) * np.minimum(0.5, np.abs(e_r - r)), r)
        c = np.where(yates, c + np.sign(e_c - c) * np.minimum(0.5, np.abs(e_c - c)), c)
        terms = np.where(live, (r - e_r) ** 2 / e_r + (c - e_c) ** 2 / e_c, 0.0)
    stat = terms.sum(axis=1)
    ok = dof >= 1
    stat = np.where(ok, stat, 0.0)
    p = np.where(ok, chdtrc(np.maximum(dof, 1), stat), 1.0)
    return stat, p


def batch(categorical: CategoricalBatch) -> tuple[np.ndarray, np.ndarray]:
    """Chi-square statistic and p-value of every column of a window, after pooling."""
    return contingency_test(*pool(categorical))


def pooled_table(reference: np.ndarray, current: np.ndarray) -> np.ndarray:
    """The 2×k table the test runs on for two samples of one column (for inspection/oracles)."""
    pr, pc = pool(_pair(reference, current))
    live = (pr + pc)[0] > 0
    return np.vstack((pr[0, live], pc[0, live]))


def chi2_two_sample(reference: np.ndarray, current: np.ndarray) -> tuple[float, float]:
    """``(statistic, p_value)`` of two samples of one categorical column, missing dropped."""
    stat, p = batch(_pair(reference, current))
    return float(stat[0]), float(p[0])


def _pair(reference: np.ndarray, current: np.ndarray) -> CategoricalBatch:
    ref = CategoricalReference.fit(("x",), [pd.Series(reference)])
    return categorical_batch(ref, [pd.Series(current)])


CHI2 = register(DriftMethod(
    name="chi2", kinds=("categorical",), role="test", setting="alpha", batch=batch,
    pair=chi2_two_sample,
    description="two-sample chi-square on the pooled reference/current table "
                "(scipy.stats.chi2_contingency defaults)",
))
