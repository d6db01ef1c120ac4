"""Model performance per window: realized from outcomes, estimated before them, and the
concept-drift signal that compares the two.

    from creditwatch.performance import PerformanceReference, evaluate_window

    ref = PerformanceReference.from_bundle(bundle)            # once per model
    w = evaluate_window(ref, scores, inputs, outcomes)         # per window (numpy / DataFrame)
    w.estimated.auc.interval(0.95); w.realized.auc; w.concept.fired; w.to_dict()

Pure functions over arrays, results separate from computation: ``realized`` (AUC, Gini, KS,
Brier, log loss, calibration by PD band, decisions and costs), ``estimate`` (confidence-based
estimate with bands, coverage widening and prediction drift), ``concept`` (the signal). Each
module's docstring says what its figures mean and when to trust them.
"""

from __future__ import annotations

from creditwatch.performance.band import Band
from creditwatch.performance.calibration import calibration_table, jeffreys_interval
from creditwatch.performance.concept import ConceptSignal, concept_signal
from creditwatch.performance.coverage import CoverageReference
from creditwatch.performance.decisions import Decisions, realized_decisions
from creditwatch.performance.estimate import EstimatedPerformance, estimate
from creditwatch.performance.prediction_drift import PredictionDrift, prediction_drift
from creditwatch.performance.realized import RealizedPerformance, realized
from creditwatch.performance.reference import PerformanceReference
from creditwatch.performance.settings import PerformanceSettings
from creditwatch.performance.window import WindowPerformance, evaluate_window, summary_frame

__all__ = [
    "Band", "ConceptSignal", "CoverageReference", "Decisions", "EstimatedPerformance",
    "PerformanceReference", "PerformanceSettings", "PredictionDrift", "RealizedPerformance",
    "WindowPerformance", "calibration_table", "concept_signal", "estimate", "evaluate_window",
    "jeffreys_interval", "prediction_drift", "realized", "realized_decisions", "summary_frame",
]
