"""Multiple-testing correction across the columns of one window.

Each window tests ~120 columns; at alpha = 5 % uncorrected, six columns would "drift" on pure
noise. Benjamini–Hochberg (default) controls the expected share of false discoveries among the
flagged columns, and, when nothing drifted, the chance of any false flag (the two coincide
under the global null), at alpha. Bonferroni controls the chance of any false flag in every
case, at the cost of power when several columns really moved.

``adjust`` returns adjusted p-values (compare them with alpha): BH exactly as
``scipy.stats.false_discovery_control(method='bh')``, Bonferroni ``min(1, k·p)``.
NaN p-values (untested columns) stay NaN and do not count in ``k``.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

Correction = Literal["bh", "bonferroni", "none"]
CORRECTIONS: tuple[Correction, ...] = ("bh", "bonferroni", "none")


def benjamini_hochberg(p_values: np.ndarray) -> np.ndarray:
    """BH-adjusted p-values: ``min over j >= i of p_(j)·k/j`` on the sorted p-values."""
    p = np.asarray(p_values, dtype=np.float64)
    k = p.size
    if k <= 1:
        return p.copy()
    order = np.argsort(p, kind="stable")
    scaled = p[order] * (k / np.arange(1, k + 1))
    np.minimum.accumulate(scaled[::-1], out=scaled[::-1])
    out = np.empty(k)
    out[order] = scaled
    return out


def bonferroni(p_values: np.ndarray) -> np.ndarray:
    """Bonferroni-adjusted p-values."""
    p = np.asarray(p_values, dtype=np.float64)
    return np.minimum(p * p.size, 1.0)


def adjust(p_values: np.ndarray, method: Correction = "bh") -> np.ndarray:
    """Adjusted p-values of the non-NaN entries; NaN stays NaN."""
    if method not in CORRECTIONS:
        raise ValueError(f"unknown correction {method!r}; use one of {CORRECTIONS}")
    p = np.asarray(p_values, dtype=np.float64)
    out = np.full(p.shape, np.nan)
    tested = ~np.isnan(p)
    if method == "bh":
        out[tested] = benjamini_hochberg(p[tested])
    elif method == "bonferroni":
        out[tested] = bonferroni(p[tested])
    else:
        out[tested] = p[tested]
    return out
