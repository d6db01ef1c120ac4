"""Small vectorised drawing helpers shared by the generator parts.

Every helper turns pre-drawn uniforms into values, so the number of random draws never
depends on the data: that keeps one seed's stream identical whatever a drift setting changes.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

Floats = NDArray[np.float64]
Objects = NDArray[np.object_]


def categorical(u: Floats, shares: Mapping[str, float]) -> Objects:
    """Levels of ``shares`` (normalised) by inverse CDF on the uniforms ``u``."""
    levels = np.array(list(shares), dtype=object)
    cum = np.cumsum(np.fromiter(shares.values(), dtype=float))
    idx = np.searchsorted(cum / cum[-1], u, side="right")
    return levels[np.minimum(idx, len(levels) - 1)]


def integers(u: Floats, shares: Mapping[int, float]) -> NDArray[np.int64]:
    """Integer levels of ``shares`` (normalised) by inverse CDF on ``u``."""
    levels = np.fromiter(shares, dtype=np.int64)
    cum = np.cumsum(np.fromiter(shares.values(), dtype=float))
    idx = np.searchsorted(cum / cum[-1], u, side="right")
    return levels[np.minimum(idx, len(levels) - 1)]


def flag(u: Floats, p: float | Floats) -> NDArray[np.int64]:
    """0/1 integers, 1 with probability ``p``."""
    return (u < p).astype(np.int64)


def with_missing(values: NDArray[np.generic], missing: NDArray[np.bool_]) -> NDArray[np.generic]:
    """``values`` with NaN where ``missing`` (objects stay objects, numbers become float)."""
    if values.dtype == object:
        out = values.copy()
        out[missing] = np.nan
        return out
    return np.where(missing, np.nan, values.astype(np.float64))


def round_to(x: Floats, step: float | Floats) -> Floats:
    """``x`` rounded to a multiple of ``step`` (amounts in the real file are round-ish)."""
    return np.round(x / step) * step


def nb_counts(rng: np.random.Generator, n: int, mean: float, shape: float) -> Floats:
    """Overdispersed counts: negative binomial with the given mean and shape (as floats)."""
    return rng.negative_binomial(shape, shape / (shape + mean), size=n).astype(np.float64)
