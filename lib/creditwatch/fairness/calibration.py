"""Calibration by group: do a group's applicants default as often as the model said?

Per group, over the applications with an outcome: ``expected`` = Σ p (the model's
probability of default), ``observed`` = the defaults that happened. Under calibration the
defaults are a sum of independent Bernoulli(p) draws (Poisson-binomial), with mean Σ p and
variance Σ p(1 - p); the test is the normal approximation z = (observed − expected) /
sqrt(Σ p(1 − p)), two-sided. It is accurate once the variance is a few units (tens of
expected defaults); with fewer, read the figures, not the p-value. The probability is the
raw model probability the decision uses (as ``performance.calibration``): a model whose raw
scores are off overall is off in every group, so compare groups with each other as well
as with 1.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy.special import ndtr


def calibration_test(observed: NDArray[np.integer], expected: NDArray[np.floating],
                     variance: NDArray[np.floating]
                     ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Per group: observed/expected ratio, z statistic and two-sided p-value (NaN without
    labelled rows)."""
    o = np.asarray(observed, np.float64)
    e = np.asarray(expected, np.float64)
    v = np.asarray(variance, np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(e > 0, o / e, np.nan)
        z = np.where(v > 0, (o - e) / np.sqrt(v), np.nan)
    p = np.where(np.isnan(z), np.nan, 2.0 * ndtr(-np.abs(z)))
    return ratio, z, p
