"""Two-sample Kolmogorov–Smirnov test for numeric columns, identical to ``scipy.stats.ks_2samp``.

The statistic comes from the sorted-sample kernel (:mod:`creditwatch.drift.ecdf`), for all
columns at once. The p-value follows scipy 1.17's ``ks_2samp(alternative='two-sided',
method='auto')`` step by step (``scipy/stats/_stats_py.py``):

* ``max(n1, n2) <= 10000``: the *exact* null distribution. Scipy first snaps the statistic to
  the lattice ``h / lcm(n1, n2)`` (``h = round(d·lcm)``) and reports that value; we call scipy's
  own private helper ``_attempt_exact_2kssamp`` per such column (it is O(n) and only used for
  small samples; the columns run in a thread pool, since it releases the GIL). If it fails
  numerically scipy warns and falls back to the asymptotic p-value with the snapped
  statistic; so do we.
* otherwise the asymptotic distribution: ``kstwo.sf(d, round(n1·n2/(n1+n2)))`` with the larger
  size first in the product, for all such columns at once (:mod:`kstwo` evaluates scipy's two
  slow branches faster, to ~1e-12 of scipy's values).

Both are clipped to [0, 1] as in scipy. Missing values are dropped per column before testing
(scipy would return NaN); the change in missing share is a separate signal (``missing``).
"""

from __future__ import annotations

import functools
import math
import os
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from scipy.stats._stats_py import _attempt_exact_2kssamp  # scipy's exact path, reused as is

from creditwatch.drift.kstwo import kstwo_sf
from creditwatch.drift.numeric import NumericBatch, NumericReference, numeric_batch
from creditwatch.drift.registry import DriftMethod, register

MAX_EXACT_N = 10_000  # scipy's MAX_AUTO_N: 'auto' is exact when both sizes are at most this


def pvalues(statistic: np.ndarray, n1: np.ndarray, n2: np.ndarray
            ) -> tuple[np.ndarray, np.ndarray]:
    """``(statistic, p_value)`` arrays as ``ks_2samp`` reports them for raw statistics ``d``."""
    d = np.asarray(statistic, dtype=np.float64).copy()
    n1 = np.asarray(n1, dtype=np.int64)
    n2 = np.asarray(n2, dtype=np.int64)
    p = np.full(d.shape, np.nan)
    empty = np.minimum(n1, n2) <= 0  # scipy raises; the engine excludes such columns
    d[empty] = np.nan
    asymp = (np.maximum(n1, n2) > MAX_EXACT_N) & ~empty
    exact = np.flatnonzero(~asymp & ~empty)
    jobs = [(int(n1[i]), int(n2[i]), float(d[i])) for i in exact]
    # scipy's exact helper is compiled code that releases the GIL, and at a few ms a column
    # it is most of a small window's cost: the columns run on every core
    results = _exact_pool().map(_exact, jobs) if len(jobs) > 1 else map(_exact, jobs)
    for i, (success, d[i], p[i]) in zip(exact, results, strict=True):
        if not success:
            warnings.warn("ks_2samp: Exact calculation unsuccessful. Switching to "
                          "method=asymp.", RuntimeWarning, stacklevel=2)
            asymp[i] = True
    if asymp.any():
        big = np.maximum(n1[asymp], n2[asymp]).astype(np.float64)
        small = np.minimum(n1[asymp], n2[asymp]).astype(np.float64)
        p[asymp] = kstwo_sf(d[asymp], np.round(big * small / (big + small)))
    return d, np.clip(p, 0.0, 1.0)


def _exact(job: tuple[int, int, float]) -> tuple[bool, float, float]:
    a, b, d = job
    success, snapped, p = _attempt_exact_2kssamp(a, b, math.gcd(a, b), d, "two-sided")
    return bool(success), float(snapped), float(p)


@functools.cache
def _exact_pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=os.cpu_count() or 1, thread_name_prefix="ks-exact")


def batch(numeric: NumericBatch) -> tuple[np.ndarray, np.ndarray]:
    """KS statistic and p-value of every column of a window."""
    with np.errstate(invalid="ignore", divide="ignore"):
        raw = numeric.d_num / (numeric.n_ref * numeric.n_cur).astype(np.float64)
    return pvalues(raw, numeric.n_ref, numeric.n_cur)


def ks_2samp(reference: np.ndarray, current: np.ndarray) -> tuple[float, float]:
    """``(statistic, p_value)`` of one column, NaN dropped; same values as scipy's."""
    ref, cur = _pair(reference, current)
    stat, p = batch(numeric_batch(ref, cur))
    return float(stat[0]), float(p[0])


def _pair(reference: np.ndarray, current: np.ndarray) -> tuple[NumericReference, np.ndarray]:
    """A one-column reference and window, for the pair functions of the numeric methods."""
    r = np.asarray(reference, dtype=np.float64).reshape(1, -1)
    c = np.asarray(current, dtype=np.float64).reshape(1, -1)
    if np.isnan(r).all() or np.isnan(c).all():
        raise ValueError("both samples need at least one non-missing value")
    return NumericReference.fit(("x",), r), c


KS = register(DriftMethod(
    name="ks", kinds=("numeric",), role="test", setting="alpha", batch=batch, pair=ks_2samp,
    description="two-sample Kolmogorov–Smirnov test (scipy.stats.ks_2samp, method='auto')",
))
