"""The adverse impact ratio (AIR) and its Katz log confidence interval.

AIR of a group = its approval rate / the approval rate of the *most favoured* group (the
highest approval rate of the window); the "four-fifths rule" of the US Uniform Guidelines
calls an AIR below 0.8 evidence of adverse impact.

Interval (Katz, Baptista & Pike 1978): with x1 of n1 approved in the group and x2 of n2 in
the reference, log AIR is approximately normal with standard error

    se = sqrt(1/x1 - 1/n1 + 1/x2 - 1/n2),

so the interval is ``AIR · exp(±z·se)``. When a group has no approval at all the log is
undefined: 0.5 is added to x and n of both groups for that pair only (the usual
continuity correction), and the interval stays finite. The two groups are treated as
independent samples; choosing the reference because it has the highest rate of the window
makes the other ratios slightly optimistic-biased towards 1 when groups are close, which
keeps the "upper bound below 0.8" alert on the conservative side. The reference group's own
ratio is 1 with no interval.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy.special import ndtri


def katz_interval(x1: NDArray[np.integer] | int, n1: NDArray[np.integer] | int,
                  x2: NDArray[np.integer] | int, n2: NDArray[np.integer] | int, level: float
                  ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Ratio (x1/n1)/(x2/n2) and its Katz log interval at ``level``, elementwise; NaN where
    a group is empty."""
    a, b = np.asarray(x1, np.float64), np.asarray(n1, np.float64)
    c, d = np.asarray(x2, np.float64), np.asarray(n2, np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = (a / b) / (c / d)
        zero = (a == 0) | (c == 0)
        a, b = np.where(zero, a + 0.5, a), np.where(zero, b + 0.5, b)
        c, d = np.where(zero, c + 0.5, c), np.where(zero, d + 0.5, d)
        center = np.log((a / b) / (c / d))
        se = np.sqrt(1.0 / a - 1.0 / b + 1.0 / c - 1.0 / d)
    z = float(ndtri(0.5 + level / 2.0))
    empty = (np.asarray(n1) == 0) | (np.asarray(n2) == 0)
    low = np.where(empty, np.nan, np.exp(center - z * se))
    high = np.where(empty, np.nan, np.exp(center + z * se))
    return np.where(empty, np.nan, ratio), low, high


def adverse_impact(approved: NDArray[np.integer], n: NDArray[np.integer], level: float,
                   eligible: NDArray[np.bool_] | None = None
                   ) -> tuple[int, NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Per group: the AIR against the most favoured ``eligible`` group (its index, returned
    first; default: every non-empty group) and the Katz interval; the reference's own row is
    1 with a NaN interval."""
    approved, n = np.asarray(approved), np.asarray(n)
    if len(n) == 0:
        empty = np.zeros(0)
        return -1, empty, empty, empty
    ok = (n > 0) if eligible is None else (np.asarray(eligible, bool) & (n > 0))
    with np.errstate(divide="ignore", invalid="ignore"):
        rates = np.where(ok, approved / np.maximum(n, 1), -1.0)
    ref = int(np.argmax(rates))
    ratio, low, high = katz_interval(approved, n, approved[ref], n[ref], level)
    ratio[ref], low[ref], high[ref] = 1.0, np.nan, np.nan
    return ref, ratio, low, high
