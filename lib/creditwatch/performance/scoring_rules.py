"""Proper scoring rules of probabilities against outcomes: Brier score and log loss.

Both read the probabilities the model gives (the raw model probabilities, the ones the
decision uses). ``log_loss`` clips them to ``[eps, 1 − eps]`` with ``eps`` the float64 machine
epsilon (2.2e-16) before taking logarithms, as ``sklearn.metrics.log_loss`` does, so a
confident mistake costs about 36 nats instead of infinity.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

EPS = float(np.finfo(np.float64).eps)


def brier(y: NDArray[np.integer], p: NDArray[np.floating]) -> float:
    """Mean squared difference between probability and outcome (0 is perfect)."""
    if len(y) == 0:
        return float("nan")
    d = np.asarray(p, dtype=np.float64) - np.asarray(y, dtype=np.float64)
    return float(np.mean(d * d))


def log_loss(y: NDArray[np.integer], p: NDArray[np.floating]) -> float:
    """Mean negative log-likelihood of the outcomes (natural log), probabilities clipped."""
    if len(y) == 0:
        return float("nan")
    p = np.clip(np.asarray(p, dtype=np.float64), EPS, 1.0 - EPS)
    y = np.asarray(y, dtype=bool)
    return float(-np.mean(np.where(y, np.log(p), np.log1p(-p))))
