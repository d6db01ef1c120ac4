"""Missing-rate change per column: a signal reported beside the distribution verdict.

Distribution tests drop missing values (scipy would return NaN), so a column whose missing
share jumps (a broken upstream feed) must be watched separately. Per column: the reference and
current missing shares and the two-sided p-value of the pooled two-proportion z-test
(equivalently Pearson's chi-square on the 2×2 missing/present table, without continuity
correction). The engine corrects these p-values across columns like the drift tests and flags a
``missing_shift`` when the corrected p-value is below alpha and the share moved by at least
``drift.min_missing_change`` (default 0.05, 5 percentage points): below that, large windows
would flag harmless wobbles. The signal does not enter the drift share or the status.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import erfc

from creditwatch.drift.registry import DriftMethod, register


def batch(n_ref: np.ndarray, missing_ref: np.ndarray, n_cur: np.ndarray,
          missing_cur: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(share_ref, share_cur, p_value)`` per column from row counts and missing counts."""
    n1 = np.asarray(n_ref, dtype=np.float64)
    n2 = np.asarray(n_cur, dtype=np.float64)
    k1 = np.asarray(missing_ref, dtype=np.float64)
    k2 = np.asarray(missing_cur, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        p1, p2 = k1 / n1, k2 / n2
        pooled = (k1 + k2) / (n1 + n2)
        se = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
        z = np.abs(p2 - p1) / se
    p = np.where(se > 0, erfc(z / np.sqrt(2.0)), 1.0)
    return p1, p2, p


def missing_rate(reference: np.ndarray, current: np.ndarray) -> tuple[float, float, float]:
    """``(share_ref, share_cur, p_value)`` of two samples of one column (NaN/None = missing)."""
    ref_missing = np.asarray(_isna(reference)).sum()
    cur_missing = np.asarray(_isna(current)).sum()
    s1, s2, p = batch(np.array([len(reference)]), np.array([ref_missing]),
                      np.array([len(current)]), np.array([cur_missing]))
    return float(s1[0]), float(s2[0]), float(p[0])


def _isna(values: np.ndarray) -> np.ndarray:
    return np.asarray(pd.isna(np.asarray(values, dtype=object)))


MISSING = register(DriftMethod(
    name="missing_rate", kinds=("numeric", "categorical"), role="signal",
    setting="min_missing_change", batch=batch, pair=missing_rate,
    description="missing share change: two-proportion z-test, minimum change 5 points",
))
