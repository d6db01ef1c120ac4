"""Calibration by PD band: do applications given a PD of about x default at about x?

Rows are grouped by the probability the model gave them (the raw model probability, the one
the decision uses), into bands with upper edges ``PerformanceSettings.pd_bands``. Per band:
``expected`` is the sum of the probabilities (the defaults the model predicted), ``observed``
the defaults that happened; the Jeffreys interval (``Beta(k + ½, n − k + ½)`` quantiles, with
the lower end 0 when k = 0 and the upper end 1 when k = n) brackets the band's true default
rate, and the exact two-sided binomial test (the central form: twice the smaller exact tail,
``min(1, 2·min(P(X <= k), P(X >= k)))`` with X ~ Binomial(n, mean PD), vectorised over the
bands) asks whether ``observed`` is compatible with the band's mean PD. A small p-value in a
band with many rows is a miscalibration; with few rows the interval is wide and the test has
little power. Bands are independent tests: with several bands, expect an occasional small
p-value by chance (the flag uses ``calibration_alpha``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.stats import beta, binom

COLUMNS = ("band", "lower", "upper", "n", "expected", "observed", "mean_pd", "observed_rate",
           "ci_low", "ci_high", "p_value", "miscalibrated")


def jeffreys_interval(k: NDArray[np.integer], n: NDArray[np.integer],
                      level: float) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Jeffreys interval of a binomial proportion for each (k, n); NaN where n = 0."""
    k = np.asarray(k, dtype=np.float64)
    n = np.asarray(n, dtype=np.float64)
    tail = (1.0 - level) / 2.0
    with np.errstate(invalid="ignore", divide="ignore"):
        low = np.where(k > 0, beta.ppf(tail, k + 0.5, n - k + 0.5), 0.0)
        high = np.where(k < n, beta.ppf(1.0 - tail, k + 0.5, n - k + 0.5), 1.0)
    empty = n == 0
    return np.where(empty, np.nan, low), np.where(empty, np.nan, high)


def binomial_p_value(k: NDArray[np.integer], n: NDArray[np.integer],
                     p: NDArray[np.floating]) -> NDArray[np.float64]:
    """Exact two-sided (central) binomial p-values of k successes in n trials at rate p."""
    k = np.asarray(k, dtype=np.float64)
    n = np.asarray(n, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        rate = np.clip(np.asarray(p, dtype=np.float64), 0.0, 1.0)
        tails = np.minimum(binom.cdf(k, n, rate), binom.sf(k - 1, n, rate))
    return np.where(n > 0, np.minimum(1.0, 2.0 * tails), np.nan)


def calibration_table(y: NDArray[np.integer], p: NDArray[np.floating], edges: tuple[float, ...],
                      *, level: float = 0.95, alpha: float = 0.01) -> pd.DataFrame:
    """One row per PD band (empty bands included, with n = 0)."""
    p = np.asarray(p, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    bounds = np.r_[0.0, edges, 1.0]
    band = np.clip(np.searchsorted(np.asarray(edges), p, side="right"), 0, len(edges))
    m = len(bounds) - 1
    n = np.bincount(band, minlength=m)
    expected = np.bincount(band, weights=p, minlength=m)
    observed = np.bincount(band, weights=y, minlength=m).round().astype(np.int64)
    low, high = jeffreys_interval(observed, n, level)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_pd = expected / n
        rate = observed / n
    p_value = binomial_p_value(observed, n, mean_pd)
    return pd.DataFrame({
        "band": [f"[{bounds[i]:g}, {bounds[i + 1]:g})" for i in range(m)],
        "lower": bounds[:-1], "upper": bounds[1:], "n": n, "expected": expected,
        "observed": observed, "mean_pd": mean_pd, "observed_rate": rate,
        "ci_low": low, "ci_high": high, "p_value": p_value,
        "miscalibrated": np.nan_to_num(p_value, nan=1.0) < alpha,
    }, columns=list(COLUMNS))
