"""Normalised Wasserstein distance: the effect size that gates numeric drift.

``W1(ref, cur) / scale``, where ``W1`` is the area between the two ECDFs (computed exactly by the
merged-sort kernel, same value as ``scipy.stats.wasserstein_distance``) and ``scale`` is the
reference's robust spread ``IQR / 1.349`` (equal to the standard deviation for normal data),
or its standard deviation when the IQR is 0 (columns that are mostly one value).

Reading: the typical distance a value moved, in reference standard deviations. A pure location
shift by ``d`` SD gives ``d``. Why a robust scale and not the standard deviation (Evidently's
choice): heavy tails and sentinels inflate the standard deviation of credit data (incomes;
DAYS_EMPLOYED's 365243 "not employed" code), which would make real shifts look negligible.

Default minimum 0.1 (setting ``drift.min_wasserstein``; Evidently's default for this measure):
a tenth of a standard deviation is about the smallest shift a risk analyst acts on, and the
sampling noise of the measure in a 500-row window is ~0.05, so with the p-value it rejects
noise while keeping the 0.5 SD shifts of the acceptance test far above the bar. In large
windows, where every trivial difference is significant, this minimum is what keeps a 0.02 SD
wobble from raising an alarm.
"""

from __future__ import annotations

import numpy as np

from creditwatch.drift.ks import _pair
from creditwatch.drift.numeric import NumericBatch, numeric_batch
from creditwatch.drift.registry import DriftMethod, register


def batch(numeric: NumericBatch) -> np.ndarray:
    """Normalised Wasserstein distance of every column of a window."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return numeric.wasserstein / numeric.scale


def normalised_wasserstein(reference: np.ndarray, current: np.ndarray) -> float:
    """The normalised distance between two samples of one column, NaN dropped."""
    ref, cur = _pair(reference, current)
    return float(batch(numeric_batch(ref, cur))[0])


WASSERSTEIN = register(DriftMethod(
    name="wasserstein", kinds=("numeric",), role="effect", setting="min_wasserstein",
    batch=batch, pair=normalised_wasserstein, gate=True,
    description="1-Wasserstein distance / reference robust SD (IQR/1.349, else SD)",
))
