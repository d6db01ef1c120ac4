"""One window's performance: the label-free estimate, the realized figures once outcomes
arrive, and the concept-drift signal, side by side (``WindowPerformance.to_dict``/``row``).

``evaluate_window`` is what a store-backed runner calls per window with numpy arrays: the raw
probabilities of the window's predictions, their raw inputs (for the coverage check; optional),
and their outcomes (0/1, NaN or ``labelled`` False where not known yet; optional). Instead of
the inputs, ``outside`` may give the coverage check's verdict per prediction directly
(``CoverageReference.outside`` of those inputs, e.g. cached: ``performance.outside``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from creditwatch.performance.concept import ConceptSignal, concept_signal
from creditwatch.performance.estimate import EstimatedPerformance, estimate
from creditwatch.performance.realized import RealizedPerformance, labelled_rows, realized
from creditwatch.performance.reference import PerformanceReference


@dataclass(frozen=True)
class WindowPerformance:
    estimated: EstimatedPerformance | None  # None when the bundle has no calibrator
    realized: RealizedPerformance | None  # None when no outcome is known
    concept: ConceptSignal | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "estimated": None if self.estimated is None else self.estimated.to_dict(),
            "realized": None if self.realized is None else self.realized.to_dict(),
            "concept": None if self.concept is None else self.concept.to_dict(),
        }

    def row(self) -> dict[str, Any]:
        """The headline figures, estimated next to realized, as one flat row."""
        out: dict[str, Any] = {}
        e, r = self.estimated, self.realized
        if e is not None:
            for name in ("auc", "default_rate", "cost"):
                band = getattr(e, name).to_dict(e.level)
                out.update({f"est_{name}": band["value"], f"est_{name}_low": band["low"],
                            f"est_{name}_high": band["high"]})
            out.update(n_predictions=e.n_predictions, outside_share=e.outside_share,
                       extrapolating=e.extrapolating)
        if r is not None:
            out.update(n_predictions=r.n_predictions, labelled_share=r.labelled_share,
                       mature=r.mature, auc=r.auc, default_rate=r.default_rate,
                       cost=r.decisions.cost, ks=r.ks, brier=r.brier, log_loss=r.log_loss)
        if self.concept is not None:
            out.update(concept_status=self.concept.status)
        return out


def evaluate_window(reference: PerformanceReference, scores: NDArray[np.floating],
                    inputs: pd.DataFrame | None = None, outcomes: NDArray[Any] | None = None,
                    labelled: NDArray[np.bool_] | None = None, *,
                    outside: NDArray[np.bool_] | None = None) -> WindowPerformance:
    p = np.asarray(scores, dtype=np.float64)
    if outside is not None:
        outside = np.asarray(outside, dtype=bool)
        if len(outside) != len(p):
            raise ValueError("outside must have one flag per score")
    elif inputs is not None and reference.coverage is not None and reference.can_estimate:
        if len(inputs) != len(p):
            raise ValueError("inputs must have one row per score")
        outside = reference.coverage.outside(inputs)
    est = estimate(reference, p, outside=outside) if reference.can_estimate else None
    if outcomes is None:
        return WindowPerformance(est, None, None)
    mask = labelled_rows(outcomes, labelled)
    real = realized(p, outcomes, labelled=mask, threshold=reference.threshold,
                    cost_fn=reference.cost_fn, cost_fp=reference.cost_fp,
                    settings=reference.settings)
    signal = None
    if est is not None:
        paired = est if mask.all() or not real.mature else estimate(
            reference, p[mask], outside=None if outside is None else outside[mask],
            with_prediction_drift=False)
        signal = concept_signal(real, paired, reference.settings)
    return WindowPerformance(est, real, signal)


def summary_frame(windows: list[WindowPerformance], index: pd.Index | None = None) -> pd.DataFrame:
    """One row per window (``WindowPerformance.row``), e.g. indexed by window start."""
    return pd.DataFrame([w.row() for w in windows], index=index)
