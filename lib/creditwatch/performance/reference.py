"""What performance monitoring needs from a model bundle, gathered once.

``PerformanceReference.from_bundle(bundle)`` reads the threshold and costs (realized figures
need nothing else), the calibrator and the reference performance that training stores in
``bundle.json`` (held-out AUC, default rate, approval rate and a sample of held-out scores),
and fits the coverage reference on the bundle's raw reference sample. A bundle trained before
calibrators were stored still gives realized figures; ``require_estimator`` explains how to
get estimates.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from creditwatch.errors import ModelNotFoundError
from creditwatch.model.bundle import ModelBundle
from creditwatch.model.calibrator import Calibrator
from creditwatch.performance.coverage import CoverageReference
from creditwatch.performance.settings import PerformanceSettings


@dataclass(frozen=True)
class PerformanceReference:
    threshold: float
    cost_fn: float
    cost_fp: float
    settings: PerformanceSettings
    calibrator: Calibrator | None = None
    reference: dict[str, Any] | None = None  # held-out figures from training
    scores: NDArray[np.float64] | None = None  # sorted held-out raw probabilities
    coverage: CoverageReference | None = None
    model_version: str = ""

    @classmethod
    def from_bundle(cls, bundle: ModelBundle,
                    settings: PerformanceSettings | None = None) -> PerformanceReference:
        settings = settings or PerformanceSettings()
        ref = bundle.performance_reference
        coverage = None
        if bundle.calibrator is not None and len(bundle.reference):
            coverage = CoverageReference.fit(bundle.reference, bundle.importances,
                                             n_fields=settings.coverage_fields,
                                             quantile=settings.coverage_quantile)
        scores = None if ref is None else np.sort(np.asarray(ref["scores"], dtype=np.float64))
        return cls(bundle.threshold, bundle.cost_fn, bundle.cost_fp, settings,
                   bundle.calibrator, ref, scores, coverage, bundle.version)

    @property
    def can_estimate(self) -> bool:
        return self.calibrator is not None and self.reference is not None

    def require_estimator(self) -> tuple[Calibrator, dict[str, Any], NDArray[np.float64]]:
        """The calibrator, reference figures and scores; a clear error when the bundle has none."""
        if self.calibrator is None or self.reference is None or self.scores is None:
            raise ModelNotFoundError(
                f"model {self.model_version or '(unknown)'} has no calibrator: it was trained "
                "before label-free performance estimation; retrain it (`creditwatch train`) "
                "to estimate performance before outcomes arrive")
        return self.calibrator, self.reference, self.scores
