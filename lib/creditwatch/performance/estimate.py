"""Label-free performance estimate of a window (confidence-based performance estimation).

From the raw model probabilities ``p`` of a window, the bundle's calibrator gives ``q``, the
probability each application defaults. If the labels will be Bernoulli(q) draws, the expected
AUC, default rate, confusion matrix and cost at the bundle's threshold follow, and so does the
sampling spread of the figures that will be realized on a window of this size
(``expected``). That is the estimate and its band at ``band_level``.

When to trust it: under covariate shift inside the reference's coverage (the population moves
but stays where the model has seen data), the calibrated q stay right and so does the
estimate, even though every figure moves. Outside the coverage (``coverage``), the model
extrapolates and q can be wrong; the estimate then reports the share of rows outside
(``outside_share``), sets ``extrapolating`` when that share is clearly above the reference's
own (binomial test at 1 %), and widens the band: the band spans the estimates obtained with
those rows' log-odds moved by ±``extrapolation_logit`` and spread or squeezed around their
mean by a factor ``1 ± extrapolation_logit/2``, plus the sampling spread, and the reported
estimate is the centre of that range (``band.Band``; the calibrated figure is kept beside it).
Under concept drift (the link between inputs and default changes) no label-free estimate can
know: the realized figures will leave the band once outcomes arrive (``concept``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.special import expit, logit
from scipy.stats import binomtest

from creditwatch.performance import expected
from creditwatch.performance.band import Band
from creditwatch.performance.prediction_drift import PredictionDrift, prediction_drift
from creditwatch.performance.ranking import Ranked
from creditwatch.performance.reference import PerformanceReference

_COVERAGE_TEST_ALPHA = 0.01  # outside share significantly above the reference's: flag


@dataclass(frozen=True)
class EstimatedPerformance:
    """The estimate of one window: bands, expected confusion, coverage and prediction drift."""

    n_predictions: int
    level: float
    auc: Band
    default_rate: Band
    cost: Band
    confusion: dict[str, float]  # expected tp, fp, fn, tn at the threshold
    outside_share: float  # NaN when the inputs were not given
    extrapolating: bool
    prediction_drift: PredictionDrift | None

    @property
    def cost_per_application(self) -> float:
        return self.cost.value / self.n_predictions if self.n_predictions else float("nan")

    def to_dict(self) -> dict[str, Any]:
        return {
            "n_predictions": self.n_predictions, "band_level": self.level,
            "auc": self.auc.to_dict(self.level),
            "default_rate": self.default_rate.to_dict(self.level),
            "cost": self.cost.to_dict(self.level),
            "cost_per_application": self.cost_per_application,
            "confusion": dict(self.confusion), "outside_share": self.outside_share,
            "extrapolating": self.extrapolating,
            "prediction_drift": None if self.prediction_drift is None
            else self.prediction_drift.to_dict(),
        }


def estimate(reference: PerformanceReference, scores: NDArray[np.floating],
             inputs: pd.DataFrame | None = None, *,
             outside: NDArray[np.bool_] | None = None,
             with_prediction_drift: bool = True) -> EstimatedPerformance:
    """Estimate a window's performance from its raw probabilities ``scores`` (and its raw
    ``inputs``, one row per score, to check coverage; or the ``outside`` mask directly)."""
    calibrator, ref, ref_scores = reference.require_estimator()
    p = np.asarray(scores, dtype=np.float64)
    if outside is None and inputs is not None and reference.coverage is not None:
        if len(inputs) != len(p):
            raise ValueError("inputs must have one row per score")
        outside = reference.coverage.outside(inputs)
    q = calibrator(p)
    variants = [q, *_moved(q, outside, reference.settings.extrapolation_logit)]
    ranked = Ranked.of(p)
    aucs = [expected.auc(v, ranked) for v in variants]
    rates = [expected.default_rate(v) for v in variants]
    decided = [expected.decisions(v, p, reference.threshold, reference.cost_fn,
                                  reference.cost_fp) for v in variants]
    base = decided[0]
    share, flagged = _coverage(outside, reference.settings.coverage_quantile)
    drift = (prediction_drift(p, reference.threshold, ref_scores, float(ref["approval_rate"]),
                              int(ref["n"])) if with_prediction_drift else None)
    return EstimatedPerformance(
        n_predictions=len(p), level=reference.settings.band_level,
        auc=Band.of([a.value for a in aucs], [a.sd for a in aucs]),
        default_rate=Band.of([r.value for r in rates], [r.sd for r in rates]),
        cost=Band.of([d.cost.value for d in decided], [d.cost.sd for d in decided]),
        confusion={"tp": base.tp, "fp": base.fp, "fn": base.fn, "tn": base.tn},
        outside_share=share, extrapolating=flagged, prediction_drift=drift,
    )


def _moved(q: NDArray[np.float64], outside: NDArray[np.bool_] | None,
           delta: float) -> list[NDArray[np.float64]]:
    """``q`` with the outside rows' log-odds shifted by ±delta, spread and squeezed."""
    if outside is None or delta == 0 or not outside.any():
        return []
    x = logit(np.clip(q[outside], 1e-12, 1 - 1e-12))
    centre = float(x.mean())
    out = []
    for moved in (x + delta, x - delta, centre + (x - centre) * (1 + delta / 2),
                  centre + (x - centre) * max(1 - delta / 2, 0.0)):
        v = q.copy()
        v[outside] = expit(moved)
        out.append(v)
    return out


def _coverage(outside: NDArray[np.bool_] | None, quantile: float) -> tuple[float, bool]:
    if outside is None or len(outside) == 0:
        return float("nan"), False
    k, n = int(outside.sum()), len(outside)
    p = binomtest(k, n, 1.0 - quantile, alternative="greater").pvalue if k else 1.0
    return k / n, bool(p < _COVERAGE_TEST_ALPHA)
