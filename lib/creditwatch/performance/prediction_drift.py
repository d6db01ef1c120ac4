"""Prediction drift: has the distribution of the model's scores or decisions moved?

Label-free and model-centred: the window's raw probabilities against the reference's (a sample
of held-out scores from training, kept in the bundle) by the project's exact two-sample KS test
(``creditwatch.drift.ks``), and the window's approval rate against the reference's by a
two-proportion z-test (two-sided; pooled variance). A moved score distribution says the
population the model sees changed; it says nothing by itself about whether the model is still
right for it (see ``estimate`` and ``concept``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.special import ndtr

from creditwatch.drift.ks import ks_2samp


@dataclass(frozen=True, slots=True)
class PredictionDrift:
    ks_statistic: float
    ks_p_value: float
    approval_rate: float
    reference_approval_rate: float
    approval_p_value: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def approval_test(approved: int, n: int, ref_rate: float, n_ref: int) -> float:
    """Two-sided p-value of the two-proportion z-test (pooled) of two approval rates."""
    if n == 0 or n_ref == 0:
        return float("nan")
    pooled = (approved + ref_rate * n_ref) / (n + n_ref)
    se = np.sqrt(pooled * (1 - pooled) * (1 / n + 1 / n_ref))
    if se == 0:
        return 1.0 if approved / n == ref_rate else 0.0
    z = abs(approved / n - ref_rate) / se
    return float(2 * ndtr(-z))


def prediction_drift(scores: NDArray[np.float64], threshold: float,
                     reference_scores: NDArray[np.float64], reference_approval_rate: float,
                     n_reference: int) -> PredictionDrift:
    if len(scores) == 0:
        nan = float("nan")
        return PredictionDrift(nan, nan, nan, reference_approval_rate, nan)
    stat, p = ks_2samp(reference_scores, scores)
    approved = int(np.sum(scores < threshold))
    return PredictionDrift(stat, p, approved / len(scores), reference_approval_rate,
                           approval_test(approved, len(scores), reference_approval_rate,
                                         n_reference))
